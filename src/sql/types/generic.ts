/**
 * The generic SQL types (SQLAlchemy: `sql/sqltypes.py`). CamelCase names are the
 * dialect-neutral types; each dialect's type compiler spells them (`String(50)` →
 * `VARCHAR(50)`), and each dialect may attach its own value conversion (its `implFor`).
 * Processors here are the ones that depend only on capability flags.
 *
 * JavaScript value types, chosen so that nothing is lost on the way in or out:
 * - Integer, SmallInteger → number; BigInteger → bigint (or number with `{ mode: "number" }`)
 * - Numeric → string (exact decimal text; `{ asNumber: true }` gives number)
 * - Float, Double → number
 * - Date → "YYYY-MM-DD" string; Time → "HH:MM:SS[.ffffff]" string; DateTime → Date (UTC)
 * - Interval → IntervalValue; Enum → the string union; JSON<T> → T; LargeBinary → Buffer; Uuid → string
 *
 * This module holds the numeric, string and boolean types and re-exports the others
 * (`temporal.ts`: dates, times, intervals; `structured.ts`: enum, JSON, binary, UUID).
 */
import { describeValue } from "./describe.js";
import { isDecimalText } from "./decimal.js";
import { TypeEngine, type Processor, type TypeDialect } from "./type-engine.js";

const toBigInt: Processor = (v) => (typeof v === "bigint" ? v : BigInt(v));
const toNumber: Processor = (v) => (typeof v === "number" ? v : Number(v));
const booleanToInt: Processor = (v) => (v ? 1 : 0);
// Loose comparison on purpose: 0, 0n and "0" are false; booleans pass through.
const intToBoolean: Processor = (v) => v != 0;

export class IntegerType extends TypeEngine<number> {
  readonly kind: string = "integer";
  override validate(value: unknown): string | null {
    if (value === null || (typeof value === "number" && Number.isInteger(value))) return null;
    const hint = typeof value === "bigint" ? " (use BigInteger for bigint values)" : "";
    return `expected an integer (a JS number), got ${describeValue(value)}${hint}`;
  }
  override toString(): string {
    return "Integer";
  }
}

export class SmallIntegerType extends IntegerType {
  override readonly kind: string = "smallinteger";
  override toString(): string {
    return "SmallInteger";
  }
}

/** 64-bit integer. Drivers hand it over as text or bigint; it is read as bigint, or number in "number" mode. */
export class BigIntegerType<T extends bigint | number = bigint> extends TypeEngine<T> {
  readonly kind: string = "biginteger";
  constructor(readonly mode: "bigint" | "number" = "bigint") {
    super();
  }
  override resultProcessor(_dialect: TypeDialect): Processor | null {
    return this.mode === "number" ? toNumber : toBigInt;
  }
  override validate(value: unknown): string | null {
    if (
      value === null ||
      typeof value === "bigint" ||
      (typeof value === "number" && Number.isSafeInteger(value))
    )
      return null;
    if (typeof value === "number" && Number.isInteger(value)) {
      return `expected a bigint or a safe integer, got the number ${value}, which is beyond 2^53 and already rounded; pass a bigint (e.g. ${BigInt(value)}n)`;
    }
    return `expected a bigint or an integer number, got ${describeValue(value)}`;
  }
  override toString(): string {
    return this.mode === "number" ? 'BigInteger({ mode: "number" })' : "BigInteger";
  }
}

/** true/false; stored as 1/0 where the database has no boolean type (SQLite, MySQL). */
export class BooleanType extends TypeEngine<boolean> {
  readonly kind: string = "boolean";
  override bindProcessor(dialect: TypeDialect): Processor | null {
    return dialect.capabilities.supportsNativeBoolean ? null : booleanToInt;
  }
  override resultProcessor(dialect: TypeDialect): Processor | null {
    return dialect.capabilities.supportsNativeBoolean ? null : intToBoolean;
  }
  override validate(value: unknown): string | null {
    if (value === null || typeof value === "boolean") return null;
    return `expected a boolean, got ${describeValue(value)}`;
  }
  override toString(): string {
    return "Boolean";
  }
}

export class StringType<T extends string = string> extends TypeEngine<T> {
  readonly kind: string = "string";
  constructor(
    readonly length: number | null = null,
    readonly collation: string | null = null,
  ) {
    super();
  }
  override validate(value: unknown): string | null {
    if (value === null || typeof value === "string") return null;
    return `expected a string, got ${describeValue(value)}`;
  }
  override toString(): string {
    return this.length == null ? "String" : `String(${this.length})`;
  }
}

export class TextType extends StringType {
  override readonly kind: string = "text";
  override toString(): string {
    return "Text";
  }
}

/**
 * Exact decimal. Values are decimal strings both ways (numbers and bigints are accepted on
 * the way in); `asNumber` reads JS numbers instead.
 */
export class NumericType<T extends string | number = string> extends TypeEngine<T> {
  readonly kind: string = "numeric";
  constructor(
    readonly precision: number | null = null,
    readonly scale: number | null = null,
    readonly asNumber: boolean = false,
  ) {
    super();
  }
  override resultProcessor(_dialect: TypeDialect): Processor | null {
    return this.asNumber ? toNumber : null;
  }
  override validate(value: unknown): string | null {
    if (value === null || typeof value === "bigint") return null;
    if (typeof value === "number")
      return Number.isFinite(value) ? null : `expected a finite decimal, got the number ${value}`;
    if (typeof value === "string" && isDecimalText(value)) return null;
    return `expected a decimal string such as '12.50' (or a finite number), got ${describeValue(value)}`;
  }
  override toString(): string {
    if (this.precision == null) return "Numeric";
    return this.scale == null ? `Numeric(${this.precision})` : `Numeric(${this.precision}, ${this.scale})`;
  }
}

/** Floating point. NaN and ±Infinity are numbers too; dialects whose database can't store them refuse them at bind time. */
export class FloatType extends TypeEngine<number> {
  readonly kind: string = "float";
  constructor(readonly precision: number | null = null) {
    super();
  }
  override validate(value: unknown): string | null {
    if (value === null || typeof value === "number") return null;
    return `expected a number, got ${describeValue(value)}`;
  }
  override toString(): string {
    return this.precision == null ? "Float" : `Float(${this.precision})`;
  }
}

export class DoubleType extends FloatType {
  override readonly kind: string = "double";
  override toString(): string {
    return "Double";
  }
}

export { DateType, TimeType, DateTimeType, IntervalType } from "./temporal.js";
export type { IntervalValue } from "./interval.js";
export { EnumType, JSONType, LargeBinaryType, UuidType } from "./structured.js";
