/**
 * StaticPool (SQLAlchemy: `pool/impl.py` StaticPool): exactly one connection, shared by every
 * checkout. The default for SQLite `:memory:`, where each new connection would be a new,
 * empty database. Connections checked out at the same time share one transaction state, so
 * use one Connection at a time.
 * @example createEngine("sqlite:///:memory:").pool instanceof StaticPool // true
 */
import { Pool, type PoolStatus } from "./base.js";
import type { PooledConnection } from "./record.js";

export class StaticPool extends Pool {
  private record: PooledConnection | null = null;
  private opening: Promise<PooledConnection> | null = null;
  /** Checkouts currently holding the shared connection. */
  private holders = 0;

  protected async acquire(): Promise<PooledConnection> {
    this.holders++;
    try {
      if (this.record === null) {
        this.opening ??= this.newRecord().finally(() => {
          this.opening = null;
        });
        this.record = await this.opening;
      }
      return this.record;
    } catch (err) {
      this.holders--;
      throw err;
    }
  }

  /** Only the last user's return resets the shared connection (others may still be using it). */
  protected override shouldReset(): boolean {
    return this.holders <= 1;
  }

  protected async release(record: PooledConnection): Promise<void> {
    this.holders--;
    if (record !== this.record) {
      await this.discard(record);
    } else if (this.disposed && this.holders === 0) {
      this.record = null;
      await this.discard(record);
    }
  }

  status(): PoolStatus {
    const open = this.record ? 1 : 0;
    return {
      size: 1,
      checkedIn: this.holders === 0 ? open : 0,
      checkedOut: this.holders,
      overflow: open - 1,
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const r = this.record;
    if (r !== null && this.holders === 0) {
      this.record = null;
      await this.discard(r);
    }
    this.log.info("Pool disposed. " + this.describe());
  }
}
