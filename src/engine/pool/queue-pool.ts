/**
 * QueuePool (SQLAlchemy: `pool/impl.py` QueuePool): up to `poolSize` connections kept open,
 * `maxOverflow` more opened under load and closed when returned, callers beyond that wait in
 * FIFO order up to `poolTimeout` seconds. Idle connections are reused first-in, first-out.
 * @example createEngine(url, { poolSize: 10, maxOverflow: 5, poolTimeout: 10 }).pool.status()
 */
import { TimeoutError } from "../../util/errors.js";
import {
  Pool,
  type ConnectionCreator,
  type PoolOptions,
  type PoolStatus,
  type PooledConnection,
} from "./base.js";

interface Waiter {
  resolve(record: PooledConnection): void;
  reject(err: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

export class QueuePool extends Pool {
  readonly poolSize: number;
  readonly maxOverflow: number;
  readonly timeout: number;
  private idle: PooledConnection[] = [];
  private waiters: Waiter[] = [];
  /** Open connections plus those being opened. */
  private total = 0;
  private checkedOut = 0;

  constructor(creator: ConnectionCreator, options: PoolOptions = {}) {
    super(creator, options);
    this.poolSize = options.poolSize ?? 5;
    this.maxOverflow = options.maxOverflow ?? 10;
    this.timeout = options.poolTimeout ?? 30;
  }

  private get capacity(): number {
    return this.maxOverflow < 0 ? Infinity : this.poolSize + this.maxOverflow;
  }

  async checkout(): Promise<PooledConnection> {
    const record = this.takeIdle() ?? (this.total < this.capacity ? await this.open() : await this.wait());
    this.checkedOut++;
    this.onCheckout(record);
    return record;
  }

  /** The oldest idle connection; ones the driver already knows are dead (server restart) are dropped. */
  private takeIdle(): PooledConnection | undefined {
    for (let r = this.idle.shift(); r !== undefined; r = this.idle.shift()) {
      if (!r.driver.broken) return r;
      this.total--;
      void this.invalidate(r);
    }
    return undefined;
  }

  /** Opens a new connection, counting it before the (slow) connect so concurrent callers see it. */
  private async open(): Promise<PooledConnection> {
    this.total++;
    try {
      return await this.createConnection();
    } catch (err) {
      this.total--;
      this.serveWaiterWithNewConnection();
      throw err;
    }
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
                `timeout ${this.timeout.toFixed(2)}s. Raise poolSize/maxOverflow or poolTimeout, or make sure connections ` +
                "are closed (use engine.begin() or `await using`).",
            ),
          );
        }, this.timeout * 1000),
      };
      this.waiters.push(waiter);
    });
  }

  async checkin(record: PooledConnection): Promise<void> {
    this.checkedOut--;
    const reusable = !this.disposed && (await this.resetOnReturn(record));
    if (!reusable) {
      this.total--;
      await this.invalidate(record);
      this.serveWaiterWithNewConnection();
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(record);
      return;
    }
    if (this.total > this.poolSize) {
      // An overflow connection: closed rather than kept.
      this.total--;
      await this.closeConnection(record);
      return;
    }
    this.idle.push(record);
  }

  /** After a connection was discarded, a waiting caller may now open a new one. */
  private serveWaiterWithNewConnection(): void {
    if (this.waiters.length === 0 || this.total >= this.capacity || this.disposed) return;
    const waiter = this.waiters.shift()!;
    clearTimeout(waiter.timer);
    this.open().then(waiter.resolve, waiter.reject);
  }

  status(): PoolStatus {
    return {
      size: this.poolSize,
      checkedIn: this.idle.length,
      checkedOut: this.checkedOut,
      overflow: this.total - this.poolSize,
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const idle = this.idle;
    this.idle = [];
    this.total -= idle.length;
    await Promise.all(idle.map((r) => this.closeConnection(r)));
  }
}
