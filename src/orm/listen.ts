/**
 * `listen()` for ORM events (SQLAlchemy: `event.listen(User, "before_insert", fn)`,
 * `event.listen(Session, "after_commit", fn)`). Event names are SQLAlchemy's in camelCase.
 *
 * | target                         | events                                                    | listener                          |
 * |--------------------------------|-----------------------------------------------------------|-----------------------------------|
 * | a mapped class                 | beforeInsert, afterInsert, beforeUpdate, afterUpdate, beforeDelete, afterDelete | `(mapper, connection, target)` |
 * | a Session, a sessionmaker, or the Session class (every Session) | beforeFlush, afterFlush, afterCommit, afterRollback | `(session)` |
 *
 * Listeners may be async; the flush awaits them. Flush listeners can run SQL on `connection`,
 * which is the flush's own (inside its transaction).
 * @example
 * listen(User, "beforeUpdate", (_mapper, _conn, user) => { user.updatedAt = new Date(); });
 * listen(SessionLocal, "afterCommit", (session) => audit.flush());
 */
import type { Connection } from "../engine/connection.js";
import { ArgumentError } from "../util/errors.js";
import type { MapperEventName, SessionEventName } from "./events.js";
import type { Mapper } from "./mapping/mapper.js";
import { mapperOf } from "./mapping/registry.js";
import { Session } from "./session/session.js";
import type { SessionMaker } from "./session/sessionmaker.js";

type MappedClass<T> = abstract new (...args: any) => T;
export type MapperListener<T> = (mapper: Mapper<T & object>, connection: Connection, target: T) => unknown;
export type SessionListener = (session: Session) => unknown;

/** Adds an event listener; see the table above for targets and events. */
export function listen<T>(target: MappedClass<T>, name: MapperEventName, fn: MapperListener<T>): void;
export function listen(
  target: Session | SessionMaker | typeof Session,
  name: SessionEventName,
  fn: SessionListener,
): void;
export function listen(target: unknown, name: string, fn: (...args: any[]) => unknown): void {
  hubOf(target).add(name as never, fn);
}

/** Removes a listener added with `listen()`. */
export function removeListener<T>(target: MappedClass<T>, name: MapperEventName, fn: MapperListener<T>): void;
export function removeListener(
  target: Session | SessionMaker | typeof Session,
  name: SessionEventName,
  fn: SessionListener,
): void;
export function removeListener(target: unknown, name: string, fn: (...args: any[]) => unknown): void {
  hubOf(target).remove(name as never, fn);
}

function hubOf(target: unknown): {
  add(name: never, fn: unknown): void;
  remove(name: never, fn: unknown): void;
} {
  if (target === Session) return Session.events;
  if (target instanceof Session) return target.events;
  if (typeof target === "function") {
    const m = mapperOf(target);
    if (m !== null) return m.events;
    const maker = target as Partial<SessionMaker>;
    if (maker.events !== undefined && typeof maker.begin === "function") return maker.events;
  }
  throw new ArgumentError(
    "listen() takes a mapped class, a Session, a sessionmaker or the Session class as its target.",
    "ATH-ORM-EVENT",
  );
}
