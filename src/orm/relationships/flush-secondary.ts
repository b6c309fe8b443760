/**
 * The rows of many-to-many association tables (SQLAlchemy: `ManyToManyDP.process_saves` /
 * `process_deletes` and `_run_crud`). The flush collects pairs added to and removed from
 * `secondary` collections, and the objects deleted whose rows must go; after every object is
 * saved (so both keys are known) and before any is deleted, it writes:
 *
 *  1. removed pairs: one `DELETE … WHERE a = ? AND b = ?` run as an executemany per table,
 *     checked against the rows it matched (StaleDataError, as SQLAlchemy);
 *  2. rows of deleted objects: `DELETE … WHERE a IN (…)` per relationship (none with
 *     `passiveDeletes`: the database's ON DELETE CASCADE does it);
 *  3. added pairs: one multi-row INSERT per table.
 *
 * A pair seen from both sides of `backPopulates` is one row, written once; pairs with a deleted
 * side are not inserted.
 */
import { bindparam, type ColumnElement } from "../../sql/base.js";
import { delete_, insert } from "../../sql/dml.js";
import { and, or } from "../../sql/operators.js";
import type { Table } from "../../schema/table.js";
import { FlushError, StaleDataError } from "../errors.js";
import type { InstanceState } from "../state/instance-state.js";
import { valuesKey } from "../mapping/mapper.js";
import { committedValue } from "./flush-history.js";
import type { RelationshipProperty } from "./property.js";

/** The connection a flush writes through. */
interface Executor {
  execute(stmt: any, params?: any): Promise<{ rowcount: number }>;
}

type Pair = readonly [RelationshipProperty, InstanceState, InstanceState];
type Row = Record<string, unknown>;

/** Rows per INSERT / keys per IN list. */
const ROWS_PER_STATEMENT = 500;

/** The association-table work of one flush. */
export class SecondaryWork {
  private readonly added: Pair[] = [];
  private readonly removed: Pair[] = [];
  private readonly cleared = new Map<RelationshipProperty, InstanceState[]>();

  /** `child` joined `prop` of `parent`. */
  add(prop: RelationshipProperty, parent: InstanceState, child: InstanceState): void {
    this.added.push([prop, parent, child]);
  }
  /** `child` left `prop` of `parent`. */
  remove(prop: RelationshipProperty, parent: InstanceState, child: InstanceState): void {
    this.removed.push([prop, parent, child]);
  }
  /** `parent` is deleted: every row of `prop` naming it goes. */
  clear(prop: RelationshipProperty, parent: InstanceState): void {
    const list = this.cleared.get(prop);
    if (list) list.push(parent);
    else this.cleared.set(prop, [parent]);
  }
  get isEmpty(): boolean {
    return this.added.length === 0 && this.removed.length === 0 && this.cleared.size === 0;
  }

  /** Writes the collected rows; `deleting` tells objects whose rows are being deleted in this flush. */
  async execute(conn: Executor, deleting: (s: InstanceState) => boolean): Promise<void> {
    const removed = byTable(this.removed, true, () => false);
    for (const [table, rows] of removed) await deletePairs(conn, table, rows);
    for (const [prop, parents] of this.cleared) await clearRows(conn, prop, parents);
    const added = byTable(this.added, false, deleting);
    for (const [table, rows] of added) {
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT)
        await conn.execute(insert(table).values(rows.slice(i, i + ROWS_PER_STATEMENT) as any));
    }
  }
}

/** The association rows of pairs, by table, each row once. */
function byTable(
  pairs: readonly Pair[],
  committed: boolean,
  deleting: (s: InstanceState) => boolean,
): Map<Table<any, any>, Row[]> {
  const out = new Map<Table<any, any>, Map<string, Row>>();
  for (const [prop, parent, child] of pairs) {
    if (deleting(parent) || deleting(child)) continue;
    const table = prop.secondary!;
    const row: Row = {};
    copyKey(row, prop, prop.syncPairs, parent, prop.parentKeyIndexes, committed);
    copyKey(row, prop, prop.secondarySyncPairs, child, prop.targetKeyIndexes, committed);
    const cols = table.columns.map((c) => c.key).filter((k) => k in row);
    const key = valuesKey(cols.map((k) => row[k]));
    let rows = out.get(table);
    if (rows === undefined) out.set(table, (rows = new Map()));
    rows.set(cols.join(",") + "|" + key, row);
  }
  return new Map([...out].map(([t, rows]) => [t, [...rows.values()]]));
}

function copyKey(
  row: Row,
  prop: RelationshipProperty,
  pairs: RelationshipProperty["syncPairs"],
  s: InstanceState,
  indexes: readonly number[],
  committed: boolean,
): void {
  pairs.forEach(([, dest], j) => {
    const v = committed ? committedValue(s, indexes[j]!) : s.values[indexes[j]!];
    if (v === undefined || v === null) {
      throw new FlushError(
        `Can't write the '${prop.secondary!.name}' row of ${prop.where}: the ${s.mapper.className}'s key ` +
          `(${s.mapper.columnProps[indexes[j]!]!.key}) is ${v === null ? "null" : "not loaded"}.`,
        "ATH-ORM-SECONDARY",
      );
    }
    row[dest.key] = v;
  });
}

const pairDeletes = new WeakMap<Table<any, any>, Map<string, unknown>>();

async function deletePairs(conn: Executor, table: Table<any, any>, rows: readonly Row[]): Promise<void> {
  const keys = Object.keys(rows[0]!);
  const sig = keys.join(",");
  let cache = pairDeletes.get(table);
  if (cache === undefined) pairDeletes.set(table, (cache = new Map()));
  let stmt = cache.get(sig);
  if (stmt === undefined) {
    const cols = keys.map((k) => table.columns.find((c) => c.key === k)!);
    stmt = delete_(table).where(and(...cols.map((c, j) => c.eq(bindparam("s" + j, c.type)))));
    cache.set(sig, stmt);
  }
  const params = rows.map((r) => Object.fromEntries(keys.map((k, j) => ["s" + j, r[k]])));
  const result = await conn.execute(stmt, params);
  if (result.rowcount >= 0 && result.rowcount !== rows.length) {
    throw new StaleDataError(
      `DELETE statement on table '${table.name}' expected to delete ${rows.length} row(s); only ${result.rowcount} were matched. ` +
        "The association rows changed since the collections were loaded.",
    );
  }
}

/** `DELETE FROM secondary WHERE fk IN (…)` for deleted parents (composite keys: OR of ANDs). */
async function clearRows(
  conn: Executor,
  prop: RelationshipProperty,
  parents: readonly InstanceState[],
): Promise<void> {
  const table = prop.secondary!;
  const idx = prop.parentKeyIndexes;
  const cols = prop.syncPairs.map(([, dest]) => dest) as ColumnElement<any>[];
  const keys = parents
    .map((s) => idx.map((i) => committedValue(s, i)))
    .filter((vals) => vals.every((v) => v !== null && v !== undefined));
  for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
    const chunk = keys.slice(i, i + ROWS_PER_STATEMENT);
    const where =
      cols.length === 1
        ? cols[0]!.in(chunk.map((k) => k[0]))
        : or(...chunk.map((k) => and(...cols.map((c, j) => c.eq(k[j])))));
    await conn.execute(delete_(table).where(where));
  }
}
