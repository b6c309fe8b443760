/**
 * Samples of the classes a statement's life goes through, kept alive so that their hidden
 * classes survive major GCs (see util/shapes.ts): statement nodes of the common constructs,
 * their cache keys, and per dialect class a compiler that has compiled them.
 */
import type { Dialect } from "../dialects/base/dialect.js";
import { bindparam, column } from "../sql/base.js";
import { generateCacheKey } from "../sql/cache-key.js";
import { StatementCache } from "../sql/cache.js";
import { delete_, insert, update } from "../sql/dml.js";
import { table } from "../sql/from-clauses.js";
import { func } from "../sql/functions.js";
import { and, or } from "../sql/operators.js";
import { select } from "../sql/select.js";
import { Integer, String as Str } from "../sql/types/index.js";
import type { ClauseElement } from "../sql/base.js";
import { keepShapes } from "../util/shapes.js";

let statements: ClauseElement[] | null = null;
const dialectsDone = new Set<object>();

function sampleStatements(): ClauseElement[] {
  const t = table("athanor_sample", column("id", Integer), column("name", Str(20)), column("n", Integer));
  const u = table("athanor_sample_2", column("id", Integer), column("ref", Integer));
  const sel = select(t.c.id, t.c.name.label("name2"), func.count!(t.c.n).label("c"))
    .selectFrom(t)
    .join(u, u.c.ref.eq(t.c.id))
    .where(
      and(
        t.c.id.eq(1),
        t.c.n.gt(2),
        t.c.n.le(3),
        t.c.name.like("a%"),
        t.c.name.ne("b"),
        or(t.c.id.in([1, 2]), t.c.id.eq(bindparam("p", Integer))),
      ),
    )
    .groupBy(t.c.id, t.c.name)
    .orderBy(t.c.id.desc())
    .limit(5)
    .offset(1);
  return [
    sel,
    select(t.c.id, t.c.name).where(t.c.id.eq(7)),
    insert(t).values({ id: 1, name: "a" }),
    update(t)
      .where(t.c.id.eq(bindparam("w", Integer)))
      .values({ name: "b" }),
    delete_(t).where(t.c.id.in([1, 2, 3])),
  ];
}

/** Keeps samples for `dialect`'s compiler class (and, the first time, the statement nodes). */
export function keepStatementShapes(dialect: Dialect): void {
  if (dialectsDone.has(dialect.constructor)) return;
  dialectsDone.add(dialect.constructor);
  if (statements === null) {
    statements = sampleStatements();
    keepShapes(statements, ...statements.map((s) => generateCacheKey(s)));
  }
  const cache = new StatementCache(statements.length);
  for (const s of statements) {
    const compiler = new dialect.StatementCompiler(dialect);
    compiler.compileStatement(s);
    cache.compile(dialect, s);
    keepShapes(compiler);
  }
  keepShapes(cache);
}
