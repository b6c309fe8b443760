/**
 * The Engine: a dialect, a connection pool and logging for one database URL
 * (SQLAlchemy: `create_engine`, `engine/base.py` Engine).
 *
 * @example
 * const engine = createEngine("postgresql://scott:tiger@localhost/test", { echo: true });
 * await engine.begin(async (conn) => {
 *   await conn.execute(insert(users).values({ name: "ann" }));
 * }); // committed, or rolled back if the callback throws
 * await engine.dispose();
 */
import type { Dialect, IsolationLevel } from "../dialects/base/dialect.js";
import type { ConnectArgs, DriverConnection } from "../dialects/base/driver.js";
import type { Compilable } from "../sql/visitor.js";
import type { ClauseElement } from "../sql/base.js";
import type { CompiledStatement } from "../sql/compiled.js";
import { StatementCache } from "../sql/cache.js";
import { AthanorError, DBAPIError } from "../util/errors.js";
import { Connection } from "./connection.js";
import { normalizeIsolationLevel } from "./transaction.js";
import { buildPlan, type ExecutionPlan } from "./execution.js";
import { consoleLogger, EngineLog, type EchoSetting, type Logger } from "./logging.js";
import type { Pool, PoolClass, PooledConnection } from "./pool/base.js";
import { QueuePool } from "./pool/queue-pool.js";
import { StaticPool } from "./pool/static-pool.js";
import { dialectForUrl } from "./registry.js";
import { makeUrl, type URL } from "./url.js";

export interface EngineOptions {
  /** Log every statement with its parameters (and transaction events); "debug" logs rows too. */
  echo?: EchoSetting;
  /** Where logs go (default: the console, prefixed `athanor.engine`). */
  logger?: Logger;
  /** QueuePool size (default 5). */
  poolSize?: number;
  /** Connections allowed beyond poolSize under load (default 10; -1: no limit). */
  maxOverflow?: number;
  /** Seconds to wait for a free connection (default 30). */
  poolTimeout?: number;
  /** Pool implementation: QueuePool, StaticPool, NullPool (default: StaticPool for SQLite :memory:, else QueuePool). */
  poolClass?: PoolClass;
  /** Isolation level of every connection, "AUTOCOMMIT" included (default: the database's own). */
  isolationLevel?: IsolationLevel;
  /** Extra options for the driver's connect call (pg.Client config, mysql2 options, better-sqlite3 options). */
  connectArgs?: Record<string, unknown>;
  /** Compiled statements kept per engine (SQLAlchemy: `query_cache_size`, default 500). */
  compiledCacheSize?: number;
}

export class Engine {
  readonly url: URL;
  readonly dialect: Dialect;
  /** @internal */ readonly _log: EngineLog;
  private _pool: Pool;
  private readonly isolationLevel: IsolationLevel | null;
  /** The level new connections start with, read from the first connection. */
  private defaultIsolationLevel: IsolationLevel | null = null;
  /** Compiled statements by structural cache key (SQLAlchemy: `_compiled_cache`); `stats()` gives hits and misses. */
  readonly compiledCache: StatementCache;
  /** Bind/result processors per cached compiled statement. */
  private readonly plans = new WeakMap<CompiledStatement, ExecutionPlan>();

  constructor(url: URL, dialect: Dialect, options: EngineOptions = {}) {
    this.url = url;
    this.dialect = dialect;
    this._log = new EngineLog(options.echo ?? false, options.logger ?? consoleLogger);
    this.isolationLevel = options.isolationLevel ? normalizeIsolationLevel(options.isolationLevel) : null;
    this.compiledCache = new StatementCache(options.compiledCacheSize ?? 500);
    const args: ConnectArgs = {
      host: url.host,
      port: url.port,
      username: url.username,
      password: url.password,
      database: url.database,
      query: url.query,
      driverOptions: options.connectArgs ?? {},
    };
    const PoolCls = options.poolClass ?? (isSqliteMemory(url) ? StaticPool : QueuePool);
    this._pool = new PoolCls(() => this.openConnection(args), {
      poolSize: options.poolSize,
      maxOverflow: options.maxOverflow,
      poolTimeout: options.poolTimeout,
      reset: (record) => this.resetConnection(record),
    });
  }

  /** The connection pool (replaced by dispose()). */
  get pool(): Pool {
    return this._pool;
  }

  /** Checks a connection out of the pool. Close it (or use `await using`) to give it back. */
  async connect(): Promise<Connection> {
    return new Connection(this, await this._checkout());
  }

  /**
   * Runs `fn` in a transaction on a fresh connection: commits when it returns, rolls back when
   * it throws, and always returns the connection to the pool (SQLAlchemy: `with engine.begin()`).
   */
  async begin<T>(fn: (conn: Connection) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    try {
      const tx = await conn.begin();
      let result: T;
      try {
        result = await fn(conn);
      } catch (err) {
        if (tx.isActive) await tx.rollback().catch(() => undefined);
        throw err;
      }
      if (tx.isActive) await tx.commit();
      return result;
    } finally {
      await conn.close();
    }
  }

  /**
   * Closes the pool's idle connections and starts a new, empty pool; the engine stays usable.
   * Connections still checked out are closed when they are returned.
   */
  async dispose(): Promise<void> {
    const old = this._pool;
    this._pool = old.recreate();
    await old.dispose();
  }

  toString(): string {
    return `Engine(${this.url.toString()})`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** @internal */
  async _checkout(): Promise<PooledConnection> {
    return this._pool.checkout();
  }

  /**
   * The compiled form of a statement for these execution parameter keys, from the structural
   * statement cache (`compiledCache`): a statement of a shape compiled before is not compiled
   * again, it takes the cached SQL with its own values. This is the one place statements are
   * compiled for execution.
   * `paramKeys` matter only for statements whose SQL depends on them (see `paramKeysFor`).
   * @internal
   */
  compileCached(
    stmt: Compilable,
    paramKeys: readonly string[] | null,
  ): { plan: ExecutionPlan; cached: boolean } {
    const { compiled, template, hit } = this.compiledCache.lookup(this.dialect, stmt as ClauseElement, paramKeys ? { paramKeys } : {});
    let base = this.plans.get(template);
    if (!base) {
      base = buildPlan(this.dialect, template);
      this.plans.set(template, base);
    }
    return { plan: compiled === template ? base : { ...base, compiled }, cached: hit };
  }

  /** Opens and sets up one driver connection for the pool. */
  private async openConnection(args: ConnectArgs): Promise<DriverConnection> {
    let conn: DriverConnection;
    try {
      conn = await this.dialect.connect(args);
    } catch (err) {
      throw this.connectError(err);
    }
    try {
      this.defaultIsolationLevel ??= await this.dialect.getIsolationLevel(conn);
      if (this.isolationLevel) await this.dialect.setIsolationLevel(conn, this.isolationLevel);
    } catch (err) {
      await conn.close().catch(() => undefined);
      throw this.connectError(err);
    }
    return conn;
  }

  /** Driver errors at connect become DBAPIErrors naming the (masked) URL. */
  private connectError(err: unknown): Error {
    if (err instanceof AthanorError) return err;
    const e = this.dialect.translateError(err, null, null);
    if (e instanceof DBAPIError) e.message += `\n[connecting to ${this.url.toString()}]`;
    return e;
  }

  /** Pool reset-on-return: roll back an open transaction, restore the engine's isolation level. */
  private async resetConnection(record: PooledConnection): Promise<void> {
    const info = record.info;
    if (info.transactionOpen) {
      await this.dialect.doRollback(record.driver);
      info.transactionOpen = false;
    }
    if (info.isolationChanged) {
      const level = this.isolationLevel ?? this.defaultIsolationLevel ?? this.dialect.defaultIsolationLevel;
      await this.dialect.setIsolationLevel(record.driver, level);
      info.isolationChanged = false;
    }
  }
}

function isSqliteMemory(url: URL): boolean {
  return (
    url.backend === "sqlite" &&
    (url.database === null || url.database === ":memory:" || url.query.mode === "memory")
  );
}

/**
 * Creates an Engine for a database URL (SQLAlchemy: `create_engine`). No connection is made
 * until one is needed.
 * @example const engine = createEngine("sqlite:///app.db", { echo: true });
 */
export function createEngine(url: string | URL, options: EngineOptions = {}): Engine {
  const u = makeUrl(url);
  return new Engine(u, dialectForUrl(u), options);
}
