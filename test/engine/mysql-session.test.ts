/**
 * MySQL/MariaDB sessions without autocommit (dialects/mysql/driver.ts, session.ts): at
 * REPEATABLE READ and SERIALIZABLE the server begins the transaction at the first statement, so
 * no BEGIN is sent. What a transaction sees and does must not change: the snapshot of REPEATABLE
 * READ, ROLLBACK, SAVEPOINTs, DDL's implicit commit, AUTOCOMMIT, the reset on return, and SQL
 * the engine can't see into that turns autocommit back on.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from "vitest";
import {
  Column,
  createEngine,
  delete_,
  insert,
  Integer,
  MetaData,
  select,
  String,
  Table,
  text,
  update,
  type Connection,
  type Engine,
  type EngineOptions,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

const metadata = new MetaData();
const rows = new Table("mysql_session_rows", metadata, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  label: Column(String(20), { nullable: false }),
});
const labelOf = (id: number) => select(rows.c.label).where(rows.c.id.eq(id));
const ids = () => select(rows.c.id).orderBy(rows.c.id);

/** An engine with one pooled connection that records the SQL it sends (BEGIN/COMMIT/ROLLBACK included). */
function logged(url: string, options: EngineOptions = {}): { engine: Engine; sent: string[] } {
  const sent: string[] = [];
  const engine = createEngine(url, {
    ...options,
    poolSize: 1,
    echo: true,
    logger: {
      info: (m) => {
        if (/^\[/.test(m) || /nothing sent|deferred until|no BEGIN sent/.test(m)) return;
        sent.push(m.split(" ")[0]!);
      },
    },
  });
  return { engine, sent };
}

async function serverAutocommit(conn: Connection): Promise<number> {
  const r = await conn.execDriverSql("SELECT @@autocommit");
  return Number(Object.values(r.one())[0]);
}

describeEachDialect(
  "sessions without autocommit",
  (ctx) => {
    beforeAll(async () => {
      await metadata.dropAll(ctx.engine);
      await metadata.createAll(ctx.engine);
    });
    beforeEach(async () => {
      await ctx.engine.begin(async (c) => {
        await c.execute(delete_(rows));
        await c.execute(insert(rows), [
          { id: 1, label: "one" },
          { id: 2, label: "two" },
        ]);
      });
    });
    afterAll(async () => {
      await metadata.dropAll(ctx.engine);
    });

    test("a lookup at REPEATABLE READ: no BEGIN, the SELECT begins the transaction, ROLLBACK ends it", async () => {
      const { engine, sent } = logged(ctx.target.url);
      try {
        for (let i = 0; i < 2; i++) {
          const conn = await engine.connect();
          expect(await conn.scalar(labelOf(1))).toBe("one");
          await conn.close();
        }
        expect(sent).toEqual(["SELECT", "ROLLBACK", "SELECT", "ROLLBACK"]);
        await using conn = await engine.connect();
        expect(await serverAutocommit(conn)).toBe(0);
      } finally {
        await engine.dispose();
      }
    });

    test("REPEATABLE READ: a second read in the same transaction sees the first read's snapshot", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 2 });
      try {
        const reader = await engine.connect();
        expect(await reader.scalar(labelOf(1))).toBe("one");
        await engine.begin((w) =>
          w.execute(update(rows).where(rows.c.id.eq(1)).values({ label: "changed" })),
        );
        expect(await reader.scalar(labelOf(1))).toBe("one");
        await reader.rollback();
        expect(await reader.scalar(labelOf(1))).toBe("changed");
        await reader.close();
        // The pooled connection comes back with a fresh snapshot, not the old transaction's.
        await engine.begin((w) => w.execute(update(rows).where(rows.c.id.eq(1)).values({ label: "again" })));
        await using next = await engine.connect();
        expect(await next.scalar(labelOf(1))).toBe("again");
      } finally {
        await engine.dispose();
      }
    });

    test("rollback discards, commit keeps, SAVEPOINTs work from the first statement", async () => {
      const { engine, sent } = logged(ctx.target.url);
      try {
        await using conn = await engine.connect();
        await conn.execute(insert(rows).values({ id: 3, label: "three" }));
        await conn.rollback();
        expect((await conn.execute(ids())).scalars().all()).toEqual([1, 2]);
        await conn.commit();

        const sp = await conn.beginNested(); // the first statement of the transaction
        await conn.execute(insert(rows).values({ id: 4, label: "four" }));
        await sp.rollback();
        await conn.execute(insert(rows).values({ id: 5, label: "five" }));
        await conn.commit();
        expect(sent.filter((s) => s === "BEGIN")).toEqual([]);
        await using other = await ctx.engine.connect();
        expect((await other.execute(ids())).scalars().all()).toEqual([1, 2, 5]);
      } finally {
        await engine.dispose();
      }
    });

    test("DDL commits implicitly; what follows it is still rolled back", async () => {
      await using conn = await ctx.engine.connect();
      try {
        await conn.execute(insert(rows).values({ id: 6, label: "six" }));
        await conn.execute(text("CREATE TABLE mysql_session_ddl (id INTEGER)"));
        await conn.execute(insert(rows).values({ id: 7, label: "seven" }));
        await conn.rollback();
        expect((await conn.execute(ids())).scalars().all()).toEqual([1, 2, 6]);
      } finally {
        await conn.rollback();
        await conn.execute(text("DROP TABLE IF EXISTS mysql_session_ddl"));
        await conn.commit();
      }
    });

    test("AUTOCOMMIT turns the server's autocommit on; the reset on return turns it off again", async () => {
      const { engine } = logged(ctx.target.url);
      try {
        {
          await using conn = await engine.connect();
          conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
          await conn.execute(insert(rows).values({ id: 8, label: "eight" }));
          await conn.rollback(); // nothing to roll back: the INSERT committed by itself
          expect(await serverAutocommit(conn)).toBe(1);
        }
        await using conn = await engine.connect();
        expect(await serverAutocommit(conn)).toBe(0);
        expect((await conn.execute(ids())).scalars().all()).toEqual([1, 2, 8]);
      } finally {
        await engine.dispose();
      }
    });

    test("READ COMMITTED keeps autocommit on, for the deferred BEGIN; REPEATABLE READ comes back after reset", async () => {
      const { engine, sent } = logged(ctx.target.url);
      try {
        {
          await using conn = await engine.connect();
          conn.executionOptions({ isolationLevel: "READ COMMITTED" });
          expect(await conn.scalar(labelOf(2))).toBe("two");
        }
        expect(sent).toEqual(["SELECT"]);
        await using conn = await engine.connect();
        expect(await serverAutocommit(conn)).toBe(0);
        expect(await conn.getIsolationLevel()).toBe("REPEATABLE READ");
      } finally {
        await engine.dispose();
      }
    });

    test("SQL that turns autocommit on behind the engine's back is noticed: BEGIN is sent again", async () => {
      const { engine, sent } = logged(ctx.target.url);
      try {
        await using conn = await engine.connect();
        await conn.execute(text("SET autocommit = 1"));
        await conn.commit();
        sent.length = 0;
        await conn.execute(insert(rows).values({ id: 9, label: "nine" }));
        await conn.rollback();
        expect(sent).toEqual(["BEGIN", "INSERT", "ROLLBACK"]);
        expect((await conn.execute(ids())).scalars().all()).toEqual([1, 2]);
      } finally {
        await engine.dispose();
      }
    });

    test("a statement run outside the engine's transactions is rolled back when the connection is returned", async () => {
      const { engine, sent } = logged(ctx.target.url);
      try {
        engine.pool.on("checkout", async (dbapi) => {
          await dbapi.execute("SELECT COUNT(*) FROM mysql_session_rows");
        });
        {
          // The listener's read began a transaction: the engine's sends BEGIN (a new snapshot) first.
          await using conn = await engine.connect();
          expect(await conn.scalar(labelOf(1))).toBe("one");
        }
        expect(sent).toEqual(["BEGIN", "SELECT", "ROLLBACK"]);
        sent.length = 0;
        const conn = await engine.connect(); // the listener's read, then nothing: reset rolls it back
        await conn.close();
        const driver = (conn as unknown as { _record: { driver: { serverTransactionOpen?: boolean } } })
          ._record.driver;
        expect(driver.serverTransactionOpen).toBe(false);
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["mysql"] },
);
