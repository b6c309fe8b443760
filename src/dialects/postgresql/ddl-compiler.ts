/**
 * PostgreSQL's DDL compiler (SQLAlchemy: `PGDDLCompiler`).
 *
 * - The autoincrement integer primary key is SERIAL / BIGSERIAL / SMALLSERIAL, as SQLAlchemy 2.0
 *   renders it without an explicit Identity.
 * - A native Enum is a named type: `CREATE TYPE name AS ENUM (…)` before the tables using it,
 *   `DROP TYPE` after; the type lives in the MetaData's schema (default: the search path).
 * - Comments are separate `COMMENT ON TABLE/COLUMN` statements.
 * - Identifier limits are 63 bytes (not characters).
 */
import { CompileError } from "../../util/errors.js";
import { text, type TextClause } from "../../sql/text.js";
import { EnumType } from "../../sql/types/generic.js";
import type { Column } from "../../schema/column.js";
import { DdlCompiler, type NamedEnumType } from "../../schema/ddl-compiler.js";
import type { CreateEnumTypeElement, DropEnumTypeElement } from "../../schema/ddl.js";
import type { Table } from "../../schema/table.js";

const SERIAL: Record<string, string> = {
  integer: "SERIAL",
  biginteger: "BIGSERIAL",
  smallinteger: "SMALLSERIAL",
};

export class PostgresDdlCompiler extends DdlCompiler {
  override get separateComments(): boolean {
    return true;
  }
  override columnSpecification(col: Column): string {
    const table = col.table as Table<any, any> | null;
    const serial = SERIAL[col.type.kind];
    if (serial && table && table.autoincrementColumn === col && !col.insertDefault) {
      return this.formatColumnName(col) + " " + serial + " NOT NULL";
    }
    return super.columnSpecification(col);
  }
  protected override columnType(col: Column): string {
    const type = col.type;
    if (type instanceof EnumType && this.isNativeEnum(type)) {
      const schema = this.enumSchema(col.table as Table<any, any>);
      return (schema ? this.quote(schema) + "." : "") + this.quote(this.enumName(type, col));
    }
    return super.columnType(col);
  }
  override namedEnumTypes(table: Table<any, any>): NamedEnumType[] {
    const out: NamedEnumType[] = [];
    for (const col of table.columns as Column[]) {
      const type = col.type;
      if (type instanceof EnumType && this.isNativeEnum(type)) {
        this.enumName(type, col);
        if (!out.some((e) => e.type.name === type.name)) out.push({ type, schema: this.enumSchema(table) });
      }
    }
    return out;
  }
  override typeExistsQuery(e: NamedEnumType): TextClause<any> {
    const base =
      "SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = :name AND ";
    return e.schema
      ? text(base + "n.nspname = :schema").bindparams({ name: e.type.name, schema: e.schema })
      : text(base + "pg_catalog.pg_type_is_visible(t.oid)").bindparams({ name: e.type.name });
  }
  override visitCreateEnumType(e: CreateEnumTypeElement): string {
    const values = e.type.values.map((v: string) => this.literal(v)).join(", ");
    return "CREATE TYPE " + this.typeName(e.type, e.options.schema ?? null) + " AS ENUM (" + values + ")";
  }
  override visitDropEnumType(e: DropEnumTypeElement): string {
    return (
      "DROP TYPE " +
      (e.options.ifExists ? "IF EXISTS " : "") +
      this.typeName(e.type, e.options.schema ?? null)
    );
  }
  protected override identifierLength(name: string): number {
    return Buffer.byteLength(name, "utf8");
  }

  private typeName(type: EnumType<any>, schema: string | null): string {
    const name = this.enumName(type, null);
    this.checkIdentifier(name, "type");
    return (schema ? this.quote(schema) + "." : "") + this.quote(name);
  }
  private enumSchema(table: Table<any, any> | null): string | null {
    return table?.metadata?.schema ?? null;
  }
  private enumName(type: EnumType<any>, col: Column | null): string {
    if (type.name) return type.name;
    throw new CompileError(
      `PostgreSQL ENUM type requires a name${col ? ` (column '${String(col)}')` : ""}. Give one, e.g. Enum([...], { name: "status" }), ` +
        "or use { nativeEnum: false } for VARCHAR with a CHECK constraint.",
      "ATH-TYPE-ENUM-NAME",
    );
  }
}
