/**
 * `event.listen` and friends (SQLAlchemy: `sqlalchemy.event`). A target is an Engine (engine
 * events, and pool events for its pool) or a Pool. Engine-level pool listeners stay in place
 * when `engine.dispose()` replaces the pool.
 *
 * @example
 * import { event } from "athanor";
 * event.listen(engine, "connect", async (dbapiConnection) => {
 *   await dbapiConnection.execute("SET time_zone = '+00:00'");
 * });
 * event.listen(engine.pool, "checkout", (dbapi, record) => {
 *   record.info.checkoutCount = Number(record.info.checkoutCount ?? 0) + 1;
 * });
 */
import type { Engine } from "../engine.js";
import type { Pool } from "../pool/base.js";
import type { Dispatcher, ListenOptions } from "./dispatcher.js";
import type { EngineEventMap } from "./engine-events.js";
import type { PoolEventMap } from "./pool-events.js";

/** Anything with events: an Engine or a Pool. */
export interface EventTarget {
  /** @internal */
  _dispatcherFor(name: string): Dispatcher<any>;
}

/** Event names an Engine accepts: its own and its pool's. */
export type EngineTargetEvents = EngineEventMap & PoolEventMap;

type AnyFn = (...args: any[]) => unknown;

function listen<K extends keyof EngineTargetEvents>(
  target: Engine,
  name: K,
  fn: EngineTargetEvents[K],
  options?: ListenOptions,
): void;
function listen<K extends keyof PoolEventMap>(
  target: Pool,
  name: K,
  fn: PoolEventMap[K],
  options?: ListenOptions,
): void;
function listen(target: EventTarget, name: string, fn: AnyFn, options?: ListenOptions): void {
  target._dispatcherFor(name).listen(name, fn, options);
}

function remove<K extends keyof EngineTargetEvents>(target: Engine, name: K, fn: EngineTargetEvents[K]): void;
function remove<K extends keyof PoolEventMap>(target: Pool, name: K, fn: PoolEventMap[K]): void;
function remove(target: EventTarget, name: string, fn: AnyFn): void {
  target._dispatcherFor(name).remove(name, fn);
}

function contains<K extends keyof EngineTargetEvents>(
  target: Engine,
  name: K,
  fn: EngineTargetEvents[K],
): boolean;
function contains<K extends keyof PoolEventMap>(target: Pool, name: K, fn: PoolEventMap[K]): boolean;
function contains(target: EventTarget, name: string, fn: AnyFn): boolean {
  return target._dispatcherFor(name).contains(name, fn);
}

/**
 * `listen` as a wrapper returning the listener (SQLAlchemy: `@event.listens_for`).
 * @example const onConnect = event.listensFor(engine, "connect")(async (dbapi) => { … });
 */
function listensFor<K extends keyof EngineTargetEvents>(
  target: Engine,
  name: K,
  options?: ListenOptions,
): <F extends EngineTargetEvents[K]>(fn: F) => F;
function listensFor<K extends keyof PoolEventMap>(
  target: Pool,
  name: K,
  options?: ListenOptions,
): <F extends PoolEventMap[K]>(fn: F) => F;
function listensFor(target: EventTarget, name: string, options?: ListenOptions): (fn: AnyFn) => AnyFn {
  const dispatcher = target._dispatcherFor(name);
  return (fn) => {
    dispatcher.listen(name, fn, options);
    return fn;
  };
}

/** SQLAlchemy's `sqlalchemy.event` module: `event.listen`, `event.remove`, `event.contains`, `event.listensFor`. */
export const event = { listen, remove, contains, listensFor };

export type { ListenOptions } from "./dispatcher.js";
export type { PoolEventMap, PoolResetState } from "./pool-events.js";
export type {
  CursorParameters,
  EngineEventMap,
  EventParams,
  EventStatement,
  ExceptionContext,
  ExecutionContext,
} from "./engine-events.js";
