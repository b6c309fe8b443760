/**
 * SQLite's DDL compiler (SQLAlchemy: `SQLiteDDLCompiler`).
 *
 * - The autoincrement integer primary key is written inline as `INTEGER … PRIMARY KEY`, which
 *   makes it the rowid alias (SQLite's autoincrement); `sqliteAutoincrement: true` adds
 *   AUTOINCREMENT (ids of deleted rows are never reused). A BigInteger or SmallInteger key is
 *   spelled INTEGER there too (SQLite integers are 64-bit), since only INTEGER aliases the rowid.
 * - Foreign keys are always inline: SQLite cannot ALTER TABLE ADD CONSTRAINT, and does not
 *   check referenced tables at CREATE time, so cycles need nothing special.
 * - Comments are not stored (as SQLAlchemy: SQLite has no comments).
 * - Enum is VARCHAR with a CHECK constraint.
 */
import { CompileError, UnsupportedFeatureError } from "../../util/errors.js";
import type { TableClause } from "../../sql/selectable.js";
import type { Column } from "../../schema/column.js";
import type { ForeignKeyConstraint } from "../../schema/constraints.js";
import { DdlCompiler } from "../../schema/ddl-compiler.js";
import type {
  AddConstraintElement,
  DropConstraintElement,
  SetColumnCommentElement,
  SetTableCommentElement,
} from "../../schema/ddl.js";
import type { Table } from "../../schema/table.js";

export class SqliteDdlCompiler extends DdlCompiler {
  /** The column written as `INTEGER PRIMARY KEY`, if any. */
  protected inlinePrimaryKeyColumn(table: Table<any, any>): Column | null {
    const col = table.autoincrementColumn;
    if (!col) return null;
    if (table.primaryKey.columns.length !== 1) {
      throw new CompileError(
        `SQLite does not support autoincrement for composite primary keys (table '${table.name}', column '${col.name}'). ` +
          "Remove autoincrement: true, or make it the only primary key column.",
        "ATH-AUTOINCREMENT",
      );
    }
    return col;
  }
  protected override primaryKeyInline(table: Table<any, any>): boolean {
    return this.inlinePrimaryKeyColumn(table) !== null;
  }
  override columnSpecification(col: Column): string {
    const table = col.table as Table<any, any>;
    if (table && this.inlinePrimaryKeyColumn(table) === col) {
      const pkName = this.constraintName(table.primaryKey);
      let s =
        this.formatColumnName(col) +
        " INTEGER NOT NULL " +
        (pkName ? "CONSTRAINT " + pkName + " " : "") +
        "PRIMARY KEY";
      if (table.options.sqliteAutoincrement) s += " AUTOINCREMENT";
      return s;
    }
    return super.columnSpecification(col);
  }
  protected override defaultClause(col: Column): string | null {
    const d = super.defaultClause(col);
    // SQLite wants an expression default in parentheses; literals and bare keywords (CURRENT_TIMESTAMP) go as they are.
    if (d !== null && !/^\s*['"(]/.test(d) && /\W/.test(d) && !/^-?\d+(\.\d+)?$/.test(d))
      return "(" + d + ")";
    return d;
  }
  protected override formatReferencedTable(t: TableClause<any, any>, _fk: ForeignKeyConstraint): string {
    return this.quote(t.name);
  }
  override visitAddConstraint(_e: AddConstraintElement): string {
    throw new UnsupportedFeatureError(
      "ALTER TABLE … ADD CONSTRAINT",
      "sqlite",
      "SQLite creates constraints only with CREATE TABLE; declare the constraint on the Table (createAll keeps foreign keys inline).",
    );
  }
  override visitDropConstraint(_e: DropConstraintElement): string {
    throw new UnsupportedFeatureError(
      "ALTER TABLE … DROP CONSTRAINT",
      "sqlite",
      "Recreate the table without the constraint instead.",
    );
  }
  override visitSetTableComment(_e: SetTableCommentElement): string {
    throw new UnsupportedFeatureError(
      "Table comments",
      "sqlite",
      "SQLite does not store comments; createAll leaves them out.",
    );
  }
  override visitSetColumnComment(_e: SetColumnCommentElement): string {
    throw new UnsupportedFeatureError(
      "Column comments",
      "sqlite",
      "SQLite does not store comments; createAll leaves them out.",
    );
  }
}
