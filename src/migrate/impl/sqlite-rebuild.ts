/**
 * SQLite's table rebuild (Alembic: "batch mode"; SQLite's documented 12-step procedure): apply
 * the batch's operations to a description of the table, then CREATE the new table under a
 * temporary name, copy every row, DROP the old table, RENAME the new one and recreate the
 * indexes. Foreign keys are off during the run (see SqliteImpl), so dropping the old table
 * neither cascades nor fails, and other tables' references find the new table by name.
 */
import { Column } from "../../schema/column.js";
import {
  CheckConstraint,
  ForeignKeyConstraint,
  PrimaryKeyConstraint,
  UniqueConstraint,
  type Constraint,
} from "../../schema/constraints.js";
import { CreateIndexElement, CreateTableElement } from "../../schema/ddl.js";
import { Index, type IndexExpression } from "../../schema/indexes.js";
import { MetaData } from "../../schema/metadata.js";
import { Table } from "../../schema/table.js";
import { ColumnClause, ColumnElement } from "../../sql/elements.js";
import { literalColumn } from "../../sql/text.js";
import { IntegerType } from "../../sql/types/generic.js";
import { MigrateError } from "../errors.js";
import type { MigrateOperation } from "../operations/base.js";
import {
  CreateCheckConstraintOp,
  CreateForeignKeyOp,
  CreateIndexOp,
  CreatePrimaryKeyOp,
  CreateUniqueConstraintOp,
  DropConstraintOp,
  DropIndexOp,
} from "../operations/constraint-ops.js";
import { AddColumnOp, AlterColumnOp, DropColumnOp } from "../operations/table-ops.js";
import type { MigrateCompiler } from "./compiler.js";
import { copyColumn, type TableModel } from "./sqlite-table-model.js";

const mentions = (sql: string, name: string): boolean =>
  new RegExp(`(^|[^\\w"\`\\]])("${name}"|\`${name}\`|\\[${name}\\]|${name})($|[^\\w"\`\\[])`, "i").test(sql);

function renameIn(sql: string, from: string, to: string, quote: (s: string) => string): string {
  return sql.replace(
    new RegExp(`(^|[^\\w"\`\\]])("${from}"|\`${from}\`|\\[${from}\\]|${from})(?=$|[^\\w"\`\\[])`, "gi"),
    (_m, pre: string) => pre + quote(to),
  );
}

function column(model: TableModel, name: string, what: string): number {
  const i = model.columns.findIndex((c) => c.name === name);
  if (i < 0) {
    throw new MigrateError(
      `${what}: table '${model.name}' has no column '${name}' (columns: ${model.columns.map((c) => c.name).join(", ")}).`,
      "ATH-MIGRATE-NO-COLUMN",
    );
  }
  return i;
}

/** Applies one operation to the table description. */
export function applyToModel(model: TableModel, op: MigrateOperation, compiler: MigrateCompiler): void {
  const quote = (s: string) => compiler.quote(s);
  if (op instanceof AddColumnOp) {
    if (model.columns.some((c) => c.name === op.columnName))
      throw new MigrateError(`${op.describe()}: the column already exists.`, "ATH-MIGRATE-COLUMN-EXISTS");
    const col = op.column;
    model.columns.push({ name: op.columnName, source: null, column: copyColumn(col, op.columnName) });
    if (col.primaryKey) model.primaryKey.columns.push(op.columnName);
    if (col.unique && !col.index) model.uniques.push({ name: null, columns: [op.columnName] });
    for (const fk of col.foreignKeys) {
      const target =
        typeof fk.target === "string" ? fk.target.split(".") : [fk.referredTable.name, fk.column.name];
      model.foreignKeys.push({
        name: fk.options.name ? String(fk.options.name) : null,
        columns: [op.columnName],
        referredTable: target[target.length - 2]!,
        referredColumns: [target[target.length - 1]!],
        ondelete: fk.ondelete,
        onupdate: fk.onupdate,
      });
    }
    if (col.index) {
      model.indexes.push({
        name: `ix_${model.name}_${op.columnName}`,
        columns: [op.columnName],
        expressions: [quote(op.columnName)],
        unique: col.unique,
        where: null,
      });
    }
  } else if (op instanceof DropColumnOp) {
    const name = op.columnName;
    model.columns.splice(column(model, name, op.describe()), 1);
    model.primaryKey.columns = model.primaryKey.columns.filter((c) => c !== name);
    model.foreignKeys = model.foreignKeys.filter((f) => !f.columns.includes(name));
    model.uniques = model.uniques.filter((u) => !u.columns.includes(name));
    model.indexes = model.indexes.filter(
      (i) => !i.columns.includes(name) && !i.expressions.some((e) => mentions(e, name)),
    );
    model.checks = model.checks.filter((c) => !mentions(c.sqltext, name));
  } else if (op instanceof AlterColumnOp) {
    const o = op.options;
    const i = column(model, op.columnName, op.describe());
    const cm = model.columns[i]!;
    const newName = o.newColumnName ?? cm.name;
    cm.column = copyColumn(cm.column, newName, {
      ...(o.type !== undefined ? { type: o.type } : {}),
      ...(o.nullable !== undefined ? { nullable: o.nullable } : {}),
      ...(o.serverDefault !== undefined ? { serverDefault: o.serverDefault } : {}),
      ...(o.comment !== undefined ? { comment: o.comment } : {}),
    });
    if (newName !== cm.name) {
      const from = cm.name;
      const rename = (cols: (string | null)[]) => cols.map((c) => (c === from ? newName : c));
      model.primaryKey.columns = rename(model.primaryKey.columns) as string[];
      for (const f of model.foreignKeys) f.columns = rename(f.columns) as string[];
      for (const f of model.foreignKeys)
        if (f.referredTable === model.name) f.referredColumns = rename(f.referredColumns) as string[];
      for (const u of model.uniques) u.columns = rename(u.columns) as string[];
      for (const ix of model.indexes) {
        ix.columns = rename(ix.columns);
        ix.expressions = ix.expressions.map((e) => renameIn(e, from, newName, quote));
        if (ix.where) ix.where = renameIn(ix.where, from, newName, quote);
      }
      for (const c of model.checks) c.sqltext = renameIn(c.sqltext, from, newName, quote);
      cm.name = newName;
    }
  } else if (op instanceof CreateIndexOp) {
    model.indexes.push({
      name: op.indexName,
      columns: op.columns.map((c) => (typeof c === "string" ? c : c instanceof ColumnClause ? c.name : null)),
      expressions: op.columns.map((c) =>
        typeof c === "string" ? quote(c) : compiler.expressionSql(c as ColumnElement<any>),
      ),
      unique: op.options.unique ?? false,
      where:
        op.options.where === undefined
          ? null
          : typeof op.options.where === "string"
            ? op.options.where
            : compiler.expressionSql(op.options.where),
    });
  } else if (op instanceof DropIndexOp) {
    const before = model.indexes.length;
    model.indexes = model.indexes.filter((i) => i.name !== op.indexName);
    if (model.indexes.length === before)
      throw new MigrateError(
        `${op.describe()}: table '${model.name}' has no such index.`,
        "ATH-MIGRATE-NO-INDEX",
      );
  } else if (op instanceof CreateUniqueConstraintOp) {
    model.uniques.push({ name: op.constraintName, columns: [...op.columns] });
  } else if (op instanceof CreatePrimaryKeyOp) {
    model.primaryKey = { name: op.constraintName, columns: [...op.columns] };
  } else if (op instanceof CreateForeignKeyOp) {
    model.foreignKeys.push({
      name: op.constraintName,
      columns: [...op.localColumns],
      referredTable: op.referentTable,
      referredColumns: [...op.remoteColumns],
      ondelete: (op.options.ondelete?.toUpperCase() as any) ?? null,
      onupdate: (op.options.onupdate?.toUpperCase() as any) ?? null,
    });
  } else if (op instanceof CreateCheckConstraintOp) {
    const c = op.condition;
    model.checks.push({
      name: op.constraintName,
      sqltext: typeof c === "string" ? c : compiler.expressionSql(c),
    });
  } else if (op instanceof DropConstraintOp) {
    dropNamed(model, op);
  } else {
    throw new MigrateError(
      `${op.describe()} can't be part of a SQLite table rebuild; run it outside batchAlterTable.`,
      "ATH-MIGRATE-BATCH",
    );
  }
}

function dropNamed(model: TableModel, op: DropConstraintOp): void {
  const name = op.constraintName;
  const t = op.type;
  const is = (n: string | null) => n !== null && n.toLowerCase() === name.toLowerCase();
  const before =
    model.foreignKeys.length + model.uniques.length + model.checks.length + (model.primaryKey.name ? 1 : 0);
  if (!t || t === "foreignkey") model.foreignKeys = model.foreignKeys.filter((f) => !is(f.name));
  if (!t || t === "unique") model.uniques = model.uniques.filter((u) => !is(u.name));
  if (!t || t === "check") model.checks = model.checks.filter((c) => !is(c.name));
  if ((!t || t === "primary") && is(model.primaryKey.name)) model.primaryKey = { name: null, columns: [] };
  const after =
    model.foreignKeys.length + model.uniques.length + model.checks.length + (model.primaryKey.name ? 1 : 0);
  if (after === before) {
    throw new MigrateError(
      `${op.describe()}: table '${model.name}' has no ${t ?? ""} constraint named '${name}'. SQLite keeps the names ` +
        "of constraints only when they were created with one (CONSTRAINT name …); an unnamed constraint can't be dropped by name.",
      "ATH-MIGRATE-NO-CONSTRAINT",
    );
  }
}

/** The rebuild's SQL: CREATE the new table, copy the rows, DROP, RENAME, CREATE INDEX. */
export function rebuildStatements(model: TableModel, compiler: MigrateCompiler): string[] {
  const tmpName = `_athanor_tmp_${model.name}`;
  const md = new MetaData();
  const spec: Record<string, Column> = {};
  for (const c of model.columns) spec[c.name] = copyColumn(c.column, c.name);
  // Targets of foreign keys (the table itself included, under its final name).
  for (const f of model.foreignKeys) {
    const existing = md.tables[f.referredTable];
    const missing = f.referredColumns.filter((c) => !existing?.columns.some((x) => x.name === c));
    const cols = Object.fromEntries(missing.map((c) => [c, new Column(new IntegerType())]));
    if (!existing || missing.length) new Table(f.referredTable, md, cols, { extendExisting: true });
  }
  const items: Constraint[] = [];
  if (model.primaryKey.columns.length)
    items.push(new PrimaryKeyConstraint(...model.primaryKey.columns, nameOpt(model.primaryKey.name)));
  for (const u of model.uniques) items.push(new UniqueConstraint(...u.columns, nameOpt(u.name)));
  for (const c of model.checks) items.push(new CheckConstraint(literalColumn(c.sqltext), nameOpt(c.name)));
  for (const f of model.foreignKeys) {
    const ref = md.tables[f.referredTable]!;
    items.push(
      new ForeignKeyConstraint(
        f.columns,
        f.referredColumns.map((c) => ref.columns.find((x) => x.name === c)!),
        {
          ...nameOpt(f.name),
          ...(f.ondelete ? { ondelete: f.ondelete } : {}),
          ...(f.onupdate ? { onupdate: f.onupdate } : {}),
        },
      ),
    );
  }
  const tmp = new Table(tmpName, md, spec, ...items, {
    schema: model.schema,
    ...(model.autoincrement ? { sqliteAutoincrement: true } : {}),
  });
  const q = (s: string) => compiler.quote(s);
  const copied = model.columns.filter((c) => c.source !== null);
  const out = [
    compiler.sql(new CreateTableElement(tmp, { includeForeignKeyConstraints: tmp.foreignKeyConstraints })),
  ];
  if (copied.length) {
    out.push(
      `INSERT INTO ${compiler.tableNameSql(tmpName, model.schema)} (${copied.map((c) => q(c.name)).join(", ")}) ` +
        `SELECT ${copied.map((c) => q(c.source!)).join(", ")} FROM ${compiler.tableNameSql(model.name, model.schema)}`,
    );
  }
  out.push(`DROP TABLE ${compiler.tableNameSql(model.name, model.schema)}`);
  out.push(`ALTER TABLE ${compiler.tableNameSql(tmpName, model.schema)} RENAME TO ${q(model.name)}`);
  // Indexes are recreated on the renamed table.
  const ixMd = new MetaData();
  const ixSpec = Object.fromEntries(model.columns.map((c) => [c.name, new Column(new IntegerType())]));
  const final = new Table(model.name, ixMd, ixSpec, { schema: model.schema });
  for (const ix of model.indexes) {
    // A key part that is more than its column (an expression, DESC, COLLATE) is kept as written.
    const parts: IndexExpression[] = ix.columns.map((c, i) =>
      c !== null && unquote(ix.expressions[i] ?? c) === c
        ? final.columns.find((x) => x.name === c)!
        : literalColumn(ix.expressions[i]!),
    );
    const index = new Index(ix.name, ...parts, {
      unique: ix.unique,
      ...(ix.where ? { where: literalColumn(ix.where) } : {}),
    });
    if (index.table === null) final._addIndex(index);
    out.push(compiler.sql(new CreateIndexElement(index)));
  }
  return out;
}

const unquote = (s: string): string => s.trim().replace(/^["`[](.*)["`\]]$/, "$1");
const nameOpt = (name: string | null): { name?: string } => (name ? { name } : {});
