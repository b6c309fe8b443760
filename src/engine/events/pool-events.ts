/**
 * Pool events (SQLAlchemy: `PoolEvents`), listened for on an Engine or on its pool:
 * `engine.on("connect", fn)`, `event.listen(engine.pool, "checkout", fn)`.
 * Every listener may be async; the pool awaits it before going on.
 *
 * @example
 * engine.on("connect", async (dbapiConnection, connectionRecord) => {
 *   await dbapiConnection.execute("SET NAMES utf8mb4");
 *   connectionRecord.info.connectedAt = Date.now();
 * });
 */
import type { DbapiConnection } from "../pool/dbapi.js";
import type { PooledConnection } from "../pool/record.js";

type Awaitable<T> = T | Promise<T>;

/** What the `reset` event says about the connection being returned (SQLAlchemy: `PoolResetState`). */
export interface PoolResetState {
  /** True when no transaction is open any more (the Connection already ended it), so no ROLLBACK is sent. */
  readonly transactionWasReset: boolean;
  /** True when the connection is being discarded rather than reused (the pool was disposed). */
  readonly terminateOnly: boolean;
}

export interface PoolEventMap {
  /** A new driver connection was opened (after the engine's own setup such as the isolation level). */
  connect: (dbapiConnection: DbapiConnection, connectionRecord: PooledConnection) => Awaitable<void>;
  /**
   * The first connection this pool opens (before its `connect` event). Once per pool: the pool
   * `engine.dispose()` creates fires it again for its own first connection.
   */
  firstConnect: (dbapiConnection: DbapiConnection, connectionRecord: PooledConnection) => Awaitable<void>;
  /**
   * A connection is handed out. Throw `DisconnectionError` to have the pool replace it with a
   * freshly opened one (`InvalidatePoolError` also replaces every older pooled connection).
   * `connectionProxy` is the record itself (Athanor merges SQLAlchemy's record and fairy).
   */
  checkout: (
    dbapiConnection: DbapiConnection,
    connectionRecord: PooledConnection,
    connectionProxy: PooledConnection,
  ) => Awaitable<void>;
  /** A connection came back; `dbapiConnection` is null when it was invalidated. */
  checkin: (dbapiConnection: DbapiConnection | null, connectionRecord: PooledConnection) => Awaitable<void>;
  /** A returned connection is about to be reset (its open transaction rolled back). */
  reset: (
    dbapiConnection: DbapiConnection,
    connectionRecord: PooledConnection,
    resetState: PoolResetState,
  ) => Awaitable<void>;
  /** A connection is invalidated (disconnect detected, or `invalidate()` called); it is closed next. */
  invalidate: (
    dbapiConnection: DbapiConnection,
    connectionRecord: PooledConnection,
    exception: unknown,
  ) => Awaitable<void>;
  /** A driver connection is about to be closed (discarded, recycled, invalidated or disposed). */
  close: (dbapiConnection: DbapiConnection, connectionRecord: PooledConnection) => Awaitable<void>;
}

export const POOL_EVENT_NAMES: readonly (keyof PoolEventMap)[] = [
  "connect",
  "firstConnect",
  "checkout",
  "checkin",
  "reset",
  "invalidate",
  "close",
];
