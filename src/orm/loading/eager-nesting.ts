/**
 * Assembling the Core statement of a compiled ORM SELECT (SQLAlchemy: `ORMSelectCompileState`
 * `_simple_statement` and `_compound_eager_statement`).
 *
 * Usually the eager joins are spliced onto the FROM holding their parent and the joined
 * entities' columns follow the statement's own. But a LIMIT/OFFSET counts rows, and a joined
 * collection has one row per member: `LIMIT 10` would cut a parent's collection short. Then
 * the statement is nested, as SQLAlchemy does:
 *
 *   SELECT anon_1.id, anon_1.name, orders_1.id, …
 *   FROM (SELECT users.id AS id, users.name AS name FROM users ORDER BY users.name LIMIT 10) AS anon_1
 *   LEFT OUTER JOIN orders AS orders_1 ON anon_1.id = orders_1.user_id
 *   ORDER BY anon_1.name
 *
 * (DISTINCT and GROUP BY nest for any eager join, for the same reason.)
 */
import { ColumnClause, type ColumnElement, type FromClause } from "../../sql/base.js";
import { joinLeaves } from "../../sql/joins.js";
import { OrderByElement } from "../../sql/operators.js";
import { LabelReference } from "../../sql/select-base.js";
import { Select, type SelectItem, type SelectState } from "../../sql/select.js";
import { replaceColumns } from "./clause-adapter.js";
import type { EagerJoin } from "./query-context.js";

/** The parts a compile adds to a statement. */
export interface EagerParts {
  /** Columns after the statement's items. */
  readonly extraColumns: readonly ColumnElement<any>[];
  /** Joins, in order; `outer` for LEFT OUTER JOIN. */
  readonly joins: readonly (EagerJoin & { readonly outer: boolean })[];
  /** ORDER BY after the statement's own. */
  readonly orderBy: readonly OrderByElement[];
  /** Some join yields several rows per parent. */
  readonly collection: boolean;
}

/** A Core SELECT from a state (no ORM items, no options). */
export function coreSelect(state: Omit<SelectState, "rawItems">): Select<any, any> {
  return new Select<any, any>({ ...state, options: [] });
}

/** Whether the eager parts must attach to a subquery of the statement rather than to it. */
export function shouldNest(s: SelectState, parts: EagerParts): boolean {
  if (parts.joins.length === 0) return false;
  return (
    ((s.limit !== null || s.offset !== null) && parts.collection) ||
    s.distinct ||
    s.distinctOn.length > 0 ||
    s.groupBy.length > 0
  );
}

/** The statement with `items` as its SELECT list and the eager parts added (nested when needed). */
export function assembleStatement(
  stmt: Select<any, any>,
  items: readonly SelectItem[],
  parts: EagerParts,
): Select<any, any> {
  const { rawItems: _raw, ...state } = stmt._s;
  const base = coreSelect({ ...state, items });
  if (parts.joins.length === 0 && parts.extraColumns.length === 0 && parts.orderBy.length === 0) return base;
  if (shouldNest(base._s, parts)) return nestForEagerJoins(base, parts);
  let s = base;
  for (const j of parts.joins) s = s.join(j.target, j.onclause, { isOuter: j.outer });
  return coreSelect({
    ...s._s,
    items: [...items, ...parts.extraColumns],
    orderBy: [...s._s.orderBy, ...parts.orderBy],
  });
}

/**
 * The statement `inner` as a subquery with the eager parts around it: the outer SELECT lists
 * the subquery's columns (as many as `inner` selects, in order, so row positions are kept),
 * then the extra columns; joins attach to the subquery; ORDER BY repeats the inner one. Outer
 * expressions reading `inner`'s FROMs are moved onto the subquery's columns, and columns they
 * need that `inner` doesn't select are added to it. FOR UPDATE stays inside (and outside too
 * unless it names tables, `of`), as SQLAlchemy places it.
 */
export function nestForEagerJoins(inner: Select<any, any>, parts: EagerParts): Select<any, any> {
  const leaves = new Set<FromClause>();
  for (const f of inner.froms) for (const l of joinLeaves(f)) leaves.add(l);
  const exported = inner.exportedColumns();
  const width = exported.length;
  const outerExprs: ColumnElement<any>[] = [
    ...parts.extraColumns,
    ...parts.joins.map((j) => j.onclause),
    ...inner._s.orderBy.map((o) => o.element),
    ...parts.orderBy.map((o) => o.element),
  ];
  const needed: ColumnClause<any>[] = [];
  for (const e of outerExprs) {
    replaceColumns(e, (c) => {
      if (c.table !== null && leaves.has(c.table) && !exported.includes(c) && !needed.includes(c))
        needed.push(c);
      return undefined;
    });
  }
  const innerFinal =
    needed.length === 0 ? inner : coreSelect({ ...inner._s, items: [...inner._s.items, ...needed] });
  const sub = innerFinal.subquery();
  const byColumn = new Map<ColumnElement<any>, ColumnClause<any>>();
  [...exported, ...needed].forEach((c, i) => {
    if (!byColumn.has(c)) byColumn.set(c, sub.columns[i]!);
  });
  const byKey = new Map(sub.columns.map((c) => [c.key, c]));
  const adapt = <T extends ColumnElement<any>>(e: T): T =>
    e instanceof LabelReference
      ? ((byKey.get(e.name) ?? e) as unknown as T)
      : replaceColumns(e, (c) => byColumn.get(c));
  const adaptOrder = (o: OrderByElement) => {
    const el = adapt(o.element);
    return el === o.element ? o : new OrderByElement(el, o.direction, o.nulls);
  };
  const fu = inner._s.forUpdate;
  let outer = coreSelect({
    items: [...sub.columns.slice(0, width), ...parts.extraColumns.map(adapt)],
    froms: [sub],
    where: null,
    groupBy: [],
    having: null,
    orderBy: [],
    limit: null,
    offset: null,
    distinct: false,
    distinctOn: [],
    forUpdate: fu !== null && fu.of === undefined ? fu : null,
    correlate: null,
    options: [],
  });
  for (const j of parts.joins) outer = outer.join(j.target, adapt(j.onclause), { isOuter: j.outer });
  return coreSelect({
    ...outer._s,
    orderBy: [...inner._s.orderBy.map(adaptOrder), ...parts.orderBy.map(adaptOrder)],
  });
}
