/**
 * ORM event hubs (SQLAlchemy: `orm/events.py` MapperEvents, SessionEvents). A hub keeps
 * listeners by event name; `listen()` (in `listen.ts`) finds the hub of a target. Listeners
 * may be async: the flush awaits them in order.
 */
import { ArgumentError } from "../util/errors.js";

/** Per-object flush events of a mapped class. */
export type MapperEventName =
  "beforeInsert" | "afterInsert" | "beforeUpdate" | "afterUpdate" | "beforeDelete" | "afterDelete";
/** Session events. `beforeFlush` may still add, change or delete objects; they are part of the flush. */
export type SessionEventName = "beforeFlush" | "afterFlush" | "afterCommit" | "afterRollback";

const MAPPER_EVENTS: readonly MapperEventName[] = [
  "beforeInsert",
  "afterInsert",
  "beforeUpdate",
  "afterUpdate",
  "beforeDelete",
  "afterDelete",
];
const SESSION_EVENTS: readonly SessionEventName[] = [
  "beforeFlush",
  "afterFlush",
  "afterCommit",
  "afterRollback",
];

type AnyListener = (...args: any[]) => unknown;

/** Listeners by event name. @internal */
export class EventHub<Name extends string> {
  /** Made at the first listener: most hubs (one per Session) never get one. */
  private listeners: Map<Name, AnyListener[]> | null = null;
  constructor(
    private readonly known: readonly Name[],
    private readonly what: string,
  ) {}
  add(name: Name, fn: AnyListener): void {
    if (!this.known.includes(name)) {
      throw new ArgumentError(
        `Unknown ${this.what} event '${name}'. Known events: ${this.known.join(", ")}.`,
        "ATH-ORM-EVENT",
      );
    }
    if (typeof fn !== "function")
      throw new ArgumentError(`listen(…, '${name}', fn): fn must be a function.`, "ATH-ORM-EVENT");
    const listeners = (this.listeners ??= new Map());
    const list = listeners.get(name);
    if (list) list.push(fn);
    else listeners.set(name, [fn]);
  }
  remove(name: Name, fn: AnyListener): void {
    const list = this.listeners?.get(name);
    const i = list ? list.indexOf(fn) : -1;
    if (i < 0) throw new ArgumentError(`No such listener for '${name}' to remove.`, "ATH-ORM-EVENT");
    list!.splice(i, 1);
  }
  has(name: Name): boolean {
    const list = this.listeners?.get(name);
    return list !== undefined && list.length > 0;
  }
  /** Calls the listeners in order, awaiting each. */
  async fire(name: Name, ...args: unknown[]): Promise<void> {
    const list = this.listeners?.get(name);
    if (!list) return;
    for (const fn of [...list]) await fn(...args);
  }
}

/** A mapped class's flush events: `listener(mapper, connection, target)`. */
export class MapperEvents extends EventHub<MapperEventName> {
  constructor() {
    super(MAPPER_EVENTS, "mapper");
  }
}

/** A Session's (or a sessionmaker's, or every Session's) events: `listener(session)`. */
export class SessionEvents extends EventHub<SessionEventName> {
  constructor() {
    super(SESSION_EVENTS, "session");
  }
}
