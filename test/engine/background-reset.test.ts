/**
 * The ROLLBACK that ends a transaction in which only plain reads ran is left to the pool's
 * reset on return, which runs without holding up `close()` (connection-transactions.ts,
 * closeQuickly; pool/base.ts, checkin). The pool must not hand the connection out again before
 * the ROLLBACK is done, a failed ROLLBACK must invalidate it, and anything that wrote, locked or
 * ran SQL the engine can't see into keeps the awaited ROLLBACK.
 * MySQL/MariaDB at its default REPEATABLE READ (the SELECT begins the transaction) and
 * PostgreSQL at REPEATABLE READ (BEGIN is sent): where a lone read needs a ROLLBACK at all.
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
  type Engine,
  type EngineOptions,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

const metadata = new MetaData();
const rows = new Table("background_reset_rows", metadata, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  label: Column(String(20), { nullable: false }),
});
const labelOf = (id: number) => select(rows.c.label).where(rows.c.id.eq(id));
const setLabel = (id: number, label: string) => update(rows).where(rows.c.id.eq(id)).values({ label });

describeEachDialect(
  "the ROLLBACK after plain reads runs in the pool's reset on return",
  (ctx) => {
    const engines: Engine[] = [];
    /** An engine at REPEATABLE READ whose statement log is kept (first word of each line). */
    function engineFor(options: EngineOptions = {}): { engine: Engine; sent: string[] } {
      const sent: string[] = [];
      const engine = createEngine(ctx.target.url, {
        isolationLevel: "REPEATABLE READ",
        echo: true,
        logger: { info: (m) => void (/^\[/.test(m) || sent.push(m)) },
        ...options,
      });
      engines.push(engine);
      return { engine, sent };
    }

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
      await Promise.all(engines.map((e) => e.dispose()));
      await metadata.dropAll(ctx.engine);
    });

    test("close() resolves before the ROLLBACK; the connection is not handed out until it is done", async () => {
      const { engine, sent } = engineFor({ poolSize: 1, maxOverflow: 0 });
      const reader = await engine.connect();
      expect(await reader.scalar(labelOf(1))).toBe("one");
      await ctx.engine.begin((w) => w.execute(setLabel(1, "changed")));
      await reader.close();
      expect(reader.isClosed).toBe(true);
      // Still checked out: its reset (the ROLLBACK) may be in flight.
      expect(engine.pool.status().checkedOut + engine.pool.status().checkedIn).toBe(1);
      // The only connection: the next checkout waits for the reset, then sees a new snapshot.
      const next = await engine.connect();
      expect(await next.scalar(labelOf(1))).toBe("changed");
      await next.close();
      expect(sent.filter((m) => m.startsWith("ROLLBACK"))).toEqual([
        "ROLLBACK (only reads ran: sent by the pool's reset on return, not awaited)",
        "ROLLBACK (only reads ran: sent by the pool's reset on return, not awaited)",
      ]);
    });

    test("a lone lookup in a loop holds no snapshot past its close", async () => {
      const { engine } = engineFor({ poolSize: 2 });
      for (let i = 0; i < 20; i++) {
        const conn = await engine.connect();
        expect(await conn.scalar(labelOf(2))).toBe(i === 0 ? "two" : `two-${i - 1}`);
        await conn.close();
        await ctx.engine.begin((w) => w.execute(setLabel(2, `two-${i}`)));
      }
      await engine.dispose();
      expect(engine.pool.status().checkedOut).toBe(0);
    });

    test("dispose() waits for resets still running, and leaves no connection checked out", async () => {
      const { engine } = engineFor({ poolSize: 3 });
      const conns = await Promise.all([engine.connect(), engine.connect(), engine.connect()]);
      for (const c of conns) await c.scalar(labelOf(1));
      await Promise.all(conns.map((c) => c.close()));
      const old = engine.pool;
      await engine.dispose();
      expect(old.status()).toMatchObject({ checkedIn: 0, checkedOut: 0 });
    });

    test("after a write, a locking read, text() or a SAVEPOINT, close() awaits the ROLLBACK", async () => {
      const { engine, sent } = engineFor({ poolSize: 1, maxOverflow: 0 });
      const cases: ((c: Awaited<ReturnType<Engine["connect"]>>) => Promise<unknown>)[] = [
        (c) => c.execute(setLabel(1, "never")),
        (c) => c.execute(select(rows.c.label).where(rows.c.id.eq(1)).forUpdate()),
        (c) => c.execute(text("SELECT 1")),
        async (c) => {
          await c.scalar(labelOf(1));
          await c.beginNested();
        },
      ];
      for (const run of cases) {
        sent.length = 0;
        const conn = await engine.connect();
        await run(conn);
        await conn.close();
        // Awaited: the pool has the connection back as soon as close() resolves.
        expect(engine.pool.status()).toMatchObject({ checkedIn: 1, checkedOut: 0 });
        expect(sent.filter((m) => m.startsWith("ROLLBACK"))).toEqual(["ROLLBACK"]);
      }
      await using check = await ctx.engine.connect();
      expect(await check.scalar(labelOf(1))).toBe("one");
    });

    test("a ROLLBACK that fails in the background invalidates the connection; the next checkout reconnects", async () => {
      const { engine } = engineFor({ poolSize: 1, maxOverflow: 0 });
      const invalidated: unknown[] = [];
      engine.pool.on("invalidate", (_dbapi, _record, err) => void invalidated.push(err));
      const victim = await engine.connect();
      const pid = Number(
        await victim.scalar(
          text(ctx.target.dialect === "postgresql" ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()"),
        ),
      );
      await victim.commit();
      expect(await victim.scalar(labelOf(1))).toBe("one"); // a new transaction: plain reads only
      await using killer = await ctx.engine.connect();
      await killer.execute(
        text(
          ctx.target.dialect === "postgresql"
            ? "SELECT pg_terminate_backend(:pid)"
            : `KILL CONNECTION ${pid}`,
        ),
        ctx.target.dialect === "postgresql" ? { pid } : {},
      );
      await victim.close(); // resolves: the failure is the pool's to handle
      const next = await engine.connect();
      expect(await next.scalar(labelOf(1))).toBe("one");
      await next.close();
      expect(invalidated.length).toBe(1);
    });
  },
  { only: ["mysql", "postgresql"] },
);
