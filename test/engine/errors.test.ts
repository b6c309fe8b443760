import { expect, test } from "vitest";
import {
  createEngine,
  DataError,
  DBAPIError,
  IntegrityError,
  MissingDriverError,
  OperationalError,
  ProgrammingError,
  text,
  UnboundParameterError,
} from "../../src/index.js";
import { loadDriverPackage } from "../../src/dialects/base/driver.js";
import { describeEachDialect } from "../support/dialects.js";

describeEachDialect("errors", (ctx) => {
  async function fresh(): Promise<void> {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text("DROP TABLE IF EXISTS accounts"));
      // SQLite: a STRICT table (SQLite 3.37+) enforces column types, so bad data can be tested.
      const ddl =
        ctx.target.dialect === "sqlite"
          ? "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, n INTEGER) STRICT"
          : "CREATE TABLE accounts (id INTEGER PRIMARY KEY, email VARCHAR(20) NOT NULL UNIQUE, n INTEGER)";
      await conn.execute(text(ddl));
    });
  }

  test("a duplicate unique value is IntegrityError, with SQL and parameters attached", async () => {
    await fresh();
    await using conn = await ctx.engine.connect();
    const ins = text("INSERT INTO accounts (id, email) VALUES (:id, :email)");
    await conn.execute(ins, { id: 1, email: "a@x.io" });
    const err = await conn.execute(ins, { id: 2, email: "a@x.io" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err).toBeInstanceOf(DBAPIError);
    const e = err as IntegrityError;
    expect(e.message).toMatch(/^\(IntegrityError\) /);
    expect(e.message).toContain("[SQL: INSERT INTO accounts (id, email) VALUES (");
    expect(e.message).toContain("[parameters: [2, 'a@x.io']]");
    expect(e.statement).toContain("INSERT INTO accounts");
    expect(e.params).toEqual([2, "a@x.io"]);
    expect(e.orig).toBeInstanceOf(Error);
    expect(e.cause).toBe(e.orig);
    expect(e.code).toBe("ATH-DBAPI-INTEGRITY");
    expect(e.driverCode).toBeTruthy();
    expect(e.connectionInvalidated).toBe(false);
    await conn.rollback();
  });

  test("NOT NULL violations are IntegrityError too", async () => {
    await fresh();
    await using conn = await ctx.engine.connect();
    await expect(
      conn.execute(text("INSERT INTO accounts (id, email) VALUES (1, :e)"), { e: null }),
    ).rejects.toBeInstanceOf(IntegrityError);
  });

  test("a missing table is ProgrammingError", async () => {
    await using conn = await ctx.engine.connect();
    const err = await conn.execute(text("SELECT * FROM no_such_table")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProgrammingError);
    expect((err as Error).message).toMatch(/^\(ProgrammingError\) .*no_such_table/s);
    expect((err as ProgrammingError).statement).toBe("SELECT * FROM no_such_table");
  });

  test("a syntax error is ProgrammingError", async () => {
    await using conn = await ctx.engine.connect();
    await expect(conn.execute(text("SELEC 1"))).rejects.toBeInstanceOf(ProgrammingError);
  });

  test("bad data is DataError", async () => {
    await fresh();
    await using conn = await ctx.engine.connect();
    // Too long for VARCHAR(20) on PostgreSQL/MySQL (strict mode); text in an INTEGER column of a STRICT SQLite table.
    const stmt =
      ctx.target.dialect === "sqlite"
        ? text("INSERT INTO accounts (id, email, n) VALUES (1, 'a', :n)")
        : text("INSERT INTO accounts (id, email) VALUES (1, :n)");
    const value = ctx.target.dialect === "sqlite" ? "not a number" : "x".repeat(50);
    const err = await conn.execute(stmt, { n: value }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toMatch(/^\(DataError\) /);
  });

  test("long parameter lists are truncated in messages", async () => {
    await fresh();
    await using conn = await ctx.engine.connect();
    const sets = Array.from({ length: 30 }, (_, i) => ({
      id: i + 1,
      email: i === 29 ? "dup" : i === 28 ? "dup" : `e${i}`,
    }));
    const err = (await conn
      .execute(text("INSERT INTO accounts (id, email) VALUES (:id, :email)"), sets)
      .catch((e: unknown) => e)) as IntegrityError;
    expect(err).toBeInstanceOf(IntegrityError);
    expect(err.message).toContain("displaying 10 of 30 total bound parameter sets");
    const long = "y".repeat(1000);
    const err2 = (await conn
      .execute(text("SELECT * FROM nowhere WHERE a = :a"), { a: long })
      .catch((e: unknown) => e)) as Error;
    expect(err2.message).toContain("characters truncated");
    expect(err2.message.length).toBeLessThan(900);
  });

  test("a missing bound parameter is UnboundParameterError before anything is sent", async () => {
    await using conn = await ctx.engine.connect();
    await expect(conn.execute(text("SELECT :a AS a, :b AS b"), { a: 1 })).rejects.toBeInstanceOf(
      UnboundParameterError,
    );
  });
});

describeEachDialect(
  "errors: connecting",
  (ctx) => {
    test("a failed connection names the URL with the password masked", async () => {
      const url = new URL(ctx.target.url);
      url.username = ctx.target.dialect === "postgresql" ? "athanor_no_such_role" : url.username || "root";
      url.password = "s3cr3t-pw";
      const engine = createEngine(url.toString(), { poolTimeout: 5 });
      try {
        const err = await engine.connect().catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OperationalError);
        const msg = (err as Error).message;
        expect(msg).toMatch(/^\(OperationalError\) /);
        expect(msg).toContain(":***@");
        expect(msg).not.toContain("s3cr3t-pw");
        expect(String(err)).not.toContain("s3cr3t-pw");
        expect(String(engine)).not.toContain("s3cr3t-pw");
        expect(engine.pool.status().checkedOut).toBe(0);
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["postgresql", "mysql"] },
);

test("a missing driver package gives MissingDriverError naming npm install", async () => {
  const err = await loadDriverPackage("postgresql", "athanor-no-such-driver-pkg").catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MissingDriverError);
  expect((err as MissingDriverError).message).toContain("npm install athanor-no-such-driver-pkg");
  expect((err as MissingDriverError).code).toBe("ATH-DRIVER");
  expect((err as MissingDriverError).packageName).toBe("athanor-no-such-driver-pkg");
  // Installed packages load.
  const pg = await loadDriverPackage("postgresql", "pg");
  expect(typeof (pg.default ?? pg).Client).toBe("function");
});
