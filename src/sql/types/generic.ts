/**
 * The generic SQL types (SQLAlchemy: `sql/sqltypes.py`). CamelCase names are the
 * dialect-neutral types; each dialect's type compiler spells them (`String(50)` →
 * `VARCHAR(50)`), and each dialect may attach its own value conversion.
 *
 * JavaScript value types, chosen so that nothing is lost on the way in or out:
 * - Integer, SmallInteger → number; BigInteger → bigint (or number with `{ mode: "number" }`)
 * - Numeric → string (exact decimal text; `{ asNumber: true }` gives number)
 * - Float, Double → number
 * - Date → "YYYY-MM-DD" string; Time → "HH:MM:SS[.ffffff]" string; DateTime → Date
 * - Interval → IntervalValue; Enum → the string union; JSON<T> → T; LargeBinary → Buffer; Uuid → string
 */
import { TypeEngine } from "./type-engine.js";

export class IntegerType extends TypeEngine<number> {
  readonly kind: string = "integer";
}
export class SmallIntegerType extends IntegerType {
  override readonly kind: string = "smallinteger";
}
export class BigIntegerType<T extends bigint | number = bigint> extends TypeEngine<T> {
  readonly kind: string = "biginteger";
  constructor(readonly mode: "bigint" | "number" = "bigint") {
    super();
  }
}
export class BooleanType extends TypeEngine<boolean> {
  readonly kind: string = "boolean";
}
export class StringType<T extends string = string> extends TypeEngine<T> {
  readonly kind: string = "string";
  constructor(
    readonly length: number | null = null,
    readonly collation: string | null = null,
  ) {
    super();
  }
  override toString(): string {
    return this.length == null ? "String" : `String(${this.length})`;
  }
}
export class TextType extends StringType {
  override readonly kind: string = "text";
}
export class NumericType<T extends string | number = string> extends TypeEngine<T> {
  readonly kind: string = "numeric";
  constructor(
    readonly precision: number | null = null,
    readonly scale: number | null = null,
    readonly asNumber: boolean = false,
  ) {
    super();
  }
}
export class FloatType extends TypeEngine<number> {
  readonly kind: string = "float";
  constructor(readonly precision: number | null = null) {
    super();
  }
}
export class DoubleType extends FloatType {
  override readonly kind: string = "double";
}
export class DateType extends TypeEngine<string> {
  readonly kind: string = "date";
}
export class TimeType extends TypeEngine<string> {
  readonly kind: string = "time";
  constructor(readonly timezone = false) {
    super();
  }
}
export class DateTimeType extends TypeEngine<Date> {
  readonly kind: string = "datetime";
  constructor(
    readonly timezone = false,
    /** Fractional-second digits (0–6); MySQL stores none unless asked. */
    readonly fsp: number | null = null,
  ) {
    super();
  }
}
/** A span of time. PostgreSQL keeps months apart from days, so all parts are kept. */
export interface IntervalValue {
  years?: number;
  months?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}
export class IntervalType extends TypeEngine<IntervalValue> {
  readonly kind: string = "interval";
}
export class EnumType<T extends string = string> extends TypeEngine<T> {
  readonly kind: string = "enum";
  constructor(
    readonly values: readonly T[],
    /** Name of the type where the database has named enum types (PostgreSQL CREATE TYPE). */
    readonly name: string | null = null,
    /** Whether a CHECK constraint guards the values on databases with no native enum. */
    readonly createConstraint = true,
    readonly nativeEnum = true,
  ) {
    super();
  }
}
export class JSONType<T = unknown> extends TypeEngine<T> {
  readonly kind: string = "json";
}
export class LargeBinaryType extends TypeEngine<Buffer> {
  readonly kind: string = "largebinary";
  constructor(readonly length: number | null = null) {
    super();
  }
}
export class UuidType extends TypeEngine<string> {
  readonly kind: string = "uuid";
  constructor(readonly nativeUuid = true) {
    super();
  }
}
