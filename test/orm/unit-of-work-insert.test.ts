/**
 * INSERTs at flush: keys read back across pages (RETURNING, and on SQLite the pages numbered
 * from the last insert id after a first page read back), what can defeat that numbering (a
 * trigger writing to the table), and a failed flush undoing what it filled in.
 */
import { describe, expect, test } from "vitest";
import { Integer, IntegrityError, select, String as Str, text } from "../../src/index.js";
import { declarativeBase, FlushError, inspect, mappedColumn, Session } from "../../src/orm/index.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

class Item extends Base.model("uowi_items", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(40), { unique: true }),
  size: mappedColumn(Integer, { default: 1 }),
  note: mappedColumn(Str(40), { nullable: true }),
}) {}

/** The same table under another class, for rows a trigger writes (read back by name). */
class Logged extends Base.model("uowi_logged", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(40)),
}) {}

const names = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

ormSuite("unit of work: inserts", Base.metadata, (ctx) => {
  const sqlite = () => ctx.target.dialect === "sqlite";

  /** MariaDB whose InnoDB numbers the rows of one INSERT without gaps (lock mode 0 or 1). */
  async function consecutiveAutoincrement(): Promise<boolean> {
    if (ctx.target.dialect !== "mysql") return false;
    const conn = await ctx.engine.connect();
    try {
      return [0, 1].includes(Number(await conn.scalar(text("SELECT @@innodb_autoinc_lock_mode"))));
    } finally {
      await conn.close();
    }
  }

  /** Each object's key is its own row's: read back by key in another session. */
  async function expectOwnRows(items: readonly { id: number; name: string }[]): Promise<void> {
    await using other = new Session({ bind: ctx.engine });
    const rows = (
      await other.execute(select(Item.id, Item.c.name).where(Item.id.in(items.map((i) => i.id))))
    ).all();
    const byId = new Map(rows.map((r) => [r.id, r.name]));
    expect(items.every((i) => byId.get(i.id) === i.name)).toBe(true);
    expect(byId.size).toBe(items.length);
  }

  test("keys across pages are each object's own row", async () => {
    await using s = new Session({ bind: ctx.engine, insertPageSize: 300 });
    const items = names(1000, "pg").map((name) => new Item({ name }));
    s.addAll(items);
    const { statements } = await ctx.log.during(() => s.flush());
    const inserts = statements.filter((x) => x.startsWith("INSERT"));
    // 300 rows a page; on SQLite and MariaDB (InnoDB numbering one INSERT's rows consecutively)
    // the first page (100 rows) is read back with RETURNING, the following ones numbered from
    // the insert id.
    expect(inserts).toHaveLength(4);
    if (sqlite() || (await consecutiveAutoincrement())) {
      expect(inserts[0]).toMatch(/RETURNING/);
      expect(inserts.slice(1).some((x) => /RETURNING/.test(x))).toBe(false);
    }
    const ids = items.map((i) => i.id);
    expect(new Set(ids).size).toBe(1000);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(items.every((i) => i.size === 1)).toBe(true);
    const pairs = items.map((i) => ({ id: i.id, name: i.name }));
    await s.commit();
    await expectOwnRows(pairs);
  });

  test("pages of one row take the insert id as is", async () => {
    await using s = new Session({ bind: ctx.engine, insertPageSize: 1 });
    const items = names(5, "single").map((name) => new Item({ name }));
    s.addAll(items);
    await s.flush();
    const pairs = items.map((i) => ({ id: i.id, name: i.name }));
    await s.commit();
    await expectOwnRows(pairs);
  });

  test("a failed flush undoes the keys and defaults it filled in; fixed, the objects flush", async () => {
    await using s = new Session({ bind: ctx.engine, insertPageSize: 50 });
    s.add(new Item({ name: "taken" }));
    await s.commit();
    const items = names(120, "undo").map((name) => new Item({ name }));
    items[110]!.name = "taken"; // fails on the third page, after two were written
    s.addAll(items);
    await expect(s.flush()).rejects.toBeInstanceOf(IntegrityError);
    await s.rollback();
    expect(items.every((i) => i.id === null && i.size === null && inspect(i).transient)).toBe(true);
    expect(items[0]!.name).toBe("undo0");
    items[110]!.name = "undo110";
    s.addAll(items);
    await s.flush();
    const pairs = items.map((i) => ({ id: i.id, name: i.name }));
    await s.commit();
    await expectOwnRows(pairs);
  });

  test("objects given their keys, and objects whose keys the database makes, in one flush", async () => {
    await using s = new Session({ bind: ctx.engine, insertPageSize: 40 });
    const given = names(90, "given").map((name, i) => new Item({ id: 100_000 + i, name }));
    const made = names(90, "made").map((name) => new Item({ name, note: "n" }));
    s.addAll([...given, ...made]);
    await s.flush();
    expect(given.map((i) => i.id)).toEqual(given.map((_, i) => 100_000 + i));
    const pairs = [...given, ...made].map((i) => ({ id: i.id, name: i.name }));
    await s.commit();
    await expectOwnRows(pairs);
  });

  test("MariaDB: the lock mode is asked once per connection; with interleaved numbering every page is read back", async () => {
    if (!(await consecutiveAutoincrement())) return;
    await using s = new Session({ bind: ctx.engine, insertPageSize: 200 });
    const flush = async (prefix: string) => {
      const items = names(500, prefix).map((name) => new Item({ name }));
      s.addAll(items);
      const { statements } = await ctx.log.during(() => s.flush());
      return { items, statements };
    };
    // The question goes to the driver without beginning a transaction: count it there.
    const driver = (await s.connection())._record.driver as unknown as {
      catalogQuery(sql: string, params: unknown[]): Promise<unknown>;
    };
    const query = driver.catalogQuery.bind(driver);
    let asks = 0;
    driver.catalogQuery = (sql, params) => {
      if (/innodb_autoinc_lock_mode/.test(sql)) asks++;
      return query(sql, params);
    };
    const a = await flush("lm1");
    const b = await flush("lm2");
    expect(asks).toBeLessThanOrEqual(1); // none when this pooled connection was asked before
    // As on a server with innodb_autoinc_lock_mode = 2 (another session's rows may come between).
    const dialect = ctx.engine.dialect as { consecutiveInsertIds: (c: unknown) => Promise<boolean> };
    dialect.consecutiveInsertIds = () => Promise.resolve(false);
    let c: Awaited<ReturnType<typeof flush>>;
    try {
      c = await flush("lm3");
      const inserts = c.statements.filter((x) => x.startsWith("INSERT"));
      expect(inserts).toHaveLength(3);
      expect(inserts.every((x) => /RETURNING/.test(x))).toBe(true);
    } finally {
      delete (dialect as { consecutiveInsertIds?: unknown }).consecutiveInsertIds;
    }
    const pairs = [...a.items, ...b.items, ...c.items].map((i) => ({ id: i.id, name: i.name }));
    await s.commit();
    await expectOwnRows(pairs);
  });

  describe("SQLite: a trigger writing to the table during the INSERT", () => {
    test("one row per inserted row: the first page shows it, every page is read back", async () => {
      if (!sqlite()) return;
      await ctx.engine.begin(async (conn) => {
        await conn.execute(text("DROP TRIGGER IF EXISTS uowi_every"));
        await conn.execute(
          text(
            "CREATE TRIGGER uowi_every AFTER INSERT ON uowi_logged WHEN NEW.name NOT LIKE 'log:%' " +
              "BEGIN INSERT INTO uowi_logged (name) VALUES ('log:' || NEW.name); END",
          ),
        );
      });
      try {
        await using s = new Session({ bind: ctx.engine, insertPageSize: 200 });
        const rows = names(700, "every").map((name) => new Logged({ name }));
        s.addAll(rows);
        const { statements } = await ctx.log.during(() => s.flush());
        expect(statements.filter((x) => x.startsWith("INSERT")).every((x) => /RETURNING/.test(x))).toBe(true);
        const pairs = rows.map((r) => [r.id, r.name] as const);
        await s.commit();
        await using other = new Session({ bind: ctx.engine });
        const back = (await other.execute(select(Logged.id, Logged.c.name))).all();
        const byId = new Map(back.map((r) => [r.id, r.name]));
        expect(pairs.every(([id, name]) => byId.get(id) === name)).toBe(true);
        expect(back).toHaveLength(1400);
      } finally {
        await ctx.engine.begin((conn) => conn.execute(text("DROP TRIGGER uowi_every")));
      }
    });

    test("rows only for some later page: the flush fails and is rolled back, no key given wrongly", async () => {
      if (!sqlite()) return;
      await ctx.engine.begin(async (conn) => {
        await conn.execute(text("DELETE FROM uowi_logged"));
        await conn.execute(text("DROP TRIGGER IF EXISTS uowi_some"));
        await conn.execute(
          text(
            "CREATE TRIGGER uowi_some AFTER INSERT ON uowi_logged WHEN NEW.name = 'some250' " +
              "BEGIN INSERT INTO uowi_logged (name) VALUES ('log:some'); END",
          ),
        );
      });
      try {
        await using s = new Session({ bind: ctx.engine, insertPageSize: 200 });
        const rows = names(500, "some").map((name) => new Logged({ name }));
        s.addAll(rows);
        const err = (await s.flush().catch((e: unknown) => e)) as FlushError;
        expect(err).toBeInstanceOf(FlushError);
        expect(err.code).toBe("ATH-ORM-KEYS");
        expect(err.message).toMatch(/something else wrote to the table during the INSERT/);
        await s.rollback();
        expect(rows.every((r) => r.id === null && inspect(r).transient)).toBe(true);
        await using other = new Session({ bind: ctx.engine });
        expect((await other.execute(select(Logged.id))).all()).toEqual([]);
      } finally {
        await ctx.engine.begin((conn) => conn.execute(text("DROP TRIGGER uowi_some")));
      }
    });
  });
});

describe("constructor", () => {
  test("a subclass's own accessor for a mapped attribute is what the constructor assigns through", () => {
    const B = declarativeBase();
    class Tag extends B.model("uowi_tags", {
      id: mappedColumn(Integer, { primaryKey: true }),
      label: mappedColumn(Str(20)),
    }) {}
    const mapped = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Tag.prototype), "label")!;
    Object.defineProperty(Tag.prototype, "label", {
      get(this: Tag) {
        return mapped.get!.call(this);
      },
      set(this: Tag, v: string) {
        mapped.set!.call(this, v.toUpperCase());
      },
    });
    expect(new Tag({ label: "red" }).label).toBe("RED");
  });

  test("values are checked as the setters check them", () => {
    const B = declarativeBase();
    class Pt extends B.model("uowi_points", {
      id: mappedColumn(Integer, { primaryKey: true }),
      x: mappedColumn(Integer),
    }) {}
    expect(() => new Pt({ x: "one" as never })).toThrow(/Can't set Pt\.x to "one" \(string\)/);
    expect(() => new Pt({ y: 1 } as never)).toThrow(/'y' is not a mapped attribute of Pt/);
  });
});
