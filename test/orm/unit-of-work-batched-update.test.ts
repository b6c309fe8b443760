/**
 * Batched UPDATEs: where an executemany costs a round trip per row (PostgreSQL, MySQL), a large
 * group of objects with the same changed columns goes out as pages of one
 * `UPDATE … SET col = CASE pk WHEN … END WHERE pk IN (…)`; SQLite keeps its executemany.
 * Values, onupdate defaults and the stale-row check stay as with one UPDATE per row.
 */
import { beforeAll, describe, expect, test } from "vitest";
import { Boolean as Bool, DateTime, delete_, Integer, JSON, select, String as Str } from "../../src/index.js";
import {
  declarativeBase,
  mappedColumn,
  sessionmaker,
  StaleDataError,
  type SessionMaker,
} from "../../src/orm/index.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

let touches = 0;
class Item extends Base.model("bu_items", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(Str(50)),
  qty: mappedColumn(Integer, { default: 0 }),
  flag: mappedColumn(Bool, { default: false }),
  data: mappedColumn(JSON<{ n: number }>(), { nullable: true }),
  seenAt: mappedColumn(DateTime, { name: "seen_at", nullable: true }),
  touches: mappedColumn(Integer, { default: 0, onupdate: () => ++touches }),
}) {}

class Versioned extends Base.model(
  "bu_versioned",
  {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    name: mappedColumn(Str(50)),
    version: mappedColumn(Integer),
  },
  { versionIdCol: "version" },
) {}

ormSuite("batched UPDATE", Base.metadata, (ctx) => {
  let S: SessionMaker;
  let perRowExecutemany: boolean;
  beforeAll(() => {
    S = sessionmaker({ bind: ctx.engine });
    perRowExecutemany = ctx.engine.dialect.name !== "sqlite";
  });

  /** Inserts `n` items with ids `first`, `first + 1`, …; flags alternate from true, data `{ n: -1 }`, seenAt the epoch. */
  async function seed(first: number, n: number): Promise<void> {
    await using s = S();
    s.addAll(
      Array.from(
        { length: n },
        (_, k) =>
          new Item({
            id: first + k,
            name: `i${first + k}`,
            flag: k % 2 !== 0,
            data: { n: -1 },
            seenAt: new Date(0),
          }),
      ),
    );
    await s.commit();
  }

  describe("statements", () => {
    test("1 200 objects with one changed column flush as 3 UPDATEs (PostgreSQL, MySQL) with the right values", async () => {
      await seed(1, 1200);
      await using s = S();
      const items = (await s.scalars(select(Item).where(Item.id.between(1, 1200)).orderBy(Item.id))).all();
      expect(items).toHaveLength(1200);
      items.forEach((it) => (it.qty = it.id * 2));
      const { statements } = await ctx.log.during(() => s.flush());
      if (perRowExecutemany) {
        expect(statements).toHaveLength(3);
        for (const st of statements) expect(st).toMatch(/^UPDATE bu_items SET qty = CASE bu_items.id WHEN /);
      } else {
        expect(statements).toHaveLength(1); // SQLite: one executemany, logged once
        expect(statements[0]).toMatch(/^UPDATE bu_items SET qty = \S+, touches = \S+ WHERE bu_items.id = /);
      }
      // The client onupdate ran once per object and went out with the CASE.
      const touchesById = new Map(items.map((it) => [it.id, it.touches]));
      expect(new Set(touchesById.values()).size).toBe(1200);
      await s.commit();
      await using other = S();
      const rows = (
        await other.execute(
          select(Item.id, Item.c.qty, Item.c.touches, Item.c.name).where(Item.id.between(1, 1200)),
        )
      ).all();
      expect(rows).toHaveLength(1200);
      for (const r of rows) {
        expect(r.qty).toBe(r.id * 2);
        expect(r.touches).toBe(touchesById.get(r.id));
        expect(r.name).toBe(`i${r.id}`); // untouched column unchanged
      }
    });

    test("small groups keep the per-row statement", async () => {
      await seed(2001, 5);
      await using s = S();
      const items = (await s.scalars(select(Item).where(Item.id.between(2001, 2005)))).all();
      items.forEach((it) => (it.name = it.name.toUpperCase()));
      const { statements } = await ctx.log.during(() => s.flush());
      expect(statements).toHaveLength(1);
      expect(statements[0]).not.toContain("CASE");
      await s.commit();
    });

    test("a versioned mapper keeps its per-row statement with the version check", async () => {
      await using s = S();
      s.addAll(Array.from({ length: 50 }, (_, i) => new Versioned({ id: i + 1, name: `v${i}` })));
      await s.commit();
      const vs = (await s.scalars(select(Versioned))).all();
      vs.forEach((v) => (v.name += "!"));
      const { statements } = await ctx.log.during(() => s.flush());
      expect(statements).toHaveLength(1);
      expect(statements[0]).not.toContain("CASE");
      expect(statements[0]).toContain("bu_versioned.version = ");
      expect(vs.every((v) => v.version === 2)).toBe(true);
      await s.commit();
    });
  });

  describe("values", () => {
    test("booleans, JSON, dates, strings and NULLs round-trip through the CASE", async () => {
      // Every object changes all four columns (seed() makes each new value differ), so one group.
      await seed(3001, 40);
      const when = new Date(Date.UTC(2024, 4, 6, 7, 8, 9));
      await using s = S();
      const items = (await s.scalars(select(Item).where(Item.id.between(3001, 3040)).orderBy(Item.id))).all();
      items.forEach((it, k) => {
        it.flag = k % 2 === 0;
        it.data = k % 3 === 0 ? null : { n: k };
        it.seenAt = k % 4 === 0 ? null : new Date(when.getTime() + k * 1000);
        it.name = k % 5 === 0 ? 'it\'s "quoted"' : `n${k}`;
      });
      const { statements } = await ctx.log.during(() => s.flush());
      expect(statements).toHaveLength(1);
      expect(statements[0]!.includes("CASE")).toBe(perRowExecutemany);
      await s.commit();
      await using other = S();
      const back = (
        await other.scalars(select(Item).where(Item.id.between(3001, 3040)).orderBy(Item.id))
      ).all();
      expect(back).toHaveLength(40);
      back.forEach((it, k) => {
        expect(it.flag).toBe(k % 2 === 0);
        expect(it.data).toEqual(k % 3 === 0 ? null : { n: k });
        expect(it.seenAt === null ? null : it.seenAt.getTime()).toBe(
          k % 4 === 0 ? null : when.getTime() + k * 1000,
        );
        expect(it.name).toBe(k % 5 === 0 ? 'it\'s "quoted"' : `n${k}`);
      });
    });
  });

  describe("stale rows", () => {
    test("a row deleted by another transaction raises StaleDataError", async () => {
      await seed(4001, 30);
      await using s = sessionmaker({ bind: ctx.engine, expireOnCommit: false })();
      const items = (await s.scalars(select(Item).where(Item.id.between(4001, 4030)))).all();
      await s.commit(); // the objects keep their loaded state; the rows are free to change
      await ctx.engine.begin((conn) =>
        conn.execute(delete_(Item.__table__).where(Item.__table__.c.id.eq(4017))),
      );
      items.forEach((it) => (it.qty = 7));
      await expect(s.flush()).rejects.toThrow(
        new StaleDataError(
          "UPDATE statement on table 'bu_items' expected to update 30 row(s); 29 were matched. The row was deleted, or its key changed, by another transaction since it was loaded.",
        ),
      );
      await s.rollback();
    });
  });
});
