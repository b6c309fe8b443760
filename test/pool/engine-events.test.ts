/**
 * Engine events (SQLAlchemy: ConnectionEvents, handle_error): before/after execute and cursor
 * execute with the statement and parameters, handleError, transaction and lifecycle events.
 */
import { expect, test } from "vitest";
import {
  createEngine,
  DBAPIError,
  event,
  ProgrammingError,
  text,
  type CursorParameters,
  type EventParams,
  type EventStatement,
  type ExceptionContext,
  type ExecutionContext,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { sleep } from "./helpers.js";

describeEachDialect("engine events", (ctx) => {
  const placeholder = (n: number) => (ctx.target.dialect === "postgresql" ? `$${n}` : "?");

  test("beforeExecute / afterExecute see the statement, its parameters and the result", async () => {
    const engine = ctx.engine;
    const seen: unknown[][] = [];
    const before = (
      conn: unknown,
      stmt: EventStatement,
      multi: readonly EventParams[],
      params: EventParams,
    ) => void seen.push(["before", stmt, multi, params]);
    const after = (
      conn: unknown,
      stmt: EventStatement,
      multi: readonly EventParams[],
      params: EventParams,
      _o: unknown,
      result: unknown,
    ) => void seen.push(["after", stmt, multi, params, result]);
    engine.on("beforeExecute", before);
    engine.on("afterExecute", after);
    try {
      await using conn = await engine.connect();
      const stmt = text("SELECT :x AS x");
      const result = await conn.execute(stmt, { x: 5 });
      // (The Result is compared by identity: toEqual would iterate, i.e. consume, it.)
      expect(seen[1]!.pop()).toBe(result);
      expect(seen).toEqual([
        ["before", stmt, [], { x: 5 }],
        ["after", stmt, [], { x: 5 }],
      ]);
      seen.length = 0;
      await conn.execute(text("CREATE TEMPORARY TABLE ev_many (n INTEGER)"));
      const ins = text("INSERT INTO ev_many (n) VALUES (:n)");
      await conn.execute(ins, [{ n: 1 }, { n: 2 }]);
      expect(seen[2]).toEqual(["before", ins, [{ n: 1 }, { n: 2 }], {}]);
    } finally {
      engine.removeListener("beforeExecute", before);
      engine.removeListener("afterExecute", after);
    }
  });

  test("beforeExecute with retval replaces the statement and parameters", async () => {
    const engine = createEngine(ctx.target.url);
    engine.on(
      "beforeExecute",
      (_conn, stmt, multi, params) =>
        [stmt, multi, { ...(params as Record<string, unknown>), x: 99 }] as const,
      { retval: true },
    );
    try {
      await using conn = await engine.connect();
      expect(Number(await conn.scalar(text("SELECT :x"), { x: 1 }))).toBe(99);
    } finally {
      await engine.dispose();
    }
  });

  test("before/afterCursorExecute see the SQL and the driver's values, and share the context", async () => {
    const engine = createEngine(ctx.target.url);
    const seen: {
      statement: string;
      parameters: CursorParameters;
      executemany: boolean;
      context: ExecutionContext;
    }[] = [];
    engine.on("beforeCursorExecute", async (_conn, _cursor, statement, parameters, context, executemany) => {
      await sleep(1);
      context.info.startedAt = 1;
      seen.push({ statement, parameters, executemany, context });
    });
    engine.on("afterCursorExecute", (_conn, _cursor, statement, _p, context) => {
      expect(context.info.startedAt).toBe(1);
      expect(context).toBe(seen[seen.length - 1]!.context);
      context.info.finished = statement;
    });
    try {
      await using conn = await engine.connect();
      await conn.execute(text("SELECT :a AS a, :b AS b"), { a: 1, b: "two" });
      const first = seen[0]!;
      expect(first.statement).toBe(`SELECT ${placeholder(1)} AS a, ${placeholder(2)} AS b`);
      expect(first.parameters).toEqual([1, "two"]);
      expect(first.executemany).toBe(false);
      expect(first.context.compiled?.sql).toBe(first.statement);
      expect(first.context.info.finished).toBe(first.statement);
      await conn.execDriverSql(`SELECT ${placeholder(1)} AS v`, [7]);
      expect(seen[1]!.statement).toBe(`SELECT ${placeholder(1)} AS v`);
      expect(seen[1]!.context.compiled).toBeNull();
      await conn.execute(text("CREATE TEMPORARY TABLE ev_cursor (n INTEGER)"));
      await conn.execute(text("INSERT INTO ev_cursor (n) VALUES (:n)"), [{ n: 1 }, { n: 2 }]);
      const many = seen[seen.length - 1]!;
      expect(many.executemany).toBe(true);
      expect(many.parameters).toEqual([[1], [2]]);
      const streamed = await conn.stream(text("SELECT n FROM ev_cursor ORDER BY n"));
      expect(seen[seen.length - 1]!.statement).toBe("SELECT n FROM ev_cursor ORDER BY n");
      expect((await streamed.all()).map((r) => Number((r as { n: unknown }).n))).toEqual([1, 2]);
    } finally {
      await engine.dispose();
    }
  });

  test("beforeCursorExecute with retval replaces the SQL text and values", async () => {
    const engine = createEngine(ctx.target.url);
    engine.on(
      "beforeCursorExecute",
      (_c, _cur, statement, parameters) =>
        ["/* tagged */ " + statement, (parameters as unknown[]).map(() => 41)] as const,
      { retval: true },
    );
    const sent: string[] = [];
    engine.on("afterCursorExecute", (_c, _cur, statement) => void sent.push(statement));
    try {
      await using conn = await engine.connect();
      expect(Number(await conn.scalar(text("SELECT :x + 1"), { x: 1 }))).toBe(42);
      expect(sent[0]).toBe(`/* tagged */ SELECT ${placeholder(1)} + 1`);
    } finally {
      await engine.dispose();
    }
  });

  test("handleError sees the failing statement; listeners can replace the error or stop the chain", async () => {
    const engine = createEngine(ctx.target.url);
    const contexts: ExceptionContext[] = [];
    class AppError extends Error {}
    engine.on("handleError", (c) => {
      contexts.push(c);
      if (c.statement?.includes("replace_me"))
        return new AppError("replaced: " + c.athanorException?.constructor.name);
    });
    engine.on("handleError", (c) => {
      if (c.chainedException) return new AppError("second saw: " + c.chainedException.message);
      if (c.statement?.includes("stop_here")) throw new AppError("stopped");
    });
    const third: ExceptionContext[] = [];
    engine.on("handleError", (c) => void third.push(c));
    try {
      await using conn = await engine.connect();
      const plain = await conn
        .execute(text("SELECT * FROM ev_missing WHERE id = :id"), { id: 3 })
        .catch((e: unknown) => e);
      expect(plain).toBeInstanceOf(ProgrammingError);
      const c0 = contexts[0]!;
      expect(c0.connection).toBe(conn);
      expect(c0.engine).toBe(engine);
      expect(c0.statement).toBe(`SELECT * FROM ev_missing WHERE id = ${placeholder(1)}`);
      expect(c0.parameters).toEqual([3]);
      expect(c0.athanorException).toBe(plain);
      expect(c0.originalException).toBe((plain as DBAPIError).orig);
      expect(c0.isDisconnect).toBe(false);
      expect(c0.isPrePing).toBe(false);
      expect(c0.executionContext?.statement).toBe(c0.statement);
      await conn.rollback();

      const replaced = await conn.execute(text("SELECT * FROM replace_me")).catch((e: unknown) => e);
      expect(replaced).toBeInstanceOf(AppError);
      expect((replaced as Error).message).toBe("second saw: replaced: ProgrammingError");
      await conn.rollback();

      third.length = 0;
      const stopped = await conn.execute(text("SELECT * FROM stop_here")).catch((e: unknown) => e);
      expect((stopped as Error).message).toBe("stopped");
      expect(third).toEqual([]);
    } finally {
      await engine.dispose();
    }
  });

  test("transaction events: begin, savepoint, releaseSavepoint, rollbackSavepoint, commit, rollback", async () => {
    const engine = createEngine(ctx.target.url);
    const log: string[] = [];
    for (const name of ["begin", "commit", "rollback"] as const) engine.on(name, () => void log.push(name));
    engine.on("savepoint", (_c, name) => void log.push("savepoint " + name));
    engine.on("releaseSavepoint", (_c, name) => void log.push("release " + name));
    engine.on("rollbackSavepoint", (_c, name) => void log.push("rollback to " + name));
    try {
      await engine.begin(async (conn) => {
        const sp1 = await conn.beginNested();
        await sp1.commit();
        const sp2 = await conn.beginNested();
        await sp2.rollback();
      });
      await using conn = await engine.connect();
      await conn.execute(text("SELECT 1"));
      await conn.rollback();
      expect(log).toEqual([
        "begin",
        "savepoint sa_savepoint_1",
        "release sa_savepoint_1",
        "savepoint sa_savepoint_2",
        "rollback to sa_savepoint_2",
        "commit",
        "begin",
        "rollback",
      ]);
    } finally {
      await engine.dispose();
    }
  });

  test("engineConnect and engineDisposed", async () => {
    const engine = createEngine(ctx.target.url);
    const log: unknown[] = [];
    event.listen(engine, "engineConnect", (conn) => void log.push(["connect", conn]));
    event.listen(engine, "engineDisposed", (e) => void log.push(["disposed", e]));
    const conn = await engine.connect();
    await conn.close();
    await engine.dispose();
    expect(log).toEqual([
      ["connect", conn],
      ["disposed", engine],
    ]);
  });
});
