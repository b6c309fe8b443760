import { expect, test } from "vitest";
import {
  createEngine,
  NullPool,
  OperationalError,
  QueuePool,
  StaticPool,
  text,
  TimeoutError,
  type Connection,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

describeEachDialect(
  "pool",
  (ctx) => {
    test("QueuePool status, overflow and the timeout message", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 2, maxOverflow: 1, poolTimeout: 0.1 });
      try {
        expect(engine.pool).toBeInstanceOf(QueuePool);
        expect(engine.pool.status()).toEqual({ size: 2, checkedIn: 0, checkedOut: 0, overflow: -2 });
        const held: Connection[] = [];
        for (let i = 0; i < 3; i++) held.push(await engine.connect());
        expect(engine.pool.status()).toEqual({ size: 2, checkedIn: 0, checkedOut: 3, overflow: 1 });
        const err = await engine.connect().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TimeoutError);
        expect((err as TimeoutError).code).toBe("ATH-POOL-TIMEOUT");
        expect((err as Error).message).toBe(
          "QueuePool limit of size 2 overflow 1 reached, connection timed out, timeout 0.10s. Raise poolSize/maxOverflow " +
            "or poolTimeout, or make sure connections are closed (use engine.begin() or `await using`).",
        );
        for (const c of held) await c.close();
        // The overflow connection is closed, the others wait in the pool.
        expect(engine.pool.status()).toEqual({ size: 2, checkedIn: 2, checkedOut: 0, overflow: 0 });
      } finally {
        await engine.dispose();
      }
    });

    test("waiters get returned connections first-in, first-out", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 1, maxOverflow: 0, poolTimeout: 10 });
      try {
        const first = await engine.connect();
        const order: string[] = [];
        const a = engine.connect().then((c) => (order.push("a"), c));
        const b = engine.connect().then((c) => (order.push("b"), c));
        await first.close();
        const ca = await a;
        expect(order).toEqual(["a"]);
        await ca.execute(text("SELECT 1"));
        await ca.close();
        const cb = await b;
        expect(order).toEqual(["a", "b"]);
        await cb.close();
        expect(engine.pool.status()).toEqual({ size: 1, checkedIn: 1, checkedOut: 0, overflow: 0 });
      } finally {
        await engine.dispose();
      }
    });

    test("returning a connection rolls back its transaction", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 1, maxOverflow: 0 });
      try {
        await engine.begin(async (c) => {
          await c.execute(text("DROP TABLE IF EXISTS pooled"));
          await c.execute(text("CREATE TABLE pooled (id INTEGER)"));
        });
        const c1 = await engine.connect();
        await c1.execute(text("INSERT INTO pooled (id) VALUES (1)"));
        await c1.close();
        await using c2 = await engine.connect();
        expect(c2.inTransaction()).toBe(false);
        expect(Number(await c2.scalar(text("SELECT count(*) FROM pooled")))).toBe(0);
      } finally {
        await engine.dispose();
      }
    });

    test("dispose() closes idle connections and the engine stays usable", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 3 });
      try {
        const held = await engine.connect();
        await (await engine.connect()).close();
        const before = engine.pool;
        expect(before.status().checkedIn).toBe(1);
        await engine.dispose();
        expect(engine.pool).not.toBe(before);
        expect(engine.pool.status()).toEqual({ size: 3, checkedIn: 0, checkedOut: 0, overflow: -3 });
        // A connection checked out before dispose still works and is closed when returned.
        expect(Number(await held.scalar(text("SELECT 1")))).toBe(1);
        await held.close();
        expect(before.status().checkedIn).toBe(0);
        await using conn = await engine.connect();
        expect(Number(await conn.scalar(text("SELECT 2")))).toBe(2);
      } finally {
        await engine.dispose();
      }
    });

    test("NullPool opens and closes a connection per checkout", async () => {
      const engine = createEngine(ctx.target.url, { poolClass: NullPool });
      try {
        const c = await engine.connect();
        expect(engine.pool.status()).toEqual({ size: 0, checkedIn: 0, checkedOut: 1, overflow: 1 });
        await c.close();
        expect(engine.pool.status().checkedOut).toBe(0);
        await engine.begin(async (conn) => {
          expect(Number(await conn.scalar(text("SELECT 3")))).toBe(3);
        });
      } finally {
        await engine.dispose();
      }
    });
  },
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);

test("SQLite :memory: uses one shared connection (StaticPool)", async () => {
  const engine = createEngine("sqlite://");
  try {
    expect(engine.pool).toBeInstanceOf(StaticPool);
    await engine.begin(async (conn) => {
      await conn.execute(text("CREATE TABLE kept (id INTEGER)"));
      await conn.execute(text("INSERT INTO kept VALUES (1)"));
    });
    await using conn = await engine.connect();
    expect(await conn.scalar(text("SELECT count(*) FROM kept"))).toBe(1);
    expect(engine.pool.status()).toEqual({ size: 1, checkedIn: 0, checkedOut: 1, overflow: 0 });
  } finally {
    await engine.dispose();
  }
});

describeEachDialect(
  "pool: disconnects",
  (ctx) => {
    test("a killed server connection raises OperationalError, then rollback() reconnects", async () => {
      const isPg = ctx.target.dialect === "postgresql";
      await using victim = await ctx.engine.connect();
      const idSql = text(isPg ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()");
      const id = Number(await victim.scalar(idSql));
      await ctx.engine.begin(async (killer) => {
        await killer.execute(text(isPg ? "SELECT pg_terminate_backend(:id)" : "KILL :id"), { id });
      });
      const err = await victim.execute(text("SELECT 1")).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OperationalError);
      expect((err as OperationalError).connectionInvalidated).toBe(true);
      await expect(victim.execute(text("SELECT 1"))).rejects.toThrow(/rolled back/);
      await victim.rollback();
      const newId = Number(await victim.scalar(idSql));
      expect(newId).not.toBe(id);
      await victim.close();
      expect(ctx.engine.pool.status().checkedOut).toBe(0);
    });

    test("closing a connection whose server connection died returns it cleanly", async () => {
      const isPg = ctx.target.dialect === "postgresql";
      const before = ctx.engine.pool.status();
      const victim = await ctx.engine.connect();
      const id = Number(
        await victim.scalar(text(isPg ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")),
      );
      await ctx.engine.begin(async (killer) => {
        await killer.execute(text(isPg ? "SELECT pg_terminate_backend(:id)" : "KILL :id"), { id });
      });
      await expect(victim.execute(text("SELECT 1"))).rejects.toBeInstanceOf(OperationalError);
      await victim.close();
      expect(ctx.engine.pool.status().checkedOut).toBe(0);
      // The dead connection was discarded, not put back.
      expect(ctx.engine.pool.status().checkedIn).toBeLessThanOrEqual(before.checkedIn + 1);
      await ctx.engine.begin(async (conn) => {
        expect(Number(await conn.scalar(text("SELECT 5")))).toBe(5);
      });
    });
  },
  { only: ["postgresql", "mysql"] },
);

describeEachDialect(
  "pool: invalidate()",
  (ctx) => {
    test("conn.invalidate() replaces the driver connection", async () => {
      await using conn = await ctx.engine.connect();
      const before = conn.driverConnection;
      await conn.invalidate();
      expect(conn.driverConnection).not.toBe(before);
      expect(Number(await conn.scalar(text("SELECT 6")))).toBe(6);
    });
  },
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);

describeEachDialect(
  "pool: dead idle connections",
  (ctx) => {
    test("an idle connection killed by the server is replaced at checkout", async () => {
      const isPg = ctx.target.dialect === "postgresql";
      const engine = createEngine(ctx.target.url, { poolSize: 1, maxOverflow: 0 });
      try {
        let id: number;
        {
          await using conn = await engine.connect();
          id = Number(await conn.scalar(text(isPg ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")));
        }
        await ctx.engine.begin(async (killer) => {
          await killer.execute(text(isPg ? "SELECT pg_terminate_backend(:id)" : "KILL :id"), { id });
        });
        // Wait until the driver has noticed the closed socket (it reports it asynchronously).
        const idle = (engine.pool as unknown as { idle: { driver: { broken: boolean } }[] }).idle;
        for (let i = 0; i < 250 && !idle[0]?.driver.broken; i++) await new Promise((r) => setTimeout(r, 20));
        expect(idle[0]?.driver.broken).toBe(true);
        await using conn = await engine.connect();
        const newId = Number(
          await conn.scalar(text(isPg ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()")),
        );
        expect(newId).not.toBe(id);
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["postgresql", "mysql"] },
);
