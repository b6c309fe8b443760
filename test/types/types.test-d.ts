/** The JS value types the type constructors carry into rows and values(). */
import { expectTypeOf, test } from "vitest";
import {
  BigInteger,
  Boolean as BooleanT,
  Date as DateT,
  DateTime,
  Enum,
  Integer,
  Interval,
  JSON as JSONT,
  LargeBinary,
  Numeric,
  String as StringT,
  Time,
  Uuid,
  type IntervalValue,
  type TypeValue,
} from "../../src/index.js";
import { ARRAY, JSONB, TIMESTAMPTZ, UUID } from "../../src/dialects/postgresql/index.js";
import { DOUBLE, LONGTEXT, MEDIUMINT, TIMESTAMP, TINYINT } from "../../src/dialects/mysql/index.js";

enum Color {
  Red = "red",
  Green = "green",
}

test("generic types", () => {
  expectTypeOf<TypeValue<typeof Integer>>().toEqualTypeOf<number>();
  expectTypeOf<TypeValue<typeof BigInteger>>().toEqualTypeOf<bigint>();
  const big = BigInteger();
  expectTypeOf(big.__value).toEqualTypeOf<bigint | undefined>();
  expectTypeOf(BigInteger({ mode: "number" }).__value).toEqualTypeOf<number | undefined>();
  expectTypeOf<TypeValue<typeof BooleanT>>().toEqualTypeOf<boolean>();
  expectTypeOf<TypeValue<ReturnType<typeof StringT>>>().toEqualTypeOf<string>();
  const money = Numeric(10, 2);
  expectTypeOf(money.__value).toEqualTypeOf<string | undefined>();
  expectTypeOf(Numeric(10, 2, { asNumber: true }).__value).toEqualTypeOf<number | undefined>();
  expectTypeOf<TypeValue<typeof DateT>>().toEqualTypeOf<string>();
  expectTypeOf<TypeValue<typeof Time>>().toEqualTypeOf<string>();
  expectTypeOf<TypeValue<typeof DateTime>>().toEqualTypeOf<Date>();
  expectTypeOf<TypeValue<typeof Interval>>().toEqualTypeOf<IntervalValue>();
  expectTypeOf<TypeValue<typeof LargeBinary>>().toEqualTypeOf<Buffer>();
  expectTypeOf<TypeValue<typeof Uuid>>().toEqualTypeOf<string>();
});

test("Enum and JSON carry their value types", () => {
  const status = Enum(["draft", "published"]);
  expectTypeOf(status.__value).toEqualTypeOf<"draft" | "published" | undefined>();
  const color = Enum(Color);
  expectTypeOf(color.__value).toEqualTypeOf<Color | undefined>();
  const doc = JSONT<{ tags: string[] }>();
  expectTypeOf(doc.__value).toEqualTypeOf<{ tags: string[] } | undefined>();
});

test("PostgreSQL types", () => {
  const b = JSONB<{ n: number }>();
  expectTypeOf(b.__value).toEqualTypeOf<{ n: number } | undefined>();
  const ints = ARRAY(Integer);
  expectTypeOf(ints.__value).toEqualTypeOf<number[] | undefined>();
  const grid = ARRAY(StringT(5), 2);
  expectTypeOf(grid.__value).toEqualTypeOf<string[][] | undefined>();
  expectTypeOf<TypeValue<typeof UUID>>().toEqualTypeOf<string>();
  expectTypeOf<TypeValue<typeof TIMESTAMPTZ>>().toEqualTypeOf<Date>();
});

test("MySQL types", () => {
  expectTypeOf<TypeValue<typeof TINYINT>>().toEqualTypeOf<number>();
  expectTypeOf<TypeValue<typeof MEDIUMINT>>().toEqualTypeOf<number>();
  expectTypeOf<TypeValue<typeof LONGTEXT>>().toEqualTypeOf<string>();
  expectTypeOf<TypeValue<typeof DOUBLE>>().toEqualTypeOf<number>();
  expectTypeOf<TypeValue<typeof TIMESTAMP>>().toEqualTypeOf<Date>();
});
