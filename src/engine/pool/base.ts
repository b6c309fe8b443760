/**
 * Connection pools (SQLAlchemy: `pool/base.py`). A pool hands out `PooledConnection`
 * records wrapping one driver connection each; the engine's `Connection` returns them
 * with `checkin` when closed.
 *
 * Hook points for a later events/pre-ping/recycle layer are the protected methods
 * `createConnection` (connect event), `onCheckout`, `resetOnReturn` (reset event),
 * `closeConnection`, and `invalidate` (invalidate event): each is called in exactly one place.
 */
import type { DriverConnection } from "../../dialects/base/driver.js";

/** Opens a new driver connection (the engine's dialect.connect plus per-connection setup). */
export type ConnectionCreator = () => Promise<DriverConnection>;

/** Returns a connection to a clean state before it goes back into the pool (rollback, isolation). */
export type ResetFunction = (record: PooledConnection) => Promise<void>;

export interface PoolOptions {
  /** Connections kept open in the pool (QueuePool; default 5). */
  poolSize?: number;
  /** Extra connections allowed beyond poolSize when busy; -1 means no limit (default 10). */
  maxOverflow?: number;
  /** Seconds to wait for a connection before TimeoutError (default 30). */
  poolTimeout?: number;
  /** Called at checkin; the engine rolls back an open transaction here. */
  reset?: ResetFunction;
}

export interface PoolStatus {
  /** The configured pool size. */
  size: number;
  /** Idle connections waiting in the pool. */
  checkedIn: number;
  /** Connections currently handed out. */
  checkedOut: number;
  /** Open connections minus poolSize, as SQLAlchemy reports it (negative while under size). */
  overflow: number;
}

let recordCounter = 0;

/** One pooled driver connection (SQLAlchemy: `_ConnectionRecord` + `_ConnectionFairy`). */
export class PooledConnection {
  /** Free-form per-connection state kept across checkouts (SQLAlchemy: `info`). */
  readonly info: Record<string, unknown> = {};
  readonly id = ++recordCounter;
  readonly createdAt = Date.now();
  invalidated = false;
  constructor(
    readonly pool: Pool,
    readonly driver: DriverConnection,
  ) {}
}

export type PoolClass = new (creator: ConnectionCreator, options?: PoolOptions) => Pool;

export abstract class Pool {
  protected readonly reset: ResetFunction | null;
  protected disposed = false;
  constructor(
    protected readonly creator: ConnectionCreator,
    protected readonly options: PoolOptions = {},
  ) {
    this.reset = options.reset ?? null;
  }

  /** Hands out a connection, opening one or waiting as the pool's rules say. */
  abstract checkout(): Promise<PooledConnection>;
  /** Takes a connection back (the engine calls this from Connection.close). */
  abstract checkin(record: PooledConnection): Promise<void>;
  abstract status(): PoolStatus;
  /** Closes the idle connections; connections checked out are closed when they come back. */
  abstract dispose(): Promise<void>;

  /** A new, empty pool of the same class and options (SQLAlchemy: `Pool.recreate`). */
  recreate(): Pool {
    const Cls = this.constructor as PoolClass;
    return new Cls(this.creator, this.options);
  }

  /** Readable status line, as SQLAlchemy's `QueuePool.status()`. */
  describe(): string {
    const s = this.status();
    return `Pool size: ${s.size}  Connections in pool: ${s.checkedIn} Current Overflow: ${s.overflow} Current Checked out connections: ${s.checkedOut}`;
  }

  // ---- hook points ----

  protected async createConnection(): Promise<PooledConnection> {
    return new PooledConnection(this, await this.creator());
  }
  /** Called for every connection handed out (pre-ping would go here). */
  protected onCheckout(_record: PooledConnection): void {}
  /**
   * Cleans a returned connection. Returns false when it could not be reset, in which case
   * the connection is invalidated instead of reused.
   */
  protected async resetOnReturn(record: PooledConnection): Promise<boolean> {
    if (record.invalidated || record.driver.broken) return false;
    if (!this.reset) return true;
    try {
      await this.reset(record);
      return !record.driver.broken;
    } catch {
      return false;
    }
  }
  protected async closeConnection(record: PooledConnection): Promise<void> {
    try {
      await record.driver.close();
    } catch {
      // Closing is best effort: the connection is being discarded.
    }
  }
  /** Marks a connection unusable and closes it; the pool then forgets it. */
  protected async invalidate(record: PooledConnection): Promise<void> {
    record.invalidated = true;
    await this.closeConnection(record);
  }
}
