/**
 * Keys of INSERT pages numbered from the driver's insert id instead of read back with
 * RETURNING, which costs about as much again as the INSERT on SQLite (the rows are buffered,
 * then stepped through one by one) and a quarter more on MariaDB (a result set per page).
 * The first page of a group always goes out with RETURNING (persistence-insert.ts); the
 * following pages are numbered only when its keys show what the database does, and when the
 * database promises to number one INSERT's rows evenly:
 *
 * - SQLite gives a new rowid one more than the largest in the table, so the rows of an INSERT
 *   that nothing else writes to the table during are numbered consecutively, in VALUES order
 *   (the order RETURNING rows are sorted by). What could write to it meanwhile is a trigger, or
 *   ON CONFLICT REPLACE (declared in the table) deleting a row; past the largest rowid SQLite
 *   picks rowids at random. So the first page's keys must be consecutive (a trigger inserting
 *   into the table per row, or a random rowid, shows there), and each numbered page must end
 *   exactly its row count past the previous page's last key (`lastInsertId` is the last row's),
 *   every row written. Otherwise the flush fails (and is rolled back) rather than give an
 *   object another row's key.
 * - MariaDB reports the first row's id. InnoDB numbers the rows of a multi-row INSERT
 *   consecutively, `auto_increment_increment` apart, when `innodb_autoinc_lock_mode` is 0 or
 *   1 (the default); 2 ("interleaved") may interleave another session's rows, so there every
 *   page is read back. The lock mode is asked once per connection; the increment is the step
 *   between the first page's keys. A trigger can't write to its own table in MySQL.
 *
 * A page of one row takes the insert id as is: it is that row's.
 */
import { FlushError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { ColumnProperty } from "../mapping/properties.js";
import type { InstanceState } from "../state/instance-state.js";
import { indexedParameters, multiRowInsert } from "./persistence-common.js";
import type { FlushContext } from "./unit-of-work.js";

/** Which row's id the driver reports for a multi-row INSERT. */
export type Numbering = "last" | "first";

/** The keys numbered so far in a group: the last one, and the step between two. */
export interface KeyRun {
  readonly numbering: Numbering;
  last: number;
  readonly step: number;
}

/** A page to number: the objects `states[start, end)`, their given columns, the key's value index. */
export interface NumberedPage {
  readonly sig: string;
  readonly given: readonly ColumnProperty[];
  readonly states: readonly InstanceState[];
  readonly start: number;
  readonly end: number;
  readonly keyIndex: number;
}

/** Whether pages after the first may be numbered on this database for a key of this column, and how. */
export function keyNumbering(ctx: FlushContext, key: ColumnProperty): Numbering | null {
  const caps = ctx.dialect.capabilities;
  if (!caps.supportsInsertReturning || !caps.postfetchLastrowid) return null;
  const t = key.column.type as { kind: string; mode?: string };
  const numeric =
    t.kind === "integer" || t.kind === "smallinteger" || (t.kind === "biginteger" && t.mode === "number");
  if (!numeric) return null;
  return caps.lastrowidIsLastOfMany ? "last" : "first";
}

/**
 * The run the first page's RETURNING rows start (key first in each row, in VALUES order), or
 * null when the following pages must be read back too. `more`: keys still to come.
 */
export async function startKeyRun(
  ctx: FlushContext,
  numbering: Numbering,
  rows: readonly (readonly unknown[])[],
  more: number,
): Promise<KeyRun | null> {
  const first = rows[0]?.[0];
  const second = rows.length > 1 ? rows[1]![0] : undefined;
  if (typeof first !== "number") return null;
  const step = typeof second === "number" ? second - first : 1;
  if (step < 1 || (numbering === "last" && step !== 1)) return null;
  if (!Number.isSafeInteger(first + (rows.length + more) * step)) return null;
  for (let r = 1; r < rows.length; r++) if (rows[r]![0] !== first + r * step) return null;
  if (!(await ctx.dialect.consecutiveInsertIds(ctx.conn._record.driver))) return null;
  return { numbering, last: first + (rows.length - 1) * step, step };
}

/** INSERTs one page without RETURNING and gives its objects their keys from the insert id. */
export async function insertNumbered(
  ctx: FlushContext,
  mapper: Mapper,
  page: NumberedPage,
  run: KeyRun,
): Promise<void> {
  const { states, start, end, keyIndex } = page;
  const n = end - start;
  const result = await executeOneStatement(ctx, mapper, page);
  const id = result.lastInsertId;
  const first = run.numbering === "last" && typeof id === "number" ? id - (n - 1) * run.step : id;
  // SQLite's rows must follow the previous page's: nothing else wrote to the table meanwhile.
  const follows = run.numbering === "first" || n === 1 || first === run.last + run.step;
  if (typeof first !== "number" || result.rowcount !== n || !follows || !Number.isSafeInteger(first)) {
    throw new FlushError(
      `INSERT into '${mapper.table.name}' of ${n} rows did not number them as expected ` +
        `(rows written: ${result.rowcount}, insert id ${String(id)}, previous key ${run.last}): something else ` +
        "wrote to the table during the INSERT (a trigger, or ON CONFLICT REPLACE), so the new keys can't be matched to objects. " +
        "Flush at most insertPageSize new objects at a time (the Session option): one page is read back with RETURNING.",
      "ATH-ORM-KEYS",
    );
  }
  for (let r = 0; r < n; r++) states[start + r]!.values[keyIndex] = first + r * run.step;
  run.last = first + (n - 1) * run.step;
}

/**
 * The page as one multi-row INSERT (the engine reports no insert id for an executemany split
 * into pages on MySQL, and on SQLite one statement of indexed parameters costs less).
 */
function executeOneStatement(ctx: FlushContext, mapper: Mapper, page: NumberedPage) {
  const { given, states, start, end } = page;
  const stmt = multiRowInsert(mapper, `insn|${page.sig}`, given, end - start, []);
  return ctx.conn.execute(stmt, indexedParameters(states, start, end, given));
}
