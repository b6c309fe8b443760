/**
 * What INSERT, UPDATE and DELETE emission share (SQLAlchemy: helpers of `orm/persistence.py`):
 * the per-mapper statement cache, value comparison for change detection, fetching values the
 * database generated, and the bookkeeping after a row is written.
 */
import { bindparam, type ColumnElement } from "../../sql/base.js";
import { insert } from "../../sql/dml.js";
import type { Executable } from "../../engine/execution.js";
import { and, or } from "../../sql/operators.js";
import { select } from "../../sql/select.js";
import type { Mapper } from "../mapping/mapper.js";
import type { ColumnProperty } from "../mapping/properties.js";
import type { InstanceState } from "../state/instance-state.js";
import type { FlushContext } from "./unit-of-work.js";

/** Most statements kept per mapper (shapes vary with batch sizes and changed-column sets). */
const MAX_CACHED = 256;

/** A statement built once per mapper and shape; later flushes reuse it (and its compiled form). */
export function cachedStatement<S>(mapper: Mapper, key: string, build: () => S): S {
  const cache = mapper._statements;
  let stmt = cache.get(key) as S | undefined;
  if (stmt === undefined) {
    if (cache.size >= MAX_CACHED) cache.clear();
    stmt = build();
    cache.set(key, stmt);
  }
  return stmt;
}

/**
 * One multi-row `INSERT … VALUES` of `rows` rows of the `given` columns (returning `returning`),
 * built once per shape and cached. Its parameters are named "0", "1", … in row order, so that
 * their values go in an object's indexed elements (`indexedParameters`), not thousands of named
 * properties (a dictionary-mode object, slow to fill and to read back).
 */
export function multiRowInsert(
  mapper: Mapper,
  key: string,
  given: readonly ColumnProperty[],
  rows: number,
  returning: readonly ColumnProperty[],
): Executable {
  return cachedStatement<Executable>(mapper, `${key}|${rows}|${returning.length}`, () => {
    const width = given.length;
    const values: Record<string, unknown>[] = [];
    for (let r = 0; r < rows; r++) {
      const row: Record<string, unknown> = {};
      given.forEach((p, j) => (row[p.key] = bindparam(String(r * width + j), p.column.type)));
      values.push(row);
    }
    const ins = insert(mapper.table).values(values as never);
    return returning.length > 0 ? ins.returning(...returning.map((p) => p.column)) : ins;
  });
}

/** The parameters of `multiRowInsert` for `states[start, end)`. Not an array: an array of parameters is an executemany. */
export function indexedParameters(
  states: readonly InstanceState[],
  start: number,
  end: number,
  given: readonly ColumnProperty[],
): Record<string, unknown> {
  const params: Record<number, unknown> = {};
  const width = given.length;
  let k = 0;
  for (let r = start; r < end; r++) {
    const values = states[r]!.values;
    for (let j = 0; j < width; j++) params[k++] = values[given[j]!.index];
  }
  return params as Record<string, unknown>;
}

/** `pk1 = :w0 AND pk2 = :w1 …` with the primary key values passed as `w0`, `w1`, … */
export function pkCriterion(mapper: Mapper): ColumnElement<boolean> {
  return and(...mapper.pkProps.map((p, j) => p.column.eq(bindparam("w" + j, p.column.type))));
}

/** Whether a new value equals the loaded one (dates by time, bytes by content, JSON by structure). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Uint8Array) return b instanceof Uint8Array && Buffer.compare(a, b) === 0;
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

/** The primary key values of a state, using the originals of changed key attributes (the row's current key). */
export function rowKeyValues(state: InstanceState): unknown[] {
  const c = state.committed;
  return state.mapper.pkProps.map((p) => {
    const orig = c?.get(p.index);
    return orig !== undefined ? orig : state.values[p.index];
  });
}

/**
 * Loads `props` of `states` with one SELECT per 500 rows, by primary key (the extra statement
 * eager defaults cost where RETURNING is missing).
 */
export async function fetchByPrimaryKey(
  ctx: FlushContext,
  mapper: Mapper,
  states: readonly InstanceState[],
  props: readonly ColumnProperty[],
): Promise<void> {
  const pk = mapper.pkProps;
  for (let start = 0; start < states.length; start += 500) {
    const chunk = states.slice(start, start + 500);
    const where =
      pk.length === 1
        ? pk[0]!.column.in(chunk.map((s) => s.values[pk[0]!.index]))
        : or(...chunk.map((s) => and(...pk.map((p) => p.column.eq(s.values[p.index])))));
    const stmt = select(...pk.map((p) => p.column), ...props.map((p) => p.column)).where(where);
    const rows = (await ctx.conn.execute(stmt)).tuples().all();
    const byKey = new Map(chunk.map((s) => [s.key ?? mapper.identityKey(s.values), s]));
    for (const row of rows) {
      const s = byKey.get(mapper.identityKeyOfPk(row.slice(0, pk.length)));
      if (s === undefined) continue;
      props.forEach((p, j) => (s.values[p.index] = row[pk.length + j]));
    }
  }
}

/** Marks generated values that were not fetched as unloaded, with the reason shown when read. */
export function expireGenerated(
  states: readonly InstanceState[],
  props: readonly ColumnProperty[],
  what: string,
): void {
  if (props.length === 0) return;
  const indexes = props.map((p) => p.index);
  for (const s of states)
    s.expire(`its value is generated by the database (${what}) and was not fetched at flush`, indexes);
}

/** A database-generated key from the driver's insert id, in the column type's JS form. */
export function generatedKeyValue(prop: ColumnProperty, id: number | bigint): number | bigint {
  const t = prop.column.type as { kind: string; mode?: string };
  if (t.kind === "biginteger" && t.mode !== "number") return BigInt(id);
  return Number(id);
}
