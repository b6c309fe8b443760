/**
 * The options, status and callback types of connection pools (pool/base.ts). Kept apart from the
 * Pool class so that base.ts holds only what a pool does.
 */
import type { Dialect } from "../../dialects/base/dialect.js";
import type { DriverConnection } from "../../dialects/base/driver.js";
import type { Dispatcher } from "../events/dispatcher.js";
import type { PoolEventMap } from "../events/pool-events.js";
import type { EchoSetting, Logger } from "../logging.js";
import type { Pool } from "./base.js";
import type { PooledConnection } from "./record.js";

/** Opens a new driver connection (the engine's dialect.connect plus per-connection setup). */
export type ConnectionCreator = () => Promise<DriverConnection>;

/** Returns a connection to a clean state before it goes back into the pool (rollback, isolation). */
export type ResetFunction = (record: PooledConnection) => Promise<void>;

/** Pre-ping: resolves true when the connection works, false when it is disconnected; throws otherwise. */
export type PingFunction = (record: PooledConnection) => Promise<boolean>;

export type PoolDispatcher = Dispatcher<PoolEventMap>;

export interface PoolOptions {
  /** Connections kept open in the pool (QueuePool; default 5). */
  poolSize?: number;
  /** Extra connections allowed beyond poolSize when busy; -1 means no limit (default 10). */
  maxOverflow?: number;
  /** Seconds to wait for a connection before TimeoutError (default 30). */
  poolTimeout?: number;
  /** Seconds after which a connection is closed and reopened at its next checkout; -1: never (default). */
  poolRecycle?: number;
  /** Test each connection with a ping at checkout and replace it if it is dead (default false). */
  poolPrePing?: boolean;
  /** Hand out the most recently returned connection first (QueuePool; default false: oldest first). */
  poolUseLifo?: boolean;
  /** Called at checkin; the engine rolls back an open transaction here. */
  reset?: ResetFunction;
  /** Whether `reset` has anything to do for a returned connection (default: always called). */
  resetNeeded?: (record: PooledConnection) => boolean;
  /** The pre-ping (the engine's fires `handleError`); default: the dialect's `doPing`. */
  ping?: PingFunction;
  /** The dialect, for the listeners' DB-API handles (commit/rollback) and the default ping. */
  dialect?: Dialect | null;
  /** Log pool activity (SQLAlchemy: `echo_pool`): true for changes, "debug" for every checkout. */
  echoPool?: EchoSetting;
  /** Where pool logs go (the engine passes its logger). */
  logger?: Logger | null;
  /** @internal The listeners, shared with the pool this one was recreated from. */
  dispatch?: PoolDispatcher;
}

export interface PoolStatus {
  /** The configured pool size. */
  size: number;
  /** Connections waiting in the pool (invalidated ones included: they reconnect when next handed out). */
  checkedIn: number;
  /** Connections handed out (or being opened for a caller). */
  checkedOut: number;
  /** Open connections minus poolSize, as SQLAlchemy reports it (negative while under size). */
  overflow: number;
}

export type PoolClass = new (creator: ConnectionCreator, options?: PoolOptions) => Pool;
