/**
 * The unit of work (SQLAlchemy: `orm/unitofwork.py` UOWTransaction; MikroORM:
 * `UnitOfWork.persistToDatabase`). A flush writes what changed in a Session, in this order:
 *
 *  1. `beforeFlush` listeners (they may still add, change or delete objects);
 *  2. plan: new objects, and objects reachable from them along save-update cascades that are
 *     still transient; persistent objects whose attributes or relationships changed; objects
 *     marked deleted. Objects of classes without before-listeners are checked (a required
 *     column missing) before any SQL, the Session untouched;
 *  3. presort: each relationship's dependency processor (`relationships/dependency.ts`) looks
 *     at the objects in the flush and adds what follows: children whose foreign key changes,
 *     orphans and delete cascades (loading unloaded children of deleted objects, unless
 *     `passiveDeletes`), association rows; until nothing more is added;
 *  4. saves, parents before children (`commit-order.ts`; row by row levels for self-referential
 *     and cyclic mappers): foreign keys copied from parents (whose new keys are known by then),
 *     `beforeUpdate`/`beforeInsert`, UPDATEs grouped by changed columns, batched INSERTs,
 *     `afterUpdate`/`afterInsert`;
 *  5. `postUpdate` foreign keys, then association rows (`relationships/flush-secondary.ts`);
 *  6. deletes, children before parents: `beforeDelete`, DELETEs, `afterDelete`;
 *  7. bookkeeping as each statement succeeds (keys, identity map, committed values); at the
 *     end, relationship histories and write-only queues are cleared; `afterFlush`.
 *
 * When a statement fails, the Session rolls the transaction back and restores what the flush
 * changed in memory (see `Session.flush` and `SessionTransaction.restore`).
 */
import type { Connection } from "../../engine/connection.js";
import type { Dialect } from "../../dialects/base/dialect.js";
import { FlushError } from "../errors.js";
import type { MapperEventName } from "../events.js";
import type { Mapper } from "../mapping/mapper.js";
import { presort, processorsOf } from "../relationships/dependency.js";
import { applySyncs, postUpdateDeletes, postUpdateSaves } from "../relationships/flush-sync.js";
import { SecondaryWork } from "../relationships/flush-secondary.js";
import type { RelationshipProperty } from "../relationships/property.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { foreignKeyEdges, orderDeletes, orderSaves, sortMapperGroups } from "./commit-order.js";
import {
  afterInsertedAll,
  afterUpdated,
  deleteAll,
  hasFlushListeners,
  rememberNew,
} from "./flush-bookkeeping.js";
import { applyInsertDefaults, checkRequired } from "./flush-info.js";
import { insertStates } from "./persistence-insert.js";
import { deleteStates, prepareUpdate, updateRecords, type UpdateRecord } from "./persistence-update.js";
import * as objects from "./session-objects.js";
import { StateSet } from "./state-set.js";
import type { Session } from "./session.js";

/** What one flush works with. */
export interface FlushContext {
  readonly session: Session;
  readonly conn: Connection;
  readonly dialect: Dialect;
  /** Rows per multi-row INSERT. */
  readonly pageSize: number;
}

/**
 * A copy of a parent's key into a child's foreign key (or NULL when `source` is null), made just
 * before the child is saved (SQLAlchemy: `sync.populate` / `sync.clear`).
 */
export interface SyncOp {
  readonly prop: RelationshipProperty;
  readonly source: InstanceState | null;
  /** Value indexes of the source's referenced columns. */
  readonly from: readonly number[];
  /** Value indexes of the child's foreign key columns. */
  readonly to: readonly number[];
  /** Later ranks win: 0 clears (removed from a collection), 1 collection adds, 2 the child's own many-to-one. */
  readonly rank: number;
  /** Written by an UPDATE after every row is saved (`postUpdate: true`). */
  readonly post: boolean;
}

/**
 * A participant in flushes beyond a mapper's own rows (SQLAlchemy: `DependencyProcessor`).
 * Relationships have one each (`relationships/dependency.ts`); `Mapper.dependencyProcessors`
 * holds them.
 */
export interface DependencyProcessor {
  /** `[parent, child]` mapper pairs: the parent's rows are saved first and deleted last. */
  edges(): readonly (readonly [Mapper, Mapper])[];
  /** Objects of the processor's mapper being saved: register what follows (children, orphans, rows). */
  presortSaves(uow: UnitOfWork, states: readonly InstanceState[]): Promise<void>;
  /** Objects of the processor's mapper being deleted: cascades, children's foreign keys, rows. */
  presortDeletes(uow: UnitOfWork, states: readonly InstanceState[]): Promise<void>;
}

/** The work of one flush as collected from the Session, grouped by mapper. */
export interface FlushPlan {
  readonly inserts: Map<Mapper, InstanceState[]>;
  readonly updates: Map<Mapper, InstanceState[]>;
  readonly deletes: Map<Mapper, InstanceState[]>;
}

/** Collects the work of a flush; returns null when there is none. Checks what can be checked before SQL. */
export function planFlush(session: Session): FlushPlan | null {
  objects.cascadeOnFlush(session);
  const inserts = new Map<Mapper, InstanceState[]>();
  const updates = new Map<Mapper, InstanceState[]>();
  const deletes = new Map<Mapper, InstanceState[]>();
  groupByMapper(inserts, session._new.values());
  groupByMapper(deletes, session._deleted);
  const deleted = session._deleted;
  let lastMapper: Mapper | null = null;
  let lastList: InstanceState[] | null = null;
  for (const s of session._dirty) {
    if (s.session !== session || s.key === null || s.deleted || deleted.has(s)) continue;
    if (!(s.modified || s.relModified)) {
      session._dirty.delete(s);
      continue;
    }
    if (s.mapper !== lastMapper) {
      lastMapper = s.mapper;
      lastList = updates.get(lastMapper) ?? null;
      if (lastList === null) updates.set(lastMapper, (lastList = []));
    }
    lastList!.push(s);
  }
  if (inserts.size === 0 && updates.size === 0 && deletes.size === 0) return null;
  for (const [m, states] of inserts) {
    if (m.events.has("beforeInsert")) continue;
    checkRequired(m, states, true, "early");
  }
  for (const [m, states] of updates) {
    if (m.events.has("beforeUpdate")) continue;
    checkRequired(m, states, false, "early");
  }
  return { inserts, updates, deletes };
}

/** Appends states to their mapper's list (consecutive states of one mapper without a lookup each). */
function groupByMapper(
  out: Map<Mapper, InstanceState[]>,
  states: readonly InstanceState[] | Iterable<InstanceState>,
): void {
  if (Array.isArray(states)) {
    // Objects of one class (the usual case): one copy of the list.
    const list = states as readonly InstanceState[];
    const m = list[0]?.mapper;
    let k = 1;
    while (k < list.length && list[k]!.mapper === m) k++;
    if (k === list.length) {
      if (m !== undefined) out.set(m, list.slice());
      return;
    }
  }
  let lastMapper: Mapper | null = null;
  let lastList: InstanceState[] | null = null;
  for (const s of states) {
    if (s.mapper !== lastMapper) {
      lastMapper = s.mapper;
      lastList = out.get(lastMapper) ?? null;
      if (lastList === null) out.set(lastMapper, (lastList = []));
    }
    lastList!.push(s);
  }
}

/** The objects of one flush and what relationships add to it (SQLAlchemy: `UOWTransaction`). */
export class UnitOfWork {
  readonly session: Session;
  /** Objects to INSERT (no key) or UPDATE, by mapper, in the order met. */
  readonly saves = new Map<Mapper, StateSet>();
  readonly deletes = new Map<Mapper, Set<InstanceState>>();
  /** Foreign key copies to make before each object is saved. */
  readonly syncs = new Map<InstanceState, SyncOp[]>();
  /** `postUpdate` copies, written after every object is saved. */
  readonly postSyncs = new Map<InstanceState, SyncOp[]>();
  /** Pending objects whose key an object needs before it is saved, with the relationship why. */
  readonly saveAfter = new Map<InstanceState, Map<InstanceState, RelationshipProperty>>();
  readonly secondary = new SecondaryWork();
  /** Some mapper of the flush has flush listeners (they may change any object). */
  listened = true;
  /** Mappers with objects to save that `planFlush` did not check (relationships added them). */
  readonly unplanned = new Set<Mapper>();

  constructor(readonly ctx: FlushContext) {
    this.session = ctx.session;
  }

  isDeleting(s: InstanceState): boolean {
    return this.deletes.get(s.mapper)?.has(s) === true;
  }
  isSaving(s: InstanceState): boolean {
    return this.saves.get(s.mapper)?.has(s) === true;
  }
  /** The object is INSERTed or UPDATEd in this flush (unless it is deleted). */
  registerSave(s: InstanceState): void {
    if (this.isDeleting(s) || s.deleted) return;
    let set = this.saves.get(s.mapper);
    if (set === undefined) this.saves.set(s.mapper, (set = new StateSet()));
    if (set.has(s)) return;
    set.push(s);
    this.unplanned.add(s.mapper);
  }
  /** `registerSave` of objects of one mapper (before any delete is registered: none is skipped for that). */
  registerSaves(mapper: Mapper, states: readonly InstanceState[]): void {
    if (this.deletes.size > 0) {
      for (const s of states) this.registerSave(s);
      return;
    }
    // Planned objects are never deleted ones (pending, or persistent and not deleted: planFlush),
    // and new and changed ones are different objects: no membership check is needed.
    let set = this.saves.get(mapper);
    if (set === undefined) this.saves.set(mapper, (set = new StateSet()));
    for (const s of states) set.push(s);
  }
  /** The object is DELETEd in this flush; a pending one leaves the Session instead (it has no row). */
  registerDelete(s: InstanceState): void {
    this.saves.get(s.mapper)?.delete(s);
    if (s.key === null) {
      if (s.session === this.session) objects.expunge(this.session, s.obj);
      return;
    }
    if (s.deleted || this.isDeleting(s)) return;
    let set = this.deletes.get(s.mapper);
    if (set === undefined) this.deletes.set(s.mapper, (set = new Set()));
    set.add(s);
    this.session._deleted.add(s);
  }
  /** Records a foreign key copy for `child` (and that it must wait for a pending source's INSERT). */
  addSync(child: InstanceState, op: SyncOp): void {
    const map = op.post ? this.postSyncs : this.syncs;
    const list = map.get(child);
    if (list) list.push(op);
    else map.set(child, [op]);
    if (!op.post && op.source !== null && op.source.key === null && op.source !== child) {
      let deps = this.saveAfter.get(child);
      if (deps === undefined) this.saveAfter.set(child, (deps = new Map()));
      if (!deps.has(op.source)) deps.set(op.source, op.prop);
    }
  }
  /**
   * The state of an object a relationship of a flushed object holds. `rowChanges`: its own row is
   * written (a one-to-many child), so it must be in this Session; otherwise its key is enough.
   */
  memberState(prop: RelationshipProperty, obj: object, rowChanges: boolean): InstanceState {
    const cs = stateOf(obj)!;
    if (cs.session === this.session || (!rowChanges && cs.key !== null)) return cs;
    throw new FlushError(
      `${prop.where} holds a ${cs.mapper.className} that is ${cs.key === null ? "transient" : "detached"} (not in this Session), ` +
        `so the flush can't ${rowChanges ? "write its foreign key" : "use its key"}. Add it with session.add()` +
        (cs.key === null
          ? `, or keep the default "save-update" in ${prop.where}'s cascade.`
          : " or session.merge()."),
      "ATH-ORM-NOT-IN-SESSION",
    );
  }
  /** Mappers with work. */
  mappers(): Mapper[] {
    return [...new Set([...this.saves.keys(), ...this.deletes.keys()])];
  }
}

/** Carries out a flush plan on the transaction's connection. */
export async function executeFlush(ctx: FlushContext, plan: FlushPlan): Promise<void> {
  const session = ctx.session;
  const uow = new UnitOfWork(ctx);
  for (const [m, list] of plan.inserts) uow.registerSaves(m, list);
  for (const [m, list] of plan.updates) uow.registerSaves(m, list);
  for (const list of plan.deletes.values()) for (const s of list) uow.registerDelete(s);
  await presort(uow);

  const mappers = uow.mappers();
  const edges: (readonly [Mapper, Mapper])[] = foreignKeyEdges(mappers);
  for (const m of mappers) for (const p of processorsOf(m)) edges.push(...p.edges());
  const groups = sortMapperGroups(mappers, edges);
  // What the flush changes on new objects (keys, foreign keys, defaults) is undone if it fails.
  uow.listened = mappers.some(hasFlushListeners);
  rememberNew(uow);

  for (const batch of orderSaves(groups, uow.saves, uow.saveAfter))
    await saveBatch(ctx, uow, batch.mapper, batch.states);
  const writeUpdates = (m: Mapper, states: readonly InstanceState[]) => updateOnly(ctx, m, states);
  await postUpdateSaves(uow, writeUpdates);
  if (!uow.secondary.isEmpty) await uow.secondary.execute(ctx.conn, (s) => uow.isDeleting(s));
  await postUpdateDeletes(uow, writeUpdates);
  for (const batch of orderDeletes(groups, uow.deletes)) await deleteBatch(ctx, batch.mapper, batch.states);

  // The relationships as they are now are what the database holds.
  for (const set of uow.saves.values()) clearRelationshipHistory(set.values());
  for (const set of uow.deletes.values()) clearRelationshipHistory(set);
  session._tx.forgetPending();
}

function clearRelationshipHistory(states: Iterable<InstanceState>): void {
  for (const s of states) {
    if (s.relCommitted !== null) s.relCommitted = null;
    if (s.related !== null)
      for (const p of s.mapper.relationships)
        if (p.writeOnly) (s.related[p.index] as { _reset?(): void } | undefined)?._reset?.();
  }
}

/** UPDATEs and INSERTs of some objects of one mapper, their foreign keys copied first. */
async function saveBatch(
  ctx: FlushContext,
  uow: UnitOfWork,
  mapper: Mapper,
  states: readonly InstanceState[],
): Promise<void> {
  const session = ctx.session;
  const toUpdate: InstanceState[] = [];
  const toInsert: InstanceState[] = [];
  for (const s of states) (s.key !== null ? toUpdate : toInsert).push(s);
  // Columns checked before the flush can't have changed since, unless a listener ran.
  const recheck = uow.listened || uow.unplanned.has(mapper) ? "all" : "late";
  if (uow.syncs.size > 0) {
    for (const s of states) {
      const ops = uow.syncs.get(s);
      if (ops !== undefined) applySyncs(s, ops);
    }
  }
  await fireEach(ctx, mapper, "beforeUpdate", toUpdate);
  await fireEach(ctx, mapper, "beforeInsert", toInsert);

  const records: UpdateRecord[] = [];
  checkRequired(mapper, toUpdate, false, recheck);
  for (const s of toUpdate) {
    const r = prepareUpdate(mapper, s);
    if (r !== null) records.push(r);
  }
  if (records.length > 0) await updateRecords(ctx, mapper, records);
  for (const r of records) afterUpdated(ctx, r);
  for (const s of toUpdate) s.committed = null;
  deleteAll(session._dirty, toUpdate);

  checkRequired(mapper, toInsert, true, recheck);
  applyInsertDefaults(mapper, toInsert);
  if (toInsert.length > 0) await insertStates(ctx, mapper, toInsert);
  if (toInsert.length > 0) afterInsertedAll(ctx, mapper, toInsert);

  await fireEach(ctx, mapper, "afterUpdate", toUpdate);
  await fireEach(ctx, mapper, "afterInsert", toInsert);
}

/** UPDATEs of the changed columns of persistent objects, without events (postUpdate foreign keys). */
async function updateOnly(
  ctx: FlushContext,
  mapper: Mapper,
  states: readonly InstanceState[],
): Promise<void> {
  const records = states.map((s) => prepareUpdate(mapper, s)).filter((r) => r !== null);
  if (records.length > 0) await updateRecords(ctx, mapper, records);
  for (const r of records) afterUpdated(ctx, r);
  for (const s of states) s.committed = null;
}

/** DELETEs of some objects of one mapper. */
async function deleteBatch(
  ctx: FlushContext,
  mapper: Mapper,
  toDelete: readonly InstanceState[],
): Promise<void> {
  const session = ctx.session;
  await fireEach(ctx, mapper, "beforeDelete", toDelete);
  await deleteStates(ctx, mapper, toDelete);
  for (const s of toDelete) {
    session.identityMap.remove(s);
    s.deleted = true;
    s.committed = null;
    session._deleted.delete(s);
    session._dirty.delete(s);
    session._tx.deleted.add(s);
  }
  await fireEach(ctx, mapper, "afterDelete", toDelete);
}

/** Fires a mapper event for each object, in order (nothing to await when no one listens). */
async function fireEach(
  ctx: FlushContext,
  mapper: Mapper,
  name: MapperEventName,
  states: readonly InstanceState[],
): Promise<void> {
  if (!mapper.events.has(name)) return;
  for (const s of states) await mapper.events.fire(name, mapper, ctx.conn, s.obj);
}
