/**
 * Engine (connection) events (SQLAlchemy: `ConnectionEvents` and `DialectEvents.handle_error`),
 * listened for with `engine.on(name, fn)` or `event.listen(engine, name, fn)`. Every listener
 * may be async; the engine awaits it before going on.
 *
 * @example
 * engine.on("beforeCursorExecute", (conn, cursor, statement, parameters, context) => {
 *   context.info.startedAt = performance.now();
 * });
 * engine.on("afterCursorExecute", (conn, cursor, statement, parameters, context) => {
 *   console.log(statement, performance.now() - Number(context.info.startedAt), "ms");
 * });
 */
import type { Dialect } from "../../dialects/base/dialect.js";
import type { CompiledStatement } from "../../sql/compiled.js";
import type { DBAPIError } from "../../util/errors.js";
import type { Connection, ExecutionOptions } from "../connection.js";
import type { Engine } from "../engine.js";
import type { Executable, Params } from "../execution.js";
import type { DbapiConnection } from "../pool/dbapi.js";
import type { Result } from "../result.js";

type Awaitable<T> = T | Promise<T>;

/** What `conn.execute` / `conn.execDriverSql` was given: a statement, or SQL text for execDriverSql. */
export type EventStatement = Executable | string;
/** One parameter set: named (execute) or positional (execDriverSql). */
export type EventParams = Params | readonly unknown[];
/** Values sent to the driver: one positional list, or one list per set for executemany. */
export type CursorParameters = readonly unknown[] | readonly (readonly unknown[])[];

/** One statement's execution, shared by its cursor events and `handleError` (SQLAlchemy: `ExecutionContext`). */
export interface ExecutionContext {
  readonly connection: Connection;
  readonly engine: Engine;
  readonly dialect: Dialect;
  /** The compiled statement, or null for execDriverSql. */
  readonly compiled: CompiledStatement | null;
  /** The SQL sent to the driver. */
  statement: string;
  /** The values sent to the driver. */
  parameters: CursorParameters;
  readonly executemany: boolean;
  readonly executionOptions: Readonly<ExecutionOptions>;
  /** Free-form state for listeners, e.g. a start time set in before and read in after. */
  readonly info: Record<string, unknown>;
}

/** What a `handleError` listener is told (SQLAlchemy: `ExceptionContext`). */
export interface ExceptionContext {
  /** The Connection in use; null when the error happened while connecting or in pre-ping. */
  readonly connection: Connection | null;
  readonly engine: Engine;
  readonly dialect: Dialect;
  /** The DB-API-like handle the statement ran on, when there was one. */
  readonly cursor: DbapiConnection | null;
  readonly statement: string | null;
  readonly parameters: unknown;
  /** The driver's own error (or the error thrown), before wrapping. */
  readonly originalException: unknown;
  /** The wrapped DBAPIError Athanor will throw (SQLAlchemy: `sqlalchemy_exception`); null for non-driver errors. */
  readonly athanorException: DBAPIError | null;
  /** The error returned by the previous handleError listener, if any; it is what will be thrown. */
  chainedException: Error | null;
  readonly executionContext: ExecutionContext | null;
  /**
   * Whether the error means the connection is lost. Writable: set it to make Athanor treat the
   * error as a disconnect (or not); the connection is then invalidated (or kept).
   */
  isDisconnect: boolean;
  /** On a disconnect, also recycle every pooled connection opened before now (default true). Writable. */
  invalidatePoolOnDisconnect: boolean;
  /** True when the error came from the pool's pre-ping. */
  readonly isPrePing: boolean;
}

export interface EngineEventMap {
  /**
   * Before a statement runs, with what `execute` was given. With `{ retval: true }` the listener
   * returns `[statement, multiparams, params]` to run instead.
   */
  beforeExecute: (
    conn: Connection,
    clauseElement: EventStatement,
    multiparams: readonly EventParams[],
    params: EventParams,
    executionOptions: Readonly<ExecutionOptions>,
  ) => Awaitable<void | readonly [EventStatement, readonly EventParams[], EventParams]>;
  /** After a statement ran, with its Result. */
  afterExecute: (
    conn: Connection,
    clauseElement: EventStatement,
    multiparams: readonly EventParams[],
    params: EventParams,
    executionOptions: Readonly<ExecutionOptions>,
    result: Result<any, any>,
  ) => Awaitable<void>;
  /**
   * Before the SQL text goes to the driver, with the values as sent. With `{ retval: true }` the
   * listener returns `[statement, parameters]` to send instead.
   */
  beforeCursorExecute: (
    conn: Connection,
    cursor: DbapiConnection,
    statement: string,
    parameters: CursorParameters,
    context: ExecutionContext,
    executemany: boolean,
  ) => Awaitable<void | readonly [string, CursorParameters]>;
  /** After the driver ran the SQL text. */
  afterCursorExecute: (
    conn: Connection,
    cursor: DbapiConnection,
    statement: string,
    parameters: CursorParameters,
    context: ExecutionContext,
    executemany: boolean,
  ) => Awaitable<void>;
  /**
   * An error while executing, connecting or pre-pinging. Return an Error to throw it instead
   * (the next listener sees it as `chainedException`); throw to stop the chain with that error.
   */
  handleError: (context: ExceptionContext) => Awaitable<Error | void | undefined>;
  /** A Connection was checked out by `engine.connect()` / `engine.begin()`. */
  engineConnect: (conn: Connection) => Awaitable<void>;
  /** `engine.dispose()` closed the pool. */
  engineDisposed: (engine: Engine) => Awaitable<void>;
  /** A transaction begins (before BEGIN is sent). */
  begin: (conn: Connection) => Awaitable<void>;
  /** A transaction commits (before COMMIT is sent). */
  commit: (conn: Connection) => Awaitable<void>;
  /** A transaction rolls back (before ROLLBACK is sent). */
  rollback: (conn: Connection) => Awaitable<void>;
  /** A SAVEPOINT is created. */
  savepoint: (conn: Connection, name: string) => Awaitable<void>;
  /** ROLLBACK TO SAVEPOINT (`context` is always null, kept for SQLAlchemy's signature). */
  rollbackSavepoint: (conn: Connection, name: string, context: null) => Awaitable<void>;
  /** RELEASE SAVEPOINT (`context` is always null, kept for SQLAlchemy's signature). */
  releaseSavepoint: (conn: Connection, name: string, context: null) => Awaitable<void>;
}

export const ENGINE_EVENT_NAMES: readonly (keyof EngineEventMap)[] = [
  "beforeExecute",
  "afterExecute",
  "beforeCursorExecute",
  "afterCursorExecute",
  "handleError",
  "engineConnect",
  "engineDisposed",
  "begin",
  "commit",
  "rollback",
  "savepoint",
  "rollbackSavepoint",
  "releaseSavepoint",
];
