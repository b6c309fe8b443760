/**
 * Classic injection strings fed into every value-taking API are stored and returned
 * literally, on every database: values are always bound, names always quoted.
 */
import { beforeAll, expect, test } from "vitest";
import {
  bindparam,
  case_,
  deleteFrom,
  Column,
  func,
  identifier,
  insert,
  Integer,
  literal,
  MetaData,
  select,
  sql,
  Table,
  Text,
  text,
  tuple_,
  update,
  type Connection,
} from "../../src/index.js";
import { insert as mysqlInsert } from "../../src/dialects/mysql/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../src/dialects/sqlite/index.js";
import { describeEachDialect } from "../support/dialects.js";

const PAYLOADS = [
  "'; DROP TABLE notes; --",
  "' OR '1'='1",
  '" OR "1"="1',
  "\\'; DROP TABLE notes; --",
  "Robert'); DROP TABLE notes;--",
  "1; DELETE FROM notes",
  "`; DROP TABLE notes; --`",
  "%' --",
  "$1 $2 ? :name ::text",
  "/* comment */ --",
  "\\",
  "\\\\'",
  "'||(SELECT 1)||'",
  "x\u2028y ünïcødé 🐍",
];

const meta = new MetaData();
const notes = new Table("notes", meta, {
  id: Column(Integer, { primaryKey: true, autoincrement: false }),
  body: Column(Text, { nullable: false }),
});

describeEachDialect("injection strings are data", (ctx) => {
  beforeAll(async () => {
    await meta.dropAll(ctx.engine);
    await meta.createAll(ctx.engine);
  });
  async function fresh(fn: (c: Connection) => Promise<void>): Promise<void> {
    const c = await ctx.engine.connect();
    try {
      await c.begin();
      await c.execute(deleteFrom(notes));
      await fn(c);
    } finally {
      await c.rollback();
      await c.close();
    }
  }
  const bodies = async (c: Connection) =>
    (await c.execute(select(notes.c.body).orderBy(notes.c.id))).scalars().all();

  test("insert values, multi-row values and executemany", async () => {
    await fresh(async (c) => {
      await c.execute(insert(notes).values({ id: 0, body: PAYLOADS[0]! }));
      await c.execute(insert(notes).values(PAYLOADS.slice(1, 5).map((body, i) => ({ id: i + 1, body }))));
      await c.execute(
        insert(notes),
        PAYLOADS.slice(5).map((body, i) => ({ id: i + 5, body })),
      );
      expect(await bodies(c)).toEqual(PAYLOADS);
    });
  });
  test("WHERE comparisons, IN, tuples, LIKE family, BETWEEN find the row literally", async () => {
    await fresh(async (c) => {
      await c.execute(
        insert(notes),
        PAYLOADS.map((body, id) => ({ id, body })),
      );
      for (const [id, p] of PAYLOADS.entries()) {
        const q = async (w: Parameters<ReturnType<typeof select>["where"]>[0]) =>
          (await c.execute(select(notes.c.id).where(w))).scalars().all();
        expect(await q(notes.c.body.eq(p))).toEqual([id]);
        expect(await q(notes.c.body.in([p, "nothing"]))).toEqual([id]);
        expect(await q(tuple_(notes.c.id, notes.c.body).in([[id, p]]))).toEqual([id]);
        expect(await q(notes.c.body.contains(p))).toContain(id);
        expect(await q(notes.c.body.startsWith(p))).toContain(id);
        expect(await q(notes.c.body.endsWith(p))).toContain(id);
        expect(await q(notes.c.body.between(p, p))).toEqual([id]);
        expect(await q(notes.c.body.eq(bindparam("b", Text, p)))).toEqual([id]);
      }
    });
  });
  test("update values, literal(), func arguments, CASE results, labels and identifiers", async () => {
    await fresh(async (c) => {
      await c.execute(
        insert(notes),
        PAYLOADS.map((_, id) => ({ id, body: "x" })),
      );
      for (const [id, p] of PAYLOADS.entries()) {
        await c.execute(update(notes).values({ body: p }).where(notes.c.id.eq(id)));
      }
      expect(await bodies(c)).toEqual(PAYLOADS);
      for (const p of PAYLOADS) {
        // MySQL identifiers can't hold characters outside the BMP or end in a space.
        const label = /^[\x21-\x7e][\x20-\x7e]*$/.test(p) ? p.slice(0, 30).trimEnd() : "plain";
        const row = (
          await c.execute(
            select(
              literal(p).label("lit"),
              func.lower(literal(p)).label("low"),
              case_([[notes.c.id.ge(0), p]], { else: "no" }).label("cs"),
              func.coalesce(literal(null as string | null, Text), p).label("co"),
              notes.c.id.label(label),
            ).where(notes.c.id.eq(0)),
          )
        ).one();
        expect(row).toEqual({ lit: p, low: p.toLowerCase(), cs: p, co: p, [label]: 0 });
      }
      // An identifier is quoted, never executed.
      const evil = 'notes"; DROP TABLE notes; --';
      await expect(c.execute(sql`SELECT * FROM ${identifier(evil)}`)).rejects.toThrow();
    });
  });
  test("text() parameters, sql`` values and upsert SET values", async () => {
    await fresh(async (c) => {
      for (const [id, p] of PAYLOADS.entries()) {
        await c.execute(text("INSERT INTO notes (id, body) VALUES (:id, :body)"), { id, body: p });
      }
      expect(await bodies(c)).toEqual(PAYLOADS);
      for (const [id, p] of PAYLOADS.entries()) {
        const viaSql = (await c.execute(sql`SELECT id FROM notes WHERE body = ${p}`)).all();
        expect(viaSql.map((r) => Number(r.id))).toEqual([id]);
        const viaText = (
          await c.execute(text("SELECT id FROM notes WHERE body = :b").bindparams({ b: p }))
        ).all();
        expect(viaText.map((r) => Number(r.id))).toEqual([id]);
      }
      const d = ctx.target.dialect;
      for (const [id, p] of PAYLOADS.entries()) {
        const row = { id, body: "old" };
        if (d === "mysql") await c.execute(mysqlInsert(notes).values(row).onDuplicateKeyUpdate({ body: p }));
        else
          await c.execute(
            (d === "postgresql" ? pgInsert : sqliteInsert)(notes)
              .values(row)
              .onConflictDoUpdate({ indexElements: ["id"], set: { body: p } }),
          );
      }
      expect(await bodies(c)).toEqual(PAYLOADS);
    });
  });
  test("the table is still there with nothing dropped or deleted", async () => {
    const c = await ctx.engine.connect();
    try {
      expect((await c.execute(select(func.count()).selectFrom(notes))).scalar()).toBe(0);
    } finally {
      await c.close();
    }
  });
});
