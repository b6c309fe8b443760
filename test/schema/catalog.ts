/**
 * Reads the database catalog, to check what createAll/dropAll really did.
 */
import { text, type Connection, type Engine } from "../../src/index.js";

async function rows(
  engine: Engine,
  sqlText: string,
  params: Record<string, unknown> = {},
): Promise<Record<string, any>[]> {
  return engine.begin(
    async (conn: Connection) => (await conn.execute(text(sqlText), params)).all() as Record<string, any>[],
  );
}

/** Tables in the current schema / database, sorted. */
export async function tableNames(engine: Engine, schema?: string): Promise<string[]> {
  const d = engine.dialect.name;
  let r: Record<string, any>[];
  if (d === "postgresql") {
    r = schema
      ? await rows(engine, "SELECT tablename AS name FROM pg_tables WHERE schemaname = :s", { s: schema })
      : await rows(engine, "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()");
  } else if (d === "mysql") {
    r = await rows(
      engine,
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
    );
  } else {
    r = await rows(
      engine,
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    );
  }
  return r.map((x) => String(x.name)).sort();
}

/** PostgreSQL enum types in the current schema. */
export async function enumTypeNames(engine: Engine): Promise<string[]> {
  const r = await rows(
    engine,
    "SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'e' AND n.nspname = current_schema()",
  );
  return r.map((x) => String(x.name)).sort();
}

/** Names of the constraints of a table (SQLite: those written with CONSTRAINT name in its CREATE TABLE). */
export async function constraintNames(engine: Engine, table: string): Promise<string[]> {
  const d = engine.dialect.name;
  let names: string[];
  if (d === "postgresql") {
    const r = await rows(
      engine,
      "SELECT conname AS name FROM pg_constraint WHERE conrelid = CAST(:t AS regclass)",
      { t: table },
    );
    names = r.map((x) => String(x.name));
  } else if (d === "mysql") {
    const r = await rows(
      engine,
      "SELECT constraint_name AS name FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND table_name = :t",
      { t: table },
    );
    names = r.map((x) => String(x.name));
  } else {
    const r = await rows(engine, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t", {
      t: table,
    });
    names = [...String(r[0]?.sql ?? "").matchAll(/CONSTRAINT ("[^"]+"|\S+)/g)].map((m) =>
      m[1]!.replace(/^"|"$/g, ""),
    );
  }
  return [...new Set(names)].sort();
}

/** Names of the indexes of a table, without the ones databases make by themselves for keys. */
export async function indexNames(engine: Engine, table: string): Promise<string[]> {
  const d = engine.dialect.name;
  let r: Record<string, any>[];
  if (d === "postgresql") {
    r = await rows(
      engine,
      "SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid " +
        "WHERE x.indrelid = CAST(:t AS regclass) AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
      { t: table },
    );
  } else if (d === "mysql") {
    r = await rows(
      engine,
      "SELECT DISTINCT s.index_name AS name FROM information_schema.statistics s WHERE s.table_schema = DATABASE() AND s.table_name = :t " +
        "AND s.index_name <> 'PRIMARY' AND NOT EXISTS (SELECT 1 FROM information_schema.table_constraints c " +
        "WHERE c.table_schema = s.table_schema AND c.table_name = s.table_name AND c.constraint_name = s.index_name)",
      { t: table },
    );
  } else {
    r = await rows(
      engine,
      "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL",
      { t: table },
    );
  }
  return r.map((x) => String(x.name)).sort();
}

/** A column's comment (PostgreSQL, MySQL). */
export async function columnComment(engine: Engine, table: string, column: string): Promise<string | null> {
  if (engine.dialect.name === "postgresql") {
    const r = await rows(
      engine,
      "SELECT col_description(CAST(:t AS regclass), a.attnum) AS c FROM pg_attribute a WHERE a.attrelid = CAST(:t AS regclass) AND a.attname = :col",
      { t: table, col: column },
    );
    return r[0]?.c ?? null;
  }
  const r = await rows(
    engine,
    "SELECT column_comment AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = :t AND column_name = :col",
    { t: table, col: column },
  );
  return r[0]?.c || null;
}

/** A table's comment (PostgreSQL, MySQL). */
export async function tableComment(engine: Engine, table: string): Promise<string | null> {
  if (engine.dialect.name === "postgresql") {
    const r = await rows(engine, "SELECT obj_description(CAST(:t AS regclass), 'pg_class') AS c", {
      t: table,
    });
    return r[0]?.c ?? null;
  }
  const r = await rows(
    engine,
    "SELECT table_comment AS c FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = :t",
    {
      t: table,
    },
  );
  return r[0]?.c || null;
}
