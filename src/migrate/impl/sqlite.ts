/**
 * SQLite migrations (Alembic: `ddl/sqlite.py` plus batch mode). SQLite's ALTER TABLE can add
 * a plain column and rename tables and columns; anything else (changing a column, dropping one
 * — except offline, see needsRebuild —, adding or dropping a constraint) rebuilds the table, keeping its rows, indexes and
 * constraints (see sqlite-rebuild.ts). A migration run turns foreign key enforcement off
 * around its transaction, as SQLite's procedure requires, and checks every foreign key
 * (`PRAGMA foreign_key_check`) before committing.
 *
 * RUN LOCK. SQLite has no session locks, and a run commits once per revision, so the database's
 * own write lock can't keep two runs apart (the second failed with "database is locked"). The
 * run lock is a write transaction (`BEGIN IMMEDIATE`) held on a small side database next to the
 * database file (`<file>-<version table>.runlock`): held by an open connection like PostgreSQL's
 * advisory lock, released by the operating system if the process dies. A `:memory:` database
 * belongs to one connection and takes none.
 */
import type { ReflectedColumn } from "../../dialects/base/inspector.js";
import { isIntegerType, type Column } from "../../schema/column.js";
import type { Table } from "../../schema/table.js";
import { EnumType } from "../../sql/types/generic.js";
import { MigrateError } from "../errors.js";
import type { MigrateOperation } from "../operations/base.js";
import { AddConstraintOp, DropConstraintOp } from "../operations/constraint-ops.js";
import type { BatchAlterTableOp } from "../operations/misc-ops.js";
import {
  AddColumnOp,
  AlterColumnOp,
  CreateTableOp,
  DropColumnOp,
  DropTableOp,
  RenameTableOp,
} from "../operations/table-ops.js";
import { tableKey } from "../../schema/table.js";
import { createEngine, type Engine } from "../../engine/engine.js";
import type { Connection } from "../../engine/connection.js";
import { MigrateImpl } from "./impl.js";
import { applyToModel, rebuildStatements } from "./sqlite-rebuild.js";
import { modelFromDatabase, modelFromTable, type TableModel } from "./sqlite-table-model.js";

export class SqliteImpl extends MigrateImpl {
  private restoreForeignKeys = false;
  /**
   * Offline, the tables as this run has built them so far: a rebuild can't read the database,
   * but a table created earlier in the same run (`upgrade head --sql` from base) is known here.
   */
  private readonly offlineTables = new Map<string, TableModel>();

  /** The run lock's side database while it is held (see the module comment). */
  private runLock: { engine: Engine; conn: Connection } | null = null;

  /** Tries `BEGIN IMMEDIATE` on the side database every 250 ms until it is had or the time is up. */
  override async lockRuns(key: string, timeoutSeconds: number): Promise<boolean> {
    const file = this.connection!.engine.url.database;
    if (!file || file === ":memory:") return true;
    const lockFile = `${file}-${key.replace(/[^A-Za-z0-9_.-]/g, "_")}.runlock`;
    // timeout=0: a busy lock fails at once; the waiting is done here, against the run's own deadline.
    const engine = createEngine(`sqlite:///${lockFile}?timeout=0`, { poolSize: 1 });
    const deadline = Date.now() + timeoutSeconds * 1000;
    try {
      const conn = await engine.connect();
      conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
      for (;;) {
        try {
          await conn.execDriverSql("BEGIN IMMEDIATE");
          this.runLock = { engine, conn };
          return true;
        } catch (err) {
          if ((err as { driverCode?: string }).driverCode !== "SQLITE_BUSY") throw err;
        }
        if (Date.now() >= deadline) {
          await conn.close();
          await engine.dispose();
          return false;
        }
        await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, deadline - Date.now()))));
      }
    } catch (err) {
      await engine.dispose().catch(() => undefined);
      throw err;
    }
  }
  override async unlockRuns(_key: string): Promise<void> {
    const held = this.runLock;
    if (held === null) return;
    this.runLock = null;
    try {
      await held.conn.execDriverSql("ROLLBACK");
      await held.conn.close();
    } finally {
      await held.engine.dispose();
    }
  }

  /** Runs a PRAGMA outside any transaction (inside one, SQLite ignores `foreign_keys`). */
  private async pragmaOutsideTransaction(sql: string): Promise<void> {
    const conn = this.connection!;
    if (conn.inTransaction()) await conn.commit();
    conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
    await conn.execDriverSql(sql);
    await conn.commit();
    conn.executionOptions({ isolationLevel: "SERIALIZABLE" });
  }

  override async beforeRun(): Promise<void> {
    if (!this.connection) {
      // An offline script does what an online run does: foreign keys off around the transaction.
      await this.exec("PRAGMA foreign_keys = OFF");
      this.restoreForeignKeys = true;
      return;
    }
    const on = (await this.connection.execDriverSql("PRAGMA foreign_keys")).scalar();
    if (Number(on) === 1) {
      await this.pragmaOutsideTransaction("PRAGMA foreign_keys = OFF");
      this.restoreForeignKeys = true;
    }
  }

  override async beforeCommit(): Promise<void> {
    if (!this.connection || !this.restoreForeignKeys) return;
    const bad = (await this.connection.execDriverSql("PRAGMA foreign_key_check")).all() as Record<
      string,
      unknown
    >[];
    if (bad.length) {
      const list = bad
        .slice(0, 5)
        .map((r) => `${String(r.table)} row ${String(r.rowid)} → ${String(r.parent)}`)
        .join("; ");
      throw new MigrateError(
        `The migration leaves ${bad.length} row(s) whose foreign keys point to no row (${list}${bad.length > 5 ? "; …" : ""}). ` +
          "Nothing was committed. Fix the data in the migration (or drop the foreign key) and run it again.",
        "ATH-MIGRATE-FK-CHECK",
      );
    }
  }

  override async afterRun(): Promise<void> {
    if (!this.restoreForeignKeys) return;
    this.restoreForeignKeys = false;
    if (this.connection) await this.pragmaOutsideTransaction("PRAGMA foreign_keys = ON");
    else await this.exec("PRAGMA foreign_keys = ON");
  }

  /** ADD COLUMN can't add a key, a constraint, or a non-constant default, nor NOT NULL without a default. */
  private canAddNatively(column: Column, table: Table | null): boolean {
    if (column.primaryKey || column.unique || column.foreignKeys.length) return false;
    // An Enum's CHECK is a table constraint here.
    if (column.type instanceof EnumType && column.type.createConstraint) return false;
    if (table && table.constraints.length) return false;
    const d = column.serverDefault;
    if (d && d.kind !== "literal") return false;
    return column.nullable || d !== null;
  }

  override needsRebuild(op: MigrateOperation): boolean {
    if (op instanceof AlterColumnOp) return op.changes.some((c) => c !== "newColumnName" && c !== "comment");
    // Offline, SQLite's own DROP COLUMN (3.35+) is the one choice: the table can't be read to rebuild
    // it. SQLite refuses it for a column in a key, index or constraint; online, rebuilding avoids that.
    if (op instanceof DropColumnOp) return !this.asSql;
    if (op instanceof AddColumnOp) return !this.canAddNatively(op.column, null);
    return op instanceof AddConstraintOp || op instanceof DropConstraintOp;
  }

  override async addColumn(table: Table, column: Column): Promise<void> {
    if (!this.canAddNatively(column, table)) {
      throw new MigrateError(`SQLite can't add column '${column.name}' with ALTER TABLE.`, "ATH-MIGRATE");
    }
    await super.addColumn(table, column);
  }

  /** Only a rename reaches here (other changes rebuild); comments are not stored by SQLite. */
  override async alterColumn(op: AlterColumnOp): Promise<void> {
    if (op.options.newColumnName !== undefined)
      await this.renameColumn(op.tableName, op.columnName, op.options.newColumnName, op.schema);
  }

  override batchNeedsRebuild(batch: BatchAlterTableOp): boolean {
    const recreate = batch.options.recreate ?? "auto";
    if (recreate === "never") {
      const blocked = batch.ops.find((o) => this.needsRebuild(o));
      if (blocked) {
        throw new MigrateError(
          `batchAlterTable(${batch.tableName}, { recreate: "never" }): SQLite's ALTER TABLE can't do ${blocked.describe()}.`,
          "ATH-MIGRATE-BATCH",
        );
      }
      return false;
    }
    return recreate === "always" || batch.ops.some((o) => this.needsRebuild(o));
  }

  override async rebuildTable(batch: BatchAlterTableOp): Promise<void> {
    const schema = batch.options.schema ?? null;
    const key = tableKey(batch.tableName, schema);
    const model = batch.options.copyFrom
      ? modelFromTable(batch.options.copyFrom, this.compiler)
      : ((this.asSql ? this.offlineTables.get(key) : undefined) ??
        (await modelFromDatabase(this.inspector(batch.describe()), batch.tableName, schema)));
    for (const op of batch.ops) applyToModel(model, op, this.compiler);
    if (this.asSql) this.offlineTables.set(key, model);
    if (model.columns.length === 0) {
      throw new MigrateError(
        `${batch.describe()} would leave the table with no columns; drop the table instead.`,
        "ATH-MIGRATE",
      );
    }
    for (const sql of rebuildStatements(model, this.compiler)) await this.exec(sql);
  }

  /** The rowid alias is spelled INTEGER whatever integer type the model says (only INTEGER aliases the rowid). */
  override compareType(model: Column, reflected: ReflectedColumn): "same" | "different" | "unknown" {
    if (reflected.autoincrement && isIntegerType(model.type) && reflected.rawType.toUpperCase() === "INTEGER")
      return "same";
    return super.compareType(model, reflected);
  }

  /** Booleans are stored as 0/1. */
  override normalizeDefaultSql(sql: string): string {
    const s = sql.trim().toLowerCase();
    return super.normalizeDefaultSql(s === "false" ? "0" : s === "true" ? "1" : sql);
  }

  override afterOperation(op: MigrateOperation): void {
    if (!this.asSql) return;
    if (op instanceof CreateTableOp) {
      this.offlineTables.set(tableKey(op.tableName, op.schema), modelFromTable(op.table, this.compiler));
      return;
    }
    const t = op as { tableName?: string | null; schema?: string | null };
    if (!t.tableName) return;
    const key = tableKey(t.tableName, t.schema ?? null);
    const model = this.offlineTables.get(key);
    if (!model) return;
    if (op instanceof DropTableOp) this.offlineTables.delete(key);
    else if (op instanceof RenameTableOp) {
      this.offlineTables.delete(key);
      model.name = op.newName;
      this.offlineTables.set(tableKey(op.newName, op.schema), model);
    } else {
      try {
        applyToModel(model, op, this.compiler);
      } catch {
        // Not a change of the table's shape (SQL, data): nothing to track.
      }
    }
  }
}
