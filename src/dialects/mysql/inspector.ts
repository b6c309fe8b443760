/**
 * MySQL/MariaDB's catalog, read from information_schema (SQLAlchemy parses SHOW CREATE TABLE
 * instead; the information is the same). Notes:
 * - MariaDB reports defaults as SQL (`'abc'`, `0`, `current_timestamp(6)`, `NULL`); MySQL 8
 *   reports literals bare and marks expressions DEFAULT_GENERATED. Both come back as SQL text.
 * - MariaDB's JSON is LONGTEXT with a column CHECK `json_valid(col)`: reported as JSON (type and
 *   rawType `json`), and that CHECK is not listed among the check constraints.
 * - UNIQUE constraints are unique indexes: they appear both in `uniqueConstraints` and `indexes`.
 * - The index InnoDB adds for a foreign key (named after it, on its columns) is left out.
 */
import { JSONType } from "../../sql/types/generic.js";
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
import { mysqlTypeFromColumnType } from "./reflected-types.js";

/** InnoDB's default actions: no ON DELETE clause reads back as RESTRICT (MariaDB) or NO ACTION (MySQL). */
const DEFAULT_ACTIONS = ["NO ACTION", "RESTRICT"];

const TRAITS: InspectorTraits = {
  uniqueConstraintsAreIndexes: true,
  foreignKeysCreateIndexes: true,
  supportsComments: true,
  unnamedConstraints: false,
  defaultReferentialActions: DEFAULT_ACTIONS,
};

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export class MysqlInspector implements DialectInspector {
  readonly traits = TRAITS;
  constructor(
    private readonly reader: CatalogReader,
    /** Whether the server is MariaDB (read when needed: known after the first connection). */
    private readonly isMariaDB: () => boolean,
  ) {}

  async defaultSchemaName(): Promise<string | null> {
    const rows = await this.reader.query("SELECT DATABASE() AS s");
    return str(rows[0]?.s);
  }

  async tableNames(schema: string | null): Promise<string[]> {
    const rows = await this.reader.query(
      "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) " +
        "AND TABLE_TYPE = 'BASE TABLE'",
      [schema],
    );
    // Sorted here: the server's collation may order `_` differently.
    return rows.map((r) => String(r.name)).sort();
  }

  async hasTable(table: string, schema: string | null): Promise<boolean> {
    const rows = await this.reader.query(
      "SELECT 1 AS x FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? " +
        "AND TABLE_TYPE = 'BASE TABLE'",
      [schema, table],
    );
    return rows.length > 0;
  }

  /** Column-level `json_valid(col)` checks: MariaDB's mark of a JSON column. */
  private async jsonChecks(table: string, schema: string | null): Promise<Set<string>> {
    if (!this.isMariaDB()) return new Set();
    const rows = await this.reader.query(
      "SELECT CONSTRAINT_NAME AS name, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS " +
        "WHERE CONSTRAINT_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
      [schema, table],
    );
    const out = new Set<string>();
    for (const r of rows) {
      const m = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(String(r.clause).trim());
      if (m && m[1]!.replace(/``/g, "`") === String(r.name)) out.add(String(r.name));
    }
    return out;
  }

  async columns(table: string, schema: string | null): Promise<ReflectedColumn[]> {
    const rows = await this.reader.query(
      "SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_DEFAULT AS dflt, " +
        "EXTRA AS extra, COLUMN_COMMENT AS comment, GENERATION_EXPRESSION AS gen " +
        "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? " +
        "ORDER BY ORDINAL_POSITION",
      [schema, table],
    );
    if (rows.length === 0) throw noSuchTable(table, schema);
    const json = await this.jsonChecks(table, schema);
    return rows.map((r) => {
      const name = String(r.name);
      const columnType = String(r.type);
      const extra = String(r.extra ?? "").toLowerCase();
      const isJson = json.has(name) && /^longtext$/i.test(columnType);
      const onUpdate = /on update (\S+)/i.exec(extra)?.[1] ?? null;
      const gen = str(r.gen);
      return {
        name,
        type: isJson ? new JSONType() : mysqlTypeFromColumnType(columnType),
        rawType: isJson ? "json" : columnType,
        nullable: r.nullable === "YES",
        default: gen ? null : this.defaultSql(r.dflt, extra),
        autoincrement: extra.includes("auto_increment"),
        comment: r.comment ? String(r.comment) : null,
        computed: gen || null,
        onUpdate,
      };
    });
  }

  /** The default as SQL text (see the module comment), or null for none / DEFAULT NULL. */
  private defaultSql(v: unknown, extra: string): string | null {
    const s = str(v);
    if (s === null) return null;
    if (this.isMariaDB()) return s === "NULL" ? null : s;
    if (extra.includes("default_generated")) return s;
    return /^-?\d+(\.\d+)?$/.test(s) ? s : "'" + s.replace(/'/g, "''") + "'";
  }

  async primaryKey(table: string, schema: string | null): Promise<ReflectedPrimaryKey> {
    const rows = await this.reader.query(
      "SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) " +
        "AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX",
      [schema, table],
    );
    return { name: null, columns: rows.map((r) => String(r.name)) };
  }

  async foreignKeys(table: string, schema: string | null): Promise<ReflectedForeignKey[]> {
    const rows = await this.reader.query(
      "SELECT k.CONSTRAINT_NAME AS name, k.COLUMN_NAME AS col, k.REFERENCED_TABLE_SCHEMA AS rschema, " +
        "k.REFERENCED_TABLE_NAME AS rtable, k.REFERENCED_COLUMN_NAME AS rcol, rc.DELETE_RULE AS ondelete, " +
        "rc.UPDATE_RULE AS onupdate, k.TABLE_SCHEMA AS own_schema " +
        "FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS rc " +
        "ON rc.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND rc.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND rc.TABLE_NAME = k.TABLE_NAME " +
        "WHERE k.TABLE_SCHEMA = COALESCE(?, DATABASE()) AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL " +
        "ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
      [schema, table],
    );
    const byName = new Map<string, Record<string, unknown>[]>();
    for (const r of rows) byName.set(String(r.name), [...(byName.get(String(r.name)) ?? []), r]);
    return [...byName.entries()].map(([name, group]) => {
      const f = group[0]!;
      return {
        name,
        columns: group.map((r) => String(r.col)),
        referredSchema: f.rschema === f.own_schema ? schema : str(f.rschema),
        referredTable: String(f.rtable),
        referredColumns: group.map((r) => String(r.rcol)),
        ondelete: normalizeAction(f.ondelete, DEFAULT_ACTIONS),
        onupdate: normalizeAction(f.onupdate, DEFAULT_ACTIONS),
      };
    });
  }

  /** Index key parts by index name, in order. */
  private async statistics(table: string, schema: string | null) {
    const rows = await this.reader.query(
      "SELECT INDEX_NAME AS name, NON_UNIQUE AS non_unique, COLUMN_NAME AS col, SUB_PART AS sub_part, " +
        "COLLATION AS coll FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) " +
        "AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
      [schema, table],
    );
    const byName = new Map<string, Record<string, unknown>[]>();
    for (const r of rows) byName.set(String(r.name), [...(byName.get(String(r.name)) ?? []), r]);
    return byName;
  }

  async indexes(table: string, schema: string | null): Promise<ReflectedIndex[]> {
    const fks = await this.foreignKeys(table, schema);
    const out: ReflectedIndex[] = [];
    for (const [name, parts] of await this.statistics(table, schema)) {
      const columns = parts.map((p) => str(p.col));
      const fk = fks.find((f) => f.name === name);
      if (fk && fk.columns.length === columns.length && fk.columns.every((c, i) => c === columns[i]))
        continue;
      const lengths: Record<string, number> = {};
      for (const p of parts)
        if (p.sub_part !== null && p.col !== null) lengths[String(p.col)] = Number(p.sub_part);
      out.push({
        name,
        columns,
        expressions: columns.map((c) => (c === null ? "" : "`" + c.replace(/`/g, "``") + "`")),
        unique: Number(parts[0]!.non_unique) === 0,
        mysqlLength: Object.keys(lengths).length ? lengths : null,
        hasExpressions: parts.some((p) => p.col === null || p.coll === "D"),
      });
    }
    return out;
  }

  async uniqueConstraints(table: string, schema: string | null): Promise<ReflectedUniqueConstraint[]> {
    return (await this.indexes(table, schema))
      .filter((ix) => ix.unique && !ix.hasExpressions)
      .map((ix) => ({ name: ix.name, columns: ix.columns as string[] }));
  }

  async checkConstraints(table: string, schema: string | null): Promise<ReflectedCheckConstraint[]> {
    const mariadb = this.isMariaDB();
    const rows = await this.reader.query(
      "SELECT tc.CONSTRAINT_NAME AS name, cc.CHECK_CLAUSE AS clause FROM information_schema.TABLE_CONSTRAINTS tc " +
        "JOIN information_schema.CHECK_CONSTRAINTS cc ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA " +
        "AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME" +
        (mariadb ? " AND cc.TABLE_NAME = tc.TABLE_NAME" : "") +
        " WHERE tc.TABLE_SCHEMA = COALESCE(?, DATABASE()) AND tc.TABLE_NAME = ? AND tc.CONSTRAINT_TYPE = 'CHECK' " +
        "ORDER BY tc.CONSTRAINT_NAME",
      [schema, table],
    );
    const json = await this.jsonChecks(table, schema);
    return rows
      .filter((r) => !json.has(String(r.name)) || !/^json_valid\(/i.test(String(r.clause).trim()))
      .map((r) => ({ name: String(r.name), sqltext: String(r.clause) }));
  }

  async tableOptions(table: string, schema: string | null): Promise<ReflectedTableOptions> {
    const rows = await this.reader.query(
      "SELECT TABLE_COMMENT AS comment, ENGINE AS engine, TABLE_COLLATION AS coll FROM information_schema.TABLES " +
        "WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?",
      [schema, table],
    );
    const r = rows[0];
    const coll = str(r?.coll);
    return {
      comment: r?.comment ? String(r.comment) : null,
      mysqlEngine: str(r?.engine),
      mysqlCharset: coll ? coll.split("_")[0]! : null,
      mysqlCollate: coll,
    };
  }
}
