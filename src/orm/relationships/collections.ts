/**
 * Relationship collections (SQLAlchemy: `orm/collections.py` InstrumentedList): a real Array
 * whose mutating methods (push, pop, shift, unshift, splice) tell the ORM what was added and
 * removed, so the other side of `backPopulates` follows in memory, new children join the
 * Session (save-update cascade), and the flush knows the collection changed.
 *
 * Replacing the whole array (`user.orders = [...]`) is tracked too. Index assignment
 * (`list[3] = x`) and `length = 0` are not (JavaScript gives arrays no hook for them without a
 * Proxy on every collection): use splice or assign a new array.
 */
import type { InstanceState } from "../state/instance-state.js";
import type { RelationshipProperty } from "./property.js";

/** What a collection reports its changes to (attributes.ts). */
export interface CollectionOwner {
  readonly state: InstanceState;
  readonly prop: RelationshipProperty;
}

/** The change hooks; set by attributes.ts (kept as a slot to avoid an import cycle). */
export const collectionEvents: {
  /** Refuses an item of the wrong class before the collection changes. */
  check(owner: CollectionOwner, item: unknown): void;
  willChange(owner: CollectionOwner, list: unknown[]): void;
  appended(owner: CollectionOwner, item: unknown): void;
  removed(owner: CollectionOwner, item: unknown): void;
} = {
  check() {},
  willChange() {},
  appended() {},
  removed() {},
};

const OWNER: unique symbol = Symbol("athanor.orm.collectionOwner");

const push = Array.prototype.push;
const splice = Array.prototype.splice;

let setOwner: (list: InstrumentedList<unknown>, owner: CollectionOwner) => void;

/** A relationship's collection: an Array whose mutations the ORM sees. */
export class InstrumentedList<T> extends Array<T> {
  // A private field, not a hidden property: defining one on each new collection cost 4× the rest of making it.
  #owner: CollectionOwner | undefined;
  static {
    setOwner = (list, owner) => void (list.#owner = owner);
  }
  get [OWNER](): CollectionOwner {
    return this.#owner!;
  }

  // map(), filter(), slice() … return plain arrays, not tracked collections.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  override push(...items: T[]): number {
    const o = this[OWNER];
    for (const it of items) collectionEvents.check(o, it);
    collectionEvents.willChange(o, this);
    const n = push.apply(this, items);
    for (const it of items) collectionEvents.appended(o, it);
    return n;
  }
  override unshift(...items: T[]): number {
    const o = this[OWNER];
    for (const it of items) collectionEvents.check(o, it);
    collectionEvents.willChange(o, this);
    const n = super.unshift(...items);
    for (const it of items) collectionEvents.appended(o, it);
    return n;
  }
  override pop(): T | undefined {
    if (this.length === 0) return undefined;
    const o = this[OWNER];
    collectionEvents.willChange(o, this);
    const it = super.pop()!;
    collectionEvents.removed(o, it);
    return it;
  }
  override shift(): T | undefined {
    if (this.length === 0) return undefined;
    const o = this[OWNER];
    collectionEvents.willChange(o, this);
    const it = super.shift()!;
    collectionEvents.removed(o, it);
    return it;
  }
  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    const o = this[OWNER];
    for (const it of items) collectionEvents.check(o, it);
    collectionEvents.willChange(o, this);
    const removed = (
      deleteCount === undefined && items.length === 0
        ? splice.apply(this, [start] as unknown as [number, number])
        : splice.apply(this, [start, deleteCount ?? 0, ...items] as [number, number, ...T[]])
    ) as T[];
    for (const it of removed) if (!this.includes(it)) collectionEvents.removed(o, it);
    for (const it of items) collectionEvents.appended(o, it);
    return removed;
  }
}

/** A tracked collection holding `items` (a copy), owned by a state's relationship. */
export function makeCollection<T>(owner: CollectionOwner, items: readonly T[]): InstrumentedList<T> {
  const list = new InstrumentedList<T>();
  setOwner(list, owner);
  if (items.length > 0) push.apply(list, items as T[]);
  return list;
}

/** Appends without events (loading, and the other side of backPopulates). */
export function appendQuietly(list: unknown[], item: unknown): void {
  push.call(list, item);
}

/** Removes without events; true when it was there. */
export function removeQuietly(list: unknown[], item: unknown): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  splice.call(list, i, 1);
  return true;
}

/** Whether a value is one of the ORM's collections. */
export function isInstrumentedList(v: unknown): v is InstrumentedList<unknown> {
  return v instanceof InstrumentedList;
}
