/**
 * text(), sql``, quoting and bound-value conversion by type, executed on every database.
 */
import { beforeAll, expect, test } from "vitest";
import {
  BigInteger,
  Boolean as Bool,
  Column,
  Date as DateType,
  DateTime,
  identifier,
  insert,
  Integer,
  JSON as Json,
  MetaData,
  Numeric,
  select,
  sql,
  String,
  Table,
  text,
  UnboundParameterError,
  type Connection,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { quoted, seed, users } from "./fixtures.js";

const meta = new MetaData();
const docs = new Table("docs", meta, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  data: Column(Json<{ tags: string[]; n: number }>()),
  at: Column(DateTime),
  day: Column(DateType),
  flag: Column(Bool),
  amount: Column(Numeric(12, 4)),
  big: Column(BigInteger),
});

describeEachDialect("text, sql`` and values by type", (ctx) => {
  beforeAll(async () => {
    await seed(ctx.engine);
    await meta.dropAll(ctx.engine);
    await meta.createAll(ctx.engine);
  });
  async function withConn<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await ctx.engine.connect();
    try {
      return await fn(conn);
    } finally {
      await conn.close();
    }
  }

  test("text() with named parameters and typed result columns", async () => {
    const stmt = text("SELECT id, name FROM users WHERE age > :age AND name <> :name ORDER BY id").columns({
      id: Integer,
      name: String(),
    });
    const rows = await withConn(async (c) => (await c.execute(stmt, { age: 24, name: "bob" })).all());
    expect(rows).toEqual([
      { id: 1, name: "ann" },
      { id: 4, name: "dee" },
      { id: 5, name: "eve" },
    ]);
    const bound = stmt.bindparams({ age: 30, name: "x" });
    expect(await withConn(async (c) => (await c.execute(bound)).all())).toEqual([
      { id: 1, name: "ann" },
      { id: 4, name: "dee" },
    ]);
  });
  test("a text() parameter left unbound raises before anything is sent", async () => {
    const stmt = text("SELECT id FROM users WHERE id = :id AND name = :name");
    await withConn(async (c) => {
      const err = await c.execute(stmt, { id: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnboundParameterError);
      expect((err as Error).message).toMatch(/A value is required for bound parameter 'name'/);
      // The connection is fine: nothing reached the server.
      expect((await c.execute(text("SELECT 1 AS one"))).all()).toEqual([{ one: 1 }]);
    });
  });
  test("sql`` template: values bound, identifiers quoted, lists expanded", async () => {
    const who = "ann";
    const stmt = sql`SELECT ${identifier("name")} FROM ${identifier("users")} WHERE ${identifier("name")} = ${who} OR id IN ${[4, 5]} ORDER BY id`;
    const rows = await withConn(async (c) => (await c.execute(stmt)).all());
    expect(rows).toEqual([{ name: "ann" }, { name: "dee" }, { name: "eve" }]);
    const typed = sql`SELECT count(*) AS n FROM users WHERE age > ${20}`.columns({
      n: BigInteger({ mode: "number" }),
    });
    expect(await withConn(async (c) => (await c.execute(typed)).all())).toEqual([{ n: 4 }]);
  });
  test("reserved words and mixed-case identifiers round trip", async () => {
    await withConn(async (c) => {
      await c.execute(insert(quoted).values({ id: 1, from: "here", orderNo: 7, userName: "Ann" }));
      const rows = (
        await c.execute(select(quoted).where(quoted.c.from.eq("here"), quoted.c.orderNo.gt(1)))
      ).all();
      expect(rows).toEqual([{ id: 1, from: "here", orderNo: 7, userName: "Ann" }]);
      const t = (await c.execute(sql`SELECT ${identifier("Order")} AS o FROM ${identifier("select")}`)).all();
      expect(t.map((r) => Number(r.o))).toEqual([7]);
      await c.commit();
    });
  });
  test("bound values are converted by the column's type: JSON, DateTime, Date, Boolean, Numeric, BigInteger", async () => {
    const at = new Date("2024-05-06T07:08:09.123Z");
    await withConn(async (c) => {
      await c.execute(
        insert(docs).values([
          {
            id: 1,
            data: { tags: ["a", "b"], n: 1 },
            at,
            day: "2024-05-06",
            flag: true,
            amount: "12.3456",
            big: 9007199254740993n,
          },
          {
            id: 2,
            data: null,
            at: new Date("2020-01-01T00:00:00Z"),
            day: "2020-01-01",
            flag: false,
            amount: "0.5000",
            big: -1n,
          },
        ]),
      );
      await c.commit();
      const [row] = (await c.execute(select(docs).where(docs.c.id.eq(1)))).all();
      expect(row).toEqual({
        id: 1,
        data: { tags: ["a", "b"], n: 1 },
        at,
        day: "2024-05-06",
        flag: true,
        amount: "12.3456",
        big: 9007199254740993n,
      });
      const q = async (w: Parameters<ReturnType<typeof select>["where"]>[0]) =>
        (await c.execute(select(docs.c.id).where(w).orderBy(docs.c.id))).all().map((r) => r.id);
      expect(await q(docs.c.at.gt(new Date("2022-01-01T00:00:00Z")))).toEqual([1]);
      expect(await q(docs.c.at.eq(at))).toEqual([1]);
      expect(await q(docs.c.day.lt("2021-01-01"))).toEqual([2]);
      expect(await q(docs.c.flag.eq(true))).toEqual([1]);
      expect(await q(docs.c.flag.isDistinctFrom(true))).toEqual([2]);
      expect(await q(docs.c.amount.gt("1.5"))).toEqual([1]);
      expect(await q(docs.c.big.eq(9007199254740993n))).toEqual([1]);
      expect(await q(docs.c.big.lt(0))).toEqual([2]);
      const t = text("SELECT id FROM docs WHERE at < :cut").bindparams(
        { cut: new Date("2021-01-01T00:00:00Z") },
        { cut: DateTime },
      );
      expect((await c.execute(t)).all().map((r) => Number(r.id))).toEqual([2]);
    });
  });
  test("users' data set is untouched by the other suites", async () => {
    expect(
      await withConn(async (c) =>
        (await c.execute(select(users.c.name).orderBy(users.c.id))).scalars().all(),
      ),
    ).toEqual(["ann", "bob", "cid", "dee", "eve"]);
  });
});
