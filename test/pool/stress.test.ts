/**
 * The seeds' pool stress test, translated (001 "Monitoring du pool": `pool_stress_test`):
 * 50 concurrent workers on a pool of 5 + 10 overflow, each running a query that sleeps 100 ms.
 */
import { expect, test } from "vitest";
import { createEngine, text, TimeoutError, type Engine } from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { statusViolations } from "./helpers.js";

type Outcome = "ok" | "timeout" | { error: unknown };

describeEachDialect(
  "pool stress",
  (ctx) => {
    const sleepSql = () =>
      ctx.target.dialect === "postgresql"
        ? "SELECT pg_sleep(0.1), CAST(:id AS INTEGER) AS id"
        : "SELECT SLEEP(0.1), CAST(:id AS SIGNED) AS id";

    /** The seed's worker: one connection, one sleeping query, the rows fetched. */
    async function worker(engine: Engine, id: number): Promise<Outcome> {
      try {
        await using conn = await engine.connect();
        const rows = (await conn.execute(text(sleepSql()), { id })).all() as { id: unknown }[];
        expect(Number(rows[0]!.id)).toBe(id);
        return "ok";
      } catch (err) {
        return err instanceof TimeoutError ? "timeout" : { error: err };
      }
    }

    /** Runs 50 workers while checking the status invariants at every checkout, checkin and millisecond. */
    async function stress(
      poolTimeout: number,
    ): Promise<{ outcomes: Outcome[]; violations: string[]; maxOut: number }> {
      const engine = createEngine(ctx.target.url, { poolSize: 5, maxOverflow: 10, poolTimeout });
      const violations: string[] = [];
      let maxOut = 0;
      const sample = () => {
        const s = engine.pool.status();
        maxOut = Math.max(maxOut, s.checkedOut);
        violations.push(...statusViolations(s, 5, 10));
      };
      engine.on("checkout", sample);
      engine.on("checkin", sample);
      engine.on("connect", sample);
      const timer = setInterval(sample, 1);
      try {
        const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => worker(engine, i)));
        sample();
        // At the end nothing is checked out, and the overflow connections are closed.
        expect(engine.pool.status()).toEqual({ size: 5, checkedIn: 5, checkedOut: 0, overflow: 0 });
        return { outcomes, violations, maxOut };
      } finally {
        clearInterval(timer);
        await engine.dispose();
      }
    }

    test("with a short poolTimeout, every worker succeeds or gets the TimeoutError", async () => {
      // 15 connections serve two waves of 100 ms queries before a third wave could start (>= 200 ms),
      // so with a 150 ms timeout at least 15 succeed and at least 5 time out, whatever the speed.
      const { outcomes, violations, maxOut } = await stress(0.15);
      expect(outcomes.filter((o) => typeof o === "object")).toEqual([]);
      const ok = outcomes.filter((o) => o === "ok").length;
      const timeouts = outcomes.filter((o) => o === "timeout").length;
      expect(ok + timeouts).toBe(50);
      expect(ok).toBeGreaterThanOrEqual(15);
      expect(timeouts).toBeGreaterThanOrEqual(5);
      expect(violations).toEqual([]);
      expect(maxOut).toBe(15);
    });

    test("with the seed's poolTimeout of 5 s, all 50 workers succeed", async () => {
      const { outcomes, violations, maxOut } = await stress(5);
      expect(outcomes.filter((o) => o !== "ok")).toEqual([]);
      expect(violations).toEqual([]);
      expect(maxOut).toBe(15);
    });

    test("the seed's monitor_pool figures", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 5, maxOverflow: 10, poolTimeout: 5 });
      try {
        const held = await Promise.all(Array.from({ length: 7 }, () => engine.connect()));
        const pool = engine.pool;
        expect([pool.size(), pool.checkedIn(), pool.checkedOut(), pool.overflow(), pool.timeout()]).toEqual([
          5, 0, 7, 2, 5,
        ]);
        expect(pool.describe()).toBe(
          "Pool size: 5  Connections in pool: 0 Current Overflow: 2 Current Checked out connections: 7",
        );
        await Promise.all(held.map((c) => c.close()));
        expect([pool.checkedIn(), pool.checkedOut(), pool.overflow()]).toEqual([5, 0, 0]);
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["postgresql", "mysql"] },
);
