/**
 * MySQL/MariaDB `COLUMN_TYPE` text → Athanor type (SQLAlchemy: `MySQLDialect._parse_column`
 * and `ischema_names`). `TINYINT(1)` is read as Boolean (what BOOL creates); MariaDB's JSON is
 * a LONGTEXT guarded by `CHECK (json_valid(col))`, which the inspector detects and reports as
 * JSON. Anything Athanor has no class for is a RawType.
 */
import {
  BigIntegerType,
  BooleanType,
  DateTimeType,
  DateType,
  DoubleType,
  EnumType,
  FloatType,
  IntegerType,
  JSONType,
  LargeBinaryType,
  NumericType,
  SmallIntegerType,
  StringType,
  TextType,
  TimeType,
} from "../../sql/types/generic.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import { RawType } from "../base/raw-type.js";
import { LongTextType, MediumIntType, MysqlTimestampType, TinyIntType } from "./mysql-types.js";

/** The values of `enum('a','b''c')`. */
export function parseEnumValues(body: string): string[] {
  const out: string[] = [];
  const re = /'((?:[^'\\]|''|\\.)*)'/g;
  for (const m of body.matchAll(re)) out.push(m[1]!.replace(/''/g, "'").replace(/\\(.)/g, "$1"));
  return out;
}

export function mysqlTypeFromColumnType(columnType: string): TypeEngine<any> {
  const spelling = columnType.trim().toLowerCase();
  const en = /^enum\((.*)\)$/s.exec(columnType.trim());
  if (en) return new EnumType(parseEnumValues(en[1]!));
  const m = /^([a-z]+)(?:\((\d+)(?:,(\d+))?\))?( unsigned)?( zerofill)?$/.exec(spelling);
  if (!m) return new RawType(columnType);
  const [, name, pa, pb, unsigned, zerofill] = m;
  const a = pa === undefined ? null : Number(pa);
  const b = pb === undefined ? null : Number(pb);
  if (zerofill) return new RawType(columnType);
  if (unsigned) {
    if (name === "tinyint") return new TinyIntType(true);
    if (name === "mediumint") return new MediumIntType(true);
    return new RawType(columnType);
  }
  switch (name) {
    case "int":
    case "integer":
      return new IntegerType();
    case "smallint":
      return new SmallIntegerType();
    case "bigint":
      return new BigIntegerType();
    case "mediumint":
      return new MediumIntType();
    case "tinyint":
      return a === 1 ? new BooleanType() : new TinyIntType();
    case "bool":
    case "boolean":
      return new BooleanType();
    case "varchar":
      return a === null ? new RawType(columnType) : new StringType(a);
    case "text":
      return new TextType();
    case "longtext":
      return new LongTextType();
    case "decimal":
    case "numeric":
      return new NumericType(a, b);
    case "double":
      return new DoubleType();
    case "float":
      return new FloatType(a ?? 24);
    case "date":
      return new DateType();
    case "time":
      return a === 6 ? new TimeType() : new RawType(columnType);
    case "datetime":
      // DATETIME(6) is what DateTime compiles to here: read it back as plain DateTime.
      return new DateTimeType(false, a === 6 ? null : (a ?? 0));
    case "timestamp":
      return new MysqlTimestampType(a === 6 ? null : (a ?? 0));
    case "json":
      return new JSONType();
    case "longblob":
      return new LargeBinaryType();
    case "blob":
      return new LargeBinaryType(65535);
  }
  return new RawType(columnType);
}
