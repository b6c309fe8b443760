/**
 * NullPool (SQLAlchemy: `pool/impl.py` NullPool): no pooling. Every checkout opens a new
 * connection and every checkin closes it.
 * @example createEngine(url, { poolClass: NullPool })
 */
import { Pool, type PooledConnection, type PoolStatus } from "./base.js";

export class NullPool extends Pool {
  private checkedOut = 0;

  async checkout(): Promise<PooledConnection> {
    const record = await this.createConnection();
    this.checkedOut++;
    this.onCheckout(record);
    return record;
  }

  async checkin(record: PooledConnection): Promise<void> {
    this.checkedOut--;
    if (await this.resetOnReturn(record)) await this.closeConnection(record);
    else await this.invalidate(record);
  }

  status(): PoolStatus {
    return { size: 0, checkedIn: 0, checkedOut: this.checkedOut, overflow: this.checkedOut };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}
