/**
 * The flush's bookkeeping around its statements: before them, what to undo on new objects if
 * the flush fails; after each, the keys and identity map of what was written.
 */
import { FlushError } from "../errors.js";
import type { MapperEventName } from "../events.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import type { UpdateRecord } from "./persistence-update.js";
import type { FlushContext, UnitOfWork } from "./unit-of-work.js";

/**
 * Remembers what the flush may change on new objects, to undo it if the flush fails (see
 * `SessionTransaction.restore`). Objects whose key the database makes, with no listener and no
 * foreign key copied in, only get unset values filled in: which values were set is enough.
 */
export function rememberNew(uow: UnitOfWork): void {
  const tx = uow.session._tx;
  const syncs = uow.syncs;
  const postSyncs = uow.postSyncs;
  for (const [mapper, set] of uow.saves) {
    // Not with given keys: RETURNING may give them back changed (CHAR padding, say).
    const fills =
      !uow.listened && mapper.pkProps.length === 1 && mapper.autoincrementProp === mapper.pkProps[0];
    const pk = mapper.pkProps[0]!.index;
    const list = set.values();
    const plainAll = fills && syncs.size === 0 && postSyncs.size === 0;
    if (plainAll && allNewWithoutKey(list, pk) && tx.rememberFilled(list)) continue;
    for (let k = 0; k < list.length; k++) {
      const s = list[k]!;
      if (s.key !== null) continue;
      const plain =
        fills &&
        s.values[pk] === undefined &&
        (syncs.size === 0 || !syncs.has(s)) &&
        (postSyncs.size === 0 || !postSyncs.has(s));
      tx.rememberPending(s, plain);
    }
  }
}

/** Whether every object is new and its key is unset (the database makes it). */
function allNewWithoutKey(states: readonly InstanceState[], pk: number): boolean {
  for (let k = 0; k < states.length; k++) {
    const s = states[k]!;
    if (s.key !== null || s.values[pk] !== undefined) return false;
  }
  return true;
}

const FLUSH_EVENTS: readonly MapperEventName[] = [
  "beforeInsert",
  "afterInsert",
  "beforeUpdate",
  "afterUpdate",
  "beforeDelete",
  "afterDelete",
];

/** Whether a listener of the mapper's flush events may change objects during a flush. */
export function hasFlushListeners(mapper: Mapper): boolean {
  return FLUSH_EVENTS.some((name) => mapper.events.has(name));
}

/** After the INSERTs of new objects of one mapper: their keys, and their place in the identity map. */
export function afterInsertedAll(ctx: FlushContext, mapper: Mapper, states: readonly InstanceState[]): void {
  const session = ctx.session;
  const inserted = session._tx.inserted;
  const idmap = session.identityMap.forMapper(mapper);
  // Into an empty map, a conflict can only be between the new objects: counted at the end.
  const fresh = idmap.size === 0;
  for (let k = 0; k < states.length; k++) {
    const s = states[k]!;
    const key = mapper.identityKey(s.values);
    if (key === null) {
      throw new FlushError(
        `Instance ${mapper.className} has a NULL identity key after its INSERT; its primary key was neither given nor generated.`,
      );
    }
    s.key = key;
    s.committed = null;
    inserted.push(s);
    if (!fresh) {
      const other = idmap.get(key);
      if (other !== undefined && other !== s) throw identityConflict(mapper, key);
    }
    idmap.set(key, s);
  }
  if (fresh && idmap.size !== states.length) {
    const seen = new Set<unknown>();
    for (const s of states) if (seen.size === seen.add(s.key).size) throw identityConflict(mapper, s.key!);
  }
  session._new.deleteAll(states);
}

/**
 * Takes `states` out of `set`. When they are all of it, in order (the changed objects of one
 * class, as changed), the set is cleared instead of emptied one by one.
 */
export function deleteAll(set: Set<InstanceState>, states: readonly InstanceState[]): void {
  if (set.size === states.length) {
    let k = 0;
    for (const s of set) {
      if (s !== states[k]) break;
      k++;
    }
    if (k === states.length) {
      set.clear();
      return;
    }
  }
  for (const s of states) set.delete(s);
}

function identityConflict(mapper: Mapper, key: unknown): FlushError {
  return new FlushError(
    `New instance ${mapper.className} with identity key ${JSON.stringify(key)} conflicts with a persistent instance already in the Session.`,
  );
}

/** After an UPDATE: a changed primary key moves the object in the identity map (and back on rollback). */
export function afterUpdated(ctx: FlushContext, r: UpdateRecord): void {
  const s = r.state;
  const key = s.mapper.identityKey(s.values);
  if (key !== null && key !== s.key) {
    const tx = ctx.session._tx;
    if (!tx.keySwitches.has(s)) tx.keySwitches.set(s, { key: s.key!, pk: r.keyValues });
    ctx.session.identityMap.remove(s);
    s.key = key;
    ctx.session.identityMap.add(s);
  }
}
