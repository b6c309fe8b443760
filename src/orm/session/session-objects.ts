/**
 * Moving objects between lifecycle states (SQLAlchemy: `Session._save_impl`, `_update_impl`,
 * `_delete_impl`, `expunge`, `merge`, `refresh`), as functions over a Session.
 */
import { ArgumentError, InvalidRequestError } from "../../util/errors.js";
import { DetachedInstanceError, ObjectDeletedError, UnmappedInstanceError } from "../errors.js";
import { loadByIdentity, refreshState, type LoadByIdentityOptions } from "../loading/load-by-identity.js";
import type { Mapper } from "../mapping/mapper.js";
import { mapperOfInstance } from "../mapping/registry.js";
import { InstanceState, STATE, stateOf } from "../state/instance-state.js";
import { ensureState, setColumnValue } from "../state/instrumentation.js";
import type { Session } from "./session.js";
import { relatedInMemory } from "../relationships/cascade.js";

/** The state of a mapped instance (created for imperatively mapped objects never touched), or UnmappedInstanceError. */
export function stateFor(obj: unknown): InstanceState {
  const mapper = mapperOfInstance(obj);
  if (mapper === null) throw new UnmappedInstanceError(obj);
  mapper.registry.configure();
  return ensureState(obj as object, mapper);
}

/** Class fields (without `declare`) shadow the prototype accessors; refuse such a class once, clearly. */
function checkShadowing(mapper: Mapper, obj: object): void {
  if (mapper._shadowChecked) return;
  for (const p of mapper.columnProps) {
    if (Object.prototype.hasOwnProperty.call(obj, p.key)) {
      throw new ArgumentError(
        `${mapper.className} has an own property '${p.key}' hiding the mapped attribute: a class field replaces the ORM's ` +
          `accessor. Declare it without a field, \`declare ${p.key}: …\`, and set it in the constructor.`,
        "ATH-ORM-SHADOWED",
      );
    }
  }
  mapper._shadowChecked = true;
}

export function add(session: Session, obj: object): void {
  const s = stateFor(obj);
  addOne(session, obj, s);
  // save-update cascade: related objects in memory join too (SQLAlchemy: cascade_iterator).
  if (s.related !== null && s.session === session) {
    for (const [, child] of relatedInMemory(s, "save-update")) {
      const cs = stateOf(child);
      if (cs === undefined || cs.session !== session) add(session, child);
    }
  }
}

function addOne(session: Session, obj: object, s: InstanceState): void {
  checkShadowing(s.mapper, obj);
  session._tx.active = true;
  if (s.session === session) {
    if (s.key !== null && session._deleted.has(s)) session._deleted.delete(s);
    return;
  }
  if (s.session !== null) {
    throw new InvalidRequestError(
      `Object ${s.mapper.className} is already attached to another Session. Expunge it there first, or merge() it into this one.`,
      "ATH-ORM-OTHER-SESSION",
    );
  }
  if (s.key === null) {
    s.session = session;
    session._new.add(s);
    return;
  }
  const other = session.identityMap.get(s.mapper, s.key);
  if (other !== undefined && other !== s) {
    throw new InvalidRequestError(
      `Can't attach ${s.mapper.className} ${JSON.stringify(s.key)}: another instance with this identity is already in the Session. Use merge() to copy its state instead.`,
      "ATH-ORM-IDENTITY-CONFLICT",
    );
  }
  s.session = session;
  s.deleted = false;
  session.identityMap.add(s);
  if (s.modified) session._dirty.add(s);
}

export function markDeleted(session: Session, obj: object): void {
  const s = stateFor(obj);
  if (s.key === null) {
    throw new InvalidRequestError(
      `Instance ${s.mapper.className} is not persisted: it was never flushed, so there is nothing to DELETE. Use expunge() to discard a pending object.`,
      "ATH-ORM-NOT-PERSISTED",
    );
  }
  if (s.session !== session) add(session, obj);
  if (s.deleted) return;
  session._tx.active = true;
  session._deleted.add(s);
}

export function expunge(session: Session, obj: object): void {
  const s = session._ownState(obj, "expunged");
  detach(session, s);
}

function detach(session: Session, s: InstanceState): void {
  session._new.delete(s);
  session._dirty.delete(s);
  session._deleted.delete(s);
  session._tx.inserted.delete(s);
  session._tx.deleted.delete(s);
  session.identityMap.remove(s);
  s.session = null;
  s.deleted = false;
}

export function expungeAll(session: Session): void {
  for (const s of [
    ...session.identityMap.states(),
    ...session._new,
    ...session._deleted,
    ...session._tx.deleted,
  ]) {
    s.session = null;
    s.deleted = false;
  }
  session.identityMap.clear();
  session._new.clear();
  session._dirty.clear();
  session._deleted.clear();
}

function indexesOf(mapper: Mapper, attributes: readonly string[] | undefined): number[] | null {
  if (attributes === undefined) return null;
  return attributes.map((key) => {
    const p = mapper.columnProps.find((c) => c.key === key);
    if (p === undefined) mapper.prop(key); // raises naming the attributes
    return p!.index;
  });
}

export function expire(session: Session, obj: object, attributes?: readonly string[]): void {
  const s = session._ownState(obj, "expired");
  if (s.key === null)
    throw new InvalidRequestError(
      `Instance ${s.mapper.className} is pending; only persistent objects can be expired.`,
      "ATH-ORM-NOT-PERSISTED",
    );
  s.expire("it was expired by expire()", indexesOf(s.mapper, attributes) ?? undefined);
}

/** Drops the pending changes of the attributes a refresh will load (and of the object, when all are). */
export function expireForRefresh(session: Session, obj: object, attributes?: readonly string[]): void {
  const s = session._ownState(obj, "refreshed");
  if (s.key === null || s.deleted) return;
  const indexes = indexesOf(s.mapper, attributes);
  if (indexes === null) s.committed = null;
  else for (const i of indexes) s.committed?.delete(i);
}

export async function refresh(
  session: Session,
  obj: object,
  attributes: readonly string[] | undefined,
  forUpdate: LoadByIdentityOptions["forUpdate"],
): Promise<void> {
  const s = session._ownState(obj, "refreshed");
  if (s.key === null || s.deleted) {
    throw new InvalidRequestError(
      `Instance ${s.mapper.className} is not persistent within this Session; only persistent objects can be refreshed.`,
      "ATH-ORM-NOT-PERSISTED",
    );
  }
  const conn = await session.connection();
  if (!(await refreshState(conn, s, indexesOf(s.mapper, attributes), forUpdate))) {
    throw new ObjectDeletedError(
      `Could not refresh instance ${s.mapper.className} ${JSON.stringify(s.identity())}: its row no longer exists.`,
    );
  }
}

export async function merge<T extends object>(session: Session, obj: T, load: boolean): Promise<T> {
  const source = stateFor(obj);
  if (source.session === session) return obj;
  const mapper = source.mapper;
  const pk = mapper.pkProps.map((p) => source.values[p.index]);
  let target: InstanceState | undefined;
  if (pk.every((v) => v !== undefined && v !== null)) {
    const key = mapper.identityKeyOfPk(pk);
    target = session.identityMap.get(mapper, key);
    if (target === undefined && load) {
      const conn = await session.connection();
      const found = await loadByIdentity(session, conn, mapper, pk);
      target = found === null ? undefined : stateOf(found);
    } else if (target === undefined && !load && source.key !== null) {
      // load=false: trust the given state as the row's (SQLAlchemy: merge(load=False)).
      target = newState(mapper);
      target.values = [...source.values];
      target.key = key;
      target.session = session;
      session.identityMap.add(target);
      return target.obj as T;
    }
  }
  if (target === undefined) {
    target = newState(mapper);
    add(session, target.obj);
  }
  for (const p of mapper.columnProps) {
    const v = source.values[p.index];
    if (v !== undefined && (target.values[p.index] === undefined || target.values[p.index] !== v))
      setColumnValue(target.obj, p, v);
  }
  if (target.key !== null && target.session !== session)
    throw new DetachedInstanceError(`merge() could not attach ${mapper.className}.`);
  return target.obj as T;
}

/** A new, empty instance without running its constructor (as loading makes them). */
function newState(mapper: Mapper): InstanceState {
  const obj = Object.create((mapper.class_ as { prototype: object }).prototype) as object;
  const s = new InstanceState(mapper, obj, mapper.emptyValues());
  Object.defineProperty(obj, STATE, { value: s, writable: true });
  return s;
}
