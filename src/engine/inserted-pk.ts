/**
 * `Result.insertedPrimaryKey` (SQLAlchemy: `CursorResult.inserted_primary_key`): the primary key
 * of the row a single-row INSERT created, taken from RETURNING, else the values the statement
 * sent (given or defaulted), else the driver's last insert id for a single-column key.
 */
import type { ColumnClause } from "../sql/elements.js";
import { BindParameter } from "../sql/elements.js";
import { Insert } from "../sql/dml.js";
import { InvalidRequestError } from "../util/errors.js";
import type { ExecutionPlan, Params } from "./execution.js";

export interface InsertFacts {
  readonly statement: unknown;
  readonly plan: ExecutionPlan;
  readonly many: boolean;
  readonly params: Params | undefined;
  /** Values bound per slot before bind processing. */
  readonly rawValues: readonly unknown[] | null;
  /** Row keys and the first returned row (RETURNING), if any. */
  readonly keys: readonly string[];
  readonly firstRow: readonly unknown[] | undefined;
  readonly lastInsertId: number | bigint | null;
}

/** The primary key columns of a table, whatever shape the schema layer gives them. */
export function primaryKeyColumns(table: unknown): ColumnClause<any>[] {
  const t = table as { primaryKey?: unknown; columns?: readonly ColumnClause<any>[] };
  const pk = t.primaryKey as { columns?: unknown } | readonly ColumnClause<any>[] | undefined;
  if (pk) {
    if (Array.isArray(pk)) return [...pk];
    const cols = (pk as { columns?: unknown }).columns;
    if (cols && typeof (cols as Iterable<unknown>)[Symbol.iterator] === "function") {
      return [...(cols as Iterable<ColumnClause<any>>)].map((c) => (Array.isArray(c) ? c[1] : c));
    }
    if (cols && typeof cols === "object") return Object.values(cols as Record<string, ColumnClause<any>>);
  }
  return (t.columns ?? []).filter((c) => (c as { primaryKey?: boolean }).primaryKey === true);
}

export function insertedPrimaryKey(f: InsertFacts): unknown[] | null {
  const stmt = f.statement;
  if (!(stmt instanceof Insert)) {
    throw new InvalidRequestError(
      "insertedPrimaryKey is only available for an insert() construct.",
      "ATH-INSERTED-PK",
    );
  }
  if (f.many || stmt._state.rows.length > 1 || stmt._state.fromSelect) {
    throw new InvalidRequestError(
      "insertedPrimaryKey is only available for a single-row INSERT; this statement inserted many rows. " +
        "Use .returning(table.c.id) to get the keys of every row.",
      "ATH-INSERTED-PK",
    );
  }
  const cols = primaryKeyColumns(stmt.table);
  if (cols.length === 0) return null;
  const row = stmt._state.rows[0];
  return cols.map((col) => {
    if (f.firstRow) {
      const i = f.keys.indexOf(col.key);
      if (i !== -1) return f.firstRow[i] ?? null;
    }
    if (
      f.params &&
      Object.prototype.hasOwnProperty.call(f.params, col.key) &&
      f.params[col.key] !== undefined
    )
      return f.params[col.key];
    const expr = row?.get(col);
    if (expr instanceof BindParameter && expr.value !== undefined) return expr.value;
    if (f.rawValues) {
      // A value from the execution parameters or a client-side default, bound under the column key.
      const slot = f.plan.compiled.binds.findIndex((b) => b.key === col.key);
      if (slot !== -1 && f.rawValues[slot] !== undefined && f.rawValues[slot] !== null)
        return f.rawValues[slot];
    }
    if (cols.length === 1 && f.lastInsertId !== null) return f.lastInsertId;
    return null;
  });
}
