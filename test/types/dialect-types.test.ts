/**
 * The dialect-specific types, written and read back on their own database, and the
 * zone-aware reading of timestamps on a PostgreSQL session in another time zone.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
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
  select,
  String as StringT,
  text,
  Time,
  Uuid,
} from "../../src/index.js";
import { ARRAY, JSONB, TIMESTAMPTZ, UUID } from "../../src/dialects/postgresql/index.js";
import { DOUBLE, LONGTEXT, MEDIUMINT, TIMESTAMP, TINYINT } from "../../src/dialects/mysql/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { roundTrip, typeTable } from "./support.js";

const at = (iso: string) => new Date(iso);

describeEachDialect(
  "PostgreSQL types",
  (ctx) => {
    async function expectRoundTrip(type: Parameters<typeof roundTrip>[1], values: readonly unknown[]) {
      const all = [...values, null];
      const { viaValues, viaExecutemany } = await roundTrip(ctx.engine, type, all);
      expect(viaValues).toEqual(all);
      expect(viaExecutemany).toEqual(all);
    }

    test("JSONB", async () => {
      await expectRoundTrip(JSONB(), [
        { b: 1, a: [1, "x", null, { z: true }], s: "😀 ünï" },
        [1, 2.5, "three"],
        "text",
        7,
        false,
        {},
      ]);
    });
    test("UUID", async () => {
      await expectRoundTrip(UUID, [randomUUID(), "00000000-0000-0000-0000-000000000000"]);
    });
    test("TIMESTAMPTZ and TIMESTAMPTZ(3)", async () => {
      const values = [
        at("2024-03-10T07:30:00.123Z"),
        at("2024-11-03T06:30:00.789Z"),
        at("0001-01-01T00:00:00Z"),
        at("9999-12-31T23:59:59.999Z"),
      ];
      await expectRoundTrip(TIMESTAMPTZ, values);
      await expectRoundTrip(TIMESTAMPTZ({ precision: 3 }), values);
    });
    test("Time with time zone", async () => {
      await expectRoundTrip(Time({ timezone: true }), [
        "12:34:56+02",
        "12:34:56.500000-05:30",
        "00:00:00+00",
      ]);
    });
    test("ARRAY of integers, strings, booleans, bigints, uuids, bytes", async () => {
      await expectRoundTrip(ARRAY(Integer), [[1, 2, 3], [], [null, 1]]);
      await expectRoundTrip(ARRAY(StringT(30)), [
        ["a", "b c", 'quote"', "back\\slash", "comma,", "NULL", "{brace}", "😀", ""],
      ]);
      await expectRoundTrip(ARRAY(BooleanT), [[true, false, null]]);
      await expectRoundTrip(ARRAY(BigInteger), [[1n, 9223372036854775807n, -9223372036854775808n]]);
      await expectRoundTrip(ARRAY(Uuid), [[randomUUID(), randomUUID()]]);
      await expectRoundTrip(ARRAY(LargeBinary), [[Buffer.from([0, 1, 255]), Buffer.alloc(0)]]);
    });
    test("ARRAY of two dimensions", async () => {
      await expectRoundTrip(ARRAY(Integer, 2), [
        [
          [1, 2],
          [3, 4],
        ],
      ]);
    });
    test("ARRAY of dates, timestamps, times and intervals (converted item by item)", async () => {
      await expectRoundTrip(ARRAY(DateT), [["2024-02-29", "0001-01-01"]]);
      await expectRoundTrip(ARRAY(DateTime), [
        [at("2024-03-10T07:30:00.123Z"), null, at("1970-01-01T00:00:00Z")],
      ]);
      await expectRoundTrip(ARRAY(TIMESTAMPTZ), [[at("2024-11-03T05:30:00.456Z")]]);
      await expectRoundTrip(ARRAY(Time), [["12:34:56.789012", "00:00:00"]]);
      await expectRoundTrip(ARRAY(Interval), [[{ days: 3, hours: 4 }, { years: 1, months: 2 }, {}]]);
    });
    test("ARRAY of Numeric, enum, JSON and JSONB", async () => {
      await expectRoundTrip(ARRAY(Numeric(10, 2)), [["1.50", "-2.25", "12345678.91"]]);
      await expectRoundTrip(ARRAY(Enum(["low", "high", "it's"], { name: "rt_level" })), [
        ["low", "it's", "high"],
      ]);
      await expectRoundTrip(ARRAY(JSONB()), [[{ a: 1 }, [1, 2], "s", 5]]);
      await expectRoundTrip(ARRAY(JSONT()), [[{ a: [true, null] }]]);
    });
    test("Uuid({ nativeUuid: false }) is CHAR(36) here too", async () => {
      await expectRoundTrip(Uuid({ nativeUuid: false }), [randomUUID()]);
    });
    test("zone-aware timestamps read the same instants in a session with another time zone", async () => {
      const values = [
        at("2024-03-10T07:30:00.123Z"),
        at("2024-11-03T05:30:00.456Z"),
        at("2024-11-03T06:30:00.789Z"),
      ];
      const { table: t } = await roundTrip(ctx.engine, DateTime({ timezone: true }), values);
      const { table: naive } = await roundTrip(ctx.engine, DateTime, values);
      const conn = await ctx.engine.connect();
      try {
        await conn.execute(text("SET TIME ZONE 'America/New_York'"));
        const local = (await conn.execute(text(`SELECT v::text AS v FROM ${t.name} ORDER BY id`)))
          .scalars()
          .all();
        expect(local[0]).toBe("2024-03-10 03:30:00.123-04");
        expect(
          (await conn.execute(select(t.c.v).where(t.c.id.lt(3)).orderBy(t.c.id))).scalars().all(),
        ).toEqual(values);
        expect(
          (await conn.execute(select(naive.c.v).where(naive.c.id.lt(3)).orderBy(naive.c.id))).scalars().all(),
        ).toEqual(values);
        await conn.execute(text("RESET TIME ZONE"));
        await conn.commit();
      } finally {
        await conn.close();
      }
    });
  },
  { only: ["postgresql"] },
);

describeEachDialect(
  "MySQL types",
  (ctx) => {
    async function expectRoundTrip(type: Parameters<typeof roundTrip>[1], values: readonly unknown[]) {
      const all = [...values, null];
      const { viaValues, viaExecutemany } = await roundTrip(ctx.engine, type, all);
      expect(viaValues).toEqual(all);
      expect(viaExecutemany).toEqual(all);
    }

    test("TINYINT, signed and unsigned", async () => {
      await expectRoundTrip(TINYINT, [-128, 0, 127]);
      await expectRoundTrip(TINYINT({ unsigned: true }), [0, 255]);
    });
    test("MEDIUMINT, signed and unsigned", async () => {
      await expectRoundTrip(MEDIUMINT, [-8388608, 0, 8388607]);
      await expectRoundTrip(MEDIUMINT({ unsigned: true }), [16777215]);
    });
    test("LONGTEXT beyond TEXT's 64 KiB, 4-byte UTF-8", async () => {
      await expectRoundTrip(LONGTEXT, ["😀 漢字 ".repeat(20_000), ""]);
    });
    test("DOUBLE", async () => {
      await expectRoundTrip(DOUBLE, [0, 1.5, 0.1, 1 / 3, -1e300, Number.MAX_VALUE]);
    });
    test("TIMESTAMP with microseconds, with milliseconds, and whole seconds", async () => {
      const values = [at("2024-03-10T07:30:00.123Z"), at("1970-01-01T00:00:01Z"), at("2038-01-19T03:14:07Z")];
      await expectRoundTrip(TIMESTAMP, values);
      await expectRoundTrip(TIMESTAMP({ fsp: 3 }), values);
      await expectRoundTrip(TIMESTAMP({ fsp: 0 }), [at("2024-03-10T07:30:00Z")]);
    });
    test("a zero date reads as null", async () => {
      const t = await typeTable(ctx.engine, DateTime);
      const conn = await ctx.engine.connect();
      try {
        await conn.execute(text("SET SESSION sql_mode = ''"));
        await conn.execute(text(`INSERT INTO ${t.name} (id, v) VALUES (1, '0000-00-00 00:00:00')`));
        expect((await conn.execute(select(t.c.v))).scalar()).toBeNull();
        await conn.rollback();
        await conn.execute(text("SET SESSION sql_mode = DEFAULT"));
      } finally {
        await conn.close();
      }
    });
  },
  { only: ["mysql"] },
);
