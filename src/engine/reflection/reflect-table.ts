/**
 * Builds `Table` objects from a live database (SQLAlchemy: `Inspector.reflect_table`,
 * `MetaData.reflect`). Server defaults, CHECK conditions and expression index parts are kept as
 * the database's SQL text (`literalColumn`), so they render back exactly as read.
 *
 * @example
 * const metadata = new MetaData();
 * await metadata.reflect(engine);                 // every table of the default schema
 * metadata.tables.users.c.email.type              // String(255)
 */
import { ArgumentError } from "../../util/errors.js";
import { literalColumn } from "../../sql/text.js";
import { Column } from "../../schema/column.js";
import {
  CheckConstraint,
  ForeignKeyConstraint,
  PrimaryKeyConstraint,
  UniqueConstraint,
  type Constraint,
} from "../../schema/constraints.js";
import { Index, type IndexExpression, type IndexOptions } from "../../schema/indexes.js";
import type { MetaData } from "../../schema/metadata.js";
import type { ReflectOptions } from "../../schema/reflect-hook.js";
import { Table, tableKey, type TableOptions } from "../../schema/table.js";
import type { ReflectedColumn } from "../../dialects/base/inspector.js";
import { isIntegerType } from "../../schema/column.js";
import { Connection } from "../connection.js";
import { Engine } from "../engine.js";
import { Inspector } from "./inspector.js";

export interface ReflectTableOptions {
  schema?: string | null;
  /** Also reflect the tables its foreign keys refer to, so they resolve (default true). */
  resolveFks?: boolean;
  /** Include the table's indexes (default true). */
  withIndexes?: boolean;
}

/** A PostgreSQL SERIAL column's default, which SERIAL recreates by itself. */
const isSequenceDefault = (c: ReflectedColumn): boolean =>
  c.autoincrement && c.default !== null && /^nextval\(/i.test(c.default);

function columnFor(c: ReflectedColumn, inPk: boolean, singlePk: boolean): Column {
  const serverDefault = c.default !== null && !isSequenceDefault(c) ? literalColumn(c.default) : undefined;
  return new Column(c.type, {
    nullable: c.nullable,
    ...(serverDefault ? { serverDefault } : {}),
    ...(c.onUpdate ? { serverOnupdate: literalColumn(c.onUpdate) } : {}),
    ...(c.comment !== null ? { comment: c.comment } : {}),
    // Say explicitly whether an integer primary key autoincrements: the database knows.
    ...(inPk && singlePk && isIntegerType(c.type) ? { autoincrement: c.autoincrement } : {}),
  });
}

/**
 * Reads one table into `metadata` (with the tables its foreign keys refer to, unless
 * `resolveFks: false`). A table already in the MetaData is returned as is.
 */
export async function reflectTable(
  insp: Inspector,
  metadata: MetaData,
  name: string,
  options: ReflectTableOptions = {},
): Promise<Table> {
  const schema = options.schema ?? null;
  const existing = metadata.tables[tableKey(name, schema)];
  if (existing) return existing;
  // One question at a time: a connection runs one statement at a time.
  const cols = await insp.getColumns(name, schema);
  const pk = await insp.getPkConstraint(name, schema);
  const fks = await insp.getForeignKeys(name, schema);
  const indexes = await insp.getIndexes(name, schema);
  const uniques = await insp.getUniqueConstraints(name, schema);
  const checks = await insp.getCheckConstraints(name, schema);
  const opts = await insp.getTableOptions(name, schema);
  const traits = insp.traits;
  if (options.resolveFks ?? true) {
    for (const fk of fks) {
      if (fk.referredTable === name && fk.referredSchema === schema) continue;
      await reflectTable(insp, metadata, fk.referredTable, {
        ...options,
        schema: fk.referredSchema,
        resolveFks: true,
      });
    }
  }
  const spec: Record<string, Column> = {};
  for (const c of cols) spec[c.name] = columnFor(c, pk.columns.includes(c.name), pk.columns.length === 1);
  const items: (Constraint | Index)[] = [];
  if (pk.columns.length)
    items.push(new PrimaryKeyConstraint(...pk.columns, pk.name ? { name: pk.name } : {}));
  for (const fk of fks) {
    const prefix = fk.referredSchema ? `${fk.referredSchema}.${fk.referredTable}.` : `${fk.referredTable}.`;
    items.push(
      new ForeignKeyConstraint(
        fk.columns,
        fk.referredColumns.map((c) => prefix + c),
        {
          ...(fk.name ? { name: fk.name } : {}),
          ...(fk.ondelete ? { ondelete: fk.ondelete } : {}),
          ...(fk.onupdate ? { onupdate: fk.onupdate } : {}),
          ...(fk.deferrable ? { deferrable: true } : {}),
          ...(fk.initially ? { initially: fk.initially } : {}),
        },
      ),
    );
  }
  if (!traits.uniqueConstraintsAreIndexes) {
    for (const u of uniques) items.push(new UniqueConstraint(...u.columns, u.name ? { name: u.name } : {}));
  }
  for (const ck of checks)
    items.push(new CheckConstraint(literalColumn(ck.sqltext), ck.name ? { name: ck.name } : {}));
  for (const ix of options.withIndexes === false ? [] : indexes) {
    const parts: IndexExpression[] = ix.columns.map((c, i) =>
      c === null ? literalColumn(ix.expressions[i]!) : c,
    );
    const ixOptions: IndexOptions = { unique: ix.unique };
    if (ix.where) ixOptions.where = literalColumn(ix.where);
    if (ix.mysqlLength) ixOptions.mysqlLength = ix.mysqlLength;
    items.push(new Index(ix.name, ...parts, ixOptions));
  }
  const tableOptions: TableOptions = { schema };
  if (opts.comment !== null) tableOptions.comment = opts.comment;
  if (opts.mysqlEngine) tableOptions.mysqlEngine = opts.mysqlEngine;
  if (opts.mysqlCharset) tableOptions.mysqlCharset = opts.mysqlCharset;
  if (opts.mysqlCollate) tableOptions.mysqlCollate = opts.mysqlCollate;
  if (opts.sqliteAutoincrement) tableOptions.sqliteAutoincrement = true;
  return new Table(name, metadata, spec, ...items, tableOptions);
}

/** `metadata.reflect(bind)`: every table of the schema, or those `only` names. */
export async function reflectMetadata(
  metadata: MetaData,
  bind: unknown,
  options: ReflectOptions = {},
): Promise<void> {
  if (!(bind instanceof Engine) && !(bind instanceof Connection)) {
    throw new ArgumentError("metadata.reflect() takes an Engine or a Connection.", "ATH-REFLECT");
  }
  if (bind instanceof Engine) {
    const conn = await bind.connect();
    try {
      await reflectMetadata(metadata, conn, options);
      await conn.commit();
    } finally {
      await conn.close();
    }
    return;
  }
  const insp = new Inspector(bind);
  const schema = options.schema ?? metadata.schema ?? null;
  const names = await insp.getTableNames(schema);
  const only = options.only;
  let chosen = names;
  if (Array.isArray(only)) {
    const missing = only.filter((n) => !names.includes(n));
    if (missing.length) {
      throw new ArgumentError(
        `metadata.reflect({ only }) names tables the database doesn't have: ${missing.join(", ")} ` +
          `(it has: ${names.join(", ") || "no tables"}).`,
        "ATH-REFLECT",
      );
    }
    chosen = names.filter((n) => only.includes(n));
  } else if (typeof only === "function") chosen = names.filter((n) => (only as (n: string) => boolean)(n));
  for (const name of chosen) await reflectTable(insp, metadata, name, { schema });
}
