import { expect, test } from "vitest";
import { column, createEngine, Integer, select, table, text, type Logger } from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

function capture(): Logger & { lines: string[]; debugLines: string[] } {
  const lines: string[] = [];
  const debugLines: string[] = [];
  return { lines, debugLines, info: (m) => lines.push(m), debug: (m) => debugLines.push(m) };
}

describeEachDialect("echo logging", (ctx) => {
  test("statements, parameters and transaction events go to the logger", async () => {
    const logger = capture();
    // PostgreSQL here trusts local users, so a password in the URL is accepted and must never be logged.
    const url =
      ctx.target.dialect === "postgresql"
        ? ctx.target.url.replace("postgres@", "postgres:pw-not-logged@")
        : ctx.target.url;
    const engine = createEngine(url, { echo: true, logger });
    try {
      const stmt = text("SELECT :a AS a, :b AS b");
      await using conn = await engine.connect();
      await conn.execute(stmt, { a: 1, b: "x" });
      await conn.execute(stmt, { a: 2, b: "y" });
      await conn.commit();
      const sp = await conn.beginNested();
      await sp.rollback();
      await conn.rollback();
      const ph = ctx.target.dialect === "postgresql" ? "$1" : "?";
      // MySQL at REPEATABLE READ runs without autocommit: the server begins transactions itself.
      const begin =
        ctx.target.dialect === "mysql"
          ? "BEGIN (implicit; the database begins it at the first statement, no BEGIN sent)"
          : "BEGIN (implicit)";
      expect(logger.lines).toEqual([
        begin,
        `SELECT ${ph} AS a, ${ctx.target.dialect === "postgresql" ? "$2" : "?"} AS b`,
        "[generated] [1, 'x']",
        `SELECT ${ph} AS a, ${ctx.target.dialect === "postgresql" ? "$2" : "?"} AS b`,
        "[cached] [2, 'y']",
        "COMMIT",
        begin,
        "SAVEPOINT sa_savepoint_1",
        "ROLLBACK TO SAVEPOINT sa_savepoint_1",
        "ROLLBACK",
      ]);
      expect(logger.lines.join("\n")).not.toContain("pw-not-logged");
    } finally {
      await engine.dispose();
    }
  });

  test("executemany is logged once with its parameter sets; echo off logs nothing", async () => {
    const logger = capture();
    const engine = createEngine(ctx.target.url, { echo: true, logger });
    const quiet = capture();
    const silent = createEngine(ctx.target.url, { logger: quiet });
    try {
      await engine.begin(async (conn) => {
        await conn.execute(text("DROP TABLE IF EXISTS logged"));
        await conn.execute(text("CREATE TABLE logged (id INTEGER)"));
        await conn.execute(text("INSERT INTO logged (id) VALUES (:id)"), [{ id: 1 }, { id: 2 }]);
      });
      expect(logger.lines).toContain("[generated] [executemany] [[1], [2]]");
      await silent.begin(async (conn) => {
        await conn.execute(text("SELECT 1"));
      });
      expect(quiet.lines).toEqual([]);
    } finally {
      await engine.dispose();
      await silent.dispose();
    }
  });

  test('echo: "debug" logs rows', async () => {
    const logger = capture();
    const engine = createEngine(ctx.target.url, { echo: "debug", logger });
    try {
      const t = table("logged2", column("id", Integer));
      await engine.begin(async (conn) => {
        await conn.execute(text("DROP TABLE IF EXISTS logged2"));
        await conn.execute(text("CREATE TABLE logged2 (id INTEGER)"));
        await conn.execute(text("INSERT INTO logged2 (id) VALUES (7)"));
        await conn.execute(select(t.c.id));
      });
      expect(logger.debugLines).toEqual(["Col ['id']", "Row [7]"]);
    } finally {
      await engine.dispose();
    }
  });
});
