/**
 * PostgreSQL named prepared statements (dialects/postgresql/prepared.ts): SQL from the compiled
 * cache runs as a named statement parsed once per connection, bounded per connection, off with
 * `preparedStatementCacheSize: 0`; after DDL, DISCARD or DEALLOCATE the statement is prepared
 * again, by itself outside a transaction, with InvalidCachedStatementError inside one.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  Column,
  createEngine,
  insert,
  Integer,
  MetaData,
  select,
  String,
  Table,
  text,
  type Connection,
  type Engine,
  type EngineOptions,
} from "../../src/index.js";
import { InvalidCachedStatementError } from "../../src/dialects/postgresql/index.js";
import type { PgDriverConnection } from "../../src/dialects/postgresql/driver.js";
import { describeEachDialect } from "../support/dialects.js";

const metadata = new MetaData();
const items = new Table("pg_prepared_items", metadata, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  label: Column(String(20), { nullable: false }),
});
const byId = (id: number) => select(items.c.id, items.c.label).where(items.c.id.eq(id));

/** The server's prepared statements of this session. */
async function serverStatements(conn: Connection): Promise<string[]> {
  const rows = (await conn.execute(text("SELECT name FROM pg_prepared_statements ORDER BY name"))).all();
  return rows.map((r) => `${r.name as string}`);
}

function prepared(conn: Connection) {
  return (conn as unknown as { _record: { driver: PgDriverConnection } })._record.driver.prepared;
}

describeEachDialect(
  "named prepared statements",
  (ctx) => {
    let engine: Engine;
    const open = (options: EngineOptions = {}) => createEngine(ctx.target.url, { poolSize: 1, ...options });

    beforeAll(async () => {
      await metadata.dropAll(ctx.engine);
      await metadata.createAll(ctx.engine);
      await ctx.engine.begin((c) =>
        c.execute(insert(items), [
          { id: 1, label: "one" },
          { id: 2, label: "two" },
        ]),
      );
      engine = open();
    });
    afterAll(async () => {
      await engine.dispose();
      await metadata.dropAll(ctx.engine);
    });

    test("a statement from the compiled cache is prepared once per connection and reused", async () => {
      await using conn = await engine.connect();
      await conn.execute(text("DEALLOCATE ALL"));
      await conn.commit();
      // First run: compiled, sent unnamed. Second: a cache hit, prepared. Later runs reuse it.
      expect((await conn.execute(byId(1))).one()).toEqual({ id: 1, label: "one" });
      expect(await serverStatements(conn)).toEqual([]);
      expect((await conn.execute(byId(2))).one()).toEqual({ id: 2, label: "two" });
      const names = await serverStatements(conn);
      expect(names).toHaveLength(1);
      expect((await conn.execute(byId(1))).one()).toEqual({ id: 1, label: "one" });
      expect(await serverStatements(conn)).toEqual(names);
      // text() is never prepared (it may hold several statements).
      await conn.execute(text("SELECT 1 AS x"));
      await conn.execute(text("SELECT 1 AS x"));
      expect(await serverStatements(conn)).toEqual(names);
    });

    test("bounded per connection: the least recently used statement is closed on the server", async () => {
      const small = open({ preparedStatementCacheSize: 2 });
      try {
        await using conn = await small.connect();
        const shapes = [
          () => select(items.c.id).where(items.c.id.eq(1)),
          () => select(items.c.label).where(items.c.id.eq(1)),
          () => select(items.c.id, items.c.label).where(items.c.label.eq("one")),
        ];
        for (const s of shapes) for (let i = 0; i < 2; i++) await conn.execute(s());
        await conn.execute(shapes[0]!()); // closes the oldest name before it runs
        expect(prepared(conn)!.count).toBe(2);
        expect(await serverStatements(conn)).toHaveLength(2);
      } finally {
        await small.dispose();
      }
    });

    test("preparedStatementCacheSize: 0 (or the URL's prepared_statement_cache_size=0) turns them off", async () => {
      for (const e of [
        open({ preparedStatementCacheSize: 0 }),
        createEngine(ctx.target.url + "?prepared_statement_cache_size=0", { poolSize: 1 }),
      ]) {
        try {
          await using conn = await e.connect();
          for (let i = 0; i < 3; i++) await conn.execute(byId(1));
          expect(prepared(conn)).toBeNull();
          expect(await serverStatements(conn)).toEqual([]);
        } finally {
          await e.dispose();
        }
      }
      const bad = open({ preparedStatementCacheSize: -1 });
      await expect(bad.connect()).rejects.toThrow(/cache size/);
      await bad.dispose();
    });

    test("after ALTER TABLE changes a result type: re-prepared outside a transaction, a clear error inside one", async () => {
      const table = new Table("pg_prepared_alter", new MetaData(), {
        id: Column(Integer, { primaryKey: true, autoincrement: false }),
        v: Column(String(20)),
      });
      const q = () => select(table.c.id, table.c.v).where(table.c.id.eq(1));
      await using conn = await engine.connect();
      await conn.execute(text("DROP TABLE IF EXISTS pg_prepared_alter"));
      await conn.execute(text("CREATE TABLE pg_prepared_alter (id integer primary key, v varchar(20))"));
      await conn.execute(text("INSERT INTO pg_prepared_alter VALUES (1, 'a')"));
      await conn.commit();
      try {
        for (let i = 0; i < 3; i++) expect((await conn.execute(q())).one()).toEqual({ id: 1, v: "a" });
        await conn.commit();
        await conn.execute(text("ALTER TABLE pg_prepared_alter ALTER COLUMN v TYPE text"));
        await conn.commit();
        // Outside a transaction block (the read runs before BEGIN at READ COMMITTED): retried once.
        expect((await conn.execute(q())).one()).toEqual({ id: 1, v: "a" });
        await conn.commit();

        await conn.execute(text("ALTER TABLE pg_prepared_alter ALTER COLUMN v TYPE varchar(30)"));
        await conn.commit();
        await conn.begin();
        await conn.execute(text("SELECT 1")); // BEGIN is sent: a transaction block is open
        const err = await conn.execute(q()).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidCachedStatementError);
        expect((err as InvalidCachedStatementError).code).toBe("ATH-DBAPI-INVALIDCACHEDSTATEMENT");
        expect((err as Error).message).toMatch(/cached plan must not change result type/);
        expect((err as Error).message).toMatch(/Roll back, then run the work again in a new transaction/);
        await conn.rollback();
        // In the next transaction the statement is prepared afresh.
        await conn.begin();
        await conn.execute(text("SELECT 1"));
        expect((await conn.execute(q())).one()).toEqual({ id: 1, v: "a" });
        expect((await conn.execute(q())).one()).toEqual({ id: 1, v: "a" });
        await conn.commit();
      } finally {
        await conn.rollback();
        await conn.execute(text("DROP TABLE IF EXISTS pg_prepared_alter"));
        await conn.commit();
      }
    });

    test("after DISCARD ALL or DEALLOCATE: prepared again", async () => {
      await using conn = await engine.connect();
      for (let i = 0; i < 2; i++) await conn.execute(byId(1));
      await conn.commit();
      // Behind the engine's back (the driver doesn't see it): the server answers 'does not exist', retried.
      await (conn.driverConnection as { query(sql: string): Promise<unknown> }).query("DISCARD ALL");
      expect((await conn.execute(byId(2))).one()).toEqual({ id: 2, label: "two" });
      await conn.commit();
      // Through the engine: the driver forgets its statements at once.
      await conn.execute(text("DEALLOCATE ALL"));
      expect(prepared(conn)!.count).toBe(0);
      expect((await conn.execute(byId(1))).one()).toEqual({ id: 1, label: "one" });
      await conn.commit();
      // Inside a transaction block, dropped behind the engine's back: the clear error.
      await conn.begin();
      await conn.execute(text("SELECT 1"));
      await (conn.driverConnection as { query(sql: string): Promise<unknown> }).query("DEALLOCATE ALL");
      await expect(conn.execute(byId(1))).rejects.toBeInstanceOf(InvalidCachedStatementError);
      await conn.rollback();
      expect((await conn.execute(byId(1))).one()).toEqual({ id: 1, label: "one" });
    });

    test("executemany and writes use the prepared statement too; results are unchanged", async () => {
      await using conn = await engine.connect();
      await conn.execute(insert(items), [
        { id: 10, label: "a" },
        { id: 11, label: "b" },
        { id: 12, label: "c" },
      ]);
      expect(
        (
          await conn.execute(
            select(items.c.label)
              .where(items.c.id.in([10, 11, 12]))
              .orderBy(items.c.id),
          )
        )
          .scalars()
          .all(),
      ).toEqual(["a", "b", "c"]);
      await conn.rollback();
      expect((await conn.execute(select(items.c.id).where(items.c.id.ge(10)))).all()).toEqual([]);
    });
  },
  { only: ["postgresql"] },
);
