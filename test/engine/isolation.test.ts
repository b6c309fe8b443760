import { expect, test } from "vitest";
import {
  ArgumentError,
  createEngine,
  InvalidRequestError,
  text,
  type IsolationLevel,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

describeEachDialect("isolation levels", (ctx) => {
  const isSqlite = () => ctx.target.dialect === "sqlite";
  const serverDefault = (): IsolationLevel =>
    ctx.target.dialect === "postgresql"
      ? "READ COMMITTED"
      : ctx.target.dialect === "mysql"
        ? "REPEATABLE READ"
        : "SERIALIZABLE";
  const other = (): IsolationLevel => (isSqlite() ? "READ UNCOMMITTED" : "SERIALIZABLE");

  test("the connection reports the database's default level", async () => {
    await using conn = await ctx.engine.connect();
    expect(await conn.getIsolationLevel()).toBe(serverDefault());
  });

  test("per engine", async () => {
    const engine = createEngine(ctx.target.url, { isolationLevel: other() });
    try {
      await using conn = await engine.connect();
      expect(await conn.getIsolationLevel()).toBe(other());
    } finally {
      await engine.dispose();
    }
  });

  test("per connection, reset when the connection returns to the pool", async () => {
    {
      await using conn = await ctx.engine.connect();
      conn.executionOptions({ isolationLevel: other() });
      expect(await conn.getIsolationLevel()).toBe(other());
      await conn.execute(text("SELECT 1"));
      expect(() => conn.executionOptions({ isolationLevel: serverDefault() })).toThrow(InvalidRequestError);
      await conn.rollback();
      conn.executionOptions({ isolationLevel: serverDefault() });
      expect(await conn.getIsolationLevel()).toBe(serverDefault());
      conn.executionOptions({ isolationLevel: other() });
      await conn.execute(text("SELECT 1"));
    }
    await using again = await ctx.engine.connect();
    expect(await again.getIsolationLevel()).toBe(serverDefault());
  });

  test("lower-case and underscore spellings are accepted; unknown levels are rejected", async () => {
    await using conn = await ctx.engine.connect();
    conn.executionOptions({
      isolationLevel: (isSqlite() ? "read_uncommitted" : "repeatable_read") as IsolationLevel,
    });
    expect(await conn.getIsolationLevel()).toBe(isSqlite() ? "READ UNCOMMITTED" : "REPEATABLE READ");
    conn.executionOptions({ isolationLevel: "SNAPSHOT" as IsolationLevel });
    await expect(conn.getIsolationLevel()).rejects.toThrow(ArgumentError);
  });

  test("AUTOCOMMIT: statements commit on their own", async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text("DROP TABLE IF EXISTS ac"));
      await conn.execute(text("CREATE TABLE ac (id INTEGER PRIMARY KEY)"));
    });
    {
      await using conn = await ctx.engine.connect();
      conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
      expect(await conn.getIsolationLevel()).toBe("AUTOCOMMIT");
      await conn.execute(text("INSERT INTO ac (id) VALUES (1)"));
      await conn.rollback(); // nothing to roll back: the insert is committed
      await conn.execute(text("INSERT INTO ac (id) VALUES (2)"));
    }
    await using check = await ctx.engine.connect();
    expect(Number(await check.scalar(text("SELECT count(*) FROM ac")))).toBe(2);
    expect(await check.getIsolationLevel()).toBe(serverDefault());
  });

  test("AUTOCOMMIT per engine", async () => {
    const engine = createEngine(ctx.target.url, { isolationLevel: "AUTOCOMMIT" });
    try {
      await using conn = await engine.connect();
      expect(await conn.getIsolationLevel()).toBe("AUTOCOMMIT");
    } finally {
      await engine.dispose();
    }
  });
});

describeEachDialect(
  "isolation: visible behaviour",
  (ctx) => {
    test("REPEATABLE READ / SERIALIZABLE keeps a snapshot; READ COMMITTED sees new commits", async () => {
      await ctx.engine.begin(async (conn) => {
        await conn.execute(text("DROP TABLE IF EXISTS iso"));
        await conn.execute(text("CREATE TABLE iso (id INTEGER PRIMARY KEY)"));
      });
      await using reader = await ctx.engine.connect();
      await using writer = await ctx.engine.connect();
      reader.executionOptions({ isolationLevel: "REPEATABLE READ" });
      expect(Number(await reader.scalar(text("SELECT count(*) FROM iso")))).toBe(0);
      await writer.execute(text("INSERT INTO iso (id) VALUES (1)"));
      await writer.commit();
      expect(Number(await reader.scalar(text("SELECT count(*) FROM iso")))).toBe(0);
      await reader.rollback();
      reader.executionOptions({ isolationLevel: "READ COMMITTED" });
      expect(Number(await reader.scalar(text("SELECT count(*) FROM iso")))).toBe(1);
      await writer.execute(text("INSERT INTO iso (id) VALUES (2)"));
      await writer.commit();
      expect(Number(await reader.scalar(text("SELECT count(*) FROM iso")))).toBe(2);
    });
  },
  { only: ["postgresql", "mysql"] },
);
