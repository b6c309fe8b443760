/**
 * FROM-able things and SELECT (SQLAlchemy: `sql/selectable.py`).
 */
import { ArgumentError } from "../util/errors.js";
import type { SqlCompiler } from "./compiler.js";
import {
  and,
  ClauseElement,
  coerce,
  ColumnClause,
  ColumnElement,
  FromClause,
  OrderByElement,
  type ExpressionArg,
} from "./elements.js";
import { INTEGER_TYPE } from "./types/internal.js";
import { NULLTYPE } from "./types/type-engine.js";

/** A foreign key as the expression layer sees it: enough to infer a join's ON clause. */
export interface ForeignKeyLike {
  /** The referencing column. */
  readonly parent: ColumnClause<any>;
  /** The referenced column. */
  readonly column: ColumnClause<any>;
}

/** Columns of a table, by key. */
export type ColumnMap = Record<string, ColumnClause<any, any>>;

/** The row type of a table: each column's value type, by key. */
export type RowOfColumns<C> = { -readonly [K in keyof C]: C[K] extends ColumnElement<infer T, any> ? T : never };

/** A named table (SQLAlchemy: `TableClause`); `schema.Table` adds constraints and DDL. */
export class TableClause<N extends string = string, C extends ColumnMap = ColumnMap> extends FromClause {
  readonly kind: string = "table";
  /** Phantom: the row type. */
  declare readonly __row?: RowOfColumns<C>;
  readonly c: C;
  readonly columns: readonly ColumnClause<any>[];
  constructor(
    readonly name: N,
    columns: readonly ColumnClause<any>[],
    readonly schema: string | null = null,
  ) {
    super();
    this.columns = columns;
    const c: Record<string, ColumnClause<any>> = {};
    for (const col of columns) c[col.key] = col;
    this.c = c as C;
  }
  /** Foreign keys of this table; plain table clauses have none. */
  get foreignKeys(): readonly ForeignKeyLike[] {
    return [];
  }
  /** An aliased copy, `table AS alias`. */
  alias(name?: string): Alias<C> {
    return new Alias<C>(this, name ?? null);
  }
  _compile(c: SqlCompiler): string {
    return c.visitTable(this);
  }
}

/**
 * A lightweight table for ad-hoc statements (SQLAlchemy: `table()`).
 * @example const t = table("users", column("id", Integer), column("name", String()))
 */
export function table<N extends string, const Cols extends readonly ColumnClause<any, any>[]>(
  name: N,
  ...columns: Cols
): TableClause<N, { [I in keyof Cols & `${number}` as Cols[I] extends ColumnClause<any, infer K> ? K : never]: Cols[I] }> {
  const t = new TableClause<N, any>(name, []);
  const bound = columns.map((col) => new ColumnClause(col.name, col.type, t, col.key));
  (t as { columns: readonly ColumnClause<any>[] }).columns = bound;
  for (const col of bound) (t.c as Record<string, ColumnClause<any>>)[col.key] = col;
  return t;
}

/** `from AS name` (SQLAlchemy: `Alias`). Its columns are bound to the alias. */
export class Alias<C extends ColumnMap = ColumnMap> extends FromClause {
  readonly kind: string = "alias";
  readonly c: C;
  readonly columns: readonly ColumnClause<any>[];
  constructor(
    readonly element: FromClause,
    /** null: an anonymous name is generated at compile time. */
    readonly name: string | null,
  ) {
    super();
    this.columns = element.columns.map((col) => new ColumnClause(col.name, col.type, this, col.key));
    const c: Record<string, ColumnClause<any>> = {};
    for (const col of this.columns) c[col.key] = col;
    this.c = c as C;
  }
  get foreignKeys(): readonly ForeignKeyLike[] {
    const inner = this.element as { foreignKeys?: readonly ForeignKeyLike[] };
    return (inner.foreignKeys ?? []).map((fk) => ({
      parent: this.c[fk.parent.key] ?? fk.parent,
      column: fk.column,
    }));
  }
  _compile(c: SqlCompiler): string {
    return c.visitAlias(this);
  }
}

/** `left [LEFT OUTER | FULL OUTER] JOIN right ON onclause`. */
export class Join extends FromClause {
  readonly kind = "join";
  readonly columns: readonly ColumnClause<any>[];
  readonly c: Record<string, ColumnClause<any>>;
  constructor(
    readonly left: FromClause,
    readonly right: FromClause,
    readonly onclause: ColumnElement<any>,
    readonly isOuter: boolean,
    readonly full: boolean,
  ) {
    super();
    this.columns = [...left.columns, ...right.columns];
    const c: Record<string, ColumnClause<any>> = {};
    for (const col of this.columns) c[col.key] ??= col;
    this.c = c;
  }
  _compile(c: SqlCompiler): string {
    return c.visitJoin(this);
  }
}

/** The FROM clauses a join stands for (itself and every table inside it). */
export function joinLeaves(from: FromClause, out: FromClause[] = []): FromClause[] {
  if (from instanceof Join) {
    joinLeaves(from.left, out);
    joinLeaves(from.right, out);
  } else out.push(from);
  return out;
}

/** Infers `ON a.x = b.y` from the foreign keys between two FROM clauses; exactly one path is required. */
export function inferOnClause(left: FromClause, right: FromClause): ColumnElement<boolean> {
  const leaves = joinLeaves(left);
  const conds: ColumnElement<boolean>[] = [];
  const describe: string[] = [];
  for (const l of leaves) {
    const found = [...fkPairs(l, right), ...fkPairs(right, l)];
    for (const [a, b] of found) {
      conds.push(a.eq(b));
      describe.push(`${qualified(a)} = ${qualified(b)}`);
    }
    if (found.length) break; // SQLAlchemy: the leftmost table with a path wins
  }
  if (conds.length === 0) {
    throw new ArgumentError(
      `Can't find any foreign key relationships between '${fromName(left)}' and '${fromName(right)}'. ` +
        `Pass the ON clause explicitly: .join(${fromName(right)}, onclause).`,
      "ATH-JOIN-NOPATH",
    );
  }
  if (conds.length > 1) {
    throw new ArgumentError(
      `Can't determine the join between '${fromName(left)}' and '${fromName(right)}'; ` +
        `there are multiple foreign key paths (${describe.join("; ")}). Pass the ON clause explicitly.`,
      "ATH-JOIN-AMBIGUOUS",
    );
  }
  return conds[0]!;
}

function fkPairs(from: FromClause, target: FromClause): [ColumnClause<any>, ColumnClause<any>][] {
  const fks = (from as { foreignKeys?: readonly ForeignKeyLike[] }).foreignKeys ?? [];
  const out: [ColumnClause<any>, ColumnClause<any>][] = [];
  for (const fk of fks) {
    const refTable = fk.column.table;
    if (refTable === target || (target instanceof Alias && target.element === refTable)) {
      const col = target.c[fk.column.key];
      if (col) out.push([fk.parent, col]);
    }
  }
  return out;
}

function fromName(f: FromClause): string {
  if (f instanceof TableClause) return f.name;
  if (f instanceof Alias) return f.name ?? fromName(f.element);
  if (f instanceof Join) return `${fromName(f.left)} JOIN ${fromName(f.right)}`;
  return f.kind;
}

function qualified(c: ColumnClause<any>): string {
  return c.table ? `${fromName(c.table)}.${c.name}` : c.name;
}

/** Anything that can appear in `select(...)`: a column expression or a whole table. */
export type SelectItem = ColumnElement<any, string> | TableClause<string, any> | Alias<any>;

type ItemKey<X> = X extends ColumnElement<any, infer K> ? K : never;
type ItemValue<X> = X extends ColumnElement<infer T, any> ? T : never;
type TablePart<X> = X extends TableClause<string, infer C> ? RowOfColumns<C> : X extends Alias<infer C> ? RowOfColumns<C> : {};
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Flattens an intersection into one object type for readable hovers. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The row type of `select(...items)`. */
export type RowOf<Items extends readonly SelectItem[]> = Simplify<
  { [I in keyof Items & `${number}` as ItemKey<Items[I]>]: ItemValue<Items[I]> } & UnionToIntersection<
    TablePart<Items[number]>
  >
>;
/** The type of the first selected column (what `scalars()` yields). */
export type ScalarOf<Items extends readonly SelectItem[]> = Items extends readonly [infer F, ...unknown[]]
  ? F extends ColumnElement<infer T, any>
    ? T
    : TablePart<F>
  : unknown;

export interface ForUpdateOptions {
  nowait?: boolean;
  skipLocked?: boolean;
  /** FOR SHARE (PostgreSQL) / LOCK IN SHARE MODE (MySQL). */
  read?: boolean;
  of?: readonly (FromClause | ColumnElement<any>)[];
}

interface SelectState {
  readonly items: readonly SelectItem[];
  readonly froms: readonly FromClause[];
  readonly where: ColumnElement<any> | null;
  readonly groupBy: readonly ColumnElement<any>[];
  readonly having: ColumnElement<any> | null;
  readonly orderBy: readonly OrderByElement[];
  readonly limit: ColumnElement<any> | null;
  readonly offset: ColumnElement<any> | null;
  readonly distinct: boolean;
  readonly forUpdate: ForUpdateOptions | null;
}

/**
 * An immutable SELECT. Every method returns a new statement.
 * @example
 * const stmt = select(users.c.id, users.c.name).where(users.c.isActive.eq(true)).orderBy(users.c.name);
 * const rows = (await conn.execute(stmt)).all(); // { id: number; name: string }[]
 */
export class Select<Row = Record<string, unknown>, Scalar = unknown> extends ClauseElement {
  readonly kind = "select";
  declare readonly __row?: Row;
  declare readonly __scalar?: Scalar;
  /** @internal */
  readonly _s: SelectState;
  constructor(state: SelectState) {
    super();
    this._s = state;
  }
  private with(patch: Partial<SelectState>): Select<Row, Scalar> {
    return new Select<Row, Scalar>({ ...this._s, ...patch });
  }
  /** Adds WHERE criteria, joined with AND to any already present. */
  where(...criteria: (ColumnElement<boolean | null> | undefined)[]): Select<Row, Scalar> {
    const all = this._s.where ? [this._s.where, ...criteria] : criteria;
    const defined = all.filter((c) => c !== undefined);
    return defined.length ? this.with({ where: and(...defined) }) : this;
  }
  /** Alias of `where` (SQLAlchemy: `filter`). */
  filter(...criteria: (ColumnElement<boolean | null> | undefined)[]): Select<Row, Scalar> {
    return this.where(...criteria);
  }
  /** Adds explicit FROM clauses (SQLAlchemy: `select_from`). */
  selectFrom(...froms: FromClause[]): Select<Row, Scalar> {
    return this.with({ froms: [...this._s.froms, ...froms] });
  }
  /** Joins `target` to the leftmost FROM; the ON clause is inferred from foreign keys when omitted. */
  join(target: FromClause, onclause?: ColumnElement<boolean | null>, options?: { isOuter?: boolean; full?: boolean }): Select<Row, Scalar> {
    const froms = [...this._s.froms];
    let leftIdx = 0;
    if (froms.length === 0) {
      const first = this.implicitFroms()[0];
      if (!first) throw new ArgumentError("select().join() needs a FROM to join from; select a column or call selectFrom() first.");
      froms.push(first);
    } else {
      // Join from the FROM that can reach the target, leftmost first (as SQLAlchemy does).
      if (!onclause) {
        for (let i = 0; i < froms.length; i++) {
          try {
            inferOnClause(froms[i]!, target);
            leftIdx = i;
            break;
          } catch {
            /* try the next FROM */
          }
        }
      }
    }
    const left = froms[leftIdx]!;
    const on = onclause ?? inferOnClause(left, target);
    froms[leftIdx] = new Join(left, target, on, options?.isOuter ?? false, options?.full ?? false);
    return this.with({ froms });
  }
  /** `LEFT OUTER JOIN`. */
  outerJoin(target: FromClause, onclause?: ColumnElement<boolean | null>): Select<Row, Scalar> {
    return this.join(target, onclause, { isOuter: true });
  }
  /** `FULL OUTER JOIN` (not on MySQL). */
  fullOuterJoin(target: FromClause, onclause?: ColumnElement<boolean | null>): Select<Row, Scalar> {
    return this.join(target, onclause, { isOuter: true, full: true });
  }
  groupBy(...cols: ColumnElement<any>[]): Select<Row, Scalar> {
    return this.with({ groupBy: [...this._s.groupBy, ...cols] });
  }
  having(...criteria: ColumnElement<boolean | null>[]): Select<Row, Scalar> {
    const all = this._s.having ? [this._s.having, ...criteria] : criteria;
    return this.with({ having: and(...all) });
  }
  orderBy(...items: (ColumnElement<any> | OrderByElement)[]): Select<Row, Scalar> {
    const ob = items.map((i) => (i instanceof OrderByElement ? i : new OrderByElement(i, null, null)));
    return this.with({ orderBy: [...this._s.orderBy, ...ob] });
  }
  limit(n: number | ColumnElement<number> | null): Select<Row, Scalar> {
    return this.with({ limit: n === null ? null : coerce(n, INTEGER_TYPE) });
  }
  offset(n: number | ColumnElement<number> | null): Select<Row, Scalar> {
    return this.with({ offset: n === null ? null : coerce(n, INTEGER_TYPE) });
  }
  distinct(): Select<Row, Scalar> {
    return this.with({ distinct: true });
  }
  /** `FOR UPDATE [NOWAIT | SKIP LOCKED]` (SQLAlchemy: `with_for_update`). Ignored on SQLite, which locks the database. */
  forUpdate(options: ForUpdateOptions = {}): Select<Row, Scalar> {
    return this.with({ forUpdate: options });
  }
  /** This SELECT as a named subquery usable in FROM. */
  subquery(name?: string): Alias<any> {
    return new Alias(new SelectAsFrom(this), name ?? null);
  }
  /** This SELECT as a value, `(SELECT …)`, for use in expressions. */
  scalarSubquery(): ColumnElement<Scalar> {
    return new ScalarSelect<Scalar>(this);
  }
  /** The FROM clauses implied by the selected columns and WHERE criteria, minus explicit ones. @internal */
  implicitFroms(): FromClause[] {
    const covered = new Set<FromClause>();
    for (const f of this._s.froms) for (const leaf of joinLeaves(f)) covered.add(leaf);
    const out: FromClause[] = [];
    const add = (f: FromClause | null) => {
      if (f && !covered.has(f)) {
        covered.add(f);
        out.push(f);
      }
    };
    for (const item of this._s.items) {
      if (item instanceof FromClause) add(item);
      else collectFroms(item, add);
    }
    if (this._s.where) collectFroms(this._s.where, add);
    return out;
  }
  /** The selected columns, with tables expanded to their columns. @internal */
  selectedColumns(): ColumnElement<any>[] {
    const out: ColumnElement<any>[] = [];
    for (const item of this._s.items) {
      if (item instanceof FromClause) out.push(...item.columns);
      else out.push(item);
    }
    return out;
  }
  _compile(c: SqlCompiler): string {
    return c.visitSelect(this);
  }
}

/** Walks an expression for the tables its columns come from (not into subqueries). */
function collectFroms(e: unknown, add: (f: FromClause | null) => void): void {
  if (e instanceof ColumnClause) {
    add(e.table);
    return;
  }
  if (!(e instanceof ClauseElement) || e instanceof Select || e instanceof ScalarSelect) return;
  for (const v of Object.values(e)) {
    if (Array.isArray(v)) for (const x of v) collectFroms(x, add);
    else if (v instanceof ClauseElement) collectFroms(v, add);
  }
}

/** Wraps a SELECT so it can stand in FROM (compiled in parentheses). @internal */
export class SelectAsFrom extends FromClause {
  readonly kind = "select_as_from";
  readonly columns: readonly ColumnClause<any>[];
  readonly c: Record<string, ColumnClause<any>>;
  constructor(readonly select: Select<any, any>) {
    super();
    this.columns = select.selectedColumns().map((col) => new ColumnClause(col.key, col.type, null, col.key));
    const c: Record<string, ColumnClause<any>> = {};
    for (const col of this.columns) c[col.key] = col;
    this.c = c;
  }
  _compile(c: SqlCompiler): string {
    return c.visitSelectAsFrom(this);
  }
}

/** `(SELECT …)` used as a value. */
export class ScalarSelect<T> extends ColumnElement<T> {
  readonly kind = "scalar_select";
  constructor(readonly select: Select<any, any>) {
    super();
  }
  get type() {
    return this.select.selectedColumns()[0]?.type ?? NULLTYPE;
  }
  _compile(c: SqlCompiler): string {
    return c.visitScalarSelect(this);
  }
}

/**
 * Starts a SELECT of columns, expressions or whole tables.
 * @example select(users.c.id, func.count(orders.c.id).label("orderCount")).join(orders).groupBy(users.c.id)
 */
export function select<const Items extends readonly SelectItem[]>(...items: Items): Select<RowOf<Items>, ScalarOf<Items>> {
  if (items.length === 0) throw new ArgumentError("select() needs at least one column, expression or table.");
  return new Select<any, any>({
    items,
    froms: [],
    where: null,
    groupBy: [],
    having: null,
    orderBy: [],
    limit: null,
    offset: null,
    distinct: false,
    forUpdate: null,
  });
}

/** `EXISTS (SELECT …)`. */
export class Exists extends ColumnElement<boolean> {
  readonly kind = "exists";
  readonly type = coerce(true, NULLTYPE).type;
  constructor(readonly select: Select<any, any>) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitExists(this);
  }
}
export function exists(stmt: Select<any, any>): ColumnElement<boolean> {
  return new Exists(stmt);
}

export type { ExpressionArg };
