/**
 * Raw SQL, data and batch operations (Alembic: `ExecuteSQLOp`, `BulkInsertOp`,
 * `BatchAlterTableOp` from `batch_alter_table`).
 */
import type { Table } from "../../schema/table.js";
import type { TableClause } from "../../sql/selectable.js";
import type { Compilable } from "../../sql/visitor.js";
import { irreversible, MigrateOperation, OpContainer } from "./base.js";

/** Any SQL: a string (sent as written, no parameters) or a statement (`text()`, `update(…)`, …). */
export class ExecuteSqlOp extends MigrateOperation {
  readonly kind = "execute";
  constructor(readonly sql: string | Compilable) {
    super();
  }
  reverse(): never {
    throw irreversible(this, "raw SQL has no known inverse; write the downgrade by hand.");
  }
  describe(): string {
    const s = typeof this.sql === "string" ? this.sql : ((this.sql as { kind?: string }).kind ?? "statement");
    return `execute(${s.length > 60 ? s.slice(0, 57) + "..." : s})`;
  }
}

/** INSERT of literal rows into a table (Alembic: `bulk_insert`); values go through the columns' types. */
export class BulkInsertOp extends MigrateOperation {
  readonly kind = "bulk_insert";
  constructor(
    readonly table: TableClause<any, any>,
    readonly rows: readonly Record<string, unknown>[],
  ) {
    super();
  }
  reverse(): never {
    throw irreversible(this, "inserted data has no known inverse; write the downgrade by hand.");
  }
  describe(): string {
    return `bulkInsert(${this.table.name}, ${this.rows.length} rows)`;
  }
}

export interface BatchOptions {
  schema?: string | null;
  /**
   * When to rebuild the table (create a new one, copy the rows, drop the old, rename):
   * "auto" (default) where ALTER can't do the change (SQLite), "always", or "never".
   */
  recreate?: "auto" | "always" | "never";
  /** The table as it is now, for offline (`--sql`) runs, where it can't be read from the database. */
  copyFrom?: Table;
}

/** Operations on one table run as one unit (Alembic: `batch_alter_table`); on SQLite one table rebuild. */
export class BatchAlterTableOp extends OpContainer {
  readonly kind = "batch_alter_table";
  constructor(
    readonly tableName: string,
    ops: MigrateOperation[],
    readonly options: Readonly<BatchOptions> = {},
  ) {
    super(ops);
  }
  reverse(): BatchAlterTableOp {
    return new BatchAlterTableOp(this.tableName, this.reversedOps(), this.options);
  }
  override describe(): string {
    return `batchAlterTable(${this.tableName}: ${this.ops.map((o) => o.describe()).join(", ")})`;
  }
}
