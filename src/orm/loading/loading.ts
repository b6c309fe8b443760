/**
 * Rows to instances (SQLAlchemy: `orm/loading.py` `instances()`, `_instance()`).
 *
 * For each entity in a row: its identity key; the object already in the Session's identity map
 * (its loaded and changed attributes are kept, unloaded ones are filled from the row), or a new
 * object made with `Object.create(prototype)` whose value array is the row's slice (the row
 * itself for a single-entity SELECT). No constructor runs, as in SQLAlchemy: loading is not
 * construction.
 */
import type { IdentityKey, Mapper } from "../mapping/mapper.js";
import { loaderStrategy } from "../mapping/properties.js";
import { InstanceState, STATE, type StateOwner } from "../state/instance-state.js";
import type { IdentityMap } from "../session/identity-map.js";
import type { ItemLoader, LoadPlan } from "./compile-state.js";

/** What loading needs of a Session. */
export interface LoadingSession extends StateOwner {
  readonly identityMap: IdentityMap;
}

/** Tuples of instances and values, one per row. */
export function instancesFromRows(session: LoadingSession, plan: LoadPlan, rows: unknown[][]): unknown[][] {
  const items = plan.items;
  const n = rows.length;
  const out = new Array<unknown[]>(n);
  const only = items.length === 1 ? items[0]! : null;
  if (only !== null && only.kind === "entity") {
    // The common case, select(User): the row is the instance's value array.
    const mapper = only.mapper;
    const idmap = session.identityMap.forMapper(mapper);
    const whole = only.offset === 0 && only.width === plan.width;
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      const values = whole ? row : row.slice(only.offset, only.offset + only.width);
      out[r] = [instanceFor(session, mapper, idmap, values, false)];
    }
    return out;
  }
  const maps = items.map((it) => (it.kind === "entity" ? session.identityMap.forMapper(it.mapper) : null));
  for (let r = 0; r < n; r++) {
    const row = rows[r]!;
    const tuple = new Array<unknown>(items.length);
    for (let j = 0; j < items.length; j++) tuple[j] = itemValue(session, items[j]!, maps[j]!, row);
    out[r] = tuple;
  }
  return out;
}

function itemValue(
  session: LoadingSession,
  item: ItemLoader,
  idmap: Map<IdentityKey, InstanceState> | null,
  row: unknown[],
): unknown {
  switch (item.kind) {
    case "column":
      return row[item.offset];
    case "entity":
      return instanceFor(
        session,
        item.mapper,
        idmap!,
        row.slice(item.offset, item.offset + item.width),
        false,
      );
    case "from": {
      const o: Record<string, unknown> = {};
      item.keys.forEach((k, i) => (o[k] = row[item.offset + i]));
      return o;
    }
  }
}

/**
 * The instance for one entity's values: the identity map's, or a new persistent one. With
 * `populateExisting` an existing instance's attributes are all overwritten (refresh).
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
    if (populateExisting) {
      existing.values = values;
      existing.committed = null;
      existing.unloadedReason = null;
    } else fillUnloaded(existing, values);
    return existing.obj;
  }
  const obj = Object.create((mapper.class_ as { prototype: object }).prototype) as object;
  const state = new InstanceState(mapper, obj, values);
  state.key = key;
  state.session = session;
  Object.defineProperty(obj, STATE, { value: state, writable: true });
  idmap.set(key, state);
  return obj;
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
  if (missing) state.unloadedReason = null;
}

/** Runs the post-load hooks of the loaded mappers' non-column properties (eager relationship loaders). */
export async function runPostLoad(
  plan: LoadPlan,
  rows: readonly unknown[][],
  context: unknown,
): Promise<void> {
  for (const mapper of plan.mappers) {
    const hooks = postLoadProps(mapper);
    if (hooks.length === 0) continue;
    const states: unknown[] = [];
    plan.items.forEach((it, j) => {
      if (it.kind === "entity" && it.mapper === mapper)
        for (const r of rows) if (r[j] != null) states.push((r[j] as { [STATE]: InstanceState })[STATE]);
    });
    for (const prop of hooks) await loaderStrategy(prop.strategyKey).postLoad!(prop, states, context);
  }
}

function postLoadProps(mapper: Mapper) {
  return [...mapper.propsByKey.values()].filter((p) => loaderStrategy(p.strategyKey).postLoad !== undefined);
}
