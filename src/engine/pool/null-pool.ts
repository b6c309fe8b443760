/**
 * NullPool (SQLAlchemy: `pool/impl.py` NullPool): no pooling. Every checkout opens a new
 * connection and every checkin closes it.
 * @example createEngine(url, { poolClass: NullPool })
 */
import { Pool, type PoolStatus } from "./base.js";
import type { PooledConnection } from "./record.js";

export class NullPool extends Pool {
  private out = 0;

  protected async acquire(): Promise<PooledConnection> {
    this.out++;
    try {
      return await this.newRecord();
    } catch (err) {
      this.out--;
      throw err;
    }
  }

  protected async release(record: PooledConnection): Promise<void> {
    this.out--;
    await this.discard(record);
  }

  status(): PoolStatus {
    return { size: 0, checkedIn: 0, checkedOut: this.out, overflow: this.out };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.log.info("Pool disposed. " + this.describe());
  }
}
