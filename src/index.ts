/**
 * Athanor: a typed database toolkit and ORM for TypeScript.
 *
 * @example
 * import { createEngine, MetaData, Table, Column, Integer, String, select } from "athanor";
 */
export * from "./util/errors.js";
export * from "./sql/index.js";
// engine: createEngine, Engine, Connection, Result, URL, pools; the three dialects are registered here
// (the engine never imports a concrete dialect).
export * from "./engine/index.js";
export type { IsolationLevel, DialectCapabilities } from "./dialects/base/dialect.js";
export { Dialect } from "./dialects/base/dialect.js";
export type {
  ConnectArgs,
  DriverConnection,
  DriverResult,
  DriverExecuteOptions,
} from "./dialects/base/driver.js";
import { registerDialect as registerEngineDialect } from "./engine/registry.js";
import { SqliteDialect } from "./dialects/sqlite/dialect.js";
import { PostgresDialect } from "./dialects/postgresql/dialect.js";
import { MysqlDialect } from "./dialects/mysql/dialect.js";
registerEngineDialect("sqlite", () => new SqliteDialect(), { drivers: ["better-sqlite3", "better_sqlite3"] });
registerEngineDialect("postgresql", () => new PostgresDialect(), { drivers: ["pg"] });
registerEngineDialect("mysql", () => new MysqlDialect(), { drivers: ["mysql2"] });
registerEngineDialect(
  "mariadb",
  () => {
    const d = new MysqlDialect();
    d.isMariaDB = true;
    return d;
  },
  { drivers: ["mysql2"] },
);
// schema: MetaData, Table, Column, ForeignKey, constraints, Index, naming conventions, DDL elements.
export * from "./schema/index.js";
