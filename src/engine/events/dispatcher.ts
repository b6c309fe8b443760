/**
 * The listener lists behind engine and pool events (SQLAlchemy: `event.base` dispatch
 * collections). One Dispatcher per event target; listeners run in registration order, one at a
 * time, and may be async (each is awaited before the next runs).
 */
import { ArgumentError, InvalidRequestError } from "../../util/errors.js";

/** Options for `event.listen` / `target.on` (SQLAlchemy: the keyword arguments of `event.listen`). */
export interface ListenOptions {
  /** Run the listener only for the first event, then remove it. */
  once?: boolean;
  /** Put the listener before those already registered. */
  insert?: boolean;
  /**
   * The listener's return value replaces the event's arguments (`beforeExecute`: a
   * `[statement, multiparams, params]` tuple; `beforeCursorExecute`: `[statement, parameters]`).
   */
  retval?: boolean;
}

type AnyListener = (...args: any[]) => unknown;

interface Registration {
  readonly fn: AnyListener;
  readonly once: boolean;
  readonly retval: boolean;
}

/** An event map: event name → listener signature. */
export type EventMap<M> = { [K in keyof M]: AnyListener };

function isPromise(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === "object" && typeof (v as { then?: unknown }).then === "function";
}

/** The error for an event name a target does not have, suggesting the camelCase spelling of a snake_case name. */
export function unknownEventError(name: string, targetName: string, names: readonly string[]): ArgumentError {
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const hint =
    camel !== name && names.includes(camel)
      ? ` Did you mean '${camel}'? (Athanor spells SQLAlchemy's event names in camelCase.)`
      : "";
  return new ArgumentError(
    `No event named '${name}' on ${targetName}.${hint} ${targetName} events: ${names.join(", ")}.`,
    "ATH-EVENT",
  );
}

export class Dispatcher<M extends EventMap<M>> {
  private readonly lists: { [K in keyof M]?: Registration[] } = {};
  /** False until a listener is first registered: `has` is then a field read on the hot path. */
  private listening = false;

  constructor(
    /** What the events are on ("Engine", "Pool"), for messages. */
    readonly targetName: string,
    /** The event names this target accepts. */
    readonly names: readonly (keyof M & string)[],
  ) {}

  /** Whether `name` is an event of this target. */
  accepts(name: string): name is keyof M & string {
    return (this.names as readonly string[]).includes(name);
  }

  /** Throws a helpful error for an unknown event name. */
  check(name: string): asserts name is keyof M & string {
    if (!this.accepts(name)) throw unknownEventError(name, this.targetName, this.names);
  }

  listen<K extends keyof M & string>(name: K, fn: M[K], options: ListenOptions = {}): void {
    this.check(name);
    if (typeof fn !== "function")
      throw new ArgumentError(
        `The listener for '${name}' must be a function, got ${typeof fn}.`,
        "ATH-EVENT",
      );
    this.listening = true;
    const list = (this.lists[name] ??= []);
    // As in SQLAlchemy, registering the same function twice for one event keeps one registration.
    if (list.some((r) => r.fn === fn)) return;
    const reg: Registration = { fn, once: options.once === true, retval: options.retval === true };
    if (options.insert) list.unshift(reg);
    else list.push(reg);
  }

  /** Removes a listener; throws when it was not registered (as SQLAlchemy's `event.remove`). */
  remove<K extends keyof M & string>(name: K, fn: M[K]): void {
    this.check(name);
    const list = this.lists[name];
    const i = list ? list.findIndex((r) => r.fn === fn) : -1;
    if (i === -1) {
      throw new InvalidRequestError(
        `No listener ${fn.name ? `'${fn.name}' ` : ""}is registered for the '${name}' event on this ${this.targetName}; ` +
          "pass the same function object that was given to listen().",
        "ATH-EVENT",
      );
    }
    list!.splice(i, 1);
  }

  contains<K extends keyof M & string>(name: K, fn: M[K]): boolean {
    this.check(name);
    return this.lists[name]?.some((r) => r.fn === fn) ?? false;
  }

  /** Whether any listener is registered for `name` (cheap; checked on hot paths). */
  has(name: keyof M): boolean {
    if (!this.listening) return false;
    const list = this.lists[name];
    return list !== undefined && list.length > 0;
  }

  /** The registrations to run now; `once` listeners are removed before they run. */
  private take(name: keyof M): Registration[] {
    const list = this.lists[name];
    if (!list || list.length === 0) return [];
    const snapshot = list.slice();
    if (snapshot.some((r) => r.once)) this.lists[name] = list.filter((r) => !r.once);
    return snapshot;
  }

  /** Runs every listener of `name` in order, awaiting async ones. The first error stops the run. */
  async fire<K extends keyof M & string>(name: K, ...args: Parameters<M[K]>): Promise<void> {
    for (const reg of this.take(name)) {
      const r = reg.fn(...args);
      if (isPromise(r)) await r;
    }
  }

  /**
   * Runs the listeners of a `retval` event: each `retval: true` listener's result (when not
   * undefined) is given to `apply`, which returns the arguments for the next listener.
   */
  async fireWithRetval<K extends keyof M & string>(
    name: K,
    args: Parameters<M[K]>,
    apply: (args: Parameters<M[K]>, returned: unknown) => Parameters<M[K]>,
  ): Promise<Parameters<M[K]>> {
    let current = args;
    for (const reg of this.take(name)) {
      let r = reg.fn(...current);
      if (isPromise(r)) r = await r;
      if (reg.retval && r !== undefined) current = apply(current, r);
    }
    return current;
  }

  /** Every listener of `name`, for handlers that chain results (handleError). */
  listeners<K extends keyof M & string>(name: K): M[K][] {
    return this.take(name).map((r) => r.fn as M[K]);
  }
}
