/**
 * The value contract between the drivers and the types layer: what each driver hands over
 * before any result processor runs (execDriverSql applies none).
 */
import { expect, test } from "vitest";
import { BigInteger, Integer, text } from "../../src/index.js";
import { splitPlaceholders } from "../../src/dialects/mysql/driver.js";
import { describeEachDialect } from "../support/dialects.js";

describeEachDialect(
  "driver contract: postgresql",
  (ctx) => {
    test("dates, times, int8, numeric, json, intervals and date arrays arrive as text; sessions are UTC", async () => {
      await using conn = await ctx.engine.connect();
      const row = (
        await conn.execDriverSql(
          "SELECT '2024-01-02'::date AS d, '10:11:12'::time AS t, '10:11:12+02'::timetz AS tz, " +
            "'2024-01-02 03:04:05.123456'::timestamp AS ts, '2024-01-02 03:04:05+00'::timestamptz AS tstz, " +
            "'1 day 02:00:00'::interval AS iv, 9007199254740993::int8 AS big, 1.50::numeric AS num, " +
            "'{\"a\": 1}'::json AS js, '{\"b\": 2}'::jsonb AS jsb, ARRAY['2024-01-02'::date] AS ds, " +
            "42::int4 AS i, true AS flag, 1.5::float8 AS f",
        )
      ).one();
      expect(row).toEqual({
        d: "2024-01-02",
        t: "10:11:12",
        tz: "10:11:12+02",
        ts: "2024-01-02 03:04:05.123456",
        tstz: "2024-01-02 03:04:05+00",
        iv: "1 day 02:00:00",
        big: "9007199254740993",
        num: "1.50",
        js: '{"a": 1}',
        jsb: '{"b": 2}',
        ds: "{2024-01-02}",
        i: 42,
        flag: true,
        f: 1.5,
      });
      expect((await conn.execDriverSql("SHOW TIME ZONE")).scalar()).toBe("UTC");
    });

    test("pg's global parsers are untouched", async () => {
      const pg = (await import("pg")).default;
      expect(pg.types.getTypeParser(1082, "text")("2024-01-02")).toBeInstanceOf(Date);
    });
  },
  { only: ["postgresql"] },
);

describeEachDialect(
  "driver contract: mysql",
  (ctx) => {
    test("dates, BIGINT, DECIMAL and JSON arrive as strings; rows as arrays; session time zone UTC", async () => {
      await using conn = await ctx.engine.connect();
      const row = (
        await conn.execDriverSql(
          "SELECT CAST('2024-01-02' AS DATE) AS d, CAST('2024-01-02 03:04:05.5' AS DATETIME(6)) AS dt, " +
            "CAST(9007199254740993 AS SIGNED) AS big, CAST(1.5 AS DECIMAL(5,2)) AS num, 42 AS i, @@session.time_zone AS tz",
        )
      ).one();
      expect(row).toEqual({
        d: "2024-01-02",
        dt: "2024-01-02 03:04:05.500000",
        big: "9007199254740993",
        num: "1.50",
        i: 42,
        tz: "+00:00",
      });
      expect(await conn.dialect.capabilities.supportsInsertReturning).toBe(
        (conn.dialect as unknown as { isMariaDB: boolean }).isMariaDB,
      );
    });

    test("placeholders inside quotes, identifiers and comments are left alone", async () => {
      expect(splitPlaceholders("SELECT '?', \"?\", `?`, ? /* ? */ -- ?\n, ?")).toEqual([
        "SELECT '?', \"?\", `?`, ",
        " /* ? */ -- ?\n, ",
        "",
      ]);
      expect(splitPlaceholders("SELECT 'it''s ?', 'a\\'?', ?")).toEqual(["SELECT 'it''s ?', 'a\\'?', ", ""]);
      await using conn = await ctx.engine.connect();
      const r = await conn.execute(text("SELECT '?' AS q, :a AS a, 'it''s' AS s"), { a: "x'y" });
      expect(r.one()).toEqual({ q: "?", a: "x'y", s: "it's" });
    });
  },
  { only: ["mysql"] },
);

describeEachDialect(
  "driver contract: sqlite",
  (ctx) => {
    test("BigInteger columns keep integers beyond 2^53; Integer columns stay numbers", async () => {
      await using conn = await ctx.engine.connect();
      const r = await conn.execute(
        text("SELECT 9007199254740993 AS big, 7 AS small").columns({ big: BigInteger, small: Integer }),
      );
      const row = r.one() as { big: unknown; small: unknown };
      expect(row.big).toBe(9007199254740993n);
      expect(row.small).toBe(7);
      // Without a BigInteger column the statement reads plain numbers.
      expect((await conn.execDriverSql("SELECT 7 AS n")).scalar()).toBe(7);
    });

    test("foreign keys are enforced by default, booleans bind as 1/0", async () => {
      await using conn = await ctx.engine.connect();
      expect((await conn.execDriverSql("PRAGMA foreign_keys")).scalar()).toBe(1);
      expect((await conn.execute(text("SELECT :b AS b"), { b: true })).scalar()).toBe(1);
    });
  },
  { only: ["sqlite"] },
);
