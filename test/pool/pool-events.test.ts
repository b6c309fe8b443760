/**
 * Pool events (SQLAlchemy: PoolEvents): connect, firstConnect, checkout, checkin, reset,
 * invalidate, close; the listener API; the seeds' listeners, translated.
 */
import { expect, test } from "vitest";
import {
  ArgumentError,
  createEngine,
  DisconnectionError,
  event,
  InvalidatePoolError,
  InvalidRequestError,
  StaticPool,
  text,
  type DbapiConnection,
  type Engine,
  type PooledConnection,
  type PoolResetState,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { sleep } from "./helpers.js";

describeEachDialect(
  "pool events",
  (ctx) => {
    const isMemory = ctx.target.label === "sqlite-memory";
    const make = (options: Parameters<typeof createEngine>[1] = {}) =>
      createEngine(ctx.target.url, { poolSize: 1, maxOverflow: 0, ...options });

    test("lifecycle order, with async listeners awaited one at a time", async () => {
      const engine = make();
      const log: string[] = [];
      const listener = (name: string) => async () => {
        log.push(name + ">");
        await sleep(2);
        log.push("<" + name);
      };
      for (const name of [
        "firstConnect",
        "connect",
        "checkout",
        "checkin",
        "reset",
        "invalidate",
        "close",
      ] as const)
        engine.on(name, listener(name));
      try {
        const c1 = await engine.connect();
        await c1.execute(text("SELECT 1"));
        await c1.close();
        const c2 = await engine.connect();
        await c2.close();
        await engine.dispose();
        const pairs = log.filter((_, i) => i % 2 === 0);
        // Each listener finished before the next began.
        log.forEach((entry, i) =>
          expect(entry).toBe(i % 2 === 0 ? pairs[i / 2] : "<" + pairs[(i - 1) / 2]!.slice(0, -1)),
        );
        expect(pairs.map((p) => p.slice(0, -1))).toEqual([
          "firstConnect",
          "connect",
          "checkout",
          "reset",
          "checkin",
          "checkout",
          "reset",
          "checkin",
          "close",
        ]);
        // After dispose the engine's listeners apply to the new pool (firstConnect runs once per pool).
        log.length = 0;
        await (await engine.connect()).close();
        expect(log.filter((e) => e.endsWith(">"))).toEqual([
          "firstConnect>",
          "connect>",
          "checkout>",
          "reset>",
          "checkin>",
        ]);
      } finally {
        await engine.dispose();
      }
    });

    test("listeners get a DB-API-like connection they can run SQL on, and the record with info", async () => {
      const engine = make();
      const seen: { dbapi: DbapiConnection; record: PooledConnection }[] = [];
      engine.on("connect", async (dbapi, record) => {
        const cursor = dbapi.cursor();
        await cursor.execute("SELECT 40 + 2 AS answer");
        expect(cursor.description?.map((d) => d.name)).toEqual(["answer"]);
        record.info.answer = Number(cursor.fetchone()![0]);
        expect(cursor.fetchone()).toBeNull();
        cursor.close();
        seen.push({ dbapi, record });
      });
      try {
        await using conn = await engine.connect();
        expect(conn.info.answer).toBe(42);
        expect(seen).toHaveLength(1);
        expect(seen[0]!.dbapi.driverConnection).toBe(conn.driverConnection);
        expect(seen[0]!.record.info).toBe(conn.info);
        const rows = (await seen[0]!.dbapi.execute("SELECT 1 AS a UNION ALL SELECT 2")).fetchall();
        expect(rows.map((r) => Number(r[0]))).toEqual([1, 2]);
      } finally {
        await engine.dispose();
      }
    });

    test("the seed's checkout counter in the connection record's info", async () => {
      const engine = make();
      // Seed: connection_record.info.setdefault('checkout_count', 0); connection_record.info['checkout_count'] += 1
      engine.on("checkout", (_dbapi, connectionRecord) => {
        connectionRecord.info.checkout_count = Number(connectionRecord.info.checkout_count ?? 0) + 1;
      });
      const ids: unknown[] = [];
      // Seed 000: print(f"New connection: {id(dbapi_conn)}") / print(f"Connection checked out: ...")
      event.listen(engine, "connect", (dbapi) => void ids.push(["connect", dbapi.driverConnection]));
      event.listen(engine, "checkout", (dbapi) => void ids.push(["checkout", dbapi.driverConnection]));
      try {
        for (let i = 1; i <= 3; i++) {
          await using conn = await engine.connect();
          expect(conn.info.checkout_count).toBe(i);
        }
        const native = (ids[0] as unknown[])[1];
        expect(ids).toEqual([
          ["connect", native],
          ["checkout", native],
          ["checkout", native],
          ["checkout", native],
        ]);
      } finally {
        await engine.dispose();
      }
    });

    test("invalidation fires invalidate then close; checkin then gets no connection", async () => {
      const engine = make();
      const log: [string, unknown][] = [];
      engine.on("invalidate", (dbapi, _r, exception) => void log.push(["invalidate", exception]));
      engine.on("close", () => void log.push(["close", null]));
      engine.on("checkin", (dbapi) => void log.push(["checkin", dbapi === null ? null : "dbapi"]));
      try {
        const conn = await engine.connect();
        const reason = new Error("stale");
        await conn.invalidate(reason);
        expect(log).toEqual([
          ["invalidate", reason],
          ["close", null],
          ["checkin", null],
        ]);
        await conn.close();
        expect(engine.pool.status().checkedOut).toBe(0);
      } finally {
        await engine.dispose();
      }
    });

    test("reset state says the Connection already ended its transaction", async () => {
      const engine = make();
      const states: PoolResetState[] = [];
      engine.on("reset", (_d, _r, state) => void states.push(state));
      try {
        const conn = await engine.connect();
        await conn.execute(text("SELECT 1"));
        expect(conn.inTransaction()).toBe(true);
        await conn.close();
        expect(states).toEqual([{ transactionWasReset: true, terminateOnly: false }]);
      } finally {
        await engine.dispose();
      }
    });

    test("a connect listener that throws fails the checkout and leaks nothing", async () => {
      const engine = make();
      let closes = 0;
      const failing = () => {
        throw new Error("setup failed");
      };
      engine.on("connect", failing);
      engine.on("close", () => void closes++);
      try {
        await expect(engine.connect()).rejects.toThrow("setup failed");
        expect(closes).toBe(1);
        if (!isMemory)
          expect(engine.pool.status()).toEqual({ size: 1, checkedIn: 0, checkedOut: 0, overflow: -1 });
        engine.removeListener("connect", failing);
        await engine.begin(async (c) => expect(Number(await c.scalar(text("SELECT 1")))).toBe(1));
      } finally {
        await engine.dispose();
      }
    });

    test("a checkout listener throwing DisconnectionError gets a fresh connection instead", async () => {
      const engine = make();
      let failures = 1;
      engine.on("checkout", () => {
        if (failures-- > 0) throw new DisconnectionError("looks stale");
      });
      try {
        let first: unknown;
        {
          await using conn = await engine.connect();
          first = conn.driverConnection;
        }
        failures = 1;
        await using conn = await engine.connect();
        expect(conn.driverConnection).not.toBe(first);
        expect(Number(await conn.scalar(text("SELECT 1")))).toBe(1);
        expect(engine.pool.invalidateTime).toBe(0);
      } finally {
        await engine.dispose();
      }
    });

    test("a checkout listener that keeps failing: the error says so and the slot is given back", async () => {
      const engine = make();
      const always = () => {
        throw new DisconnectionError("never good");
      };
      engine.on("checkout", always);
      try {
        const err = await engine.connect().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidRequestError);
        expect((err as InvalidRequestError).code).toBe("ATH-POOL-RECONNECT");
        if (!isMemory) expect(engine.pool.status().checkedOut).toBe(0);
        engine.removeListener("checkout", always);
        const boom = () => {
          throw new TypeError("listener bug");
        };
        engine.on("checkout", boom, { once: true });
        await expect(engine.connect()).rejects.toThrow("listener bug");
        await engine.begin(async (c) => expect(Number(await c.scalar(text("SELECT 1")))).toBe(1));
      } finally {
        await engine.dispose();
      }
    });
  },
  {},
);

describeEachDialect(
  "pool events",
  (ctx) => {
    test("InvalidatePoolError from a checkout listener recycles every older pooled connection", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 3, maxOverflow: 0 });
      try {
        const first = await Promise.all([engine.connect(), engine.connect(), engine.connect()]);
        const old = first.map((c) => c.driverConnection);
        await Promise.all(first.map((c) => c.close()));
        engine.on(
          "checkout",
          () => {
            throw new InvalidatePoolError("failover");
          },
          { once: true },
        );
        // One after the other: a checkout already past its checks when the pool is invalidated
        // keeps its connection until its next checkout, as in SQLAlchemy.
        const next = [await engine.connect(), await engine.connect(), await engine.connect()];
        for (const c of next) expect(old).not.toContain(c.driverConnection);
        expect(engine.pool.invalidateTime).toBeGreaterThan(0);
        await Promise.all(next.map((c) => c.close()));
      } finally {
        await engine.dispose();
      }
    });
  },
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);

// ---- the seeds' connect listener, translated per database ----

describeEachDialect(
  "pool events: the seed's session setup",
  (ctx) => {
    test("SET NAMES, time zone, sql_mode and a statement timeout on every new connection", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 2 });
      // Seed 001 (receive_connect), translated: cursor = dbapi_conn.cursor(); cursor.execute(...); cursor.close()
      event.listen(engine, "connect", async (dbapiConn) => {
        const cursor = dbapiConn.cursor();
        await cursor.execute("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci");
        await cursor.execute("SET time_zone = '+00:00'");
        await cursor.execute(
          "SET SESSION sql_mode = 'STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'",
        );
        // MySQL's max_execution_time (ms) is max_statement_time (s) on MariaDB.
        await cursor.execute("SET SESSION max_statement_time = 30");
        cursor.close();
      });
      try {
        await using conn = await engine.connect();
        const row = (
          await conn.execute(
            text(
              "SELECT @@character_set_client AS cs, @@collation_connection AS coll, @@session.time_zone AS tz, " +
                "@@session.sql_mode AS mode, @@session.max_statement_time AS mst",
            ),
          )
        ).one() as Record<string, unknown>;
        expect(row.cs).toBe("utf8mb4");
        expect(row.coll).toBe("utf8mb4_unicode_ci");
        expect(row.tz).toBe("+00:00");
        expect(row.mode).toBe(
          "STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION",
        );
        expect(Number(row.mst)).toBe(30);
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["mysql"] },
);

describeEachDialect(
  "pool events: the seed's session setup",
  (ctx) => {
    test("client encoding, time zone and a statement timeout on every new connection", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 2 });
      engine.on("connect", async (dbapiConn) => {
        const cursor = dbapiConn.cursor();
        await cursor.execute("SET client_encoding = 'UTF8'");
        await cursor.execute("SET TIME ZONE 'UTC'");
        await cursor.execute("SET statement_timeout = 30000");
        cursor.close();
      });
      try {
        await using conn = await engine.connect();
        expect(await conn.scalar(text("SHOW client_encoding"))).toBe("UTF8");
        expect(await conn.scalar(text("SHOW TIME ZONE"))).toBe("UTC");
        expect(await conn.scalar(text("SHOW statement_timeout"))).toBe("30s");
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["postgresql"] },
);

describeEachDialect(
  "pool events: the seed's session setup",
  (ctx) => {
    test("PRAGMAs on every new connection", async () => {
      const engine = createEngine(ctx.target.url);
      engine.on("connect", async (dbapiConn) => {
        await dbapiConn.execute("PRAGMA busy_timeout = 7000");
        await dbapiConn.execute("PRAGMA cache_size = -4000");
      });
      try {
        await using conn = await engine.connect();
        expect(Number(await conn.scalar(text("PRAGMA busy_timeout")))).toBe(7000);
        expect(Number(await conn.scalar(text("PRAGMA cache_size")))).toBe(-4000);
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["sqlite"] },
);

// ---- the listener API ----

test("event.listen / engine.on / pool.on, remove, contains, once, insert, listensFor", async () => {
  const engine: Engine = createEngine("sqlite://");
  const calls: string[] = [];
  const a = () => void calls.push("a");
  const b = () => void calls.push("b");
  const c = () => void calls.push("c");
  try {
    expect(engine.pool).toBeInstanceOf(StaticPool);
    event.listen(engine, "checkout", a);
    engine.on("checkout", b);
    event.listen(engine.pool, "checkout", c, { insert: true });
    const once = event.listensFor(engine, "checkout", { once: true })(() => void calls.push("once"));
    expect(event.contains(engine, "checkout", a)).toBe(true);
    expect(event.contains(engine.pool, "checkout", once)).toBe(true);
    await (await engine.connect()).close();
    expect(calls).toEqual(["c", "a", "b", "once"]);
    expect(event.contains(engine, "checkout", once)).toBe(false);

    calls.length = 0;
    event.remove(engine, "checkout", a);
    engine.pool.removeListener("checkout", c);
    // The same function registered twice is one registration.
    engine.on("checkout", b);
    await (await engine.connect()).close();
    expect(calls).toEqual(["b"]);
    expect(() => event.remove(engine, "checkout", a)).toThrow(InvalidRequestError);
  } finally {
    await engine.dispose();
  }
});

test("unknown event names are rejected with the valid names and the camelCase spelling", () => {
  const engine = createEngine("sqlite://");
  const fn = () => undefined;
  // Untyped calls, as from JavaScript (TypeScript already rejects these names).
  const on = engine.on.bind(engine) as unknown as (name: string, f: () => void) => void;
  const listen = event.listen as unknown as (target: unknown, name: string, f: () => void) => void;
  expect(() => on("first_connect", fn)).toThrow(ArgumentError);
  expect(() => on("first_connect", fn)).toThrow(/Did you mean 'firstConnect'\?/);
  expect(() => listen(engine, "before_cursor_execute", fn)).toThrow(/Did you mean 'beforeCursorExecute'\?/);
  expect(() => listen(engine.pool, "beforeExecute", fn)).toThrow(
    /No event named 'beforeExecute' on Pool\. .*Pool events: connect, firstConnect, checkout/,
  );
});

// ---- echoPool ----

function capture(): { lines: string[]; logger: { info(m: string): void; debug(m: string): void } } {
  const lines: string[] = [];
  return {
    lines,
    logger: { info: (m) => void lines.push("INFO " + m), debug: (m) => void lines.push("DEBUG " + m) },
  };
}

test("echoPool: true logs what changes the pool; 'debug' logs every checkout too", async () => {
  const info = capture();
  const e1 = createEngine("sqlite:///.tmp/test_pool_echo.db", { echoPool: true, logger: info.logger });
  const conn = await e1.connect();
  await conn.invalidate(new Error("bad state"));
  await conn.close();
  await e1.dispose();
  expect(info.lines.every((l) => l.startsWith("INFO [pool] "))).toBe(true);
  expect(
    info.lines.some((l) =>
      /Invalidate connection <SqliteDriverConnection #\d+> \(reason: Error: bad state\)/.test(l),
    ),
  ).toBe(true);
  expect(info.lines).toContain("INFO [pool] Pool recreating");
  expect(info.lines.some((l) => l.startsWith("INFO [pool] Pool disposed. Pool size: 5"))).toBe(true);
  expect(info.lines.some((l) => l.includes("checked out"))).toBe(false);

  const debug = capture();
  const e2 = createEngine("sqlite:///.tmp/test_pool_echo.db", {
    echoPool: "debug",
    logger: debug.logger,
    poolPrePing: true,
  });
  await (await e2.connect()).close();
  await (await e2.connect()).close();
  await e2.dispose();
  const text = debug.lines.map((l) => l.replace(/#\d+/g, "#n")).join("\n");
  for (const expected of [
    "DEBUG [pool] Created new connection <SqliteDriverConnection #n>",
    "DEBUG [pool] Connection <SqliteDriverConnection #n> is fresh, skipping pre-ping",
    "DEBUG [pool] Connection <SqliteDriverConnection #n> checked out from pool",
    "DEBUG [pool] Connection <SqliteDriverConnection #n> being returned to pool",
    "DEBUG [pool] Connection <SqliteDriverConnection #n> reset, transaction already reset",
    "DEBUG [pool] Pool pre-ping on connection <SqliteDriverConnection #n>",
    "DEBUG [pool] Closing connection <SqliteDriverConnection #n>",
  ])
    expect(text).toContain(expected);

  const silent = capture();
  const e3 = createEngine("sqlite:///.tmp/test_pool_echo.db", { logger: silent.logger });
  await (await e3.connect()).close();
  await e3.dispose();
  expect(silent.lines).toEqual([]);
});
