/**
 * SQLite type spellings and value conversions (SQLAlchemy: `dialects/sqlite/base.py`).
 *
 * better-sqlite3 binds only numbers, bigints, strings, Buffers and null, so every JS value is
 * turned into one of those here. Integers are read as numbers, except in statements with a
 * BigInteger result column, which the driver runs with safeIntegers (see sqlite/driver.ts):
 * there a BigInteger cell arrives as number or bigint and its result processor makes a bigint.
 *
 * Storage decisions (SQLite stores by column affinity, not by declared type):
 * - DateTime is TEXT "YYYY-MM-DD HH:MM:SS.ffffff", UTC, fixed width so it sorts as time does
 *   (SQLAlchemy's format); Date "YYYY-MM-DD"; Time "HH:MM:SS[.ffffff]".
 * - Numeric: NUMERIC affinity turns "12.50" into a REAL, which keeps only 15 significant digits.
 *   Numeric(p, s) with p ≤ 15 stays NUMERIC(p, s) (numeric sorting and arithmetic, and every such
 *   value survives a REAL exactly; it is read back formatted to the scale). Wider or unbounded
 *   Numeric is spelled NUMERIC_TEXT(p, s) — TEXT affinity — so every digit is kept; such a column
 *   compares and sorts as text in SQL. Values are rounded to the scale (half away from zero) and
 *   checked against the precision when bound, as PostgreSQL and MySQL do.
 * - Boolean is 1/0; Interval a BIGINT count of microseconds; Uuid CHAR(36); Enum VARCHAR(n) with
 *   a CHECK constraint; JSON text in a JSON column.
 * - Float refuses NaN (SQLite would store NULL); ±Infinity is stored.
 */
import { ArgumentError } from "../../util/errors.js";
import { TypeCompiler } from "../../sql/type-compiler.js";
import {
  BigIntegerType,
  DateTimeType,
  FloatType,
  IntegerType,
  NumericType,
} from "../../sql/types/generic.js";
import { integerDigits, roundDecimal, toPlainDecimal } from "../../sql/types/decimal.js";
import { describeValue } from "../../sql/types/describe.js";
import { makeImplFor, type ImplMethods } from "../../sql/types/impl.js";
import { checkBindableDate } from "../../sql/types/temporal.js";
import { formatUtcDateTimeMicros } from "../../sql/types/temporal-text.js";
import { NullType, type Processor } from "../../sql/types/type-engine.js";

/** Widest Numeric kept in a NUMERIC-affinity column: 15 significant digits always survive a REAL. */
const MAX_REAL_EXACT_DIGITS = 15;

/** Whether a Numeric column is stored as TEXT on SQLite (see the module comment). */
export function storesNumericAsText(t: NumericType<any>): boolean {
  return t.precision == null || t.precision > MAX_REAL_EXACT_DIGITS;
}

export class SqliteTypeCompiler extends TypeCompiler {
  override visit_numeric(t: NumericType<any>): string {
    if (!storesNumericAsText(t)) return super.visit_numeric(t);
    if (t.precision == null) return "NUMERIC_TEXT";
    return t.scale == null ? `NUMERIC_TEXT(${t.precision})` : `NUMERIC_TEXT(${t.precision}, ${t.scale})`;
  }
  override visit_double(): string {
    return "REAL";
  }
  override visit_time(): string {
    return "TIME";
  }
  override visit_datetime(): string {
    return "DATETIME";
  }
}

const datetimeText: Processor = (v) => {
  if (!(v instanceof Date)) return v;
  checkBindableDate(v);
  return formatUtcDateTimeMicros(v);
};

const refuseNaN: Processor = (v) => {
  if (v !== v)
    throw new ArgumentError(
      "Can't store NaN in SQLite: it would become NULL. Store null, or use PostgreSQL for NaN.",
      "ATH-VALUE",
    );
  return v;
};

/** Untyped values: what better-sqlite3 can't bind is turned into what it can. */
const untyped: Processor = (v) => {
  switch (typeof v) {
    case "boolean":
      return v ? 1 : 0;
    case "object":
      if (v instanceof Date) return datetimeText(v);
      if (Buffer.isBuffer(v)) return v;
      if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      return JSON.stringify(v);
    default:
      return v;
  }
};

/** Numeric → exact decimal text, rounded to the scale, checked against the precision. */
function numericBind(this: NumericType<any>): Processor {
  const { precision, scale } = this;
  const intDigits = precision == null ? null : precision - (scale ?? 0);
  const shown = this.toString();
  return (v) => {
    let text = toPlainDecimal(v);
    if (text === null)
      throw new ArgumentError(
        `Bad value for ${shown}: expected a decimal, got ${describeValue(v)}.`,
        "ATH-VALUE",
      );
    if (scale != null) text = roundDecimal(text, scale);
    if (intDigits != null && integerDigits(text) > intDigits) {
      throw new ArgumentError(
        `Value ${text} is too large for ${shown}: it allows ${intDigits} digit(s) before the decimal point. Use a wider Numeric.`,
        "ATH-VALUE",
      );
    }
    return text;
  };
}

/** Stored REAL/INTEGER values are formatted to the scale; TEXT comes back as stored. */
function numericResult(this: NumericType<any>): Processor {
  if (this.asNumber) return (v) => (typeof v === "number" ? v : Number(v));
  const scale = this.scale ?? (this.precision != null ? 0 : null);
  const zeros = scale ? "." + "0".repeat(scale) : "";
  return (v) => {
    if (typeof v === "string") return v;
    if (typeof v === "number") return scale === null ? toPlainDecimal(v) : v.toFixed(scale);
    return String(v) + zeros;
  };
}

/**
 * better-sqlite3 binds every JS number as REAL, so `7 / ?` given 2 would not divide as integers
 * (and `0 * ?` given -1 gives -0.0): integers of an integer type are bound as INTEGER (a bigint).
 */
const bindInteger: Processor = (v) => (typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : v);

const colspecs = new Map<abstract new (...args: any[]) => any, ImplMethods>([
  [IntegerType, { bindProcessor: () => bindInteger }],
  [BigIntegerType, { bindProcessor: () => bindInteger }],
  [NumericType, { bindProcessor: numericBind, resultProcessor: numericResult }],
  [FloatType, { bindProcessor: () => refuseNaN }],
  [DateTimeType, { bindProcessor: () => datetimeText }],
  [NullType, { bindProcessor: () => untyped }],
]);

/** The SQLite implementation of a type (SQLAlchemy: colspecs); cached per type instance. */
export const implFor = makeImplFor(colspecs);
