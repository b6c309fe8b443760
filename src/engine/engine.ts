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
import { Dispatcher, unknownEventError, type ListenOptions } from "./events/dispatcher.js";
import { ENGINE_EVENT_NAMES, type EngineEventMap } from "./events/engine-events.js";
import { handleDbapiError } from "./events/handle-error.js";
import { POOL_EVENT_NAMES, type PoolEventMap } from "./events/pool-events.js";
import { normalizeIsolationLevel } from "./transaction.js";
import { buildPlan, type ExecutionPlan } from "./execution.js";
import { keepStatementShapes } from "./shapes.js";
import { consoleLogger, EngineLog, type EchoSetting, type Logger } from "./logging.js";
import type { Pool, PoolClass } from "./pool/base.js";
import type { PooledConnection } from "./pool/record.js";
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
  /**
   * Seconds after which a connection is closed and reopened at its next checkout, e.g. below
   * MySQL's `wait_timeout` (SQLAlchemy: `pool_recycle`; default -1: never).
   */
  poolRecycle?: number;
  /** Test each connection with a cheap query at checkout and silently replace it if it is dead (SQLAlchemy: `pool_pre_ping`). */
  poolPrePing?: boolean;
  /** Reuse the most recently returned connection first, letting the others idle out (SQLAlchemy: `pool_use_lifo`). */
  poolUseLifo?: boolean;
  /** Log pool activity through `logger` (SQLAlchemy: `echo_pool`): true for changes, "debug" for every checkout. */
  echoPool?: EchoSetting;
  /** Pool implementation: QueuePool, StaticPool, NullPool (default: StaticPool for SQLite :memory:, else QueuePool). */
  poolClass?: PoolClass;
  /** Isolation level of every connection, "AUTOCOMMIT" included (default: the database's own). */
  isolationLevel?: IsolationLevel;
  /** Extra options for the driver's connect call (pg.Client config, mysql2 options, better-sqlite3 options). */
  connectArgs?: Record<string, unknown>;
  /** Compiled statements kept per engine (SQLAlchemy: `query_cache_size`, default 500). */
  compiledCacheSize?: number;
  /**
   * Rows per multi-row INSERT when an executemany of `insert(t)` is batched (SQLAlchemy:
   * `insertmanyvalues_page_size`, default 1000); 1 sends one INSERT per parameter set.
   */
  insertmanyvaluesPageSize?: number;
  /**
   * PostgreSQL: statements kept prepared per connection (named prepared statements for SQL
   * from the compiled cache; SQLAlchemy's asyncpg `prepared_statement_cache_size`, default 100).
   * 0 disables them, e.g. behind pgbouncer in transaction mode. Also the URL's
   * `prepared_statement_cache_size`. SQLite: prepared statements kept per connection (default 256).
   */
  preparedStatementCacheSize?: number;
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
  /** Rows per batched executemany INSERT (`insertmanyvaluesPageSize`). */
  readonly insertmanyvaluesPageSize: number;
  /** The engine's event listeners (pool events live on `pool.dispatch`). */
  readonly dispatch = new Dispatcher<EngineEventMap>("Engine", ENGINE_EVENT_NAMES);

  constructor(url: URL, dialect: Dialect, options: EngineOptions = {}) {
    this.url = url;
    this.dialect = dialect;
    this._log = new EngineLog(options.echo ?? false, options.logger ?? consoleLogger);
    this.isolationLevel = options.isolationLevel ? normalizeIsolationLevel(options.isolationLevel) : null;
    this.compiledCache = new StatementCache(options.compiledCacheSize ?? 500);
    keepStatementShapes(dialect);
    this.insertmanyvaluesPageSize = Math.max(1, Math.floor(options.insertmanyvaluesPageSize ?? 1000));
    const args: ConnectArgs = {
      host: url.host,
      port: url.port,
      username: url.username,
      password: url.password,
      database: url.database,
      query: url.query,
      driverOptions: options.connectArgs ?? {},
      ...(options.preparedStatementCacheSize !== undefined
        ? { preparedStatementCacheSize: options.preparedStatementCacheSize }
        : {}),
    };
    const PoolCls = options.poolClass ?? (isSqliteMemory(url) ? StaticPool : QueuePool);
    this._pool = new PoolCls(() => this.openConnection(args), {
      poolSize: options.poolSize,
      maxOverflow: options.maxOverflow,
      poolTimeout: options.poolTimeout,
      poolRecycle: options.poolRecycle,
      poolPrePing: options.poolPrePing,
      poolUseLifo: options.poolUseLifo,
      reset: (record) => this.resetConnection(record),
      resetNeeded: (record) =>
        record.transactionOpen || record.isolationChanged || record.driver.serverTransactionOpen === true,
      ping: (record) => this.ping(record),
      dialect,
      echoPool: options.echoPool ?? false,
      logger: options.logger ?? consoleLogger,
    });
  }

  /** The connection pool (replaced by dispose()). */
  get pool(): Pool {
    return this._pool;
  }

  /** Checks a connection out of the pool. Close it (or use `await using`) to give it back. */
  connect(): Promise<Connection> {
    if (!this.dispatch.has("engineConnect")) {
      const record = this._pool._checkoutNow();
      if (record !== null) return Promise.resolve(new Connection(this, record));
    }
    return this.connectFully();
  }

  private async connectFully(): Promise<Connection> {
    const conn = new Connection(this, await this._pool.checkout());
    if (this.dispatch.has("engineConnect")) {
      try {
        await this.dispatch.fire("engineConnect", conn);
      } catch (err) {
        await conn.close().catch(() => undefined);
        throw err;
      }
    }
    return conn;
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
    try {
      await old.dispose();
    } finally {
      if (this.dispatch.has("engineDisposed")) await this.dispatch.fire("engineDisposed", this);
    }
  }

  // ---- events ----

  /**
   * Adds an event listener: engine events (`beforeExecute`, `handleError`, …) or pool events
   * (`connect`, `checkout`, …) for this engine's pool (SQLAlchemy: `event.listen(engine, name, fn)`).
   * Returns the engine.
   * @example engine.on("connect", async (dbapiConnection) => { await dbapiConnection.execute("SET NAMES utf8mb4"); });
   */
  on<K extends keyof EngineEventMap>(name: K, fn: EngineEventMap[K], options?: ListenOptions): this;
  on<K extends keyof PoolEventMap>(name: K, fn: PoolEventMap[K], options?: ListenOptions): this;
  on(name: string, fn: (...args: any[]) => unknown, options?: ListenOptions): this {
    this._dispatcherFor(name).listen(name, fn, options);
    return this;
  }
  /** Removes a listener added with `on` / `event.listen` (SQLAlchemy: `event.remove`). Returns the engine. */
  removeListener<K extends keyof EngineEventMap>(name: K, fn: EngineEventMap[K]): this;
  removeListener<K extends keyof PoolEventMap>(name: K, fn: PoolEventMap[K]): this;
  removeListener(name: string, fn: (...args: any[]) => unknown): this {
    this._dispatcherFor(name).remove(name, fn);
    return this;
  }
  /** @internal The dispatcher holding `name`'s listeners: the engine's, or its pool's for pool events. */
  _dispatcherFor(name: string): Dispatcher<any> {
    if (this.dispatch.accepts(name)) return this.dispatch;
    if (this._pool.dispatch.accepts(name)) return this._pool.dispatch;
    throw unknownEventError(name, "Engine", [...ENGINE_EVENT_NAMES, ...POOL_EVENT_NAMES]);
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
    implicitReturning = false,
  ): { plan: ExecutionPlan; cached: boolean } {
    const options = paramKeys
      ? { paramKeys, implicitReturning }
      : implicitReturning
        ? { implicitReturning }
        : {};
    const { compiled, template, hit } = this.compiledCache.lookup(
      this.dialect,
      stmt as ClauseElement,
      options,
    );
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
      throw await this.connectError(err);
    }
    try {
      this.defaultIsolationLevel ??= await this.dialect.getIsolationLevel(conn);
      if (this.isolationLevel) await this.dialect.setIsolationLevel(conn, this.isolationLevel);
    } catch (err) {
      await conn.close().catch(() => undefined);
      throw await this.connectError(err);
    }
    return conn;
  }

  /** Driver errors at connect become DBAPIErrors naming the (masked) URL; `handleError` sees them. */
  private async connectError(err: unknown): Promise<Error> {
    if (err instanceof AthanorError) return err;
    const wrapped = this.dialect.translateError(err, null, null);
    if (wrapped instanceof DBAPIError) wrapped.message += `\n[connecting to ${this.url.toString()}]`;
    if (!this.dispatch.has("handleError")) return wrapped;
    const out = await handleDbapiError(this, {
      err,
      connection: null,
      record: null,
      statement: null,
      parameters: null,
      context: null,
      wrapped,
    });
    return out.error;
  }

  /** Pool pre-ping: false on a disconnect (the pool reconnects), `handleError` listeners consulted. */
  private async ping(record: PooledConnection): Promise<boolean> {
    try {
      await this.dialect.doPing(record.driver);
      return true;
    } catch (err) {
      const out = await handleDbapiError(this, {
        err,
        connection: null,
        record,
        statement: null,
        parameters: null,
        context: null,
        isPrePing: true,
      });
      if (out.isDisconnect) return false;
      throw out.error;
    }
  }

  /** Pool reset-on-return: roll back an open transaction, restore the engine's isolation level. */
  private async resetConnection(record: PooledConnection): Promise<void> {
    if (record.transactionOpen || record.driver.serverTransactionOpen === true) {
      await this.dialect.doRollback(record.driver);
      record.transactionOpen = false;
    }
    if (record.isolationChanged) {
      const level = this.isolationLevel ?? this.defaultIsolationLevel ?? this.dialect.defaultIsolationLevel;
      await this.dialect.setIsolationLevel(record.driver, level);
      record.isolationChanged = false;
      if (record.sessionIsolation !== null) record.sessionIsolation = undefined;
    }
  }

  /**
   * The isolation level of a pooled connection's session as far as the engine knows it (null:
   * unknown), for the deferred BEGIN (connection.ts).
   * @internal
   */
  /** Whether the engine asks for an isolation level (else the database's default holds). @internal */
  get _isolationRequested(): boolean {
    return this.isolationLevel !== null;
  }

  _sessionIsolation(record: PooledConnection): IsolationLevel | null {
    const s = record.sessionIsolation;
    if (s !== undefined) return s;
    return this.isolationLevel ?? this.defaultIsolationLevel;
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
