/**
 * UPDATEs and DELETEs of persistent objects (SQLAlchemy: `persistence._emit_update_statements`,
 * `_emit_delete_statements`).
 *
 * An UPDATE sets only the columns that changed (a value set back to the loaded one is no
 * change), plus client `onupdate` values and the version counter. Objects with the same set of
 * changed columns share one statement, run as an executemany; the rows matched must add up to
 * the objects, else the rows changed under us: StaleDataError (the version counter makes that
 * check precise). DELETEs go out as `pk IN (…)` per 1000 rows, or one executemany when a
 * version or a composite key must be checked per row.
 */
import { bindparam, type ColumnElement } from "../../sql/base.js";
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
  return out.sort((a, b) => a - b);
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
  for (const p of mapper.columnProps) {
    const d = p.column.updateDefault;
    if (d !== null && d.kind !== "expr" && !changed.includes(p.index)) {
      s.values[p.index] = d.kind === "value" ? d.value : d.fn();
      changed.push(p.index);
    }
  }
  if (vp !== null && mapper.versionIdGenerator !== false && !changed.includes(vp.index)) {
    s.values[vp.index] = mapper.versionIdGenerator(oldVersion);
    changed.push(vp.index);
  }
  changed.sort((a, b) => a - b);
  return { state: s, changed, keyValues, oldVersion };
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
  const groups = new Map<string, UpdateRecord[]>();
  for (const r of records) {
    const sig = r.changed.join(",");
    const g = groups.get(sig);
    if (g) g.push(r);
    else groups.set(sig, [r]);
  }
  const generated = updateGenerated(mapper);
  const canReturn = ctx.dialect.capabilities.supportsUpdateReturning === true;
  const serverVersion = mapper.versionProp !== null && mapper.versionIdGenerator === false;
  const returnValues = generated.length > 0 && canReturn && (mapper.eagerDefaults !== false || serverVersion);
  for (const [sig, group] of groups) {
    const set = sig.split(",").map((i) => mapper.columnProps[Number(i)]!);
    const vp = mapper.versionProp;
    const stmt = cachedStatement(mapper, `upd|${sig}|${returnValues ? 1 : 0}`, () => {
      let where: ColumnElement<boolean> = pkCriterion(mapper);
      if (vp !== null) where = and(where, vp.column.eq(bindparam("wv", vp.column.type)));
      const u = update(mapper.table).where(where);
      return returnValues ? u.returning(...generated.map((p) => p.column)) : u;
    });
    const keyNames = mapper.pkProps.map((_, j) => "w" + j);
    const params = new Array<Record<string, unknown>>(group.length);
    for (let k = 0; k < group.length; k++) {
      const r = group[k]!;
      const values = r.state.values;
      const o: Record<string, unknown> = {};
      for (const p of set) o[p.key] = values[p.index];
      const kv = r.keyValues;
      for (let j = 0; j < kv.length; j++) o[keyNames[j] ?? "w" + j] = kv[j];
      if (vp !== null) o.wv = r.oldVersion;
      params[k] = o;
    }
    const result = await ctx.conn.execute(stmt, params);
    if (result.rowcount >= 0 && result.rowcount !== group.length) {
      throw new StaleDataError(
        `UPDATE statement on table '${mapper.table.name}' expected to update ${group.length} row(s); ${result.rowcount} were matched.` +
          (vp !== null
            ? " The row was changed or deleted by another transaction since it was loaded (version check)."
            : ""),
      );
    }
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
