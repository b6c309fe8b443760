/**
 * FROM-able things (SQLAlchemy: `sql/selectable.py`): tables, table aliases, joins,
 * subqueries and LATERAL subqueries. SELECT itself is in `select.ts`, CTEs in `cte.ts`.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ClauseElement, ColumnClause, ColumnElement, FromClause, registerNodes } from "./base.js";
import type { SqlCompiler } from "./compiler.js";
// Columns come from tables: make sure the node classes their operators build are registered.
import "./operators.js";
import "./conversions.js";

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
export type RowOfColumns<C> = {
  -readonly [K in keyof C]: C[K] extends ColumnElement<infer T, any> ? T : never;
};

/** Typed columns of a subquery or CTE whose rows are `Row`. */
export type ColumnsOf<Row> = { readonly [K in keyof Row & string]: ColumnClause<Row[K], K> };

/** Property names that tools probe on any object; a missing one is not a misspelt column. */
const PROBES = new Set([
  "then",
  "toJSON",
  "asymmetricMatch",
  "nodeType",
  "tagName",
  "inspect",
  "length",
  "size",
  "Symbol",
]);

/** What a column collection's error names: its kind ("Table", "Alias", …) and its owner. */
const OWNER = Symbol("athanor.columnsOwner");
interface GuardTarget {
  readonly [OWNER]: { readonly what: string; readonly owner: { readonly name: string | null } };
}

/** One handler for every collection (no closure per table or alias built). */
const guard: ProxyHandler<GuardTarget> = {
  get(target, p, receiver) {
    if (typeof p === "string" && !(p in target) && /^[A-Za-z][A-Za-z0-9_]*$/.test(p) && !PROBES.has(p)) {
      const { what, owner } = target[OWNER];
      const known = Object.keys(receiver as object);
      throw new ArgumentError(
        `${what} '${owner.name ?? "(anonymous)"}' has no column '${p}'. Its columns are: ${known.join(", ") || "(none)"}.`,
        "ATH-COLUMN",
      );
    }
    return Reflect.get(target, p, receiver);
  },
};

/**
 * A column collection that raises a clear error for an unknown column key (SQLAlchemy
 * raises AttributeError), instead of letting `undefined.eq(…)` fail somewhere else; the error
 * names `what` and `owner.name` ("Table 'users'").
 *
 * The columns are the object's own properties and the check sits in a Proxy *behind* them,
 * as its prototype: a known column is a plain property read (a Proxy in front cost ~40 ns
 * per `table.c.x`, a fair part of building a statement); only a miss reaches the trap.
 */
export function strictColumns<C>(
  what: string,
  owner: { readonly name: string | null },
  columns: readonly ColumnClause<any>[],
): C {
  const target = Object.create(Object.prototype) as GuardTarget;
  Object.defineProperty(target, OWNER, { value: { what, owner } });
  const c = Object.create(new Proxy(target, guard)) as Record<string, ColumnClause<any>>;
  for (const col of columns) {
    // Defined, not assigned: an assignment would travel through the guard (and `__proto__` is a
    // key like any other).
    Object.defineProperty(c, col.key, { value: col, enumerable: true, writable: true, configurable: true });
  }
  return c as C;
}

/** Result keys for exported columns: a repeated key gets `_1`, `_2`… (SQLAlchemy's disambiguation). */
export function exportedKeys(cols: readonly ColumnElement<any>[]): string[] {
  const seen = new Map<string, number>();
  const keys: string[] = [];
  for (const c of cols) {
    let key = c.key;
    const n = seen.get(key);
    if (n !== undefined) {
      seen.set(key, n + 1);
      key = `${key}_${n + 1}`;
    } else seen.set(key, 0);
    keys.push(key);
  }
  return keys;
}

/** Copies of `columns` bound to `owner` (an alias, a subquery…), same names, types and keys. @internal */
export function rebind(columns: readonly ColumnClause<any>[], owner: FromClause): ColumnClause<any>[] {
  const out: ColumnClause<any>[] = [];
  for (const col of columns) out.push(new ColumnClause(col.name, col.type, owner, col.key));
  return out;
}

/** Columns named by `keys`, typed like `cols`, bound to `owner` (a subquery's or CTE's). @internal */
export function exportedColumns(cols: readonly ColumnElement<any>[], owner: FromClause): ColumnClause<any>[] {
  const keys = exportedKeys(cols);
  const out: ColumnClause<any>[] = [];
  for (let i = 0; i < cols.length; i++) out.push(new ColumnClause(keys[i]!, cols[i]!.type, owner, keys[i]!));
  return out;
}

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
    // A schema Table (any subclass) is keyed by identity; a lightweight table() by what it
    // spells, so that one built per call still shares a key.
    (this as { _keyedById: boolean })._keyedById = new.target !== TableClause;
    if (typeof name !== "string" || name === "")
      throw new ArgumentError("A table needs a non-empty name.", "ATH-ARG");
    this.columns = columns;
    this.c = strictColumns<C>("Table", this, columns);
  }
  /** An aliased copy, `table AS alias`; its columns are bound to the alias. */
  alias(name?: string): Alias<C> {
    return new Alias<C>(this, name ?? null);
  }
  _compile(c: SqlCompiler): string {
    return c.visitTable(this);
  }
  _fromKey(k: CacheKeyBuilder): void {
    if (!this._keyedById) {
      k.s("t");
      k.str(this.name);
      k.str(this.schema ?? "");
      k.n(this.columns.length);
      for (const c of this.columns) {
        k.str(c.name);
        k.str(c.key);
        k.type(c.type);
      }
    } else {
      k.s("T");
      k.id(this);
    }
  }
}

/**
 * A lightweight table for ad-hoc statements (SQLAlchemy: `table()`).
 * @example const t = table("users", column("id", Integer), column("name", String()))
 */
export function table<N extends string, const Cols extends readonly ColumnClause<any, any>[]>(
  name: N,
  ...columns: Cols
): TableClause<
  N,
  { [I in keyof Cols & `${number}` as Cols[I] extends ColumnClause<any, infer K> ? K : never]: Cols[I] }
> {
  const t = new TableClause<N, any>(name, []);
  const bound = rebind(columns, t);
  (t as { columns: readonly ColumnClause<any>[] }).columns = bound;
  (t as { c: unknown }).c = strictColumns("Table", t, bound);
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
    this.columns = rebind(element.columns, this);
    this.c = strictColumns<C>("Alias", this, this.columns);
  }
  override get foreignKeys(): readonly ForeignKeyLike[] {
    return this.element.foreignKeys.map((fk) => ({
      parent: this.c[fk.parent.key] ?? fk.parent,
      column: fk.column,
    }));
  }
  _compile(c: SqlCompiler): string {
    return c.visitAlias(this);
  }
  _fromKey(k: CacheKeyBuilder): void {
    k.s("A");
    k.str(this.name ?? "");
    k.from(this.element);
  }
}

/** `left [LEFT OUTER | FULL OUTER] JOIN right ON onclause`. */
export class Join extends FromClause {
  readonly kind = "join";
  private _columns: readonly ColumnClause<any>[] | null = null;
  private _c: Record<string, ColumnClause<any>> | null = null;
  constructor(
    readonly left: FromClause,
    readonly right: FromClause,
    readonly onclause: ColumnElement<any>,
    readonly isOuter: boolean,
    readonly full: boolean,
  ) {
    super();
  }
  /** The columns of both sides; built when first asked (`select().join()` builds joins that nobody asks). */
  get columns(): readonly ColumnClause<any>[] {
    return (this._columns ??= [...this.left.columns, ...this.right.columns]);
  }
  get c(): Record<string, ColumnClause<any>> {
    if (this._c === null) {
      const c: Record<string, ColumnClause<any>> = {};
      for (const col of this.columns) c[col.key] ??= col;
      this._c = c;
    }
    return this._c;
  }
  override get foreignKeys(): readonly ForeignKeyLike[] {
    return [...this.left.foreignKeys, ...this.right.foreignKeys];
  }
  _compile(c: SqlCompiler): string {
    return c.visitJoin(this);
  }
  _fromKey(k: CacheKeyBuilder): void {
    // The flags in the tag: one token instead of three.
    k.s(this.isOuter ? (this.full ? "JOF" : "JO") : this.full ? "JF" : "J");
    k.from(this.left);
    k.from(this.right);
    this.onclause._ck(k);
  }
}

/** What a subquery or CTE wraps: a SELECT or a compound SELECT. */
export interface SelectableStatement extends ClauseElement {
  /** The selected columns, tables expanded. @internal */
  exportedColumns(): readonly ColumnElement<any>[];
}

/** A SELECT in FROM, `(SELECT …) AS name` (SQLAlchemy: `Subquery`). Columns are typed from the SELECT's rows. */
export class Subquery<Row = Record<string, unknown>> extends FromClause {
  readonly kind: string = "subquery";
  declare readonly __row?: Row;
  readonly c: ColumnsOf<Row>;
  readonly columns: readonly ColumnClause<any>[];
  constructor(
    readonly element: SelectableStatement,
    /** null: an anonymous name (`anon_1`) is generated at compile time. */
    readonly name: string | null,
  ) {
    super();
    this.columns = exportedColumns(element.exportedColumns(), this);
    this.c = strictColumns<ColumnsOf<Row>>("Subquery", this, this.columns);
  }
  /** The same subquery under another name. */
  alias(name?: string): Subquery<Row> {
    return new Subquery<Row>(this.element, name ?? null);
  }
  _compile(c: SqlCompiler): string {
    return c.visitSubquery(this);
  }
  _fromKey(k: CacheKeyBuilder): void {
    k.s("SQ");
    k.str(this.name ?? "");
    this.element._ck(k);
  }
}

/** `LATERAL (SELECT …) AS name`: a subquery that may refer to FROMs to its left (PostgreSQL, MySQL 8). */
export class Lateral<Row = Record<string, unknown>> extends Subquery<Row> {
  override readonly kind: string = "lateral";
  override alias(name?: string): Lateral<Row> {
    return new Lateral<Row>(this.element, name ?? null);
  }
  override _compile(c: SqlCompiler): string {
    return c.visitSubquery(this);
  }
  override _fromKey(k: CacheKeyBuilder): void {
    k.s("LAT");
    super._fromKey(k);
  }
}

registerNodes({ Join });
