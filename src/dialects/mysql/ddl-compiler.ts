/**
 * MySQL/MariaDB's DDL compiler (SQLAlchemy: `MySQLDDLCompiler`).
 *
 * - `AUTO_INCREMENT` on the autoincrement column; comments inline (`COMMENT '…'`, `COMMENT='…'`).
 * - Table options: `mysqlEngine` → ENGINE=, `mysqlCharset` → DEFAULT CHARSET=, `mysqlCollate` → COLLATE=.
 * - Enum is MySQL's inline `ENUM('a', 'b')` (no CHECK constraint).
 * - VARCHAR needs a length: a String() column without one is an error naming the column.
 * - TEXT/BLOB/JSON columns can't be in a UNIQUE constraint, and an index on them needs a prefix
 *   length: `Index("ix", t.c.body, { mysqlLength: 100 })` renders `body(100)`.
 * - DEFERRABLE/INITIALLY are not MySQL syntax and are left out; partial indexes (WHERE) are an error.
 * - Expression defaults are parenthesised (MySQL 8 / MariaDB 10.2+ syntax); `serverOnupdate`
 *   renders `ON UPDATE expr` (e.g. `func.now()` for a DATETIME column).
 */
import { CompileError, UnsupportedFeatureError } from "../../util/errors.js";
import { ColumnClause, FunctionCall, type ClauseElement } from "../../sql/elements.js";
import type { Column, ServerDefault } from "../../schema/column.js";
import {
  CheckConstraint,
  ForeignKeyConstraint,
  PrimaryKeyConstraint,
  UniqueConstraint,
  type Constraint,
} from "../../schema/constraints.js";
import { DdlCompiler } from "../../schema/ddl-compiler.js";
import type {
  CreateIndexElement,
  DropConstraintElement,
  DropIndexElement,
  SetColumnCommentElement,
  SetTableCommentElement,
} from "../../schema/ddl.js";
import type { Index } from "../../schema/indexes.js";
import type { Table } from "../../schema/table.js";

/** `func.now()` / `func.current_timestamp()` with no arguments. */
function isNowCall(d: ServerDefault): boolean {
  return (
    d.kind === "expr" &&
    d.expr instanceof FunctionCall &&
    d.expr.args.length === 0 &&
    /^(now|current_timestamp)$/i.test(d.expr.name)
  );
}

/** Column types MySQL indexes only by prefix, and never in a UNIQUE constraint. */
const PREFIX_ONLY = /^(TINY|MEDIUM|LONG)?(TEXT|BLOB)\b|^JSON\b/i;
const OPTION_VALUE = /^[A-Za-z0-9_]+$/;

export class MysqlDdlCompiler extends DdlCompiler {
  override columnSpecification(col: Column): string {
    const type = this.columnType(col);
    let s = this.formatColumnName(col) + " " + type;
    if (!col.nullable) s += " NOT NULL";
    // MySQL makes a bare TIMESTAMP NOT NULL with an implicit default unless told otherwise.
    else if (/^TIMESTAMP\b/i.test(type)) s += " NULL";
    const table = col.table as Table<any, any> | null;
    const autoIncrement = table !== null && table.autoincrementColumn === col && !col.serverDefault;
    const d = this.defaultClause(col);
    if (d !== null) s += " DEFAULT " + d;
    if (col.serverOnupdate) {
      s +=
        " ON UPDATE " +
        (isNowCall(col.serverOnupdate)
          ? this.currentTimestamp(col)
          : this.renderServerDefault(col.serverOnupdate));
    }
    if (autoIncrement) s += " AUTO_INCREMENT";
    if (col.comment !== null) s += " COMMENT " + this.literal(col.comment);
    return s;
  }
  protected override columnType(col: Column): string {
    if (col.type.kind === "string" && (col.type as { length?: number | null }).length == null) {
      throw new CompileError(
        `Column '${String(col)}' is a VARCHAR without a length, which MySQL requires. ` +
          "Give it one, e.g. Column(String(255)), or use Text for unbounded text.",
        "ATH-TYPE-LENGTH",
      );
    }
    return super.columnType(col);
  }
  protected override defaultClause(col: Column): string | null {
    if (col.serverDefault && isNowCall(col.serverDefault)) return this.currentTimestamp(col);
    const d = super.defaultClause(col);
    if (d === null) return null;
    // SQLAlchemy's rule: an expression default goes in parentheses, except literals and now(n).
    if (
      !/^\s*['"(]/.test(d) &&
      !/^-?\d+(\.\d+)?$/.test(d) &&
      !/^(now|current_timestamp)\(\d*\)$/i.test(d) &&
      /\W/.test(d)
    ) {
      return "(" + d + ")";
    }
    return d;
  }
  /**
   * `now()` as a default or ON UPDATE: MySQL wants CURRENT_TIMESTAMP with the column's own
   * fractional-second precision (DATETIME(6) → CURRENT_TIMESTAMP(6)).
   */
  private currentTimestamp(col: Column): string {
    const fsp = /^(DATETIME|TIMESTAMP)\((\d)\)/i.exec(this.columnType(col));
    return fsp ? `CURRENT_TIMESTAMP(${fsp[2]})` : "CURRENT_TIMESTAMP";
  }
  protected override postCreateTable(table: Table<any, any>): string {
    const o = table.options;
    const parts: string[] = [];
    if (o.mysqlEngine) parts.push("ENGINE=" + this.optionValue(o.mysqlEngine, "mysqlEngine", table));
    if (o.mysqlCharset)
      parts.push("DEFAULT CHARSET=" + this.optionValue(o.mysqlCharset, "mysqlCharset", table));
    if (o.mysqlCollate) parts.push("COLLATE=" + this.optionValue(o.mysqlCollate, "mysqlCollate", table));
    if (table.comment !== null) parts.push("COMMENT=" + this.literal(table.comment));
    return parts.length ? " " + parts.join(" ") : "";
  }
  private optionValue(v: string, what: string, table: Table<any, any>): string {
    if (!OPTION_VALUE.test(v)) {
      throw new CompileError(
        `Table '${table.name}': ${what} '${v}' is not a plain name (letters, digits, _).`,
        "ATH-DDL",
      );
    }
    return v;
  }
  protected override deferrability(_c: Constraint): string {
    return "";
  }
  protected override checkUniqueColumns(c: UniqueConstraint): void {
    for (const col of c.columns) {
      const type = this.dialect.typeCompiler.process(col.type);
      if (PREFIX_ONLY.test(type)) {
        throw new CompileError(
          `Column '${String(col)}' is ${type}, which MySQL can't put in a UNIQUE constraint. ` +
            "Use String(n) for the column, or a unique Index with a prefix length: Index(name, col, { unique: true, mysqlLength: 255 }).",
          "ATH-DDL-MYSQL-TEXT",
        );
      }
    }
  }

  override visitCreateIndex(ci: CreateIndexElement): string {
    if (ci.index.where) {
      throw new UnsupportedFeatureError(
        "Partial indexes (Index where)",
        "mysql",
        "Index the whole column instead.",
      );
    }
    return super.visitCreateIndex(ci);
  }
  protected override indexExpression(e: ClauseElement, ix: Index): string {
    if (e instanceof ColumnClause) {
      const type = this.dialect.typeCompiler.process(e.type);
      const len = this.prefixLength(ix, e);
      if (len === null && PREFIX_ONLY.test(type)) {
        throw new CompileError(
          `Index on column '${String(e)}' (${type}) needs a prefix length on MySQL. ` +
            `Give one: Index(name, col, { mysqlLength: 255 }) or { mysqlLength: { ${e.key}: 255 } }.`,
          "ATH-DDL-MYSQL-TEXT",
        );
      }
      return this.quote(e.name) + (len === null ? "" : `(${len})`);
    }
    const s = super.indexExpression(e, ix);
    // Functional key parts are written in parentheses on MySQL.
    return s.startsWith("(") ? s : "(" + s + ")";
  }
  private prefixLength(ix: Index, col: ColumnClause<any>): number | null {
    const l = ix.mysqlLength;
    if (l === null) return null;
    const n = typeof l === "number" ? l : (l[col.key] ?? l[col.name]);
    if (n === undefined) return null;
    if (!Number.isInteger(n) || n <= 0)
      throw new CompileError(
        `mysqlLength for '${col.name}' must be a positive integer, got ${n}.`,
        "ATH-DDL",
      );
    return n;
  }
  override visitDropIndex(di: DropIndexElement): string {
    return (
      "DROP INDEX " +
      (di.options.ifExists ? "IF EXISTS " : "") +
      this.indexName(di.index) +
      " ON " +
      this.formatTable(this.indexTable(di.index))
    );
  }
  override visitDropConstraint(dc: DropConstraintElement): string {
    const c = dc.constraint;
    const table = "ALTER TABLE " + this.formatTable(this.constraintTable(c));
    if (c instanceof PrimaryKeyConstraint) return table + " DROP PRIMARY KEY";
    const name = this.requiredConstraintName(c, "DROP CONSTRAINT");
    const ifExists = dc.options.ifExists ? "IF EXISTS " : "";
    if (c instanceof ForeignKeyConstraint) return table + " DROP FOREIGN KEY " + ifExists + name;
    if (c instanceof UniqueConstraint) return table + " DROP INDEX " + ifExists + name;
    if (c instanceof CheckConstraint) {
      const mariadb = (this.dialect as { isMariaDB?: boolean }).isMariaDB === true;
      return table + (mariadb ? " DROP CONSTRAINT " : " DROP CHECK ") + ifExists + name;
    }
    return table + " DROP CONSTRAINT " + ifExists + name;
  }
  override visitSetTableComment(e: SetTableCommentElement): string {
    return "ALTER TABLE " + this.formatTable(e.table) + " COMMENT " + this.literal(e.table.comment ?? "");
  }
  override visitSetColumnComment(e: SetColumnCommentElement): string {
    // MySQL changes a column comment by restating the whole column.
    return (
      "ALTER TABLE " +
      this.formatTable(this.columnTable(e.column)) +
      " MODIFY COLUMN " +
      this.columnSpecification(e.column)
    );
  }
}
