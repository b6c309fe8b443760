/**
 * QueuePool semantics (SQLAlchemy: pool/impl.py QueuePool): fair FIFO waiters, FIFO/LIFO reuse,
 * recycling, timeouts, overflow, dispose; and which pool each URL gets by default.
 */
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
import { sleep } from "./helpers.js";

describeEachDialect(
  "queue pool",
  (ctx) => {
    const make = (options: Parameters<typeof createEngine>[1] = {}) => createEngine(ctx.target.url, options);

    test("the default pool for this URL is a QueuePool", async () => {
      const engine = make();
      expect(engine.pool).toBeInstanceOf(QueuePool);
      await engine.dispose();
    });

    test("waiters are served in arrival order; a newcomer never jumps the queue", async () => {
      const engine = make({ poolSize: 1, maxOverflow: 0, poolTimeout: 10 });
      try {
        const order: string[] = [];
        const holder = await engine.connect();
        const take = (name: string) =>
          engine.connect().then(async (c) => {
            order.push(name);
            await c.execute(text("SELECT 1"));
            await c.close();
          });
        const waiting = ["a", "b", "c", "d", "e"].map(take);
        await sleep(5);
        await holder.close();
        // Arrives after the connection was handed to "a", while b..e still wait.
        const late = take("f");
        await Promise.all([...waiting, late]);
        expect(order).toEqual(["a", "b", "c", "d", "e", "f"]);
        expect(engine.pool.status()).toEqual({ size: 1, checkedIn: 1, checkedOut: 0, overflow: 0 });
      } finally {
        await engine.dispose();
      }
    });

    test("idle connections are reused oldest-returned first, or newest first with poolUseLifo", async () => {
      for (const lifo of [false, true]) {
        const engine = make({ poolSize: 2, poolUseLifo: lifo });
        try {
          const [c1, c2] = [await engine.connect(), await engine.connect()];
          const [n1, n2] = [c1.driverConnection, c2.driverConnection];
          await c1.close();
          await c2.close();
          await using next = await engine.connect();
          expect(next.driverConnection).toBe(lifo ? n2 : n1);
        } finally {
          await engine.dispose();
        }
      }
    });

    test("poolRecycle: a connection older than the limit is replaced at checkout", async () => {
      const lines: string[] = [];
      const engine = make({
        poolSize: 1,
        // Generous margins: on a loaded machine a connect alone can take tens of milliseconds.
        poolRecycle: 0.5,
        echoPool: true,
        logger: { info: (m) => void lines.push(m) },
      });
      let closes = 0;
      engine.on("close", () => void closes++);
      try {
        let first: unknown;
        {
          await using c = await engine.connect();
          first = c.driverConnection;
        }
        await sleep(800);
        await using c = await engine.connect();
        expect(c.driverConnection).not.toBe(first);
        expect(closes).toBeGreaterThanOrEqual(1);
        expect(lines.some((l) => /Connection <\w+ #\d+> exceeded timeout; recycling/.test(l))).toBe(true);
      } finally {
        await engine.dispose();
      }
    });

    test("without poolRecycle the same connection is reused", async () => {
      const engine = make({ poolSize: 1 });
      try {
        let first: unknown;
        {
          await using c = await engine.connect();
          first = c.driverConnection;
        }
        await sleep(60);
        await using c = await engine.connect();
        expect(c.driverConnection).toBe(first);
      } finally {
        await engine.dispose();
      }
    });

    test("a timed-out waiter leaves the queue; the connection then goes back to the pool", async () => {
      const engine = make({ poolSize: 1, maxOverflow: 0, poolTimeout: 0.05 });
      try {
        const holder = await engine.connect();
        const err = await engine.connect().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TimeoutError);
        expect((err as Error).message).toMatch(
          /^QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0\.05s\. Raise poolSize\/maxOverflow or poolTimeout/,
        );
        await holder.close();
        expect(engine.pool.status()).toEqual({ size: 1, checkedIn: 1, checkedOut: 0, overflow: 0 });
        await engine.begin(async (c) => expect(Number(await c.scalar(text("SELECT 1")))).toBe(1));
      } finally {
        await engine.dispose();
      }
    });

    test("maxOverflow -1 opens as many connections as asked for", async () => {
      const engine = make({ poolSize: 2, maxOverflow: -1, poolTimeout: 0.5 });
      try {
        const conns = await Promise.all(Array.from({ length: 12 }, () => engine.connect()));
        expect(engine.pool.status()).toEqual({ size: 2, checkedIn: 0, checkedOut: 12, overflow: 10 });
        await Promise.all(conns.map((c) => c.close()));
        expect(engine.pool.status()).toEqual({ size: 2, checkedIn: 2, checkedOut: 0, overflow: 0 });
      } finally {
        await engine.dispose();
      }
    });

    test("returning a connection rolls back what it left open, then fires reset and checkin", async () => {
      const engine = make({ poolSize: 1, maxOverflow: 0 });
      const log: string[] = [];
      engine.on("reset", () => void log.push("reset"));
      engine.on("checkin", () => void log.push("checkin"));
      try {
        await engine.begin(async (c) => {
          await c.execute(text("DROP TABLE IF EXISTS pool_reset"));
          await c.execute(text("CREATE TABLE pool_reset (id INTEGER)"));
        });
        log.length = 0;
        const c1 = await engine.connect();
        await c1.execute(text("INSERT INTO pool_reset (id) VALUES (1)"));
        await c1.beginNested();
        await c1.execute(text("INSERT INTO pool_reset (id) VALUES (2)"));
        await c1.close();
        expect(log).toEqual(["reset", "checkin"]);
        await using c2 = await engine.connect();
        expect(Number(await c2.scalar(text("SELECT COUNT(*) FROM pool_reset")))).toBe(0);
      } finally {
        await engine.dispose();
      }
    });

    test("dispose() closes idle connections now, checked-out ones when returned; waiters are still served", async () => {
      const engine = make({ poolSize: 2, maxOverflow: 0, poolTimeout: 5 });
      let closes = 0;
      engine.on("close", () => void closes++);
      try {
        const [a, b] = [await engine.connect(), await engine.connect()];
        await a.close();
        await b.close();
        await engine.dispose();
        expect(closes).toBe(2); // the idle ones, at once

        const [h1, h2] = [await engine.connect(), await engine.connect()];
        const waiter = engine.connect(); // waits on the pool about to be disposed
        await sleep(5);
        const old = engine.pool;
        await engine.dispose();
        expect(old.isDisposed).toBe(true);
        expect(engine.pool).not.toBe(old);
        expect(engine.pool.status()).toEqual({ size: 2, checkedIn: 0, checkedOut: 0, overflow: -2 });
        expect(closes).toBe(2);
        await h1.close(); // handed to the waiter rather than closed
        const w: Connection = await waiter;
        expect(w.driverConnection).toBe(h1.driverConnection);
        expect(Number(await w.scalar(text("SELECT 1")))).toBe(1);
        await w.close();
        await h2.close();
        expect(closes).toBe(4);
        expect(old.status()).toEqual({ size: 2, checkedIn: 0, checkedOut: 0, overflow: -2 });
        // A later use creates connections in the new pool.
        await engine.begin(async (c) => expect(Number(await c.scalar(text("SELECT 2")))).toBe(2));
        expect(engine.pool.status().checkedIn).toBe(1);
      } finally {
        await engine.dispose();
      }
    });
  },
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);

describeEachDialect(
  "queue pool",
  (ctx) => {
    test("when connecting fails, every waiter gets the connection error, not a timeout", async () => {
      const url = ctx.target.url.replace(/@[^/]+\//, "@127.0.0.1:1/");
      const engine = createEngine(url, { poolSize: 1, maxOverflow: 0, poolTimeout: 5 });
      try {
        const results = await Promise.all(
          Array.from({ length: 4 }, () => engine.connect().catch((e: unknown) => e)),
        );
        for (const r of results) expect(r).toBeInstanceOf(OperationalError);
        expect(engine.pool.status()).toEqual({ size: 1, checkedIn: 0, checkedOut: 0, overflow: -1 });
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["postgresql", "mysql"] },
);

test("each URL gets SQLAlchemy's default pool; poolClass overrides it", async () => {
  const memory = createEngine("sqlite://");
  const memory2 = createEngine("sqlite:///:memory:");
  const file = createEngine("sqlite:///.tmp/test_pool_default.db");
  const nullPool = createEngine("sqlite:///.tmp/test_pool_default.db", { poolClass: NullPool });
  const pg = createEngine("postgresql://u@localhost/db");
  const my = createEngine("mysql://u@localhost/db");
  try {
    expect(memory.pool).toBeInstanceOf(StaticPool);
    expect(memory2.pool).toBeInstanceOf(StaticPool);
    expect(file.pool).toBeInstanceOf(QueuePool);
    expect(nullPool.pool).toBeInstanceOf(NullPool);
    expect(pg.pool).toBeInstanceOf(QueuePool);
    expect(my.pool).toBeInstanceOf(QueuePool);
    // StaticPool: one shared connection, also after dispose (a new one, the old one closed).
    const c1 = await memory.connect();
    const c2 = await memory.connect();
    expect(c1.driverConnection).toBe(c2.driverConnection);
    expect(memory.pool.status()).toEqual({ size: 1, checkedIn: 0, checkedOut: 2, overflow: 0 });
    await c1.close();
    await c2.close();
    expect(memory.pool.status()).toEqual({ size: 1, checkedIn: 1, checkedOut: 0, overflow: 0 });
  } finally {
    for (const e of [memory, memory2, file, nullPool, pg, my]) await e.dispose();
  }
});
