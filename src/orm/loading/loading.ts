/**
 * Rows to instances (SQLAlchemy: `orm/loading.py` `instances()`).
 *
 * Plans whose entities need nothing but their columns take the fast paths of `instances.ts`
 * (`select(User)` yields the instances themselves, not one-item tuples). Others run, per row,
 * each entity's row processors and joined entities (children before their link to the parent),
 * then, per batch, the post-load work strategies registered.
 */
import { ArgumentError } from "../../util/errors.js";
import type { Connection } from "../../engine/connection.js";
import type { Params } from "../../engine/execution.js";
import type { Select } from "../../sql/select.js";
import type { IdentityKey } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { keepShapes } from "../../util/shapes.js";
import {
  compileNested,
  isOrmSelect,
  ORM_PLUGIN,
  type CompiledOrmSelect,
  type LoadPlan,
} from "./compile-state.js";
import {
  entitiesFromRows,
  instancesFromRows,
  itemValue,
  loadEntity,
  wholeEntityItem,
  type LoadingSession,
} from "./instances.js";
import type { LoadPath } from "./path.js";
import { ormResult, type OrmResult } from "./result.js";
import type { EntityLoad, LoadContext, RowInfo } from "./query-context.js";

export {
  fillUnloaded,
  hasUnloadedDefaults,
  instanceFor,
  instancesFromRows,
  loadEntity,
  type LoadingSession,
} from "./instances.js";

/**
 * A compiled ORM SELECT run on `conn`: its rows as tuples of instances and values, or, for a
 * statement of one whole entity (`select(User)`), the instances themselves.
 */
export async function executeOrmSelect(
  session: LoadingSession,
  conn: Connection,
  stmt: Select<any, any>,
  params?: Params,
  populateExisting = false,
): Promise<OrmResult<unknown[], unknown>> {
  const compiled = ORM_PLUGIN.compile(stmt);
  const result = await conn.execute(compiled.statement, params);
  const raw = result.tuples().all();
  const plan = compiled.plan;
  const names = compiled.itemNames ?? (compiled.itemNames = itemNames(plan, result.keys()));
  if (plan.simple) {
    const only = wholeEntityItem(plan);
    if (only !== null) {
      const objs = entitiesFromRows(session, only, raw, plan.width, populateExisting);
      return ormResult(objs, names, plan.requireUnique, true);
    }
    return ormResult(instancesFromRows(session, plan, raw, populateExisting), names, plan.requireUnique);
  }
  const rows = await loadRows(new LoadRun(session, conn, compiled, populateExisting), raw);
  return ormResult(rows, names, plan.requireUnique);
}

/** Names of the row items: an entity's class name, a column's key. */
function itemNames(plan: LoadPlan, keys: readonly string[]): string[] {
  return plan.items.map((it) =>
    it.kind === "entity" ? it.mapper.className : it.kind === "column" ? keys[it.offset]! : "row",
  );
}

/** One execution's loading state; the LoadContext strategies see. */
export class LoadRun implements LoadContext {
  readonly attributes = new Map<unknown, unknown>();
  /** Instances seen per entity (by `EntityLoad.index`), for `RowInfo.first`. */
  readonly seen: (Set<InstanceState> | undefined)[] = [];
  /** Instances per entity (by `EntityLoad.index`) with post-load work, in row order. */
  readonly batches: (InstanceState[] | undefined)[] = [];
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
    const states = run.batches[e.index];
    if (states === undefined || states.length === 0) continue;
    for (const work of e.postLoads) await work(states, run);
  }
  return out;
}

// Row infos are made only by processEntity, and not on every load: keep one so their hidden
// class survives major GCs (see util/shapes.ts).
const rowInfoSample: Record<keyof RowInfo, unknown> = { row: [], first: false, populated: false, load: null };
keepShapes(rowInfoSample);

function processEntity(
  run: LoadRun,
  e: EntityLoad,
  idmap: Map<IdentityKey, InstanceState>,
  row: unknown[],
): object | null {
  const s = loadEntity(run.session, e, idmap, row, run.populateExisting, run);
  if (s === null) return null;
  const rowWork = e.rowProcessors.length > 0 || e.joined.length > 0;
  if (!rowWork && e.postLoads.length === 0) return s.obj;
  const populated = run.populated;
  let seen = run.seen[e.index];
  if (seen === undefined) run.seen[e.index] = seen = new Set();
  const first = !seen.has(s);
  if (first) {
    seen.add(s);
    if (e.postLoads.length > 0) {
      const batch = run.batches[e.index];
      if (batch !== undefined) batch.push(s);
      else run.batches[e.index] = [s];
    }
  }
  if (!rowWork) return s.obj;
  const info: RowInfo = { row, first, populated, load: run };
  for (const rp of e.rowProcessors) rp(s, info);
  for (const j of e.joined) {
    const child = processEntity(run, j.entity, run.session.identityMap.forMapper(j.entity.mapper), row);
    j.link(s, child, info);
  }
  return s.obj;
}
