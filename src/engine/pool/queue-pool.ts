/**
 * QueuePool (SQLAlchemy: `pool/impl.py` QueuePool): up to `poolSize` connections kept open,
 * `maxOverflow` more opened under load and closed when returned, callers beyond that wait in
 * FIFO order up to `poolTimeout` seconds. Idle connections are reused oldest-returned first, or
 * most-recently-returned first with `poolUseLifo`.
 * @example createEngine(url, { poolSize: 10, maxOverflow: 5, poolTimeout: 10 }).pool.status()
 */
import { TimeoutError } from "../../util/errors.js";
import { Pool, type ConnectionCreator, type PoolOptions, type PoolStatus } from "./base.js";
import type { PooledConnection } from "./record.js";

interface Waiter {
  resolve(record: PooledConnection): void;
  reject(err: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class QueuePool extends Pool {
  readonly poolSize: number;
  readonly maxOverflow: number;
  /** Seconds a checkout waits for a free connection. */
  readonly poolTimeout: number;
  readonly useLifo: boolean;
  /** Records waiting in the pool (some may be invalidated: they reconnect when handed out). */
  private idle: PooledConnection[] = [];
  private waiters: Waiter[] = [];
  /** Records of this pool: idle, handed out, or being opened. */
  private total = 0;

  constructor(creator: ConnectionCreator, options: PoolOptions = {}) {
    super(creator, options);
    this.poolSize = options.poolSize ?? 5;
    this.maxOverflow = options.maxOverflow ?? 10;
    this.poolTimeout = options.poolTimeout ?? 30;
    this.useLifo = options.poolUseLifo ?? false;
  }

  private get capacity(): number {
    return this.maxOverflow < 0 ? Infinity : this.poolSize + this.maxOverflow;
  }

  protected override peekIdle(): PooledConnection | undefined {
    const idle = this.idle;
    return this.useLifo ? idle[idle.length - 1] : idle[0];
  }
  protected override takeIdle(): void {
    this.takeNext();
  }

  /** The next idle record, oldest-returned first (or newest with `poolUseLifo`). */
  private takeNext(): PooledConnection | undefined {
    const idle = this.idle;
    // pop() when there is one: the same record, without shift()'s move of the array's start.
    return this.useLifo || idle.length === 1 ? idle.pop() : idle.shift();
  }

  protected acquire(): Promise<PooledConnection> {
    const record = this.takeNext();
    if (record !== undefined) return Promise.resolve(record);
    // A connection whose reset runs in the background is back within a round trip: waiting
    // for it is cheaper than opening an overflow connection (which is closed again on return).
    if (this.total < this.poolSize || (this.total < this.capacity && this.resettingCount === 0))
      return this.openSlot();
    return this.wait();
  }

  /** Opens a connection in a new slot, counted before the (slow) connect so concurrent callers see it. */
  private async openSlot(): Promise<PooledConnection> {
    this.total++;
    try {
      return await this.newRecord();
    } catch (err) {
      this.total--;
      this.serveWaiter();
      throw err;
    }
  }

  /** After a slot was freed, the first waiter may open a connection in it. */
  private serveWaiter(): void {
    if (this.waiters.length === 0 || this.total >= this.capacity) return;
    const waiter = this.waiters.shift()!;
    clearTimeout(waiter.timer);
    this.openSlot().then(waiter.resolve, waiter.reject);
  }

  private wait(): Promise<PooledConnection> {
    return new Promise<PooledConnection>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i !== -1) this.waiters.splice(i, 1);
          reject(
            new TimeoutError(
              `QueuePool limit of size ${this.poolSize} overflow ${this.maxOverflow} reached, connection timed out, ` +
                `timeout ${this.poolTimeout.toFixed(2)}s. Raise poolSize/maxOverflow or poolTimeout, or make sure connections ` +
                "are closed (use engine.begin() or `await using`).",
            ),
          );
        }, this.poolTimeout * 1000),
      };
      this.waiters.push(waiter);
    });
  }

  protected async release(record: PooledConnection): Promise<void> {
    // Waiters first, in arrival order: a returned connection never goes to a newcomer ahead of them.
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(record);
      return;
    }
    if (this.disposed || this.total > this.poolSize) {
      // An overflow connection (or one from before a dispose): closed rather than kept.
      this.total--;
      await this.discard(record);
      return;
    }
    this.idle.push(record);
  }

  status(): PoolStatus {
    return {
      size: this.poolSize,
      checkedIn: this.idle.length,
      checkedOut: this.total - this.idle.length,
      overflow: this.total - this.poolSize,
    };
  }

  protected override get exclusiveRecords(): boolean {
    return true;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.settleReturns();
    const idle = this.idle;
    this.idle = [];
    this.total -= idle.length;
    const closed = await Promise.allSettled(idle.map((r) => this.discard(r)));
    this.log.info("Pool disposed. " + this.describe());
    const failed = closed.find((c): c is PromiseRejectedResult => c.status === "rejected");
    if (failed) throw failed.reason;
  }

  override timeout(): number {
    return this.poolTimeout;
  }
}
