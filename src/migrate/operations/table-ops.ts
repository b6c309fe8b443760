/**
 * Table and column operations (Alembic: `CreateTableOp`, `DropTableOp`, `RenameTableOp`,
 * `AddColumnOp`, `DropColumnOp`, `AlterColumnOp`).
 */
import type { Column, ServerDefaultArg } from "../../schema/column.js";
import type { Table } from "../../schema/table.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import { irreversible, MigrateOperation } from "./base.js";

const qualified = (name: string, schema: string | null): string => (schema ? `${schema}.${name}` : name);

/** CREATE TABLE; `table` holds the columns, constraints, indexes and options. */
export class CreateTableOp extends MigrateOperation {
  readonly kind = "create_table";
  constructor(readonly table: Table) {
    super();
  }
  get tableName(): string {
    return this.table.name;
  }
  get schema(): string | null {
    return this.table.schema;
  }
  reverse(): DropTableOp {
    return new DropTableOp(this.table.name, { schema: this.table.schema, table: this.table });
  }
  describe(): string {
    return `createTable(${qualified(this.table.name, this.table.schema)})`;
  }
}

/** DROP TABLE; `table` (when known) is what `reverse()` recreates. */
export class DropTableOp extends MigrateOperation {
  readonly kind = "drop_table";
  readonly schema: string | null;
  readonly table: Table | null;
  constructor(
    readonly tableName: string,
    options: { schema?: string | null; table?: Table | null } = {},
  ) {
    super();
    this.schema = options.schema ?? null;
    this.table = options.table ?? null;
  }
  reverse(): CreateTableOp {
    if (!this.table) throw irreversible(this, "the table's definition is not known.");
    return new CreateTableOp(this.table);
  }
  describe(): string {
    return `dropTable(${qualified(this.tableName, this.schema)})`;
  }
}

export class RenameTableOp extends MigrateOperation {
  readonly kind = "rename_table";
  constructor(
    readonly tableName: string,
    readonly newName: string,
    readonly schema: string | null = null,
  ) {
    super();
  }
  reverse(): RenameTableOp {
    return new RenameTableOp(this.newName, this.tableName, this.schema);
  }
  describe(): string {
    return `renameTable(${qualified(this.tableName, this.schema)} → ${this.newName})`;
  }
}

/** ALTER TABLE … ADD COLUMN. `column` is named `columnName` in the table. */
export class AddColumnOp extends MigrateOperation {
  readonly kind = "add_column";
  constructor(
    readonly tableName: string,
    readonly columnName: string,
    readonly column: Column,
    readonly schema: string | null = null,
  ) {
    super();
  }
  reverse(): DropColumnOp {
    return new DropColumnOp(this.tableName, this.columnName, { schema: this.schema, column: this.column });
  }
  describe(): string {
    return `addColumn(${qualified(this.tableName, this.schema)}.${this.columnName})`;
  }
}

/** ALTER TABLE … DROP COLUMN; `column` (when known) is what `reverse()` adds back. */
export class DropColumnOp extends MigrateOperation {
  readonly kind = "drop_column";
  readonly schema: string | null;
  readonly column: Column | null;
  constructor(
    readonly tableName: string,
    readonly columnName: string,
    options: { schema?: string | null; column?: Column | null } = {},
  ) {
    super();
    this.schema = options.schema ?? null;
    this.column = options.column ?? null;
  }
  reverse(): AddColumnOp {
    if (!this.column) throw irreversible(this, "the column's definition is not known.");
    return new AddColumnOp(this.tableName, this.columnName, this.column, this.schema);
  }
  describe(): string {
    return `dropColumn(${qualified(this.tableName, this.schema)}.${this.columnName})`;
  }
}

/**
 * What `alterColumn` changes. `serverDefault: null` removes the default; `comment: null`
 * removes the comment. The `existing…` fields describe the column as it is: MySQL restates
 * the whole column in `MODIFY`, and `reverse()` uses them to undo the change.
 */
export interface AlterColumnOptions {
  type?: TypeEngine<any>;
  nullable?: boolean;
  serverDefault?: ServerDefaultArg | null;
  newColumnName?: string;
  comment?: string | null;
  existingType?: TypeEngine<any>;
  existingNullable?: boolean;
  existingServerDefault?: ServerDefaultArg | null;
  existingComment?: string | null;
  /** MySQL: the column is AUTO_INCREMENT (kept in MODIFY). */
  existingAutoincrement?: boolean;
  /** PostgreSQL: the `USING expr` of a type change (default: `column::newtype`, an explicit cast). */
  postgresqlUsing?: string;
  schema?: string | null;
}

/** Swaps a changed attribute with its existing value, when both are known. */
function swap<T>(
  o: AlterColumnOptions,
  k: keyof AlterColumnOptions,
  ek: keyof AlterColumnOptions,
  out: any,
): void {
  if (o[k] !== undefined && o[ek] !== undefined) {
    out[k] = o[ek] as T;
    out[ek] = o[k] as T;
  } else if (o[k] !== undefined) out[ek] = o[k];
  else if (o[ek] !== undefined) out[ek] = o[ek];
}

export class AlterColumnOp extends MigrateOperation {
  readonly kind = "alter_column";
  constructor(
    readonly tableName: string,
    readonly columnName: string,
    readonly options: Readonly<AlterColumnOptions>,
  ) {
    super();
  }
  get schema(): string | null {
    return this.options.schema ?? null;
  }
  /** Whether anything is changed (not only described). */
  get changes(): string[] {
    const o = this.options;
    return (["type", "nullable", "serverDefault", "newColumnName", "comment"] as const).filter(
      (k) => o[k] !== undefined,
    );
  }
  reverse(): AlterColumnOp {
    const o = this.options;
    const r: AlterColumnOptions = { schema: o.schema ?? null };
    swap(o, "type", "existingType", r);
    swap(o, "nullable", "existingNullable", r);
    swap(o, "serverDefault", "existingServerDefault", r);
    swap(o, "comment", "existingComment", r);
    if (o.existingAutoincrement !== undefined) r.existingAutoincrement = o.existingAutoincrement;
    if (o.newColumnName !== undefined) {
      r.newColumnName = this.columnName;
      return new AlterColumnOp(this.tableName, o.newColumnName, r);
    }
    return new AlterColumnOp(this.tableName, this.columnName, r);
  }
  describe(): string {
    return `alterColumn(${qualified(this.tableName, this.schema)}.${this.columnName}: ${this.changes.join(", ") || "nothing"})`;
  }
}
