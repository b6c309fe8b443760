/**
 * Rows to instances (SQLAlchemy: `orm/loading.py` `instances()`, `_instance()`).
 *
 * For each entity in a row: its identity key; the object already in the Session's identity map
 * (its loaded and changed attributes are kept, unloaded ones are filled from the row), or a new
 * object made with `Object.create(prototype)` whose value array is the row's slice (the row
 * itself for a single-entity SELECT of whole rows). No constructor runs, as in SQLAlchemy:
 * loading is not construction.
 *
 * Plans whose entities need nothing but their columns take the fast path (`instancesFromRows`).
 * Others run, per row, each entity's row processors and joined entities (children before their
 * link to the parent), then, per batch, the post-load work strategies registered.
 */
import { ArgumentError } from "../../util/errors.js";
import type { Connection } from "../../engine/connection.js";
import type { Params } from "../../engine/execution.js";
import type { Select } from "../../sql/select.js";
import type { IdentityKey, Mapper } from "../mapping/mapper.js";
import { InstanceState, STATE, type StateOwner } from "../state/instance-state.js";
import type { IdentityMap } from "../session/identity-map.js";
import {
  compileNested,
  isOrmSelect,
  ORM_PLUGIN,
  type CompiledOrmSelect,
  type LoadPlan,
} from "./compile-state.js";
import type { LoadPath } from "./path.js";
import { ormResult } from "./result.js";
import type { EntityLoad, LoadContext, RowInfo } from "./query-context.js";

/** What loading needs of a Session. */
export interface LoadingSession extends StateOwner {
  readonly identityMap: IdentityMap;
}

/** Rows of a compiled ORM SELECT run on `conn`, as tuples of instances and values. */
export async function executeOrmSelect(
  session: LoadingSession,
  conn: Connection,
  stmt: Select<any, any>,
  params?: Params,
  populateExisting = false,
): Promise<{ rows: unknown[][]; keys: string[]; compiled: CompiledOrmSelect }> {
  const compiled = ORM_PLUGIN.compile(stmt);
  const result = await conn.execute(compiled.statement, params);
  const keys = result.keys();
  const raw = result.tuples().all();
  const rows = compiled.plan.simple
    ? instancesFromRows(session, compiled.plan, raw, populateExisting)
    : await loadRows(new LoadRun(session, conn, compiled, populateExisting), raw);
  return { rows, keys, compiled };
}

/** One execution's loading state; the LoadContext strategies see. */
export class LoadRun implements LoadContext {
  readonly attributes = new Map<unknown, unknown>();
  /** Instances seen per entity, for `RowInfo.first`. */
  readonly seen = new Map<EntityLoad, Set<InstanceState>>();
  /** Instances per entity with post-load work. */
  readonly batches = new Map<EntityLoad, InstanceState[]>();
  /** Whether the last instance loaded was made or overwritten by this load. */
  populated = false;
  constructor(
    readonly session: LoadingSession,
    readonly connection: Connection,
    readonly compiled: CompiledOrmSelect,
    readonly populateExisting: boolean,
  ) {}

  async loadAt(stmt: Select<any, any>, path: LoadPath, params?: Params): Promise<unknown[][]> {
    if (!isOrmSelect(stmt)) {
      throw new ArgumentError(
        `loadAt(${path}) takes an ORM SELECT of ${path.mapper.className} (select(${path.mapper.className})…).`,
        "ATH-ORM-LOADER",
      );
    }
    const c = compileNested(this.compiled, stmt, path);
    const result = await this.connection.execute(c.statement, params);
    const run = new LoadRun(this.session, this.connection, c, this.populateExisting);
    const rows = await loadRows(run, result.tuples().all());
    // Joined collections repeat rows; a loader wants each once (SQLAlchemy's loaders call unique()).
    return c.plan.requireUnique ? ormResult(rows, []).unique().all() : rows;
  }
}

/** The rows loaded: instances built, row processors run, then post-load work. */
export async function loadRows(run: LoadRun, raw: unknown[][]): Promise<unknown[][]> {
  const plan = run.compiled.plan;
  if (plan.simple) return instancesFromRows(run.session, plan, raw, run.populateExisting);
  const items = plan.items;
  const n = raw.length;
  const out = new Array<unknown[]>(n);
  const maps = items.map((it) =>
    it.kind === "entity" ? run.session.identityMap.forMapper(it.mapper) : null,
  );
  for (let r = 0; r < n; r++) {
    const row = raw[r]!;
    const tuple = new Array<unknown>(items.length);
    for (let j = 0; j < items.length; j++) {
      const it = items[j]!;
      tuple[j] = it.kind === "entity" ? processEntity(run, it.entity, maps[j]!, row) : itemValue(it, row);
    }
    out[r] = tuple;
  }
  for (const e of plan.entities) {
    if (e.postLoads.length === 0) continue;
    const states = run.batches.get(e);
    if (states === undefined || states.length === 0) continue;
    for (const work of e.postLoads) await work(states, run);
  }
  return out;
}

function processEntity(
  run: LoadRun,
  e: EntityLoad,
  idmap: Map<IdentityKey, InstanceState>,
  row: unknown[],
): object | null {
  const s = loadEntity(run.session, e, idmap, row, run.populateExisting, run);
  if (s === null) return null;
  if (e.simple) return s.obj;
  const populated = run.populated;
  let seen = run.seen.get(e);
  if (seen === undefined) run.seen.set(e, (seen = new Set()));
  const first = !seen.has(s);
  if (first) {
    seen.add(s);
    if (e.postLoads.length > 0) {
      const batch = run.batches.get(e);
      if (batch) batch.push(s);
      else run.batches.set(e, [s]);
    }
  }
  const info: RowInfo = { row, first, populated, load: run };
  for (const rp of e.rowProcessors) rp(s, info);
  for (const j of e.joined) {
    const child = processEntity(run, j.entity, run.session.identityMap.forMapper(j.entity.mapper), row);
    j.link(s, child, info);
  }
  return s.obj;
}

function itemValue(item: LoadPlan["items"][number], row: unknown[]): unknown {
  if (item.kind === "column") return row[item.offset];
  if (item.kind === "from") {
    const o: Record<string, unknown> = {};
    item.keys.forEach((k, i) => (o[k] = row[item.offset + i]));
    return o;
  }
  return undefined;
}

/** Tuples of instances and values, one per row, for plans whose entities need only their columns. */
export function instancesFromRows(
  session: LoadingSession,
  plan: LoadPlan,
  rows: unknown[][],
  populateExisting = false,
): unknown[][] {
  const items = plan.items;
  const n = rows.length;
  const out = new Array<unknown[]>(n);
  const only = items.length === 1 ? items[0]! : null;
  if (only !== null && only.kind === "entity" && only.entity.indexes === null) {
    // The common case, select(User): the row is the instance's value array.
    const mapper = only.mapper;
    const idmap = session.identityMap.forMapper(mapper);
    const whole = only.offset === 0 && only.width === plan.width;
    for (let r = 0; r < n; r++) {
      const row = rows[r]!;
      const values = whole ? row : row.slice(only.offset, only.offset + only.width);
      out[r] = [instanceFor(session, mapper, idmap, values, populateExisting)];
    }
    return out;
  }
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
  const mapper = e.mapper;
  const pk = e.pkOffsets;
  let key: IdentityKey;
  if (pk.length === 1) {
    const v = row[pk[0]!];
    if (v === null || v === undefined) return null;
    key = mapper.identityKeyOfPk([v]);
  } else {
    const vals = pk.map((o) => row[o]);
    if (vals.some((v) => v === null || v === undefined)) return null;
    key = mapper.identityKeyOfPk(vals);
  }
  const idx = e.indexes;
  const existing = idmap.get(key);
  if (existing !== undefined) {
    flags.populated = populateExisting;
    if (idx === null) {
      const values = row.slice(e.offset, e.offset + e.width);
      if (populateExisting) overwrite(existing, values);
      else fillUnloaded(existing, values);
    } else {
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
    }
    return existing;
  }
  flags.populated = true;
  let values: unknown[];
  if (idx === null) values = row.slice(e.offset, e.offset + e.width);
  else {
    values = mapper.emptyValues();
    for (let j = 0; j < idx.length; j++) values[idx[j]!] = row[e.offset + j];
  }
  return newInstance(session, mapper, idmap, key, values);
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
  Object.defineProperty(obj, STATE, { value: state, writable: true });
  idmap.set(key, state);
  if (mapper._loadedSample === null) keepLoadedShape(mapper);
  return state;
}

/** An empty instance made as loading makes them, held by its mapper (see orm/shapes.ts). */
function keepLoadedShape(mapper: Mapper): void {
  const obj = Object.create((mapper.class_ as { prototype: object }).prototype) as object;
  Object.defineProperty(obj, STATE, { value: new InstanceState(mapper, obj, []), writable: true });
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
