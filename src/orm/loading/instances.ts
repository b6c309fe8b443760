/**
 * One entity's columns in a row to its instance (SQLAlchemy: `loading._instance()`): the
 * identity key from the primary key columns, the object already in the Session's identity map
 * (its loaded and changed attributes are kept, unloaded ones are filled from the row), or a
 * new object made with `Object.create(prototype)` whose value array is the row itself (for a
 * SELECT of one whole entity) or its slice. No constructor runs, as in SQLAlchemy: loading is
 * not construction.
 *
 * These are the per-row loops, so they allocate only what an instance needs: no key arrays for
 * single-column primary keys, no copy of a row that already is the value array, and for a new
 * instance one state and one object (its state slot is a private field, see `attachState`).
 */
import { keyPart, type IdentityKey, type Mapper } from "../mapping/mapper.js";
import { attachState, InstanceState, type StateOwner } from "../state/instance-state.js";
import type { IdentityMap } from "../session/identity-map.js";
import type { LoadPlan } from "./compile-state.js";
import type { EntityLoad } from "./entity-load.js";

/** What loading needs of a Session. */
export interface LoadingSession extends StateOwner {
  readonly identityMap: IdentityMap;
}

/** A statement item that is an entity. */
export type EntityItem = Extract<LoadPlan["items"][number], { kind: "entity" }>;

/** The item of a plan whose rows are one entity's columns, all of them in table order; else null. */
export function wholeEntityItem(plan: LoadPlan): EntityItem | null {
  const only = plan.items.length === 1 ? plan.items[0]! : null;
  return only !== null && only.kind === "entity" && only.entity.indexes === null ? only : null;
}

/**
 * The instances of rows holding one whole entity each (`select(User)`; null where the primary
 * key is NULL): one Map lookup per row, and for a new instance one state and one object.
 */
export function entitiesFromRows(
  session: LoadingSession,
  item: EntityItem,
  rows: readonly unknown[][],
  width: number,
  populateExisting: boolean,
): (object | null)[] {
  const mapper = item.mapper;
  const idmap = session.identityMap.forMapper(mapper);
  const whole = item.offset === 0 && item.width === width;
  const pk = mapper.pkProps;
  const pkAt = pk.length === 1 ? pk[0]!.index : -1;
  const n = rows.length;
  const out = new Array<object | null>(n);
  for (let r = 0; r < n; r++) {
    const values = whole ? rows[r]! : rows[r]!.slice(item.offset, item.offset + item.width);
    let key: IdentityKey | null;
    if (pkAt >= 0) {
      const v = values[pkAt];
      key = typeof v === "number" ? v : v === null || v === undefined ? null : keyPart(v);
    } else key = mapper.identityKey(values);
    if (key === null) {
      out[r] = null;
      continue;
    }
    const existing = idmap.get(key);
    if (existing === undefined) out[r] = newInstance(session, mapper, idmap, key, values).obj;
    else {
      if (populateExisting) overwrite(existing, values);
      else fillUnloaded(existing, values);
      out[r] = existing.obj;
    }
  }
  return out;
}

/** Tuples of instances and values, one per row, for plans whose entities need only their columns. */
export function instancesFromRows(
  session: LoadingSession,
  plan: LoadPlan,
  rows: readonly unknown[][],
  populateExisting = false,
): unknown[][] {
  const only = wholeEntityItem(plan);
  if (only !== null) {
    const objs = entitiesFromRows(session, only, rows, plan.width, populateExisting);
    const out = new Array<unknown[]>(objs.length);
    for (let r = 0; r < objs.length; r++) out[r] = [objs[r]];
    return out;
  }
  const items = plan.items;
  const n = rows.length;
  const out = new Array<unknown[]>(n);
  const maps = items.map((it) => (it.kind === "entity" ? session.identityMap.forMapper(it.mapper) : null));
  const flags = { populated: false };
  for (let r = 0; r < n; r++) {
    const row = rows[r]!;
    const tuple = new Array<unknown>(items.length);
    for (let j = 0; j < items.length; j++) {
      const it = items[j]!;
      tuple[j] =
        it.kind === "entity"
          ? (loadEntity(session, it.entity, maps[j]!, row, populateExisting, flags)?.obj ?? null)
          : itemValue(it, row);
    }
    out[r] = tuple;
  }
  return out;
}

/** A non-entity item's value in a row: a column's value, or a FROM's columns as an object. */
export function itemValue(item: LoadPlan["items"][number], row: readonly unknown[]): unknown {
  if (item.kind === "column") return row[item.offset];
  if (item.kind === "from") {
    const o: Record<string, unknown> = {};
    item.keys.forEach((k, i) => (o[k] = row[item.offset + i]));
    return o;
  }
  return undefined;
}

/** The identity key of the entity's primary key columns in a row; null when one is NULL. */
function rowKey(e: EntityLoad, row: readonly unknown[]): IdentityKey | null {
  const pk = e.pkOffsets;
  if (pk.length === 1) {
    const v = row[pk[0]!];
    return typeof v === "number" ? v : v === null || v === undefined ? null : keyPart(v);
  }
  let key = "";
  for (let j = 0; j < pk.length; j++) {
    const v = row[pk[j]!];
    if (v === null || v === undefined) return null;
    key += String(keyPart(v)) + "\u0001";
  }
  return key;
}

/**
 * The state for an entity's columns in a row (from the identity map, or new); null when its
 * primary key is NULL (nothing on the outer side of a join). Sets `flags.populated`.
 */
export function loadEntity(
  session: LoadingSession,
  e: EntityLoad,
  idmap: Map<IdentityKey, InstanceState>,
  row: readonly unknown[],
  populateExisting: boolean,
  flags: { populated: boolean },
): InstanceState | null {
  const key = rowKey(e, row);
  if (key === null) return null;
  const idx = e.indexes;
  const existing = idmap.get(key);
  if (existing === undefined) {
    flags.populated = true;
    let values: unknown[];
    if (idx === null) {
      // The row is the value array when it holds nothing but the entity's columns.
      values =
        e.offset === 0 && row.length === e.width
          ? (row as unknown[])
          : row.slice(e.offset, e.offset + e.width);
    } else {
      values = e.mapper.emptyValues();
      for (let j = 0; j < idx.length; j++) values[idx[j]!] = row[e.offset + j];
    }
    return newInstance(session, e.mapper, idmap, key, values);
  }
  flags.populated = populateExisting;
  if (idx === null) {
    if (populateExisting) overwrite(existing, row.slice(e.offset, e.offset + e.width));
    // Filling reads the values only: no copy when the entity's columns come first.
    else fillUnloaded(existing, e.offset === 0 ? row : row.slice(e.offset, e.offset + e.width));
    return existing;
  }
  const v = existing.values;
  let changed = false;
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]!;
    if (populateExisting) {
      v[i] = row[e.offset + j];
      existing.committed?.delete(i);
      changed = true;
    } else if (v[i] === undefined) {
      v[i] = row[e.offset + j];
      changed = true;
    }
  }
  if (changed && !hasUnloadedDefaults(existing)) existing.unloadedReason = null;
  return existing;
}

/**
 * The instance for one entity's whole value array: the identity map's, or a new persistent
 * one. With `populateExisting` an existing instance's attributes are all overwritten (refresh).
 */
export function instanceFor(
  session: LoadingSession,
  mapper: Mapper,
  idmap: Map<IdentityKey, InstanceState>,
  values: unknown[],
  populateExisting: boolean,
): object | null {
  const key = mapper.identityKey(values);
  if (key === null) return null;
  const existing = idmap.get(key);
  if (existing !== undefined) {
    if (populateExisting) overwrite(existing, values);
    else fillUnloaded(existing, values);
    return existing.obj;
  }
  return newInstance(session, mapper, idmap, key, values).obj;
}

function newInstance(
  session: LoadingSession,
  mapper: Mapper,
  idmap: Map<IdentityKey, InstanceState>,
  key: IdentityKey,
  values: unknown[],
): InstanceState {
  const obj = Object.create((mapper.class_ as { prototype: object }).prototype) as object;
  const state = new InstanceState(mapper, obj, values);
  state.key = key;
  state.session = session;
  attachState(obj, state);
  idmap.set(key, state);
  if (mapper._loadedSample === null) keepLoadedShape(mapper);
  return state;
}

/** An empty instance made as loading makes them, held by its mapper (see orm/shapes.ts). */
function keepLoadedShape(mapper: Mapper): void {
  const obj = Object.create((mapper.class_ as { prototype: object }).prototype) as object;
  attachState(obj, new InstanceState(mapper, obj, []));
  mapper._loadedSample = obj;
}

function overwrite(state: InstanceState, values: unknown[]): void {
  state.values = values;
  state.committed = null;
  state.unloadedReason = null;
}

/** Loads the attributes an existing instance lacks (expired ones) from a row; changed ones are kept. */
export function fillUnloaded(state: InstanceState, values: readonly unknown[]): void {
  const v = state.values;
  let missing = false;
  for (let i = 0; i < v.length; i++) {
    if (v[i] === undefined) {
      v[i] = values[i];
      missing = true;
    }
  }
  if (missing && !hasUnloadedDefaults(state)) state.unloadedReason = null;
}

/**
 * True when a column loaded by default (not declared deferred) has no value. With a reason set
 * (`unloadedReason`, set by expiry) the object needs a load before `get()` can return it;
 * without one, the query that loaded it left the columns out on purpose (`defer`, `loadOnly`).
 */
export function hasUnloadedDefaults(state: InstanceState): boolean {
  const v = state.values;
  for (const p of state.mapper.columnProps) if (v[p.index] === undefined && !p.deferred) return true;
  return false;
}
