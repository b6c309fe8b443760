/**
 * Rewriting expressions to read from other FROMs (SQLAlchemy: `sql/util.py` ClauseAdapter,
 * `visitors.replacement_traverse`): a relationship's join condition written against its tables,
 * made to join aliases; ORDER BY and ON clauses moved onto a subquery's columns.
 *
 * Expression nodes are immutable; a copy is made of each node on the way to a replaced column
 * (the same prototype and fields, children replaced), and untouched subtrees are shared.
 * FROM clauses and nested SELECTs are left as they are: only column references change.
 */
import {
  BindParameter,
  ClauseElement,
  ColumnClause,
  FromClause,
  type ColumnElement,
} from "../../sql/base.js";

/** What a column becomes: its replacement, or undefined to keep it. */
export type ColumnReplacer = (col: ColumnClause<any>) => ColumnElement<any> | undefined;

/** `e` with each column reference `replace` maps replaced; `e` itself when none is. */
export function replaceColumns<T extends ClauseElement>(e: T, replace: ColumnReplacer): T {
  return replaceNode(e, replace) as T;
}

/**
 * A replacer mapping the columns of each `from` to the column with the same key of its `to`
 * (`users.id` → `users_1.id`, `users.id` → `anon_1.id`).
 */
export function fromReplacer(pairs: readonly (readonly [FromClause, FromClause])[]): ColumnReplacer {
  const map = new Map<ColumnClause<any>, ColumnClause<any>>();
  for (const [from, to] of pairs) {
    const byKey = new Map(to.columns.map((c) => [c.key, c]));
    for (const c of from.columns) {
      const t = byKey.get(c.key);
      if (t !== undefined && !map.has(c)) map.set(c, t);
    }
  }
  return (col) => map.get(col);
}

function replaceNode(e: ClauseElement, replace: ColumnReplacer): ClauseElement {
  if (e instanceof ColumnClause) return replace(e) ?? e;
  if (e instanceof FromClause || e instanceof BindParameter || isStatementBoundary(e)) return e;
  let copy: Record<PropertyKey, unknown> | null = null;
  for (const key of Reflect.ownKeys(e)) {
    const d = Object.getOwnPropertyDescriptor(e, key)!;
    if (!("value" in d)) continue;
    const v = replaceValue(d.value, replace, 0);
    if (v !== d.value) {
      copy ??= cloneShallow(e);
      Object.defineProperty(copy, key, { ...d, value: v });
    }
  }
  return (copy as ClauseElement | null) ?? e;
}

function replaceValue(v: unknown, replace: ColumnReplacer, depth: number): unknown {
  if (v instanceof ClauseElement) return replaceNode(v, replace);
  if (Array.isArray(v) && depth < 2) {
    let out: unknown[] | null = null;
    v.forEach((x, i) => {
      const r = replaceValue(x, replace, depth + 1);
      if (r !== x) {
        out ??= [...v];
        out[i] = r;
      }
    });
    return out ?? v;
  }
  return v;
}

function cloneShallow(e: ClauseElement): Record<PropertyKey, unknown> {
  const copy = Object.create(Object.getPrototypeOf(e)) as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(e))
    Object.defineProperty(copy, key, Object.getOwnPropertyDescriptor(e, key)!);
  return copy;
}

/** Nodes whose insides belong to another SELECT. */
function isStatementBoundary(n: ClauseElement): boolean {
  return (
    (n as { _isSelect?: boolean })._isSelect === true || n.kind === "scalar_select" || n.kind === "exists"
  );
}
