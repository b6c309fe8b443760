/**
 * The parts of a SELECT (`Select._s`) and what building one does with them: resolving and
 * checking items, copying a state to change one part, choosing the FROM a join joins to, and
 * writing the cache key.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ColumnClause, ColumnElement, FromClause } from "./base.js";
import { describeValue } from "./coercions.js";
import { Join } from "./from-clauses.js";
import { BinaryExpression, type OrderByElement } from "./operators.js";
import { resolveClauseElement, type HasClauseElement } from "./roles.js";
import { joinPaths } from "./joins.js";
import { collectFromsInto } from "./visitor.js";

/** Anything that can appear in `select(...)`: a column expression, or a table, alias, subquery or CTE. */
export type SelectItem = ColumnElement<any, string> | FromClause;
/** What `select(...)` takes: a SelectItem, or an object standing for one (a mapped class: `select(User)`). */
export type SelectArg = SelectItem | HasClauseElement<FromClause | ColumnElement<any>>;
/** A FROM given as itself or as an object standing for one (a mapped class). */
export type FromArg = FromClause | HasClauseElement<FromClause>;

export interface ForUpdateOptions {
  nowait?: boolean;
  skipLocked?: boolean;
  /** FOR SHARE (PostgreSQL) / LOCK IN SHARE MODE (MySQL). */
  read?: boolean;
  /** FOR NO KEY UPDATE / FOR KEY SHARE (PostgreSQL). */
  keyShare?: boolean;
  /** Lock only these tables' rows (PostgreSQL; MySQL 8). */
  of?: readonly (FromClause | ColumnElement<any>)[];
}

/** @internal */
export interface SelectState {
  readonly items: readonly SelectItem[];
  readonly froms: readonly FromClause[];
  readonly where: ColumnElement<any> | null;
  readonly groupBy: readonly ColumnElement<any>[];
  readonly having: ColumnElement<any> | null;
  readonly orderBy: readonly OrderByElement[];
  readonly limit: ColumnElement<any> | null;
  readonly offset: ColumnElement<any> | null;
  readonly distinct: boolean;
  readonly distinctOn: readonly ColumnElement<any>[];
  readonly forUpdate: ForUpdateOptions | null;
  /** FROMs to correlate to an enclosing SELECT explicitly (SQLAlchemy: `correlate`); null: automatic. */
  readonly correlate: readonly FromClause[] | null;
  /** The items as given, when some stood for others (`select(User)`: the class; `items` has its table). See `roles.ts`. */
  readonly rawItems?: readonly SelectArg[];
  /** Options for the layer that runs the statement (ORM loader options); Core ignores them. */
  readonly options: readonly ExecutableOption[];
}

/**
 * An option attached to a statement with `options()`, for the layer that runs it: the ORM's
 * loader options (`defer(User.bio)`, `selectinload(User.orders)`). Core compiles and runs a
 * statement as if it had none. (SQLAlchemy: `ExecutableOption`.)
 */
export interface ExecutableOption {
  readonly isExecutableOption: true;
  /**
   * Writes what the option changes in the SQL into the statement's cache key, so statements
   * differing in such options never share a compiled form. Omitted: the option never changes
   * the SQL.
   */
  _cacheKey?(k: CacheKeyBuilder): void;
}

export const NO_OPTIONS: readonly ExecutableOption[] = Object.freeze([]);

/**
 * Items with the objects standing for expressions (`[CLAUSE_ELEMENT]`) replaced, and the
 * originals when any were; anything that is not (or does not stand for) a column expression or
 * a FROM is refused, naming `what` took it.
 */
export function resolveItems(
  items: readonly SelectArg[],
  prior: SelectState | null,
  what: string,
): { items: SelectItem[]; rawItems?: readonly SelectArg[] } {
  const resolved: SelectItem[] = [];
  let changed = false;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    // Expressions and FROMs are themselves: only other objects are asked what they stand for.
    let r: unknown = item;
    if (!(item instanceof ColumnElement) && !(item instanceof FromClause)) {
      r = resolveClauseElement(item);
      checkItem(r, i, what);
      changed = true;
    }
    resolved.push(r as SelectItem);
  }
  if (prior === null) return changed ? { items: resolved, rawItems: items } : { items: resolved };
  const rawItems = prior.rawItems || changed ? [...(prior.rawItems ?? prior.items), ...items] : undefined;
  return rawItems
    ? { items: [...prior.items, ...resolved], rawItems }
    : { items: [...prior.items, ...resolved] };
}

export function checkItem(item: unknown, i: number, what: string): void {
  if (!(item instanceof ColumnElement) && !(item instanceof FromClause)) {
    throw new ArgumentError(
      `${what} argument ${i + 1} is not a column, expression or table: ${describeValue(item)}.`,
      "ATH-ARG",
    );
  }
}

export type MutableState = { -readonly [K in keyof SelectState]: SelectState[K] };

/**
 * A copy of a state to change one part of. Written out field by field: `{ ...state, ...patch }`
 * was the largest single cost of building a statement (spreads leave V8's fast path).
 */
export function copyState(s: SelectState): MutableState {
  return {
    items: s.items,
    rawItems: s.rawItems,
    froms: s.froms,
    where: s.where,
    groupBy: s.groupBy,
    having: s.having,
    orderBy: s.orderBy,
    limit: s.limit,
    offset: s.offset,
    distinct: s.distinct,
    distinctOn: s.distinctOn,
    forUpdate: s.forUpdate,
    correlate: s.correlate,
    options: s.options,
  };
}

/** The FROMs an ON clause reads columns from; `a.x = b.y`, the usual one, without a tree walk. */
export function referencedFroms(onclause: ColumnElement<any>): FromClause[] {
  if (onclause instanceof BinaryExpression) {
    const l = onclause.left;
    const r = onclause.right;
    if (l instanceof ColumnClause && r instanceof ColumnClause && l.table !== null && r.table !== null)
      return [l.table, r.table];
  }
  return collectFromsInto(onclause, []);
}

/**
 * Whether `join(target)` may join to `c`: with an ON clause, `c` is not the target and holds a
 * FROM the clause refers to (`referenced`); without, `c` has a foreign key path to the target.
 */
export function joinFits(
  c: FromClause,
  target: FromClause,
  referenced: readonly FromClause[] | null,
): boolean {
  return referenced === null ? joinPaths(c, target).length > 0 : c !== target && hasLeafIn(c, referenced);
}

/** Whether a FROM, or a table inside it when it is a join, is one of `froms` (`joinLeaves` without the array). */
export function hasLeafIn(f: FromClause, froms: readonly FromClause[]): boolean {
  if (f instanceof Join) return hasLeafIn(f.left, froms) || hasLeafIn(f.right, froms);
  return froms.includes(f);
}

/** Writes a SELECT's cache key (`Select._ck`). */
export function selectKey(s: SelectState, k: CacheKeyBuilder): void {
  const fu = s.forUpdate;
  // Which optional parts are present, as one token: a plain SELECT writes none of them.
  const parts =
    (s.groupBy.length !== 0 ? 1 : 0) |
    (s.having !== null ? 2 : 0) |
    (s.orderBy.length !== 0 ? 4 : 0) |
    (s.limit !== null ? 8 : 0) |
    (s.offset !== null ? 16 : 0) |
    (s.distinct ? 32 : 0) |
    (s.distinctOn.length !== 0 ? 64 : 0) |
    (fu !== null ? 128 : 0) |
    (s.correlate !== null ? 256 : 0) |
    (s.options.length !== 0 ? 512 : 0);
  k.s("SEL");
  k.n(parts);
  // The commonest parts are walked here, not through `k.list`/`k.node`: see `CacheKeyBuilder.list`.
  const items = s.items;
  k.n(items.length);
  for (let i = 0; i < items.length; i++) items[i]!._ck(k);
  const froms = s.froms;
  k.n(froms.length);
  for (let i = 0; i < froms.length; i++) froms[i]!._ck(k);
  if (s.where === null) k.n(null);
  else s.where._ck(k);
  if (parts === 0) return;
  if (parts & 1) k.list(s.groupBy);
  if (parts & 2) k.node(s.having);
  if (parts & 4) {
    const ob = s.orderBy;
    k.n(ob.length);
    for (let i = 0; i < ob.length; i++) ob[i]!._ck(k);
  }
  if (parts & 8) k.node(s.limit);
  if (parts & 16) k.node(s.offset);
  if (parts & 64) k.list(s.distinctOn);
  if (fu !== null) {
    k.n(!!fu.nowait);
    k.n(!!fu.skipLocked);
    k.n(!!fu.read);
    k.n(!!fu.keyShare);
    k.list(fu.of ?? []);
  }
  if (s.correlate !== null) k.list(s.correlate);
  if (parts & 512) {
    k.n(s.options.length);
    for (const o of s.options) {
      k.s("(");
      o._cacheKey?.(k);
      k.s(")");
    }
  }
}
