/**
 * SELECT (SQLAlchemy: `Select`). Immutable: every method returns a new statement.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
export { LabelReference } from "./select-base.js";
import { ColumnElement, FromClause } from "./base.js";
import { describeValue } from "./coercions.js";
import type { SqlCompiler } from "./compiler.js";
import { Join, type RowOfColumns } from "./from-clauses.js";
import { inferOnClause, joinLeaves, joinPaths } from "./joins.js";
import { and, OrderByElement, type Criterion } from "./operators.js";
import { limitValue, resolveLabel, SelectBase } from "./select-base.js";
import { collectFroms } from "./visitor.js";
import {
  hasJoinTarget,
  JOIN_TARGET,
  resolveClauseElement,
  type EntityOf,
  type HasClauseElement,
  type HasJoinTarget,
} from "./roles.js";

/** Anything that can appear in `select(...)`: a column expression, or a table, alias, subquery or CTE. */
export type SelectItem = ColumnElement<any, string> | FromClause;
/** What `select(...)` takes: a SelectItem, or an object standing for one (a mapped class: `select(User)`). */
export type SelectArg = SelectItem | HasClauseElement<FromClause | ColumnElement<any>>;
/** A FROM given as itself or as an object standing for one (a mapped class). */
export type FromArg = FromClause | HasClauseElement<FromClause>;

type ItemKey<X> = X extends ColumnElement<any, infer K> ? K : never;
type ItemValue<X> = X extends ColumnElement<infer T, any> ? T : never;
type FromPart<X> = X extends FromClause ? (X extends { c: infer C } ? RowOfColumns<C> : {}) : {};
/** With an entity among the items (`select(User, Order.id)`), rows are tuples: `[User, number]`. */
type TupleItem<X> =
  X extends ColumnElement<infer T, any> ? T : X extends FromClause ? FromPart<X> : EntityOf<X>;
type HasEntity<Items extends readonly unknown[]> = {
  [I in keyof Items]: [EntityOf<Items[I]>] extends [never] ? never : true;
}[number] extends never
  ? false
  : true;
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** Flattens an intersection into one object type for readable hovers. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The row type of `select(...items)`: each column by its key (or label), each table's columns. */
export type RowOf<Items extends readonly SelectArg[]> =
  HasEntity<Items> extends true
    ? { -readonly [I in keyof Items]: TupleItem<Items[I]> }
    : Simplify<
        { [I in keyof Items & `${number}` as ItemKey<Items[I]>]: ItemValue<Items[I]> } & UnionToIntersection<
          FromPart<Items[number]>
        >
      >;
/** The type of the first selected column (what `scalars()` yields). */
export type ScalarOf<Items extends readonly SelectArg[]> = Items extends readonly [infer F, ...unknown[]]
  ? F extends ColumnElement<infer T, any>
    ? T
    : F extends HasClauseElement<any>
      ? F extends abstract new (...args: any) => infer E
        ? E
        : F extends { readonly __entity?: infer E }
          ? E
          : unknown
      : unknown
  : unknown;

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

const NO_OPTIONS: readonly ExecutableOption[] = Object.freeze([]);

/** Items with the objects standing for expressions (`[CLAUSE_ELEMENT]`) replaced, and the originals when any were. */
function resolveItems(
  items: readonly SelectArg[],
  prior: SelectState | null,
): { items: SelectItem[]; rawItems?: readonly SelectArg[] } {
  const resolved = items.map((i) => resolveClauseElement(i) as SelectItem);
  const changed = resolved.some((r, i) => r !== items[i]);
  if (prior === null) return changed ? { items: resolved, rawItems: items } : { items: resolved };
  const rawItems = prior.rawItems || changed ? [...(prior.rawItems ?? prior.items), ...items] : undefined;
  return rawItems
    ? { items: [...prior.items, ...resolved], rawItems }
    : { items: [...prior.items, ...resolved] };
}

function checkItems(items: readonly unknown[], what: string): void {
  items.forEach((item, i) => {
    if (!(item instanceof ColumnElement) && !(item instanceof FromClause)) {
      throw new ArgumentError(
        `${what} argument ${i + 1} is not a column, expression or table: ${describeValue(item)}.`,
        "ATH-ARG",
      );
    }
  });
}

/**
 * The FROMs `Select.implicitFroms` is collecting. A module-level callback rather than a closure
 * per call (tsx wraps each closure in a naming helper, a measurable cost per statement built).
 */
let implicit: { covered: Set<FromClause>; out: FromClause[] } | null = null;

function addImplicitFrom(f: FromClause): void {
  const c = implicit!;
  if (!c.covered.has(f)) {
    c.covered.add(f);
    c.out.push(f);
  }
}

/**
 * An immutable SELECT. Every method returns a new statement.
 * @example
 * const stmt = select(users.c.id, users.c.name).where(users.c.isActive.eq(true)).orderBy(users.c.name);
 * const rows = (await conn.execute(stmt)).all(); // { id: number; name: string }[]
 */
export class Select<Row = Record<string, unknown>, Scalar = unknown> extends SelectBase<Row, Scalar> {
  readonly kind = "select";
  /** @internal */
  readonly _s: SelectState;
  constructor(state: SelectState) {
    super();
    this._s = state;
  }
  private with(patch: Partial<SelectState>): Select<Row, Scalar> {
    return new Select<Row, Scalar>({ ...this._s, ...patch });
  }
  /** Adds WHERE criteria, joined with AND to any already present; `undefined` entries are skipped. */
  where(...criteria: (Criterion | undefined)[]): Select<Row, Scalar> {
    const defined = criteria.filter((c) => c !== undefined);
    if (defined.length === 0) return this;
    return this.with({ where: this._s.where ? and(this._s.where, ...defined) : and(...defined) });
  }
  /** Alias of `where` (SQLAlchemy: `filter`). */
  filter(...criteria: (Criterion | undefined)[]): Select<Row, Scalar> {
    return this.where(...criteria);
  }
  /** Adds explicit FROM clauses (SQLAlchemy: `select_from`). */
  selectFrom(...froms: FromArg[]): Select<Row, Scalar> {
    const resolved = froms.map((f) => resolveClauseElement(f) as FromClause);
    checkItems(resolved, "selectFrom()");
    return this.with({ froms: [...this._s.froms, ...resolved] });
  }
  /** Adds columns to the SELECT list. */
  addColumns<const Items extends readonly SelectArg[]>(
    ...items: Items
  ): Select<Simplify<Row & RowOf<Items>>, Scalar> {
    const r = resolveItems(items, this._s);
    checkItems(r.items, "addColumns()");
    return this.with(r) as any;
  }
  /** Replaces the SELECT list, keeping FROM and criteria (SQLAlchemy: `with_only_columns`). */
  withOnlyColumns<const Items extends readonly SelectArg[]>(
    ...items: Items
  ): Select<RowOf<Items>, ScalarOf<Items>> {
    const r = resolveItems(items, null);
    checkItems(r.items, "withOnlyColumns()");
    if (items.length === 0)
      throw new ArgumentError("withOnlyColumns() needs at least one column.", "ATH-ARG");
    const froms = this._s.froms.length ? this._s.froms : this.implicitFroms();
    return this.with({ items: r.items, froms, rawItems: r.rawItems }) as any;
  }
  /**
   * Joins `target` to the FROM it can join to (the leftmost with a foreign key path when no
   * ON clause is given). The ON clause is inferred from foreign keys when omitted.
   */
  join(
    targetArg: FromArg | HasJoinTarget,
    onclause?: ColumnElement<boolean | null>,
    options?: { isOuter?: boolean; full?: boolean },
  ): Select<Row, Scalar> {
    if (hasJoinTarget(targetArg) && onclause === undefined) {
      // A relationship: one join per step, each with its own ON clause.
      return targetArg[JOIN_TARGET]().reduce<Select<Row, Scalar>>(
        (s, step) => s.join(step.target, step.onclause, options),
        this,
      );
    }
    const target = resolveClauseElement(targetArg) as FromClause;
    if (!(target instanceof FromClause))
      throw new ArgumentError(
        `join() takes a table, alias or subquery; got ${describeValue(target)}.`,
        "ATH-ARG",
      );
    const explicit = [...this._s.froms];
    const candidates: FromClause[] = [...explicit, ...this.implicitFroms()];
    if (candidates.length === 0)
      throw new ArgumentError(
        "select().join() needs a FROM to join from; select a column or call selectFrom() first.",
        "ATH-ARG",
      );
    let left = candidates[0]!;
    if (!onclause) {
      left = candidates.find((c) => joinPaths(c, target).length > 0) ?? left;
    } else {
      const referenced = new Set<FromClause>();
      collectFroms(onclause, (f) => referenced.add(f));
      left = candidates.find((c) => c !== target && joinLeaves(c).some((l) => referenced.has(l))) ?? left;
    }
    const joined = new Join(
      left,
      target,
      onclause ?? inferOnClause(left, target),
      options?.isOuter ?? false,
      options?.full ?? false,
    );
    const i = explicit.indexOf(left);
    if (i >= 0) explicit[i] = joined;
    else explicit.push(joined);
    return this.with({ froms: explicit });
  }
  /** `LEFT OUTER JOIN` (SQLAlchemy: `outerjoin`). */
  outerJoin(target: FromArg | HasJoinTarget, onclause?: ColumnElement<boolean | null>): Select<Row, Scalar> {
    return this.join(target, onclause, { isOuter: true });
  }
  /** `FULL OUTER JOIN` (not on MySQL). */
  fullOuterJoin(target: FromArg, onclause?: ColumnElement<boolean | null>): Select<Row, Scalar> {
    return this.join(target, onclause, { isOuter: true, full: true });
  }
  /** Joins `right` to an explicit `left` FROM (SQLAlchemy: `join_from`). */
  joinFrom(
    leftArg: FromArg,
    rightArg: FromArg,
    onclause?: ColumnElement<boolean | null>,
    options?: { isOuter?: boolean; full?: boolean },
  ): Select<Row, Scalar> {
    const left = resolveClauseElement(leftArg) as FromClause;
    const right = resolveClauseElement(rightArg) as FromClause;
    const joined = new Join(
      left,
      right,
      onclause ?? inferOnClause(left, right),
      options?.isOuter ?? false,
      options?.full ?? false,
    );
    const explicit = [...this._s.froms];
    const i = explicit.indexOf(left);
    if (i >= 0) explicit[i] = joined;
    else explicit.push(joined);
    return this.with({ froms: explicit });
  }
  /** GROUP BY; a string names a selected label. */
  groupBy(...cols: (ColumnElement<any> | string)[]): Select<Row, Scalar> {
    return this.with({ groupBy: [...this._s.groupBy, ...cols.map((c) => resolveLabel(this, c, "groupBy"))] });
  }
  having(...criteria: (Criterion | undefined)[]): Select<Row, Scalar> {
    const defined = criteria.filter((c) => c !== undefined);
    if (defined.length === 0) return this;
    return this.with({ having: this._s.having ? and(this._s.having, ...defined) : and(...defined) });
  }
  /** ORDER BY; a string names a selected label (`orderBy("total")`). */
  orderBy(...items: (ColumnElement<any> | OrderByElement | string)[]): Select<Row, Scalar> {
    const ob = items.map((i) =>
      i instanceof OrderByElement ? i : new OrderByElement(resolveLabel(this, i, "orderBy"), null, null),
    );
    return this.with({ orderBy: [...this._s.orderBy, ...ob] });
  }
  /** LIMIT n (bound as a parameter); null removes it. */
  limit(n: number | ColumnElement<number> | null): Select<Row, Scalar> {
    return this.with({ limit: limitValue(n, "limit") });
  }
  offset(n: number | ColumnElement<number> | null): Select<Row, Scalar> {
    return this.with({ offset: limitValue(n, "offset") });
  }
  /** `DISTINCT`, or with columns `DISTINCT ON (…)` (PostgreSQL only). */
  distinct(...on: ColumnElement<any>[]): Select<Row, Scalar> {
    return this.with({ distinct: true, distinctOn: [...this._s.distinctOn, ...on] });
  }
  /** `FOR UPDATE [OF …] [NOWAIT | SKIP LOCKED]` (SQLAlchemy: `with_for_update`). Ignored on SQLite, which locks the database. */
  forUpdate(options: ForUpdateOptions = {}): Select<Row, Scalar> {
    return this.with({ forUpdate: options });
  }
  /**
   * FROMs this SELECT, used inside another, takes from the enclosing one instead of listing
   * them itself. Without it, a subquery in WHERE or the columns correlates automatically
   * when it has more than one FROM (SQLAlchemy's rule).
   */
  correlate(...froms: FromClause[]): Select<Row, Scalar> {
    return this.with({ correlate: [...(this._s.correlate ?? []), ...froms] });
  }
  /**
   * Attaches options for the layer that runs the statement, after any already attached
   * (SQLAlchemy: `Executable.options`): ORM loader options. Core ignores them.
   * @example select(User).options(defer(User.bio), selectinload(User.orders))
   */
  options(...opts: ExecutableOption[]): Select<Row, Scalar> {
    opts.forEach((o, i) => {
      if (
        o === null ||
        typeof o !== "object" ||
        (o as Partial<ExecutableOption>).isExecutableOption !== true
      ) {
        throw new ArgumentError(
          `options() argument ${i + 1} is not a statement option (such as defer(User.bio) or selectinload(User.orders)): ${describeValue(o)}.`,
          "ATH-ARG",
        );
      }
    });
    if (opts.length === 0) return this;
    return this.with({ options: [...this._s.options, ...opts] });
  }
  exportedColumns(): ColumnElement<any>[] {
    const out: ColumnElement<any>[] = [];
    for (const item of this._s.items) {
      if (item instanceof FromClause) out.push(...item.columns);
      else out.push(item);
    }
    return out;
  }
  /** The selected columns, with tables expanded. */
  selectedColumns(): ColumnElement<any>[] {
    return this.exportedColumns();
  }
  /** The FROM clauses implied by the selected columns and WHERE criteria, minus explicit ones. @internal */
  implicitFroms(): FromClause[] {
    const covered = new Set<FromClause>();
    for (const f of this._s.froms) for (const leaf of joinLeaves(f)) covered.add(leaf);
    const out: FromClause[] = [];
    const outer = implicit;
    implicit = { covered, out };
    try {
      for (const item of this._s.items) {
        if (item instanceof FromClause) addImplicitFrom(item);
        else collectFroms(item, addImplicitFrom);
      }
      if (this._s.where) collectFroms(this._s.where, addImplicitFrom);
    } finally {
      implicit = outer;
    }
    return out;
  }
  /** Every FROM of this SELECT, explicit first (SQLAlchemy: `Select.froms`). */
  get froms(): FromClause[] {
    return [...this._s.froms, ...this.implicitFroms()];
  }
  _compile(c: SqlCompiler): string {
    return c.visitSelect(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    const s = this._s;
    k.s("SEL");
    k.list(s.items);
    k.list(s.froms);
    k.node(s.where);
    k.list(s.groupBy);
    k.node(s.having);
    k.list(s.orderBy);
    k.node(s.limit);
    k.node(s.offset);
    k.n(s.distinct);
    k.list(s.distinctOn);
    const fu = s.forUpdate;
    if (fu) {
      k.s("FU");
      k.n(!!fu.nowait);
      k.n(!!fu.skipLocked);
      k.n(!!fu.read);
      k.n(!!fu.keyShare);
      k.list(fu.of ?? []);
    } else k.s("~");
    if (s.correlate) k.list(s.correlate);
    else k.s("~");
    if (s.options.length === 0) k.s("~");
    else {
      k.s("OPT");
      for (const o of s.options) {
        k.s("(");
        o._cacheKey?.(k);
        k.s(")");
      }
    }
  }
}

/**
 * Starts a SELECT of columns, expressions or whole tables. Rows are typed from the items.
 * @example select(users.c.id, func.count(orders.c.id).label("orderCount")).join(orders).groupBy(users.c.id)
 */
export function select<const Items extends readonly SelectArg[]>(
  ...items: Items
): Select<RowOf<Items>, ScalarOf<Items>> {
  if (items.length === 0)
    throw new ArgumentError("select() needs at least one column, expression or table.", "ATH-ARG");
  const r = resolveItems(items, null);
  checkItems(r.items, "select()");
  // An explicit literal: `{ ...r, more }` falls off V8's fast path (about 10µs a call).
  return new Select<any, any>({
    items: r.items,
    rawItems: r.rawItems,
    froms: [],
    where: null,
    groupBy: [],
    having: null,
    orderBy: [],
    limit: null,
    offset: null,
    distinct: false,
    distinctOn: [],
    forUpdate: null,
    correlate: null,
    options: NO_OPTIONS,
  });
}
