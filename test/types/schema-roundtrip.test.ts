/**
 * Every type as a column of one real Table, created with metadata.createAll() (so with the
 * DDL compiler's enum CHECKs and CREATE TYPE), written and read back, then dropped.
 */
import { expect, test } from "vitest";
import {
  BigInteger,
  Boolean as BooleanT,
  Column,
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
  MetaData,
  Numeric,
  select,
  SmallInteger,
  String as StringT,
  Table,
  Text,
  text as sqlText,
  Time,
  Uuid,
} from "../../src/index.js";
import { ARRAY, JSONB, TIMESTAMPTZ, UUID } from "../../src/dialects/postgresql/index.js";
import { DOUBLE, LONGTEXT, MEDIUMINT, TIMESTAMP, TINYINT } from "../../src/dialects/mysql/index.js";
import { describeEachDialect } from "../support/dialects.js";

enum Mood {
  Happy = "happy",
  Sad = "sad",
}

const ROW = {
  id: 1,
  i: -2147483648,
  si: 32767,
  bi: -9223372036854775808n,
  flag: true,
  name: "ünïcødé 😀 漢字",
  body: "line\n".repeat(1000),
  price: "-12345678901234567890.1234567891",
  money: "99999999.99",
  ratio: 1 / 3,
  big: -1e300,
  day: "0001-01-01",
  clock: "23:59:59.999999",
  at: new Date("2024-03-10T07:30:00.123Z"),
  atTz: new Date("9999-12-31T23:59:59.999Z"),
  span: { days: -2, hours: -3, milliseconds: -0.5 },
  mood: Mood.Sad,
  status: "it's" as const,
  doc: { a: [1, "b", null, { c: true }], s: "😀" },
  bytes: Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
  uid: "123e4567-e89b-12d3-a456-426614174000",
};
const NULLS = Object.fromEntries(Object.keys(ROW).map((k) => [k, k === "id" ? 2 : null]));

describeEachDialect("types in a real table (createAll)", (ctx) => {
  test("one column of each generic type: a full row and a row of NULLs", async () => {
    const metadata = new MetaData();
    const t = new Table("everything", metadata, {
      id: Column(Integer, { primaryKey: true, autoincrement: false }),
      i: Column(Integer),
      si: Column(SmallInteger),
      bi: Column(BigInteger),
      flag: Column(BooleanT),
      name: Column(StringT(50)),
      body: Column(Text),
      price: Column(Numeric(38, 10)),
      money: Column(Numeric(10, 2)),
      ratio: Column(Float),
      big: Column(Double),
      day: Column(DateT),
      clock: Column(Time),
      at: Column(DateTime),
      atTz: Column(DateTime({ timezone: true })),
      span: Column(Interval),
      mood: Column(Enum(Mood, { name: "everything_mood" })),
      status: Column(Enum(["draft", "it's"], { name: "everything_status", nativeEnum: false })),
      doc: Column(JSONT<unknown>()),
      bytes: Column(LargeBinary),
      uid: Column(Uuid),
    });
    await metadata.createAll(ctx.engine);
    try {
      await ctx.engine.begin(async (conn) => {
        await conn.execute(insert(t).values(ROW));
        await conn.execute(insert(t), [NULLS]);
      });
      const rows = await ctx.engine.begin(async (conn) =>
        (await conn.execute(select(t).orderBy(t.c.id))).all(),
      );
      expect(rows).toEqual([ROW, NULLS]);
      // The CHECK of the non-native enum is in place.
      await expect(
        ctx.engine.begin((conn) => conn.execute(insert(t), [{ id: 3, status: "lost" }])),
      ).rejects.toThrow(DBAPIError);
    } finally {
      await metadata.dropAll(ctx.engine);
    }
  });

  test("the dialect's own types", async () => {
    const metadata = new MetaData();
    const dialect = ctx.target.dialect;
    if (dialect === "sqlite") return;
    const row =
      dialect === "postgresql"
        ? {
            id: 1,
            jb: { z: 1, a: [true, null] },
            tags: ["a", "b c", "NULL"],
            moods: [Mood.Happy, Mood.Sad],
            grid: [
              [1, 2],
              [3, 4],
            ],
            uid: "00000000-0000-0000-0000-000000000001",
            at: new Date("2024-11-03T06:30:00.789Z"),
          }
        : {
            id: 1,
            tiny: -128,
            medium: 8388607,
            long: "😀".repeat(20_000),
            dbl: Number.MAX_VALUE,
            ts: new Date("2038-01-19T03:14:07.5Z"),
          };
    const t =
      dialect === "postgresql"
        ? new Table("own_types", metadata, {
            id: Column(Integer, { primaryKey: true, autoincrement: false }),
            jb: Column(JSONB()),
            tags: Column(ARRAY(StringT(10))),
            moods: Column(ARRAY(Enum(Mood, { name: "own_mood" }))),
            grid: Column(ARRAY(Integer, 2)),
            uid: Column(UUID),
            at: Column(TIMESTAMPTZ),
          })
        : new Table("own_types", metadata, {
            id: Column(Integer, { primaryKey: true, autoincrement: false }),
            tiny: Column(TINYINT),
            medium: Column(MEDIUMINT({ unsigned: true })),
            long: Column(LONGTEXT),
            dbl: Column(DOUBLE),
            ts: Column(TIMESTAMP),
          });
    if (dialect === "postgresql") {
      // createAll creates enum types of plain Enum columns; an enum inside ARRAY needs its own.
      await ctx.engine.begin((conn) => conn.execute(sqlText("DROP TYPE IF EXISTS own_mood CASCADE")));
      await ctx.engine.begin((conn) =>
        conn.execute(sqlText("CREATE TYPE own_mood AS ENUM ('happy', 'sad')")),
      );
    }
    await metadata.createAll(ctx.engine);
    try {
      await ctx.engine.begin((conn) => conn.execute(insert(t as any).values(row)));
      const rows = await ctx.engine.begin(async (conn) => (await conn.execute(select(t))).all());
      expect(rows).toEqual([row]);
    } finally {
      await metadata.dropAll(ctx.engine);
    }
  });
});
