/**
 * Moving objects between lifecycle states (SQLAlchemy: `Session._save_impl`, `_update_impl`,
 * `_delete_impl`, `expunge`, `merge`, `refresh`), as functions over a Session.
 *
 * Each follows relationships with its cascade (SQLAlchemy: `Mapper.cascade_iterator`), over
 * the related objects in memory: `add` (save-update), `delete` (delete: the children are marked
 * deleted at once; the flush loads and deletes those not in memory), `expunge`, `expire` and
 * `refresh` (refresh-expire: related objects are expired, pending ones expunged), `merge`
 * (merge: related objects are merged too and the merged instance's relationships set to them).
 */
import { ArgumentError, InvalidRequestError } from "../../util/errors.js";
import { DetachedInstanceError, ObjectDeletedError, UnmappedInstanceError } from "../errors.js";
import { loadByIdentity, refreshState, type LoadByIdentityOptions } from "../loading/load-by-identity.js";
import type { Mapper } from "../mapping/mapper.js";
import { mapperOfInstance } from "../mapping/registry.js";
import { attachState, InstanceState, stateOf } from "../state/instance-state.js";
import { ensureState, setColumnValue } from "../state/instrumentation.js";
import type { Session } from "./session.js";
import { peekRelated, setCommittedRelated, setRelated } from "../relationships/attributes.js";
import { cascadeClosure, relatedInMemory } from "../relationships/cascade.js";
import { loadRelated } from "../relationships/loader.js";
import type { RelationshipProperty } from "../relationships/property.js";

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
    session._new.push(s); // not in this Session until now
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

/**
 * save-update cascade at flush: transient objects related (in memory) to new objects, or to
 * objects whose relationships changed, join the Session, as they would have had they been
 * related before `add()` (e.g. `order.user = user` after `session.add(user)`).
 */
export function cascadeOnFlush(session: Session): void {
  // Only objects holding related objects can cascade; most flushes have none.
  const holders: InstanceState[] = [];
  for (const s of session._new.values()) if (s.related !== null) holders.push(s);
  for (const s of session._dirty) if (s.related !== null) holders.push(s);
  for (const s of holders) {
    if (s.session !== session || s.related === null || (s.key !== null && !s.relModified)) continue;
    for (const [, child] of relatedInMemory(s, "save-update")) {
      const cs = stateOf(child);
      if (cs === undefined || (cs.session === null && cs.key === null)) add(session, child);
    }
  }
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
  // Collected before the object is marked (SQLAlchemy: the cascade is taken first too).
  const cascaded = cascadeClosure(s, "delete");
  session._deleted.add(s);
  for (const cs of cascaded) {
    if (cs.key === null) {
      if (cs.session === session) detach(session, cs); // pending: it has no row to delete
      continue;
    }
    if (cs.deleted || session._deleted.has(cs)) continue;
    if (cs.session === null) addOne(session, cs.obj, cs);
    if (cs.session === session) session._deleted.add(cs);
  }
}

export function expunge(session: Session, obj: object): void {
  const s = session._ownState(obj, "expunged");
  const cascaded = cascadeClosure(s, "expunge");
  detach(session, s);
  for (const cs of cascaded) if (cs.session === session) detach(session, cs);
}

function release(s: InstanceState): void {
  s.session = null;
  s.deleted = false;
}

function detach(session: Session, s: InstanceState): void {
  session._new.delete(s);
  session._dirtySet?.delete(s);
  session._deletedSet?.delete(s);
  session._tx._deleted?.delete(s);
  session.identityMap.remove(s);
  s.session = null;
  s.deleted = false;
}

export function expungeAll(session: Session): void {
  // Size checks first: a Session is often closed empty or nearly so, and clearing or iterating
  // an empty Set still allocates.
  session.identityMap.forEachState(release);
  if (session._new.size > 0) for (const s of session._new) release(s);
  const deleted = session._deletedSet;
  if (deleted !== null && deleted.size > 0) for (const s of deleted) release(s);
  const txDeleted = session._tx._deleted;
  if (txDeleted !== null && txDeleted.size > 0) for (const s of txDeleted) release(s);
  session.identityMap.clear();
  session._new.clear();
  const dirty = session._dirtySet;
  if (dirty !== null && dirty.size > 0) dirty.clear();
  if (deleted !== null && deleted.size > 0) deleted.clear();
}

/** The column and relationship indexes of attribute names (null: all of them). */
function indexesOf(
  mapper: Mapper,
  attributes: readonly string[] | undefined,
): { columns: number[]; relationships: RelationshipProperty[] } | null {
  if (attributes === undefined) return null;
  const columns: number[] = [];
  const relationships: RelationshipProperty[] = [];
  for (const key of attributes) {
    const p = mapper.prop(key); // raises naming the attributes
    if (p.kind === "relationship") relationships.push(p as RelationshipProperty);
    else columns.push(mapper.columnProps.find((c) => c.key === key)!.index);
  }
  return { columns, relationships };
}

/** refresh-expire cascade: a related persistent object is expired, a pending one expunged (SQLAlchemy: `_conditional_expire`). */
function expireCascaded(session: Session, related: readonly InstanceState[], reason: string): void {
  for (const cs of related) {
    if (cs.session !== session) continue;
    if (cs.key !== null) cs.expire(reason);
    else detach(session, cs);
  }
}

export function expire(session: Session, obj: object, attributes?: readonly string[]): void {
  const s = session._ownState(obj, "expired");
  if (s.key === null)
    throw new InvalidRequestError(
      `Instance ${s.mapper.className} is pending; only persistent objects can be expired.`,
      "ATH-ORM-NOT-PERSISTED",
    );
  const reason = "it was expired by expire()";
  const which = indexesOf(s.mapper, attributes);
  if (which === null) {
    const related = cascadeClosure(s, "refresh-expire");
    s.expire(reason);
    expireCascaded(session, related, reason);
    return;
  }
  if (which.columns.length > 0) s.expire(reason, which.columns);
  if (which.relationships.length > 0) s.expireRelated(which.relationships.map((r) => r.index));
}

/** Drops the pending changes of the attributes a refresh will load (and of the object, when all are). */
export function expireForRefresh(session: Session, obj: object, attributes?: readonly string[]): void {
  const s = session._ownState(obj, "refreshed");
  if (s.key === null || s.deleted) return;
  const which = indexesOf(s.mapper, attributes);
  if (which === null) {
    const related = cascadeClosure(s, "refresh-expire");
    s.committed = null;
    s.related = null;
    s.relCommitted = null;
    s.newborn = false;
    expireCascaded(session, related, "it was expired by refresh() of a related object");
    return;
  }
  for (const i of which.columns) s.committed?.delete(i);
  if (which.relationships.length > 0) s.expireRelated(which.relationships.map((r) => r.index));
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
  const which = indexesOf(s.mapper, attributes);
  const conn = await session.connection();
  if (which === null || which.columns.length > 0 || which.relationships.length === 0) {
    if (!(await refreshState(conn, s, which?.columns ?? null, forUpdate))) {
      throw new ObjectDeletedError(
        `Could not refresh instance ${s.mapper.className} ${JSON.stringify(s.identity())}: its row no longer exists.`,
      );
    }
  }
  for (const prop of which?.relationships ?? []) {
    if (!prop.writeOnly) await loadRelated(session, prop, [s], { reload: true });
  }
}

export async function merge<T extends object>(session: Session, obj: T, load: boolean): Promise<T> {
  return (await mergeState(session, stateFor(obj), load, new Map())) as T;
}

/** Merges one object; `memo` maps the objects merged so far to their Session instances (cycles of backPopulates). */
async function mergeState(
  session: Session,
  source: InstanceState,
  load: boolean,
  memo: Map<InstanceState, object>,
): Promise<object> {
  if (source.session === session) return source.obj;
  const done = memo.get(source);
  if (done !== undefined) return done;
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
      memo.set(source, target.obj);
      await mergeRelationships(session, source, target, load, memo);
      return target.obj;
    }
  }
  if (target === undefined) {
    target = newState(mapper);
    target.newborn = true;
    add(session, target.obj);
  }
  memo.set(source, target.obj);
  for (const p of mapper.columnProps) {
    const v = source.values[p.index];
    if (v !== undefined && (target.values[p.index] === undefined || target.values[p.index] !== v))
      setColumnValue(target.obj, p, v);
  }
  if (target.key !== null && target.session !== session)
    throw new DetachedInstanceError(`merge() could not attach ${mapper.className}.`);
  await mergeRelationships(session, source, target, load, memo);
  return target.obj;
}

/**
 * merge cascade: each relationship loaded on the source is merged member by member and set on
 * the target (recording changes for the flush; with load=false, as loaded state).
 */
async function mergeRelationships(
  session: Session,
  source: InstanceState,
  target: InstanceState,
  load: boolean,
  memo: Map<InstanceState, object>,
): Promise<void> {
  for (const prop of source.mapper.relationships) {
    if (!prop.cascade.has("merge") || prop.viewonly || prop.writeOnly) continue;
    const v = peekRelated(source, prop);
    if (v === undefined) continue;
    // The target's current members first, so the change is recorded against them.
    if (load && target.key !== null && !target.newborn && peekRelated(target, prop) === undefined)
      await loadRelated(session, prop, [target]);
    let merged: unknown;
    if (prop.uselist) {
      const list: object[] = [];
      for (const o of v as object[]) list.push(await mergeState(session, stateFor(o), load, memo));
      merged = list;
    } else merged = v === null ? null : await mergeState(session, stateFor(v), load, memo);
    if (!load) {
      setCommittedRelated(target, prop, merged);
      continue;
    }
    const cur = peekRelated(target, prop);
    const same = prop.uselist
      ? Array.isArray(cur) &&
        cur.length === (merged as object[]).length &&
        cur.every((o, i) => o === (merged as object[])[i])
      : cur === merged;
    if (!same) setRelated(target.obj, prop, merged);
  }
}

/** A new, empty instance without running its constructor (as loading makes them). */
function newState(mapper: Mapper): InstanceState {
  const obj = Object.create((mapper.class_ as { prototype: object }).prototype) as object;
  const s = new InstanceState(mapper, obj, mapper.emptyValues());
  attachState(obj, s);
  return s;
}
