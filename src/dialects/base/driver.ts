/**
 * The seam between Athanor and a database driver package (better-sqlite3, pg, mysql2).
 * Each dialect wraps its driver behind these small interfaces; nothing above the dialect
 * folder ever touches a driver object. Rows travel as arrays (the drivers' fastest mode).
 */
import { MissingDriverError } from "../../util/errors.js";

/** Connection settings taken from the URL, with the password kept out of any message. */
export interface ConnectArgs {
  readonly host: string | null;
  readonly port: number | null;
  readonly username: string | null;
  readonly password: string | null;
  /** Database name; for SQLite, the file path or ":memory:". */
  readonly database: string | null;
  /** URL query parameters (charset, sslmode, …). */
  readonly query: Readonly<Record<string, string>>;
  /** Extra options passed straight to the driver (`connectArgs` in createEngine). */
  readonly driverOptions: Readonly<Record<string, unknown>>;
  /**
   * Prepared statements a driver connection keeps (createEngine's `preparedStatementCacheSize`);
   * undefined: the URL's `prepared_statement_cache_size`, else the driver's default.
   */
  readonly preparedStatementCacheSize?: number;
}

export interface DriverResult {
  /** Rows as arrays, in column order; empty for statements that return no rows. */
  readonly rows: unknown[][];
  /** Column names as the driver reports them, or null when the statement returned no rows. */
  readonly columns: readonly string[] | null;
  /** Rows matched by UPDATE/DELETE, inserted by INSERT; -1 when unknown. */
  readonly rowCount: number;
  /** The row id of the last inserted row, where the database reports one (SQLite, MySQL). */
  readonly lastInsertId: number | bigint | null;
}

/**
 * Per-statement hints from the dialect to its own driver, computed once per compiled
 * statement (`Dialect.driverOptionsFor`) and passed through by the engine untouched.
 */
export interface DriverExecuteOptions {
  /** SQLite: read integers as bigint where they do not fit a number (see sqlite/driver.ts). */
  readonly safeIntegers?: boolean;
  /**
   * The SQL comes from the engine's compiled cache (the same text on every run, built by the
   * compiler, never text()): the driver may keep it as a named prepared statement (PostgreSQL).
   */
  readonly prepare?: boolean;
}

/** One open connection of a driver. All methods reject with the driver's own error; the engine wraps it. */
export interface DriverConnection {
  execute(sql: string, params: readonly unknown[], options?: DriverExecuteOptions): Promise<DriverResult>;
  /**
   * `execute` for drivers that run a statement synchronously (better-sqlite3): the result, or the
   * driver's error thrown. The engine then takes no promise steps between the call and the Result.
   */
  executeNow?(sql: string, params: readonly unknown[], options?: DriverExecuteOptions): DriverResult;
  /** Runs one statement once per parameter set (executemany); rowCount is the total. */
  executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
    options?: DriverExecuteOptions,
  ): Promise<DriverResult>;
  /**
   * Streams the rows of a query in batches without holding them all in memory
   * (a server-side cursor on PostgreSQL, an unbuffered result on MySQL, an iterator on SQLite).
   * Must be consumed or returned (`return()`) before the connection runs another statement.
   */
  stream(
    sql: string,
    params: readonly unknown[],
    batchSize: number,
    options?: DriverExecuteOptions,
  ): AsyncIterableIterator<DriverResult>;
  /** Runs a statement with no parameters and no result (BEGIN, SAVEPOINT, SET …). */
  run(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * True when the database commits each statement on its own (isolation level "AUTOCOMMIT");
   * the engine then sends no BEGIN/COMMIT/ROLLBACK. Set by `Dialect.setIsolationLevel`.
   */
  autocommit: boolean;
  /** True once the driver reported that the connection is unusable (socket closed, server gone). */
  readonly broken: boolean;
  /**
   * True when the session may be inside a transaction the database began by itself (MySQL with
   * autocommit off begins one at any statement), though the engine began none: the pool's
   * reset-on-return then rolls it back. Drivers whose sessions never do that leave it undefined.
   */
  readonly serverTransactionOpen?: boolean;
  /** The driver's own connection object, for escape hatches (SQLAlchemy: `driver_connection`). */
  readonly native: unknown;
}

const loaded = new Map<string, Promise<unknown>>();

/**
 * Imports a driver package on first use. A package that is not installed gives a
 * `MissingDriverError` naming `npm install <pkg>`; any other failure (a broken install)
 * is rethrown as is. The module namespace is returned (use `.default` for CommonJS packages).
 * @example const pg = await loadDriverPackage<typeof import("pg")>("postgresql", "pg");
 */
export function loadDriverPackage<T = any>(dialect: string, packageName: string): Promise<T> {
  let p = loaded.get(packageName);
  if (!p) {
    p = import(packageName).catch((err: unknown) => {
      loaded.delete(packageName);
      if (isModuleNotFound(err, packageName)) throw new MissingDriverError(dialect, packageName, err);
      throw err;
    });
    loaded.set(packageName, p);
  }
  return p as Promise<T>;
}

function isModuleNotFound(err: unknown, packageName: string): boolean {
  const e = err as { code?: string; message?: string } | null;
  if (!e || (e.code !== "ERR_MODULE_NOT_FOUND" && e.code !== "MODULE_NOT_FOUND")) return false;
  // Only when the package itself is missing, not one of its own dependencies.
  const msg = e.message ?? "";
  return (
    msg.includes(`'${packageName}'`) || msg.includes(`"${packageName}"`) || msg.includes(`/${packageName}/`)
  );
}

/** Parses a boolean-ish URL query value ("1", "true", "on", "yes" / "0", "false", "off", "no"). */
export function queryFlag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (v === "1" || v === "true" || v === "on" || v === "yes") return true;
  if (v === "0" || v === "false" || v === "off" || v === "no") return false;
  return fallback;
}
