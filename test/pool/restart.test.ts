/**
 * Server restart recovery, on private throwaway servers (test/support/throwaway-server.ts):
 * the shared servers are never stopped. Each suite starts its own PostgreSQL / MariaDB, stops
 * and restarts it under a live engine, and deletes it afterwards.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, OperationalError, text, type Engine } from "../../src/index.js";
import {
  startThrowawayMariadb,
  startThrowawayPostgres,
  type ThrowawayServer,
} from "../support/throwaway-server.js";

const SERVERS = [
  { label: "postgresql", start: startThrowawayPostgres },
  { label: "mysql", start: startThrowawayMariadb },
] as const;

for (const s of SERVERS) {
  describe(`restart recovery [${s.label}, throwaway server]`, () => {
    let server: ThrowawayServer | null = null;
    const engines: Engine[] = [];
    const newEngine = (options: Parameters<typeof createEngine>[1] = {}) => {
      const e = createEngine(server!.url, { poolSize: 3, maxOverflow: 2, poolTimeout: 5, ...options });
      engines.push(e);
      return e;
    };
    /**
     * Checks out `n` connections at once so the pool holds `n` distinct ones; returns their
     * driver objects (server-side ids restart from 1 after a MariaDB restart, so they can't tell).
     */
    const warm = async (engine: Engine, n: number) => {
      const conns = await Promise.all(Array.from({ length: n }, () => engine.connect()));
      await Promise.all(conns.map((c) => c.execute(text("SELECT 1"))));
      const natives = conns.map((c) => c.driverConnection);
      await Promise.all(conns.map((c) => c.close()));
      return natives;
    };

    beforeAll(async () => {
      server = await s.start();
    }, 60_000);
    afterAll(async () => {
      for (const e of engines) await e.dispose().catch(() => undefined);
      await server?.destroy();
    }, 60_000);

    test("the engine recovers after a restart without being re-created", async () => {
      const engine = newEngine();
      const oldIds = await warm(engine, 3);
      expect(engine.pool.status()).toEqual({ size: 3, checkedIn: 3, checkedOut: 0, overflow: 0 });
      const held = await engine.connect();
      await held.begin();
      await held.execute(text("SELECT 1"));

      await server!.stop();

      // While the server is down, work fails with a connection error and gives its slot back.
      const down = await engine.begin((c) => c.execute(text("SELECT 1"))).catch((e: unknown) => e);
      expect(down).toBeInstanceOf(OperationalError);
      expect(engine.pool.status().checkedOut).toBe(1);
      // The held connection's next statement reports the disconnect.
      const lost = await held.execute(text("SELECT 1")).catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(OperationalError);
      expect((lost as OperationalError).connectionInvalidated).toBe(true);
      expect(held.isInvalidated).toBe(true);

      await server!.start();

      // Every pooled connection predates the outage: all are replaced, no caller sees an error.
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          engine.begin(
            async (c) => [Number(await c.scalar(text("SELECT :n"), { n: i })), c.driverConnection] as const,
          ),
        ),
      );
      expect(results.map((r) => r[0])).toEqual([0, 1, 2, 3, 4]);
      for (const [, id] of results) expect(oldIds).not.toContain(id);
      // The held connection recovers after rollback(), as in SQLAlchemy.
      await held.rollback();
      expect(Number(await held.scalar(text("SELECT 7")))).toBe(7);
      await held.close();
      const st = engine.pool.status();
      expect(st.checkedOut).toBe(0);
      expect(st.checkedIn + st.checkedOut).toBe(st.size + st.overflow);
    }, 30_000);

    test("with poolPrePing, requests right after a restart all succeed", async () => {
      const engine = newEngine({ poolPrePing: true });
      const oldIds = await warm(engine, 3);
      await server!.stop();
      await server!.start();
      const natives = await Promise.all(
        Array.from({ length: 3 }, () =>
          engine.begin(async (c) => {
            expect(Number(await c.scalar(text("SELECT 1")))).toBe(1);
            return c.driverConnection;
          }),
        ),
      );
      for (const n of natives) expect(oldIds).not.toContain(n);
      expect(engine.pool.status().checkedOut).toBe(0);
    }, 30_000);
  });
}
