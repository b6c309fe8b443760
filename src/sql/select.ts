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
import { inferOnClause, joinLeaves } from "./joins.js";
import { andWith, OrderByElement, type Criterion } from "./operators.js";
import { limitValue, resolveLabel, SelectBase } from "./select-base.js";
import {
  checkItem,
  copyState,
  joinFits,
  NO_OPTIONS,
  referencedFroms,
  resolveItems,
  selectKey,
  type ExecutableOption,
  type ForUpdateOptions,
  type FromArg,
  type SelectArg,
  type SelectState,
} from "./select-state.js";
import { collectFroms } from "./visitor.js";
import {
  hasJoinTarget,
  JOIN_TARGET,
  resolveClauseElement,
  type EntityOf,
  type HasClauseElement,
  type HasJoinTarget,
} from "./roles.js";

export type { SelectItem, SelectArg, FromArg } from "./select-state.js";
export type { ForUpdateOptions, SelectState, ExecutableOption } from "./select-state.js";

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
    const s = copyState(this._s);
    if ("rawItems" in patch) s.rawItems = patch.rawItems;
    if (patch.items !== undefined) s.items = patch.items;
    if (patch.froms !== undefined) s.froms = patch.froms;
    if (patch.where !== undefined) s.where = patch.where;
    if (patch.groupBy !== undefined) s.groupBy = patch.groupBy;
    if (patch.having !== undefined) s.having = patch.having;
    if (patch.orderBy !== undefined) s.orderBy = patch.orderBy;
    if (patch.limit !== undefined) s.limit = patch.limit;
    if (patch.offset !== undefined) s.offset = patch.offset;
    if (patch.distinct !== undefined) s.distinct = patch.distinct;
    if (patch.distinctOn !== undefined) s.distinctOn = patch.distinctOn;
    if (patch.forUpdate !== undefined) s.forUpdate = patch.forUpdate;
    if (patch.correlate !== undefined) s.correlate = patch.correlate;
    if (patch.options !== undefined) s.options = patch.options;
    return new Select<Row, Scalar>(s);
  }
  /** Adds WHERE criteria, joined with AND to any already present; `undefined` entries are skipped. */
  where(...criteria: (Criterion | undefined)[]): Select<Row, Scalar> {
    const where = andWith(this._s.where, criteria);
    if (where === null) return this;
    const s = copyState(this._s);
    s.where = where;
    return new Select<Row, Scalar>(s);
  }
  /** Alias of `where` (SQLAlchemy: `filter`). */
  filter(...criteria: (Criterion | undefined)[]): Select<Row, Scalar> {
    return this.where(...criteria);
  }
  /** Adds explicit FROM clauses (SQLAlchemy: `select_from`). */
  selectFrom(...froms: FromArg[]): Select<Row, Scalar> {
    const all = this._s.froms.slice();
    for (let i = 0; i < froms.length; i++) {
      const f = froms[i]!;
      if (f instanceof FromClause) all.push(f);
      else {
        const r = resolveClauseElement(f);
        checkItem(r, i, "selectFrom()");
        all.push(r as FromClause);
      }
    }
    const s = copyState(this._s);
    s.froms = all;
    return new Select<Row, Scalar>(s);
  }
  /** Adds columns to the SELECT list. */
  addColumns<const Items extends readonly SelectArg[]>(
    ...items: Items
  ): Select<Simplify<Row & RowOf<Items>>, Scalar> {
    const r = resolveItems(items, this._s, "addColumns()");
    return this.with(r) as any;
  }
  /** Replaces the SELECT list, keeping FROM and criteria (SQLAlchemy: `with_only_columns`). */
  withOnlyColumns<const Items extends readonly SelectArg[]>(
    ...items: Items
  ): Select<RowOf<Items>, ScalarOf<Items>> {
    const r = resolveItems(items, null, "withOnlyColumns()");
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
      const steps = targetArg[JOIN_TARGET]();
      if (steps.length === 0) return this;
      let s = this.join(steps[0]!.target, steps[0]!.onclause, options);
      for (let i = 1; i < steps.length; i++) s = s.join(steps[i]!.target, steps[i]!.onclause, options);
      return s;
    }
    const target = resolveClauseElement(targetArg) as FromClause;
    if (!(target instanceof FromClause))
      throw new ArgumentError(
        `join() takes a table, alias or subquery; got ${describeValue(target)}.`,
        "ATH-ARG",
      );
    const left = this.joinLeft(target, onclause);
    const explicit = this._s.froms.slice();
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
    const s = copyState(this._s);
    s.froms = explicit;
    return new Select<Row, Scalar>(s);
  }
  /**
   * The FROM `join(target)` joins to: the first FROM, explicit ones first, that the ON clause
   * refers to (without one, that has a foreign key path to `target`), else the first FROM.
   * The implicit FROMs (a walk of the columns and WHERE) are only looked at when no explicit
   * one will do.
   */
  private joinLeft(target: FromClause, onclause: ColumnElement<boolean | null> | undefined): FromClause {
    // Loops and a helper rather than closures: this runs for every join of every statement built.
    const referenced = onclause ? referencedFroms(onclause) : null;
    const explicit = this._s.froms;
    for (const c of explicit) if (joinFits(c, target, referenced)) return c;
    const implicit = this.implicitFroms();
    for (const c of implicit) if (joinFits(c, target, referenced)) return c;
    const left = explicit[0] ?? implicit[0];
    if (left === undefined)
      throw new ArgumentError(
        "select().join() needs a FROM to join from; select a column or call selectFrom() first.",
        "ATH-ARG",
      );
    return left;
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
    const groupBy = this._s.groupBy.slice();
    for (const c of cols) groupBy.push(resolveLabel(this, c, "groupBy"));
    return this.with({ groupBy });
  }
  having(...criteria: (Criterion | undefined)[]): Select<Row, Scalar> {
    const having = andWith(this._s.having, criteria);
    return having === null ? this : this.with({ having });
  }
  /** ORDER BY; a string names a selected label (`orderBy("total")`). */
  orderBy(...items: (ColumnElement<any> | OrderByElement | string)[]): Select<Row, Scalar> {
    const ob = this._s.orderBy.slice();
    for (const i of items)
      ob.push(
        i instanceof OrderByElement ? i : new OrderByElement(resolveLabel(this, i, "orderBy"), null, null),
      );
    const s = copyState(this._s);
    s.orderBy = ob;
    return new Select<Row, Scalar>(s);
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
    for (let i = 0; i < opts.length; i++) {
      const o = opts[i];
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
    }
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
    selectKey(this._s, k);
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
  const r = resolveItems(items, null, "select()");
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
