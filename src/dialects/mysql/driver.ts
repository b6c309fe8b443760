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
 * Value contract with the types work (mysql/types.ts): rows as arrays, DATE/DATETIME/TIMESTAMP
 * as strings (`dateStrings`), BIGINT and DECIMAL as strings (`bigNumberStrings`), JSON as
 * strings (`jsonStrings`), session time zone UTC. `FOUND_ROWS` makes UPDATE's rowcount the
 * number of rows matched, as SQLAlchemy sets `CLIENT.FOUND_ROWS`.
 */
import type { IsolationLevel } from "../base/dialect.js";
import {
  loadDriverPackage,
  queryFlag,
  type ConnectArgs,
  type DriverConnection,
  type DriverResult,
} from "../base/driver.js";
import { ArgumentError } from "../../util/errors.js";
import { readFileSync } from "node:fs";

interface MysqlField {
  name: string;
}
interface MysqlHeader {
  affectedRows: number;
  insertId: number | string;
}
interface MysqlQuery {
  on(event: "fields", fn: (fields: MysqlField[]) => void): MysqlQuery;
  on(event: "result", fn: (row: unknown) => void): MysqlQuery;
  on(event: "error", fn: (err: Error) => void): MysqlQuery;
  on(event: "end", fn: () => void): MysqlQuery;
}
interface MysqlCore {
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
  constructor(readonly native: MysqlCore) {
    // A fatal error with no command waiting is emitted on the connection; unhandled, it would crash.
    native.on("error", (err) => {
      this.brokenBy = err;
    });
  }

  get broken(): boolean {
    return this.ended || this.brokenBy !== null;
  }

  private query(sql: string): Promise<{ rows: unknown; fields: MysqlField[] | undefined }> {
    return new Promise((resolve, reject) => {
      this.native.query(sql, (err, rows, fields) => {
        if (err) {
          if ((err as { fatal?: boolean }).fatal) this.brokenBy = err;
          reject(err);
        } else resolve({ rows, fields });
      });
    });
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

// ---- placeholders ----

const chunkCache = new Map<string, string[]>();
const CHUNK_CACHE_SIZE = 512;

/** Splits SQL at each `?` that is outside quotes, backticks and comments. */
export function splitPlaceholders(sql: string): string[] {
  let chunks = chunkCache.get(sql);
  if (chunks) return chunks;
  chunks = [];
  let start = 0;
  const n = sql.length;
  for (let i = 0; i < n; i++) {
    const ch = sql[i];
    if (ch === "?") {
      chunks.push(sql.slice(start, i));
      start = i + 1;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      i = skipQuoted(sql, i, ch);
    } else if (ch === "#" || (ch === "-" && sql[i + 1] === "-" && (i + 2 >= n || /\s/.test(sql[i + 2]!)))) {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? n : end;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? n : end + 1;
    }
  }
  chunks.push(sql.slice(start));
  if (chunkCache.size >= CHUNK_CACHE_SIZE) chunkCache.delete(chunkCache.keys().next().value as string);
  chunkCache.set(sql, chunks);
  return chunks;
}

/** Index of the closing quote; backslash escapes apply inside strings, doubling everywhere. */
function skipQuoted(sql: string, open: number, q: string): number {
  for (let i = open + 1; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "\\" && q !== "`") i++;
    else if (ch === q) {
      if (sql[i + 1] === q) i++;
      else return i;
    }
  }
  return sql.length;
}

/** The SQL with each placeholder replaced by the escaped value. */
function interpolate(sql: string, params: readonly unknown[], core: MysqlCore): string {
  if (params.length === 0) return sql;
  const chunks = splitPlaceholders(sql);
  if (chunks.length - 1 !== params.length) {
    const err = new Error(
      `The statement has ${chunks.length - 1} placeholders but ${params.length} parameters were given.`,
    );
    (err as { code?: string }).code = "ATH_PARAM_COUNT";
    throw err;
  }
  let out = chunks[0]!;
  for (let i = 0; i < params.length; i++) out += core.escape(params[i]) + chunks[i + 1]!;
  return out;
}

// ---- connecting ----

function sslOptions(q: Readonly<Record<string, string>>): unknown {
  const files = () => {
    const o: Record<string, unknown> = {};
    if (q.ssl_ca) o.ca = readFileSync(q.ssl_ca, "utf8");
    if (q.ssl_cert) o.cert = readFileSync(q.ssl_cert, "utf8");
    if (q.ssl_key) o.key = readFileSync(q.ssl_key, "utf8");
    return o;
  };
  const mode = q["ssl-mode"] ?? q.ssl_mode ?? q.sslmode;
  if (mode !== undefined) {
    switch (mode.toUpperCase().replace(/-/g, "_")) {
      case "DISABLED":
      case "DISABLE":
        return undefined;
      case "PREFERRED":
      case "PREFER":
      case "REQUIRED":
      case "REQUIRE":
        return { rejectUnauthorized: false, ...files() };
      case "VERIFY_CA":
      case "VERIFY_IDENTITY":
      case "VERIFY_FULL":
        return { rejectUnauthorized: true, ...files() };
      default:
        throw new ArgumentError(
          `Bad ssl_mode '${mode}' in the MySQL URL. Use one of: DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY.`,
          "ATH-URL",
        );
    }
  }
  if (q.ssl !== undefined && queryFlag(q.ssl, false))
    return { rejectUnauthorized: queryFlag(q.ssl_verify_cert, true), ...files() };
  if (q.ssl_ca) return { rejectUnauthorized: true, ...files() };
  return undefined;
}

export async function connect(args: ConnectArgs): Promise<DriverConnection> {
  const mod = await loadDriverPackage("mysql", "mysql2");
  const mysql = mod.default ?? mod;
  const q = args.query;
  const config: Record<string, unknown> = {
    host: args.host ?? "localhost",
    port: args.port ?? 3306,
    user: args.username ?? undefined,
    password: args.password ?? undefined,
    database: args.database ?? undefined,
    charset: q.charset ?? "utf8mb4",
    rowsAsArray: true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    flags: ["FOUND_ROWS"],
    timezone: "Z",
    multipleStatements: false,
  };
  if (q.unix_socket) config.socketPath = q.unix_socket;
  if (q.connect_timeout) config.connectTimeout = Number(q.connect_timeout) * 1000;
  const ssl = sslOptions(q);
  if (ssl !== undefined) config.ssl = ssl;
  const core: MysqlCore = mysql.createConnection({ ...config, ...args.driverOptions });
  const conn = new MysqlDriverConnection(core);
  await new Promise<void>((resolve, reject) => core.connect((err) => (err ? reject(err) : resolve())));
  try {
    await conn.run("SET time_zone = '+00:00'");
  } catch (err) {
    await conn.close();
    throw err;
  }
  return conn;
}

/** What the server is: MariaDB or MySQL, and its version numbers. */
export async function serverInfo(
  conn: DriverConnection,
): Promise<{ isMariaDB: boolean; version: number[]; versionString: string }> {
  const r = await conn.execute("SELECT VERSION()", []);
  const versionString = String(r.rows[0]![0]);
  const version = (versionString.match(/^(\d+)\.(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
  return { isMariaDB: /mariadb/i.test(versionString), version, versionString };
}

const LEVELS = new Set(["READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"]);

/** AUTOCOMMIT sends no BEGIN (the server's autocommit stays on); other levels apply to the session. */
export async function setIsolationLevel(conn: DriverConnection, level: IsolationLevel): Promise<void> {
  if (level === "AUTOCOMMIT") {
    conn.autocommit = true;
    return;
  }
  if (!LEVELS.has(level)) {
    throw new ArgumentError(
      `Invalid isolation level '${level}' for mysql. Valid levels: READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, SERIALIZABLE, AUTOCOMMIT.`,
      "ATH-ISOLATION",
    );
  }
  await conn.run(`SET SESSION TRANSACTION ISOLATION LEVEL ${level}`);
  conn.autocommit = false;
}

export async function getIsolationLevel(conn: DriverConnection): Promise<IsolationLevel> {
  if (conn.autocommit) return "AUTOCOMMIT";
  const variable = conn instanceof MysqlDriverConnection ? conn.isolationVariable : "@@transaction_isolation";
  const r = await conn.execute(`SELECT ${variable}`, []);
  return String(r.rows[0]![0]).replace(/-/g, " ").toUpperCase() as IsolationLevel;
}

export async function hasTable(
  conn: DriverConnection,
  name: string,
  schema?: string | null,
): Promise<boolean> {
  const sql = schema
    ? "SELECT 1 FROM information_schema.tables WHERE table_name = ? AND table_schema = ?"
    : "SELECT 1 FROM information_schema.tables WHERE table_name = ? AND table_schema = DATABASE()";
  const r = await conn.execute(sql, schema ? [name, schema] : [name]);
  return r.rows.length > 0;
}
