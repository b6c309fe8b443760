export { MysqlDialect } from "./dialect.js";
export {
  DOUBLE,
  LONGTEXT,
  LongTextType,
  MEDIUMINT,
  MediumIntType,
  MysqlDoubleType,
  MysqlTimestampType,
  MysqlTypeCompiler,
  TIMESTAMP,
  TINYINT,
  TinyIntType,
} from "./types.js";
export * from "./dml.js";
