/**
 * Structural cache keys and the compiled-statement cache: compile once, run many.
 */
import { describe, expect, test } from "vitest";
import {
  bindparam,
  case_,
  Column,
  func,
  generateCacheKey,
  insert,
  Integer,
  literal,
  literalColumn,
  MetaData,
  select,
  StatementCache,
  String,
  Table,
  table,
  column,
  text,
  tuple_,
  union,
  update,
  type ClauseElement,
} from "../../src/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";
import { compile, dialects, nodes, orders, users, type DialectKey } from "./fixtures.js";

const key = (s: ClauseElement) => generateCacheKey(s)!.key;

describe("cache keys", () => {
  test("same shape, other values: same key, values extracted in order", () => {
    const a = select(users.c.id).where(users.c.age.gt(20), users.c.name.eq("ann")).limit(5);
    const b = select(users.c.id).where(users.c.age.gt(99), users.c.name.eq("zed")).limit(1);
    expect(key(a)).toBe(key(b));
    expect(generateCacheKey(a)!.values).toEqual([20, "ann", 5]);
    expect(generateCacheKey(b)!.values).toEqual([99, "zed", 1]);
  });
  test("anything that changes the SQL or the types changes the key", () => {
    const base = select(users.c.id).where(users.c.age.gt(20));
    const variants: ClauseElement[] = [
      select(users.c.id).where(users.c.age.ge(20)),
      select(users.c.name).where(users.c.age.gt(20)),
      select(users.c.id).where(users.c.id.gt(20)),
      select(users.c.id.label("x")).where(users.c.age.gt(20)),
      base.limit(1),
      base.orderBy(users.c.id),
      base.distinct(),
      select(users.c.id).where(users.c.age.in([1, 2])),
      select(users.c.id).where(users.c.age.in([1, 2, 3])),
      select(users.c.id).where(users.c.age.gt(literal(20.5))),
      select(users.c.id).where(users.c.age.gt(bindparam("a"))),
      select(users.c.id).where(users.c.age.gt(20)).forUpdate(),
      select(users.c.id).where(users.c.age.gt(20)).forUpdate({ nowait: true }),
    ];
    const keys = new Set([key(base), ...variants.map(key)]);
    expect(keys.size).toBe(variants.length + 1);
  });
  test("tables are keyed by identity: a same-named table with other types is another shape", () => {
    const other = new Table("users", new MetaData(), {
      id: Column(String(10), { primaryKey: true }),
      age: Column(String(3)),
    });
    expect(key(select(users.c.id).where(users.c.age.gt(1)))).not.toBe(
      key(select(other.c.id).where(other.c.age.gt("1"))),
    );
  });
  test("a table extended after use (extendExisting) is not served a statement cached before", () => {
    const md = new MetaData();
    const t = new Table("ext", md, { id: Column(Integer, { primaryKey: true }) });
    const cache = new StatementCache(10);
    const d = dialects.sqlite;
    expect(cache.compile(d, select(t)).sql).toBe("SELECT ext.id FROM ext");
    new Table("ext", md, { name: Column(String(20)) }, { extendExisting: true });
    expect(cache.compile(d, select(t)).sql).toBe("SELECT ext.id, ext.name FROM ext");
  });

  test("lightweight table() built per call is keyed by what it spells", () => {
    const t = () => table("t", column("a", Integer), column("b", String(10)));
    expect(key(select(t().c.a).where(t().c.b.eq("x")))).toBe(key(select(t().c.a).where(t().c.b.eq("y"))));
    expect(key(select(t().c.a))).not.toBe(key(select(table("t", column("a", String(5))).c.a)));
  });
  test("one parameter object used twice differs from two parameters", () => {
    const p = literal(5);
    const shared = select(users.c.id).where(users.c.age.gt(p), users.c.id.lt(p));
    const separate = select(users.c.id).where(users.c.age.gt(literal(5)), users.c.id.lt(literal(5)));
    expect(key(shared)).not.toBe(key(separate));
    expect(generateCacheKey(shared)!.values).toEqual([5]);
  });
  test("fresh aliases and types built per call share a key", () => {
    const build = () => {
      const p = nodes.alias("p");
      return select(nodes.c.id, p.c.label.cast(String(20))).join(p, nodes.c.parentId.eq(p.c.id));
    };
    expect(key(build())).toBe(key(build()));
  });
  test("parts that share a token layout still give different keys", () => {
    const base = select(users.c.id);
    const lt = table("users", column("id", Integer), column("age", Integer));
    const variants: ClauseElement[] = [
      base.limit(5),
      base.offset(5),
      base.limit(5).offset(5),
      base.groupBy(users.c.id),
      base.orderBy(users.c.id),
      base.distinct(),
      base.where(users.c.age.gt(1)).having(users.c.age.gt(1)),
      base.join(orders, orders.c.userId.eq(users.c.id)),
      base.join(orders, orders.c.userId.eq(users.c.id), { isOuter: true }),
      base.join(orders, orders.c.userId.eq(users.c.id), { full: true }),
      base.join(orders, orders.c.userId.eq(users.c.id), { isOuter: true, full: true }),
      select(users.c.id.label("a")),
      select(users.c.id.label("b")),
      select(literalColumn("1")),
      select(literalColumn("2")),
      select(lt.c.id), // a lightweight table() of the same name and column
      select(nodes.alias("x").c.id),
      select(users.c.id).where(users.c.age.eq(1)),
      select(users.c.id).where(users.c.age.eq(bindparam("age", Integer, 1))),
      select(users.c.id).where(users.c.age.eq(bindparam("age", Integer))),
      select(users.c.id).where(users.c.age.eq(bindparam("a2", Integer, 1))),
      select(users.c.id).where(users.c.name.eq(literal("1"))),
      select(users.c.id).where(users.c.age.in([1])),
      select(users.c.id).where(users.c.age.in(select(orders.c.id))),
      select(users),
      select(orders),
      select(users.c.id).selectFrom(users),
    ];
    const keys = variants.map(key);
    expect(new Set([key(base), ...keys]).size).toBe(variants.length + 1);
  });
  test("a schema table's columns are keyed by identity: same-named columns of two tables differ", () => {
    const md = new MetaData();
    const a = new Table("t", md, { id: Column(Integer, { primaryKey: true }) });
    const b = new Table("t", new MetaData(), { id: Column(Integer, { primaryKey: true }) });
    expect(key(select(a.c.id).where(a.c.id.eq(1)))).toBe(key(select(a.c.id).where(a.c.id.eq(2))));
    expect(key(select(a.c.id))).not.toBe(key(select(b.c.id)));
    // Self-join through an alias built per call still shares a key.
    const self = () => {
      const p = a.alias("p");
      return select(a.c.id, p.c.id.label("pid")).join(p, p.c.id.eq(a.c.id));
    };
    expect(key(self())).toBe(key(self()));
  });
  test("keying leaves types as they were (the memo is a hidden property)", () => {
    const t = String(33);
    const before = JSON.stringify(t);
    key(select(users.c.id).where(column("x", t).eq("a")));
    expect(JSON.stringify(t)).toBe(before);
    expect(Object.keys(t)).toEqual(Object.keys(String(33)));
    expect(t).toEqual(String(33));
  });
  test("the key is remembered per statement object", () => {
    const s = select(users.c.id).where(users.c.age.gt(1));
    expect(generateCacheKey(s)).toBe(generateCacheKey(s));
  });
});

/** Statement builders, each run with two sets of values: a cache hit must equal a fresh compile. */
const corpus: [string, (v: { n: number; s: string }) => ClauseElement][] = [
  ["where + limit", (v) => select(users.c.id).where(users.c.age.gt(v.n), users.c.name.eq(v.s)).limit(v.n)],
  [
    "CTE hoisted before the main query",
    (v) => {
      const c = select(orders.c.id)
        .where(orders.c.total.gt(`${v.n}`))
        .cte("c");
      return select(c.c.id).where(c.c.id.gt(v.n + 1));
    },
  ],
  [
    "NULLS FIRST emulated on MySQL (expression rendered twice)",
    (v) => select(users.c.id).orderBy(users.c.age.add(v.n).desc().nullsFirst()),
  ],
  [
    "IN list and tuple IN",
    (v) =>
      select(users.c.id).where(
        users.c.id.in([v.n, v.n + 1]),
        tuple_(users.c.id, users.c.name).in([[v.n, v.s]]),
      ),
  ],
  [
    "CASE and functions",
    (v) =>
      select(
        case_([[users.c.age.gt(v.n), v.s]], { else: "z" }).label("c"),
        func.coalesce(users.c.email, v.s).label("e"),
      ),
  ],
  [
    "union with members' limits",
    (v) =>
      union(select(users.c.id).limit(v.n), select(orders.c.id).where(orders.c.status.eq(v.s)).limit(v.n)),
  ],
  ["insert values", (v) => insert(users).values({ id: v.n, name: v.s })],
  [
    "insert multi-row",
    (v) =>
      insert(users).values([
        { id: v.n, name: v.s },
        { id: v.n + 1, name: v.s + "2" },
      ]),
  ],
  [
    "update with named bindparam",
    (v) =>
      update(users)
        .values({ name: v.s })
        .where(users.c.id.eq(bindparam("uid", Integer, v.n))),
  ],
  [
    "upsert",
    (v) => {
      const s = pgInsert(users).values({ id: v.n, name: v.s });
      return s.onConflictDoUpdate({ indexElements: ["id"], set: { name: s.excluded.name, age: v.n } });
    },
  ],
  ["text with bound values", (v) => text("SELECT :a, :b, :a").bindparams({ a: v.n, b: v.s })],
];

describe("StatementCache", () => {
  for (const [title, build] of corpus) {
    for (const d of ["sqlite", "postgresql", "mysql"] as DialectKey[]) {
      test(`${title} [${d}]: a hit takes the new statement's values`, () => {
        const cache = new StatementCache(10);
        const first = build({ n: 1, s: "a" });
        const second = build({ n: 7, s: "b" });
        if (d !== "postgresql" && title === "upsert") return; // PostgreSQL/SQLite only: covered on postgresql
        cache.compile(dialects[d], first);
        const hit = cache.compile(dialects[d], second);
        expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
        const fresh = compile(second, d);
        expect(hit.sql).toBe(fresh.sql);
        expect(hit.binds.map((b) => [b.key, b.value, b.hasValue])).toEqual(
          fresh.binds.map((b) => [b.key, b.value, b.hasValue]),
        );
        expect(hit.resultColumns).toEqual(fresh.resultColumns);
      });
    }
  }
  test("entries are per dialect and per parameter keys; LRU within maxSize", () => {
    const cache = new StatementCache(2);
    const s = (n: number) => select(users.c.id).where(users.c.age.gt(n));
    cache.compile(dialects.sqlite, s(1));
    cache.compile(dialects.postgresql, s(1));
    expect(cache.stats()).toMatchObject({ hits: 0, misses: 2, size: 2 });
    cache.compile(dialects.sqlite, s(2)); // hit, now most recent
    cache.compile(dialects.sqlite, insert(users), { paramKeys: ["id", "name"] });
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 3, size: 2, evictions: 1 });
    cache.compile(dialects.sqlite, insert(users), { paramKeys: ["id"] });
    expect(cache.stats().misses).toBe(4);
    cache.compile(dialects.postgresql, s(3)); // evicted earlier
    expect(cache.stats().misses).toBe(5);
  });
  test("lookup: one template per shape; the same statement object again is a hit with its own template", () => {
    const cache = new StatementCache();
    const s = (n: number) => select(users.c.id).where(users.c.age.gt(n));
    const a = s(1);
    const first = cache.lookup(dialects.sqlite, a);
    expect(first.hit).toBe(false);
    const second = cache.lookup(dialects.sqlite, s(2));
    expect(second).toMatchObject({ hit: true, template: first.template });
    expect(second.compiled.binds[0]!.value).toBe(2);
    cache.lookup(dialects.sqlite, select(orders.c.id), { literalBinds: true }); // uncached in between
    const again = cache.lookup(dialects.sqlite, a);
    expect(again).toMatchObject({ hit: true, template: first.template });
    expect(again.compiled.binds[0]!.value).toBe(1);
    cache.clear();
    expect(cache.lookup(dialects.sqlite, a).hit).toBe(false);
  });
  test("literal binds and constructs without a key are compiled every time", () => {
    const cache = new StatementCache();
    cache.compile(dialects.sqlite, select(users.c.id), { literalBinds: true });
    const ddl = { kind: "ddl_thing", isDdl: false, _compile: () => "SELECT 1" };
    cache.compile(
      {
        name: "fake",
        compile: () => ({
          sql: "SELECT 1",
          binds: [],
          resultColumns: null,
          kind: "text",
          returnsRows: true,
          dialect: "fake",
        }),
      },
      ddl as any,
    );
    expect(cache.stats()).toMatchObject({ uncached: 2, size: 0 });
  });
  test("maxSize 0 disables caching", () => {
    const cache = new StatementCache(0);
    cache.compile(dialects.sqlite, select(users.c.id));
    cache.compile(dialects.sqlite, select(users.c.id));
    expect(cache.stats()).toMatchObject({ hits: 0, uncached: 2, size: 0 });
  });
});
