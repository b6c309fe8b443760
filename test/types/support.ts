/**
 * Round-trip helpers for the type suites: a table with one column of the type under test,
 * created from the dialect's own type compiler, written with insert().values() and with
 * executemany, read back with select().
 */
import {
  column,
  insert,
  Integer,
  raw,
  select,
  sql,
  table,
  type Engine,
  type TypeEngine,
} from "../../src/index.js";

let seq = 0;

/** Runs DDL text as is (no `:name` parameter parsing). */
export async function ddl(engine: Engine, statement: string): Promise<void> {
  await engine.begin(async (conn) => {
    await conn.execute(sql`${raw(statement)}`);
  });
}

/** The enum a type needs created first on PostgreSQL (an Enum, or an ARRAY of one). */
function nativeEnumOf(
  engine: Engine,
  type: TypeEngine<any>,
): { name: string; values: readonly string[] } | null {
  if (engine.dialect.name !== "postgresql") return null;
  const t = type.kind === "pg_array" ? (type as any).itemType : type;
  return t.kind === "enum" && t.nativeEnum ? { name: t.name, values: t.values } : null;
}

/**
 * Creates `tt_<n> (id INTEGER PRIMARY KEY, v <type>)`. Non-native enums get their CHECK
 * constraint and PostgreSQL enums their CREATE TYPE, as the DDL compiler does for real tables.
 */
export async function typeTable(engine: Engine, type: TypeEngine<any>) {
  const name = `tt_${++seq}`;
  const tc = engine.dialect.typeCompiler;
  const e = nativeEnumOf(engine, type);
  if (e) {
    await ddl(engine, `DROP TYPE IF EXISTS ${tc.quoteName(e.name)} CASCADE`);
    await ddl(
      engine,
      `CREATE TYPE ${tc.quoteName(e.name)} AS ENUM (${e.values.map((v) => tc.stringLiteral(v)).join(", ")})`,
    );
  }
  let check = "";
  if (type.kind === "enum" && !(engine.dialect.name !== "sqlite" && (type as any).nativeEnum)) {
    check = ` CHECK (v IN (${(type as any).values.map((v: string) => tc.stringLiteral(v)).join(", ")}))`;
  }
  await ddl(engine, `CREATE TABLE ${name} (id INTEGER PRIMARY KEY, v ${tc.process(type)}${check})`);
  return table(name, column("id", Integer), column("v", type));
}

/**
 * Writes `values` twice — one insert().values() per row, then one executemany — and reads
 * them back in order. Returns what each way read.
 */
export async function roundTrip(engine: Engine, type: TypeEngine<any>, values: readonly unknown[]) {
  const t = await typeTable(engine, type);
  await engine.begin(async (conn) => {
    for (let i = 0; i < values.length; i++)
      await conn.execute(insert(t).values({ id: i, v: values[i] as any }));
    await conn.execute(
      insert(t),
      values.map((v, i) => ({ id: 1000 + i, v })),
    );
  });
  const rows = await engine.begin(async (conn) =>
    (await conn.execute(select(t.c.id, t.c.v).orderBy(t.c.id))).all(),
  );
  const read = rows.map((r) => r.v);
  return { viaValues: read.slice(0, values.length), viaExecutemany: read.slice(values.length), table: t };
}
