/**
 * The seam between Athanor and a database driver package (better-sqlite3, pg, mysql2).
 * Each dialect wraps its driver behind these small interfaces; nothing above the dialect
 * folder ever touches a driver object. Rows travel as arrays (the drivers' fastest mode).
 */

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

/** One open connection of a driver. All methods reject with the driver's own error; the engine wraps it. */
export interface DriverConnection {
  execute(sql: string, params: readonly unknown[]): Promise<DriverResult>;
  /** Runs one statement once per parameter set (executemany); rowCount is the total. */
  executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): Promise<DriverResult>;
  /**
   * Streams the rows of a query in batches without holding them all in memory
   * (a server-side cursor on PostgreSQL, an unbuffered result on MySQL, an iterator on SQLite).
   * Must be consumed or returned (`return()`) before the connection runs another statement.
   */
  stream(sql: string, params: readonly unknown[], batchSize: number): AsyncIterableIterator<DriverResult>;
  /** Runs a statement with no parameters and no result (BEGIN, SAVEPOINT, SET …). */
  run(sql: string): Promise<void>;
  close(): Promise<void>;
  /** The driver's own connection object, for escape hatches (SQLAlchemy: `driver_connection`). */
  readonly native: unknown;
}
