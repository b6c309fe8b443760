/**
 * Public constructors of the generic types, with SQLAlchemy's names.
 *
 * Note: `String`, `Boolean`, `Date` and `JSON` shadow JavaScript globals in a module that
 * imports them by those names. Import them renamed, or use the `types` namespace:
 * `import { types as t } from "athanor"; t.String(50)`.
 *
 * @example
 * new Table("users", metadata, {
 *   id: Column(Integer, { primaryKey: true }),
 *   email: Column(String(255), { nullable: false, unique: true }),
 *   balance: Column(Numeric(12, 2)),
 * })
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
} from "./generic.js";
import { ArgumentError } from "../../util/errors.js";
import { callableType } from "./callable.js";

export const Integer = new IntegerType();
export const SmallInteger = new SmallIntegerType();
/** 64-bit integer, read as `bigint` so no digit is lost; `BigInteger({ mode: "number" })` reads `number`. */
export const BigInteger: BigIntegerType<bigint> & {
  (options?: { mode?: "bigint" }): BigIntegerType<bigint>;
  (options: { mode: "number" }): BigIntegerType<number>;
} = callableType(
  new BigIntegerType<bigint>(),
  (options?: { mode?: "bigint" | "number" }) => new BigIntegerType<any>(options?.mode ?? "bigint"),
) as any;
export const Boolean = new BooleanType();
/** Variable-length string; `String(50)` is VARCHAR(50). MySQL needs a length in DDL. */
export function String<T extends string = string>(
  length?: number,
  options?: { collation?: string },
): StringType<T> {
  return new StringType<T>(length ?? null, options?.collation ?? null);
}
export const Text = new TextType();
/** Exact decimal, read as a string so no digit is lost; `{ asNumber: true }` reads a JS number. */
export function Numeric(precision?: number, scale?: number): NumericType<string>;
export function Numeric(
  precision: number | undefined,
  scale: number | undefined,
  options: { asNumber: true },
): NumericType<number>;
export function Numeric(
  precision?: number,
  scale?: number,
  options?: { asNumber?: boolean },
): NumericType<any> {
  return new NumericType(precision ?? null, scale ?? null, options?.asNumber ?? false);
}
/** Alias of Numeric (SQLAlchemy: `DECIMAL`). */
export const Decimal = Numeric;
export const Float = callableType(new FloatType(), (precision?: number) => new FloatType(precision ?? null));
export const Double = new DoubleType();
/** Calendar date, as a "YYYY-MM-DD" string (no time zone can shift it). */
export const Date = new DateType();
/** Time of day, as an "HH:MM:SS[.ffffff]" string. `Time({ timezone: true })` is TIME WITH TIME ZONE on PostgreSQL. */
export const Time = callableType(
  new TimeType(),
  (options?: { timezone?: boolean }) => new TimeType(options?.timezone ?? false),
);
/**
 * Timestamp, as a JS Date. Naive by default: stored and read as UTC wall time.
 * `DateTime({ timezone: true })` is TIMESTAMP WITH TIME ZONE on PostgreSQL (UTC elsewhere);
 * `fsp` sets the fractional-second digits (MySQL defaults to 6, DATETIME(6)).
 */
export const DateTime = callableType(
  new DateTimeType(),
  (options?: { timezone?: boolean; fsp?: number }) =>
    new DateTimeType(options?.timezone ?? false, options?.fsp ?? null),
);
/** A span of time as an IntervalValue; native INTERVAL on PostgreSQL, a BIGINT of microseconds elsewhere. */
export const Interval = new IntervalType();
/**
 * Enumerated strings, from a list or a TypeScript string enum.
 * @example Enum(["pending", "paid", "shipped"], { name: "order_status" })
 * @example enum Status { Active = "active", Banned = "banned" }; Enum(Status)
 */
export function Enum<const T extends string>(
  values: readonly T[] | Record<string, T>,
  options?: { name?: string; createConstraint?: boolean; nativeEnum?: boolean },
): EnumType<T> {
  const list = Array.isArray(values) ? (values as readonly T[]) : (Object.values(values) as T[]);
  if (list.length === 0)
    throw new ArgumentError(
      "Enum() needs at least one value, e.g. Enum(['draft', 'published']).",
      "ATH-TYPE-ARG",
    );
  const bad = list.find((v) => typeof v !== "string");
  if (bad !== undefined) {
    throw new ArgumentError(
      `Enum() takes string values; got ${typeof bad} ${bad as unknown as number}. A numeric TypeScript enum can't be stored by name: use a string enum (enum Status { Active = "active" }).`,
      "ATH-TYPE-ARG",
    );
  }
  return new EnumType<T>(
    [...new Set(list)],
    options?.name ?? null,
    options?.createConstraint ?? true,
    options?.nativeEnum ?? true,
  );
}
/** JSON document; the type parameter types the parsed value. */
export function JSON<T = unknown>(): JSONType<T> {
  return new JSONType<T>();
}
export const LargeBinary = callableType(
  new LargeBinaryType(),
  (length?: number) => new LargeBinaryType(length ?? null),
);
/**
 * UUID as its canonical lowercase 36-character string; native UUID on PostgreSQL, CHAR(36)
 * elsewhere. `Uuid({ nativeUuid: false })` is CHAR(36) everywhere.
 */
export const Uuid = callableType(
  new UuidType(),
  (options?: { nativeUuid?: boolean }) => new UuidType(options?.nativeUuid ?? true),
);

export {
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
};
export type { IntervalValue } from "./generic.js";
export { TypeEngine, NullType, NULLTYPE } from "./type-engine.js";
export type { TypeValue, Processor, TypeDialect } from "./type-engine.js";
