/**
 * INSERT / UPDATE / DELETE, RETURNING, executemany and upserts executed on every database.
 * Each test runs in a transaction that is rolled back, so the data set stays as seeded.
 */
import { beforeAll, expect, test } from "vitest";
import {
  bindparam,
  deleteFrom,
  func,
  insert,
  literal,
  select,
  UnsupportedFeatureError,
  update,
  type Connection,
} from "../../src/index.js";
import { insert as mysqlInsert } from "../../src/dialects/mysql/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../src/dialects/sqlite/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { orders, seed, users } from "./fixtures.js";

describeEachDialect("DML constructs", (ctx) => {
  beforeAll(async () => {
    await seed(ctx.engine);
  });
  const d = () => ctx.target.dialect;
  async function inTx(fn: (conn: Connection) => Promise<void>): Promise<void> {
    const conn = await ctx.engine.connect();
    try {
      await conn.begin();
      await fn(conn);
    } finally {
      await conn.rollback();
      await conn.close();
    }
  }
  const names = async (conn: Connection) =>
    (await conn.execute(select(users.c.id, users.c.name).orderBy(users.c.id))).all();

  test("insert one row, client default applied; multi-row VALUES", async () => {
    await inTx(async (conn) => {
      const r = await conn.execute(insert(users).values({ id: 10, name: "zoe" }));
      expect(r.rowcount).toBe(1);
      await conn.execute(
        insert(users).values([
          { id: 11, name: "yan", age: 3 },
          { id: 12, name: "xia", age: 4 },
        ]),
      );
      const rows = (
        await conn.execute(
          select(users.c.id, users.c.name, users.c.isActive, users.c.age)
            .where(users.c.id.ge(10))
            .orderBy(users.c.id),
        )
      ).all();
      expect(rows).toEqual([
        { id: 10, name: "zoe", isActive: true, age: null },
        { id: 11, name: "yan", isActive: true, age: 3 },
        { id: 12, name: "xia", isActive: true, age: 4 },
      ]);
    });
  });
  test("executemany with a list of parameter sets", async () => {
    await inTx(async (conn) => {
      const r = await conn.execute(
        insert(users),
        [
          { id: 20, name: "p" },
          { id: 21, name: "q", age: 9 },
        ].map((x) => ({ age: null, ...x })),
      );
      expect(r.rowcount).toBe(2);
      const rows = (
        await conn.execute(select(users.c.name, users.c.age).where(users.c.id.ge(20)).orderBy(users.c.id))
      ).all();
      expect(rows).toEqual([
        { name: "p", age: null },
        { name: "q", age: 9 },
      ]);
    });
  });
  test("insert from a SELECT", async () => {
    await inTx(async (conn) => {
      await conn.execute(
        insert(orders).fromSelect(
          ["id", "userId", "total", "status"],
          select(
            users.c.id.add(100),
            users.c.id,
            literal("1.00", orders.c.total.type),
            func.lower(users.c.name),
          ).where(users.c.age.eq(25)),
        ),
      );
      const rows = (
        await conn.execute(
          select(orders.c.id, orders.c.userId, orders.c.status)
            .where(orders.c.id.gt(100))
            .orderBy(orders.c.id),
        )
      ).all();
      expect(rows).toEqual([
        { id: 102, userId: 2, status: "bob" },
        { id: 105, userId: 5, status: "eve" },
      ]);
    });
  });
  test("update with values and where; rowcount is rows matched", async () => {
    await inTx(async (conn) => {
      const r = await conn.execute(
        update(users)
          .values({ age: users.c.age.add(1), name: func.upper(users.c.name) })
          .where(users.c.age.eq(25)),
      );
      expect(r.rowcount).toBe(2);
      const rows = (
        await conn.execute(
          select(users.c.name, users.c.age)
            .where(users.c.id.in([2, 5]))
            .orderBy(users.c.id),
        )
      ).all();
      expect(rows).toEqual([
        { name: "BOB", age: 26 },
        { name: "EVE", age: 26 },
      ]);
    });
  });
  test("update executemany: WHERE bindparams select the rows, other keys are SET", async () => {
    await inTx(async (conn) => {
      const stmt = update(users).where(users.c.id.eq(bindparam("uid")));
      const r = await conn.execute(stmt, [
        { uid: 1, name: "ANN" },
        { uid: 3, name: "CID" },
      ]);
      expect(r.rowcount).toBe(2);
      expect((await names(conn)).map((x) => x.name)).toEqual(["ANN", "bob", "CID", "dee", "eve"]);
    });
  });
  test("update whose WHERE names another table (UPDATE … FROM / multi-table)", async () => {
    await inTx(async (conn) => {
      await conn.execute(
        update(orders)
          .values({ status: "vip" })
          .where(orders.c.userId.eq(users.c.id), users.c.name.eq("dee")),
      );
      const rows = (
        await conn.execute(select(orders.c.id).where(orders.c.status.eq("vip")).orderBy(orders.c.id))
      ).all();
      expect(rows).toEqual([{ id: 13 }, { id: 14 }]);
    });
  });
  test("delete, and delete with another table in WHERE (not SQLite)", async () => {
    await inTx(async (conn) => {
      const r = await conn.execute(deleteFrom(orders).where(orders.c.status.eq("void")));
      expect(r.rowcount).toBe(1);
      if (d() !== "sqlite") {
        await conn.execute(deleteFrom(orders).where(orders.c.userId.eq(users.c.id), users.c.name.eq("ann")));
        expect((await conn.execute(select(func.count()).selectFrom(orders))).scalar()).toBe(2);
      }
    });
  });
  test("RETURNING where the database has it; refused before sending where not", async () => {
    await inTx(async (conn) => {
      const ins = await conn.execute(
        insert(users).values({ id: 30, name: "ret" }).returning(users.c.id, users.c.isActive),
      );
      expect(ins.all()).toEqual([{ id: 30, isActive: true }]);
      const del = await conn.execute(deleteFrom(users).where(users.c.id.eq(30)).returning(users.c.name));
      expect(del.all()).toEqual([{ name: "ret" }]);
      const upd = update(users).values({ age: 1 }).where(users.c.id.eq(1)).returning(users.c.age);
      if (d() === "mysql") await expect(conn.execute(upd)).rejects.toBeInstanceOf(UnsupportedFeatureError);
      else expect((await conn.execute(upd)).all()).toEqual([{ age: 1 }]);
    });
  });
  test("upsert: insert many, on conflict update some columns from the proposed row (bulk_update_users)", async () => {
    await inTx(async (conn) => {
      const rows = [
        { id: 1, name: "ann2", age: 99, isActive: true },
        { id: 40, name: "new", age: 1, isActive: true },
      ];
      if (d() === "mysql") {
        const stmt = mysqlInsert(users).values(rows);
        await conn.execute(stmt.onDuplicateKeyUpdate({ name: stmt.inserted.name }));
      } else {
        const stmt = (d() === "postgresql" ? pgInsert : sqliteInsert)(users).values(rows);
        await conn.execute(
          stmt.onConflictDoUpdate({ indexElements: [users.c.id], set: { name: stmt.excluded.name } }),
        );
      }
      const got = (
        await conn.execute(
          select(users.c.id, users.c.name, users.c.age)
            .where(users.c.id.in([1, 40]))
            .orderBy(users.c.id),
        )
      ).all();
      expect(got).toEqual([
        { id: 1, name: "ann2", age: 31 },
        { id: 40, name: "new", age: 1 },
      ]);
    });
  });
  test("upsert in executemany mode, and DO NOTHING", async () => {
    await inTx(async (conn) => {
      const params = [
        { id: 2, name: "bob2", isActive: false },
        { id: 41, name: "n41", isActive: true },
      ];
      if (d() === "mysql") {
        const stmt = mysqlInsert(users);
        await conn.execute(
          stmt.onDuplicateKeyUpdate({ name: stmt.inserted.name, isActive: stmt.inserted.isActive }),
          params,
        );
      } else {
        const stmt = (d() === "postgresql" ? pgInsert : sqliteInsert)(users);
        await conn.execute(
          stmt.onConflictDoUpdate({
            indexElements: ["id"],
            set: { name: stmt.excluded.name, isActive: stmt.excluded.isActive },
          }),
          params,
        );
        await conn.execute(stmt.values({ id: 2, name: "ignored" }).onConflictDoNothing());
        const ret = await conn.execute(
          stmt
            .values({ id: 3, name: "x" })
            .onConflictDoNothing({ indexElements: ["id"] })
            .returning(users.c.id),
        );
        expect(ret.all()).toEqual([]);
      }
      const got = (
        await conn.execute(
          select(users.c.id, users.c.name, users.c.isActive)
            .where(users.c.id.in([2, 41]))
            .orderBy(users.c.id),
        )
      ).all();
      expect(got).toEqual([
        { id: 2, name: "bob2", isActive: false },
        { id: 41, name: "n41", isActive: true },
      ]);
    });
  });
  test("the same statement shape a second time does no compilation", async () => {
    const conn = await ctx.engine.connect();
    try {
      const build = (age: number) => select(users.c.name).where(users.c.age.eq(age)).orderBy(users.c.id);
      const before = ctx.engine.compiledCache.stats();
      const compileCalls = { n: 0 };
      const original = ctx.engine.dialect.compile.bind(ctx.engine.dialect);
      ctx.engine.dialect.compile = ((s: any, o: any) => {
        compileCalls.n++;
        return original(s, o);
      }) as typeof ctx.engine.dialect.compile;
      try {
        expect((await conn.execute(build(25))).scalars().all()).toEqual(["bob", "eve"]);
        expect((await conn.execute(build(31))).scalars().all()).toEqual(["ann"]);
        expect((await conn.execute(build(40))).scalars().all()).toEqual(["dee"]);
      } finally {
        ctx.engine.dialect.compile = original;
      }
      const after = ctx.engine.compiledCache.stats();
      expect(compileCalls.n).toBeLessThanOrEqual(1);
      expect(after.hits - before.hits).toBeGreaterThanOrEqual(2);
    } finally {
      await conn.close();
    }
  });
});
