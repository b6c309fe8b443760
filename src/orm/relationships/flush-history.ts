/**
 * What the flush reads of relationships (SQLAlchemy: `attributes.History` and
 * `UOWTransaction.get_attribute_history`): the members added to and removed from a relationship
 * since it was loaded or last flushed, the members it has now, and writing a foreign key value
 * (SQLAlchemy: `orm/sync.py`).
 *
 * History comes from `InstanceState.relCommitted` (the value before the first change) compared
 * with the value now, or from a write-only collection's queues. When a relationship was replaced
 * while not loaded, its original members are unknown in memory: they are SELECTed here, with
 * one statement per 500 parents, as are the members of unloaded relationships of deleted objects
 * (SQLAlchemy loads both through lazy loads at flush).
 */
import type { Select } from "../../sql/select.js";
import { valuesKey, type IdentityKey } from "../mapping/mapper.js";
import { NO_VALUE, STATE, type InstanceState } from "../state/instance-state.js";
import { IN_CHUNK, relatedSelect } from "./loader.js";
import type { RelationshipProperty } from "./property.js";
import { relationshipHistory } from "./history.js";
import { isWriteOnlyCollection } from "./write-only.js";

/** Members added to and removed from one relationship of one object. */
export interface History {
  readonly added: readonly object[];
  readonly removed: readonly object[];
}

/** What fetching needs of a Session: an ORM SELECT without autoflush. */
export interface FetchingSession {
  _loadRows(stmt: Select<any, any>): Promise<unknown[][]>;
}

/** The state of a mapped object (every related object has one). */
export function stateOfObj(obj: object): InstanceState {
  return (obj as { [STATE]: InstanceState })[STATE];
}

/** A value as the database has it: the original of a changed attribute, else the current value. */
export function committedValue(s: InstanceState, index: number): unknown {
  const c = s.committed;
  if (c !== null && c.has(index)) {
    const orig = c.get(index);
    if (orig !== undefined) return orig;
  }
  return s.values[index];
}

/**
 * Writes a foreign key value at flush (no validator, no type check: it comes from the
 * database's own key), recording the original of a persistent object so its UPDATE includes
 * the column. Returns whether the value changed.
 */
export function syncValue(s: InstanceState, index: number, value: unknown): boolean {
  const cur = s.values[index];
  if (cur === value) return false;
  if (s.key !== null) {
    let c = s.committed;
    if (c === null) c = s.committed = new Map();
    if (!c.has(index)) c.set(index, cur);
  }
  s.values[index] = value;
  return true;
}

/** The changes of `prop` on each of `states` that has some (originals fetched where needed). */
export async function histories(
  session: FetchingSession,
  prop: RelationshipProperty,
  states: readonly InstanceState[],
): Promise<Map<InstanceState, History>> {
  const out = new Map<InstanceState, History>();
  const unknownOriginal: InstanceState[] = [];
  for (const s of states) {
    // Only what changed since load or flush (a write-only collection: its queues).
    if (!prop.writeOnly && !(s.relCommitted?.has(prop.index) ?? false)) continue;
    const h = relationshipHistory(s, prop);
    if (h.originalUnknown && s.key !== null) unknownOriginal.push(s);
    else if (!prop.writeOnly || h.added.length > 0 || h.deleted.length > 0)
      out.set(s, { added: h.added, removed: h.deleted });
  }
  if (unknownOriginal.length > 0) {
    const originals = await fetchMembers(session, prop, unknownOriginal);
    for (const s of unknownOriginal)
      out.set(s, diff(originals.get(s) ?? [], members(s.related?.[prop.index])));
  }
  return out;
}

/**
 * The members `prop` has on each state now: in memory when loaded (with a write-only
 * collection's queued changes), else from the database when `fetch`, else none.
 */
export async function currentMembers(
  session: FetchingSession,
  prop: RelationshipProperty,
  states: readonly InstanceState[],
  fetch: boolean,
): Promise<Map<InstanceState, object[]>> {
  const out = new Map<InstanceState, object[]>();
  const toFetch: InstanceState[] = [];
  for (const s of states) {
    const v = s.related?.[prop.index];
    if (v !== undefined && !isWriteOnlyCollection(v)) out.set(s, members(v));
    else if (fetch && s.key !== null) toFetch.push(s);
    else out.set(s, isWriteOnlyCollection(v) ? [...v._added] : []);
  }
  if (toFetch.length > 0) {
    const fetched = await fetchMembers(session, prop, toFetch);
    const rev = prop.reverse;
    for (const s of toFetch) {
      let list = fetched.get(s) ?? [];
      // A child moved to another parent in memory (not flushed yet) is no longer this one's.
      if (rev !== null && !rev.uselist) list = list.filter((c) => movedAway(stateOfObj(c), rev, s) === false);
      const wo = s.related?.[prop.index];
      if (isWriteOnlyCollection(wo)) {
        list = list.filter((c) => !wo._removed.includes(c));
        for (const c of wo._added) if (!list.includes(c)) list.push(c);
      }
      out.set(s, list);
    }
  }
  return out;
}

function movedAway(child: InstanceState, rev: RelationshipProperty, parent: InstanceState): boolean {
  const v = child.related?.[rev.index];
  return v !== undefined && v !== parent.obj;
}

/** The members of `prop` in the database for each state, by the states' committed key values. */
export async function fetchMembers(
  session: FetchingSession,
  prop: RelationshipProperty,
  states: readonly InstanceState[],
): Promise<Map<InstanceState, object[]>> {
  const out = new Map<InstanceState, object[]>();
  const byKey = new Map<IdentityKey, InstanceState[]>();
  const keyValues: unknown[][] = [];
  const idx = prop.parentKeyIndexes;
  for (const s of states) {
    out.set(s, []);
    const vals = idx.map((i) => committedValue(s, i));
    if (vals.some((v) => v === null || v === undefined)) continue;
    const k = valuesKey(vals);
    const list = byKey.get(k);
    if (list) list.push(s);
    else {
      byKey.set(k, [s]);
      keyValues.push(vals);
    }
  }
  const width = prop.remoteKeyColumns.length;
  for (let i = 0; i < keyValues.length; i += IN_CHUNK) {
    const rows = await session._loadRows(relatedSelect(prop, keyValues.slice(i, i + IN_CHUNK)));
    for (const row of rows) {
      const child = row[0] as object | null;
      if (child === null) continue;
      for (const s of byKey.get(valuesKey(row.slice(1, 1 + width))) ?? []) {
        const list = out.get(s)!;
        if (!list.includes(child)) list.push(child);
      }
    }
  }
  return out;
}

/** A relationship value as a list of objects. */
export function members(v: unknown): object[] {
  if (v === undefined || v === null || v === NO_VALUE) return [];
  if (Array.isArray(v)) return v as object[];
  if (isWriteOnlyCollection(v)) return [...v._added];
  return [v as object];
}

function diff(before: readonly object[], after: readonly object[]): History {
  const b = new Set(before);
  const a = new Set(after);
  return { added: after.filter((o) => !b.has(o)), removed: before.filter((o) => !a.has(o)) };
}
