/**
 * `MigrateImpl`: runs operations as SQL on one database (Alembic: `ddl/impl.py` DefaultImpl).
 * Online it executes each statement on the migration's connection; offline (`--sql`) it hands
 * the SQL text to an output. Dialects subclass it where their ALTER differs (postgresql.ts,
 * mysql.ts, sqlite.ts).
 */
import type { Dialect } from "../../dialects/base/dialect.js";
import type { ReflectedColumn } from "../../dialects/base/inspector.js";
import type { Connection } from "../../engine/connection.js";
import { RawType } from "../../dialects/base/raw-type.js";
import { Inspector } from "../../engine/reflection/inspector.js";
import { Column } from "../../schema/column.js";
import type { Constraint } from "../../schema/constraints.js";
import {
  AddConstraintElement,
  CreateIndexElement,
  CreateTableElement,
  DropConstraintElement,
  DropIndexElement,
  SetColumnCommentElement,
  SetTableCommentElement,
  type DdlElement,
} from "../../schema/ddl.js";
import type { Index } from "../../schema/indexes.js";
import type { Table } from "../../schema/table.js";
import { insert } from "../../sql/dml.js";
import { literalColumn } from "../../sql/text.js";
import type { TableClause } from "../../sql/selectable.js";
import type { Compilable } from "../../sql/visitor.js";
import { MigrateError } from "../errors.js";
import type { AlterColumnOp } from "../operations/table-ops.js";
import type { BatchAlterTableOp } from "../operations/misc-ops.js";
import type { ConstraintType, DropConstraintOp } from "../operations/constraint-ops.js";
import type { MigrateOperation } from "../operations/base.js";
import { migrateCompiler, type MigrateCompiler } from "./compiler.js";

export interface ImplContext {
  readonly dialect: Dialect;
  /** The migration's connection; null when producing SQL offline. */
  readonly connection: Connection | null;
  /** Offline: receives each statement's SQL (without the terminating `;`). */
  readonly emit?: ((sql: string) => void) | null;
}

export class MigrateImpl {
  readonly dialect: Dialect;
  readonly connection: Connection | null;
  private readonly emitFn: ((sql: string) => void) | null;
  private _compiler: MigrateCompiler | null = null;
  private _inspector: Inspector | null = null;

  constructor(ctx: ImplContext) {
    this.dialect = ctx.dialect;
    this.connection = ctx.connection;
    this.emitFn = ctx.emit ?? null;
  }

  /** Whether DDL runs inside transactions (PostgreSQL, SQLite) rather than committing at once (MySQL). */
  get transactionalDdl(): boolean {
    return this.dialect.capabilities.supportsTransactionalDdl === true;
  }
  /** ALTER restates the whole column (MySQL MODIFY), so operations carry what they don't change. */
  get alterRestatesColumn(): boolean {
    return false;
  }
  get asSql(): boolean {
    return this.connection === null;
  }
  get compiler(): MigrateCompiler {
    return (this._compiler ??= migrateCompiler(this.dialect));
  }
  /** An Inspector on the migration's connection (online only); its cache is cleared after each change. */
  inspector(why: string): Inspector {
    if (!this.connection) {
      throw new MigrateError(
        `${why} needs to read the table from the database, which an offline (--sql) run can't do. ` +
          "Run it online, or pass the table as it is now (batchAlterTable(…, { copyFrom: table })).",
        "ATH-MIGRATE-OFFLINE",
      );
    }
    return (this._inspector ??= new Inspector(this.connection));
  }

  // ---- running SQL ----

  /** Runs (or, offline, emits) one SQL statement. */
  async exec(sql: string): Promise<void> {
    this._inspector?.clearCache();
    if (this.connection) await this.connection.execDriverSql(sql);
    else this.emitFn?.(sql);
  }
  async execElement(el: DdlElement): Promise<void> {
    await this.exec(this.compiler.sql(el));
  }
  /** Runs a statement object online; offline, writes it with its values inline. */
  async execStatement(
    stmt: Compilable,
    params?: Record<string, unknown> | Record<string, unknown>[],
  ): Promise<void> {
    this._inspector?.clearCache();
    if (this.connection) await this.connection.execute(stmt as any, params as any);
    else this.emitFn?.(this.dialect.compile(stmt, { literalBinds: true }).sql);
  }
  /** Raw SQL text (`op.execute("…")`) is sent as written, without parameter parsing. */
  async execute(sql: string | Compilable): Promise<void> {
    if (typeof sql === "string") await this.exec(sql);
    else await this.execStatement(sql);
  }

  // ---- run lock ----

  /**
   * Takes the lock that keeps two migration runs on one database from interleaving (two deploys
   * running `upgrade` at once), waiting up to `timeoutSeconds`; false if it is still held then.
   * Held by the session, not the transaction, so across the run's commits, until `unlockRuns`
   * or the session ends. `key` names the version table. A dialect without one returns true.
   */
  async lockRuns(_key: string, _timeoutSeconds: number): Promise<boolean> {
    return true;
  }
  async unlockRuns(_key: string): Promise<void> {}

  // ---- run hooks (SQLite turns foreign keys off around a run; see sqlite.ts) ----

  async beforeRun(): Promise<void> {}
  async beforeCommit(): Promise<void> {}
  async afterRun(): Promise<void> {}

  // ---- tables ----

  async createTable(table: Table): Promise<void> {
    await this.execElement(
      new CreateTableElement(table, { includeForeignKeyConstraints: table.foreignKeyConstraints }),
    );
    if (this.compiler.separateComments) {
      if (table.comment !== null) await this.execElement(new SetTableCommentElement(table));
      for (const col of table.columns as Column[])
        if (col.comment !== null) await this.execElement(new SetColumnCommentElement(col));
    }
    for (const ix of table.indexes) await this.execElement(new CreateIndexElement(ix));
  }
  /** DROP TABLE; `definition` is the table as declared, when the operation knows it. */
  async dropTable(name: string, schema: string | null, _definition: Table | null): Promise<void> {
    await this.exec(`DROP TABLE ${this.compiler.tableNameSql(name, schema)}`);
  }
  async renameTable(name: string, newName: string, schema: string | null): Promise<void> {
    await this.exec(
      `ALTER TABLE ${this.compiler.tableNameSql(name, schema)} RENAME TO ${this.compiler.quote(newName)}`,
    );
  }

  // ---- columns ----

  /** ADD COLUMN, then the constraints and indexes the column declares (its table holds only it). */
  async addColumn(table: Table, column: Column): Promise<void> {
    const c = this.compiler;
    await this.exec(`ALTER TABLE ${c.tableSql(table)} ADD COLUMN ${c.columnSpecification(column)}`);
    if (c.separateComments && column.comment !== null)
      await this.execElement(new SetColumnCommentElement(column));
    for (const con of table.constraints) if (con !== table.primaryKey) await this.addConstraint(con);
    for (const ix of table.indexes) await this.createIndex(ix);
  }
  async dropColumn(tableName: string, columnName: string, schema: string | null): Promise<void> {
    await this.exec(
      `ALTER TABLE ${this.compiler.tableNameSql(tableName, schema)} DROP COLUMN ${this.compiler.quote(columnName)}`,
    );
  }
  /** ALTER COLUMN: type, nullability, server default, comment, name (dialects override). */
  async alterColumn(op: AlterColumnOp): Promise<void> {
    throw new MigrateError(`${op.describe()} is not supported on ${this.dialect.name}.`, "ATH-MIGRATE");
  }
  protected async renameColumn(
    tableName: string,
    from: string,
    to: string,
    schema: string | null,
  ): Promise<void> {
    const c = this.compiler;
    await this.exec(
      `ALTER TABLE ${c.tableNameSql(tableName, schema)} RENAME COLUMN ${c.quote(from)} TO ${c.quote(to)}`,
    );
  }

  /** The column as the database has it (online), for what an ALTER must restate. */
  protected async reflectedColumn(
    tableName: string,
    columnName: string,
    schema: string | null,
  ): Promise<ReflectedColumn> {
    const cols = await this.inspector(`alterColumn(${tableName}.${columnName})`).getColumns(
      tableName,
      schema,
    );
    const col = cols.find((c) => c.name === columnName);
    if (!col) {
      throw new MigrateError(
        `Table '${tableName}' has no column '${columnName}' (columns: ${cols.map((c) => c.name).join(", ")}).`,
        "ATH-MIGRATE-NO-COLUMN",
      );
    }
    return col;
  }

  // ---- indexes and constraints ----

  async createIndex(ix: Index): Promise<void> {
    await this.execElement(new CreateIndexElement(ix));
  }
  async dropIndex(ix: Index): Promise<void> {
    await this.execElement(new DropIndexElement(ix));
  }
  async addConstraint(c: Constraint): Promise<void> {
    await this.execElement(new AddConstraintElement(c));
  }
  async dropConstraint(c: Constraint): Promise<void> {
    await this.execElement(new DropConstraintElement(c));
  }
  /** The kind of a constraint known by name, where the dialect's DROP needs it (MySQL); null: any. */
  async constraintType(_op: DropConstraintOp): Promise<ConstraintType | null> {
    return null;
  }

  // ---- batches (SQLite rebuilds; elsewhere each operation runs on its own) ----

  /** Called after each operation ran (SQLite keeps track of tables during an offline run). */
  afterOperation(_op: MigrateOperation): void {}
  /** Whether this operation needs a table rebuild here (SQLite: what its ALTER TABLE can't do). */
  needsRebuild(_op: MigrateOperation): boolean {
    return false;
  }
  /** Whether the batch must rebuild the table here. */
  batchNeedsRebuild(batch: BatchAlterTableOp): boolean {
    return batch.options.recreate === "always";
  }
  async rebuildTable(batch: BatchAlterTableOp): Promise<void> {
    throw new MigrateError(
      `batchAlterTable(${batch.tableName}, { recreate: "always" }) rebuilds tables on SQLite only; ` +
        `on ${this.dialect.name} ALTER TABLE does the changes: leave recreate as "auto".`,
      "ATH-MIGRATE-BATCH",
    );
  }

  // ---- data ----

  /** Inserts rows; online as one executemany per set of keys, offline as INSERTs with inline values. */
  async bulkInsert(table: TableClause<any, any>, rows: readonly Record<string, unknown>[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.connection) {
      const groups = new Map<string, Record<string, unknown>[]>();
      for (const r of rows) {
        const k = Object.keys(r).sort().join("\u0000");
        groups.set(k, [...(groups.get(k) ?? []), r]);
      }
      for (const group of groups.values()) await this.execStatement(insert(table as any), group);
      return;
    }
    for (const row of rows) {
      const values: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(row)) {
        const col = table.columns.find((c) => c.key === k);
        const proc = col && v !== null && v !== undefined ? this.dialect.bindProcessorFor(col.type) : null;
        const out = proc ? proc(v) : v;
        values[k] = out !== null && typeof out === "object" && !(out instanceof Date) ? String(out) : out;
      }
      await this.execStatement(insert(table as any).values(values as any));
    }
  }

  // ---- autogenerate: what counts as the same type and the same default on this database ----

  /** A type spelling reduced to a canonical form (dialects add their synonyms). */
  normalizeTypeSpelling(spelling: string): string {
    return spelling
      .toLowerCase()
      .replace(/\s+/g, " ")
      .replace(/\s*,\s*/g, ",")
      .replace(/\s*\(\s*/g, "(")
      .replace(/\s*\)/g, ")")
      .trim();
  }
  /**
   * Whether the model's column type is what the database has: the model's DDL spelling against
   * the catalog's, both normalised. "unknown" when the database's type is one Athanor can't read.
   */
  compareType(model: Column, reflected: ReflectedColumn): "same" | "different" | "unknown" {
    let spelling: string;
    try {
      spelling = this.compiler.columnTypeSql(model);
    } catch {
      return "unknown";
    }
    if (this.normalizeTypeSpelling(spelling) === this.normalizeTypeSpelling(reflected.rawType)) return "same";
    return reflected.type instanceof RawType ? "unknown" : "different";
  }
  /** A default's SQL reduced to a canonical form: no outer parentheses, numbers unquoted, lower case outside quotes. */
  normalizeDefaultSql(sql: string): string {
    let s = sql.trim();
    while (/^\(.*\)$/s.test(s) && balanced(s.slice(1, -1))) s = s.slice(1, -1).trim();
    const num = /^'?(-?\d+(?:\.\d+)?)'?$/.exec(s);
    if (num) return String(Number(num[1]));
    if (/^'(?:[^']|'')*'$/.test(s)) return s;
    s = s.toLowerCase().replace(/\s+/g, " ");
    if (/^(now\(\)|current_timestamp(\(\d*\))?|localtimestamp(\(\d*\))?)$/.test(s))
      return "current_timestamp";
    return s;
  }
  /** Whether the model's server default is the database's (only asked when `compareServerDefault` is on). */
  compareServerDefault(model: Column, reflected: ReflectedColumn): "same" | "different" {
    const mine = model.serverDefault ? this.compiler.defaultSql(model) : null;
    const theirs = reflected.default;
    if (mine === null || theirs === null) return mine === theirs ? "same" : "different";
    return this.normalizeDefaultSql(mine) === this.normalizeDefaultSql(theirs) ? "same" : "different";
  }

  /** A reflected column as a Column restating it exactly (raw type, default and ON UPDATE as SQL). */
  protected restated(name: string, c: ReflectedColumn): Column {
    return new Column(new RawType(c.rawType), {
      name,
      nullable: c.nullable,
      ...(c.default !== null ? { serverDefault: literalColumn(c.default) } : {}),
      ...(c.onUpdate ? { serverOnupdate: literalColumn(c.onUpdate) } : {}),
      ...(c.comment !== null ? { comment: c.comment } : {}),
    });
  }
}

/** Whether parentheses in `s` balance (so stripping an outer pair is safe). */
function balanced(s: string): boolean {
  let depth = 0;
  let quote = false;
  for (const ch of s) {
    if (ch === "'") quote = !quote;
    else if (!quote && ch === "(") depth++;
    else if (!quote && ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}
