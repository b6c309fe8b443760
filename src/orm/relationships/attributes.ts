/**
 * Relationship attributes on instances (SQLAlchemy: `orm/attributes.py` ScalarObjectAttributeImpl,
 * CollectionAttributeImpl, and `backref_listeners`).
 *
 * Reading never does I/O. A relationship that is not loaded reads as:
 * - empty (`[]` / `null`) on an object made by its constructor (nothing can be related to it yet
 *   that the object doesn't know of), and with the "noload" strategy;
 * - an UnloadedRelationshipError otherwise, naming the relationship and the two fixes: a loader
 *   option in the query (`selectinload(User.orders)`) or `await session.load(user, "orders")`.
 *   SQLAlchemy would run a query here (a lazy load, the N+1 problem's source); in async
 *   TypeScript an attribute read can't wait for one, so the mistake is caught instead.
 *
 * Writing records the value before the first change (the flush's history), keeps the other side
 * of `backPopulates` in step in memory, adds new related objects to the parent's Session
 * (save-update cascade), and flags objects joining or leaving a delete-orphan relationship
 * (`parent-flags.ts`), as SQLAlchemy's attribute events do.
 */
import { AttributeValueError, UnloadedRelationshipError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import { mapperOfInstance } from "../mapping/registry.js";
import { ensureState } from "../state/instrumentation.js";
import { NO_VALUE, STATE, type InstanceState } from "../state/instance-state.js";
import {
  appendQuietly,
  collectionEvents,
  isInstrumentedList,
  makeCollection,
  removeQuietly,
  type CollectionOwner,
} from "./collections.js";
import { setHasParent, tracksParents } from "./parent-flags.js";
import type { RelationshipProperty } from "./property.js";
import { isWriteOnlyCollection, makeWriteOnly } from "./write-only.js";

/** Installs the accessor of a relationship on the mapped class's prototype. */
export function instrumentRelationship(proto: object, prop: RelationshipProperty): void {
  Object.defineProperty(proto, prop.key, {
    configurable: true,
    enumerable: false,
    get(this: object) {
      return getRelated(this, prop);
    },
    set(this: object, value: unknown) {
      setRelated(this, prop, value);
    },
  });
}

function stateOfObj(obj: object, prop: RelationshipProperty): InstanceState {
  return (obj as { [STATE]?: InstanceState })[STATE] ?? ensureState(obj, prop.mapper);
}

function slots(s: InstanceState): unknown[] {
  let r = s.related;
  if (r === null) {
    r = s.related = new Array<unknown>(s.mapper.relationships.length);
  }
  return r;
}

/** The value of a relationship, or the error saying it is not loaded. */
export function getRelated(obj: object, prop: RelationshipProperty): unknown {
  const s = stateOfObj(obj, prop);
  const v = s.related?.[prop.index];
  if (v !== undefined) return v;
  if (prop.writeOnly) return (slots(s)[prop.index] = makeWriteOnly(s, prop));
  if (s.key === null || s.newborn || prop.strategyKey === "noload") {
    return (slots(s)[prop.index] = prop.uselist ? makeCollection({ state: s, prop }, []) : null);
  }
  throw new UnloadedRelationshipError(prop, s.session === null);
}

/** Whether a relationship's value is in memory (loaded, set, or a write-only collection). */
export function isRelatedLoaded(s: InstanceState, prop: RelationshipProperty): boolean {
  return s.related?.[prop.index] !== undefined;
}

/** The related value if loaded, else undefined (no error). */
export function peekRelated(s: InstanceState, prop: RelationshipProperty): unknown {
  return s.related?.[prop.index];
}

/**
 * Sets a loaded value without history or events (loaders; SQLAlchemy: `set_committed_value`).
 * Collections are given as arrays and stored as tracked collections.
 */
export function setCommittedRelated(s: InstanceState, prop: RelationshipProperty, value: unknown): void {
  slots(s)[prop.index] = prop.uselist
    ? makeCollection({ state: s, prop }, (value as unknown[]) ?? [])
    : value;
  s.relCommitted?.delete(prop.index);
}

/** Records the value before the first change since load or flush, and tells the Session. */
function willChange(s: InstanceState, prop: RelationshipProperty): void {
  let c = s.relCommitted;
  if (c === null) c = s.relCommitted = new Map();
  if (!c.has(prop.index)) {
    const v = s.related?.[prop.index];
    c.set(prop.index, v === undefined ? (s.key === null || s.newborn ? emptyOf(prop) : NO_VALUE) : copyOf(v));
  }
  if (s.session !== null && s.key !== null) s.session._markDirty(s);
}

function emptyOf(prop: RelationshipProperty): unknown {
  return prop.uselist ? [] : null;
}
function copyOf(v: unknown): unknown {
  return Array.isArray(v) ? [...v] : v;
}

/** Assignment: `order.user = u`, `user.orders = [a, b]`. */
export function setRelated(obj: object, prop: RelationshipProperty, value: unknown): void {
  const s = stateOfObj(obj, prop);
  if (prop.viewonly) {
    throw new AttributeValueError(`${prop.where} is viewonly; it can't be assigned.`);
  }
  if (prop.writeOnly) {
    assignWriteOnly(s, prop, value);
    return;
  }
  if (prop.uselist) {
    if (!Array.isArray(value)) {
      throw new AttributeValueError(
        `${prop.where} is a collection of ${prop.target.className}; assign an array (got ${describe(value)}).`,
      );
    }
    for (const v of value) checkTarget(prop, v);
    const old = s.related?.[prop.index];
    willChange(s, prop);
    const next = makeCollection({ state: s, prop }, value);
    slots(s)[prop.index] = next;
    const before = Array.isArray(old) ? old : [];
    for (const o of before) if (!value.includes(o)) removedFrom(s, prop, o);
    for (const o of value) if (!before.includes(o)) appendedTo(s, prop, o);
    return;
  }
  if (value !== null) checkTarget(prop, value);
  const old = s.related?.[prop.index];
  if (old === value) return;
  willChange(s, prop);
  slots(s)[prop.index] = value;
  const rev = prop.reverse;
  if (rev !== null) {
    if (old !== undefined && old !== null) unlinkReverse(old as object, rev, s.obj);
    if (value !== null) linkReverse(value as object, rev, s.obj);
    // This object has (or lost) its parent through the other side, loaded or not.
    if (tracksParents(rev)) {
      if (value === null && old !== undefined && old !== null)
        detachedFrom(stateOfObj(old as object, rev), rev, s.obj);
      else setHasParent(s.obj, rev, value !== null);
    }
  }
  if (tracksParents(prop)) {
    if (old !== undefined && old !== null) detachedFrom(s, prop, old as object);
    if (value !== null) setHasParent(value as object, prop, true);
  }
  if (value !== null) cascadeAttach(s, prop, value as object);
}

/** An object joined a collection (push, splice, assignment). */
function appendedTo(s: InstanceState, prop: RelationshipProperty, child: unknown): void {
  const rev = prop.reverse;
  if (rev !== null) linkReverse(child as object, rev, s.obj);
  if (tracksParents(prop)) setHasParent(child as object, prop, true);
  cascadeAttach(s, prop, child as object);
}

/** An object left a collection. */
function removedFrom(s: InstanceState, prop: RelationshipProperty, child: unknown): void {
  const rev = prop.reverse;
  if (rev !== null && child !== null && typeof child === "object") unlinkReverse(child, rev, s.obj);
  if (tracksParents(prop) && child !== null && typeof child === "object") detachedFrom(s, prop, child);
}

/**
 * delete-orphan: `child` left `prop` of `s`. A pending child leaves the Session at once (it
 * would be an orphan row); a persistent one is deleted at flush (SQLAlchemy's cascade events).
 */
function detachedFrom(s: InstanceState, prop: RelationshipProperty, child: object): void {
  setHasParent(child, prop, false);
  const cs = (child as { [STATE]?: InstanceState })[STATE];
  const session = s.session;
  if (cs !== undefined && cs.key === null && session !== null && cs.session === session)
    (session as unknown as { expunge(obj: object): void }).expunge(child);
}

/** The other side: `child.rev` now includes / is `parent`. */
function linkReverse(child: object, rev: RelationshipProperty, parent: object): void {
  const cs = stateOfObj(child, rev);
  const cur = cs.related?.[rev.index];
  if (rev.writeOnly) return;
  if (tracksParents(rev)) setHasParent(parent, rev, true);
  if (rev.uselist) {
    if (cur === undefined && !(cs.key === null || cs.newborn)) return; // not loaded: the flush has it from this side
    const list = cur === undefined ? (getRelated(child, rev) as unknown[]) : (cur as unknown[]);
    if (list.includes(parent)) return;
    willChange(cs, rev);
    appendQuietly(list, parent);
    return;
  }
  if (cur === parent) return;
  willChange(cs, rev);
  slots(cs)[rev.index] = parent;
  if (tracksParents(rev) && cur !== undefined && cur !== null) setHasParent(cur as object, rev, false);
  // A one-to-many's child moves: take it out of its previous parent's loaded collection.
  if (cur !== undefined && cur !== null) {
    const back = rev.reverse;
    if (back !== null && back.uselist) {
      const prevState = stateOfObj(cur as object, back);
      const list = prevState.related?.[back.index];
      if (Array.isArray(list) && list.includes(child)) {
        willChange(prevState, back);
        removeQuietly(list, child);
      }
      if (tracksParents(back)) setHasParent(child, back, false);
    }
  }
}

/** The other side: `child.rev` no longer includes / is `parent`. */
function unlinkReverse(child: object, rev: RelationshipProperty, parent: object): void {
  if (tracksParents(rev)) setHasParent(parent, rev, false);
  const cs = stateOfObj(child, rev);
  const cur = cs.related?.[rev.index];
  if (cur === undefined || rev.writeOnly) return;
  if (rev.uselist) {
    if (Array.isArray(cur) && cur.includes(parent)) {
      willChange(cs, rev);
      removeQuietly(cur, parent);
    }
    return;
  }
  if (cur === parent) {
    willChange(cs, rev);
    slots(cs)[rev.index] = null;
  }
}

/** save-update cascade: an object related to one in a Session joins that Session. */
function cascadeAttach(s: InstanceState, prop: RelationshipProperty, child: object): void {
  if (s.session === null || !prop.cascade.has("save-update")) return;
  const cs = (child as { [STATE]?: InstanceState })[STATE];
  if (cs !== undefined && cs.session === s.session) return;
  s.session.add(child);
}

function assignWriteOnly(s: InstanceState, prop: RelationshipProperty, value: unknown): void {
  if (s.key !== null && !s.newborn) {
    throw new AttributeValueError(
      `${prop.where} is a write-only collection; on a persistent object it can't be replaced. ` +
        `Use ${prop.key}.add(obj) / .remove(obj), or delete the rows with a statement.`,
    );
  }
  if (!Array.isArray(value)) {
    throw new AttributeValueError(
      `${prop.where} takes an array of ${prop.target.className} (got ${describe(value)}).`,
    );
  }
  const coll = getRelated(s.obj, prop);
  if (!isWriteOnlyCollection(coll)) return;
  coll.addAll(value as object[]);
}

function checkTarget(prop: RelationshipProperty, v: unknown): void {
  const m: Mapper | null = mapperOfInstance(v);
  if (m !== prop.target) {
    throw new AttributeValueError(
      `${prop.where} takes ${prop.target.className} instances; got ${m ? `a ${m.className}` : describe(v)}.`,
    );
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return `an object of class ${(v as object).constructor?.name ?? "?"}`;
  return `${typeof v} ${String(v)}`;
}

// Collections report their mutations here.
collectionEvents.check = (o: CollectionOwner, item: unknown) => checkTarget(o.prop, item);
collectionEvents.willChange = (o: CollectionOwner) => willChange(o.state, o.prop);
collectionEvents.appended = (o: CollectionOwner, item: unknown) => appendedTo(o.state, o.prop, item);
collectionEvents.removed = (o: CollectionOwner, item: unknown) => removedFrom(o.state, o.prop, item);

export { isInstrumentedList };
