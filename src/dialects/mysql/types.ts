/**
 * MySQL/MariaDB type spellings and value conversions (SQLAlchemy: `dialects/mysql/base.py`).
 *
 * mysql2 runs with the text protocol and escapes values client-side (mysql/driver.ts), with
 * DATE/DATETIME/TIMESTAMP, BIGINT, DECIMAL and JSON read as strings and the session in UTC.
 *
 * Decisions:
 * - VARCHAR needs a length and DECIMAL a precision (MySQL's bare DECIMAL is DECIMAL(10,0), which
 *   would round every fraction away): both raise a CompileError naming the fix.
 * - Numeric is sent as an unquoted decimal literal (as PyMySQL sends Decimal): MySQL compares a
 *   quoted '12.5' with a DECIMAL column as a double, which is wrong beyond 15 digits. This uses
 *   the `toSqlString` hook of mysql2's `escape`, so it relies on the driver's text protocol;
 *   with prepared statements (`execute`) Numeric would have to be bound as a string instead.
 * - DateTime is DATETIME(6) unless `fsp` is given, Time is TIME(6): nothing is cut silently.
 * - Float() is DOUBLE (MySQL's FLOAT is 4 bytes and would round JS numbers); Float(p) is FLOAT(p).
 *   NaN and ±Infinity are refused at bind time (MySQL stores neither).
 * - LargeBinary is LONGBLOB (BLOB holds 64 KiB), or BLOB(n) with a length.
 * - A zero date ('0000-00-00 00:00:00') reads as null, as MySQLdb does.
 */
import { ArgumentError, CompileError } from "../../util/errors.js";
import { TypeCompiler } from "../../sql/type-compiler.js";
import {
  DateTimeType,
  FloatType,
  NumericType,
  type EnumType,
  type LargeBinaryType,
  type StringType,
  type TimeType,
} from "../../sql/types/generic.js";
import { isPlainDecimal } from "../../sql/types/decimal.js";
import { makeImplFor, type ImplMethods } from "../../sql/types/impl.js";
import { bindUtcDateTime } from "../../sql/types/temporal.js";
import { parseDateTimeText } from "../../sql/types/temporal-text.js";
import { NullType, type Processor, type TypeEngine } from "../../sql/types/type-engine.js";
import type { LongTextType, MediumIntType, MysqlTimestampType, TinyIntType } from "./mysql-types.js";

export {
  DOUBLE,
  LONGTEXT,
  LongTextType,
  MEDIUMINT,
  MediumIntType,
  MysqlDoubleType,
  MysqlTimestampType,
  TIMESTAMP,
  TINYINT,
  TinyIntType,
} from "./mysql-types.js";

/** MySQL's default fractional-second digits for DATETIME, TIME and TIMESTAMP here. */
const DEFAULT_FSP = 6;

export class MysqlTypeCompiler extends TypeCompiler {
  override quoteName(name: string): string {
    return /^\w+$/.test(name) ? name : "`" + name.replace(/`/g, "``") + "`";
  }
  /** Backslashes escape in MySQL string literals (unless NO_BACKSLASH_ESCAPES). */
  override stringLiteral(value: string): string {
    return "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "''") + "'";
  }
  override visit_boolean(): string {
    return "BOOL";
  }
  override visit_string(t: StringType): string {
    if (t.length == null) {
      throw new CompileError(
        "VARCHAR requires a length on the mysql dialect: String() has none. Give one, e.g. String(255), or use Text for unbounded text.",
        "ATH-TYPE-LENGTH",
      );
    }
    return this.withCollation(`VARCHAR(${t.length})`, t.collation);
  }
  override visit_numeric(t: NumericType<any>): string {
    if (t.precision == null) {
      throw new CompileError(
        "DECIMAL requires a precision on the mysql dialect: Numeric() has none, and MySQL's default DECIMAL(10,0) would drop every fraction. Give one, e.g. Numeric(18, 4).",
        "ATH-TYPE-LENGTH",
      );
    }
    return t.scale == null ? `DECIMAL(${t.precision})` : `DECIMAL(${t.precision}, ${t.scale})`;
  }
  override visit_float(t: FloatType): string {
    return t.precision == null ? "DOUBLE" : `FLOAT(${t.precision})`;
  }
  override visit_double(): string {
    return "DOUBLE";
  }
  override visit_time(_t: TimeType): string {
    return `TIME(${DEFAULT_FSP})`;
  }
  override visit_datetime(t: DateTimeType): string {
    const fsp = t.fsp ?? DEFAULT_FSP;
    return fsp === 0 ? "DATETIME" : `DATETIME(${fsp})`;
  }
  override visit_enum(t: EnumType<any>): string {
    if (!t.nativeEnum) return super.visit_enum(t);
    return `ENUM(${t.values.map((v) => this.stringLiteral(v)).join(", ")})`;
  }
  override visit_largebinary(t: LargeBinaryType): string {
    return t.length == null ? "LONGBLOB" : `BLOB(${t.length})`;
  }
  visit_mysql_tinyint(t: TinyIntType): string {
    return t.unsigned ? "TINYINT UNSIGNED" : "TINYINT";
  }
  visit_mysql_mediumint(t: MediumIntType): string {
    return t.unsigned ? "MEDIUMINT UNSIGNED" : "MEDIUMINT";
  }
  visit_mysql_longtext(t: LongTextType): string {
    return this.withCollation("LONGTEXT", t.collation);
  }
  visit_mysql_double(): string {
    return "DOUBLE";
  }
  visit_mysql_timestamp(t: MysqlTimestampType): string {
    const fsp = t.fsp ?? DEFAULT_FSP;
    return fsp === 0 ? "TIMESTAMP" : `TIMESTAMP(${fsp})`;
  }
  /** CAST takes its own names on MySQL: SIGNED, CHAR, DECIMAL, DOUBLE, DATE, TIME, DATETIME, BINARY. */
  override castSpelling(type: TypeEngine<any>): string {
    switch (type.kind) {
      case "integer":
      case "smallinteger":
      case "biginteger":
      case "boolean":
        return "SIGNED";
      case "mysql_tinyint":
      case "mysql_mediumint":
        return (type as TinyIntType).unsigned ? "UNSIGNED" : "SIGNED";
      case "string":
        return (type as StringType).length == null ? "CHAR" : `CHAR(${(type as StringType).length})`;
      case "text":
      case "mysql_longtext":
      case "enum":
      case "uuid":
        return "CHAR";
      case "numeric":
        return (type as NumericType<any>).precision == null ? "DECIMAL" : this.process(type);
      case "float":
      case "double":
      case "mysql_double":
        return "DOUBLE";
      case "largebinary":
        return "BINARY";
      default:
        return this.process(type);
    }
  }
}

/** An exact decimal literal, written unquoted by mysql2's escape (its `toSqlString` hook). */
class DecimalLiteral {
  constructor(readonly text: string) {}
  toSqlString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
}

/** Only text that is a plain decimal (checked by a char scan) is written unquoted; anything else is escaped as usual. */
const bindDecimal: Processor = (v) =>
  typeof v === "string" && isPlainDecimal(v) ? new DecimalLiteral(v) : v;

const refuseNonFinite: Processor = (v) => {
  if (v - v !== 0) {
    throw new ArgumentError(
      `Can't store ${v} in MySQL: it has no NaN or Infinity. Store null, or use PostgreSQL.`,
      "ATH-VALUE",
    );
  }
  return v;
};

/** DATETIME/TIMESTAMP text → Date; MySQL's zero date ('0000-00-00 …') → null. */
const resultDateTime: Processor = (v) => {
  if (typeof v !== "string") return v;
  if (v.charCodeAt(5) === 48 && v.charCodeAt(6) === 48) return null;
  return parseDateTimeText(v);
};

/**
 * Untyped values: booleans as 1/0, Dates as UTC DATETIME text, plain objects as JSON text
 * (mysql2 would otherwise write an object as `key` = value pairs). Arrays, and objects with
 * mysql2's `toSqlString` hook, are left to mysql2,
 * which writes them as lists: `IN (?)` given [1, 2] becomes `IN (1, 2)`.
 */
const untyped: Processor = (v) => {
  switch (typeof v) {
    case "boolean":
      return v ? 1 : 0;
    case "object":
      if (v instanceof Date) return bindUtcDateTime(v);
      if (Array.isArray(v) || v instanceof Uint8Array || typeof v.toSqlString === "function") return v;
      return JSON.stringify(v);
    default:
      return v;
  }
};

const colspecs = new Map<abstract new (...args: any[]) => any, ImplMethods>([
  [NumericType, { bindProcessor: () => bindDecimal }],
  [FloatType, { bindProcessor: () => refuseNonFinite }],
  [DateTimeType, { resultProcessor: () => resultDateTime }],
  [NullType, { bindProcessor: () => untyped }],
]);

/** The MySQL implementation of a type (SQLAlchemy: colspecs); cached per type instance. */
export const implFor = makeImplFor(colspecs);
