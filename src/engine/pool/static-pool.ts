/**
 * StaticPool (SQLAlchemy: `pool/impl.py` StaticPool): exactly one connection, shared by every
 * checkout. The default for SQLite `:memory:`, where each new connection would be a new,
 * empty database. Connections checked out at the same time share one transaction state, so
 * use one Connection at a time.
 * @example createEngine("sqlite:///:memory:").pool instanceof StaticPool // true
 */
import { Pool, type PooledConnection, type PoolStatus } from "./base.js";

export class StaticPool extends Pool {
  private record: PooledConnection | null = null;
  private opening: Promise<PooledConnection> | null = null;
  private checkedOut = 0;

  async checkout(): Promise<PooledConnection> {
    let record = this.record;
    if (record !== null && record.driver.broken && this.checkedOut === 0) {
      await this.dropShared();
      record = null;
    }
    if (record === null || record.invalidated) {
      this.opening ??= this.createConnection().finally(() => {
        this.opening = null;
      });
      record = await this.opening;
      this.record = record;
    }
    this.checkedOut++;
    this.onCheckout(record);
    return record;
  }

  async checkin(record: PooledConnection): Promise<void> {
    this.checkedOut--;
    if (record !== this.record || this.disposed) {
      // A connection from before a dispose or an invalidation: close it once nobody uses it.
      if (record !== this.record && !record.invalidated) await this.invalidate(record);
      if (this.disposed && record === this.record && this.checkedOut === 0) await this.dropShared();
      return;
    }
    if (!(await this.resetOnReturn(record))) await this.dropShared();
  }

  private async dropShared(): Promise<void> {
    const r = this.record;
    this.record = null;
    if (r) await this.invalidate(r);
  }

  status(): PoolStatus {
    const open = this.record ? 1 : 0;
    return {
      size: 1,
      checkedIn: this.checkedOut === 0 ? open : 0,
      checkedOut: this.checkedOut,
      overflow: open - 1,
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.checkedOut === 0) await this.dropShared();
  }
}
