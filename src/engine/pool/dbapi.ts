/**
 * A DB-API-like handle on one driver connection, given to pool event listeners as
 * `dbapiConnection` (SQLAlchemy passes the DBAPI connection itself). It runs SQL text in the
 * driver's own parameter style (`?` on SQLite and MySQL, `$1` on PostgreSQL), outside the
 * engine: no compilation, no events, no logging.
 *
 * @example
 * engine.on("connect", async (dbapiConnection) => {
 *   const cursor = dbapiConnection.cursor();
 *   await cursor.execute("SET time_zone = '+00:00'");
 *   cursor.close();
 * });
 */
import type { Dialect } from "../../dialects/base/dialect.js";
import type { DriverConnection, DriverResult } from "../../dialects/base/driver.js";
import { AthanorError, InvalidRequestError } from "../../util/errors.js";

/** One column of `cursor.description` (DB-API: the first item of each 7-tuple). */
export interface CursorColumn {
  readonly name: string;
}

export class DbapiConnection {
  constructor(
    /** The Athanor driver seam object this handle runs on. */
    readonly driver: DriverConnection,
    private readonly dialect: Dialect | null,
    /** Told before each statement runs here (the engine then no longer trusts what it knew of the session). */
    private readonly onSql: (() => void) | null = null,
  ) {}

  /** The driver's own connection object: a `pg.Client`, a mysql2 connection, a better-sqlite3 Database. */
  get driverConnection(): unknown {
    return this.driver.native;
  }
  /** True once the connection was closed or lost. */
  get closed(): boolean {
    return this.driver.broken;
  }

  cursor(): DbapiCursor {
    return new DbapiCursor(this);
  }

  /** Runs one statement and returns the cursor holding its rows (as Python's `sqlite3` does). */
  async execute(sql: string, params: readonly unknown[] = []): Promise<DbapiCursor> {
    return this.cursor().execute(sql, params);
  }

  async commit(): Promise<void> {
    await this.run((d, conn) => d.doCommit(conn));
  }
  async rollback(): Promise<void> {
    await this.run((d, conn) => d.doRollback(conn));
  }
  /** Closes the driver connection; the pool then treats it as lost and replaces it. */
  async close(): Promise<void> {
    await this.driver.close();
  }

  /** @internal Runs a driver call, wrapping driver errors as the engine does. */
  async call<T>(
    fn: (driver: DriverConnection) => Promise<T>,
    sql: string | null,
    params: unknown,
  ): Promise<T> {
    this.onSql?.();
    try {
      return await fn(this.driver);
    } catch (err) {
      if (err instanceof AthanorError || !this.dialect) throw err;
      throw this.dialect.translateError(err, sql, params);
    }
  }

  private async run(fn: (d: Dialect, conn: DriverConnection) => Promise<void>): Promise<void> {
    const dialect = this.dialect;
    if (!dialect) {
      throw new InvalidRequestError(
        "This pool was created without a dialect, so its connections cannot commit or roll back; " +
          "run 'COMMIT' / 'ROLLBACK' with execute() instead.",
        "ATH-POOL-DIALECT",
      );
    }
    await this.call((conn) => fn(dialect, conn), null, null);
  }
}

/** A DB-API-like cursor: `execute`, then `fetchone` / `fetchmany` / `fetchall`. */
export class DbapiCursor {
  /** The result's columns, or null when the statement returned no rows. */
  description: readonly CursorColumn[] | null = null;
  /** Rows affected by the last statement (-1 when unknown). */
  rowcount = -1;
  /** The row id of the last inserted row where the database reports one (SQLite, MySQL). */
  lastrowid: number | bigint | null = null;
  /** Rows returned by `fetchmany()` without a size. */
  arraysize = 1;
  private rows: unknown[][] = [];
  private pos = 0;
  private closed = false;

  constructor(readonly connection: DbapiConnection) {}

  async execute(sql: string, params: readonly unknown[] = []): Promise<this> {
    this.checkOpen();
    this.load(await this.connection.call((d) => d.execute(sql, params), sql, params));
    return this;
  }

  async executemany(sql: string, paramSets: readonly (readonly unknown[])[]): Promise<this> {
    this.checkOpen();
    this.load(await this.connection.call((d) => d.executeMany(sql, paramSets), sql, paramSets));
    return this;
  }

  /** The next row as an array, or null at the end. */
  fetchone(): unknown[] | null {
    this.checkOpen();
    return this.pos < this.rows.length ? this.rows[this.pos++]! : null;
  }
  fetchmany(size: number = this.arraysize): unknown[][] {
    this.checkOpen();
    const out = this.rows.slice(this.pos, this.pos + size);
    this.pos += out.length;
    return out;
  }
  fetchall(): unknown[][] {
    this.checkOpen();
    const out = this.rows.slice(this.pos);
    this.pos = this.rows.length;
    return out;
  }
  close(): void {
    this.closed = true;
    this.rows = [];
  }

  private load(r: DriverResult): void {
    this.rows = r.rows;
    this.pos = 0;
    this.description = r.columns ? r.columns.map((name) => ({ name })) : null;
    this.rowcount = r.rowCount;
    this.lastrowid = r.lastInsertId;
  }
  private checkOpen(): void {
    if (this.closed)
      throw new InvalidRequestError("This cursor is closed; get a new one with cursor().", "ATH-CLOSED");
  }
}
