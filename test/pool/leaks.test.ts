/**
 * No connection leaks: thousands of checkouts ending in every kind of error, then the pool must
 * be back at rest, and (on servers) exactly the pool's idle connections are still open.
 */
import { expect, test } from "vitest";
import {
  createEngine,
  NullPool,
  ProgrammingError,
  text,
  type Connection,
  type Engine,
  type PooledConnection,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { liveServerIds, serverIdSql, sleep, statusViolations } from "./helpers.js";

class Boom extends Error {}

/** One checkout, ending the way `kind` says; resolves with what was thrown (or "ok"). */
async function scenario(engine: Engine, kind: number): Promise<string> {
  try {
    switch (kind) {
      case 0: // an error thrown inside engine.begin()
        await engine.begin(async (c) => {
          await c.execute(text("SELECT 1"));
          throw new Boom();
        });
        break;
      case 1: // a database error inside engine.begin()
        await engine.begin((c) => c.execute(text("SELECT * FROM no_such_table_for_leaks")));
        break;
      case 2: {
        // an error thrown inside an `await using` block
        await using c = await engine.connect();
        await c.execute(text("SELECT 1"));
        throw new Boom();
      }
      case 3: {
        // a failed statement in an open transaction, then close() without rollback()
        const c = await engine.connect();
        await c.execute(text("SELECT 1"));
        await c.execute(text("SELECT nope FROM no_such_table_for_leaks")).catch(() => undefined);
        await c.close();
        throw new Boom();
      }
      case 4: {
        // a savepoint left open, an error, close()
        const c = await engine.connect();
        try {
          await c.begin();
          await c.beginNested();
          await c.execute(text("SELECT 1"));
          throw new Boom();
        } finally {
          await c.close();
        }
      }
      case 5: {
        // a stream abandoned half way
        const c = await engine.connect();
        try {
          const r = await c.stream(text("SELECT 1 AS a UNION ALL SELECT 2 UNION ALL SELECT 3"), undefined, {
            batchSize: 1,
          });
          for await (const _row of r) throw new Boom();
        } finally {
          await c.close();
        }
        break;
      }
      case 6: {
        // invalidated, then an error; closed twice
        const c: Connection = await engine.connect();
        try {
          await c.invalidate(new Boom());
          await c.execute(text("SELECT 1"));
          throw new Boom();
        } finally {
          await c.close();
          await c.close();
        }
      }
      default: // a normal commit
        await engine.begin((c) => c.execute(text("SELECT 1")));
        return "ok";
    }
  } catch (err) {
    if (err instanceof Boom) return "boom";
    if (err instanceof ProgrammingError) return "db-error";
    return `unexpected: ${String(err)}`;
  }
  return "no error";
}

describeEachDialect(
  "pool leaks",
  (ctx) => {
    test("thousands of checkouts with errors thrown inside leave the pool at rest", async () => {
      const onServer = ctx.target.dialect !== "sqlite";
      const engine = createEngine(ctx.target.url, { poolSize: 5, maxOverflow: 5, poolTimeout: 30 });
      // The server id of every driver connection still open, maintained by the pool events.
      const open = new Map<PooledConnection, number>();
      const everOpened = new Set<number>();
      let connects = 0;
      let closes = 0;
      const violations: string[] = [];
      engine.on("connect", async (dbapi, record) => {
        connects++;
        const id = onServer
          ? Number((await dbapi.execute(serverIdSql(ctx.target.dialect))).fetchone()![0])
          : connects;
        record.info.serverId = id;
        open.set(record, id);
        everOpened.add(id);
      });
      engine.on("close", (_dbapi, record) => {
        closes++;
        open.delete(record);
      });
      engine.on("checkin", () => {
        violations.push(...statusViolations(engine.pool.status(), 5, 5));
      });
      try {
        const outcomes = new Map<string, number>();
        const total = 2100;
        let next = 0;
        // 20 concurrent workers (more than the 10 connections allowed) take scenarios in turn.
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            for (let i = next++; i < total; i = next++) {
              // Invalidation (a reconnect) every 30th round keeps the run short on servers.
              const kind = i % 30 === 29 ? 6 : i % 7 === 6 ? 7 : i % 7;
              const out = await scenario(engine, kind);
              outcomes.set(out, (outcomes.get(out) ?? 0) + 1);
            }
          }),
        );
        expect([...outcomes.keys()].filter((k) => k.startsWith("unexpected") || k === "no error")).toEqual(
          [],
        );
        expect(outcomes.get("boom")).toBeGreaterThan(1000);
        expect(outcomes.get("db-error")).toBeGreaterThan(200);
        expect(violations).toEqual([]);

        // At rest: nothing checked out, no overflow. Each pooled record holds an open connection,
        // or is invalidated (as in SQLAlchemy) and reconnects when next handed out.
        const s = engine.pool.status();
        expect(s.checkedOut).toBe(0);
        expect(s.overflow).toBeLessThanOrEqual(0);
        expect(s.checkedIn).toBe(s.size + s.overflow);
        expect(open.size).toBeLessThanOrEqual(s.checkedIn);
        expect(connects - closes).toBe(open.size);
        await Promise.all(
          Array.from({ length: s.checkedIn }, () =>
            engine.begin(async (c) => expect(Number(await c.scalar(text("SELECT 1")))).toBe(1)),
          ),
        );
        if (onServer) {
          // The server agrees: of all connections ever opened, exactly the pooled ones are alive.
          const ours = new Set(open.values());
          const closedButAlive = (live: Set<number>) =>
            [...everOpened].filter((id) => live.has(id) && !ours.has(id));
          let live = await liveServerIds(ctx.engine, ctx.target.dialect);
          // A closed connection leaves the server's list shortly after its socket closes.
          for (let i = 0; i < 100 && closedButAlive(live).length > 0; i++) {
            await sleep(50);
            live = await liveServerIds(ctx.engine, ctx.target.dialect);
          }
          expect(closedButAlive(live)).toEqual([]);
          expect([...ours].filter((id) => !live.has(id))).toEqual([]);
        }
      } finally {
        await engine.dispose();
      }
      expect(open.size).toBe(0);
      expect(connects).toBe(closes);
    });
  },
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);

test("NullPool: every checkout's connection is closed, errors or not", async () => {
  const engine = createEngine("sqlite:///.tmp/test_pool_nullpool.db", { poolClass: NullPool });
  let connects = 0;
  let closes = 0;
  engine.on("connect", () => void connects++);
  engine.on("close", () => void closes++);
  try {
    for (let i = 0; i < 300; i++) await scenario(engine, i % 8);
    expect(engine.pool.status()).toEqual({ size: 0, checkedIn: 0, checkedOut: 0, overflow: 0 });
    expect(connects).toBeGreaterThan(300);
    expect(closes).toBe(connects);
  } finally {
    await engine.dispose();
  }
});
