/**
 * INSERT, UPDATE, DELETE (SQLAlchemy: `sql/dml.py`). Immutable builders; dialect packages
 * subclass Insert for upserts (`athanor/dialects/postgresql`'s `insert().onConflictDoUpdate`).
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ClauseElement, ColumnClause, ColumnElement, FromClause } from "./base.js";
import { coerce, describeValue } from "./coercions.js";
import type { SqlCompiler } from "./compiler.js";
import type { ColumnMap, TableClause } from "./from-clauses.js";
import { and, type Criterion } from "./operators.js";
import type { SelectBase } from "./select-base.js";
import type { RowOf, ScalarOf, SelectItem } from "./select.js";
import { resolveClauseElement, type HasClauseElement } from "./roles.js";

/** A DML target: a table, or an object standing for one (a mapped class, `update(User)`). */
export type DmlTarget<C extends ColumnMap> = TableClause<any, C> | HasClauseElement<TableClause<any, C>>;

type ValueOf<C> = C extends ColumnElement<infer T, any> ? T : never;
type Settable<T> = T | ColumnElement<T> | ColumnElement<NonNullable<T>>;
/** What an UPDATE may set for each column: a value or an expression. */
export type ValuesOf<C extends ColumnMap> = { [K in keyof C]?: Settable<ValueOf<C[K]>> };
/**
 * The row an INSERT takes: a column is optional when it has a default, is nullable or
 * autoincrements. Columns may carry a phantom `__insertOptional` (schema columns do).
 */
export type InsertValuesOf<C extends ColumnMap> = {
  [K in keyof C as C[K] extends { __insertOptional?: false } ? K : never]: Settable<ValueOf<C[K]>>;
} & {
  [K in keyof C as C[K] extends { __insertOptional?: false } ? never : K]?: Settable<ValueOf<C[K]>>;
};

/** One row of values, coerced to expressions, keyed by column. @internal */
export type ValuesRow = ReadonlyMap<ColumnClause<any>, ColumnElement<any>>;

/** Coerces `{ key: value }` against a table's columns; an unknown key is an error naming the known ones. @internal */
export function coerceRow(
  table: TableClause<any, any>,
  row: Record<string, unknown>,
  what: string,
): ValuesRow {
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    throw new ArgumentError(
      `${what} takes an object of column values, got ${describeValue(row)}.`,
      "ATH-ARG",
    );
  }
  const out = new Map<ColumnClause<any>, ColumnElement<any>>();
  const cols = table.columns as readonly ColumnClause<any>[];
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (v === undefined) continue;
    const col = cols.find((c) => c.key === key);
    if (!col) {
      throw new ArgumentError(
        `Unconsumed column name '${key}' in ${what} on table '${table.name}'. Known columns: ${cols.map((c) => c.key).join(", ")}.`,
        "ATH-COLUMN",
      );
    }
    out.set(col, coerce(v, col.type, col));
  }
  return out;
}

function rowKey(k: CacheKeyBuilder, row: ValuesRow): void {
  k.n(row.size);
  for (const [col, v] of row) {
    k.str(col.key);
    v._ck(k);
  }
}

/** What INSERT, UPDATE and DELETE share: a target table and RETURNING. */
export abstract class DmlBase<Row> extends ClauseElement {
  declare readonly __row?: Row;
  abstract readonly table: TableClause<any, any>;
  /** @internal */
  abstract readonly _returning: readonly SelectItem[];
  /** The RETURNING columns, tables expanded. @internal */
  returningColumns(): ColumnElement<any>[] {
    const out: ColumnElement<any>[] = [];
    for (const item of this._returning) {
      if (item instanceof ColumnElement) out.push(item);
      else out.push(...item.columns);
    }
    return out;
  }
  /** A copy with some fields replaced; subclasses (dialect inserts) keep their class. @internal */
  protected _copy(patch: Record<string, unknown>): this {
    return Object.assign(Object.create(Object.getPrototypeOf(this)), this, patch);
  }
}

function checkReturning(items: readonly unknown[]): void {
  if (items.length === 0) throw new ArgumentError("returning() needs at least one column.", "ATH-ARG");
  items.forEach((item, i) => {
    if (!(item instanceof ColumnElement) && !(item instanceof FromClause)) {
      throw new ArgumentError(
        `returning() argument ${i + 1} is not a column or table: ${describeValue(item)}.`,
        "ATH-ARG",
      );
    }
  });
}

/** @internal */
export interface InsertState {
  readonly rows: readonly ValuesRow[];
  readonly fromSelect: {
    readonly columns: readonly ColumnClause<any>[];
    readonly select: SelectBase<any, any>;
  } | null;
  readonly returning: readonly SelectItem[];
  /** ON CONFLICT / ON DUPLICATE KEY UPDATE, set by the dialect packages' inserts. */
  readonly onConflict: ClauseElement | null;
}

/**
 * `INSERT INTO table …`.
 * @example await conn.execute(insert(users).values({ username: "ann", email: "ann@x.io" }))
 * @example await conn.execute(insert(users), [{ username: "a" }, { username: "b" }]) // executemany
 */
export class Insert<C extends ColumnMap = ColumnMap, Row = never> extends DmlBase<Row> {
  readonly kind = "insert";
  constructor(
    readonly table: TableClause<any, C>,
    /** @internal */ readonly _state: InsertState,
  ) {
    super();
  }
  get _returning(): readonly SelectItem[] {
    return this._state.returning;
  }
  /** @internal */
  protected _with(patch: Partial<InsertState>): this {
    return this._copy({ _state: { ...this._state, ...patch } });
  }
  /** One row (an object) or several (an array: a multi-row VALUES). */
  values(rows: InsertValuesOf<C> | readonly InsertValuesOf<C>[]): this {
    if (this._state.fromSelect)
      throw new ArgumentError(
        "This INSERT already inserts from a SELECT; it can't take values() too.",
        "ATH-ARG",
      );
    const list = Array.isArray(rows) ? rows : [rows];
    if (list.length === 0) throw new ArgumentError("insert().values() got an empty list of rows.", "ATH-ARG");
    const coerced = list.map((r) => coerceRow(this.table, r as Record<string, unknown>, "insert().values()"));
    return this._with({ rows: [...this._state.rows, ...coerced] });
  }
  /** `INSERT INTO t (cols) SELECT …` (SQLAlchemy: `from_select`). */
  fromSelect(columns: readonly (keyof C & string)[], stmt: SelectBase<any, any>): this {
    if (this._state.rows.length)
      throw new ArgumentError(
        "This INSERT already has values(); it can't insert from a SELECT too.",
        "ATH-ARG",
      );
    const cols = columns.map((k) => {
      const col = (this.table.columns as readonly ColumnClause<any>[]).find((c) => c.key === k);
      if (!col)
        throw new ArgumentError(
          `Unknown column '${k}' for table '${this.table.name}' in fromSelect().`,
          "ATH-COLUMN",
        );
      return col;
    });
    const n = stmt.exportedColumns().length;
    if (n !== cols.length)
      throw new ArgumentError(
        `fromSelect() names ${cols.length} columns but the SELECT returns ${n}.`,
        "ATH-ARG",
      );
    return this._with({ fromSelect: { columns: cols, select: stmt } });
  }
  /** `RETURNING …` (PostgreSQL, SQLite, MariaDB 10.5+); rows are typed from the items. */
  returning<const Items extends readonly SelectItem[]>(
    ...items: Items
  ): Insert<C, RowOf<Items>> & { readonly __scalar?: ScalarOf<Items> } {
    checkReturning(items);
    return this._with({ returning: items }) as any;
  }
  /** @internal Sets the dialect's post-values clause (ON CONFLICT …). */
  _withOnConflict(clause: ClauseElement): this {
    return this._with({ onConflict: clause });
  }
  _compile(c: SqlCompiler): string {
    return c.visitInsert(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    const s = this._state;
    k.s("INS");
    k.from(this.table);
    k.n(s.rows.length);
    for (const r of s.rows) rowKey(k, r);
    if (s.fromSelect) {
      k.s("FS");
      k.n(s.fromSelect.columns.length);
      for (const c of s.fromSelect.columns) k.str(c.key);
      s.fromSelect.select._ck(k);
    } else k.s("~");
    k.list(s.returning);
    k.node(s.onConflict);
  }
}

/** Starts an INSERT into `table`. */
export function insert<C extends ColumnMap>(table: DmlTarget<C>): Insert<C, never> {
  return new Insert(resolveClauseElement(table) as TableClause<any, C>, initialInsertState());
}

/** @internal */
export function initialInsertState(): InsertState {
  return { rows: [], fromSelect: null, returning: [], onConflict: null };
}

interface UpdateState {
  readonly values: ValuesRow | null;
  readonly where: ColumnElement<any> | null;
  readonly returning: readonly SelectItem[];
}

/**
 * `UPDATE table SET … WHERE …`. `result.rowcount` is the number of rows matched. A WHERE
 * that refers to other tables renders UPDATE … FROM (MySQL: a multi-table UPDATE).
 * @example await conn.execute(update(users).where(users.c.id.in(ids)).values({ isActive: false }))
 */
export class Update<C extends ColumnMap = ColumnMap, Row = never> extends DmlBase<Row> {
  readonly kind = "update";
  constructor(
    readonly table: TableClause<any, C>,
    /** @internal */ readonly _state: UpdateState,
  ) {
    super();
  }
  get _returning(): readonly SelectItem[] {
    return this._state.returning;
  }
  private _with(patch: Partial<UpdateState>): this {
    return this._copy({ _state: { ...this._state, ...patch } });
  }
  values(values: ValuesOf<C>): this {
    const row = coerceRow(this.table, values as Record<string, unknown>, "update().values()");
    const merged = new Map(this._state.values ?? []);
    for (const [k, v] of row) merged.set(k, v);
    return this._with({ values: merged });
  }
  where(...criteria: (Criterion | undefined)[]): this {
    const defined = criteria.filter((c) => c !== undefined);
    if (defined.length === 0) return this;
    return this._with({ where: this._state.where ? and(this._state.where, ...defined) : and(...defined) });
  }
  /** `RETURNING …` (PostgreSQL, SQLite; not MySQL/MariaDB). */
  returning<const Items extends readonly SelectItem[]>(...items: Items): Update<C, RowOf<Items>> {
    checkReturning(items);
    return this._with({ returning: items }) as any;
  }
  _compile(c: SqlCompiler): string {
    return c.visitUpdate(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("UPD");
    k.from(this.table);
    if (this._state.values) rowKey(k, this._state.values);
    else k.s("~");
    k.node(this._state.where);
    k.list(this._state.returning);
  }
}

/** Starts an UPDATE of `table`. */
export function update<C extends ColumnMap>(table: DmlTarget<C>): Update<C, never> {
  return new Update(resolveClauseElement(table) as TableClause<any, C>, {
    values: null,
    where: null,
    returning: [],
  });
}

interface DeleteState {
  readonly where: ColumnElement<any> | null;
  readonly returning: readonly SelectItem[];
}

/** `DELETE FROM table WHERE …`; a WHERE on other tables renders DELETE … USING (PostgreSQL) or a multi-table DELETE (MySQL). */
export class Delete<C extends ColumnMap = ColumnMap, Row = never> extends DmlBase<Row> {
  readonly kind = "delete";
  constructor(
    readonly table: TableClause<any, C>,
    /** @internal */ readonly _state: DeleteState,
  ) {
    super();
  }
  get _returning(): readonly SelectItem[] {
    return this._state.returning;
  }
  private _with(patch: Partial<DeleteState>): this {
    return this._copy({ _state: { ...this._state, ...patch } });
  }
  where(...criteria: (Criterion | undefined)[]): this {
    const defined = criteria.filter((c) => c !== undefined);
    if (defined.length === 0) return this;
    return this._with({ where: this._state.where ? and(this._state.where, ...defined) : and(...defined) });
  }
  /** `RETURNING …` (PostgreSQL, SQLite, MariaDB 10.5+). */
  returning<const Items extends readonly SelectItem[]>(...items: Items): Delete<C, RowOf<Items>> {
    checkReturning(items);
    return this._with({ returning: items }) as any;
  }
  _compile(c: SqlCompiler): string {
    return c.visitDelete(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("DEL");
    k.from(this.table);
    k.node(this._state.where);
    k.list(this._state.returning);
  }
}

/**
 * Starts a DELETE (SQLAlchemy: `delete`). `delete` is a JavaScript keyword, so it is
 * exported as `delete_` and as `deleteFrom`.
 * @example await conn.execute(deleteFrom(users).where(users.c.id.eq(5)))
 */
export function delete_<C extends ColumnMap>(table: DmlTarget<C>): Delete<C, never> {
  return new Delete(resolveClauseElement(table) as TableClause<any, C>, { where: null, returning: [] });
}
/** Same as `delete_`. */
export const deleteFrom = delete_;
