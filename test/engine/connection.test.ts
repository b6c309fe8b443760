import { afterEach, expect, test } from "vitest";
import { InvalidRequestError, ResourceClosedError, text, type Connection } from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

describeEachDialect("connection", (ctx) => {
  const open: Connection[] = [];
  async function connect(): Promise<Connection> {
    const c = await ctx.engine.connect();
    open.push(c);
    return c;
  }
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text("DROP TABLE IF EXISTS items"));
      await conn.execute(
        text("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, qty INTEGER)"),
      );
    });
  });

  async function count(conn: Connection): Promise<number> {
    return Number((await conn.execute(text("SELECT count(*) AS n FROM items"))).scalar());
  }

  test("execute text() with named parameters", async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text("DROP TABLE IF EXISTS items"));
      await conn.execute(
        text("CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL, qty INTEGER)"),
      );
    });
    const conn = await connect();
    await conn.execute(text("INSERT INTO items (id, name, qty) VALUES (:id, :name, :qty)"), {
      id: 1,
      name: "bolt",
      qty: 10,
    });
    // The same name twice, an escaped colon, and a '?' in a literal that is not a parameter.
    const r = await conn.execute(text("SELECT name, '\\:x?' AS lit FROM items WHERE qty = :q OR id = :q"), {
      q: 10,
    });
    expect(r.all()).toEqual([{ name: "bolt", lit: ":x?" }]);
    expect(conn.dialect).toBe(ctx.engine.dialect);
    expect(await conn.hasTable("items")).toBe(true);
    expect(await conn.hasTable("no_such_items")).toBe(false);
  });

  test("autobegin: the first statement begins a transaction that commit() ends", async () => {
    const conn = await connect();
    expect(conn.inTransaction()).toBe(false);
    await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'a')"));
    expect(conn.inTransaction()).toBe(true);
    await conn.commit();
    expect(conn.inTransaction()).toBe(false);
    await conn.execute(text("INSERT INTO items (id, name) VALUES (2, 'b')"));
    await conn.rollback();
    expect(await count(conn)).toBe(1);
    await conn.rollback();
  });

  test("begin() after autobegin is an error; explicit begin() works when idle", async () => {
    const conn = await connect();
    await conn.execute(text("SELECT 1"));
    await expect(conn.begin()).rejects.toThrow(InvalidRequestError);
    await conn.rollback();
    const tx = await conn.begin();
    expect(tx.isActive).toBe(true);
    expect(conn.getTransaction()).toBe(tx);
    await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'a')"));
    await tx.commit();
    expect(tx.isActive).toBe(false);
    await expect(tx.commit()).rejects.toThrow(/inactive/);
    await tx.rollback(); // no-op
    expect(await count(conn)).toBe(1);
  });

  test("close() rolls back uncommitted work", async () => {
    const conn = await ctx.engine.connect();
    await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'a')"));
    await conn.close();
    await conn.close(); // idempotent
    const again = await connect();
    expect(await count(again)).toBe(0);
  });

  test("engine.begin commits on success and rolls back on throw", async () => {
    const out = await ctx.engine.begin(async (conn) => {
      await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'a')"));
      return "done";
    });
    expect(out).toBe("done");
    await expect(
      ctx.engine.begin(async (conn) => {
        await conn.execute(text("INSERT INTO items (id, name) VALUES (2, 'b')"));
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const conn = await connect();
    expect(await count(conn)).toBe(1);
    expect(ctx.engine.pool.status().checkedOut).toBe(1);
  });

  test("a failed statement leaves the transaction to the caller", async () => {
    const conn = await connect();
    await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'a')"));
    await expect(conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'dup')"))).rejects.toThrow();
    expect(conn.inTransaction()).toBe(true);
    await conn.rollback();
    expect(await count(conn)).toBe(0);
  });

  test("savepoints: rolling back a nested transaction keeps the outer work", async () => {
    const conn = await connect();
    await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'outer')"));
    const sp = await conn.beginNested();
    expect(conn.inNestedTransaction()).toBe(true);
    await conn.execute(text("INSERT INTO items (id, name) VALUES (2, 'inner')"));
    await sp.rollback();
    expect(sp.isActive).toBe(false);
    const sp2 = await conn.beginNested();
    await conn.execute(text("INSERT INTO items (id, name) VALUES (3, 'kept')"));
    await sp2.commit();
    await conn.commit();
    const ids = (await conn.execute(text("SELECT id FROM items ORDER BY id"))).scalars().all();
    expect(ids.map(Number)).toEqual([1, 3]);
  });

  test("beginNested autobegins, and nested savepoints end with their parent", async () => {
    const conn = await connect();
    const outer = await conn.beginNested();
    expect(conn.inTransaction()).toBe(true);
    await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'a')"));
    const inner = await conn.beginNested();
    await conn.execute(text("INSERT INTO items (id, name) VALUES (2, 'b')"));
    await outer.rollback();
    expect(inner.isActive).toBe(false);
    expect(await count(conn)).toBe(0);
    await conn.commit();
  });

  test("a recovered savepoint after an error lets the transaction continue", async () => {
    const conn = await connect();
    await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'a')"));
    const sp = await conn.beginNested();
    await expect(conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'dup')"))).rejects.toThrow();
    await sp.rollback();
    await conn.execute(text("INSERT INTO items (id, name) VALUES (2, 'b')"));
    await conn.commit();
    expect(await count(conn)).toBe(2);
  });

  test("await using closes the connection; a closed connection raises ResourceClosedError", async () => {
    let kept: Connection;
    {
      await using conn = await ctx.engine.connect();
      kept = conn;
      await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'a')"));
    }
    expect(kept.isClosed).toBe(true);
    await expect(kept.execute(text("SELECT 1"))).rejects.toThrow(ResourceClosedError);
    await expect(kept.commit()).rejects.toThrow(ResourceClosedError);
    await expect(kept.execute(text("SELECT 1"))).rejects.toThrow(/This Connection is closed/);
    const conn = await connect();
    expect(await count(conn)).toBe(0);
    await conn.rollback();
    {
      await using tx = await conn.begin();
      await conn.execute(text("INSERT INTO items (id, name) VALUES (1, 'a')"));
      expect(tx.isActive).toBe(true);
    }
    expect(conn.inTransaction()).toBe(false);
    expect(await count(conn)).toBe(0);
  });

  test("execute() wants a statement object, not a string", async () => {
    const conn = await connect();
    await expect(conn.execute("SELECT 1" as never)).rejects.toThrow(/Wrap textual SQL in text\(\)/);
  });

  test("execDriverSql runs driver-style SQL", async () => {
    const conn = await connect();
    const ph = ctx.target.dialect === "postgresql" ? "$1" : "?";
    const r = await conn.execDriverSql(`SELECT ${ph} AS v`, ["x"]);
    expect(r.all()).toEqual([{ v: "x" }]);
  });
});

describeEachDialect(
  "connection: visibility between connections",
  (ctx) => {
    test("uncommitted work is invisible to a second connection until commit", async () => {
      await ctx.engine.begin(async (conn) => {
        await conn.execute(text("DROP TABLE IF EXISTS seen"));
        await conn.execute(text("CREATE TABLE seen (id INTEGER PRIMARY KEY)"));
      });
      const a = await ctx.engine.connect();
      const b = await ctx.engine.connect();
      try {
        await a.execute(text("INSERT INTO seen (id) VALUES (1)"));
        expect(Number((await b.execute(text("SELECT count(*) FROM seen"))).scalar())).toBe(0);
        // End b's read transaction (SQLite's reader lock would block a's commit).
        await b.rollback();
        await a.commit();
        expect(Number((await b.execute(text("SELECT count(*) FROM seen"))).scalar())).toBe(1);
        await b.rollback();
        await a.execute(text("INSERT INTO seen (id) VALUES (2)"));
        await a.rollback();
        expect(Number((await b.execute(text("SELECT count(*) FROM seen"))).scalar())).toBe(1);
      } finally {
        await a.close();
        await b.close();
      }
    });
  },
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);
