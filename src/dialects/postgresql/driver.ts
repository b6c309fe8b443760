/**
 * pg behind the DriverConnection seam. One `pg.Client` per connection (Athanor pools, not pg).
 *
 * Value contract with the types work (postgresql/types.ts): pg's default parsers are kept,
 * except that these types arrive as the server's text, unparsed, for exact conversions in the
 * result processors: date, time, timetz, timestamp, timestamptz, interval, int8, numeric, json,
 * jsonb, and arrays of date/timestamp/timestamptz. This is set per client (the `types` option),
 * never on pg's global parsers. Sessions run with TimeZone=UTC.
 *
 * Queries go out as pg Query objects whose rows are parsed in place (row-query.ts).
 *
 * NAMED PREPARED STATEMENTS (prepared.ts): SQL the engine took from its compiled cache runs
 * as a named statement, parsed once per connection; see that file for the cache and its
 * invalidation after DDL.
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
import { withCallerStack } from "./errors.js";
import { PreparedStatements, type PgSubmittable } from "./prepared.js";
import { querySender, type PgSend } from "./row-query.js";
import { ArgumentError } from "../../util/errors.js";
import { readFileSync } from "node:fs";

/** OIDs whose text form is passed through unparsed. */
const RAW_TEXT_OIDS = new Set([
  1082, // date
  1083, // time
  1266, // timetz
  1114, // timestamp
  1184, // timestamptz
  1186, // interval
  20, // int8
  1700, // numeric
  114, // json
  3802, // jsonb
  1182, // date[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1231, // numeric[]: exact digits, parsed by the ARRAY type
  1187, // interval[]
]);

const identity = (v: unknown): unknown => v;

interface PgField {
  name: string;
}
interface PgResult {
  rows: unknown[][];
  fields: PgField[];
  rowCount: number | null;
  command: string;
}
export interface PgClient {
  connect(): Promise<void>;
  query(config: {
    text: string;
    name?: string;
    values?: readonly unknown[];
    rowMode?: "array";
  }): Promise<PgResult | PgResult[]>;
  query(text: string): Promise<PgResult | PgResult[]>;
  query(submittable: PgSubmittable): PgSubmittable;
  end(): Promise<void>;
  on(event: "error", fn: (err: Error) => void): void;
  getTransactionStatus?(): string | null;
}

const EMPTY: unknown[][] = [];
let cursorCounter = 0;

/** Prepared statements kept per connection unless configured (asyncpg's default is 100 too). */
const DEFAULT_STATEMENT_CACHE_SIZE = 100;

export class PgDriverConnection implements DriverConnection {
  autocommit = false;
  private brokenBy: Error | null = null;
  private ended = false;
  /** The named prepared statements of this connection; null when disabled (size 0). */
  readonly prepared: PreparedStatements | null;
  /** Sends a query with rows as arrays (row-query.ts). */
  private readonly send: PgSend;
  constructor(
    readonly native: PgClient,
    statementCacheSize = DEFAULT_STATEMENT_CACHE_SIZE,
    /** The pg module, for its Query class (row-query.ts); without it, pg's own query() is used. */
    pg?: { Query?: unknown },
  ) {
    this.send = querySender(native, pg);
    this.prepared =
      statementCacheSize > 0 ? new PreparedStatements(native, statementCacheSize, this.send) : null;
    // Without a listener pg would crash the process on a dropped socket.
    native.on("error", (err) => {
      this.brokenBy = err;
    });
  }

  get broken(): boolean {
    return this.ended || this.brokenBy !== null;
  }

  async execute(
    sql: string,
    params: readonly unknown[],
    options?: DriverExecuteOptions,
  ): Promise<DriverResult> {
    const prepared = this.prepared;
    if (prepared !== null) {
      if (options?.prepare === true) return toDriverResult(await prepared.execute(sql, params));
      if (dropsPreparedStatements(sql)) prepared.forgetAll();
    }
    let res: PgResult | PgResult[];
    try {
      res = await this.send({ text: sql, values: params });
    } catch (err) {
      throw withCallerStack(err);
    }
    return toDriverResult(lastResult(res));
  }

  async executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
    options?: DriverExecuteOptions,
  ): Promise<DriverResult> {
    let rowCount = 0;
    let rows: unknown[][] = EMPTY;
    let columns: readonly string[] | null = null;
    for (const params of paramSets) {
      const r = await this.execute(sql, params, options);
      if (r.rowCount > 0) rowCount += r.rowCount;
      if (r.columns) {
        columns = r.columns;
        rows = rows === EMPTY ? [...r.rows] : rows.concat(r.rows);
      }
    }
    return { rows, columns, rowCount, lastInsertId: null };
  }

  /** A server-side cursor (DECLARE … FETCH n), inside a transaction of its own if none is open. */
  async *stream(
    sql: string,
    params: readonly unknown[],
    batchSize: number,
  ): AsyncIterableIterator<DriverResult> {
    const ownTransaction = this.native.getTransactionStatus?.() === "I";
    const name = `athanor_cursor_${++cursorCounter}`;
    let failed = false;
    if (ownTransaction) await this.native.query("BEGIN");
    try {
      await this.native.query({
        text: `DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`,
        values: params as unknown[],
      });
      const fetch = `FETCH FORWARD ${Math.max(1, Math.floor(batchSize))} FROM ${name}`;
      for (let first = true; ; first = false) {
        const res = lastResult(await this.send({ text: fetch }));
        const columns = res.fields.map((f) => f.name);
        // The first batch is yielded even when empty: it tells the column names.
        if (res.rows.length > 0 || first)
          yield { rows: res.rows, columns, rowCount: res.rows.length, lastInsertId: null };
        if (res.rows.length < batchSize) break;
      }
    } catch (err) {
      failed = true;
      throw withCallerStack(err);
    } finally {
      if (!this.broken) {
        try {
          if (!failed) await this.native.query(`CLOSE ${name}`);
          if (ownTransaction) await this.native.query(failed ? "ROLLBACK" : "COMMIT");
        } catch {
          // The original error (if any) matters more; a failed transaction is rolled back by the caller.
        }
      }
    }
  }

  async run(sql: string): Promise<void> {
    if (this.prepared !== null && dropsPreparedStatements(sql)) this.prepared.forgetAll();
    await this.native.query(sql);
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    try {
      await this.native.end();
    } catch {
      // Ending a broken client may fail; it is gone either way.
    }
  }
}

function lastResult(r: PgResult | PgResult[]): PgResult {
  return Array.isArray(r) ? r[r.length - 1]! : r;
}

/** DISCARD ALL / DISCARD PLANS / DEALLOCATE [ALL] sent as text: the server forgets prepared statements. */
function dropsPreparedStatements(sql: string): boolean {
  // Cheap first test: only SQL starting with D (after blanks) can be one of them.
  let i = 0;
  while (i < sql.length && sql.charCodeAt(i) <= 32) i++;
  const c = sql.charCodeAt(i);
  if (c !== 68 && c !== 100) return false;
  return /^\s*(discard\s+(all|plans)|deallocate)\b/i.test(sql);
}

function toDriverResult(res: Pick<PgResult, "rows" | "fields" | "rowCount">): DriverResult {
  const fields = res.fields;
  let columns: string[] | null = null;
  if (fields && fields.length > 0) {
    columns = new Array<string>(fields.length);
    for (let i = 0; i < fields.length; i++) columns[i] = fields[i]!.name;
  }
  return { rows: columns ? res.rows : EMPTY, columns, rowCount: res.rowCount ?? -1, lastInsertId: null };
}

/** The per-connection prepared statement cache size: the engine option, the URL's, or the default. */
function statementCacheSize(args: ConnectArgs): number {
  const fromUrl = args.query.prepared_statement_cache_size;
  const size = args.preparedStatementCacheSize ?? (fromUrl !== undefined ? Number(fromUrl) : undefined);
  if (size === undefined) return DEFAULT_STATEMENT_CACHE_SIZE;
  if (!Number.isInteger(size) || size < 0) {
    throw new ArgumentError(
      `Bad prepared statement cache size '${String(size)}': give a whole number, 0 to disable named prepared statements (e.g. behind pgbouncer in transaction mode).`,
      "ATH-ARG",
    );
  }
  return size;
}

/** SSL settings from libpq-style URL parameters (sslmode, sslrootcert, sslcert, sslkey) or ssl=true. */
function sslOptions(q: Readonly<Record<string, string>>): unknown {
  const mode = q.sslmode;
  const files = () => {
    const o: Record<string, unknown> = {};
    if (q.sslrootcert) o.ca = readFileSync(q.sslrootcert, "utf8");
    if (q.sslcert) o.cert = readFileSync(q.sslcert, "utf8");
    if (q.sslkey) o.key = readFileSync(q.sslkey, "utf8");
    return o;
  };
  if (mode !== undefined) {
    switch (mode) {
      case "disable":
      case "allow":
      case "prefer":
        return false;
      case "require":
        return { rejectUnauthorized: false, ...files() };
      case "verify-ca":
      case "verify-full":
        return { rejectUnauthorized: true, ...files() };
      default:
        throw new ArgumentError(
          `Bad sslmode '${mode}' in the PostgreSQL URL. Use one of: disable, allow, prefer, require, verify-ca, verify-full.`,
          "ATH-URL",
        );
    }
  }
  if (q.ssl !== undefined) return queryFlag(q.ssl, false) ? { rejectUnauthorized: true, ...files() } : false;
  return undefined;
}

export async function connect(args: ConnectArgs): Promise<DriverConnection> {
  const mod = await loadDriverPackage("postgresql", "pg");
  const pg = mod.default ?? mod;
  const q = args.query;
  const types = {
    getTypeParser(oid: number, format?: string): unknown {
      if (RAW_TEXT_OIDS.has(oid)) return identity;
      return pg.types.getTypeParser(oid, format);
    },
  };
  const config: Record<string, unknown> = {
    host: q.host ?? args.host ?? undefined,
    port: args.port ?? undefined,
    user: args.username ?? undefined,
    password: args.password ?? undefined,
    database: args.database ?? undefined,
    types,
    options: "-c TimeZone=UTC" + (q.options ? " " + q.options : ""),
  };
  const ssl = sslOptions(q);
  if (ssl !== undefined) config.ssl = ssl;
  if (q.application_name) config.application_name = q.application_name;
  if (q.connect_timeout) config.connectionTimeoutMillis = Number(q.connect_timeout) * 1000;
  const size = statementCacheSize(args);
  const client: PgClient = new pg.Client({ ...config, ...args.driverOptions });
  const conn = new PgDriverConnection(client, size, pg);
  try {
    await client.connect();
  } catch (err) {
    await conn.close();
    throw err;
  }
  return conn;
}

function quoteLevel(level: IsolationLevel): string {
  if (
    level === "READ UNCOMMITTED" ||
    level === "READ COMMITTED" ||
    level === "REPEATABLE READ" ||
    level === "SERIALIZABLE"
  )
    return level;
  throw new ArgumentError(
    `Invalid isolation level '${level}' for postgresql. Valid levels: READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, SERIALIZABLE, AUTOCOMMIT.`,
    "ATH-ISOLATION",
  );
}

/** AUTOCOMMIT sends no BEGIN; other levels set the session's default for its transactions. */
export async function setIsolationLevel(conn: DriverConnection, level: IsolationLevel): Promise<void> {
  if (level === "AUTOCOMMIT") {
    conn.autocommit = true;
    return;
  }
  const sqlLevel = quoteLevel(level);
  await conn.run(`SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ${sqlLevel}`);
  conn.autocommit = false;
}

export async function getIsolationLevel(conn: DriverConnection): Promise<IsolationLevel> {
  if (conn.autocommit) return "AUTOCOMMIT";
  const r = await conn.execute("SHOW TRANSACTION ISOLATION LEVEL", []);
  return String(r.rows[0]![0]).toUpperCase() as IsolationLevel;
}

export async function hasTable(
  conn: DriverConnection,
  name: string,
  schema?: string | null,
): Promise<boolean> {
  const sql = schema
    ? "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
      "WHERE c.relname = $1 AND n.nspname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
    : "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " +
      "WHERE c.relname = $1 AND pg_catalog.pg_table_is_visible(c.oid) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')";
  const r = await conn.execute(sql, schema ? [name, schema] : [name]);
  return r.rows.length > 0;
}
