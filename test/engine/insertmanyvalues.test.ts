/**
 * insertmanyvalues: an executemany of insert(t) goes out as multi-row INSERT pages, with the same
 * rows, defaults, rowcount and RETURNING order as one INSERT per parameter set.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  bindparam,
  Column,
  createEngine,
  insert,
  type ClauseElement,
  type Connection,
  type Dialect,
  type EngineEventMap,
  type ExecutionOptions,
  Integer,
  MetaData,
  select,
  String,
  Table,
  text,
  type Engine,
} from "../../src/index.js";
import { insert as mysqlInsert } from "../../src/dialects/mysql/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../src/dialects/sqlite/index.js";
import { expandManyValues } from "../../src/engine/insertmanyvalues.js";
import { describeEachDialect } from "../support/dialects.js";

let counter = 0;
const metadata = new MetaData();
const items = new Table("imv_items", metadata, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(40), { nullable: false }),
  qty: Column(Integer, { default: 7 }),
  seq: Column(Integer, { default: () => ++counter }),
  note: Column(String(20), { nullable: true }),
});
const wide = new Table("imv_wide", metadata, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  ...Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`c${i}`, Column(Integer)])),
});

/** Records each INSERT the driver receives on `engine` (SQL and value count) until `stop()`. */
function recording(engine: Engine): { sent: { sql: string; n: number }[]; stop(): void } {
  const sent: { sql: string; n: number }[] = [];
  const listener: EngineEventMap["beforeCursorExecute"] = (_c, _cur, statement, parameters, _ctx, many) => {
    if (/^INSERT/.test(statement))
      sent.push({ sql: statement, n: many ? (parameters as unknown[]).length : 1 });
  };
  engine.on("beforeCursorExecute", listener);
  return { sent, stop: () => engine.removeListener("beforeCursorExecute", listener) };
}

/** Runs `fn` in a committed transaction on a connection with these execution options. */
async function inTx<T>(
  engine: Engine,
  fn: (conn: Connection) => Promise<T>,
  options: ExecutionOptions = {},
): Promise<T> {
  const conn = await engine.connect();
  try {
    conn.executionOptions(options);
    const out = await fn(conn);
    await conn.commit();
    return out;
  } finally {
    await conn.close();
  }
}

describeEachDialect("insertmanyvalues", (ctx) => {
  let rec: ReturnType<typeof recording>;
  beforeAll(async () => {
    await metadata.dropAll(ctx.engine);
    await metadata.createAll(ctx.engine);
  });
  beforeEach(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text("DELETE FROM imv_items"));
      await conn.execute(text("DELETE FROM imv_wide"));
    });
    rec = recording(ctx.engine);
  });
  afterEach(() => rec.stop());
  afterAll(async () => {
    await metadata.dropAll(ctx.engine);
  });

  const rows = (n: number, from = 1) =>
    Array.from({ length: n }, (_, i) => ({ id: from + i, name: `n${from + i}` }));
  const readBack = async () =>
    (
      await inTx(ctx.engine, (c) =>
        c.execute(
          select(items.c.id, items.c.name, items.c.qty, items.c.seq, items.c.note).orderBy(items.c.id),
        ),
      )
    ).all();
  const rowsIn = (sql: string) => (sql.match(/\), \(/g) ?? []).length + 1;

  test("2 500 parameter sets: three pages, every row and per-row default written, rowcount the total", async () => {
    const before = counter;
    const r = await inTx(ctx.engine, (conn) => conn.execute(insert(items), rows(2500)));
    expect(r.rowcount).toBe(2500);
    expect(rec.sent.map((s) => rowsIn(s.sql))).toEqual([1000, 1000, 500]);
    const got = await readBack();
    expect(got).toHaveLength(2500);
    expect(got[0]).toEqual({ id: 1, name: "n1", qty: 7, seq: before + 1, note: null });
    // The default function ran once per row, in parameter order.
    expect(got.map((g) => g.seq)).toEqual(Array.from({ length: 2500 }, (_, i) => before + 1 + i));
    expect(got.every((g, i) => g.id === i + 1 && g.name === `n${i + 1}` && g.qty === 7)).toBe(true);
  });

  test("the same rows as one INSERT per parameter set (page size 1)", async () => {
    const params = rows(5).map((p, i) => ({ ...p, note: i % 2 ? null : `x${i}`, qty: i }));
    const r = await inTx(ctx.engine, (conn) => conn.execute(insert(items), params), {
      insertmanyvaluesPageSize: 1,
    });
    expect(r.rowcount).toBe(5);
    expect(rec.sent).toEqual([{ sql: expect.stringMatching(/^INSERT/), n: 5 }]); // the driver's executemany
    const byOne = (await readBack()).map(({ seq: _s, ...rest }) => rest);
    await inTx(ctx.engine, (conn) => conn.execute(text("DELETE FROM imv_items")));
    await inTx(ctx.engine, (conn) => conn.execute(insert(items), params));
    expect(rec.sent.slice(1).map((s) => [rowsIn(s.sql), s.n])).toEqual([[5, 1]]);
    const batched = (await readBack()).map(({ seq: _s, ...rest }) => rest);
    expect(batched).toEqual(byOne);
    expect(batched[1]).toEqual({ id: 2, name: "n2", qty: 1, note: null });
  });

  test("pages stay under the database's parameter limit", async () => {
    const perPage = Math.floor(ctx.engine.dialect.capabilities.maxBindParameters / 10);
    const params = Array.from({ length: perPage + 3 }, (_, i) => ({
      id: i + 1,
      ...Object.fromEntries(Array.from({ length: 9 }, (_, j) => [`c${j}`, i * 10 + j])),
    }));
    const r = await inTx(ctx.engine, (conn) => conn.execute(insert(wide), params), {
      insertmanyvaluesPageSize: 100_000,
    });
    expect(r.rowcount).toBe(params.length);
    expect(rec.sent.map((s) => rowsIn(s.sql))).toEqual([perPage, 3]);
    const sum = await inTx(ctx.engine, (c) => c.scalar(text("SELECT SUM(c8) FROM imv_wide")));
    expect(Number(sum)).toBe(params.reduce((a, p) => a + (p as Record<string, number>).c8!, 0));
  });

  /** MySQL has no INSERT … RETURNING (MariaDB 10.5+ has): there the statement is refused. */
  const refusedWithoutReturning = async () => {
    if (ctx.engine.dialect.capabilities.supportsInsertReturning) return false;
    await expect(
      inTx(ctx.engine, (conn) => conn.execute(insert(items).returning(items.c.id), rows(2))),
    ).rejects.toThrow(/RETURNING/);
    return true;
  };

  test("RETURNING the generated key: rows in parameter order across pages", async () => {
    if (await refusedWithoutReturning()) return;
    const params = Array.from({ length: 10 }, (_, i) => ({ name: `r${9 - i}` }));
    const r = await inTx(
      ctx.engine,
      (conn) => conn.execute(insert(items).returning(items.c.name, items.c.id, items.c.seq), params),
      { insertmanyvaluesPageSize: 4 },
    );
    const got = r.all();
    expect(rec.sent.map((s) => rowsIn(s.sql))).toEqual([4, 4, 2]);
    expect(got.map((g) => g.name)).toEqual(params.map((p) => p.name));
    const ids = got.map((g) => g.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(10);
    const seqs = got.map((g) => g.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  test("RETURNING with keys given: one INSERT per parameter set, rows in parameter order", async () => {
    if (await refusedWithoutReturning()) return;
    const params = [30, 10, 20].map((id) => ({ id, name: `k${id}` }));
    const r = await inTx(ctx.engine, (conn) => conn.execute(insert(items).returning(items.c.id), params));
    expect(r.scalars().all()).toEqual([30, 10, 20]);
    expect(rec.sent).toEqual([{ sql: expect.stringMatching(/^INSERT/), n: 3 }]);
  });

  test("lastInsertId: the last row's where the driver tells it, else null", async () => {
    const r = await inTx(ctx.engine, (conn) => conn.execute(insert(items), rows(3, 50)));
    expect(rec.sent).toHaveLength(1);
    if (ctx.engine.dialect.capabilities.lastrowidIsLastOfMany) expect(Number(r.lastInsertId)).toBe(52);
    else expect(r.lastInsertId).toBeNull();
    expect(() => r.insertedPrimaryKey).toThrow(/single-row INSERT/);
  });

  const upsert = (set: (excluded: any) => Record<string, unknown>) => {
    if (ctx.target.dialect === "mysql") {
      const stmt = mysqlInsert(items);
      return stmt.onDuplicateKeyUpdate(set(stmt.inserted));
    }
    const stmt = (ctx.target.dialect === "postgresql" ? pgInsert : sqliteInsert)(items);
    return stmt.onConflictDoUpdate({ indexElements: ["id"], set: set(stmt.excluded) });
  };

  test("upsert executemany: a repeated key updates the row as one statement per set would", async () => {
    const params = [
      { id: 1, name: "first" },
      { id: 2, name: "other" },
      { id: 1, name: "second" },
    ];
    await inTx(ctx.engine, (conn) =>
      conn.execute(
        upsert((ex) => ({ name: ex.name })),
        params,
      ),
    );
    expect((await readBack()).map((g) => [g.id, g.name])).toEqual([
      [1, "second"],
      [2, "other"],
    ]);
    // PostgreSQL refuses one statement touching a row twice: there it goes row by row.
    expect(rec.sent[0]!.n).toBe(ctx.target.dialect === "postgresql" ? 3 : 1);
  });

  test("a parameter outside VALUES with one value for all rows: batched", async () => {
    await inTx(ctx.engine, (conn) => conn.execute(insert(items), rows(2)));
    const params = [...rows(2), { id: 3, name: "new" }];
    await inTx(ctx.engine, (conn) =>
      conn.execute(
        upsert(() => ({ note: "dup" })),
        params,
      ),
    );
    expect((await readBack()).map((g) => g.note)).toEqual(["dup", "dup", null]);
    expect(rec.sent[rec.sent.length - 1]!.n).toBe(ctx.target.dialect === "postgresql" ? 3 : 1);
  });

  test("a parameter outside VALUES given per set: one statement per set", async () => {
    await inTx(ctx.engine, (conn) => conn.execute(insert(items), rows(2)));
    const params = [
      { id: 1, name: "x", note: "one" },
      { id: 2, name: "y", note: "two" },
    ];
    await inTx(ctx.engine, (conn) =>
      conn.execute(
        upsert(() => ({ note: bindparam("note", String(20)) })),
        params,
      ),
    );
    expect((await readBack()).map((g) => g.note)).toEqual(["one", "two"]);
    expect(rec.sent[rec.sent.length - 1]!.n).toBe(2);
  });

  test("echo logs each page with its place", async () => {
    const lines: string[] = [];
    // Its own engine (on sqlite-memory, its own database): only the echo setting differs.
    const engine = createEngine(ctx.target.url, { echo: true, logger: { info: (m) => lines.push(m) } });
    try {
      await metadata.createAll(engine);
      await inTx(engine, (conn) => conn.execute(insert(items), rows(3, 100)), {
        insertmanyvaluesPageSize: 2,
      });
      expect(lines.filter((l) => l.includes("[insertmanyvalues 1/2]"))).toHaveLength(1);
      expect(lines.filter((l) => l.includes("[insertmanyvalues 2/2]"))).toHaveLength(1);
    } finally {
      await engine.dispose();
    }
  });
});

describe("the multi-row SQL", () => {
  const template = (d: Dialect, stmt: ClauseElement, keys: string[]) => {
    const t = d.compile(stmt, { paramKeys: keys }).manyValues;
    expect(t).toBeDefined();
    return t!;
  };
  test("placeholders are numbered through the rows and the clause after them", () => {
    const pg = createEngine("postgresql://u@h/db").dialect;
    expect(expandManyValues(template(pg, insert(items), ["id", "name"]), 2)).toBe(
      "INSERT INTO imv_items (id, name, qty, seq) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)",
    );
    const lite = createEngine("sqlite://").dialect;
    const up = sqliteInsert(items);
    const stmt = up.onConflictDoUpdate({ indexElements: ["id"], set: { note: "n" } });
    expect(expandManyValues(template(lite, stmt, ["id", "name"]), 3)).toBe(
      "INSERT INTO imv_items (id, name, qty, seq) VALUES (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?) " +
        "ON CONFLICT (id) DO UPDATE SET note = ?",
    );
  });
  test("only an executemany INSERT has a template; PostgreSQL's ON CONFLICT DO UPDATE has none", () => {
    const pg = createEngine("postgresql://u@h/db").dialect;
    expect(pg.compile(insert(items).values({ id: 1, name: "a" })).manyValues).toBeUndefined();
    expect(pg.compile(select(items.c.id)).manyValues).toBeUndefined();
    const up = pgInsert(items);
    const stmt = up.onConflictDoUpdate({ indexElements: ["id"], set: { name: up.excluded.name } });
    expect(pg.compile(stmt, { paramKeys: ["id", "name"] }).manyValues).toBeUndefined();
    expect(pg.compile(up.onConflictDoNothing(), { paramKeys: ["id", "name"] }).manyValues).toBeDefined();
  });
});
