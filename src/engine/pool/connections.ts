/**
 * The driver connections of a pool (SQLAlchemy: the `_ConnectionRecord` side of `pool/base.py`):
 * opening them with the `firstConnect` / `connect` events, reconnecting, invalidating (one record,
 * or every record opened before a disconnect), closing; the pool events and the status helpers.
 * `Pool` (base.ts) builds checkout and checkin on top of this.
 */
import type { Dialect } from "../../dialects/base/dialect.js";
import { Dispatcher, type ListenOptions } from "../events/dispatcher.js";
import { POOL_EVENT_NAMES, type PoolEventMap } from "../events/pool-events.js";
import { describeReason, PoolLog } from "./logging.js";
import type { ConnectionCreator, PoolDispatcher, PoolOptions, PoolStatus } from "./options.js";
import { describeDriver, PooledConnection, tick } from "./record.js";

export abstract class PoolConnections {
  /** The pool's listeners; kept by `recreate()`, so they survive `engine.dispose()`. */
  readonly dispatch: PoolDispatcher;
  readonly dialect: Dialect | null;
  /** Seconds after which connections are recycled; -1: never. */
  readonly recycle: number;
  readonly prePing: boolean;
  /**
   * When the pool was last invalidated (ms since the epoch; 0: never). Connections opened
   * before it are closed and reopened at their next checkout.
   */
  invalidateTime = 0;
  protected invalidateStamp = 0;
  protected disposed = false;
  protected readonly log: PoolLog;
  private firstConnectDone = false;
  private firstConnectRunning: Promise<void> | null = null;

  constructor(
    protected readonly creator: ConnectionCreator,
    protected readonly options: PoolOptions = {},
  ) {
    this.dialect = options.dialect ?? null;
    this.recycle = options.poolRecycle ?? -1;
    this.prePing = options.poolPrePing ?? false;
    this.log = new PoolLog(options.echoPool ?? false, options.logger ?? null);
    this.dispatch = options.dispatch ?? new Dispatcher<PoolEventMap>("Pool", POOL_EVENT_NAMES);
  }

  abstract status(): PoolStatus;

  // ---- opening and closing driver connections ----

  /** Replaces the record's driver connection with a new one (one reconnect at a time per record). */
  protected reconnect(record: PooledConnection): Promise<void> {
    let pending = reconnecting.get(record);
    if (!pending) {
      pending = this.doReconnect(record).finally(() => reconnecting.delete(record));
      reconnecting.set(record, pending);
    }
    return pending;
  }
  private async doReconnect(record: PooledConnection): Promise<void> {
    if (!record.invalidated) await this.closeDriver(record);
    const stamp = tick();
    const startTime = Date.now();
    record._attach(await this.creator(), stamp, startTime);
    await this.afterConnect(record);
  }

  protected async afterConnect(record: PooledConnection): Promise<void> {
    this.log.debug(`Created new connection ${describeDriver(record.driver)}`);
    try {
      if (!this.firstConnectDone) await this.runFirstConnect(record);
      if (this.dispatch.has("connect")) await this.dispatch.fire("connect", record.dbapiConnection, record);
    } catch (err) {
      await this.invalidateQuietly(record, err);
      throw err;
    }
  }

  /** `firstConnect` runs once per pool, before any other connection's `connect`; again if it failed. */
  private async runFirstConnect(record: PooledConnection): Promise<void> {
    while (this.firstConnectRunning) await this.firstConnectRunning.catch(() => undefined);
    if (this.firstConnectDone) return;
    if (!this.dispatch.has("firstConnect")) {
      this.firstConnectDone = true;
      return;
    }
    const run = this.dispatch.fire("firstConnect", record.dbapiConnection, record);
    this.firstConnectRunning = run;
    try {
      await run;
      this.firstConnectDone = true;
    } finally {
      this.firstConnectRunning = null;
    }
  }

  /**
   * Invalidates a record: `invalidate` event, then the driver connection is closed. The record
   * stays in its pool and reconnects at its next checkout. @internal (use `record.invalidate()`)
   */
  async _invalidateRecord(record: PooledConnection, exception: unknown): Promise<void> {
    if (record.invalidated) return;
    record.invalidated = true;
    const reason =
      exception !== null && exception !== undefined ? ` (reason: ${describeReason(exception)})` : "";
    this.log.info(`Invalidate connection ${describeDriver(record.driver)}${reason}`);
    try {
      if (this.dispatch.has("invalidate"))
        await this.dispatch.fire("invalidate", record.dbapiConnection, record, exception);
    } finally {
      await this.closeDriver(record);
    }
  }

  /** Invalidates a record where a listener's error must not hide the error being handled. */
  protected async invalidateQuietly(record: PooledConnection, exception: unknown): Promise<void> {
    try {
      await this._invalidateRecord(record, exception);
    } catch (err) {
      this.log.info(`Error in a listener while invalidating a connection: ${describeReason(err)}`);
    }
  }

  /**
   * Marks every connection opened before now as stale: each is closed and reopened at its next
   * checkout (SQLAlchemy: `Pool._invalidate`). Given the record whose disconnect was detected,
   * nothing happens when that record predates the last invalidation: one outage invalidates once.
   * @internal
   */
  _invalidate(record: PooledConnection | null): void {
    if (record === null || this.invalidateStamp < record.startStamp) {
      this.invalidateStamp = tick();
      this.invalidateTime = Date.now();
    }
  }

  /** Closes a record's driver connection for good (discarded from the pool). */
  protected async discard(record: PooledConnection): Promise<void> {
    if (!record.invalidated) await this.closeDriver(record);
  }

  /** `close` event, then the driver's close (best effort: the connection is being dropped). */
  private async closeDriver(record: PooledConnection): Promise<void> {
    record.invalidated = true;
    const driver = record.driver;
    this.log.debug(`Closing connection ${describeDriver(driver)}`);
    try {
      if (this.dispatch.has("close")) await this.dispatch.fire("close", record.dbapiConnection, record);
    } finally {
      try {
        await driver.close();
      } catch {
        // Already gone (server restart, killed session): nothing left to close.
      }
    }
  }

  // ---- events ----

  /**
   * Adds a pool event listener (SQLAlchemy: `event.listen(pool, name, fn)`); returns the pool.
   * @example engine.pool.on("checkout", (dbapi, record) => { record.info.checkouts = Number(record.info.checkouts ?? 0) + 1; })
   */
  on<K extends keyof PoolEventMap>(name: K, fn: PoolEventMap[K], options?: ListenOptions): this {
    this.dispatch.listen(name, fn, options);
    return this;
  }
  /** Removes a listener added with `on` / `event.listen`; returns the pool. */
  removeListener<K extends keyof PoolEventMap>(name: K, fn: PoolEventMap[K]): this {
    this.dispatch.remove(name, fn);
    return this;
  }
  /** @internal The dispatcher holding `name`'s listeners (for `event.listen`). */
  _dispatcherFor(name: string): Dispatcher<any> {
    this.dispatch.check(name);
    return this.dispatch;
  }

  // ---- status ----

  /** Readable status line, as SQLAlchemy's `QueuePool.status()`. */
  describe(): string {
    const s = this.status();
    return `Pool size: ${s.size}  Connections in pool: ${s.checkedIn} Current Overflow: ${s.overflow} Current Checked out connections: ${s.checkedOut}`;
  }
  /** The configured size (SQLAlchemy: `pool.size()`). */
  size(): number {
    return this.status().size;
  }
  /** Connections idle in the pool (SQLAlchemy: `pool.checkedin()`). */
  checkedIn(): number {
    return this.status().checkedIn;
  }
  /** Connections handed out (SQLAlchemy: `pool.checkedout()`). */
  checkedOut(): number {
    return this.status().checkedOut;
  }
  /** Open connections beyond the size (SQLAlchemy: `pool.overflow()`). */
  overflow(): number {
    return this.status().overflow;
  }
  /** Seconds a checkout waits for a free connection (SQLAlchemy: `pool.timeout()`). */
  timeout(): number {
    return this.options.poolTimeout ?? 30;
  }
}

const reconnecting = new WeakMap<PooledConnection, Promise<void>>();
