/**
 * The unit of work (SQLAlchemy: `orm/unitofwork.py`; MikroORM: `UnitOfWork.persistToDatabase`).
 * A flush writes what changed in a Session, in this order:
 *
 *  1. `beforeFlush` listeners (they may still add, change or delete objects);
 *  2. collect: new objects, persistent objects with changed attributes, objects marked deleted;
 *  3. check the objects of classes without before-listeners (a required column missing, a
 *     NULL in a NOT NULL column): such an error is raised before any SQL, the Session untouched;
 *  4. for each class, parents before children (`commit-order.ts`): `beforeUpdate`/`beforeInsert`
 *     listeners, the remaining checks, UPDATEs grouped by changed columns, batched INSERTs,
 *     then `afterUpdate`/`afterInsert` (update events fire for every changed-then-flushed
 *     object, even one whose values ended up as they were, as in SQLAlchemy);
 *  5. for each class, children before parents: `beforeDelete`, DELETEs, `afterDelete`;
 *  6. bookkeeping is done as each statement succeeds (keys, identity map, committed values), so
 *     the next class's statements see the new keys; `afterFlush`.
 *
 * Dependency processors (`Mapper.dependencyProcessors`) take part at each step: relationships
 * use them to order classes, copy parent keys into children and cascade deletes.
 * When a statement fails, the Session rolls the transaction back (see `Session.flush`).
 */
import type { Connection } from "../../engine/connection.js";
import type { Dialect } from "../../dialects/base/dialect.js";
import { FlushError } from "../errors.js";
import type { MapperEventName } from "../events.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { sortMappers } from "./commit-order.js";
import { applyInsertDefaults, insertStates } from "./persistence-insert.js";
import { deleteStates, prepareUpdate, updateRecords, type UpdateRecord } from "./persistence-update.js";
import type { Session } from "./session.js";

/** What one flush works with. */
export interface FlushContext {
  readonly session: Session;
  readonly conn: Connection;
  readonly dialect: Dialect;
  /** Rows per multi-row INSERT. */
  readonly pageSize: number;
}

/** A participant in flushes beyond a mapper's own rows (relationships: key syncing, cascades, ordering). */
export interface DependencyProcessor {
  /** `[parent, child]` pairs: the parent's rows are saved first and deleted last. */
  dependencies?(ctx: FlushContext): Iterable<readonly [Mapper, Mapper]>;
  /** Runs before a mapper's objects are saved (e.g. copies the parents' new keys into children). */
  beforeSave?(ctx: FlushContext, mapper: Mapper, states: readonly InstanceState[]): void | Promise<void>;
  /** Runs after a mapper's objects are saved. */
  afterSave?(ctx: FlushContext, mapper: Mapper, states: readonly InstanceState[]): void | Promise<void>;
  /** Runs before a mapper's objects are deleted (e.g. cascades, nulling children's keys). */
  beforeDelete?(ctx: FlushContext, mapper: Mapper, states: readonly InstanceState[]): void | Promise<void>;
}

/** The work of one flush, grouped by mapper. */
export interface FlushPlan {
  readonly inserts: Map<Mapper, InstanceState[]>;
  readonly updates: Map<Mapper, InstanceState[]>;
  readonly deletes: Map<Mapper, InstanceState[]>;
}

/** Collects the work of a flush; returns null when there is none. Checks what can be checked before SQL. */
export function planFlush(session: Session): FlushPlan | null {
  const inserts = new Map<Mapper, InstanceState[]>();
  const updates = new Map<Mapper, InstanceState[]>();
  const deletes = new Map<Mapper, InstanceState[]>();
  const push = (m: Map<Mapper, InstanceState[]>, s: InstanceState) => {
    const list = m.get(s.mapper);
    if (list) list.push(s);
    else m.set(s.mapper, [s]);
  };
  for (const s of session._new) push(inserts, s);
  for (const s of session._deleted) push(deletes, s);
  for (const s of session._dirty) {
    if (s.session !== session || s.key === null || s.deleted || session._deleted.has(s)) continue;
    if (s.modified) push(updates, s);
    else session._dirty.delete(s);
  }
  if (inserts.size === 0 && updates.size === 0 && deletes.size === 0) return null;
  for (const [m, states] of inserts)
    if (!hasBeforeListeners(m, "beforeInsert")) for (const s of states) checkRequired(m, s, true);
  for (const [m, states] of updates)
    if (!hasBeforeListeners(m, "beforeUpdate")) for (const s of states) checkRequired(m, s, false);
  return { inserts, updates, deletes };
}

/** Carries out a flush plan on the transaction's connection. */
export async function executeFlush(ctx: FlushContext, plan: FlushPlan): Promise<void> {
  const session = ctx.session;
  const mappers = [...new Set([...plan.inserts.keys(), ...plan.updates.keys(), ...plan.deletes.keys()])];
  const processors = [...new Set(mappers.flatMap((m) => m.dependencyProcessors))];
  const edges = processors.flatMap((p) => [...(p.dependencies?.(ctx) ?? [])]);
  const order = sortMappers(mappers, edges);

  for (const mapper of order) {
    const toUpdate = plan.updates.get(mapper) ?? [];
    const toInsert = plan.inserts.get(mapper) ?? [];
    if (toUpdate.length === 0 && toInsert.length === 0) continue;
    const saving = [...toUpdate, ...toInsert];
    for (const p of processors) await p.beforeSave?.(ctx, mapper, saving);
    await fireEach(ctx, mapper, "beforeUpdate", toUpdate);
    await fireEach(ctx, mapper, "beforeInsert", toInsert);

    const records: UpdateRecord[] = [];
    for (const s of toUpdate) {
      checkRequired(mapper, s, false);
      const r = prepareUpdate(mapper, s);
      if (r !== null) records.push(r);
    }
    if (records.length > 0) await updateRecords(ctx, mapper, records);
    for (const r of records) afterUpdated(ctx, r);
    for (const s of toUpdate) {
      s.committed = null;
      session._dirty.delete(s);
    }

    for (const s of toInsert) {
      checkRequired(mapper, s, true);
      applyInsertDefaults(mapper, s);
    }
    if (toInsert.length > 0) await insertStates(ctx, mapper, toInsert);
    for (const s of toInsert) afterInserted(ctx, s);

    await fireEach(ctx, mapper, "afterUpdate", toUpdate);
    await fireEach(ctx, mapper, "afterInsert", toInsert);
    for (const p of processors) await p.afterSave?.(ctx, mapper, saving);
  }

  for (const mapper of [...order].reverse()) {
    const toDelete = plan.deletes.get(mapper);
    if (!toDelete || toDelete.length === 0) continue;
    for (const p of processors) await p.beforeDelete?.(ctx, mapper, toDelete);
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

function afterInserted(ctx: FlushContext, s: InstanceState): void {
  const session = ctx.session;
  const key = s.mapper.identityKey(s.values);
  if (key === null) {
    throw new FlushError(
      `Instance ${s.mapper.className} has a NULL identity key after its INSERT; its primary key was neither given nor generated.`,
    );
  }
  s.key = key;
  s.committed = null;
  session._new.delete(s);
  session._tx.inserted.add(s);
  const other = session.identityMap.get(s.mapper, key);
  if (other !== undefined && other !== s) {
    throw new FlushError(
      `New instance ${s.mapper.className} with identity key ${JSON.stringify(key)} conflicts with a persistent instance already in the Session.`,
    );
  }
  session.identityMap.add(s);
}

function afterUpdated(ctx: FlushContext, r: UpdateRecord): void {
  const s = r.state;
  const key = s.mapper.identityKey(s.values);
  if (key !== null && key !== s.key) {
    // The primary key changed: the object moves in the identity map (and back on rollback).
    const tx = ctx.session._tx;
    if (!tx.keySwitches.has(s)) tx.keySwitches.set(s, { key: s.key!, pk: r.keyValues });
    ctx.session.identityMap.remove(s);
    s.key = key;
    ctx.session.identityMap.add(s);
  }
}

function hasBeforeListeners(m: Mapper, name: "beforeInsert" | "beforeUpdate"): boolean {
  return m.events.has(name) || m.dependencyProcessors.some((p) => p.beforeSave !== undefined);
}

/** A NOT NULL column must get a value: given, or from a default, autoincrement or version counter. */
function checkRequired(mapper: Mapper, s: InstanceState, inserting: boolean): void {
  for (const p of mapper.columnProps) {
    const col = p.column;
    if (col.nullable) continue;
    const v = s.values[p.index];
    if (v === null && p === mapper.autoincrementProp && inserting) continue;
    if (v === undefined) {
      if (!inserting) continue;
      if (col.insertDefault !== null || col.serverDefault !== null || p === mapper.autoincrementProp)
        continue;
      if (p === mapper.versionProp && mapper.versionIdGenerator !== false) continue;
    }
    if (v === undefined || v === null) {
      const state = v === null ? "null" : "not set";
      throw new FlushError(
        `Can't flush ${mapper.className}: ${mapper.className}.${p.key} is required (column '${mapper.table.name}.${col.name}' is NOT NULL` +
          `${inserting ? " with no default" : ""}) but is ${state}. Set it before flushing` +
          (inserting ? ", or give the column a default." : "."),
        "ATH-ORM-REQUIRED",
      );
    }
  }
}
