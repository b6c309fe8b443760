/**
 * Every generic type, written and read back on every database: what goes in comes out
 * (deep-equal), through insert().values() and through executemany, NULL included.
 *
 * The process runs in a time zone with daylight saving (New York) to show that naive
 * DateTimes don't depend on it.
 */
process.env.TZ = "America/New_York";

import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { expect, test } from "vitest";
import {
  ArgumentError,
  BigInteger,
  bindparam,
  Boolean as BooleanT,
  DBAPIError,
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
  Numeric,
  select,
  SmallInteger,
  String as StringT,
  Text,
  text,
  Time,
  Uuid,
  type IntervalValue,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { roundTrip, typeTable } from "./support.js";

enum Color {
  Red = "red",
  Green = "green",
  Blue = "blue",
}

const TEXTS = [
  "",
  "plain ascii",
  "emoji 😀🎉👩‍👩‍👧 and CJK 漢字かな한국어",
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral plane",
  "quotes ' \" ` and backslash \\ and \\n",
  "tab\tnewline\ncarriage\r",
  "trailing spaces  ",
];

const INSTANTS = [
  new Date("2024-03-10T07:30:00.123Z"), // 02:30 in New York: a local time that doesn't exist (DST starts)
  new Date("2024-11-03T05:30:00.456Z"), // 01:30 in New York, the first time
  new Date("2024-11-03T06:30:00.789Z"), // 01:30 in New York, the second time (DST ends)
  new Date("1970-01-01T00:00:00.000Z"),
  new Date("1969-12-31T23:59:59.001Z"),
  new Date("2000-02-29T23:59:59.999Z"),
  new Date("0001-01-01T00:00:00.000Z"),
  new Date("9999-12-31T23:59:59.999Z"),
];

const INTERVALS: IntervalValue[] = [
  {},
  { days: 3, hours: 4, minutes: 5, seconds: 6, milliseconds: 789 },
  { hours: -1, minutes: -30 },
  { milliseconds: 0.001 },
  { days: -2, hours: -3 },
  { seconds: 59, milliseconds: 999.999 },
  { days: 10000 },
];

const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describeEachDialect("type round trips", (ctx) => {
  const dialect = ctx.target.dialect;

  /** Writes `values` (plus a NULL) both ways and expects each read back unchanged. */
  async function expectRoundTrip(type: Parameters<typeof roundTrip>[1], values: readonly unknown[]) {
    const all = [...values, null];
    const { viaValues, viaExecutemany } = await roundTrip(ctx.engine, type, all);
    expect(viaValues).toEqual(all);
    expect(viaExecutemany).toEqual(all);
  }
  /** Writes `written` and expects `read` back (the type's normal form). */
  async function expectNormalised(
    type: Parameters<typeof roundTrip>[1],
    written: readonly unknown[],
    read: readonly unknown[],
  ) {
    const { viaValues, viaExecutemany } = await roundTrip(ctx.engine, type, written);
    expect(viaValues).toEqual(read);
    expect(viaExecutemany).toEqual(read);
  }

  test("String: 4-byte UTF-8, quotes, control characters", async () => {
    await expectRoundTrip(StringT(100), TEXTS);
  });
  test("Text: long and unicode", async () => {
    await expectRoundTrip(Text, [...TEXTS, "x".repeat(20_000), "😀".repeat(10_000)]);
  });
  test("Integer and SmallInteger: the 32- and 16-bit limits", async () => {
    await expectRoundTrip(Integer, [0, 1, -1, 2147483647, -2147483648]);
    await expectRoundTrip(SmallInteger, [0, 32767, -32768]);
  });
  test("BigInteger: beyond 2^53, both 64-bit limits", async () => {
    await expectRoundTrip(BigInteger, [
      0n,
      1n,
      -1n,
      9007199254740993n,
      -9007199254740993n,
      9223372036854775807n,
      -9223372036854775808n,
    ]);
  });
  test("BigInteger number mode", async () => {
    await expectRoundTrip(BigInteger({ mode: "number" }), [0, 9007199254740991, -9007199254740991]);
  });
  test("Boolean", async () => {
    await expectRoundTrip(BooleanT, [true, false]);
  });
  test("Numeric(38, 10): every digit, negative, zero, huge", async () => {
    await expectRoundTrip(Numeric(38, 10), [
      "0.0000000000",
      "1.0000000000",
      "-1.5000000000",
      "0.0000000001",
      "-0.0000000001",
      "12345678901234567890.1234567891",
      "1234567890123456789012345678.1234567890",
      "-9999999999999999999999999999.9999999999",
    ]);
  });
  test("Numeric(10, 2): money", async () => {
    await expectRoundTrip(Numeric(10, 2), [
      "0.00",
      "0.01",
      "-0.01",
      "12345678.91",
      "-12345678.91",
      "99999999.99",
    ]);
  });
  test("Numeric is given back at its scale, rounded half away from zero, never through a float", async () => {
    await expectNormalised(
      Numeric(12, 3),
      ["1.5", 2, 0.1, 7n, "1.0005", "-1.0005", "0.0001", "1e2"],
      ["1.500", "2.000", "0.100", "7.000", "1.001", "-1.001", "0.000", "100.000"],
    );
  });
  test("Numeric(15, s): random values come back digit for digit", async () => {
    // 15 significant digits is the widest Numeric SQLite keeps in a REAL; it must still be exact.
    for (const scale of [0, 2, 7, 15]) {
      const digits = fc.sample(fc.bigInt({ min: -(10n ** 15n) + 1n, max: 10n ** 15n - 1n }), {
        numRuns: 40,
        seed: 42 + scale,
      });
      const values = digits.map((n) => {
        const neg = n < 0n;
        const t = (neg ? -n : n).toString().padStart(scale + 1, "0");
        const text = scale ? t.slice(0, -scale) + "." + t.slice(-scale) : t;
        return neg && n !== 0n ? "-" + text : text;
      });
      await expectRoundTrip(Numeric(15, scale), values);
    }
  });
  test("Numeric asNumber", async () => {
    await expectRoundTrip(Numeric(10, 2, { asNumber: true }), [0, 1.5, -2.25, 12345678.91]);
  });
  test("Numeric without precision (MySQL requires one)", async () => {
    if (dialect === "mysql") {
      await expect(typeTable(ctx.engine, Numeric())).rejects.toThrow(/DECIMAL requires a precision/);
      return;
    }
    await expectRoundTrip(Numeric(), [
      "123.456",
      "-0.000001",
      "100000000000000000000000000000000000000000.5",
    ]);
  });
  test("Float and Double: shortest round-trip digits and extremes", async () => {
    const values = [0, 1.5, -2.25, 0.1, 1 / 3, 1e300, -1e-300, Number.MAX_VALUE, 2 ** 53 + 2];
    await expectRoundTrip(Float, values);
    await expectRoundTrip(Double, values);
  });
  test("Float specials where the database stores them", async () => {
    if (dialect === "postgresql") await expectRoundTrip(Double, [NaN, Infinity, -Infinity, -0]);
    else if (dialect === "sqlite") {
      await expectRoundTrip(Double, [Infinity, -Infinity]);
      await expect(roundTrip(ctx.engine, Double, [NaN])).rejects.toThrow(/NaN.*NULL/);
    } else {
      await expect(roundTrip(ctx.engine, Double, [Infinity])).rejects.toThrow(/no NaN or Infinity/);
      await expect(roundTrip(ctx.engine, Float, [NaN])).rejects.toThrow(/no NaN or Infinity/);
    }
  });
  test("Date: leap day, epoch, year 1 and 9999", async () => {
    await expectRoundTrip(DateT, ["2024-02-29", "1970-01-01", "1999-12-31", "0001-01-01", "9999-12-31"]);
  });
  test("Time: microseconds", async () => {
    await expectRoundTrip(Time, [
      "00:00:00",
      "23:59:59",
      "12:34:56.789012",
      "12:34:56.500000",
      "08:00:00.000001",
    ]);
  });
  test("Time is read in its normal form", async () => {
    await expectNormalised(
      Time,
      ["12:30", "12:34:56.5", "01:02:03.000"],
      ["12:30:00", "12:34:56.500000", "01:02:03"],
    );
  });
  test("DateTime (naive, UTC wall time): milliseconds, DST transitions, years 1 and 9999", async () => {
    await expectRoundTrip(DateTime, INSTANTS);
  });
  test("DateTime with time zone: the same instants", async () => {
    await expectRoundTrip(DateTime({ timezone: true }), INSTANTS);
  });
  test("DateTime with 3 fractional digits", async () => {
    await expectRoundTrip(DateTime({ fsp: 3 }), INSTANTS);
  });
  test("Interval", async () => {
    await expectRoundTrip(Interval, INTERVALS);
  });
  test("Interval with years and months: native on PostgreSQL, refused elsewhere", async () => {
    const calendar: IntervalValue[] = [
      { years: 1, months: 2, days: 3 },
      { years: -1, months: -2, days: 3, hours: -4, minutes: -5, seconds: -6, milliseconds: -789 },
    ];
    if (dialect === "postgresql") await expectRoundTrip(Interval, calendar);
    else
      await expect(roundTrip(ctx.engine, Interval, [{ months: 1 }])).rejects.toThrow(
        /month has no fixed length/,
      );
  });
  test("Enum from a TypeScript enum", async () => {
    await expectRoundTrip(Enum(Color, { name: "rt_color" }), [Color.Red, Color.Green, Color.Blue]);
  });
  test("Enum from a string union, with a quote and a backslash", async () => {
    await expectRoundTrip(Enum(["draft", "published", "it's", "back\\slash"], { name: "rt_status" }), [
      "draft",
      "published",
      "it's",
      "back\\slash",
    ]);
  });
  test("Enum refuses a value outside the set: in values() before sending, in the database otherwise", async () => {
    const type = Enum(Color, { name: "rt_color2" });
    const t = await typeTable(ctx.engine, type);
    expect(() => insert(t).values({ id: 1, v: "purple" as Color })).toThrow(ArgumentError);
    await expect(
      ctx.engine.begin((conn) => conn.execute(insert(t), [{ id: 2, v: "purple" }])),
    ).rejects.toThrow(DBAPIError);
  });
  test("Enum stored as VARCHAR with a CHECK (nativeEnum: false)", async () => {
    const type = Enum(["on", "off"], { nativeEnum: false });
    await expectRoundTrip(type, ["on", "off"]);
    const t = await typeTable(ctx.engine, type);
    await expect(ctx.engine.begin((conn) => conn.execute(insert(t), [{ id: 2, v: "dim" }]))).rejects.toThrow(
      DBAPIError,
    );
  });
  test("JSON: nested objects, arrays, unicode, numbers, null inside, bare scalars", async () => {
    await expectRoundTrip(JSONT(), [
      { a: 1, b: [1, 2, { c: null }], s: 'ünïcødé 😀 "quoted" \\ back' },
      [1, "two", null, true, false, 1.5, -0.25, 1e21],
      "just a string",
      "",
      42,
      -1.5,
      0,
      true,
      false,
      {},
      [],
      { deep: { deeper: { deepest: [[[]]] } } },
    ]);
  });
  test("LargeBinary: all 256 byte values, empty, large", async () => {
    await expectRoundTrip(LargeBinary, [
      ALL_BYTES,
      Buffer.alloc(0),
      Buffer.from("héllo 😀", "utf8"),
      Buffer.alloc(100_000, 0xab),
    ]);
  });
  test("LargeBinary takes a Uint8Array and gives a Buffer", async () => {
    const { viaValues } = await roundTrip(ctx.engine, LargeBinary, [new Uint8Array([0, 255, 7])]);
    expect(Buffer.isBuffer(viaValues[0])).toBe(true);
    expect([...(viaValues[0] as Buffer)]).toEqual([0, 255, 7]);
  });
  test("Uuid", async () => {
    await expectRoundTrip(Uuid, [
      "123e4567-e89b-12d3-a456-426614174000",
      randomUUID(),
      "00000000-0000-0000-0000-000000000000",
      "ffffffff-ffff-ffff-ffff-ffffffffffff",
    ]);
    await expectRoundTrip(Uuid({ nativeUuid: false }), [randomUUID()]);
  });
  test("Uuid is read back in lower case", async () => {
    await expectNormalised(
      Uuid,
      ["ABCDEF01-2345-6789-ABCD-EF0123456789"],
      ["abcdef01-2345-6789-abcd-ef0123456789"],
    );
  });
  test("untyped parameters (bindparam without a type) bind Dates, bigints, booleans and objects", async () => {
    const cases = [
      [DateTime, INSTANTS[0]],
      [BigInteger, 9223372036854775807n],
      [BooleanT, true],
      [JSONT(), { a: [1, "b", null] }],
    ] as const;
    for (const [type, value] of cases) {
      const t = await typeTable(ctx.engine, type);
      await ctx.engine.begin((conn) =>
        conn.execute(insert(t).values({ id: 1, v: bindparam("x") }), { x: value }),
      );
      const read = await ctx.engine.begin(async (conn) => (await conn.execute(select(t.c.v))).scalar());
      expect(read).toEqual(value);
    }
  });
  test("untyped text() parameters bind Dates, bigints, booleans and objects", async () => {
    const cases = [
      [DateTime, INSTANTS[1]],
      [BigInteger, -9223372036854775808n],
      [BooleanT, false],
      [JSONT(), { nested: { list: [1, 2] } }],
    ] as const;
    for (const [type, value] of cases) {
      const t = await typeTable(ctx.engine, type);
      await ctx.engine.begin((conn) =>
        conn.execute(text(`INSERT INTO ${t.name} (id, v) VALUES (:id, :v)`), { id: 1, v: value }),
      );
      const read = await ctx.engine.begin(async (conn) => (await conn.execute(select(t.c.v))).scalar());
      expect(read).toEqual(value);
    }
  });
});
