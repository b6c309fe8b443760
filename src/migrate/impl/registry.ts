/**
 * The migration implementation for a dialect (Alembic: `DefaultImpl` subclasses registered by
 * dialect name in `ddl/impl.py`). Like Alembic's, this table is keyed by the dialect's name: an
 * implementation is the per-database knowledge of ALTER TABLE, which capability flags can't describe.
 */
import { MigrateImpl, type ImplContext } from "./impl.js";
import { MysqlImpl } from "./mysql.js";
import { PostgresImpl } from "./postgresql.js";
import { SqliteImpl } from "./sqlite.js";

const IMPLS: Record<string, new (ctx: ImplContext) => MigrateImpl> = {
  sqlite: SqliteImpl,
  postgresql: PostgresImpl,
  mysql: MysqlImpl,
};

/** Registers the implementation for a third-party dialect. */
export function registerImpl(dialectName: string, impl: new (ctx: ImplContext) => MigrateImpl): void {
  IMPLS[dialectName] = impl;
}

export function implFor(ctx: ImplContext): MigrateImpl {
  const Impl = IMPLS[ctx.dialect.name] ?? MigrateImpl;
  return new Impl(ctx);
}
