/**
 * PostgreSQL's catalog (SQLAlchemy: `PGDialect.get_columns`, `get_pk_constraint`, …), read
 * from pg_catalog. Lists of column names come back as JSON text (`json_agg`), so nothing
 * depends on how the driver parses arrays.
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
import { pgTypeFromCatalog } from "./reflected-types.js";

const TRAITS: InspectorTraits = {
  uniqueConstraintsAreIndexes: false,
  foreignKeysCreateIndexes: false,
  supportsComments: true,
  unnamedConstraints: false,
  defaultReferentialActions: ["NO ACTION"],
};

/** The table's oid as a CTE named `t`; $1 is the table, $2 the schema (null: current_schema()). */
const TABLE_CTE =
  "WITH t AS (SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
  "WHERE c.relname = $1 AND n.nspname = COALESCE(CAST($2 AS TEXT), current_schema()) AND c.relkind IN ('r', 'p')) ";

/** JSON text of the names of `attrs` (an int2[] of attnums) of relation `rel`, in order. */
const attnames = (attrs: string, rel: string): string =>
  `CAST((SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(${attrs}) WITH ORDINALITY AS k(attnum, ord) ` +
  `JOIN pg_catalog.pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum) AS TEXT)`;

const ACTIONS: Record<string, string> = {
  a: "NO ACTION",
  r: "RESTRICT",
  c: "CASCADE",
  n: "SET NULL",
  d: "SET DEFAULT",
};

const names = (v: unknown): string[] => (typeof v === "string" ? (JSON.parse(v) as string[]) : []);

export class PostgresInspector implements DialectInspector {
  readonly traits = TRAITS;
  constructor(private readonly reader: CatalogReader) {}

  async defaultSchemaName(): Promise<string> {
    const rows = await this.reader.query("SELECT current_schema() AS s");
    return String(rows[0]?.s);
  }

  async tableNames(schema: string | null): Promise<string[]> {
    const rows = await this.reader.query(
      "SELECT c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
        "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname = COALESCE(CAST($1 AS TEXT), current_schema()) " +
        "ORDER BY c.relname",
      [schema],
    );
    return rows.map((r) => String(r.name));
  }

  async hasTable(table: string, schema: string | null): Promise<boolean> {
    return (await this.reader.query(TABLE_CTE + "SELECT oid FROM t", [table, schema])).length > 0;
  }

  async columns(table: string, schema: string | null): Promise<ReflectedColumn[]> {
    const rows = await this.reader.query(
      TABLE_CTE +
        "SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, " +
        "pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS dflt, a.attidentity AS identity, a.attgenerated AS generated, " +
        "pg_catalog.col_description(a.attrelid, a.attnum) AS comment, ty.typtype AS typtype, ty.typname AS typname, " +
        "(SELECT CAST(json_agg(e.enumlabel ORDER BY e.enumsortorder) AS TEXT) FROM pg_catalog.pg_enum e " +
        "WHERE e.enumtypid = a.atttypid) AS labels " +
        "FROM pg_catalog.pg_attribute a JOIN t ON a.attrelid = t.oid " +
        "JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid " +
        "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum " +
        "WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
      [table, schema],
    );
    if (rows.length === 0) throw noSuchTable(table, schema);
    return rows.map((r) => {
      const formatted = String(r.type);
      const generated = r.generated !== null && r.generated !== undefined && r.generated !== "";
      let dflt = r.dflt === null || r.dflt === undefined ? null : String(r.dflt);
      const identity = r.identity === "a" || r.identity === "d";
      const serial = dflt !== null && /^nextval\(/i.test(dflt);
      const computed = generated ? dflt : null;
      if (generated) dflt = null;
      return {
        name: String(r.name),
        type: pgTypeFromCatalog({
          formatted,
          typtype: r.typtype === null ? null : String(r.typtype),
          typname: r.typname === null ? null : String(r.typname),
          enumLabels: r.labels ? names(r.labels) : null,
        }),
        rawType: formatted,
        nullable: r.notnull !== true,
        default: dflt,
        autoincrement: identity || serial,
        comment: r.comment === null || r.comment === undefined ? null : String(r.comment),
        computed,
      };
    });
  }

  async primaryKey(table: string, schema: string | null): Promise<ReflectedPrimaryKey> {
    const rows = await this.reader.query(
      TABLE_CTE +
        `SELECT con.conname AS name, ${attnames("con.conkey", "con.conrelid")} AS columns ` +
        "FROM pg_catalog.pg_constraint con JOIN t ON con.conrelid = t.oid WHERE con.contype = 'p'",
      [table, schema],
    );
    const r = rows[0];
    return r ? { name: String(r.name), columns: names(r.columns) } : { name: null, columns: [] };
  }

  async foreignKeys(table: string, schema: string | null): Promise<ReflectedForeignKey[]> {
    const rows = await this.reader.query(
      TABLE_CTE +
        "SELECT con.conname AS name, rn.nspname AS referred_schema, rc.relname AS referred_table, " +
        "con.confdeltype AS ondelete, con.confupdtype AS onupdate, con.condeferrable AS deferrable, " +
        "con.condeferred AS deferred, COALESCE(CAST($2 AS TEXT), current_schema()) AS own_schema, " +
        `${attnames("con.conkey", "con.conrelid")} AS columns, ${attnames("con.confkey", "con.confrelid")} AS referred_columns ` +
        "FROM pg_catalog.pg_constraint con JOIN t ON con.conrelid = t.oid " +
        "JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace " +
        "WHERE con.contype = 'f' ORDER BY con.conname",
      [table, schema],
    );
    return rows.map((r) => ({
      name: String(r.name),
      columns: names(r.columns),
      referredSchema: r.referred_schema === r.own_schema ? schema : String(r.referred_schema),
      referredTable: String(r.referred_table),
      referredColumns: names(r.referred_columns),
      ondelete: normalizeAction(ACTIONS[String(r.ondelete)]),
      onupdate: normalizeAction(ACTIONS[String(r.onupdate)]),
      deferrable: r.deferrable === true ? true : null,
      initially: r.deferred === true ? "DEFERRED" : null,
    }));
  }

  async indexes(table: string, schema: string | null): Promise<ReflectedIndex[]> {
    const rows = await this.reader.query(
      TABLE_CTE +
        "SELECT i.relname AS name, x.indisunique AS is_unique, pg_catalog.pg_get_expr(x.indpred, x.indrelid) AS pred, " +
        "CAST((SELECT json_agg(json_build_array(k.attnum, a.attname, " +
        "pg_catalog.pg_get_indexdef(x.indexrelid, CAST(k.ord AS INTEGER), true), k.opt) ORDER BY k.ord) " +
        "FROM unnest(CAST(x.indkey AS int2[]), CAST(x.indoption AS int2[])) WITH ORDINALITY AS k(attnum, opt, ord) " +
        "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum " +
        "WHERE k.ord <= x.indnkeyatts) AS TEXT) AS keys " +
        "FROM pg_catalog.pg_index x JOIN t ON x.indrelid = t.oid JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid " +
        "WHERE NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c " +
        "WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')) " +
        "ORDER BY i.relname",
      [table, schema],
    );
    return rows.map((r) => {
      const keys = JSON.parse(String(r.keys ?? "[]")) as [number, string | null, string, number][];
      return {
        name: String(r.name),
        columns: keys.map(([attnum, attname]) => (attnum === 0 ? null : attname)),
        expressions: keys.map(([, , def]) => def),
        unique: r.is_unique === true,
        where: r.pred === null || r.pred === undefined ? null : String(r.pred),
        // indoption bit 1: DESC; bit 2: NULLS FIRST.
        hasExpressions: keys.some(([attnum, , , opt]) => attnum === 0 || (opt & 3) !== 0),
      };
    });
  }

  async uniqueConstraints(table: string, schema: string | null): Promise<ReflectedUniqueConstraint[]> {
    const rows = await this.reader.query(
      TABLE_CTE +
        `SELECT con.conname AS name, ${attnames("con.conkey", "con.conrelid")} AS columns ` +
        "FROM pg_catalog.pg_constraint con JOIN t ON con.conrelid = t.oid WHERE con.contype = 'u' ORDER BY con.conname",
      [table, schema],
    );
    return rows.map((r) => ({ name: String(r.name), columns: names(r.columns) }));
  }

  async checkConstraints(table: string, schema: string | null): Promise<ReflectedCheckConstraint[]> {
    const rows = await this.reader.query(
      TABLE_CTE +
        "SELECT con.conname AS name, pg_catalog.pg_get_constraintdef(con.oid, true) AS def " +
        "FROM pg_catalog.pg_constraint con JOIN t ON con.conrelid = t.oid WHERE con.contype = 'c' ORDER BY con.conname",
      [table, schema],
    );
    return rows.map((r) => {
      const def = String(r.def);
      const m = /^CHECK \(([\s\S]*)\)(?: NOT VALID)?$/.exec(def);
      return { name: String(r.name), sqltext: m ? m[1]! : def };
    });
  }

  async tableOptions(table: string, schema: string | null): Promise<ReflectedTableOptions> {
    const rows = await this.reader.query(
      TABLE_CTE + "SELECT pg_catalog.obj_description(t.oid, 'pg_class') AS comment FROM t",
      [table, schema],
    );
    const c = rows[0]?.comment;
    return { comment: c === null || c === undefined ? null : String(c) };
  }
}
