export { PostgresDialect } from "./dialect.js";
export { InvalidCachedStatementError } from "./errors.js";
export {
  ARRAY,
  ArrayType,
  JSONB,
  JSONBType,
  PgUuidType,
  TIMESTAMPTZ,
  TimestamptzType,
  UUID,
  PostgresTypeCompiler,
} from "./types.js";
export * from "./dml.js";
