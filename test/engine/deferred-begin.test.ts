/**
 * The deferred BEGIN (engine/connection-transactions.ts): at READ COMMITTED (and on SQLite at its
 * default level, as pysqlite does) a leading plain read runs before
 * BEGIN is sent, and COMMIT / ROLLBACK send nothing when no BEGIN went out. Whatever needs the
 * transaction (a write, a locking read, a function with side effects, text(), a SAVEPOINT) gets
 * BEGIN first, so what the transaction does is unchanged.
 */
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  Column,
  createEngine,
  func,
  insert,
  Integer,
  MetaData,
  select,
  String,
  Table,
  text,
  type Engine,
  type EngineOptions,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

const metadata = new MetaData();
const notes = new Table("deferred_notes", metadata, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  body: Column(String(40), { nullable: false }),
});

/** Statements and transaction lines the engine logs, one engine (one pooled connection) per test. */
function logged(url: string, options: EngineOptions = {}): { engine: Engine; lines: string[] } {
  const lines: string[] = [];
  const engine = createEngine(url, {
    ...options,
    poolSize: 1,
    echo: true,
    logger: { info: (m) => void (/^\[/.test(m) || lines.push(m)) },
  });
  return { engine, lines };
}

const sent = (lines: readonly string[]) =>
  lines.filter((l) => !/nothing sent|deferred until|no BEGIN sent/.test(l)).map((l) => l.split(" ")[0]);

describeEachDialect(
  "deferred BEGIN",
  (ctx) => {
    /** A plain read goes out without BEGIN: PostgreSQL and MySQL at READ COMMITTED, SQLite at its default level. */
    const defers = true;
    const sqlite = ctx.target.dialect === "sqlite";
    const readCommitted: EngineOptions =
      ctx.target.dialect === "mysql" ? { isolationLevel: "READ COMMITTED" } : {};
    const lookup = (id: number) => select(notes.c.body).where(notes.c.id.eq(id));

    beforeAll(async () => {
      await metadata.dropAll(ctx.engine);
      await metadata.createAll(ctx.engine);
      await ctx.engine.begin((c) =>
        c.execute(insert(notes), [
          { id: 1, body: "one" },
          { id: 2, body: "two" },
        ]),
      );
    });
    afterAll(async () => {
      await metadata.dropAll(ctx.engine);
    });

    test("a lone lookup: one statement sent, no BEGIN and no ROLLBACK", async () => {
      const { engine, lines } = logged(ctx.target.url, readCommitted);
      try {
        const conn = await engine.connect();
        expect(await conn.scalar(lookup(1))).toBe("one");
        expect(conn.inTransaction()).toBe(true);
        await conn.close();
        expect(sent(lines)).toEqual(defers ? ["SELECT"] : ["BEGIN", "SELECT", "ROLLBACK"]);
      } finally {
        await engine.dispose();
      }
    });

    test("a write after plain reads gets BEGIN first, and rollback undoes it", async () => {
      const { engine, lines } = logged(ctx.target.url, readCommitted);
      try {
        const conn = await engine.connect();
        await conn.scalar(lookup(1));
        await conn.scalar(lookup(2));
        await conn.execute(insert(notes).values({ id: 3, body: "three" }));
        expect(await conn.scalar(lookup(3))).toBe("three");
        await conn.rollback();
        expect(await conn.scalar(lookup(3))).toBeNull();
        await conn.commit();
        await conn.close();
        expect(sent(lines)).toEqual(
          defers
            ? ["SELECT", "SELECT", "BEGIN", "INSERT", "SELECT", "ROLLBACK", "SELECT"]
            : ["BEGIN", "SELECT", "SELECT", "INSERT", "SELECT", "ROLLBACK", "BEGIN", "SELECT", "COMMIT"],
        );
      } finally {
        await engine.dispose();
      }
    });

    test("a read then a write, committed: written", async () => {
      const { engine } = logged(ctx.target.url, readCommitted);
      try {
        const conn = await engine.connect();
        await conn.scalar(lookup(1));
        await conn.execute(insert(notes).values({ id: 4, body: "four" }));
        await conn.commit();
        await conn.close();
        const check = await ctx.engine.connect();
        expect(await check.scalar(lookup(4))).toBe("four");
        await check.execute(text("DELETE FROM deferred_notes WHERE id = 4"));
        await check.commit();
        await check.close();
      } finally {
        await engine.dispose();
      }
    });

    test("locking reads, functions with side effects and text() are sent after BEGIN", async () => {
      const { engine, lines } = logged(ctx.target.url, readCommitted);
      try {
        const stmts = [
          ...(engine.dialect.capabilities.supportsForUpdate ? [lookup(1).forUpdate()] : []),
          select(func.now()),
          text("SELECT 1"),
        ];
        for (const stmt of stmts) {
          lines.length = 0;
          const conn = await engine.connect();
          await conn.execute(stmt);
          await conn.close();
          expect(sent(lines)[0]).toBe("BEGIN");
          expect(sent(lines)).toContain("ROLLBACK");
        }
      } finally {
        await engine.dispose();
      }
    });

    test("REPEATABLE READ and SERIALIZABLE keep BEGIN before the first read; the level comes back after reset", async () => {
      const { engine, lines } = logged(ctx.target.url, readCommitted);
      try {
        const conn = await engine.connect();
        conn.executionOptions({ isolationLevel: "SERIALIZABLE" });
        await conn.scalar(lookup(1));
        await conn.close();
        // MySQL at SERIALIZABLE runs without autocommit: the server begins the transaction at the SELECT.
        expect(sent(lines).slice(0, 2)).toEqual(
          ctx.target.dialect === "mysql" ? ["SELECT", "ROLLBACK"] : ["BEGIN", "SELECT"],
        );
        lines.length = 0;
        const again = await engine.connect();
        await again.scalar(lookup(1));
        await again.close();
        expect(sent(lines)).toEqual(defers ? ["SELECT"] : ["BEGIN", "SELECT", "ROLLBACK"]);
        if (ctx.target.dialect === "mysql") {
          const rr = logged(ctx.target.url); // the server's default: REPEATABLE READ
          try {
            const c = await rr.engine.connect();
            await c.scalar(lookup(1));
            await c.close();
            // No BEGIN (autocommit off: the SELECT begins the transaction), but the ROLLBACK ends it.
            expect(sent(rr.lines)).toEqual(["SELECT", "ROLLBACK"]);
          } finally {
            await rr.engine.dispose();
          }
        }
      } finally {
        await engine.dispose();
      }
    });

    test("after SQL the engine can't see into, the session's level is read again", async () => {
      const { engine, lines } = logged(ctx.target.url, readCommitted);
      const serializable =
        ctx.target.dialect === "postgresql"
          ? "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE"
          : ctx.target.dialect === "mysql"
            ? "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"
            : "SELECT 1";
      try {
        let conn = await engine.connect();
        await conn.execute(text("SELECT 1"));
        await conn.close();
        lines.length = 0;
        conn = await engine.connect();
        await conn.scalar(lookup(1));
        await conn.close();
        // SQLite defers only while the session is untouched (here text() ran): BEGIN goes first.
        expect(sent(lines)).toEqual(defers && !sqlite ? ["SELECT"] : ["BEGIN", "SELECT", "ROLLBACK"]);
        // A level changed behind the engine's back is seen: BEGIN goes first again.
        conn = await engine.connect();
        await conn.execute(text(serializable));
        await conn.commit();
        lines.length = 0;
        await conn.scalar(lookup(1));
        await conn.close();
        expect(sent(lines)).toEqual(["BEGIN", "SELECT", "ROLLBACK"]);
      } finally {
        await engine.dispose();
      }
      const listened = logged(ctx.target.url, readCommitted);
      listened.engine.on("checkout", async (dbapi) => {
        if (ctx.target.dialect !== "sqlite") await dbapi.execute(serializable);
      });
      try {
        const conn = await listened.engine.connect();
        await conn.scalar(lookup(1));
        await conn.close();
        expect(sent(listened.lines)).toEqual(
          sqlite ? ["SELECT"] : ["BEGIN", "SELECT", "ROLLBACK"], // SQLite: the listener ran no SQL
        );
      } finally {
        await listened.engine.dispose();
      }
    });

    test("a SAVEPOINT after a deferred read sends BEGIN first", async () => {
      const { engine, lines } = logged(ctx.target.url, readCommitted);
      try {
        const conn = await engine.connect();
        await conn.scalar(lookup(1));
        const sp = await conn.beginNested();
        await conn.execute(insert(notes).values({ id: 5, body: "five" }));
        await sp.rollback();
        expect(await conn.scalar(lookup(5))).toBeNull();
        await conn.close();
        expect(sent(lines)).toEqual(
          defers
            ? ["SELECT", "BEGIN", "SAVEPOINT", "INSERT", "ROLLBACK", "SELECT", "ROLLBACK"]
            : ["BEGIN", "SELECT", "SAVEPOINT", "INSERT", "ROLLBACK", "SELECT", "ROLLBACK"],
        );
      } finally {
        await engine.dispose();
      }
    });
  },
  // sqlite-memory: each test's engine would have its own database, without the table.
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);

describeEachDialect(
  "deferred BEGIN: side effects stay in the transaction",
  (ctx) => {
    test("PostgreSQL: a transaction-scoped advisory lock stays held until the transaction ends", async () => {
      const { engine } = logged(ctx.target.url);
      const other = createEngine(ctx.target.url);
      try {
        const conn = await engine.connect();
        await conn.execute(select(func.pg_advisory_xact_lock!(4242)));
        const probe = await other.connect();
        expect(await probe.scalar(select(func.pg_try_advisory_xact_lock!(4242)))).toBe(false);
        await conn.rollback();
        expect(await probe.scalar(select(func.pg_try_advisory_xact_lock!(4242)))).toBe(true);
        await probe.close();
        await conn.close();
      } finally {
        await engine.dispose();
        await other.dispose();
      }
    });
  },
  { only: ["postgresql"] },
);
