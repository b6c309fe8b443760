/**
 * The text helpers behind the processors: exact decimal rounding, SQL timestamp text,
 * time normalisation, interval emulation, PostgreSQL array literals and interval text.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  expandExponent,
  integerDigits,
  isDecimalText,
  isPlainDecimal,
  roundDecimal,
  toPlainDecimal,
} from "../../src/sql/types/decimal.js";
import { intervalFromMicroseconds, intervalToMicroseconds } from "../../src/sql/types/interval.js";
import {
  formatUtcDateTime,
  formatUtcDateTimeMicros,
  normalizeTime,
  parseDateTimeText,
} from "../../src/sql/types/temporal-text.js";
import { formatInterval, parseArrayLiteral, parseInterval } from "../../src/dialects/postgresql/pg-text.js";

/** Reference rounding with BigInt arithmetic: half away from zero. */
function referenceRound(s: string, scale: number): string {
  const neg = s.startsWith("-");
  const [int, frac = ""] = (neg ? s.slice(1) : s).split(".");
  const digits = BigInt((int || "0") + frac.padEnd(scale + 1, "0").slice(0, scale + 1));
  let q = digits / 10n;
  if (digits % 10n >= 5n) q += 1n;
  let text = q.toString().padStart(scale + 1, "0");
  text = scale > 0 ? text.slice(0, -scale) + "." + text.slice(-scale) : text;
  return neg && q !== 0n ? "-" + text : text;
}

describe("decimal text", () => {
  test("recognises decimal text", () => {
    for (const ok of ["0", "-1", "+2", "1.", ".5", "12.50", "1e-7", "-2.5E+3"])
      expect(isDecimalText(ok)).toBe(true);
    for (const bad of ["", "-", ".", "1e", "NaN", "Infinity", "1,5", "0x10", " 1", "1 "])
      expect(isDecimalText(bad)).toBe(false);
  });
  test("plain decimal scan accepts only digits, one dot and a leading minus", () => {
    for (const ok of ["0", "-1", "12.50", ".5", "5."]) expect(isPlainDecimal(ok)).toBe(true);
    for (const bad of ["", "-", ".", "+1", "1e5", "1.2.3", "1;DROP TABLE t", "1 ", "--1"])
      expect(isPlainDecimal(bad)).toBe(false);
  });
  test("expands exponents", () => {
    expect(expandExponent("1.5e-7")).toBe("0.00000015");
    expect(expandExponent("2E+3")).toBe("2000");
    expect(expandExponent("-1.25e1")).toBe("-12.5");
    expect(expandExponent("1.5e+21")).toBe("1500000000000000000000");
  });
  test("toPlainDecimal takes strings, numbers and bigints, and refuses the rest", () => {
    expect(toPlainDecimal("+12.5")).toBe("12.5");
    expect(toPlainDecimal(1e-7)).toBe("0.0000001");
    expect(toPlainDecimal(123n)).toBe("123");
    expect(toPlainDecimal(0.1)).toBe("0.1");
    expect(toPlainDecimal(NaN)).toBeNull();
    expect(toPlainDecimal("abc")).toBeNull();
    expect(toPlainDecimal("1e5x")).toBeNull();
    expect(toPlainDecimal(true)).toBeNull();
  });
  test("rounds half away from zero, pads, and drops negative zero", () => {
    expect(roundDecimal("1.005", 2)).toBe("1.01");
    expect(roundDecimal("-1.005", 2)).toBe("-1.01");
    expect(roundDecimal("9.995", 2)).toBe("10.00");
    expect(roundDecimal("1.5", 10)).toBe("1.5000000000");
    expect(roundDecimal("-0.001", 2)).toBe("0.00");
    expect(roundDecimal("007.50", 1)).toBe("7.5");
    expect(roundDecimal("2.5", 0)).toBe("3");
    expect(roundDecimal(".5", 0)).toBe("1");
  });
  test("rounding agrees with a BigInt reference", () => {
    const decimal = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.integer({ min: 0, max: 12 }))
      .map(([neg, n, places]) => {
        const t = n.toString().padStart(places + 1, "0");
        const s = places ? t.slice(0, -places) + "." + t.slice(-places) : t;
        return (neg ? "-" : "") + s;
      });
    fc.assert(
      fc.property(decimal, fc.integer({ min: 0, max: 10 }), (s, scale) => {
        expect(roundDecimal(s, scale)).toBe(referenceRound(s, scale));
      }),
    );
  });
  test("counts integer digits", () => {
    expect(integerDigits("-0012.5")).toBe(2);
    expect(integerDigits("0.5")).toBe(0);
    expect(integerDigits("12345678901234567890.1")).toBe(20);
  });
});

describe("timestamp text", () => {
  test("formats UTC wall time with milliseconds or microseconds", () => {
    const d = new Date("2024-03-10T07:30:00.123Z");
    expect(formatUtcDateTime(d)).toBe("2024-03-10 07:30:00.123");
    expect(formatUtcDateTimeMicros(d)).toBe("2024-03-10 07:30:00.123000");
    expect(formatUtcDateTime(new Date("0001-01-01T00:00:00Z"))).toBe("0001-01-01 00:00:00.000");
  });
  test("parses the shapes the drivers return", () => {
    const at = (s: string) => parseDateTimeText(s).toISOString();
    expect(at("2024-03-10 07:30:00.123")).toBe("2024-03-10T07:30:00.123Z");
    expect(at("2024-03-10 07:30:00.123456")).toBe("2024-03-10T07:30:00.123Z");
    expect(at("2024-03-10 07:30:00")).toBe("2024-03-10T07:30:00.000Z");
    expect(at("2024-03-10T07:30:00.5Z")).toBe("2024-03-10T07:30:00.500Z");
    expect(at("2024-03-10 02:30:00.1-05")).toBe("2024-03-10T07:30:00.100Z");
    expect(at("2024-03-10 13:00:00+05:30")).toBe("2024-03-10T07:30:00.000Z");
    expect(at("2024-03-10 07:30:00 +00:00")).toBe("2024-03-10T07:30:00.000Z");
    expect(at("2024-03-10")).toBe("2024-03-10T00:00:00.000Z");
    expect(at("0001-01-01 00:00:00")).toBe("0001-01-01T00:00:00.000Z");
    expect(at("0099-12-31 23:59:59.999")).toBe("0099-12-31T23:59:59.999Z");
    expect(at("9999-12-31 23:59:59.999999")).toBe("9999-12-31T23:59:59.999Z");
    expect(parseDateTimeText("0044-03-15 12:00:00 BC").getUTCFullYear()).toBe(-43);
    expect(parseDateTimeText("infinity").getTime()).toBe(8.64e15);
    expect(parseDateTimeText("-infinity").getTime()).toBe(-8.64e15);
  });
  test("format then parse is the identity for every millisecond in years 1–9999", () => {
    const range = fc.integer({ min: -62135596800000, max: 253402300799999 });
    fc.assert(
      fc.property(range, (ms) => {
        const d = new Date(ms);
        expect(parseDateTimeText(formatUtcDateTimeMicros(d)).getTime()).toBe(ms);
        expect(parseDateTimeText(d.toISOString()).getTime()).toBe(ms);
      }),
    );
  });
  test("normalises time text to six fraction digits or none", () => {
    expect(normalizeTime("12:34:56")).toBe("12:34:56");
    expect(normalizeTime("12:34")).toBe("12:34:00");
    expect(normalizeTime("12:34:56.5")).toBe("12:34:56.500000");
    expect(normalizeTime("12:34:56.789012")).toBe("12:34:56.789012");
    expect(normalizeTime("12:34:56.000000")).toBe("12:34:56");
    expect(normalizeTime("12:34:56.1234567")).toBe("12:34:56.123456");
    expect(normalizeTime("12:34:56.5+02")).toBe("12:34:56.500000+02");
    expect(normalizeTime("12:34:56.000+05:30")).toBe("12:34:56+05:30");
  });
});

describe("interval emulation (microseconds)", () => {
  test("converts both ways with every part carrying the sign", () => {
    const v = { days: 3, hours: 4, minutes: 5, seconds: 6, milliseconds: 789 };
    expect(intervalFromMicroseconds(intervalToMicroseconds(v))).toEqual(v);
    expect(intervalFromMicroseconds(intervalToMicroseconds({ minutes: -90 }))).toEqual({
      hours: -1,
      minutes: -30,
    });
    expect(intervalFromMicroseconds(1)).toEqual({ milliseconds: 0.001 });
    expect(intervalFromMicroseconds(0)).toEqual({});
  });
});

describe("PostgreSQL text", () => {
  test("parses array literals", () => {
    expect(parseArrayLiteral("{}")).toEqual([]);
    expect(parseArrayLiteral("{1,2,3}")).toEqual(["1", "2", "3"]);
    expect(parseArrayLiteral('{"a b",NULL,"NULL","q\\"uote","back\\\\slash",c}')).toEqual([
      "a b",
      null,
      "NULL",
      'q"uote',
      "back\\slash",
      "c",
    ]);
    expect(parseArrayLiteral("{{1,2},{3,4}}")).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
    expect(parseArrayLiteral('{"2024-01-01 00:00:00","2024-01-02 00:00:00.5"}')).toEqual([
      "2024-01-01 00:00:00",
      "2024-01-02 00:00:00.5",
    ]);
    expect(parseArrayLiteral("[0:1]={7,8}")).toEqual(["7", "8"]);
  });
  test("writes and reads interval text", () => {
    expect(
      formatInterval({ years: 1, months: 2, days: 3, hours: 4, minutes: 5, seconds: 6, milliseconds: 789 }),
    ).toBe("1 years 2 months 3 days 14706789000 microseconds");
    expect(formatInterval({})).toBe("0 microseconds");
    expect(parseInterval("1 year 2 mons 3 days 04:05:06.789")).toEqual({
      years: 1,
      months: 2,
      days: 3,
      hours: 4,
      minutes: 5,
      seconds: 6,
      milliseconds: 789,
    });
    expect(parseInterval("-1 years -2 mons +3 days -04:05:06.789")).toEqual({
      years: -1,
      months: -2,
      days: 3,
      hours: -4,
      minutes: -5,
      seconds: -6,
      milliseconds: -789,
    });
    expect(parseInterval("37:30:00")).toEqual({ hours: 37, minutes: 30 });
    expect(parseInterval("00:00:00.000001")).toEqual({ milliseconds: 0.001 });
    expect(parseInterval("00:00:00")).toEqual({});
    expect(parseInterval("1 day")).toEqual({ days: 1 });
    expect(() => parseInterval("P1Y2M")).toThrow(/IntervalStyle/);
  });
});
