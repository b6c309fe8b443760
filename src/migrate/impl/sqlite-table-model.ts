/**
 * A table as a plain, editable description: what SQLite's table rebuild starts from (read from
 * the database, or from the `copyFrom` Table of an offline batch), changes operation by
 * operation, and turns back into a CREATE TABLE (Alembic: `operations/batch.py` ApplyBatchImpl).
 */
import { RawType } from "../../dialects/base/raw-type.js";
import type { Inspector } from "../../engine/reflection/inspector.js";
import { Column, type ServerDefault, type ServerDefaultArg } from "../../schema/column.js";
import type { ReferentialAction } from "../../schema/foreign-key.js";
import type { Table } from "../../schema/table.js";
import { ColumnClause } from "../../sql/elements.js";
import { literalColumn } from "../../sql/text.js";
import { IntegerType } from "../../sql/types/generic.js";
import type { MigrateCompiler } from "./compiler.js";

export interface ColumnModel {
  name: string;
  /** The old column whose values fill this one; null for a new column. */
  source: string | null;
  /** The column's definition (unattached; its `name` option is `name`). */
  column: Column;
}

export interface ForeignKeyModel {
  name: string | null;
  columns: string[];
  referredTable: string;
  referredColumns: string[];
  ondelete: ReferentialAction | null;
  onupdate: ReferentialAction | null;
}

export interface IndexModel {
  name: string;
  /** Column names; null where the key part is an expression (then `expressions[i]` is its SQL). */
  columns: (string | null)[];
  expressions: string[];
  unique: boolean;
  where: string | null;
}

export interface TableModel {
  name: string;
  schema: string | null;
  columns: ColumnModel[];
  primaryKey: { name: string | null; columns: string[] };
  foreignKeys: ForeignKeyModel[];
  uniques: { name: string | null; columns: string[] }[];
  checks: { name: string | null; sqltext: string }[];
  indexes: IndexModel[];
  autoincrement: boolean;
}

/** A server default as Column takes it. */
export function serverDefaultArg(d: ServerDefault | null): ServerDefaultArg | undefined {
  if (d === null) return undefined;
  return d.kind === "literal" ? d.value : (d.expr as ServerDefaultArg);
}

/** A fresh, unattached copy of a column's definition under `name`, with changes. */
export function copyColumn(
  col: Column,
  name: string,
  changes: {
    type?: Column["type"];
    nullable?: boolean;
    serverDefault?: ServerDefaultArg | null;
    comment?: string | null;
  } = {},
): Column {
  const serverDefault =
    changes.serverDefault !== undefined ? changes.serverDefault : serverDefaultArg(col.serverDefault);
  const comment = changes.comment !== undefined ? changes.comment : col.comment;
  return new Column(changes.type ?? col.type, {
    name,
    nullable: changes.nullable ?? col.nullable,
    autoincrement: col.autoincrement,
    ...(serverDefault !== null && serverDefault !== undefined ? { serverDefault } : {}),
    ...(comment !== null ? { comment } : {}),
  });
}

/** Reads the table from the database. */
export async function modelFromDatabase(
  insp: Inspector,
  name: string,
  schema: string | null,
): Promise<TableModel> {
  const cols = await insp.getColumns(name, schema);
  const pk = await insp.getPkConstraint(name, schema);
  const fks = await insp.getForeignKeys(name, schema);
  const uniques = await insp.getUniqueConstraints(name, schema);
  const checks = await insp.getCheckConstraints(name, schema);
  const indexes = await insp.getIndexes(name, schema);
  const opts = await insp.getTableOptions(name, schema);
  return {
    name,
    schema,
    columns: cols.map((c) => ({
      name: c.name,
      source: c.name,
      // The rowid alias must stay INTEGER (an Integer type) to stay the rowid; others keep their spelling.
      column: new Column(c.autoincrement ? new IntegerType() : new RawType(c.rawType), {
        name: c.name,
        nullable: c.nullable,
        autoincrement:
          c.autoincrement && pk.columns.length === 1 ? true : pk.columns.includes(c.name) ? false : "auto",
        ...(c.default !== null ? { serverDefault: literalColumn(c.default) } : {}),
      }),
    })),
    primaryKey: { name: pk.name, columns: [...pk.columns] },
    foreignKeys: fks.map((f) => ({
      name: f.name,
      columns: [...f.columns],
      referredTable: f.referredTable,
      referredColumns: [...f.referredColumns],
      ondelete: f.ondelete,
      onupdate: f.onupdate,
    })),
    uniques: uniques.map((u) => ({ name: u.name, columns: [...u.columns] })),
    checks: checks.map((c) => ({ name: c.name, sqltext: c.sqltext })),
    indexes: indexes.map((i) => ({
      name: i.name,
      columns: [...i.columns],
      expressions: [...i.expressions],
      unique: i.unique,
      where: i.where ?? null,
    })),
    autoincrement: opts.sqliteAutoincrement ?? false,
  };
}

/** Describes a Table given by the user (`copyFrom`). */
export function modelFromTable(table: Table, compiler: MigrateCompiler): TableModel {
  return {
    name: table.name,
    schema: table.schema,
    columns: (table.columns as Column[]).map((c) => ({
      name: c.name,
      source: c.name,
      column: copyColumn(c, c.name),
    })),
    primaryKey: { name: table.primaryKey.name, columns: table.primaryKey.columns.map((c) => c.name) },
    foreignKeys: table.foreignKeyConstraints.map((f) => ({
      name: f.name,
      columns: f.columns.map((c) => c.name),
      referredTable: f.referredTableName(),
      referredColumns: f.elements.map((e) =>
        typeof e.target === "string" ? e.target.split(".").pop()! : e.column.name,
      ),
      ondelete: f.ondelete,
      onupdate: f.onupdate,
    })),
    uniques: table.constraints
      .filter((c) => c.describe().startsWith("UniqueConstraint"))
      .map((u) => ({ name: u.name, columns: u.columns.map((c) => c.name) })),
    checks: table.constraints
      .filter((c) => c.describe() === "CheckConstraint")
      .map((c) => ({
        name: c.name,
        sqltext: compiler.expressionSql((c as unknown as { sqltext: any }).sqltext),
      })),
    indexes: table.indexes.map((ix) => ({
      name: ix.name ?? "",
      columns: ix.expressions.map((e) => (e instanceof ColumnClause ? e.name : null)),
      expressions: ix.expressions.map((e) =>
        e instanceof ColumnClause ? compiler.quote(e.name) : compiler.expressionSql(e),
      ),
      unique: ix.unique,
      where: ix.where ? compiler.expressionSql(ix.where) : null,
    })),
    autoincrement: table.options.sqliteAutoincrement ?? false,
  };
}
