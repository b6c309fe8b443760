/**
 * PostgreSQL `format_type()` text → Athanor type (SQLAlchemy: `PGDialect._reflect_type` and
 * `ischema_names`). Unknown types (domains, tsvector, character(n), …) become RawType.
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
  IntervalType,
  JSONType,
  LargeBinaryType,
  NumericType,
  SmallIntegerType,
  StringType,
  TextType,
  TimeType,
  UuidType,
} from "../../sql/types/generic.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import { RawType } from "../base/raw-type.js";
import { ArrayType, JSONBType } from "./pg-types.js";

export interface PgTypeInfo {
  /** `format_type(atttypid, atttypmod)`. */
  readonly formatted: string;
  /** `pg_type.typtype`: 'e' for enums. */
  readonly typtype: string | null;
  /** The type's own name (for enums). */
  readonly typname: string | null;
  /** Enum labels in order, for enum types. */
  readonly enumLabels: readonly string[] | null;
}

const TIME_RE = /^(time|timestamp)(?:\((\d+)\))? (with|without) time zone$/;

/** A scalar (non-array) type spelling. */
function scalarType(spelling: string): TypeEngine<any> | null {
  const m = /^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?$/.exec(spelling);
  if (!m) return null;
  const name = m[1]!;
  const a = m[2] === undefined ? null : Number(m[2]);
  const b = m[3] === undefined ? null : Number(m[3]);
  const t = TIME_RE.exec(spelling);
  if (t) {
    const tz = t[3] === "with";
    if (t[1] === "time") return t[2] === undefined ? new TimeType(tz) : null;
    return new DateTimeType(tz, t[2] === undefined ? null : Number(t[2]));
  }
  switch (name) {
    case "integer":
      return new IntegerType();
    case "smallint":
      return new SmallIntegerType();
    case "bigint":
      return new BigIntegerType();
    case "boolean":
      return new BooleanType();
    case "character varying":
      return new StringType(a);
    case "text":
      return new TextType();
    case "numeric":
      return new NumericType(a, b);
    case "double precision":
      return new DoubleType();
    case "real":
      return new FloatType(24);
    case "date":
      return a === null ? new DateType() : null;
    case "interval":
      return a === null ? new IntervalType() : null;
    case "json":
      return new JSONType();
    case "jsonb":
      return new JSONBType();
    case "uuid":
      return new UuidType();
    case "bytea":
      return new LargeBinaryType();
  }
  return null;
}

export function pgTypeFromCatalog(info: PgTypeInfo): TypeEngine<any> {
  const formatted = info.formatted;
  if (info.typtype === "e" && info.enumLabels && info.typname) {
    return new EnumType(info.enumLabels, info.typname);
  }
  const arr = /^(.*?)((?:\[\])+)$/.exec(formatted);
  if (arr) {
    const inner = scalarType(arr[1]!);
    const dims = arr[2]!.length / 2;
    return inner ? new ArrayType(inner, dims > 1 ? dims : null) : new RawType(formatted);
  }
  return scalarType(formatted) ?? new RawType(formatted);
}
