/**
 * mysql2 behind the DriverConnection seam (callback API, wrapped in one promise per call).
 *
 * TEXT PROTOCOL (`query`), not prepared statements (`execute`), as SQLAlchemy with PyMySQL:
 * - `execute` creates a server-side prepared statement per distinct SQL per connection
 *   (bounded by max_prepared_stmt_count, one extra round trip each), and its binary protocol
 *   types parameters from the JS value, which breaks for e.g. `LIMIT ?` given a string.
 * - With `query`, values are escaped client-side (mysql2's `escape`, the same rules as PyMySQL).
 *   Athanor substitutes the `?` placeholders itself, skipping quoted strings, identifiers and
 *   comments, so a literal `'?'` in the SQL is never mistaken for a parameter (mysql2's own
 *   formatter would replace it).
 *
 * SESSIONS WITHOUT AUTOCOMMIT (as PyMySQL and every DBAPI driver run). At REPEATABLE READ and
 * SERIALIZABLE the session runs with `autocommit = 0`: the server begins a transaction by
 * itself at the first statement that touches a table, so the engine sends no BEGIN (one round
 * trip less per transaction); the snapshot is taken at the first read either way. At READ
 * COMMITTED and below `autocommit` stays 1, for the engine's deferred BEGIN (a lone plain read
 * then needs neither BEGIN nor ROLLBACK). The AUTOCOMMIT level sets it to 1. The session's
 * state is read from every OK packet (SERVER_STATUS_IN_TRANS, SERVER_STATUS_AUTOCOMMIT), so
 * SQL the engine can't see into (text(), a CALL) that changes it is noticed; a result set
 * carries no status here, so a query that reads a table is taken to have begun a transaction.
 *
 * Value contract with the types work (mysql/types.ts): rows as arrays, DATE/DATETIME/TIMESTAMP
 * as strings (`dateStrings`), BIGINT and DECIMAL as strings (`bigNumberStrings`), JSON as
 * strings (`jsonStrings`), session time zone UTC. `FOUND_ROWS` makes UPDATE's rowcount the
 * number of rows matched, as SQLAlchemy sets `CLIENT.FOUND_ROWS`.
 */
import type { DriverConnection, DriverResult } from "../base/driver.js";
import { interpolate } from "./placeholders.js";

export { splitPlaceholders } from "./placeholders.js";

interface MysqlField {
  name: string;
}
interface MysqlHeader {
  affectedRows: number;
  insertId: number | string;
  serverStatus?: number;
}

/** OK packet status flags. */
const SERVER_STATUS_IN_TRANS = 1;
const SERVER_STATUS_AUTOCOMMIT = 2;
interface MysqlQuery {
  on(event: "fields", fn: (fields: MysqlField[]) => void): MysqlQuery;
  on(event: "result", fn: (row: unknown) => void): MysqlQuery;
  on(event: "error", fn: (err: Error) => void): MysqlQuery;
  on(event: "end", fn: () => void): MysqlQuery;
}
export interface MysqlCore {
  query(
    sql: string,
    cb: (err: Error | null, rows: unknown, fields: MysqlField[] | undefined) => void,
  ): MysqlQuery;
  query(sql: string): MysqlQuery;
  escape(value: unknown): string;
  connect(cb: (err: Error | null) => void): void;
  on(event: "error", fn: (err: Error) => void): void;
  pause(): void;
  resume(): void;
  end(cb: (err?: Error | null) => void): void;
  destroy(): void;
}

const EMPTY: unknown[][] = [];

export class MysqlDriverConnection implements DriverConnection {
  autocommit = false;
  private brokenBy: Error | null = null;
  private ended = false;
  /** Set by the dialect at connect: which server variable holds the isolation level. */
  isolationVariable = "@@transaction_isolation";
  /** The server session's `autocommit`, as its last OK packet reported it. */
  serverAutocommit = true;
  /** A transaction may be open on the server (begun by BEGIN, or by a statement with autocommit off). */
  private inTransaction = false;
  constructor(readonly native: MysqlCore) {
    // A fatal error with no command waiting is emitted on the connection; unhandled, it would crash.
    native.on("error", (err) => {
      this.brokenBy = err;
    });
  }

  get broken(): boolean {
    return this.ended || this.brokenBy !== null;
  }

  get serverTransactionOpen(): boolean {
    return this.inTransaction;
  }

  /** True when the server will begin a transaction by itself at the next statement (see the module comment). */
  get beginsImplicitly(): boolean {
    return !this.autocommit && !this.serverAutocommit && !this.inTransaction;
  }

  /**
   * Runs SQL; `tableless` for the dialect's own queries that read no table (variables,
   * information_schema), which begin no transaction even with autocommit off.
   */
  private query(
    sql: string,
    tableless = false,
  ): Promise<{ rows: unknown; fields: MysqlField[] | undefined }> {
    return new Promise((resolve, reject) => {
      this.native.query(sql, (err, rows, fields) => {
        if (err) {
          if ((err as { fatal?: boolean }).fatal) this.brokenBy = err;
          // The statement may have begun the transaction before it failed.
          if (!this.serverAutocommit) this.inTransaction = true;
          reject(err);
        } else {
          this.noteStatus(rows, tableless);
          resolve({ rows, fields });
        }
      });
    });
  }

  /** Follows the session's transaction state from the OK packet (see the module comment). */
  private noteStatus(rows: unknown, tableless: boolean): void {
    let header = rows as MysqlHeader | undefined;
    // A CALL's results end with its OK packet; a plain result set has none.
    if (Array.isArray(rows)) header = rows.length > 0 ? (rows[rows.length - 1] as MysqlHeader) : undefined;
    const status = header !== undefined && !Array.isArray(header) ? header.serverStatus : undefined;
    if (status !== undefined) {
      this.serverAutocommit = (status & SERVER_STATUS_AUTOCOMMIT) !== 0;
      this.inTransaction = (status & SERVER_STATUS_IN_TRANS) !== 0;
    } else if (!this.serverAutocommit && !tableless) this.inTransaction = true;
  }

  /** A query of the dialect's own that reads no table: server variables, information_schema. */
  async catalogQuery(sql: string, params: readonly unknown[]): Promise<unknown[][]> {
    const { rows } = await this.query(interpolate(sql, params, this.native), true);
    return Array.isArray(rows) ? (rows as unknown[][]) : [];
  }

  async execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    const { rows, fields } = await this.query(interpolate(sql, params, this.native));
    if (Array.isArray(rows)) {
      // Multiple result sets (a CALL) come as arrays of arrays; the last row set wins.
      const columns = fields ? fields.map((f) => f.name) : [];
      return { rows: rows as unknown[][], columns, rowCount: rows.length, lastInsertId: null };
    }
    const h = rows as MysqlHeader;
    return { rows: EMPTY, columns: null, rowCount: h.affectedRows ?? -1, lastInsertId: insertIdOf(h) };
  }

  async executeMany(sql: string, paramSets: readonly (readonly unknown[])[]): Promise<DriverResult> {
    let rowCount = 0;
    let lastInsertId: number | bigint | null = null;
    let rows: unknown[][] = EMPTY;
    let columns: readonly string[] | null = null;
    for (const params of paramSets) {
      const r = await this.execute(sql, params);
      if (r.rowCount > 0) rowCount += r.rowCount;
      if (r.lastInsertId !== null) lastInsertId = r.lastInsertId;
      if (r.columns) {
        columns = r.columns;
        rows = rows === EMPTY ? [...r.rows] : rows.concat(r.rows);
      }
    }
    return { rows, columns, rowCount, lastInsertId };
  }

  /** An unbuffered result: the socket is paused while a full batch waits for its reader. */
  async *stream(
    sql: string,
    params: readonly unknown[],
    batchSize: number,
  ): AsyncIterableIterator<DriverResult> {
    const core = this.native;
    let columns: string[] = [];
    let buffer: unknown[][] = [];
    let done = false;
    let error: Error | null = null;
    let paused = false;
    let wake: (() => void) | null = null;
    let discard = false;
    let yielded = false;
    const notify = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const q = core.query(interpolate(sql, params, core));
    if (!this.serverAutocommit) this.inTransaction = true;
    q.on("fields", (fields) => {
      columns = fields.map((f) => f.name);
    });
    q.on("result", (row) => {
      if (discard) return;
      if (!Array.isArray(row)) return; // an OK packet of a non-SELECT statement
      buffer.push(row);
      if (buffer.length >= batchSize && !paused) {
        paused = true;
        core.pause();
        notify();
      }
    });
    q.on("error", (err) => {
      error = err;
      if ((err as { fatal?: boolean }).fatal) this.brokenBy = err;
      done = true;
      notify();
    });
    q.on("end", () => {
      done = true;
      notify();
    });
    try {
      for (;;) {
        if (buffer.length < batchSize && !done) {
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          continue;
        }
        if (error) throw error;
        if (buffer.length > 0 || (done && !yielded)) {
          const batch = buffer.length > batchSize ? buffer.splice(0, batchSize) : buffer;
          if (batch === buffer) buffer = [];
          yielded = true;
          yield { rows: batch, columns, rowCount: batch.length, lastInsertId: null };
        }
        if (paused && buffer.length < batchSize) {
          paused = false;
          core.resume();
        }
        if (done && buffer.length === 0) {
          if (error) throw error;
          return;
        }
      }
    } finally {
      if (!done) {
        // Stopped early: the rest of the result must still be read off the socket.
        discard = true;
        buffer = [];
        const finished = new Promise<void>((resolve) => {
          wake = resolve;
        });
        if (paused) core.resume();
        await finished;
      }
    }
  }

  async run(sql: string): Promise<void> {
    await this.query(sql);
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.brokenBy) {
      this.native.destroy();
      return;
    }
    await new Promise<void>((resolve) => this.native.end(() => resolve()));
  }
}

function insertIdOf(h: MysqlHeader): number | bigint | null {
  const id = h.insertId;
  if (id === undefined || id === null || id === 0 || id === "0") return null;
  if (typeof id === "string") {
    const big = BigInt(id);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
  return id;
}
