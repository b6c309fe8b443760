/**
 * "insertmanyvalues" (SQLAlchemy 2.0, `engine/default.py` `_deliver_insertmanyvalues_batches`):
 * an executemany of `insert(t)` goes out as multi-row `INSERT … VALUES (…), (…), …` statements of
 * up to `pageSize` rows (and under the dialect's parameter limit), not one statement per
 * parameter set. Each set is assembled as before (its own client-side defaults, computed once per
 * row), so the rows written are the same; rowcount is the total over the pages.
 *
 * Not batched (one statement per set, as before), so that nothing observable changes:
 * - a parameter outside the VALUES tuple (ON CONFLICT … SET, a CTE) that the parameter sets name
 *   or that is computed per execution: one statement would use one value for every row;
 * - RETURNING whose rows can't be put back in parameter order. Databases don't promise the
 *   order of a multi-row INSERT's RETURNING rows (SQLite's documentation says so outright), but
 *   an autoincrement key numbers the rows in VALUES order (the ORM's flush relies on the same):
 *   with that key generated and returned, each page's rows are sorted by it. Otherwise RETURNING
 *   executemanys run row by row (SQLAlchemy, asked for `sort_by_parameter_order`, also falls
 *   back to row-by-row where it has no sentinel);
 * - upserts that fail when two rows of one statement hit the same key (PostgreSQL's ON CONFLICT
 *   DO UPDATE): the compiler leaves those statements unmarked.
 *
 * `lastInsertId` stays the last row's id where the driver reports that for a multi-row INSERT
 * (SQLite); MySQL reports the first row's, so there it is null after a batched executemany.
 */
import type { ManyValuesTemplate } from "../sql/compiled.js";
import type { DriverResult } from "../dialects/base/driver.js";
import type { ExecutionPlan, Params } from "./execution.js";

const hasOwn = Object.prototype.hasOwnProperty;

/** Multi-row SQL per row count; a full page and the last, shorter one are what repeat. */
const SQL_SIZES_KEPT = 4;

/** How an executemany INSERT is split into pages, or null when it must run row by row. */
export interface ManyValuesBatch {
  readonly template: ManyValuesTemplate;
  readonly rowsPerPage: number;
  /** Index of the generated key in each RETURNING row (rows are sorted by it), or -1 without RETURNING. */
  readonly sortColumn: number;
  /** True when the driver's lastInsertId of a multi-row INSERT is its last row's. */
  readonly lastRowId: boolean;
}

export interface BatchLimits {
  /** Rows per statement at most (SQLAlchemy: `insertmanyvalues_page_size`, default 1000). */
  readonly pageSize: number;
  /** Bound parameters one statement may carry (SQLite 32766, PostgreSQL 65535). */
  readonly maxParameters: number;
  readonly lastRowId: boolean;
}

/**
 * Decides whether `sets` can be sent as multi-row pages. `insertTable` is the INSERT's table,
 * for the autoincrement key of a RETURNING executemany.
 */
export function planManyValues(
  plan: ExecutionPlan,
  sets: readonly Params[],
  insertTable: unknown,
  limits: BatchLimits,
): ManyValuesBatch | null {
  const compiled = plan.compiled;
  const t = compiled.manyValues;
  if (t === undefined || limits.pageSize < 2) return null;
  const binds = compiled.binds;
  const perRow = t.tuple.length - 1;
  const tailStart = t.headBinds + perRow;
  // Parameters outside the tuple must be one value for all rows.
  for (let i = 0; i < binds.length; i++) {
    if (i === t.headBinds) i = tailStart;
    if (i >= binds.length) break;
    const slot = binds[i]!;
    if (slot.compute || !slot.hasValue) return null;
    for (const p of sets) if (hasOwn.call(p, slot.key)) return null;
  }
  let sortColumn = -1;
  if (compiled.returnsRows) {
    const auto = (insertTable as { autoincrementColumn?: { key: string } | null }).autoincrementColumn;
    if (!auto || compiled.resultColumns === null) return null;
    for (let i = t.headBinds; i < tailStart; i++) if (binds[i]!.key === auto.key) return null;
    sortColumn = compiled.resultColumns.findIndex((c) => c.key === auto.key);
    if (sortColumn === -1) return null;
  }
  const room = limits.maxParameters - (binds.length - perRow);
  const rowsPerPage = Math.min(limits.pageSize, perRow > 0 ? Math.floor(room / perRow) : limits.pageSize);
  if (rowsPerPage < 2) return null;
  return { template: t, rowsPerPage, sortColumn, lastRowId: limits.lastRowId };
}

/** The multi-row SQL for `rows` rows, from the plan's per-size memo. */
export function manyValuesSql(plan: ExecutionPlan, t: ManyValuesTemplate, rows: number): string {
  const memo = plan.manyValuesSql!;
  let sql = memo.get(rows);
  if (sql === undefined) {
    sql = expandManyValues(t, rows);
    if (memo.size >= SQL_SIZES_KEPT) memo.clear();
    memo.set(rows, sql);
  }
  return sql;
}

/** `head (…), (…), … tail` with the placeholders numbered through. */
export function expandManyValues(t: ManyValuesTemplate, rows: number): string {
  const ph = t.placeholder;
  const tuple = t.tuple;
  const perRow = tuple.length - 1;
  let n = t.headBinds;
  const parts: string[] = [];
  for (let r = 0; r < rows; r++) {
    let s = tuple[0]!;
    for (let j = 0; j < perRow; j++) s += ph(n++) + tuple[j + 1]!;
    parts.push(s);
  }
  let sql = t.head + parts.join(", ") + t.tail[0]!;
  for (let j = 1; j < t.tail.length; j++) sql += ph(n++) + t.tail[j]!;
  return sql;
}

/**
 * The driver values of one page: the parameters before the tuple (from the first set), each
 * row's tuple values, then the parameters after it. `assembled` holds each set's full values.
 */
export function pageValues(
  t: ManyValuesTemplate,
  assembled: readonly (readonly unknown[])[],
  start: number,
  end: number,
): unknown[] {
  const perRow = t.tuple.length - 1;
  const h = t.headBinds;
  const first = assembled[start]!;
  const out: unknown[] = [];
  for (let i = 0; i < h; i++) out.push(first[i]);
  for (let r = start; r < end; r++) {
    const v = assembled[r]!;
    for (let j = h; j < h + perRow; j++) out.push(v[j]);
  }
  for (let i = h + perRow; i < first.length; i++) out.push(first[i]);
  return out;
}

/** Runs the pages through `send` (one driver call each) and adds their results up. */
export async function runManyValues(
  batch: ManyValuesBatch,
  plan: ExecutionPlan,
  assembled: readonly (readonly unknown[])[],
  send: (sql: string, values: unknown[], page: number, pages: number) => Promise<DriverResult>,
): Promise<DriverResult> {
  const total = assembled.length;
  const size = batch.rowsPerPage;
  const pages = Math.ceil(total / size);
  let rowCount = 0;
  let rows: unknown[][] | null = null;
  let columns: readonly string[] | null = null;
  let lastInsertId: number | bigint | null = null;
  for (let p = 0; p < pages; p++) {
    const start = p * size;
    const end = Math.min(total, start + size);
    const sql = manyValuesSql(plan, batch.template, end - start);
    const dr = await send(sql, pageValues(batch.template, assembled, start, end), p + 1, pages);
    if (dr.rowCount >= 0 && rowCount >= 0) rowCount += dr.rowCount;
    else rowCount = -1;
    lastInsertId = batch.lastRowId || end - start === 1 ? dr.lastInsertId : null;
    if (dr.columns !== null) {
      columns = dr.columns;
      const got = batch.sortColumn >= 0 ? sortedBy(dr.rows, batch.sortColumn) : dr.rows;
      if (rows === null) rows = got.slice();
      else for (const r of got) rows.push(r);
    }
  }
  return { rows: rows ?? [], columns, rowCount, lastInsertId };
}

function sortedBy(rows: unknown[][], col: number): unknown[][] {
  return rows.slice().sort((a, b) => {
    const x = a[col] as number | bigint | string;
    const y = b[col] as number | bigint | string;
    // MySQL and PostgreSQL BIGINT keys may arrive as strings: compare those as numbers.
    if (typeof x === "string" || typeof y === "string") {
      const d = BigInt(x) - BigInt(y);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
    return x < y ? -1 : x > y ? 1 : 0;
  });
}
