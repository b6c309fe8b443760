/**
 * The base DDL compiler (SQLAlchemy: `DDLCompiler`). Each DDL element calls one `visit…`
 * method; dialects subclass and override the pieces that differ (column specification,
 * autoincrement, table options, index and constraint syntax).
 *
 * Expressions inside DDL (CHECK conditions, server defaults, index expressions) are compiled
 * by the dialect's statement compiler with literal values and unqualified column names.
 */
import { CompileError, UnsupportedFeatureError } from "../util/errors.js";
import type { CompiledStatement } from "../sql/compiled.js";
import {
  BooleanConstant,
  ClauseElement,
  ColumnClause,
  FunctionCall,
  OrderByElement,
} from "../sql/elements.js";
import { TableClause } from "../sql/selectable.js";
import type { TextClause } from "../sql/text.js";
import { EnumType } from "../sql/types/generic.js";
import type { Column, ServerDefault } from "./column.js";
import {
  CheckConstraint,
  Constraint,
  ForeignKeyConstraint,
  PrimaryKeyConstraint,
  UniqueConstraint,
} from "./constraints.js";
import type {
  AddConstraintElement,
  CreateEnumTypeElement,
  CreateIndexElement,
  CreateTableElement,
  DdlElement,
  DropConstraintElement,
  DropEnumTypeElement,
  DropIndexElement,
  DropTableElement,
  SetColumnCommentElement,
  SetTableCommentElement,
} from "./ddl.js";
import type { Index } from "./indexes.js";
import { DdlCompilerBase } from "./ddl-compiler-base.js";
import type { Table } from "./table.js";

/** A native enum type that must exist before a table using it (PostgreSQL CREATE TYPE). */
export interface NamedEnumType {
  readonly type: EnumType<any>;
  readonly schema: string | null;
}

export class DdlCompiler extends DdlCompilerBase {
  // ---- what the createAll/dropAll runner asks ----

  /** Table and column comments are separate statements (PostgreSQL) rather than inline (MySQL). */
  get separateComments(): boolean {
    return false;
  }
  /** Constraints can be added and dropped with ALTER TABLE (not SQLite). */
  get supportsAlterConstraints(): boolean {
    return this.dialect.capabilities.supportsAlterAddConstraint === true;
  }
  /** Enum types that must be created before `table` (PostgreSQL); none by default. */
  namedEnumTypes(_table: Table<any, any>): NamedEnumType[] {
    return [];
  }
  /** A query returning one row when the named type exists (for checkFirst), or null. */
  typeExistsQuery(_t: NamedEnumType): TextClause<any> | null {
    return null;
  }
  /** Whether `type` is rendered as the database's own enum (no CHECK constraint then). */
  isNativeEnum(type: EnumType<any>): boolean {
    return this.dialect.capabilities.supportsNativeEnum === true && type.nativeEnum;
  }

  compileStatement(el: DdlElement): CompiledStatement {
    return {
      sql: el._compile(this),
      binds: [],
      resultColumns: null,
      kind: "ddl",
      returnsRows: false,
      dialect: this.dialect.name,
    };
  }

  // ---- statements ----

  visitCreateTable(ct: CreateTableElement): string {
    const table = ct.table;
    const lines = table.columns.map((c) => this.columnSpecification(c as Column));
    for (const c of this.tableConstraints(table, ct.options.includeForeignKeyConstraints ?? null)) {
      const s = this.constraintSql(c);
      if (s) lines.push(s);
    }
    let sql =
      "CREATE TABLE " +
      (ct.options.ifNotExists ? "IF NOT EXISTS " : "") +
      this.formatTable(table, true) +
      " (\n\t";
    sql += lines.join(",\n\t") + "\n)";
    return sql + this.postCreateTable(table);
  }
  visitDropTable(dt: DropTableElement): string {
    return "DROP TABLE " + (dt.options.ifExists ? "IF EXISTS " : "") + this.formatTable(dt.table);
  }
  visitCreateIndex(ci: CreateIndexElement): string {
    const ix = ci.index;
    const table = this.indexTable(ix);
    let sql =
      "CREATE " + (ix.unique ? "UNIQUE " : "") + "INDEX " + (ci.options.ifNotExists ? "IF NOT EXISTS " : "");
    sql += this.indexName(ix) + " ON " + this.formatTable(table) + " (" + this.indexColumns(ix) + ")";
    if (ix.where) sql += " WHERE " + this.expression(ix.where);
    return sql;
  }
  visitDropIndex(di: DropIndexElement): string {
    const table = this.indexTable(di.index);
    const name = this.indexName(di.index);
    return (
      "DROP INDEX " +
      (di.options.ifExists ? "IF EXISTS " : "") +
      (table.schema ? this.quote(table.schema) + "." : "") +
      name
    );
  }
  visitAddConstraint(ac: AddConstraintElement): string {
    const table = this.constraintTable(ac.constraint);
    const body = this.constraintSql(ac.constraint);
    if (!body)
      throw new CompileError(
        `Can't add the ${ac.constraint.describe()} of table '${table.name}': it renders nothing here.`,
        "ATH-DDL",
      );
    return "ALTER TABLE " + this.formatTable(table) + " ADD " + body;
  }
  visitDropConstraint(dc: DropConstraintElement): string {
    const table = this.constraintTable(dc.constraint);
    const name = this.requiredConstraintName(dc.constraint, "DROP CONSTRAINT");
    return (
      "ALTER TABLE " +
      this.formatTable(table) +
      " DROP CONSTRAINT " +
      (dc.options.ifExists ? "IF EXISTS " : "") +
      name +
      (dc.options.cascade ? " CASCADE" : "")
    );
  }
  visitCreateEnumType(_e: CreateEnumTypeElement): string {
    throw new UnsupportedFeatureError(
      "CREATE TYPE … AS ENUM",
      this.dialect.name,
      "Enum columns render as this database's own enum or as VARCHAR with a CHECK constraint.",
    );
  }
  visitDropEnumType(_e: DropEnumTypeElement): string {
    throw new UnsupportedFeatureError("DROP TYPE", this.dialect.name);
  }
  visitSetTableComment(e: SetTableCommentElement): string {
    return (
      "COMMENT ON TABLE " +
      this.formatTable(e.table) +
      " IS " +
      (e.table.comment === null ? "NULL" : this.literal(e.table.comment))
    );
  }
  visitSetColumnComment(e: SetColumnCommentElement): string {
    const col = e.column;
    const table = this.columnTable(col);
    return (
      "COMMENT ON COLUMN " +
      this.formatTable(table) +
      "." +
      this.quote(col.name) +
      " IS " +
      (col.comment === null ? "NULL" : this.literal(col.comment))
    );
  }

  // ---- CREATE TABLE pieces ----

  /** `name TYPE [DEFAULT …] [NOT NULL]`. */
  columnSpecification(col: Column): string {
    let s = this.formatColumnName(col) + " " + this.columnType(col);
    const d = this.defaultClause(col);
    if (d !== null) s += " DEFAULT " + d;
    if (!col.nullable) s += " NOT NULL";
    return s;
  }
  /** The column's type in DDL. */
  protected columnType(col: Column): string {
    return this.dialect.typeCompiler.process(col.type);
  }
  /** The DEFAULT expression of a column, or null. */
  protected defaultClause(col: Column): string | null {
    return col.serverDefault ? this.renderServerDefault(col.serverDefault) : null;
  }
  protected renderServerDefault(d: ServerDefault): string {
    if (d.kind === "expr") return this.expression(d.expr);
    const v = d.value;
    if (typeof v === "boolean") return this.sqlCompiler().visitBooleanConstant(new BooleanConstant(v));
    if (typeof v === "number") {
      if (!Number.isFinite(v))
        throw new CompileError(`A server default must be a finite number, got ${v}.`, "ATH-DDL");
      return String(v);
    }
    return this.literal(v);
  }
  /** Text after the closing parenthesis of CREATE TABLE (MySQL table options). */
  protected postCreateTable(_table: Table<any, any>): string {
    return "";
  }

  /** The constraints rendered inside CREATE TABLE, primary key first. */
  protected tableConstraints(
    table: Table<any, any>,
    includeFks: readonly ForeignKeyConstraint[] | null,
  ): Constraint[] {
    const out: Constraint[] = [];
    for (const c of table.constraints) {
      if (c instanceof PrimaryKeyConstraint && this.primaryKeyInline(table)) continue;
      if (c instanceof ForeignKeyConstraint) {
        if (includeFks ? !includeFks.includes(c) : this.supportsAlterConstraints && c.useAlter) continue;
      }
      if (c instanceof CheckConstraint && !this.shouldCreateCheck(c)) continue;
      out.push(c);
    }
    return out;
  }
  /** The primary key is written in its column's specification (SQLite INTEGER PRIMARY KEY). */
  protected primaryKeyInline(_table: Table<any, any>): boolean {
    return false;
  }
  protected shouldCreateCheck(c: CheckConstraint): boolean {
    if (this.dialect.capabilities.supportsCheckConstraints === false) return false;
    const col = c._enumColumn;
    return !(col && col.type instanceof EnumType && this.isNativeEnum(col.type));
  }

  /** One constraint, as in CREATE TABLE or ALTER TABLE ADD. */
  constraintSql(c: Constraint): string | null {
    if (c instanceof PrimaryKeyConstraint) {
      if (c.columns.length === 0) return null;
      return this.preamble(c) + "PRIMARY KEY (" + this.columnList(c.columns) + ")" + this.deferrability(c);
    }
    if (c instanceof UniqueConstraint) {
      this.checkUniqueColumns(c);
      return this.preamble(c) + "UNIQUE (" + this.columnList(c.columns) + ")" + this.deferrability(c);
    }
    if (c instanceof CheckConstraint)
      return this.preamble(c) + "CHECK (" + this.expression(c.sqltext) + ")" + this.deferrability(c);
    if (c instanceof ForeignKeyConstraint) return this.foreignKeySql(c);
    throw new CompileError(`Don't know how to render constraint ${String(c)}.`, "ATH-DDL");
  }
  /** Hook: MySQL refuses UNIQUE on TEXT/BLOB without a prefix length. */
  protected checkUniqueColumns(_c: UniqueConstraint): void {}

  protected foreignKeySql(fk: ForeignKeyConstraint): string {
    const remote = fk.referredTable;
    let s =
      this.preamble(fk) +
      "FOREIGN KEY(" +
      this.columnList(fk.columns) +
      ") REFERENCES " +
      this.formatReferencedTable(remote, fk);
    s += " (" + this.columnList(fk.referredColumns()) + ")";
    if (fk.ondelete) s += " ON DELETE " + fk.ondelete;
    if (fk.onupdate) s += " ON UPDATE " + fk.onupdate;
    return s + this.deferrability(fk);
  }
  protected formatReferencedTable(t: TableClause<any, any>, _fk: ForeignKeyConstraint): string {
    return this.formatTable(t);
  }
  /** `CONSTRAINT name ` when the constraint has a name. */
  protected preamble(c: Constraint): string {
    const name = this.constraintName(c);
    return name === null ? "" : "CONSTRAINT " + name + " ";
  }
  protected deferrability(c: Constraint): string {
    let s = "";
    if (c.deferrable !== null) s += c.deferrable ? " DEFERRABLE" : " NOT DEFERRABLE";
    if (c.initially !== null) s += " INITIALLY " + c.initially;
    return s;
  }
  protected columnList(cols: readonly ColumnClause<any>[]): string {
    return cols.map((c) => this.quote(c.name)).join(", ");
  }

  // ---- indexes ----

  /** The indexed expressions, comma separated. */
  protected indexColumns(ix: Index): string {
    return ix.expressions.map((e) => this.indexExpression(e, ix)).join(", ");
  }
  /** A column by name; an expression in parentheses unless it is a function call. */
  protected indexExpression(e: ClauseElement, ix: Index): string {
    if (e instanceof ColumnClause) return this.quote(e.name);
    if (e instanceof OrderByElement) {
      return (
        this.indexExpression(e.element, ix) +
        (e.direction ? " " + e.direction : "") +
        (e.nulls ? " NULLS " + e.nulls : "")
      );
    }
    const s = this.expression(e);
    return e instanceof FunctionCall ? s : "(" + s + ")";
  }
}

export type { DdlDialect } from "./ddl-compiler-base.js";
