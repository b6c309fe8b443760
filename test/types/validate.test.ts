/**
 * `validate()`: a wrong JS value gets a clear message before anything is sent; through
 * insert().values() it becomes an ArgumentError naming the column.
 */
import { describe, expect, test } from "vitest";
import {
  ArgumentError,
  BigInteger,
  Boolean as BooleanT,
  column,
  Date as DateT,
  DateTime,
  Double,
  Enum,
  Float,
  insert,
  Integer,
  Interval,
  JSON as JSONT,
  LargeBinary,
  NULLTYPE,
  Numeric,
  SmallInteger,
  String as StringT,
  table,
  Text,
  Time,
  update,
  Uuid,
  type TypeEngine,
} from "../../src/index.js";
import { ARRAY, JSONB, TIMESTAMPTZ, UUID } from "../../src/dialects/postgresql/index.js";
import { LONGTEXT, TIMESTAMP, TINYINT } from "../../src/dialects/mysql/index.js";

enum Color {
  Red = "red",
  Green = "green",
}

/** [type, values that pass, [bad value, expected message fragment]…] */
const CASES: [string, TypeEngine<any>, unknown[], [unknown, RegExp][]][] = [
  [
    "Integer",
    Integer,
    [0, -5, 2 ** 31],
    [
      ["12", /expected an integer \(a JS number\), got the string '12'/],
      [1.5, /got the number 1\.5/],
      [NaN, /got the number NaN/],
      [5n, /use BigInteger/],
    ],
  ],
  ["SmallInteger", SmallInteger, [1], [[true, /got the boolean true/]]],
  ["TINYINT", TINYINT, [1], [["1", /expected an integer/]]],
  [
    "BigInteger",
    BigInteger,
    [0n, -(2n ** 63n), 42, Number.MAX_SAFE_INTEGER],
    [
      [2 ** 60, /beyond 2\^53 and already rounded; pass a bigint \(e\.g\. 1152921504606846976n\)/],
      ["42", /expected a bigint or an integer number, got the string '42'/],
      [1.5, /got the number 1\.5/],
    ],
  ],
  [
    "Boolean",
    BooleanT,
    [true, false],
    [
      [1, /expected a boolean, got the number 1/],
      ["true", /the string 'true'/],
    ],
  ],
  [
    "String",
    StringT(10),
    ["", "x"],
    [
      [5, /expected a string, got the number 5/],
      [{}, /an object/],
    ],
  ],
  ["Text", Text, ["x"], [[["a"], /an array/]]],
  ["LONGTEXT", LONGTEXT, ["x"], [[1, /expected a string/]]],
  [
    "Numeric",
    Numeric(10, 2),
    ["12.50", "-1", ".5", "1e3", 1.5, 7n],
    [
      ["12,50", /expected a decimal string such as '12\.50' \(or a finite number\), got the string '12,50'/],
      [NaN, /expected a finite decimal, got the number NaN/],
      [Infinity, /got the number Infinity/],
      ["NaN", /the string 'NaN'/],
    ],
  ],
  [
    "Float",
    Float,
    [1.5, NaN, -Infinity, 0],
    [
      ["1.5", /expected a number, got the string '1\.5'/],
      [1n, /the bigint 1n/],
    ],
  ],
  ["Double", Double, [1.5], [[null, /never/]]],
  [
    "Date",
    DateT,
    ["2024-02-29", "0001-01-01", "9999-12-31"],
    [
      [
        new Date(),
        /expected a 'YYYY-MM-DD' date string, got a Date \(for the UTC date of a Date, pass d\.toISOString\(\)\.slice\(0, 10\)\)/,
      ],
      ["2024-13-01", /the string '2024-13-01'/],
      ["2024-1-1", /'2024-1-1'/],
      ["20240101", /'20240101'/],
    ],
  ],
  [
    "Time",
    Time,
    ["00:00:00", "23:59:59.999999", "12:30"],
    [
      ["25:00:00", /expected an 'HH:MM:SS\[\.ffffff\]' time string, got the string '25:00:00'/],
      ["12:00:00.1234567", /'12:00:00\.1234567'/],
      ["12:00:00+02", /'12:00:00\+02'/],
    ],
  ],
  [
    "Time with time zone",
    Time({ timezone: true }),
    ["12:00:00+02", "12:00:00.5-05:30", "12:00:00Z"],
    [["12:00:00 CET", /with an optional offset/]],
  ],
  [
    "DateTime",
    DateTime,
    [new Date(), new Date("0001-01-01T00:00:00Z"), new Date("9999-12-31T23:59:59.999Z")],
    [
      [new Date(NaN), /expected a valid Date, got an invalid Date \(its time is NaN\)/],
      [new Date("+010000-01-01T00:00:00Z"), /year 10000, outside the years 1–9999/],
      ["2024-01-01 00:00:00", /expected a Date, got the string/],
      [1700000000000, /expected a Date, got the number/],
    ],
  ],
  ["TIMESTAMPTZ", TIMESTAMPTZ, [new Date()], [["now", /expected a Date/]]],
  ["TIMESTAMP", TIMESTAMP, [new Date()], [[new Date(NaN), /invalid Date/]]],
  [
    "Interval",
    Interval,
    [{}, { days: 1, milliseconds: 0.5 }, { years: -1 }],
    [
      ["1 day", /expected an IntervalValue object such as \{ days: 1, hours: 2 \}, got the string '1 day'/],
      [{ weeks: 1 }, /an Interval has no part 'weeks'/],
      [{ days: "1" }, /the Interval part 'days' must be a finite number, got the string '1'/],
      [{ hours: NaN }, /'hours' must be a finite number, got the number NaN/],
    ],
  ],
  [
    "Enum",
    Enum(Color),
    ["red", "green"],
    [
      ["purple", /expected one of 'red', 'green', got the string 'purple'/],
      ["Red", /'Red'/],
    ],
  ],
  [
    "JSON",
    JSONT(),
    [{ a: 1 }, [1], "s", 1, true, null],
    [
      [undefined, /JSON-serialisable value, got undefined/],
      [() => 1, /a function/],
      [1n, /the bigint/],
    ],
  ],
  ["JSONB", JSONB(), [{}], [[Symbol("x"), /a symbol/]]],
  [
    "LargeBinary",
    LargeBinary,
    [Buffer.from("x"), new Uint8Array(2)],
    [["bytes", /expected a Buffer or Uint8Array, got the string 'bytes'/]],
  ],
  [
    "Uuid",
    Uuid,
    ["123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"],
    [
      [
        "123e4567e89b12d3a456426614174000",
        /expected a UUID string such as '123e4567-e89b-12d3-a456-426614174000'/,
      ],
      ["not-a-uuid", /'not-a-uuid'/],
    ],
  ],
  ["UUID", UUID, ["00000000-0000-0000-0000-000000000000"], [[42, /the number 42/]]],
  [
    "ARRAY",
    ARRAY(Integer),
    [[], [1, null, 3]],
    [
      [1, /expected an array, got the number 1/],
      [[1, "2"], /item \[1\]: expected an integer \(a JS number\), got the string '2'/],
    ],
  ],
  [
    "ARRAY 2-D",
    ARRAY(Integer, 2),
    [[[1], [2, 3]]],
    [[[[1], ["x"]], /item \[1\]: item \[0\]: expected an integer/]],
  ],
];

describe("validate()", () => {
  for (const [label, type, good, bad] of CASES) {
    test(`${label}: accepts valid values and null`, () => {
      expect(type.validate(null)).toBeNull();
      for (const v of good) expect(type.validate(v)).toBeNull();
    });
    for (const [value, message] of bad) {
      if (value === null) continue;
      test(`${label}: refuses ${String(typeof value === "symbol" ? "a symbol" : typeof value === "bigint" ? `${value}n` : (JSON.stringify(value) ?? typeof value))}`, () => {
        expect(type.validate(value)).toMatch(message);
      });
    }
  }
  test("untyped values are never refused", () => {
    expect(NULLTYPE.validate(Symbol("x"))).toBeNull();
  });
});

describe("insert().values() and update().values() refuse bad values before sending", () => {
  const t = table(
    "orders",
    column("id", Integer),
    column("total", Numeric(10, 2)),
    column("status", Enum(["open", "paid"])),
    column("at", DateTime),
  );
  test("the type's own message says what is wrong", () => {
    expect(() => insert(t).values({ id: 1, total: "ten" })).toThrow(ArgumentError);
    expect(() => insert(t).values({ id: 1, total: "ten" })).toThrow(/ten/);
    expect(() => update(t).values({ status: "lost" as any })).toThrow(
      /expected one of 'open', 'paid', got the string 'lost'/,
    );
    expect(() => insert(t).values({ id: 1, at: new Date("nope") })).toThrow(
      /expected a valid Date, got an invalid Date/,
    );
    expect(() => insert(t).values({ id: "1" as any })).toThrow(
      /expected an integer \(a JS number\), got the string '1'/,
    );
  });
  test("valid values and nulls pass", () => {
    expect(() => insert(t).values({ id: 1, total: "10.00", status: "open", at: new Date() })).not.toThrow();
    expect(() =>
      insert(t).values({ id: 1, total: null as any, status: null as any, at: null as any }),
    ).not.toThrow();
  });
});
