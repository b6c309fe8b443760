/**
 * Bind and result processors per dialect, without a server: what each driver is handed and
 * what comes back from the driver's values (per the driver contracts in each driver.ts).
 */
import { describe, expect, test } from "vitest";
import {
  ArgumentError,
  BigInteger,
  Boolean as BooleanT,
  CompileError,
  DateTime,
  DateTimeType,
  Double,
  Float,
  Integer,
  Interval,
  JSON as JSONT,
  LargeBinary,
  NULLTYPE,
  Numeric,
  String as StringT,
  Time,
  Uuid,
  type TypeEngine,
} from "../../src/index.js";
import type { Dialect } from "../../src/dialects/base/dialect.js";
import { SqliteDialect } from "../../src/dialects/sqlite/index.js";
import { ARRAY, JSONB, PostgresDialect, TIMESTAMPTZ } from "../../src/dialects/postgresql/index.js";
import { MysqlDialect, TIMESTAMP } from "../../src/dialects/mysql/index.js";
import { Date as DateT, Enum } from "../../src/index.js";

const sqlite = new SqliteDialect();
const pg = new PostgresDialect();
const mysql = new MysqlDialect();

const bind = (d: Dialect, t: TypeEngine<any>, v: unknown) => {
  const p = d.bindProcessorFor(t);
  return p ? p(v) : v;
};
const result = (d: Dialect, t: TypeEngine<any>, v: unknown) => {
  const p = d.resultProcessorFor(t);
  return p ? p(v) : v;
};

const instant = new Date("2024-03-10T07:30:00.123Z");

describe("implementations (colspecs)", () => {
  test("implFor is cached per type and keeps the type's fields and kind", () => {
    const t = Numeric(38, 10);
    const impl = sqlite.implFor(t);
    expect(sqlite.implFor(t)).toBe(impl);
    expect(impl).not.toBe(t);
    expect(impl.kind).toBe("numeric");
    expect((impl as typeof t).precision).toBe(38);
    expect(impl).toBeInstanceOf(t.constructor);
  });
  test("types a dialect doesn't change are their own implementation", () => {
    expect(pg.implFor(Integer)).toBe(Integer);
    const s = StringT(10);
    expect(mysql.implFor(s)).toBe(s);
  });
  test("processors are looked up once per type", () => {
    const t = DateTime();
    expect(sqlite.bindProcessorFor(t)).toBe(sqlite.bindProcessorFor(t));
    expect(pg.resultProcessorFor(t)).toBe(pg.resultProcessorFor(t));
  });
  test("a subclass's own processor wins over the dialect's", () => {
    class Tagged extends DateTimeType {
      override bindProcessor() {
        return (v: Date) => "tag:" + v.getTime();
      }
    }
    expect(bind(sqlite, new Tagged(), new Date(5))).toBe("tag:5");
    // …while what it doesn't override still comes from the dialect.
    expect(result(sqlite, new Tagged(), "2024-03-10 07:30:00.123000")).toEqual(instant);
  });
  test("a callable type (used bare) is implemented like an instance", () => {
    expect(bind(sqlite, DateTime, instant)).toBe("2024-03-10 07:30:00.123000");
    expect(result(mysql, BigInteger, "9223372036854775807")).toBe(9223372036854775807n);
  });
});

describe("Boolean", () => {
  test("native on PostgreSQL, 1/0 elsewhere", () => {
    expect(pg.bindProcessorFor(BooleanT)).toBeNull();
    expect(pg.resultProcessorFor(BooleanT)).toBeNull();
    for (const d of [sqlite, mysql]) {
      expect(bind(d, BooleanT, true)).toBe(1);
      expect(bind(d, BooleanT, false)).toBe(0);
      expect(result(d, BooleanT, 1)).toBe(true);
      expect(result(d, BooleanT, 0)).toBe(false);
      expect(result(d, BooleanT, 0n)).toBe(false);
      expect(result(d, BooleanT, 1n)).toBe(true);
    }
  });
});

describe("BigInteger", () => {
  test("reads text, numbers and bigints as bigint", () => {
    expect(result(pg, BigInteger, "-9223372036854775808")).toBe(-9223372036854775808n);
    expect(result(mysql, BigInteger, "9007199254740993")).toBe(9007199254740993n);
    expect(result(sqlite, BigInteger, 42)).toBe(42n);
    expect(result(sqlite, BigInteger, 9007199254740993n)).toBe(9007199254740993n);
  });
  test("number mode reads numbers", () => {
    const t = BigInteger({ mode: "number" });
    expect(result(pg, t, "42")).toBe(42);
    expect(result(sqlite, t, 42n)).toBe(42);
  });
  test("binds bigints as they are (each driver writes them exactly)", () => {
    for (const d of [sqlite, pg, mysql]) expect(bind(d, BigInteger, 2n ** 62n)).toBe(2n ** 62n);
  });
  test("SQLite reads BigInteger columns with safeIntegers", () => {
    expect(sqlite.driverOptionsFor({ resultColumns: [{ key: "b", type: BigInteger }] } as any)).toEqual({
      safeIntegers: true,
    });
    expect(sqlite.driverOptionsFor({ resultColumns: [{ key: "i", type: Integer }] } as any)).toBeUndefined();
  });
});

describe("Numeric", () => {
  test("SQLite rounds to the scale and keeps exact text", () => {
    const wide = Numeric(38, 10);
    expect(bind(sqlite, wide, "1.5")).toBe("1.5000000000");
    expect(bind(sqlite, wide, "12345678901234567890.12345678905")).toBe("12345678901234567890.1234567891");
    expect(bind(sqlite, wide, 0.1)).toBe("0.1000000000");
    expect(bind(sqlite, wide, 5n)).toBe("5.0000000000");
    expect(result(sqlite, wide, "1.5000000000")).toBe("1.5000000000");
    const money = Numeric(10, 2);
    expect(bind(sqlite, money, "1.005")).toBe("1.01");
    expect(bind(sqlite, money, 1.005)).toBe("1.01");
    expect(result(sqlite, money, 1.5)).toBe("1.50");
    expect(result(sqlite, money, 3)).toBe("3.00");
    expect(result(sqlite, money, -0.01)).toBe("-0.01");
    expect(bind(sqlite, Numeric(), 1e-7)).toBe("0.0000001");
    expect(result(sqlite, Numeric(), "123.456")).toBe("123.456");
    expect(result(sqlite, Numeric(10), 7)).toBe("7");
  });
  test("SQLite refuses values that overflow the precision or aren't decimals", () => {
    expect(() => bind(sqlite, Numeric(10, 2), "123456789.1")).toThrow(
      /too large for Numeric\(10, 2\).*8 digit/,
    );
    expect(() => bind(sqlite, Numeric(10, 2), "abc")).toThrow(ArgumentError);
    expect(() => bind(sqlite, Numeric(10, 2), NaN)).toThrow(/expected a decimal/);
  });
  test("asNumber reads numbers everywhere", () => {
    const t = Numeric(10, 2, { asNumber: true });
    expect(result(pg, t, "1.50")).toBe(1.5);
    expect(result(mysql, t, "-2.25")).toBe(-2.25);
    expect(result(sqlite, t, 1.5)).toBe(1.5);
  });
  test("PostgreSQL passes the text both ways", () => {
    expect(pg.bindProcessorFor(Numeric(38, 10))).toBeNull();
    expect(pg.resultProcessorFor(Numeric(38, 10))).toBeNull();
  });
  test("MySQL writes plain decimal text as an unquoted literal, anything else escaped", () => {
    const t = Numeric(38, 10);
    const lit = bind(mysql, t, "-12345678901234567890.1234567891") as { toSqlString(): string };
    expect(lit.toSqlString()).toBe("-12345678901234567890.1234567891");
    expect(JSON.stringify(lit)).toBe('"-12345678901234567890.1234567891"');
    expect(bind(mysql, t, "1e5")).toBe("1e5");
    expect(bind(mysql, t, "1; DROP TABLE x")).toBe("1; DROP TABLE x");
    expect(bind(mysql, t, 1.5)).toBe(1.5);
  });
});

describe("Float", () => {
  test("SQLite refuses NaN (it would store NULL) but keeps infinities", () => {
    expect(() => bind(sqlite, Float, NaN)).toThrow(/NaN.*NULL/);
    expect(bind(sqlite, Double, Infinity)).toBe(Infinity);
  });
  test("MySQL refuses NaN and infinities", () => {
    expect(() => bind(mysql, Float, NaN)).toThrow(/NaN/);
    expect(() => bind(mysql, Double, -Infinity)).toThrow(/-Infinity/);
    expect(bind(mysql, Double, 1.5)).toBe(1.5);
  });
  test("PostgreSQL takes them all, and keeps the sign of -0", () => {
    for (const v of [NaN, Infinity, -Infinity, 1.5]) expect(bind(pg, Float, v)).toBe(v);
    expect(bind(pg, Double, -0)).toBe("-0");
    expect(bind(pg, Double, 0)).toBe(0);
  });
});

describe("Date and Time", () => {
  test("dates pass as text", () => {
    for (const d of [sqlite, pg, mysql]) {
      expect(d.bindProcessorFor(DateT)).toBeNull();
      expect(d.resultProcessorFor(DateT)).toBeNull();
    }
  });
  test("times are normalised both ways", () => {
    for (const d of [sqlite, pg, mysql]) {
      expect(bind(d, Time, "12:30")).toBe("12:30:00");
      expect(result(d, Time, "12:34:56.5")).toBe("12:34:56.500000");
      expect(result(d, Time, "12:34:56.000000")).toBe("12:34:56");
    }
    expect(result(pg, Time({ timezone: true }), "12:34:56.5+02")).toBe("12:34:56.500000+02");
  });
});

describe("DateTime", () => {
  test("naive values are UTC wall time", () => {
    expect(bind(sqlite, DateTime, instant)).toBe("2024-03-10 07:30:00.123000");
    expect(bind(pg, DateTime, instant)).toBe("2024-03-10 07:30:00.123");
    expect(bind(mysql, DateTime, instant)).toBe("2024-03-10 07:30:00.123");
    expect(result(sqlite, DateTime, "2024-03-10 07:30:00.123000")).toEqual(instant);
    expect(result(pg, DateTime, "2024-03-10 07:30:00.123")).toEqual(instant);
    expect(result(mysql, DateTime, "2024-03-10 07:30:00.123000")).toEqual(instant);
  });
  test("zone-aware values on PostgreSQL are ISO instants; any offset is read", () => {
    for (const t of [DateTime({ timezone: true }), TIMESTAMPTZ]) {
      expect(bind(pg, t, instant)).toBe("2024-03-10T07:30:00.123Z");
      expect(result(pg, t, "2024-03-10 07:30:00.123+00")).toEqual(instant);
      expect(result(pg, t, "2024-03-10 03:30:00.123-04")).toEqual(instant);
    }
  });
  test("MySQL reads a zero date as null, TIMESTAMP as a Date", () => {
    expect(result(mysql, DateTime, "0000-00-00 00:00:00")).toBeNull();
    expect(result(mysql, TIMESTAMP, "2024-03-10 07:30:00.123000")).toEqual(instant);
    expect(bind(mysql, TIMESTAMP({ fsp: 3 }), instant)).toBe("2024-03-10 07:30:00.123");
  });
  test("an invalid Date or one outside years 1–9999 is refused at bind time", () => {
    for (const d of [sqlite, pg, mysql]) {
      expect(() => bind(d, DateTime, new Date(NaN))).toThrow(/invalid Date/);
      expect(() => bind(d, DateTime({ timezone: true }), new Date("+010000-01-01T00:00:00Z"))).toThrow(
        /year 10000/,
      );
    }
  });
});

describe("Interval", () => {
  const v = { days: 3, hours: 4, minutes: 5, seconds: 6, milliseconds: 789 };
  test("PostgreSQL: interval text both ways; pg's own objects too (interval[] cells)", () => {
    expect(bind(pg, Interval, { years: 1, months: 2 })).toBe("1 years 2 months 0 microseconds");
    expect(result(pg, Interval, "3 days 04:05:06.789")).toEqual(v);
    expect(
      result(pg, Interval, { days: 3, hours: 4, minutes: 5, seconds: 6, milliseconds: 789, months: 0 }),
    ).toEqual(v);
  });
  test("SQLite and MySQL: microseconds; years and months are refused", () => {
    for (const d of [sqlite, mysql]) {
      expect(bind(d, Interval, v)).toBe(273906789000);
      expect(result(d, Interval, 273906789000)).toEqual(v);
      expect(result(d, Interval, "273906789000")).toEqual(v);
      expect(() => bind(d, Interval, { months: 1 })).toThrow(CompileError);
      expect(() => bind(d, Interval, { years: 1 })).toThrow(
        /month has no fixed length; give the span in days/,
      );
    }
  });
});

describe("Enum, JSON, LargeBinary, Uuid", () => {
  test("enums pass as strings", () => {
    const t = Enum(["a", "b"], { name: "ab" });
    for (const d of [sqlite, pg, mysql]) {
      expect(d.bindProcessorFor(t)).toBeNull();
      expect(d.resultProcessorFor(t)).toBeNull();
    }
  });
  test("JSON is text both ways; SQLite may hand a bare number back as a number", () => {
    for (const d of [sqlite, pg, mysql]) {
      expect(bind(d, JSONT(), { a: [1, null] })).toBe('{"a":[1,null]}');
      expect(bind(d, JSONT(), "s")).toBe('"s"');
      expect(result(d, JSONT(), '{"a":[1,null]}')).toEqual({ a: [1, null] });
    }
    expect(result(sqlite, JSONT(), 42)).toBe(42);
    expect(result(sqlite, JSONT(), 42n)).toBe(42);
    expect(result(pg, JSONB(), '"s"')).toBe("s");
  });
  test("a Uint8Array is sent as a Buffer over the same memory", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    for (const d of [sqlite, pg, mysql]) {
      const out = bind(d, LargeBinary, bytes) as Buffer;
      expect(Buffer.isBuffer(out)).toBe(true);
      expect([...out]).toEqual([1, 2, 3]);
    }
    const buf = Buffer.from([9]);
    expect(bind(sqlite, LargeBinary, buf)).toBe(buf);
  });
  test("UUIDs are lower case; native on PostgreSQL", () => {
    const upper = "123E4567-E89B-12D3-A456-426614174000";
    expect(bind(sqlite, Uuid, upper)).toBe(upper.toLowerCase());
    expect(result(mysql, Uuid, upper)).toBe(upper.toLowerCase());
    expect(pg.bindProcessorFor(Uuid)).toBeNull();
    expect(bind(pg, Uuid({ nativeUuid: false }), upper)).toBe(upper.toLowerCase());
  });
});

describe("ARRAY (PostgreSQL)", () => {
  test("items go through the item type's processors", () => {
    expect(bind(pg, ARRAY(DateTime), [instant, null])).toEqual(["2024-03-10 07:30:00.123", null]);
    expect(bind(pg, ARRAY(JSONT()), [{ a: 1 }, [1, 2]])).toEqual(['{"a":1}', "[1,2]"]);
    expect(pg.bindProcessorFor(ARRAY(Integer))).toBeNull();
  });
  test("arrays pg leaves as literals are parsed, then converted", () => {
    expect(result(pg, ARRAY(DateTime), '{"2024-03-10 07:30:00.123",NULL}')).toEqual([instant, null]);
    expect(result(pg, ARRAY(DateT), "{2024-01-01,2024-12-31}")).toEqual(["2024-01-01", "2024-12-31"]);
    expect(result(pg, ARRAY(Enum(["a b", "c"], { name: "e" })), '{"a b",c}')).toEqual(["a b", "c"]);
  });
  test("arrays pg parsed are converted cell by cell, JSON cells left alone", () => {
    expect(result(pg, ARRAY(BigInteger), ["1", "9223372036854775807", null])).toEqual([
      1n,
      9223372036854775807n,
      null,
    ]);
    expect(result(pg, ARRAY(JSONB()), [{ a: 1 }, "s"])).toEqual([{ a: 1 }, "s"]);
    expect(result(pg, ARRAY(Numeric(10, 2)), [1.5, -2.25])).toEqual(["1.50", "-2.25"]);
    expect(
      result(pg, ARRAY(Integer, 2), [
        [1, 2],
        [3, 4],
      ]),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});

describe("untyped values (NullType)", () => {
  test("SQLite: booleans, Dates, objects become what better-sqlite3 binds", () => {
    expect(bind(sqlite, NULLTYPE, true)).toBe(1);
    expect(bind(sqlite, NULLTYPE, instant)).toBe("2024-03-10 07:30:00.123000");
    expect(bind(sqlite, NULLTYPE, 5n)).toBe(5n);
    expect(bind(sqlite, NULLTYPE, { a: 1 })).toBe('{"a":1}');
    expect(bind(sqlite, NULLTYPE, [1, 2])).toBe("[1,2]");
    expect(Buffer.isBuffer(bind(sqlite, NULLTYPE, new Uint8Array([1])))).toBe(true);
  });
  test("PostgreSQL: a Date is sent as a UTC instant, the rest left to pg", () => {
    expect(bind(pg, NULLTYPE, instant)).toBe("2024-03-10T07:30:00.123Z");
    expect(bind(pg, NULLTYPE, true)).toBe(true);
    expect(bind(pg, NULLTYPE, { a: 1 })).toEqual({ a: 1 });
  });
  test("MySQL: booleans as 1/0, Dates as UTC text, objects as JSON, arrays left as lists", () => {
    expect(bind(mysql, NULLTYPE, false)).toBe(0);
    expect(bind(mysql, NULLTYPE, instant)).toBe("2024-03-10 07:30:00.123");
    expect(bind(mysql, NULLTYPE, { a: 1 })).toBe('{"a":1}');
    expect(bind(mysql, NULLTYPE, [1, 2])).toEqual([1, 2]);
    expect(bind(mysql, NULLTYPE, 7n)).toBe(7n);
  });
});
