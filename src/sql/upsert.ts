/**
 * The clauses behind the dialect packages' upserts: `ON CONFLICT … DO NOTHING | DO UPDATE`
 * (PostgreSQL, SQLite) and `ON DUPLICATE KEY UPDATE` (MySQL/MariaDB), plus the pseudo-table
 * of the proposed row (`excluded` / `VALUES()`). The builders users call live in
 * `athanor/dialects/<name>` (SQLAlchemy: `dialects/postgresql/dml.py`); the base compiler
 * refuses these clauses and each dialect's compiler renders the ones its database has.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ClauseElement, ColumnClause, ColumnElement, FromClause } from "./base.js";
import type { SqlCompiler } from "./compiler.js";
import { coerceRow, Insert, type ValuesOf, type ValuesRow } from "./dml.js";
import type { ColumnMap, ColumnsOf, RowOfColumns, TableClause } from "./from-clauses.js";
import { criterion, type Criterion } from "./operators.js";
import type { RowOf, ScalarOf, SelectItem } from "./select.js";

/**
 * The row an INSERT proposed, inside an upsert's SET: `excluded.col` (PostgreSQL, SQLite),
 * `VALUES(col)` (MySQL/MariaDB). Its columns are typed like the table's.
 */
export class ProposedRow<C extends ColumnMap = ColumnMap> extends FromClause {
  readonly kind = "proposed_row";
  readonly c: ColumnsOf<RowOfColumns<C>>;
  readonly columns: readonly ColumnClause<any>[];
  constructor(readonly table: TableClause<any, C>) {
    super();
    this.columns = (table.columns as readonly ColumnClause<any>[]).map(
      (col) => new ColumnClause(col.name, col.type, this, col.key),
    );
    const c: Record<string, ColumnClause<any>> = {};
    for (const col of this.columns) c[col.key] = col;
    this.c = c as ColumnsOf<RowOfColumns<C>>;
  }
  _compile(c: SqlCompiler): string {
    return c.visitProposedRow(this);
  }
  _fromKey(k: CacheKeyBuilder): void {
    k.s("PR");
    k.from(this.table);
  }
}

/** Which unique index or constraint a conflict is about (ON CONFLICT's target). */
export interface ConflictTarget {
  /** Columns (or keys/names) of a unique index: `ON CONFLICT (a, b)`. */
  indexElements?: readonly (string | ColumnElement<any>)[];
  /** The partial index's predicate: `ON CONFLICT (a) WHERE …`. */
  indexWhere?: ColumnElement<boolean | null>;
  /** A named constraint: `ON CONFLICT ON CONSTRAINT name` (PostgreSQL). */
  constraint?: string;
}

/** @internal */
export interface ResolvedTarget {
  readonly elements: readonly ColumnElement<any>[];
  readonly where: ColumnElement<any> | null;
  readonly constraint: string | null;
}

/** @internal */
export function resolveTarget(
  table: TableClause<any, any>,
  t: ConflictTarget | undefined,
): ResolvedTarget | null {
  if (!t || (!t.indexElements?.length && !t.constraint)) {
    if (t?.indexWhere) throw new ArgumentError("indexWhere needs indexElements.", "ATH-ARG");
    return null;
  }
  if (t.constraint && t.indexElements?.length)
    throw new ArgumentError("Give either a constraint or indexElements, not both.", "ATH-ARG");
  const cols = table.columns as readonly ColumnClause<any>[];
  const elements = (t.indexElements ?? []).map((e) => {
    if (e instanceof ColumnElement) return e;
    const col = cols.find((c) => c.key === e || c.name === e);
    if (!col)
      throw new ArgumentError(
        `Unknown column '${e}' in the conflict target of table '${table.name}'.`,
        "ATH-COLUMN",
      );
    return col;
  });
  return { elements, where: t.indexWhere ?? null, constraint: t.constraint ?? null };
}

function targetKey(k: CacheKeyBuilder, t: ResolvedTarget | null): void {
  if (!t) {
    k.s("~");
    return;
  }
  k.list(t.elements);
  k.node(t.where);
  k.str(t.constraint ?? "");
}

function setKey(k: CacheKeyBuilder, set: ValuesRow): void {
  k.n(set.size);
  for (const [col, v] of set) {
    k.str(col.key);
    v._ck(k);
  }
}

/** `ON CONFLICT [target] DO NOTHING`. */
export class OnConflictDoNothing extends ClauseElement {
  readonly kind = "on_conflict_do_nothing";
  constructor(readonly target: ResolvedTarget | null) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitOnConflictDoNothing(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("OCN");
    targetKey(k, this.target);
  }
}

/** `ON CONFLICT target DO UPDATE SET … [WHERE …]`. */
export class OnConflictDoUpdate extends ClauseElement {
  readonly kind = "on_conflict_do_update";
  constructor(
    readonly target: ResolvedTarget | null,
    readonly set: ValuesRow,
    readonly where: ColumnElement<any> | null,
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitOnConflictDoUpdate(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("OCU");
    targetKey(k, this.target);
    setKey(k, this.set);
    k.node(this.where);
  }
}

/** `ON DUPLICATE KEY UPDATE col = …`. */
export class OnDuplicateKeyUpdate extends ClauseElement {
  readonly kind = "on_duplicate_key_update";
  constructor(readonly set: ValuesRow) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitOnDuplicateKeyUpdate(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("ODKU");
    setKey(k, this.set);
  }
}

/** Coerces an upsert's SET values against the table; at least one is required. @internal */
export function upsertSet(
  table: TableClause<any, any>,
  set: Record<string, unknown>,
  what: string,
): ValuesRow {
  const row = coerceRow(table, set, what);
  if (row.size === 0) throw new ArgumentError(`${what} needs at least one column to set.`, "ATH-ARG");
  return row;
}

const proposedRows = new WeakMap<TableClause<any, any>, ProposedRow<any>>();
function proposedRow<C extends ColumnMap>(table: TableClause<any, C>): ProposedRow<C> {
  let p = proposedRows.get(table);
  if (!p) {
    p = new ProposedRow(table);
    proposedRows.set(table, p);
  }
  return p as ProposedRow<C>;
}

/** Options of `onConflictDoUpdate`. */
export type OnConflictDoUpdateOptions<C extends ColumnMap> = ConflictTarget & {
  /** Columns to set on the existing row; refer to the proposed row with `stmt.excluded.col`. */
  set: ValuesOf<C>;
  /** Only update existing rows matching this. */
  where?: Criterion;
};

/**
 * An INSERT with `ON CONFLICT` (PostgreSQL, SQLite): what `insert()` of
 * `athanor/dialects/postgresql` and `athanor/dialects/sqlite` build.
 * @example
 * const stmt = insert(users).values(rows);
 * await conn.execute(stmt.onConflictDoUpdate({ indexElements: ["email"], set: { name: stmt.excluded.name } }));
 */
export class OnConflictInsert<C extends ColumnMap = ColumnMap, Row = never> extends Insert<C, Row> {
  /** The row the INSERT proposed (SQL `excluded`), typed like the table's columns. */
  get excluded(): ColumnsOf<RowOfColumns<C>> {
    return proposedRow(this.table).c;
  }
  /** `ON CONFLICT [target] DO NOTHING`: skip rows that would violate a unique constraint. */
  onConflictDoNothing(target?: ConflictTarget): this {
    return this._withOnConflict(new OnConflictDoNothing(resolveTarget(this.table, target)));
  }
  /** `ON CONFLICT target DO UPDATE SET …`: update the existing row instead (the target is required). */
  onConflictDoUpdate(options: OnConflictDoUpdateOptions<C>): this {
    const target = resolveTarget(this.table, options);
    if (!target)
      throw new ArgumentError("onConflictDoUpdate() needs indexElements or constraint.", "ATH-UPSERT");
    const set = upsertSet(this.table, options.set as Record<string, unknown>, "onConflictDoUpdate({ set })");
    return this._withOnConflict(
      new OnConflictDoUpdate(target, set, options.where ? criterion(options.where, "where") : null),
    );
  }
  override returning<const Items extends readonly SelectItem[]>(
    ...items: Items
  ): OnConflictInsert<C, RowOf<Items>> & { readonly __scalar?: ScalarOf<Items> } {
    return super.returning(...items) as any;
  }
}

/**
 * An INSERT with `ON DUPLICATE KEY UPDATE` (MySQL/MariaDB): what `insert()` of
 * `athanor/dialects/mysql` builds.
 * @example
 * const stmt = insert(users).values(rows);
 * await conn.execute(stmt.onDuplicateKeyUpdate({ name: stmt.inserted.name }));
 */
export class OnDuplicateKeyInsert<C extends ColumnMap = ColumnMap, Row = never> extends Insert<C, Row> {
  /** The row the INSERT proposed (SQL `VALUES(col)`), typed like the table's columns. */
  get inserted(): ColumnsOf<RowOfColumns<C>> {
    return proposedRow(this.table).c;
  }
  /** `ON DUPLICATE KEY UPDATE col = …` for rows that hit a unique key. */
  onDuplicateKeyUpdate(set: ValuesOf<C>): this {
    return this._withOnConflict(
      new OnDuplicateKeyUpdate(
        upsertSet(this.table, set as Record<string, unknown>, "onDuplicateKeyUpdate()"),
      ),
    );
  }
  override returning<const Items extends readonly SelectItem[]>(
    ...items: Items
  ): OnDuplicateKeyInsert<C, RowOf<Items>> & { readonly __scalar?: ScalarOf<Items> } {
    return super.returning(...items) as any;
  }
}
