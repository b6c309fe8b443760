/**
 * Property: random expression trees over a fixed data set return the same rows on SQLite,
 * PostgreSQL and MariaDB.
 *
 * The generator stays inside what SQL defines the same way everywhere. Where the databases
 * genuinely differ, it doesn't go, and a test below pins the difference:
 * - collation: MariaDB's default collation compares case- and trailing-space-insensitively
 *   (so generated strings are lower case without trailing spaces, and strings are never
 *   ordered with < or >, whose order also depends on the collation);
 * - division: exact quotients have as many digits as each database gives (MySQL: 4), and
 *   division by zero is an error on PostgreSQL, NULL elsewhere (so no division is generated);
 * - NULL ordering: NULLs sort first on SQLite and MySQL, last on PostgreSQL (so rows are
 *   ordered by the primary key, and nullsFirst()/nullsLast() make them agree).
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  and,
  case_,
  createEngine,
  false_,
  func,
  literal,
  not,
  or,
  select,
  true_,
  type ColumnElement,
  type Engine,
} from "../../src/index.js";
import { IN_CI, TARGETS, UNREACHABLE } from "../support/targets.js";
import { seed, users } from "./fixtures.js";

type Expr = ColumnElement<any>;
const targets = TARGETS.filter((t) => t.label !== "sqlite-file");
const engines: { label: string; engine: Engine }[] = [];
let unreachable: string[] = [];

beforeAll(async () => {
  for (const t of targets) {
    const why = UNREACHABLE.get(t.label) ?? null;
    if (why) {
      if (IN_CI) throw new Error(`${t.label} is not reachable: ${why}`);
      unreachable.push(t.label);
      continue;
    }
    const engine = createEngine(t.url);
    await seed(engine);
    engines.push({ label: t.label, engine });
  }
  if (unreachable.length) console.warn(`property test runs without: ${unreachable.join(", ")}`);
});
afterAll(async () => {
  for (const { engine } of engines) await engine.dispose();
  unreachable = [];
});

/** Rows of one statement on every database, by label. */
async function everywhere(
  stmt: Parameters<Awaited<ReturnType<Engine["connect"]>>["execute"]>[0],
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const { label, engine } of engines) {
    const conn = await engine.connect();
    try {
      out[label] = (await conn.execute(stmt)).all();
    } finally {
      await conn.close();
    }
  }
  return out;
}

const lowerWord = fc.constantFrom(
  "ann",
  "bob",
  "cid",
  "dee",
  "eve",
  "a",
  "e",
  "example",
  "x",
  "",
  "ann@example.com",
);
const pattern = fc
  .array(fc.constantFrom("a", "e", "n", "%", "_", "@", "."), { maxLength: 5 })
  .map((cs) => cs.join(""));
const smallInt = fc.integer({ min: -5, max: 50 });

const { int, str, bool } = fc.letrec<{ int: Expr; str: Expr; bool: Expr }>((tie) => ({
  int: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Expr>(users.c.id, users.c.age),
    smallInt.map((n) => literal(n)),
    fc.tuple(tie("int"), tie("int")).map(([a, b]) => a.add(b)),
    fc.tuple(tie("int"), tie("int")).map(([a, b]) => a.sub(b)),
    fc.tuple(tie("int"), fc.integer({ min: -3, max: 3 })).map(([a, n]) => a.mul(n)),
    fc.tuple(tie("int"), fc.integer({ min: 1, max: 7 })).map(([a, n]) => a.mod(n)),
    tie("int").map((a) => a.neg()),
    fc.tuple(tie("int"), smallInt).map(([a, n]) => func.coalesce(a, n)),
    fc.tuple(tie("bool"), tie("int"), tie("int")).map(([c, a, b]) => case_([[c, a]], { else: b })),
  ),
  str: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Expr>(users.c.name, users.c.email),
    lowerWord.map((w) => literal(w)),
    fc.tuple(tie("str"), tie("str")).map(([a, b]) => a.concat(b)),
    tie("str").map((a) => func.lower(a)),
    fc.tuple(tie("str"), lowerWord).map(([a, w]) => func.coalesce(a, w)),
  ),
  bool: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom<Expr>(true_(), false_(), users.c.isActive),
    fc
      .tuple(
        tie("int"),
        tie("int"),
        fc.constantFrom("eq", "ne", "lt", "le", "gt", "ge", "isDistinctFrom", "isNotDistinctFrom"),
      )
      .map(([a, b, op]) => (a as any)[op](b) as Expr),
    fc
      .tuple(tie("str"), tie("str"), fc.constantFrom("eq", "ne", "isDistinctFrom"))
      .map(([a, b, op]) => (a as any)[op](b) as Expr),
    fc
      .tuple(fc.oneof(tie("int"), tie("str")), fc.boolean())
      .map(([a, n]) => (n ? a.isNull() : a.isNotNull())),
    fc
      .tuple(tie("int"), fc.array(smallInt, { maxLength: 3 }), fc.boolean())
      .map(([a, xs, neg]) => (neg ? a.notIn(xs) : a.in(xs))),
    fc
      .tuple(tie("str"), fc.array(lowerWord, { maxLength: 3 }), fc.boolean())
      .map(([a, xs, neg]) => (neg ? a.notIn(xs) : a.in(xs))),
    fc.tuple(tie("int"), smallInt, smallInt).map(([a, lo, hi]) => a.between(lo, hi)),
    fc.tuple(tie("str"), pattern, fc.boolean()).map(([a, p, neg]) => (neg ? a.notLike(p) : a.like(p))),
    fc
      .tuple(tie("str"), lowerWord, fc.constantFrom("contains", "startsWith", "endsWith"))
      .map(([a, w, op]) => (a as any)[op](w) as Expr),
    fc.tuple(tie("bool"), tie("bool")).map(([a, b]) => and(a, b)),
    fc.tuple(tie("bool"), tie("bool")).map(([a, b]) => or(a, b)),
    tie("bool").map((a) => not(a)),
  ),
}));

describe("random expressions agree across databases", () => {
  test("WHERE with a random condition selects the same rows", async () => {
    await fc.assert(
      fc.asyncProperty(bool, async (cond) => {
        const res = await everywhere(select(users.c.id).where(cond).orderBy(users.c.id));
        const [first, ...rest] = Object.values(res);
        for (const r of rest) expect(r).toEqual(first);
      }),
      { numRuns: 150 },
    );
  });
  test("selected random expressions have the same values", async () => {
    await fc.assert(
      fc.asyncProperty(int, str, bool, async (i, s, b) => {
        const res = await everywhere(
          select(
            users.c.id,
            i.label("i"),
            s.label("s"),
            case_([[b, "yes"]], { else: "no" }).label("b"),
          ).orderBy(users.c.id),
        );
        const [first, ...rest] = Object.values(res);
        for (const r of rest) expect(r).toEqual(first);
      }),
      { numRuns: 150 },
    );
  });
});

describe("where the databases genuinely differ", () => {
  const byLabel = (res: Record<string, unknown[]>, label: string) => res[label];
  test("collation: MariaDB compares case- and trailing-space-insensitively by default", async () => {
    const res = await everywhere(
      select(users.c.id)
        .where(or(users.c.name.eq("ANN"), users.c.name.eq("bob ")))
        .orderBy(users.c.id),
    );
    for (const label of Object.keys(res)) {
      expect(byLabel(res, label)).toEqual(label === "mysql" ? [{ id: 1 }, { id: 2 }] : []);
    }
    // An explicit binary collation makes MariaDB agree.
    if (res.mysql) {
      const e = engines.find((x) => x.label === "mysql")!.engine;
      const conn = await e.connect();
      try {
        const rows = (
          await conn.execute(select(users.c.id).where(users.c.name.collate("utf8mb4_bin").eq("ANN")))
        ).all();
        expect(rows).toEqual([]);
      } finally {
        await conn.close();
      }
    }
  });
  test("division: each database's own precision for exact quotients", async () => {
    const res = await everywhere(select(users.c.id.div(3).label("q")).where(users.c.id.eq(1)));
    for (const [label, rows] of Object.entries(res)) {
      const q = (rows[0] as { q: number }).q;
      expect(Math.abs(q - 1 / 3)).toBeLessThan(1e-4);
      if (label === "mysql") expect(q).toBe(0.3333);
    }
  });
  test("division by zero: an error on PostgreSQL, NULL on SQLite and MariaDB", async () => {
    for (const { label, engine } of engines) {
      const conn = await engine.connect();
      try {
        const run = conn.execute(
          select(users.c.id.div(users.c.id.sub(1)).label("q")).where(users.c.id.eq(1)),
        );
        if (label === "postgresql") await expect(run).rejects.toThrow(/division by zero/);
        else expect((await run).all()).toEqual([{ q: null }]);
      } finally {
        await conn.close();
      }
    }
  });
  test("NULL ordering: first on SQLite and MariaDB, last on PostgreSQL; nullsFirst() makes them agree", async () => {
    const natural = await everywhere(select(users.c.id).orderBy(users.c.age, users.c.id));
    for (const [label, rows] of Object.entries(natural)) {
      const ids = rows.map((r) => (r as { id: number }).id);
      expect(ids).toEqual(label === "postgresql" ? [2, 5, 1, 4, 3] : [3, 2, 5, 1, 4]);
    }
    const explicit = await everywhere(select(users.c.id).orderBy(users.c.age.nullsFirst(), users.c.id));
    for (const rows of Object.values(explicit))
      expect(rows.map((r) => (r as { id: number }).id)).toEqual([3, 2, 5, 1, 4]);
  });
});
