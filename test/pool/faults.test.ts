/**
 * Disconnect handling: connections killed by the server (pg_terminate_backend, MariaDB KILL)
 * are detected, invalidated, and recycle the pool's older connections; pre-ping hides dead
 * pooled connections from callers. Only connections opened by the test itself are killed.
 */
import { expect, test } from "vitest";
import {
  createEngine,
  DBAPIError,
  OperationalError,
  text,
  type DbapiConnection,
  type Engine,
  type ExceptionContext,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { killServerConnection, serverIdSql, sleep } from "./helpers.js";

/** Checks out `n` connections at once (so they are distinct) and returns their server ids. */
async function warm(engine: Engine, n: number, idSql: string): Promise<number[]> {
  const conns = await Promise.all(Array.from({ length: n }, () => engine.connect()));
  const ids = await Promise.all(conns.map(async (c) => Number(await c.scalar(text(idSql)))));
  await Promise.all(conns.map((c) => c.close()));
  return ids;
}

describeEachDialect(
  "pool faults",
  (ctx) => {
    const idSql = () => serverIdSql(ctx.target.dialect);

    test("a killed connection raises a disconnect, is invalidated, and recycles the older pooled connections", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 3, maxOverflow: 0 });
      const invalidated: { id: unknown; exception: unknown }[] = [];
      const closed: unknown[] = [];
      engine.on("connect", async (dbapi, record) => {
        record.info.serverId = Number((await dbapi.execute(idSql())).fetchone()![0]);
      });
      engine.on(
        "invalidate",
        (_dbapi, record, exception) => void invalidated.push({ id: record.info.serverId, exception }),
      );
      engine.on("close", (_dbapi, record) => void closed.push(record.info.serverId));
      try {
        const oldIds = await warm(engine, 3, idSql());
        const victim = await engine.connect();
        const victimId = Number(victim.info.serverId);
        expect(oldIds).toContain(victimId);
        await victim.begin();
        await killServerConnection(ctx.engine, ctx.target.dialect, victimId);

        const err = await victim.execute(text("SELECT 1")).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OperationalError);
        expect((err as OperationalError).connectionInvalidated).toBe(true);
        expect(victim.isInvalidated).toBe(true);
        // The invalidate event fired at once, with the error, and the driver connection was closed.
        expect(invalidated).toEqual([{ id: victimId, exception: err }]);
        expect(closed).toEqual([victimId]);
        expect(engine.pool.invalidateTime).toBeGreaterThan(0);
        // As in SQLAlchemy, the invalid transaction must be rolled back before the connection is used again.
        await expect(victim.execute(text("SELECT 1"))).rejects.toThrow(/rolled back/);
        await victim.rollback();
        const replacement = Number(await victim.scalar(text(idSql())));
        expect(oldIds).not.toContain(replacement);
        await victim.close();

        // The two other pooled connections were alive, but opened before the disconnect: they
        // are replaced at their next checkout.
        const ids = await warm(engine, 3, idSql());
        for (const id of ids) expect(oldIds).not.toContain(id);
        expect(closed.sort()).toEqual([...oldIds].sort());
        expect(engine.pool.status()).toEqual({ size: 3, checkedIn: 3, checkedOut: 0, overflow: 0 });
      } finally {
        await engine.dispose();
      }
    });

    test("with poolPrePing, after every pooled connection was killed, the next requests all succeed", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 4, maxOverflow: 0, poolPrePing: true });
      const prePingErrors: ExceptionContext[] = [];
      engine.on("handleError", (c) => void (c.isPrePing && prePingErrors.push(c)));
      try {
        const oldIds = await warm(engine, 4, idSql());
        for (const id of oldIds) await killServerConnection(ctx.engine, ctx.target.dialect, id);
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            engine.begin(async (c) => ({
              n: Number(await c.scalar(text("SELECT 1 + :n"), { n: i })),
              id: Number(await c.scalar(text(idSql()))),
            })),
          ),
        );
        expect(results.map((r) => r.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        for (const r of results) expect(oldIds).not.toContain(r.id);
        // The dead connections were found by the ping (handleError sees it as a pre-ping disconnect).
        expect(prePingErrors.length).toBeGreaterThanOrEqual(1);
        for (const c of prePingErrors) {
          expect(c.isDisconnect).toBe(true);
          expect(c.connection).toBeNull();
          expect(c.athanorException).toBeInstanceOf(DBAPIError);
        }
        expect(engine.pool.status()).toEqual({ size: 4, checkedIn: 4, checkedOut: 0, overflow: 0 });
      } finally {
        await engine.dispose();
      }
    });

    test("without pre-ping, a connection the driver already knows is dead is replaced at checkout", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 2, maxOverflow: 0 });
      const invalidated: unknown[] = [];
      const returned: DbapiConnection[] = [];
      engine.on("invalidate", (_d, _r, exception) => void invalidated.push(exception));
      engine.on("checkin", (dbapi) => void (dbapi && returned.push(dbapi)));
      try {
        const oldIds = await warm(engine, 2, idSql());
        await killServerConnection(ctx.engine, ctx.target.dialect, oldIds[0]!);
        await killServerConnection(ctx.engine, ctx.target.dialect, oldIds[1]!);
        // Wait until the driver has read the closed sockets (it learns it asynchronously).
        for (let i = 0; i < 250 && !returned.every((d) => d.closed); i++) await sleep(20);
        expect(returned.map((d) => d.closed)).toEqual([true, true]);
        const ids = await warm(engine, 2, idSql());
        for (const id of ids) expect(oldIds).not.toContain(id);
        expect(invalidated.length).toBeGreaterThanOrEqual(1);
        expect(engine.pool.invalidateTime).toBeGreaterThan(0);
      } finally {
        await engine.dispose();
      }
    });

    test("handleError can mark an error as a disconnect, or keep the pool", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 2, maxOverflow: 0 });
      engine.on("handleError", (c) => {
        if (c.statement?.includes("no_such_table_marked")) {
          c.isDisconnect = true;
          c.invalidatePoolOnDisconnect = false;
        }
      });
      try {
        const oldIds = await warm(engine, 2, idSql());
        const conn = await engine.connect();
        const markedId = Number(await conn.scalar(text(idSql())));
        const err = await conn.execute(text("SELECT * FROM no_such_table_marked")).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DBAPIError);
        expect((err as DBAPIError).connectionInvalidated).toBe(true);
        expect(conn.isInvalidated).toBe(true);
        expect(engine.pool.invalidateTime).toBe(0);
        await conn.rollback();
        expect(Number(await conn.scalar(text(idSql())))).not.toBe(markedId);
        await conn.close();
        // The pool was not invalidated: the other connection is still the old one.
        const ids = await warm(engine, 2, idSql());
        expect(ids).not.toContain(markedId);
        expect(ids.filter((id) => oldIds.includes(id))).toHaveLength(1);
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["postgresql", "mysql"] },
);

describeEachDialect(
  "pool faults",
  (ctx) => {
    test("a closed SQLite handle is a disconnect: invalidated, then replaced", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 2, maxOverflow: 0 });
      try {
        const conn = await engine.connect();
        await conn.execute(text("SELECT 1"));
        await conn.commit();
        const native = conn.driverConnection as { close(): void };
        native.close();
        // The next statement's BEGIN finds the handle closed.
        const err = await conn.execute(text("SELECT 1")).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DBAPIError);
        expect((err as DBAPIError).connectionInvalidated).toBe(true);
        expect(conn.isInvalidated).toBe(true);
        // No transaction was begun, so the next use reconnects at once.
        expect(Number(await conn.scalar(text("SELECT 2")))).toBe(2);
        expect(conn.driverConnection).not.toBe(native);
        await conn.close();
        expect(engine.pool.status().checkedOut).toBe(0);
      } finally {
        await engine.dispose();
      }
    });

    test("with poolPrePing, pooled SQLite connections closed underneath are replaced silently", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 3, maxOverflow: 0, poolPrePing: true });
      const natives: { close(): void }[] = [];
      engine.on("checkin", (dbapi) => {
        if (dbapi) natives.push(dbapi.driverConnection as { close(): void });
      });
      try {
        const conns = await Promise.all([engine.connect(), engine.connect(), engine.connect()]);
        await Promise.all(conns.map((c) => c.close()));
        for (const n of natives) n.close();
        const values = await Promise.all(
          [1, 2, 3].map((n) => engine.begin((c) => c.scalar(text("SELECT :n"), { n }))),
        );
        expect(values.map(Number)).toEqual([1, 2, 3]);
      } finally {
        await engine.dispose();
      }
    });
  },
  { labels: ["sqlite-file"] },
);

test("a connect failure goes through handleError with no connection", async () => {
  const engine = createEngine("postgresql://postgres@127.0.0.1:1/nowhere?connect_timeout=2");
  const seen: ExceptionContext[] = [];
  engine.on("handleError", (c) => void seen.push(c));
  try {
    const err = await engine.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as Error).message).toContain("[connecting to postgresql://postgres@127.0.0.1:1/nowhere");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.connection).toBeNull();
    expect(seen[0]!.athanorException).toBe(err);
    expect(engine.pool.status()).toEqual({ size: 5, checkedIn: 0, checkedOut: 0, overflow: -5 });
  } finally {
    await engine.dispose();
  }
});
