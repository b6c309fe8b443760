/**
 * INSERTs of new objects (SQLAlchemy: `persistence._emit_insert_statements`, with 2.0's
 * "insertmanyvalues"). Objects of one class are grouped by the set of columns they give; each
 * group goes out as multi-row `INSERT … VALUES (…), (…)` statements of up to `pageSize` rows.
 *
 * Keys and server defaults come back with RETURNING where the database has it. Rows of a
 * multi-row INSERT RETURNING are matched to objects by primary key: given keys directly, and
 * database-numbered keys by order, since an autoincrement counter numbers the rows of one
 * statement in VALUES order (SQLAlchemy relies on the same for its implicit sentinel). Without
 * RETURNING, objects whose key the database generates are inserted one per statement and get
 * the driver's insert id.
 */
import { bindparam } from "../../sql/base.js";
import { insert } from "../../sql/dml.js";
import { FlushError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { ColumnProperty } from "../mapping/properties.js";
import type { InstanceState } from "../state/instance-state.js";
import {
  cachedStatement,
  expireGenerated,
  fetchByPrimaryKey,
  generatedKeyValue,
} from "./persistence-common.js";
import type { FlushContext } from "./unit-of-work.js";

/** Bound values per statement, under every database's limit (SQLite allows 32766). */
const MAX_PARAMS = 30000;

/** Client-side defaults and version counters, filled in before the INSERT (their values are then known). */
export function applyInsertDefaults(mapper: Mapper, s: InstanceState): void {
  const values = s.values;
  for (const p of mapper.columnProps) {
    const i = p.index;
    const v = values[i];
    if (v === null && p === mapper.autoincrementProp) values[i] = undefined;
    if (v !== undefined && v !== null) continue;
    if (v === undefined) {
      if (p === mapper.versionProp && mapper.versionIdGenerator !== false) {
        values[i] = mapper.versionIdGenerator(undefined);
        continue;
      }
      const d = p.column.insertDefault;
      if (d !== null) {
        if (d.kind === "value") values[i] = d.value;
        else if (d.kind === "fn") values[i] = d.fn();
        continue; // an expression default is rendered in the statement
      }
      // Unset nullable columns are sent as NULL so that rows share one column set (and one statement).
      if (p.column.nullable && p.column.serverDefault === null && p !== mapper.autoincrementProp)
        values[i] = null;
    }
  }
}

/** Emits the INSERTs for the new objects of one mapper (defaults already applied). */
export async function insertStates(
  ctx: FlushContext,
  mapper: Mapper,
  states: readonly InstanceState[],
): Promise<void> {
  const groups = new Map<string | number, InstanceState[]>();
  const width = mapper.columnProps.length;
  let lastSig: string | number | null = null;
  let last: InstanceState[] | null = null;
  for (const s of states) {
    const sig = width <= 30 ? givenMask(s.values) : givenString(s.values);
    if (sig !== lastSig) {
      lastSig = sig;
      last = groups.get(sig) ?? null;
      if (last === null) groups.set(sig, (last = []));
    }
    last!.push(s);
  }
  for (const [sig, group] of groups)
    await insertGroup(ctx, mapper, typeof sig === "number" ? maskString(sig, width) : sig, group);
}

/** Which values are given, as bits (value index i: bit i). */
function givenMask(values: readonly unknown[]): number {
  let mask = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== undefined) mask |= 1 << i;
  return mask;
}

/** Which values are given, as "0"/"1" per value index. */
function givenString(values: readonly unknown[]): string {
  let sig = "";
  for (const v of values) sig += v === undefined ? "0" : "1";
  return sig;
}

function maskString(mask: number, width: number): string {
  let sig = "";
  for (let i = 0; i < width; i++) sig += mask & (1 << i) ? "1" : "0";
  return sig;
}

async function insertGroup(
  ctx: FlushContext,
  mapper: Mapper,
  sig: string,
  states: InstanceState[],
): Promise<void> {
  const props = mapper.columnProps;
  const given = props.filter((p) => sig[p.index] === "1");
  const omitted = props.filter((p) => sig[p.index] === "0");
  const pkOmitted = omitted.filter((p) => p.isPrimaryKey);
  const generated = omitted.filter((p) => !p.isPrimaryKey);
  const canReturn = ctx.dialect.capabilities.supportsInsertReturning === true;
  const returnDefaults = generated.length > 0 && canReturn && mapper.eagerDefaults !== false;
  const returning =
    pkOmitted.length > 0 || returnDefaults ? [...mapper.pkProps, ...(returnDefaults ? generated : [])] : [];

  if (
    pkOmitted.length > 0 &&
    (!canReturn || pkOmitted[0] !== mapper.autoincrementProp || pkOmitted.length > 1)
  ) {
    // Keys the database makes that can't be matched to a multi-row insert's rows: one row per statement.
    for (const s of states)
      await insertOneByOne(ctx, mapper, s, given, pkOmitted, canReturn ? returning : []);
  } else {
    const perStatement = Math.max(
      1,
      Math.min(ctx.pageSize, Math.floor(MAX_PARAMS / Math.max(1, given.length))),
    );
    for (let start = 0; start < states.length; start += perStatement) {
      const page = states.slice(start, start + perStatement);
      await insertPage(ctx, mapper, sig, page, given, returning, pkOmitted.length > 0);
    }
  }
  if (generated.length > 0 && !returnDefaults) {
    if (mapper.eagerDefaults === true) await fetchByPrimaryKey(ctx, mapper, states, generated);
    else expireGenerated(states, generated, "server default");
  }
}

async function insertPage(
  ctx: FlushContext,
  mapper: Mapper,
  sig: string,
  page: readonly InstanceState[],
  given: readonly ColumnProperty[],
  returning: readonly ColumnProperty[],
  keysGenerated: boolean,
): Promise<void> {
  const n = page.length;
  // The statement and its parameter names are built once per shape (rows × columns).
  const { stmt, names } = cachedStatement(mapper, `ins|${sig}|${n}|${returning.length}`, () => {
    const rows = [];
    const names: string[] = [];
    for (let r = 0; r < n; r++) {
      const row: Record<string, unknown> = {};
      for (const p of given) {
        const name = `p${r}_${p.index}`;
        names.push(name);
        row[p.key] = bindparam(name, p.column.type);
      }
      rows.push(row);
    }
    const ins = insert(mapper.table).values(rows as any);
    return { stmt: returning.length ? ins.returning(...returning.map((p) => p.column)) : ins, names };
  });
  const params: Record<string, unknown> = {};
  const width = given.length;
  for (let r = 0; r < n; r++) {
    const values = page[r]!.values;
    for (let j = 0; j < width; j++) params[names[r * width + j]!] = values[given[j]!.index];
  }
  const result = await ctx.conn.execute(stmt, params);
  if (returning.length === 0) return;
  const rows = result.tuples().all();
  if (rows.length !== n) {
    throw new FlushError(
      `INSERT into '${mapper.table.name}' of ${n} rows returned ${rows.length} rows; can't match generated values to objects.`,
    );
  }
  const pkCount = mapper.pkProps.length;
  if (keysGenerated) {
    // One database-numbered key: ascending in VALUES order.
    rows.sort((a, b) => compareKeys(a[0], b[0]));
    page.forEach((s, r) => applyReturned(s, returning, rows[r]!));
  } else {
    const byKey = new Map(rows.map((row) => [mapper.identityKeyOfPk(row.slice(0, pkCount)), row]));
    for (const s of page) {
      const row = byKey.get(mapper.identityKey(s.values)!);
      if (row === undefined)
        throw new FlushError(
          `INSERT into '${mapper.table.name}' returned no row for ${mapper.className} ${JSON.stringify(mapper.identityKey(s.values))}.`,
        );
      applyReturned(s, returning, row);
    }
  }
}

async function insertOneByOne(
  ctx: FlushContext,
  mapper: Mapper,
  s: InstanceState,
  given: readonly ColumnProperty[],
  pkOmitted: readonly ColumnProperty[],
  returning: readonly ColumnProperty[],
): Promise<void> {
  const sig = `one|${given.map((p) => p.index).join(",")}|${returning.length}`;
  const stmt = cachedStatement(mapper, sig, () => {
    const row: Record<string, unknown> = {};
    for (const p of given) row[p.key] = bindparam(`p_${p.index}`, p.column.type);
    const ins = insert(mapper.table).values(row as any);
    return returning.length ? ins.returning(...returning.map((p) => p.column)) : ins;
  });
  const params: Record<string, unknown> = {};
  for (const p of given) params[`p_${p.index}`] = s.values[p.index];
  const result = await ctx.conn.execute(stmt, params);
  if (returning.length > 0) {
    const row = result.tuples().first();
    if (row === null) throw new FlushError(`INSERT into '${mapper.table.name}' returned no row.`);
    applyReturned(s, returning, row);
    return;
  }
  const id = result.lastInsertId;
  if (pkOmitted.length !== 1 || pkOmitted[0] !== mapper.autoincrementProp || id === null) {
    throw new FlushError(
      `Can't learn the primary key the database generated for ${mapper.className} (table '${mapper.table.name}'): ` +
        "the database has no RETURNING and gave no insert id for this key. Set the key before flushing.",
      "ATH-ORM-NO-KEY",
    );
  }
  s.values[pkOmitted[0]!.index] = generatedKeyValue(pkOmitted[0]!, id);
}

function applyReturned(
  s: InstanceState,
  returning: readonly ColumnProperty[],
  row: readonly unknown[],
): void {
  returning.forEach((p, j) => (s.values[p.index] = row[j]));
}

function compareKeys(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}
