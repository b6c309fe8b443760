/**
 * The statement cache's index (a radix tree over key tokens) and the cache as a whole under
 * churn: random statements through a small cache must always give what a fresh compile gives.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  and,
  bindparam,
  func,
  Integer,
  literal,
  literalColumn,
  or,
  select,
  StatementCache,
  String,
  table,
  column,
  type ClauseElement,
  type ColumnElement,
} from "../../src/index.js";
import { CacheKeyBuilder } from "../../src/sql/cache-key.js";
import { KeyTrie, type TrieNode } from "../../src/sql/key-trie.js";
import { compile, dialects, orders, users, type DialectKey } from "./fixtures.js";

/** Follows `tokens` down the tree as the statement cache does; the node holding them, or null. */
function find(trie: KeyTrie<string>, tokens: readonly unknown[]): TrieNode<string> | null {
  const k = new CacheKeyBuilder();
  k.probe(trie.root);
  for (const t of tokens) k.n(t as number);
  return k.probed();
}

describe("key tree", () => {
  test("splits, shares prefixes, and tells a sequence from its prefixes and extensions", () => {
    const trie = new KeyTrie<string>(() => {});
    const a = trie.insert(["s", 1, 2, 3]);
    a.value = "a";
    const b = trie.insert(["s", 1, 9]);
    b.value = "b";
    const c = trie.insert(["s", 1]);
    c.value = "c";
    expect(find(trie, ["s", 1, 2, 3])?.value).toBe("a");
    expect(find(trie, ["s", 1, 9])?.value).toBe("b");
    expect(find(trie, ["s", 1])?.value).toBe("c");
    expect(find(trie, ["s", 1, 2])?.value ?? null).toBe(null); // a prefix of a key, not a key
    expect(find(trie, ["s", 1, 2, 3, 4])).toBe(null);
    expect(find(trie, ["s", "1"])).toBe(null); // tokens compare with ===
  });

  test("random inserts and removals agree with a Map of the sequences", () => {
    const seq = fc.array(fc.constantFrom<unknown>("a", "b", 0, 1, null, true), { maxLength: 6 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), seq), { maxLength: 60 }), (ops) => {
        // Where each stored sequence's value sits (merges move values to other nodes).
        const nodes = new Map<string, TrieNode<string>>();
        const trie = new KeyTrie<string>((v, node) => nodes.set(v, node));
        for (const [add, tokens] of ops) {
          const id = JSON.stringify(tokens);
          if (add && !nodes.has(id)) {
            const node = trie.insert(tokens);
            expect(node.value).toBe(null);
            node.value = id;
            nodes.set(id, node);
          } else if (!add && nodes.has(id)) {
            trie.remove(nodes.get(id)!);
            nodes.delete(id);
          }
          for (const [, other] of ops) {
            const key = JSON.stringify(other);
            expect(find(trie, other)?.value ?? null).toBe(nodes.has(key) ? key : null);
          }
        }
        // Everything removed: the tree is empty again.
        for (const id of [...nodes.keys()]) {
          trie.remove(nodes.get(id)!);
          nodes.delete(id);
        }
        expect(trie.root.first).toBe(null);
      }),
      { numRuns: 150 },
    );
  });
});

/** A recipe for a random statement over the fixture tables: each part drawn from a few choices. */
const recipe = fc.record({
  cols: fc.subarray([0, 1, 2, 3], { minLength: 1 }),
  label: fc.constantFrom(null, "a", "b"),
  where: fc.array(fc.tuple(fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7), fc.integer({ min: 0, max: 3 })), {
    maxLength: 3,
  }),
  or: fc.boolean(),
  join: fc.constantFrom(null, "inner", "outer", "full"),
  orderBy: fc.constantFrom(null, "asc", "desc"),
  groupBy: fc.boolean(),
  limit: fc.constantFrom(null, 1, 5),
  offset: fc.constantFrom(null, 1, 5),
  distinct: fc.boolean(),
  literal: fc.constantFrom(null, "1", "2"),
});
type Recipe = typeof recipe extends fc.Arbitrary<infer R> ? R : never;
type Criterion = Recipe["where"][number];

/** The same recipe with other values (some of which change the shape: IN list lengths, parameter names). */
function vary(r: Recipe): Recipe {
  const other = (n: number | null) => (n === null ? null : n === 1 ? 5 : 1);
  return {
    ...r,
    where: r.where.map(([kind, v]): Criterion => [kind, (v + 1) % 4]),
    limit: other(r.limit),
    offset: other(r.offset),
  };
}

/** The recipe with one part changed. */
function tweak(r: Recipe, which: number): Recipe {
  const [first, ...rest] = r.where;
  switch (which) {
    case 0:
      return { ...r, where: first ? [[((first[0] + 1) % 8) as Criterion[0], first[1]], ...rest] : [[0, 1]] };
    case 1:
      return { ...r, label: r.label === "a" ? "b" : "a" };
    case 2:
      return { ...r, join: r.join === "inner" ? "outer" : "inner" };
    case 3:
      return { ...r, orderBy: r.orderBy === "asc" ? "desc" : "asc" };
    case 4:
      return { ...r, groupBy: !r.groupBy };
    case 5:
      return { ...r, limit: r.limit === null ? 1 : null, offset: r.limit === null ? null : 1 };
    case 6:
      return { ...r, distinct: !r.distinct };
    case 7:
      return { ...r, literal: r.literal === "1" ? "2" : "1" };
    case 8:
      return { ...r, or: !r.or };
    default:
      return { ...r, cols: r.cols.length > 1 ? r.cols.slice(1) : [(r.cols[0]! + 1) % 4] };
  }
}

/** Builds a recipe's statement afresh (new nodes each time, like a query built per request). */
function build(r: Recipe, d: DialectKey): ClauseElement {
  const lt = table("lt", column("x", Integer), column("y", String(10)));
  const all: ColumnElement<any>[] = [users.c.id, users.c.name, orders.c.total, lt.c.x];
  const cols = r.cols.map((i) => all[i]!);
  if (r.label) cols[0] = cols[0]!.label(r.label);
  if (r.literal) cols.push(literalColumn(r.literal, Integer));
  let s = select(...cols);
  s = s.selectFrom(users);
  const on = orders.c.userId.eq(users.c.id);
  if (r.join === "inner") s = s.join(orders, on);
  if (r.join === "outer") s = s.outerJoin(orders, on);
  // A FULL join flag without LEFT (rendered as a plain JOIN); MySQL has no FULL OUTER JOIN.
  if (r.join === "full" && d !== "mysql") s = s.join(orders, on, { full: true });
  const crit = r.where.map(([kind, v]): ColumnElement<boolean> => {
    switch (kind) {
      case 0:
        return users.c.id.eq(v);
      case 1:
        return users.c.id.gt(v);
      case 2:
        return users.c.name.eq("n" + v);
      case 3:
        return users.c.age.in(Array.from({ length: v + 1 }, (_, i) => i));
      case 4:
        return users.c.id.eq(literal(v));
      case 5:
        return users.c.id.eq(bindparam("p" + (v % 2), Integer, v));
      case 6:
        return lt.c.y.eq("y" + v);
      default:
        return func.coalesce!(users.c.age, v).gt(0);
    }
  });
  if (crit.length) s = s.where(r.or ? or(...crit) : and(...crit));
  if (r.orderBy) s = s.orderBy(r.orderBy === "asc" ? users.c.id.asc() : users.c.id.desc());
  if (r.groupBy) s = s.groupBy(users.c.id);
  if (r.limit !== null) s = s.limit(r.limit);
  if (r.offset !== null) s = s.offset(r.offset);
  if (r.distinct) s = s.distinct();
  return s;
}

describe("StatementCache under churn", () => {
  for (const d of ["sqlite", "postgresql", "mysql"] as DialectKey[]) {
    test(`[${d}] random statements through a cache of 4 give what a fresh compile gives`, () => {
      const cache = new StatementCache(4);
      fc.assert(
        fc.property(fc.array(fc.tuple(recipe, fc.nat(9)), { minLength: 1, maxLength: 10 }), (picks) => {
          // Each recipe, then again with other values (a hit when the shape is unchanged), then a
          // neighbour differing in one part (its key must differ), then an earlier recipe (a hit
          // or, after evictions, a recompile).
          const runs = picks.flatMap(([r, t], i) => [r, vary(r), tweak(r, t), picks[i >> 1]![0]]);
          for (const r of runs) {
            const stmt = build(r, d);
            const got = cache.compile(dialects[d], stmt);
            const want = compile(stmt, d);
            expect(got.sql).toBe(want.sql);
            expect(got.binds.map((b) => [b.key, b.value, b.hasValue])).toEqual(
              want.binds.map((b) => [b.key, b.value, b.hasValue]),
            );
            expect(got.resultColumns).toEqual(want.resultColumns);
          }
        }),
        { numRuns: 120 },
      );
      const stats = cache.stats();
      expect(stats.hits).toBeGreaterThan(0);
      expect(stats.evictions).toBeGreaterThan(0);
      expect(stats.size).toBeLessThanOrEqual(4);
    });
  }
});
