/**
 * UPDATEs and DELETEs of persistent objects (SQLAlchemy: `persistence._emit_update_statements`,
 * `_emit_delete_statements`).
 *
 * An UPDATE sets only the columns that changed (a value set back to the loaded one is no
 * change), plus client `onupdate` values and the version counter. Objects with the same set of
 * changed columns share one statement, run as an executemany; the rows matched must add up to
 * the objects, else the rows changed under us: StaleDataError (the version counter makes that
 * check precise). Where an executemany costs a round trip per row (PostgreSQL, MySQL), a large
 * group with a one-column key and no version counter goes out instead as pages of
 * `SET col = CASE pk WHEN … THEN … ELSE col END WHERE pk IN (…)` (see `updateBatched`). DELETEs go out as `pk IN (…)` per 1000 rows, or one executemany when a
 * version or a composite key must be checked per row.
 */
import { bindparam, literal, type ColumnElement } from "../../sql/base.js";
import { case_ } from "../../sql/case.js";
import { delete_, update } from "../../sql/dml.js";
import { and } from "../../sql/operators.js";
import { StaleDataError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { ColumnProperty } from "../mapping/properties.js";
import type { InstanceState } from "../state/instance-state.js";
import {
  cachedStatement,
  expireGenerated,
  fetchByPrimaryKey,
  pkCriterion,
  rowKeyValues,
  sameValue,
} from "./persistence-common.js";
import { flushInfo } from "./flush-info.js";
import type { FlushContext } from "./unit-of-work.js";

/** One object's pending UPDATE: the changed value indexes (sorted) and the row's current key. */
export interface UpdateRecord {
  readonly state: InstanceState;
  readonly changed: number[];
  readonly keyValues: unknown[];
  readonly oldVersion: unknown;
}

/** The indexes of attributes whose value differs from the loaded one, or an empty list. */
export function changedIndexes(s: InstanceState): number[] {
  const c = s.committed;
  if (c === null) return [];
  const out: number[] = [];
  for (const [i, orig] of c) {
    if (orig !== undefined && sameValue(s.values[i], orig)) continue;
    out.push(i);
  }
  return out.length > 1 ? out.sort(byNumber) : out;
}

/**
 * The UPDATE of one object, with `onupdate` values and the next version filled in, or null when
 * nothing changed. Called after the mapper's beforeUpdate listeners ran.
 */
export function prepareUpdate(mapper: Mapper, s: InstanceState): UpdateRecord | null {
  const changed = changedIndexes(s);
  if (changed.length === 0) return null;
  const keyValues = rowKeyValues(s);
  const vp = mapper.versionProp;
  let oldVersion: unknown = undefined;
  if (vp !== null) {
    const orig = s.committed?.get(vp.index);
    oldVersion = orig !== undefined ? orig : s.values[vp.index];
  }
  const onupdate = flushInfo(mapper).updateDefaulted;
  let added = false;
  for (const p of onupdate) {
    if (changed.includes(p.index)) continue;
    const d = p.column.updateDefault!;
    s.values[p.index] = d.kind === "value" ? d.value : (d as { fn: () => unknown }).fn();
    changed.push(p.index);
    added = true;
  }
  if (vp !== null && mapper.versionIdGenerator !== false && !changed.includes(vp.index)) {
    s.values[vp.index] = mapper.versionIdGenerator(oldVersion);
    changed.push(vp.index);
    added = true;
  }
  if (added) changed.sort(byNumber);
  return { state: s, changed, keyValues, oldVersion };
}

const byNumber = (a: number, b: number) => a - b;

/** The value indexes as bits (index i: bit i). */
function indexMask(indexes: readonly number[]): number {
  let mask = 0;
  for (const i of indexes) mask |= 1 << i;
  return mask;
}

/** Columns the database sets on UPDATE (SQL-expression `onupdate`, `serverOnupdate`, a server-side version). */
function updateGenerated(mapper: Mapper): ColumnProperty[] {
  return mapper.columnProps.filter(
    (p) =>
      p.column.serverOnupdate !== null ||
      p.column.updateDefault?.kind === "expr" ||
      (p === mapper.versionProp && mapper.versionIdGenerator === false),
  );
}

/** Emits the UPDATEs of one mapper, grouped by changed-column set. */
export async function updateRecords(
  ctx: FlushContext,
  mapper: Mapper,
  records: readonly UpdateRecord[],
): Promise<void> {
  // Grouped by changed-column set: a bit mask where the columns allow (no string per object).
  const groups = new Map<string | number, UpdateRecord[]>();
  const masks = mapper.columnProps.length <= 30;
  let lastSig: string | number | null = null;
  let last: UpdateRecord[] | null = null;
  for (const r of records) {
    const sig = masks ? indexMask(r.changed) : r.changed.join(",");
    if (sig !== lastSig) {
      lastSig = sig;
      last = groups.get(sig) ?? null;
      if (last === null) groups.set(sig, (last = []));
    }
    last!.push(r);
  }
  const generated = updateGenerated(mapper);
  const canReturn = ctx.dialect.capabilities.supportsUpdateReturning === true;
  const serverVersion = mapper.versionProp !== null && mapper.versionIdGenerator === false;
  const returnValues = generated.length > 0 && canReturn && (mapper.eagerDefaults !== false || serverVersion);
  const batchable =
    !returnValues && mapper.versionProp === null && mapper.pkProps.length === 1 && executemanyIsPerRow(ctx);
  for (const group of groups.values()) {
    const sig = group[0]!.changed.join(",");
    const set = group[0]!.changed.map((i) => mapper.columnProps[i]!);
    if (batchable && group.length >= MIN_BATCHED_ROWS) {
      await updateBatched(ctx, mapper, set, group);
      continue;
    }
    const vp = mapper.versionProp;
    const keyNames = mapper.pkProps.map((_, j) => "w" + j);
    const { stmt } = cachedStatement(mapper, `upd|${sig}|${returnValues ? 1 : 0}`, () => {
      let where: ColumnElement<boolean> = pkCriterion(mapper);
      if (vp !== null) where = and(where, vp.column.eq(bindparam("wv", vp.column.type)));
      const u = update(mapper.table).where(where);
      // A parameter set as made below, kept so that their hidden class outlives a full GC (util/shapes.ts).
      const sample: Record<string, unknown> = {};
      for (const p of set) sample[p.key] = null;
      for (const k of keyNames) sample[k] = null;
      if (vp !== null) sample.wv = null;
      return { stmt: returnValues ? u.returning(...generated.map((p) => p.column)) : u, sample };
    });
    const params = new Array<Record<string, unknown>>(group.length);
    for (let k = 0; k < group.length; k++) {
      const r = group[k]!;
      const values = r.state.values;
      const o: Record<string, unknown> = {};
      for (const p of set) o[p.key] = values[p.index];
      const kv = r.keyValues;
      for (let j = 0; j < kv.length; j++) o[keyNames[j]!] = kv[j];
      if (vp !== null) o.wv = r.oldVersion;
      params[k] = o;
    }
    const result = await ctx.conn.execute(stmt, params);
    checkRowcount(mapper, group.length, result.rowcount, vp !== null);
    if (returnValues) {
      const rows = result.tuples().all();
      group.forEach((r, k) => generated.forEach((p, j) => (r.state.values[p.index] = rows[k]?.[j])));
    }
  }
  if (generated.length > 0 && !returnValues) {
    const states = records.map((r) => r.state);
    if (mapper.eagerDefaults === true || serverVersion)
      await fetchByPrimaryKey(ctx, mapper, states, generated);
    else expireGenerated(states, generated, "onupdate");
  }
}

/** Rows below which a group keeps the executemany (few round trips; its statement is cached). */
const MIN_BATCHED_ROWS = 20;
/** Most rows one CASE UPDATE carries. */
const BATCH_PAGE_ROWS = 500;

/**
 * Whether the driver runs an executemany as one round trip per row, so a CASE UPDATE pays off.
 * SQLite's per-row prepared statement is in-process and already fast (capability
 * `statementRoundTrip`).
 */
function executemanyIsPerRow(ctx: FlushContext): boolean {
  return ctx.dialect.capabilities.statementRoundTrip;
}

/** Raises StaleDataError when the rows an UPDATE matched don't add up to its objects. */
function checkRowcount(mapper: Mapper, expected: number, rowcount: number, versioned: boolean): void {
  if (rowcount < 0 || rowcount === expected) return;
  throw new StaleDataError(
    `UPDATE statement on table '${mapper.table.name}' expected to update ${expected} row(s); ${rowcount} were matched.` +
      (versioned
        ? " The row was changed or deleted by another transaction since it was loaded (version check)."
        : " The row was deleted, or its key changed, by another transaction since it was loaded."),
  );
}

/**
 * One group's UPDATE as pages of `SET col = CASE pk WHEN :k THEN :v … ELSE col END WHERE pk IN (…)`.
 * Values are bound with the column's type (its bind processing; the ELSE column gives the CASE
 * the column's type where the server must infer parameter types). SQL-expression `onupdate`
 * columns are added by the compiler as in the per-row statement.
 */
async function updateBatched(
  ctx: FlushContext,
  mapper: Mapper,
  set: readonly ColumnProperty[],
  group: readonly UpdateRecord[],
): Promise<void> {
  const pk = mapper.pkProps[0]!.column;
  const perRow = 2 * set.length + 2;
  const maxBind = ctx.dialect.capabilities.maxBindParameters;
  const pageRows = Math.max(1, Math.min(BATCH_PAGE_ROWS, Math.floor(maxBind / perRow)));
  for (let start = 0; start < group.length; start += pageRows) {
    const page = group.slice(start, start + pageRows);
    const keys = page.map((r) => literal(r.keyValues[0], pk.type));
    const values: Record<string, ColumnElement<any>> = {};
    for (const p of set) {
      const col = p.column;
      const whens = page.map((r, k) => [keys[k]!, literal(r.state.values[p.index], col.type)] as const);
      values[col.key] = case_(pk, whens, { else: col });
    }
    const stmt = update(mapper.table)
      .values(values as never)
      .where(pk.in(page.map((r) => r.keyValues[0])));
    const result = await ctx.conn.execute(stmt);
    checkRowcount(mapper, page.length, result.rowcount, false);
  }
}

/** Emits the DELETEs of one mapper. */
export async function deleteStates(
  ctx: FlushContext,
  mapper: Mapper,
  states: readonly InstanceState[],
): Promise<void> {
  const vp = mapper.versionProp;
  if (vp === null && mapper.pkProps.length === 1) {
    const pk = mapper.pkProps[0]!;
    for (let start = 0; start < states.length; start += 1000) {
      const chunk = states.slice(start, start + 1000);
      await ctx.conn.execute(delete_(mapper.table).where(pk.column.in(chunk.map((s) => rowKeyValues(s)[0]))));
    }
    return;
  }
  const stmt = cachedStatement(mapper, "del", () => {
    let where: ColumnElement<boolean> = pkCriterion(mapper);
    if (vp !== null) where = and(where, vp.column.eq(bindparam("wv", vp.column.type)));
    return delete_(mapper.table).where(where);
  });
  const params = states.map((s) => {
    const o: Record<string, unknown> = {};
    rowKeyValues(s).forEach((v, j) => (o["w" + j] = v));
    if (vp !== null) {
      const orig = s.committed?.get(vp.index);
      o.wv = orig !== undefined ? orig : s.values[vp.index];
    }
    return o;
  });
  const result = await ctx.conn.execute(stmt, params);
  if (vp !== null && result.rowcount >= 0 && result.rowcount !== states.length) {
    throw new StaleDataError(
      `DELETE statement on table '${mapper.table.name}' expected to delete ${states.length} row(s); ${result.rowcount} were matched. ` +
        "The row was changed or deleted by another transaction since it was loaded (version check).",
    );
  }
}
