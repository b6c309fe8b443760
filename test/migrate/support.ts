/** Helpers shared by the migrate suites. */
import { inspect, text, type Engine } from "../../src/index.js";
import { Operations } from "../../src/migrate/operations/operations.js";
import { implFor } from "../../src/migrate/impl/registry.js";

/** Runs operations on one connection, in a transaction, as a migration would (SQLite: FKs off around it). */
export async function withOp(engine: Engine, fn: (op: Operations) => Promise<void>): Promise<string[]> {
  const conn = await engine.connect();
  const impl = implFor({ dialect: engine.dialect, connection: conn });
  const op = new Operations(impl);
  try {
    await impl.beforeRun();
    await fn(op);
    await impl.beforeCommit();
    await conn.commit();
  } finally {
    await conn.rollback().catch(() => undefined);
    await impl.afterRun().catch(() => undefined);
    await conn.close();
  }
  return op.applied;
}

/** The SQL operations write offline, for a dialect. */
export async function offlineSql(engine: Engine, fn: (op: Operations) => Promise<void>): Promise<string[]> {
  const out: string[] = [];
  const op = new Operations(implFor({ dialect: engine.dialect, connection: null, emit: (s) => out.push(s) }));
  await fn(op);
  return out;
}

export async function rows(engine: Engine, sql: string): Promise<Record<string, unknown>[]> {
  return engine.begin(async (c) => (await c.execute(text(sql))).all() as Record<string, unknown>[]);
}

export async function tableNames(engine: Engine): Promise<string[]> {
  return inspect(engine).getTableNames();
}
