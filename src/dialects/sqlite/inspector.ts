/**
 * SQLite's catalog (SQLAlchemy: `SQLiteDialect.get_columns`, `get_foreign_keys`, …): the
 * `pragma_table_xinfo`, `pragma_foreign_key_list`, `pragma_index_list` and
 * `pragma_index_xinfo` table-valued functions, plus the stored CREATE TABLE text for what they
 * don't say (constraint names, CHECK conditions, AUTOINCREMENT).
 */
import {
  normalizeAction,
  noSuchTable,
  type CatalogReader,
  type DialectInspector,
  type InspectorTraits,
  type ReflectedCheckConstraint,
  type ReflectedColumn,
  type ReflectedForeignKey,
  type ReflectedIndex,
  type ReflectedPrimaryKey,
  type ReflectedTableOptions,
  type ReflectedUniqueConstraint,
} from "../base/inspector.js";
import {
  allConstraints,
  indexKeyParts,
  parseCreateTable,
  partialIndexWhere,
  type ParsedConstraint,
  type ParsedTable,
} from "./create-table-sql.js";
import { sqliteTypeFromDeclared } from "./reflected-types.js";

const TRAITS: InspectorTraits = {
  uniqueConstraintsAreIndexes: false,
  foreignKeysCreateIndexes: false,
  supportsComments: false,
  unnamedConstraints: true,
  defaultReferentialActions: ["NO ACTION"],
};

const sameColumns = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase());

export class SqliteInspector implements DialectInspector {
  readonly traits = TRAITS;
  constructor(private readonly reader: CatalogReader) {}

  private master(schema: string | null): string {
    return schema ? `"${schema.replace(/"/g, '""')}".sqlite_master` : "sqlite_master";
  }
  /** The schema argument of the pragma functions. */
  private schemaArg(schema: string | null): string {
    return schema ?? "main";
  }

  async defaultSchemaName(): Promise<string> {
    return "main";
  }

  async tableNames(schema: string | null): Promise<string[]> {
    const rows = await this.reader.query(
      `SELECT name FROM ${this.master(schema)} WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
    );
    return rows.map((r) => String(r.name));
  }

  async hasTable(table: string, schema: string | null): Promise<boolean> {
    const rows = await this.reader.query(
      `SELECT 1 AS x FROM ${this.master(schema)} WHERE type = 'table' AND name = ?`,
      [table],
    );
    return rows.length > 0;
  }

  private async createSql(table: string, schema: string | null): Promise<ParsedTable | null> {
    const rows = await this.reader.query(
      `SELECT sql FROM ${this.master(schema)} WHERE type = 'table' AND name = ?`,
      [table],
    );
    const sql = rows[0]?.sql;
    return typeof sql === "string" ? parseCreateTable(sql) : null;
  }

  async columns(table: string, schema: string | null): Promise<ReflectedColumn[]> {
    const rows = await this.reader.query("SELECT * FROM pragma_table_xinfo(?, ?) ORDER BY cid", [
      table,
      this.schemaArg(schema),
    ]);
    if (rows.length === 0) throw noSuchTable(table, schema);
    const pkCount = rows.filter((r) => Number(r.pk) > 0).length;
    return rows
      .filter((r) => Number(r.hidden) !== 1)
      .map((r) => {
        const declared = String(r.type ?? "");
        const isPk = Number(r.pk) > 0;
        // Only `INTEGER PRIMARY KEY` aliases the rowid (and autoincrements).
        const autoincrement = isPk && pkCount === 1 && declared.toUpperCase() === "INTEGER";
        return {
          name: String(r.name),
          type: sqliteTypeFromDeclared(declared),
          rawType: declared,
          // Primary key columns count as NOT NULL (Athanor always declares them so).
          nullable: Number(r.notnull) === 0 && !isPk,
          default: r.dflt_value === null || r.dflt_value === undefined ? null : String(r.dflt_value),
          autoincrement,
          comment: null,
          computed: Number(r.hidden) >= 2 ? "" : null,
        };
      });
  }

  async primaryKey(table: string, schema: string | null): Promise<ReflectedPrimaryKey> {
    const rows = await this.reader.query(
      "SELECT name, pk FROM pragma_table_xinfo(?, ?) WHERE pk > 0 ORDER BY pk",
      [table, this.schemaArg(schema)],
    );
    const columns = rows.map((r) => String(r.name));
    const parsed = await this.createSql(table, schema);
    const named = parsed
      ? allConstraints(parsed).find((c) => c.kind === "primary" && c.name !== null)
      : undefined;
    return { name: named?.name ?? null, columns };
  }

  async foreignKeys(table: string, schema: string | null): Promise<ReflectedForeignKey[]> {
    const rows = await this.reader.query("SELECT * FROM pragma_foreign_key_list(?, ?) ORDER BY id, seq", [
      table,
      this.schemaArg(schema),
    ]);
    const byId = new Map<number, Record<string, unknown>[]>();
    for (const r of rows) {
      const id = Number(r.id);
      byId.set(id, [...(byId.get(id) ?? []), r]);
    }
    const parsed = await this.createSql(table, schema);
    const declared = parsed ? allConstraints(parsed).filter((c) => c.kind === "foreign") : [];
    const out: ReflectedForeignKey[] = [];
    // pragma_foreign_key_list lists keys last-declared first; report them in declaration order.
    for (const group of [...byId.values()].reverse()) {
      const first = group[0]!;
      const referredTable = String(first.table);
      const columns = group.map((r) => String(r.from));
      let referredColumns: readonly (string | null)[] = group.map((r) =>
        r.to === null || r.to === undefined ? null : String(r.to),
      );
      if (referredColumns.some((c) => c === null)) {
        // REFERENCES t without columns means t's primary key.
        referredColumns = (
          await this.primaryKey(referredTable, schema).catch(() => ({ columns: [] as string[] }))
        ).columns;
      }
      const match = declared.find(
        (c: ParsedConstraint) =>
          sameColumns(c.columns, columns) &&
          (c.referredTable ?? "").toLowerCase() === referredTable.toLowerCase(),
      );
      out.push({
        name: match?.name ?? null,
        columns,
        referredSchema: schema,
        referredTable,
        referredColumns: referredColumns as string[],
        ondelete: normalizeAction(first.on_delete),
        onupdate: normalizeAction(first.on_update),
      });
    }
    return out;
  }

  private async indexList(table: string, schema: string | null): Promise<Record<string, unknown>[]> {
    return this.reader.query("SELECT * FROM pragma_index_list(?, ?) ORDER BY name", [
      table,
      this.schemaArg(schema),
    ]);
  }

  private async indexColumns(index: string, schema: string | null): Promise<Record<string, unknown>[]> {
    const rows = await this.reader.query("SELECT * FROM pragma_index_xinfo(?, ?) ORDER BY seqno", [
      index,
      this.schemaArg(schema),
    ]);
    return rows.filter((r) => Number(r.key) === 1);
  }

  async indexes(table: string, schema: string | null): Promise<ReflectedIndex[]> {
    const out: ReflectedIndex[] = [];
    for (const ix of await this.indexList(table, schema)) {
      if (ix.origin !== "c") continue;
      const name = String(ix.name);
      const cols = await this.indexColumns(name, schema);
      const sqlRows = await this.reader.query(
        `SELECT sql FROM ${this.master(schema)} WHERE type = 'index' AND name = ?`,
        [name],
      );
      const sql = (sqlRows[0]?.sql as string | null) ?? null;
      const parts = indexKeyParts(sql);
      const columns = cols.map((c) => (Number(c.cid) === -2 || c.name === null ? null : String(c.name)));
      out.push({
        name,
        columns,
        expressions: columns.map((c, i) => parts[i] ?? c ?? ""),
        unique: Number(ix.unique) === 1,
        where: Number(ix.partial) === 1 ? partialIndexWhere(sql) : null,
        hasExpressions: cols.some((c) => Number(c.cid) < 0 || Number(c.desc) === 1),
      });
    }
    return out;
  }

  async uniqueConstraints(table: string, schema: string | null): Promise<ReflectedUniqueConstraint[]> {
    const parsed = await this.createSql(table, schema);
    const declared = parsed ? allConstraints(parsed).filter((c) => c.kind === "unique") : [];
    const out: ReflectedUniqueConstraint[] = [];
    for (const ix of await this.indexList(table, schema)) {
      if (ix.origin !== "u") continue;
      const columns = (await this.indexColumns(String(ix.name), schema)).map((c) => String(c.name));
      const match = declared.find((c) => sameColumns(c.columns, columns));
      out.push({ name: match?.name ?? null, columns });
    }
    // Declaration order, as written in CREATE TABLE.
    const pos = (u: ReflectedUniqueConstraint) =>
      declared.findIndex((c) => sameColumns(c.columns, u.columns));
    return out.sort((a, b) => pos(a) - pos(b));
  }

  async checkConstraints(table: string, schema: string | null): Promise<ReflectedCheckConstraint[]> {
    const parsed = await this.createSql(table, schema);
    if (!parsed) return [];
    return allConstraints(parsed)
      .filter((c) => c.kind === "check")
      .map((c) => ({ name: c.name, sqltext: c.sqltext ?? "" }));
  }

  async tableOptions(table: string, schema: string | null): Promise<ReflectedTableOptions> {
    const parsed = await this.createSql(table, schema);
    return { comment: null, sqliteAutoincrement: parsed?.autoincrement ?? false };
  }
}
