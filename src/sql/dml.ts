/**
 * INSERT, UPDATE, DELETE (SQLAlchemy: `sql/dml.py`). Immutable builders.
 */
import { ArgumentError } from "../util/errors.js";
import type { SqlCompiler } from "./compiler.js";
import { and, ClauseElement, coerce, ColumnClause, ColumnElement } from "./elements.js";
import type { ColumnMap, RowOf, ScalarOf, Select, SelectItem, TableClause } from "./selectable.js";

type ValueOf<C> = C extends ColumnElement<infer T, any> ? T : never;
/**
 * What an INSERT or UPDATE may set for each column: a value or an expression.
 * Columns may carry a phantom `__insertOptional` (schema columns do) to mark which are required.
 */
export type ValuesOf<C extends ColumnMap> = { [K in keyof C]?: ValueOf<C[K]> | ColumnElement<ValueOf<C[K]>> };
/** The row an INSERT requires: optional where the column has a default, is nullable or autoincrements. */
export type InsertValuesOf<C extends ColumnMap> = {
  [K in keyof C as C[K] extends { __insertOptional?: false } ? K : never]: ValueOf<C[K]> | ColumnElement<ValueOf<C[K]>>;
} & {
  [K in keyof C as C[K] extends { __insertOptional?: false } ? never : K]?: ValueOf<C[K]> | ColumnElement<ValueOf<C[K]>>;
};

/** One row of values, already coerced to expressions, keyed by column key. @internal */
export type ValuesRow = ReadonlyMap<ColumnClause<any>, ColumnElement<any>>;

function coerceRow(table: TableClause<any, any>, row: Record<string, unknown>, what: string): ValuesRow {
  const out = new Map<ColumnClause<any>, ColumnElement<any>>();
  for (const key of Object.keys(row)) {
    const v = row[key];
    if (v === undefined) continue;
    const col = (table.c as Record<string, ColumnClause<any>>)[key];
    if (!col) {
      const known = table.columns.map((c) => c.key).join(", ");
      throw new ArgumentError(`Unconsumed column name '${key}' in ${what} on table '${table.name}'. Known columns: ${known}.`, "ATH-COLUMN");
    }
    if (!(v instanceof ColumnElement)) {
      const problem = col.type.validate(v);
      if (problem) throw new ArgumentError(`Bad value for column '${table.name}.${key}': ${problem}.`, "ATH-VALUE");
    }
    out.set(col, coerce(v, col.type));
  }
  return out;
}

abstract class DmlBase<Row> extends ClauseElement {
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
}

interface InsertState {
  readonly rows: readonly ValuesRow[];
  readonly fromSelect: { columns: readonly ColumnClause<any>[]; select: Select<any, any> } | null;
  readonly returning: readonly SelectItem[];
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
  /** One row (an object) or several (an array: a multi-row VALUES). */
  values(rows: InsertValuesOf<C> | readonly InsertValuesOf<C>[]): Insert<C, Row> {
    const list = Array.isArray(rows) ? rows : [rows];
    if (list.length === 0) throw new ArgumentError("insert().values() got an empty list of rows.");
    const coerced = list.map((r) => coerceRow(this.table, r as Record<string, unknown>, "insert().values()"));
    return new Insert(this.table, { ...this._state, rows: [...this._state.rows, ...coerced] });
  }
  /** `INSERT INTO t (cols) SELECT …` (SQLAlchemy: `from_select`). */
  fromSelect(columns: readonly (keyof C & string)[], stmt: Select<any, any>): Insert<C, Row> {
    const cols = columns.map((k) => {
      const col = (this.table.c as Record<string, ColumnClause<any>>)[k];
      if (!col) throw new ArgumentError(`Unknown column '${k}' for table '${this.table.name}'.`, "ATH-COLUMN");
      return col;
    });
    return new Insert(this.table, { ...this._state, fromSelect: { columns: cols, select: stmt } });
  }
  /** `RETURNING …` (PostgreSQL, SQLite, MariaDB 10.5+). */
  returning<const Items extends readonly SelectItem[]>(...items: Items): Insert<C, RowOf<Items>> & { __scalar?: ScalarOf<Items> } {
    return new Insert(this.table, { ...this._state, returning: items }) as any;
  }
  _compile(c: SqlCompiler): string {
    return c.visitInsert(this);
  }
}

/** Starts an INSERT into `table`. */
export function insert<C extends ColumnMap>(table: TableClause<any, C>): Insert<C, never> {
  return new Insert(table, { rows: [], fromSelect: null, returning: [] });
}

interface UpdateState {
  readonly values: ValuesRow | null;
  readonly where: ColumnElement<any> | null;
  readonly returning: readonly SelectItem[];
}

/**
 * `UPDATE table SET … WHERE …`. `result.rowcount` is the number of rows matched.
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
  values(values: ValuesOf<C>): Update<C, Row> {
    const row = coerceRow(this.table, values as Record<string, unknown>, "update().values()");
    const merged = new Map(this._state.values ?? []);
    for (const [k, v] of row) merged.set(k, v);
    return new Update(this.table, { ...this._state, values: merged });
  }
  where(...criteria: (ColumnElement<boolean | null> | undefined)[]): Update<C, Row> {
    const all = this._state.where ? [this._state.where, ...criteria] : criteria;
    return new Update(this.table, { ...this._state, where: and(...all) });
  }
  returning<const Items extends readonly SelectItem[]>(...items: Items): Update<C, RowOf<Items>> {
    return new Update(this.table, { ...this._state, returning: items }) as any;
  }
  _compile(c: SqlCompiler): string {
    return c.visitUpdate(this);
  }
}

export function update<C extends ColumnMap>(table: TableClause<any, C>): Update<C, never> {
  return new Update(table, { values: null, where: null, returning: [] });
}

interface DeleteState {
  readonly where: ColumnElement<any> | null;
  readonly returning: readonly SelectItem[];
}

/** `DELETE FROM table WHERE …`. */
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
  where(...criteria: (ColumnElement<boolean | null> | undefined)[]): Delete<C, Row> {
    const all = this._state.where ? [this._state.where, ...criteria] : criteria;
    return new Delete(this.table, { ...this._state, where: and(...all) });
  }
  returning<const Items extends readonly SelectItem[]>(...items: Items): Delete<C, RowOf<Items>> {
    return new Delete(this.table, { ...this._state, returning: items }) as any;
  }
  _compile(c: SqlCompiler): string {
    return c.visitDelete(this);
  }
}

/** Starts a DELETE (SQLAlchemy: `delete`). Named `delete_` too, since `delete` is a keyword in some positions. */
export function delete_<C extends ColumnMap>(table: TableClause<any, C>): Delete<C, never> {
  return new Delete(table, { where: null, returning: [] });
}
