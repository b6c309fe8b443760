/**
 * One slot of a pool and the driver connection currently in it (SQLAlchemy: `_ConnectionRecord`,
 * with the `_ConnectionFairy` proxy merged in). The record outlives its driver connection: when
 * that is invalidated or recycled, the next checkout opens a new one in the same record.
 */
import type { IsolationLevel } from "../../dialects/base/dialect.js";
import type { DriverConnection } from "../../dialects/base/driver.js";
import { DbapiConnection } from "./dbapi.js";
import type { Pool } from "./base.js";

let recordCounter = 0;
let driverCounter = 0;
const driverIds = new WeakMap<DriverConnection, number>();
let clock = 0;

/**
 * A logical clock for "opened before / after this invalidation": strictly increasing, so two
 * events in the same millisecond still compare correctly (SQLAlchemy compares time.time()).
 * @internal
 */
export function tick(): number {
  return ++clock;
}

/** `<PgDriverConnection #3>`: how pool logs name a driver connection. */
export function describeDriver(driver: DriverConnection): string {
  let id = driverIds.get(driver);
  if (id === undefined) {
    id = ++driverCounter;
    driverIds.set(driver, id);
  }
  return `<${driver.constructor?.name ?? "connection"} #${id}>`;
}

export class PooledConnection {
  readonly id = ++recordCounter;
  /**
   * Free-form state tied to the current driver connection (SQLAlchemy: `info`); emptied when
   * the record reconnects.
   * @example engine.on("checkout", (_dbapi, record) => { record.info.checkouts = Number(record.info.checkouts ?? 0) + 1; })
   */
  readonly info: Record<string, unknown> = {};
  /** Free-form state kept for the record's whole life, across reconnects (SQLAlchemy: `record_info`). */
  readonly recordInfo: Record<string, unknown> = {};
  /** The driver connection in this record (replaced when the record reconnects). */
  driver: DriverConnection;
  /** When the current driver connection was opened, ms since the epoch (SQLAlchemy: `starttime`). */
  startTime: number;
  /** @internal Logical time of the connect, compared with the pool's invalidation. */
  startStamp: number;
  /** True once the driver connection was closed or found unusable; the next checkout reconnects. */
  invalidated = false;
  /** True until the first checkout after connecting (pre-ping skips fresh connections). */
  fresh = true;
  /** @internal The engine began a transaction that is not ended yet (reset rolls it back). */
  transactionOpen = false;
  /** @internal The engine changed the isolation level (reset restores it). */
  isolationChanged = false;
  /**
   * @internal The session's isolation level as the engine knows it: undefined, the engine's
   * own (configured or read at connect); a level the engine set here; null, unknown (SQL the
   * engine can't see into ran on this connection).
   */
  sessionIsolation: IsolationLevel | null | undefined = undefined;
  private handle: DbapiConnection | null = null;

  constructor(
    readonly pool: Pool,
    driver: DriverConnection,
    stamp: number,
    startTime: number,
  ) {
    this.driver = driver;
    this.startTime = startTime;
    this.startStamp = stamp;
  }

  /** The DB-API-like handle on the current driver connection (what listeners receive). */
  get dbapiConnection(): DbapiConnection {
    if (this.handle === null || this.handle.driver !== this.driver)
      this.handle = new DbapiConnection(this.driver, this.pool.dialect, () => {
        this.sessionIsolation = null;
      });
    return this.handle;
  }
  /** The driver's own connection object (SQLAlchemy: `driver_connection`). */
  get driverConnection(): unknown {
    return this.driver.native;
  }
  /** Whether the record holds a usable driver connection (SQLAlchemy: `is_valid`). */
  get isValid(): boolean {
    return !this.invalidated && !this.driver.broken;
  }

  /**
   * Closes the driver connection now, firing the `invalidate` event; the record reconnects at
   * its next checkout (SQLAlchemy: `ConnectionPoolEntry.invalidate`).
   */
  invalidate(exception?: unknown): Promise<void> {
    return this.pool._invalidateRecord(this, exception ?? null);
  }

  /** @internal Puts a newly opened driver connection in the record. */
  _attach(driver: DriverConnection, stamp: number, startTime: number): void {
    this.driver = driver;
    this.startStamp = stamp;
    this.startTime = startTime;
    this.invalidated = false;
    this.fresh = true;
    this.transactionOpen = false;
    this.isolationChanged = false;
    this.sessionIsolation = undefined;
    for (const k of Object.keys(this.info)) delete this.info[k];
  }

  toString(): string {
    return `PooledConnection #${this.id} ${describeDriver(this.driver)}`;
  }
}
