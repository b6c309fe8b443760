/**
 * `op`, what a migration's `upgrade(op)` and `downgrade(op)` receive (Alembic: `Operations`,
 * used as `from alembic import op`). Every method builds an operation object and runs it on the
 * migration's connection, or, offline (`--sql`), writes its SQL.
 *
 * @example
 * export async function upgrade(op: Operations) {
 *   await op.createTable("users", {
 *     id: Column(Integer, { primaryKey: true }),
 *     email: Column(String(255), { nullable: false }),
 *   }, { mysqlEngine: "InnoDB" });
 *   await op.createIndex("idx_email", "users", ["email"], { unique: true });
 * }
 */
import type { Dialect } from "../../dialects/base/dialect.js";
import type { Connection } from "../../engine/connection.js";
import type { Column } from "../../schema/column.js";
import type { IndexExpression } from "../../schema/indexes.js";
import { Table, tableKey, type ColumnSpec, type TableArg } from "../../schema/table.js";
import { column as columnClause } from "../../sql/base.js";
import type { ColumnElement } from "../../sql/elements.js";
import { table as tableClause, type TableClause } from "../../sql/selectable.js";
import type { TextClause } from "../../sql/text.js";
import type { Compilable } from "../../sql/visitor.js";
import { MigrateError } from "../errors.js";
import type { MigrateImpl } from "../impl/impl.js";
import type { MigrateOperation } from "./base.js";
import { BatchOperations } from "./batch.js";
import {
  CreateCheckConstraintOp,
  CreateForeignKeyOp,
  CreateIndexOp,
  CreatePrimaryKeyOp,
  CreateUniqueConstraintOp,
  DropConstraintOp,
  DropIndexOp,
  type ConstraintType,
  type CreateForeignKeyOptions,
  type CreateIndexOptions,
} from "./constraint-ops.js";
import { BatchAlterTableOp, BulkInsertOp, ExecuteSqlOp, type BatchOptions } from "./misc-ops.js";
import { SchemaObjects } from "./schema-objects.js";
import {
  AddColumnOp,
  AlterColumnOp,
  CreateTableOp,
  DropColumnOp,
  DropTableOp,
  RenameTableOp,
  type AlterColumnOptions,
} from "./table-ops.js";
import { runOperation } from "./toimpl.js";

type SchemaOption = { schema?: string | null };

export class Operations {
  private readonly objects = new SchemaObjects();
  /** What this object has run so far, in order (the runner reports it when a migration fails part way). */
  readonly applied: string[] = [];

  constructor(readonly impl: MigrateImpl) {}

  get dialect(): Dialect {
    return this.impl.dialect;
  }
  /** True when writing SQL (`--sql`) instead of running it. */
  get isOffline(): boolean {
    return this.impl.asSql;
  }
  /** The migration's connection, for data migrations (SQLAlchemy: `op.get_bind()`). Not available offline. */
  getBind(): Connection {
    if (!this.impl.connection) {
      throw new MigrateError(
        "op.getBind(): there is no connection in an offline (--sql) run. Use op.execute() for SQL that must appear in the script.",
        "ATH-MIGRATE-OFFLINE",
      );
    }
    return this.impl.connection;
  }

  /** Runs an operation object (what every method here does; also for operations built by hand). */
  async invoke(op: MigrateOperation): Promise<void> {
    await runOperation(this.impl, this.objects, op);
    this.applied.push(op.describe());
  }

  // ---- tables ----

  /** CREATE TABLE, like `new Table(name, metadata, columns, ...constraintsAndIndexes, options)`; returns the Table. */
  async createTable(name: string, columns: ColumnSpec, ...args: TableArg[]): Promise<Table> {
    const md = this.objects.metadata;
    const schema =
      (args.find((a) => a && typeof a === "object" && "schema" in a) as SchemaOption | undefined)?.schema ??
      null;
    const previous = md.tables[tableKey(name, schema)];
    if (previous) md.remove(previous);
    const table = new Table(name, md, columns, ...args);
    await this.invoke(new CreateTableOp(table));
    return table;
  }
  async dropTable(name: string, options: SchemaOption = {}): Promise<void> {
    await this.invoke(new DropTableOp(name, { schema: options.schema ?? null }));
  }
  async renameTable(name: string, newName: string, options: SchemaOption = {}): Promise<void> {
    await this.invoke(new RenameTableOp(name, newName, options.schema ?? null));
  }

  // ---- columns ----

  /** ALTER TABLE … ADD COLUMN; the column's FK, unique and index options are created too. */
  async addColumn(
    tableName: string,
    name: string,
    column: Column,
    options: SchemaOption = {},
  ): Promise<void> {
    await this.invoke(new AddColumnOp(tableName, name, column, options.schema ?? null));
  }
  async dropColumn(tableName: string, name: string, options: SchemaOption = {}): Promise<void> {
    await this.invoke(new DropColumnOp(tableName, name, { schema: options.schema ?? null }));
  }
  /**
   * Changes a column's type, nullability, server default, comment or name.
   * @example await op.alterColumn("users", "email", { type: String(320), existingType: String(255), nullable: false })
   */
  async alterColumn(tableName: string, name: string, options: AlterColumnOptions): Promise<void> {
    await this.invoke(new AlterColumnOp(tableName, name, options));
  }

  // ---- indexes and constraints ----

  async createIndex(
    name: string,
    tableName: string,
    columns: readonly IndexExpression[],
    options: CreateIndexOptions = {},
  ): Promise<void> {
    await this.invoke(new CreateIndexOp(name, tableName, columns, options));
  }
  /** DROP INDEX; MySQL needs `tableName`. */
  async dropIndex(name: string, options: { tableName?: string } & SchemaOption = {}): Promise<void> {
    await this.invoke(
      new DropIndexOp(name, { tableName: options.tableName ?? null, schema: options.schema ?? null }),
    );
  }
  async createUniqueConstraint(
    name: string | null,
    tableName: string,
    columns: readonly string[],
    options: SchemaOption & { deferrable?: boolean; initially?: "DEFERRED" | "IMMEDIATE" } = {},
  ): Promise<void> {
    await this.invoke(new CreateUniqueConstraintOp(name, tableName, columns, options));
  }
  async createPrimaryKey(
    name: string | null,
    tableName: string,
    columns: readonly string[],
    options: SchemaOption = {},
  ): Promise<void> {
    await this.invoke(new CreatePrimaryKeyOp(name, tableName, columns, options));
  }
  /** @example await op.createForeignKey("fk_orders_user", "orders", "users", ["user_id"], ["id"], { ondelete: "CASCADE" }) */
  async createForeignKey(
    name: string | null,
    sourceTable: string,
    referentTable: string,
    localColumns: readonly string[],
    remoteColumns: readonly string[],
    options: CreateForeignKeyOptions = {},
  ): Promise<void> {
    await this.invoke(
      new CreateForeignKeyOp(name, sourceTable, referentTable, localColumns, remoteColumns, options),
    );
  }
  /** @example await op.createCheckConstraint("ck_price", "products", "price >= 0") */
  async createCheckConstraint(
    name: string | null,
    tableName: string,
    condition: string | ColumnElement<any> | TextClause<any>,
    options: SchemaOption = {},
  ): Promise<void> {
    await this.invoke(new CreateCheckConstraintOp(name, tableName, condition, options));
  }
  /** Drops a constraint by name; `type` says which kind (MySQL looks it up when online if omitted). */
  async dropConstraint(
    name: string,
    tableName: string,
    options: { type?: ConstraintType } & SchemaOption = {},
  ): Promise<void> {
    await this.invoke(
      new DropConstraintOp(name, tableName, { type: options.type ?? null, schema: options.schema ?? null }),
    );
  }

  // ---- SQL and data ----

  /** Runs SQL: a string (sent as written) or a statement (`update(t).values(…)`, `text(…)`). */
  async execute(sql: string | Compilable): Promise<void> {
    await this.invoke(new ExecuteSqlOp(sql));
  }
  /**
   * Inserts rows; values go through the columns' types. Give a Table or `table("name", column("c", Type))`,
   * or a table name (then values are sent untyped).
   */
  async bulkInsert(
    target: TableClause<any, any> | string,
    rows: readonly Record<string, unknown>[],
  ): Promise<void> {
    let t: TableClause<any, any>;
    if (typeof target === "string") {
      const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
      t = tableClause(target, ...keys.map((k) => columnClause(k)));
    } else t = target;
    await this.invoke(new BulkInsertOp(t, rows));
  }

  // ---- batch ----

  /**
   * Several changes to one table as one unit (Alembic: `batch_alter_table`): on SQLite one table
   * rebuild (new table, copy rows, drop, rename) for what its ALTER TABLE can't do.
   * @example
   * await op.batchAlterTable("users", (batch) => {
   *   batch.alterColumn("age", { type: Integer, existingType: String(10) });
   *   batch.dropColumn("legacy");
   * });
   */
  async batchAlterTable(
    tableName: string,
    fn: (batch: BatchOperations) => void | Promise<void>,
    options: BatchOptions = {},
  ): Promise<void> {
    const batch = new BatchOperations(tableName, options.schema ?? null);
    await fn(batch);
    if (batch.ops.length) await this.invoke(new BatchAlterTableOp(tableName, batch.ops, options));
  }
}
