/**
 * Connection pools (SQLAlchemy: `pool/base.py`). A pool hands out `PooledConnection` records,
 * each holding one driver connection; the engine's `Connection` returns them with `checkin`.
 *
 * This class owns what every pool does around a checkout and a checkin: recycling stale
 * connections (`poolRecycle`, pool invalidation), pre-ping, the checkout listeners, the reset on
 * return. Opening, invalidating and closing driver connections, the events and the status
 * helpers are in connections.ts. Subclasses only decide which record to hand out (`acquire`)
 * and where a returned one goes (`release`).
 */
import { DisconnectionError, InvalidatePoolError, InvalidRequestError } from "../../util/errors.js";
import { PoolConnections } from "./connections.js";
import { describeReason } from "./logging.js";
import type { ConnectionCreator, PoolClass, PoolOptions, ResetFunction } from "./options.js";
import { describeDriver, PooledConnection, tick } from "./record.js";

export type {
  ConnectionCreator,
  PingFunction,
  PoolClass,
  PoolDispatcher,
  PoolOptions,
  PoolStatus,
  ResetFunction,
} from "./options.js";

export abstract class Pool extends PoolConnections {
  protected readonly reset: ResetFunction | null;
  /** Check-ins whose reset runs in the background (`checkin(record, true)`). */
  private readonly returning = new Set<Promise<void>>();

  constructor(creator: ConnectionCreator, options: PoolOptions = {}) {
    super(creator, options);
    this.reset = options.reset ?? null;
  }

  /** Picks the record to hand out, counted as checked out, opening or waiting as the pool's rules say. */
  protected abstract acquire(): Promise<PooledConnection>;
  /** Takes a returned record (possibly invalidated): keeps it, gives it to a waiter or discards it. */
  protected abstract release(record: PooledConnection): Promise<void>;
  /** Closes the idle connections; connections checked out are closed when they come back. */
  abstract dispose(): Promise<void>;

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  // ---- checkout / checkin ----

  /**
   * An idle connection the pool can hand out without waiting (QueuePool); undefined otherwise.
   * `takeIdle` then takes that same record.
   */
  protected peekIdle(): PooledConnection | undefined {
    return undefined;
  }
  protected takeIdle(): void {}

  /**
   * @internal An idle connection that needs nothing done before use (no reconnect, pre-ping,
   * listener or debug log), handed out at once; null when `checkout()` must be used. Saves the
   * promise hops of a checkout on the common path (Engine.connect).
   */
  _checkoutNow(): PooledConnection | null {
    const record = this.peekIdle();
    if (record === undefined || !this.ready(record) || this.log.debugEnabled) return null;
    this.takeIdle();
    record.fresh = false;
    return record;
  }

  /** Hands out a working connection: reconnected if stale, pinged if `poolPrePing`, after the checkout listeners. */
  async checkout(): Promise<PooledConnection> {
    const record = await this.acquire();
    if (this.ready(record)) {
      record.fresh = false;
    } else {
      try {
        await this.prepare(record);
      } catch (err) {
        await this.checkinFailed(record, err);
        throw err;
      }
    }
    if (this.log.debugEnabled)
      this.log.debug(`Connection ${describeDriver(record.driver)} checked out from pool`);
    return record;
  }

  /** True when `prepare` would have nothing to do: no reconnect, no pre-ping, no checkout listeners. */
  private ready(record: PooledConnection): boolean {
    return (
      !record.invalidated &&
      !this.prePing &&
      !record.driver.broken &&
      this.recycle < 0 &&
      this.invalidateStamp <= record.startStamp &&
      !this.dispatch.has("checkout")
    );
  }

  /**
   * Whether `checkin(record, true)` may reset in the background now: the pool hands each record
   * to one user at a time (QueuePool) and no `checkin` listener could fail the caller's close.
   * @internal
   */
  _resetsInBackground(): boolean {
    return this.exclusiveRecords && !this.dispatch.has("checkin");
  }

  /** True where a record is held by one user until it is released (QueuePool). */
  protected get exclusiveRecords(): boolean {
    return false;
  }

  /**
   * Takes a connection back: reset (rollback), `checkin` event, then back into the pool. With
   * `background` (see `_resetsInBackground`) it resolves at once; the record stays checked out
   * until its reset is done, and `dispose()` waits for it.
   */
  checkin(record: PooledConnection, background = false): Promise<void> {
    // The common case: nothing to reset, nobody listening.
    if (
      !record.invalidated &&
      !record.driver.broken &&
      !this.log.debugEnabled &&
      this.options.resetNeeded?.(record) === false &&
      !this.dispatch.has("reset") &&
      !this.dispatch.has("checkin")
    )
      return this.release(record);
    if (!background) return this.checkinFully(record);
    const done: Promise<void> = this.checkinFully(record)
      .catch((err: unknown) => this.log.info(`Error while returning a connection: ${describeReason(err)}`))
      .finally(() => this.returning.delete(done));
    this.returning.add(done);
    return Promise.resolve();
  }

  /** How many returned records are still being reset in the background. */
  protected get resettingCount(): number {
    return this.returning.size;
  }

  /** Waits for the resets running in the background (dispose() first does this). */
  protected async settleReturns(): Promise<void> {
    while (this.returning.size > 0) await Promise.all(this.returning);
  }

  private async checkinFully(record: PooledConnection): Promise<void> {
    let failure: { error: unknown } | null = null;
    if (!record.invalidated) {
      this.log.debug(`Connection ${describeDriver(record.driver)} being returned to pool`);
      if (record.driver.broken) {
        await this.invalidateQuietly(
          record,
          new DisconnectionError("The database connection was lost while checked out."),
        );
      } else if (this.shouldReset(record)) {
        await this.resetForReturn(record);
      }
    }
    try {
      if (this.dispatch.has("checkin"))
        await this.dispatch.fire("checkin", record.invalidated ? null : record.dbapiConnection, record);
    } catch (error) {
      failure = { error };
    }
    await this.release(record);
    if (failure) throw failure.error;
  }

  /** Whether a returned connection is reset (StaticPool: only when its last user returns it). */
  protected shouldReset(_record: PooledConnection): boolean {
    return true;
  }

  private async resetForReturn(record: PooledConnection): Promise<void> {
    try {
      if (this.dispatch.has("reset")) {
        await this.dispatch.fire("reset", record.dbapiConnection, record, {
          transactionWasReset: !record.transactionOpen,
          terminateOnly: false,
        });
      }
      if (this.log.debugEnabled)
        this.log.debug(
          record.transactionOpen
            ? `Connection ${describeDriver(record.driver)} rollback-on-return`
            : `Connection ${describeDriver(record.driver)} reset, transaction already reset`,
        );
      if (this.reset) await this.reset(record);
      if (record.driver.broken)
        throw new DisconnectionError("The database connection was lost while being reset.");
    } catch (err) {
      this.log.info(
        `Exception during reset of connection ${describeDriver(record.driver)}; invalidating it (${describeReason(err)})`,
      );
      await this.invalidateQuietly(record, err);
    }
  }

  /** A checkout that failed after `acquire`: the record is invalidated and its slot given back. */
  private async checkinFailed(record: PooledConnection, err: unknown): Promise<void> {
    await this.invalidateQuietly(record, err);
    try {
      if (this.dispatch.has("checkin")) await this.dispatch.fire("checkin", null, record);
    } finally {
      await this.release(record);
    }
  }

  /**
   * Makes the record's driver connection usable: reconnects if it is invalidated, dead, too old
   * or older than the pool's invalidation; then pre-ping and the checkout listeners, which may
   * ask for a reconnect by throwing DisconnectionError (SQLAlchemy: `_ConnectionFairy._checkout`).
   */
  private async prepare(record: PooledConnection): Promise<void> {
    const name = describeDriver(record.driver);
    if (record.invalidated) {
      await this.reconnect(record);
    } else if (!this.prePing && record.driver.broken) {
      // The driver already knows the socket is gone (server restart, killed session, idle timeout).
      this.log.info(
        `Connection ${name} was closed by the database while in the pool; invalidating all pooled connections opened before it`,
      );
      this._invalidate(record);
      await this._invalidateRecord(
        record,
        new DisconnectionError("The database closed this connection while it was idle in the pool."),
      );
      await this.reconnect(record);
    } else if (this.recycle >= 0 && Date.now() - record.startTime > this.recycle * 1000) {
      this.log.info(`Connection ${name} exceeded timeout; recycling`);
      await this.reconnect(record);
    } else if (this.invalidateStamp > record.startStamp) {
      this.log.info(`Connection ${name} invalidated due to pool invalidation; recycling`);
      await this.reconnect(record);
    }
    if (!this.prePing && !this.dispatch.has("checkout")) {
      record.fresh = false;
      return;
    }
    for (let attempts = 2; attempts > 0; attempts--) {
      const fresh = record.fresh;
      record.fresh = false;
      try {
        if (this.prePing) {
          const current = describeDriver(record.driver);
          if (fresh) {
            this.log.debug(`Connection ${current} is fresh, skipping pre-ping`);
          } else {
            this.log.debug(`Pool pre-ping on connection ${current}`);
            if (!(await this.ping(record))) {
              this.log.debug(`Pool pre-ping on connection ${current} failed, will invalidate pool`);
              throw new InvalidatePoolError(`Pre-ping found connection ${current} disconnected.`);
            }
          }
        }
        if (this.dispatch.has("checkout"))
          await this.dispatch.fire("checkout", record.dbapiConnection, record, record);
        return;
      } catch (err) {
        if (!(err instanceof DisconnectionError)) throw err;
        if (err.invalidatePool) {
          this.log.info(
            "Disconnection detected on checkout, invalidating all pooled connections prior to current timestamp " +
              `(reason: ${describeReason(err)})`,
          );
          this._invalidate(record);
        } else {
          this.log.info(
            `Disconnection detected on checkout, invalidating individual connection ${describeDriver(record.driver)} ` +
              `(reason: ${describeReason(err)})`,
          );
        }
        await this._invalidateRecord(record, err);
        await this.reconnect(record);
      }
    }
    this.log.info("Reconnection attempts exhausted on checkout");
    await this._invalidateRecord(record, null);
    throw new InvalidRequestError(
      "A pooled connection was still reported disconnected after 2 reconnection attempts at checkout " +
        "(by pre-ping or by a checkout listener throwing DisconnectionError). Check the database server and the checkout listeners.",
      "ATH-POOL-RECONNECT",
    );
  }

  private async ping(record: PooledConnection): Promise<boolean> {
    if (this.options.ping) return this.options.ping(record);
    const driver = record.driver;
    if (!this.dialect) return !driver.broken;
    try {
      await this.dialect.doPing(driver);
      return true;
    } catch (err) {
      if (driver.broken || this.dialect.isDisconnect(err)) return false;
      throw err;
    }
  }

  /** Opens a driver connection in a new record and runs the connect listeners. */
  protected async newRecord(): Promise<PooledConnection> {
    const stamp = tick();
    const startTime = Date.now();
    const record = new PooledConnection(this, await this.creator(), stamp, startTime);
    await this.afterConnect(record);
    return record;
  }

  /** A new, empty pool of the same class, options and listeners (SQLAlchemy: `Pool.recreate`). */
  recreate(): Pool {
    this.log.info("Pool recreating");
    const Cls = this.constructor as PoolClass;
    return new Cls(this.creator, { ...this.options, dispatch: this.dispatch });
  }
}

export { PooledConnection };
