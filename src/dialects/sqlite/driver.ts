/**
 * better-sqlite3 behind the DriverConnection seam.
 *
 * INTEGERS (decision shared with the types work, sqlite/types.ts):
 * better-sqlite3 reads INTEGER as `number` unless a statement is switched to `safeIntegers(true)`,
 * which makes it read every integer of that statement as `bigint`. Reading bigint everywhere
 * would allocate a BigInt per integer cell (slow) and surprise `text()` users, so:
 * - By default statements run with safeIntegers OFF: integers are numbers (values beyond 2^53
 *   lose precision, as with plain better-sqlite3).
 * - `SqliteDialect.driverOptionsFor(compiled)` turns safeIntegers ON for a statement when one of
 *   its result columns has a BigInteger type (kind "biginteger"). The driver then converts every
 *   bigint cell that fits a safe number back to `number`, and leaves larger ones as `bigint`.
 *   So in such a statement an Integer column still reads as number, and a BigInteger column reads
 *   `number | bigint`: its result processor must turn a number into bigint (`BigInt(v)`), or,
 *   in `mode: "number"`, a bigint into a number.
 * - Binding a bigint parameter works in every mode (better-sqlite3 accepts BigInt always).
 * - `lastInsertId` is a number when it fits, else a bigint.
 * Booleans are bound as 1/0 here (better-sqlite3 rejects booleans), so untyped text() params work.
 *
 * The driver is synchronous; each call is wrapped in one promise (none per row).
 * Prepared statements are cached per connection by SQL text: an LRU of 256 (createEngine's
 * `preparedStatementCacheSize`), so a statement run again skips sqlite3_prepare.
 */
import type { IsolationLevel } from "../base/dialect.js";
import {
  loadDriverPackage,
  queryFlag,
  type ConnectArgs,
  type DriverConnection,
  type DriverExecuteOptions,
  type DriverResult,
} from "../base/driver.js";
import { ArgumentError } from "../../util/errors.js";
import { keepShapes } from "../../util/shapes.js";

/** The slice of better-sqlite3's API this file uses (its types are a dev dependency only). */
interface SqliteStatement {
  readonly reader: boolean;
  raw(toggle: boolean): SqliteStatement;
  safeIntegers(toggle: boolean): SqliteStatement;
  columns(): { name: string }[];
  all(params: readonly unknown[]): unknown[][];
  run(params: readonly unknown[]): { changes: number; lastInsertRowid: number | bigint };
  iterate(params: readonly unknown[]): IterableIterator<unknown[]>;
}
interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  close(): void;
  readonly open: boolean;
  readonly inTransaction: boolean;
}

/** Prepared statements kept per connection. */
const STATEMENT_CACHE_SIZE = 256;
/** Default busy timeout (ms): how long a writer waits for another connection's lock. */
const DEFAULT_BUSY_TIMEOUT = 5000;

const EMPTY: unknown[][] = [];

interface CachedStatement {
  readonly stmt: SqliteStatement;
  /** The statement's current safeIntegers mode (toggled only when a call wants the other). */
  safe: boolean;
}

/** A reader's result; column names are looked up only if asked for (the engine often knows them). */
class ReaderResult implements DriverResult {
  private names: readonly string[] | null = null;
  readonly lastInsertId = null;
  constructor(
    readonly rows: unknown[][],
    private readonly stmt: SqliteStatement,
  ) {}
  get rowCount(): number {
    return this.rows.length;
  }
  get columns(): readonly string[] {
    return (this.names ??= this.stmt.columns().map((c) => c.name));
  }
}

// A sample keeps the class's hidden class alive across major GCs (util/shapes.ts).
keepShapes(new ReaderResult([], null as never));

export class SqliteDriverConnection implements DriverConnection {
  autocommit = false;
  /** Prepared statements by SQL text, least recently used first. */
  private statements = new Map<string, CachedStatement>();
  /** The SQL of the most recently used statement (already last in `statements`). */
  private lastSql: string | null = null;
  private closed = false;
  constructor(
    readonly native: SqliteDatabase,
    /** Prepared statements kept (createEngine's `preparedStatementCacheSize`); 0 prepares each time. */
    readonly statementCacheSize = STATEMENT_CACHE_SIZE,
  ) {}

  get broken(): boolean {
    return this.closed || !this.native.open;
  }

  /** The connection's prepared statement for `sql`: an LRU, bounded by `statementCacheSize`. */
  private prepare(sql: string): CachedStatement {
    const statements = this.statements;
    let entry = statements.get(sql);
    if (entry !== undefined) {
      if (sql !== this.lastSql) {
        // Most recently used last (the same SQL run again, the common case, costs nothing here).
        statements.delete(sql);
        statements.set(sql, entry);
        this.lastSql = sql;
      }
      return entry;
    }
    const stmt = this.native.prepare(sql);
    if (stmt.reader) stmt.raw(true);
    entry = { stmt, safe: false };
    if (this.statementCacheSize <= 0) return entry;
    if (statements.size >= this.statementCacheSize) {
      statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, entry);
    this.lastSql = sql;
    return entry;
  }

  /** How many prepared statements this connection keeps (for tests and diagnostics). */
  get cachedStatements(): number {
    return this.statements.size;
  }

  execute(sql: string, params: readonly unknown[], options?: DriverExecuteOptions): Promise<DriverResult> {
    try {
      return Promise.resolve(this.executeSync(sql, params, options?.safeIntegers === true));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  executeNow(sql: string, params: readonly unknown[], options?: DriverExecuteOptions): DriverResult {
    return this.executeSync(sql, params, options?.safeIntegers === true);
  }

  private executeSync(sql: string, params: readonly unknown[], safe: boolean): DriverResult {
    const entry = this.prepare(sql);
    const stmt = entry.stmt;
    if (entry.safe !== safe) {
      stmt.safeIntegers(safe);
      entry.safe = safe;
    }
    const values = bindable(params);
    if (stmt.reader) {
      const rows = stmt.all(values);
      if (safe) for (const row of rows) narrowIntegers(row);
      return new ReaderResult(rows, stmt);
    }
    const info = stmt.run(values);
    return {
      rows: EMPTY,
      columns: null,
      rowCount: info.changes,
      lastInsertId: info.changes > 0 ? narrow(info.lastInsertRowid) : null,
    };
  }

  executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
    options?: DriverExecuteOptions,
  ): Promise<DriverResult> {
    try {
      const safe = options?.safeIntegers === true;
      let rowCount = 0;
      let lastInsertId: number | bigint | null = null;
      let rows: unknown[][] = EMPTY;
      let columns: readonly string[] | null = null;
      for (const params of paramSets) {
        const r = this.executeSync(sql, params, safe);
        rowCount += r.rowCount;
        if (r.lastInsertId !== null) lastInsertId = r.lastInsertId;
        if (r.columns) {
          columns = r.columns;
          rows = rows === EMPTY ? [...r.rows] : rows.concat(r.rows);
        }
      }
      return Promise.resolve({ rows, columns, rowCount, lastInsertId });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async *stream(
    sql: string,
    params: readonly unknown[],
    batchSize: number,
    options?: DriverExecuteOptions,
  ): AsyncIterableIterator<DriverResult> {
    const safe = options?.safeIntegers === true;
    // A fresh statement: a statement being iterated cannot be used for anything else.
    const stmt = this.native.prepare(sql);
    if (!stmt.reader) {
      yield this.executeSync(sql, params, safe);
      return;
    }
    stmt.safeIntegers(safe).raw(true);
    const columns = stmt.columns().map((c) => c.name);
    const it = stmt.iterate(bindable(params));
    try {
      let batch: unknown[][] = [];
      let yielded = false;
      for (const row of it) {
        if (safe) narrowIntegers(row);
        batch.push(row);
        if (batch.length >= batchSize) {
          yielded = true;
          yield { rows: batch, columns, rowCount: batch.length, lastInsertId: null };
          batch = [];
        }
      }
      // At least one batch, so the reader learns the column names of an empty result.
      if (batch.length > 0 || !yielded)
        yield { rows: batch, columns, rowCount: batch.length, lastInsertId: null };
    } finally {
      it.return?.();
    }
  }

  run(sql: string): Promise<void> {
    try {
      this.native.exec(sql);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.statements.clear();
      if (this.native.open) this.native.close();
    }
    return Promise.resolve();
  }
}

/** better-sqlite3 rejects booleans; everything else is passed as is. Copies only when needed. */
function bindable(params: readonly unknown[]): readonly unknown[] {
  for (let i = 0; i < params.length; i++) {
    if (typeof params[i] === "boolean") return params.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
  }
  return params;
}

function narrow(v: number | bigint): number | bigint {
  return typeof v === "bigint" && v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER
    ? Number(v)
    : v;
}

/** In a safeIntegers row, integers that fit a number become numbers again. */
function narrowIntegers(row: unknown[]): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === "bigint" && v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER)
      row[i] = Number(v);
  }
}

/**
 * Opens a database file (or `:memory:`). URL query options: `foreign_keys=off` (default on),
 * `timeout=<ms>` busy timeout (default 5000), `mode=ro` read-only.
 */
export async function connect(args: ConnectArgs): Promise<DriverConnection> {
  const mod = await loadDriverPackage("sqlite", "better-sqlite3");
  const Database = (mod.default ?? mod) as new (
    filename: string,
    options?: Record<string, unknown>,
  ) => SqliteDatabase;
  const filename = args.database && args.database !== "" ? args.database : ":memory:";
  const q = args.query;
  const timeout = q.timeout !== undefined ? Number(q.timeout) : DEFAULT_BUSY_TIMEOUT;
  if (!Number.isFinite(timeout) || timeout < 0) {
    throw new ArgumentError(
      `Bad SQLite 'timeout' URL parameter '${q.timeout}': give a busy timeout in milliseconds, e.g. ?timeout=5000.`,
      "ATH-URL",
    );
  }
  const db = new Database(filename, { timeout, readonly: q.mode === "ro", ...args.driverOptions });
  try {
    db.exec(queryFlag(q.foreign_keys, true) ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");
  } catch (err) {
    db.close();
    throw err;
  }
  return new SqliteDriverConnection(db, args.preparedStatementCacheSize ?? STATEMENT_CACHE_SIZE);
}

function nativeOf(conn: DriverConnection): SqliteDatabase {
  return conn.native as SqliteDatabase;
}

/**
 * SQLite knows SERIALIZABLE (its normal mode), READ UNCOMMITTED (`PRAGMA read_uncommitted`,
 * only meaningful with a shared cache) and AUTOCOMMIT (no BEGIN sent), as SQLAlchemy's pysqlite.
 */
export async function setIsolationLevel(conn: DriverConnection, level: IsolationLevel): Promise<void> {
  if (level === "AUTOCOMMIT") {
    conn.autocommit = true;
    return;
  }
  if (level !== "SERIALIZABLE" && level !== "READ UNCOMMITTED") {
    throw new ArgumentError(
      `Invalid isolation level '${level}' for sqlite. Valid levels: SERIALIZABLE, READ UNCOMMITTED, AUTOCOMMIT.`,
      "ATH-ISOLATION",
    );
  }
  conn.autocommit = false;
  nativeOf(conn).exec(
    level === "READ UNCOMMITTED" ? "PRAGMA read_uncommitted = 1" : "PRAGMA read_uncommitted = 0",
  );
}

export async function getIsolationLevel(conn: DriverConnection): Promise<IsolationLevel> {
  if (conn.autocommit) return "AUTOCOMMIT";
  const v = nativeOf(conn).pragma("read_uncommitted", { simple: true });
  return Number(v) === 1 ? "READ UNCOMMITTED" : "SERIALIZABLE";
}

export async function hasTable(
  conn: DriverConnection,
  name: string,
  schema?: string | null,
): Promise<boolean> {
  const master = schema ? `"${schema.replace(/"/g, '""')}".sqlite_master` : "sqlite_master";
  const sql = `SELECT 1 FROM ${master} WHERE type IN ('table', 'view') AND name = ?`;
  const temp = schema
    ? []
    : (
        await conn.execute("SELECT 1 FROM sqlite_temp_master WHERE type IN ('table', 'view') AND name = ?", [
          name,
        ])
      ).rows;
  if (temp.length > 0) return true;
  return (await conn.execute(sql, [name])).rows.length > 0;
}
