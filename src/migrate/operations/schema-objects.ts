/**
 * Throwaway Table, Index and Constraint objects that carry an operation to the DDL compiler
 * (Alembic: `operations/schemaobj.py`). An operation names tables and columns; the compiler
 * wants schema objects, so each run builds them in a private MetaData, with stand-in columns
 * (their type doesn't matter to the DDL in question) and stand-in tables for foreign key targets.
 */
import { Column } from "../../schema/column.js";
import {
  CheckConstraint,
  Constraint,
  ForeignKeyConstraint,
  PrimaryKeyConstraint,
  UniqueConstraint,
} from "../../schema/constraints.js";
import type { ForeignKey } from "../../schema/foreign-key.js";
import { Index } from "../../schema/indexes.js";
import { MetaData } from "../../schema/metadata.js";
import { Table, tableKey } from "../../schema/table.js";
import { ColumnClause, ColumnElement } from "../../sql/elements.js";
import { IntegerType } from "../../sql/types/generic.js";
import { MigrateError } from "../errors.js";
import type { AddConstraintOp, ConstraintType, CreateIndexOp } from "./constraint-ops.js";
import {
  CreateCheckConstraintOp,
  CreateForeignKeyOp,
  CreatePrimaryKeyOp,
  CreateUniqueConstraintOp,
} from "./constraint-ops.js";

const STUB_TYPE = new IntegerType();

export class SchemaObjects {
  readonly metadata = new MetaData();

  /** A table with (at least) these columns: existing ones are kept, missing ones added as stand-ins. */
  stubTable(name: string, schema: string | null, columnNames: readonly string[] = []): Table {
    const existing = this.metadata.tables[tableKey(name, schema)];
    const missing = columnNames.filter((c) => !existing?.columns.some((x) => x.name === c));
    const spec: Record<string, Column> = {};
    for (const c of missing) spec[c] = new Column(STUB_TYPE);
    if (existing && missing.length === 0) return existing;
    return new Table(name, this.metadata, spec, { schema, extendExisting: true });
  }

  /**
   * A table holding only `column` under `columnName` (in a MetaData of its own, so the
   * constraints it implies are the column's alone), with stand-ins for its foreign key targets.
   */
  columnTable(tableName: string, columnName: string, column: Column, schema: string | null): Table {
    const own = new SchemaObjects();
    const t = new Table(tableName, own.metadata, { [columnName]: column }, { schema });
    own.ensureForeignKeyTargets(t);
    return t;
  }

  /**
   * Creates stand-in tables for foreign keys given as "table.column" whose table is not in
   * the table's MetaData (migrations create tables one at a time).
   */
  ensureForeignKeyTargets(table: Table): void {
    for (const fk of table.foreignKeys as ForeignKey[]) {
      if (typeof fk.target !== "string") continue;
      const parts = fk.target.split(".");
      const col = parts.pop()!;
      const name = parts.pop()!;
      const schema = parts.length ? parts.join(".") : table.metadata.schema;
      if (name === table.name && schema === table.schema) continue;
      const md = table.metadata;
      const existing = md.tables[tableKey(name, schema)] ?? (schema === null ? undefined : md.tables[name]);
      if (existing && existing.columns.some((c) => c.name === col || c.key === col)) continue;
      if (md !== this.metadata) {
        throw new MigrateError(
          `Table '${table.name}' has a foreign key to '${fk.target}', which its MetaData can't resolve. ` +
            "Declare the referenced table in the same MetaData.",
          "ATH-MIGRATE-FK",
        );
      }
      this.stubTable(name, schema, [col]);
    }
  }

  index(op: CreateIndexOp): Index {
    const names = op.columns.filter((c): c is string => typeof c === "string");
    const table = this.stubTable(op.tableName, op.schema, names);
    const exprs = op.columns.map((c) =>
      typeof c === "string" ? table.columns.find((x) => x.name === c)! : (c as ColumnElement<any>),
    );
    // Expressions of other tables' columns can't attach to this table: copy them by name.
    for (const e of exprs) {
      if (e instanceof ColumnClause && e.table !== null && e.table !== (table as unknown)) {
        throw new MigrateError(
          `createIndex(${op.indexName}): give columns by name (strings), not columns of another Table object.`,
          "ATH-MIGRATE-INDEX",
        );
      }
    }
    const ix = new Index(op.indexName, ...exprs, {
      unique: op.options.unique ?? false,
      ...(op.options.where !== undefined ? { where: op.options.where } : {}),
      ...(op.options.mysqlLength !== undefined ? { mysqlLength: op.options.mysqlLength } : {}),
    });
    if (ix.table === null) table._addIndex(ix);
    return ix;
  }

  /** An index known by name only, for DROP INDEX. */
  namedIndex(name: string, tableName: string | null, schema: string | null): Index {
    const table = this.stubTable(tableName ?? "_unknown_table", schema, ["_col"]);
    const ix = new Index(name, table.columns[0]!);
    return ix;
  }

  constraint(op: AddConstraintOp): Constraint {
    const name = op.constraintName === null ? {} : { name: op.constraintName };
    if (op instanceof CreateUniqueConstraintOp) {
      const t = this.stubTable(op.tableName, op.schema, op.columns);
      const c = new UniqueConstraint(...op.columns, {
        ...name,
        ...(op.options.deferrable !== undefined ? { deferrable: op.options.deferrable } : {}),
        ...(op.options.initially ? { initially: op.options.initially } : {}),
      });
      t.appendConstraint(c);
      return c;
    }
    if (op instanceof CreatePrimaryKeyOp) {
      const t = this.stubTable(op.tableName, op.schema, op.columns);
      const c = new PrimaryKeyConstraint(...op.columns, name);
      t.appendConstraint(c);
      return c;
    }
    if (op instanceof CreateForeignKeyOp) {
      const o = op.options;
      const t = this.stubTable(op.sourceTable, o.sourceSchema ?? null, op.localColumns);
      const refSchema = o.referentSchema ?? null;
      const ref = this.stubTable(op.referentTable, refSchema, op.remoteColumns);
      const c = new ForeignKeyConstraint(
        [...op.localColumns],
        op.remoteColumns.map((rc) => ref.columns.find((x) => x.name === rc)!),
        {
          ...name,
          ...(o.ondelete ? { ondelete: o.ondelete } : {}),
          ...(o.onupdate ? { onupdate: o.onupdate } : {}),
          ...(o.deferrable !== undefined ? { deferrable: o.deferrable } : {}),
          ...(o.initially ? { initially: o.initially } : {}),
        },
      );
      t.appendConstraint(c);
      return c;
    }
    if (op instanceof CreateCheckConstraintOp) {
      const t = this.stubTable(op.tableName, op.schema);
      const c = new CheckConstraint(op.condition as any, name);
      if (c.table === null) t.appendConstraint(c);
      return c;
    }
    throw new MigrateError(`Unknown constraint operation ${op.kind}.`, "ATH-MIGRATE");
  }

  /** A constraint known by name (and kind) only, for DROP CONSTRAINT. */
  namedConstraint(
    name: string,
    tableName: string,
    type: ConstraintType | null,
    schema: string | null,
  ): Constraint {
    const t = this.stubTable(tableName, schema, ["_col"]);
    const col = t.columns.find((c) => c.name === "_col")!;
    let c: Constraint;
    switch (type) {
      case "primary":
        c = new PrimaryKeyConstraint(col, { name });
        break;
      case "foreignkey": {
        const ref = this.stubTable("_referenced", schema, ["_col"]);
        c = new ForeignKeyConstraint([col], [ref.columns[0]!], { name });
        break;
      }
      case "check":
        c = new CheckConstraint("1 = 1", { name });
        break;
      default:
        c = new UniqueConstraint(col, { name });
    }
    if (c.table === null) t.appendConstraint(c);
    return c;
  }
}
