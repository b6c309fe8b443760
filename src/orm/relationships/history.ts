/**
 * A relationship's history since load or flush (SQLAlchemy: `attributes.History` of a
 * relationship attribute): the objects added, removed and kept, from the value recorded before
 * the first change (`InstanceState.relCommitted`) and the current one.
 */
import { NO_VALUE, type InstanceState } from "../state/instance-state.js";
import type { RelationshipProperty } from "./property.js";
import { isWriteOnlyCollection } from "./write-only.js";

export interface RelationshipHistory {
  readonly added: readonly object[];
  readonly unchanged: readonly object[];
  readonly deleted: readonly object[];
  /** The value before the change was not loaded, so `deleted` may miss objects. */
  readonly originalUnknown: boolean;
}

const EMPTY: RelationshipHistory = { added: [], unchanged: [], deleted: [], originalUnknown: false };

/** The history of one relationship of one object (nothing loaded: empty). */
export function relationshipHistory(state: InstanceState, prop: RelationshipProperty): RelationshipHistory {
  const cur = state.related?.[prop.index];
  if (cur === undefined) return EMPTY;
  if (isWriteOnlyCollection(cur)) {
    return { added: [...cur._added], unchanged: [], deleted: [...cur._removed], originalUnknown: false };
  }
  const now = members(cur);
  const c = state.relCommitted;
  if (c === null || !c.has(prop.index)) {
    return state.key === null
      ? { added: now, unchanged: [], deleted: [], originalUnknown: false }
      : { added: [], unchanged: now, deleted: [], originalUnknown: false };
  }
  const orig = c.get(prop.index);
  if (orig === NO_VALUE) return { added: now, unchanged: [], deleted: [], originalUnknown: true };
  const before = members(orig);
  const was = new Set(before);
  const is = new Set(now);
  return {
    added: now.filter((o) => !was.has(o)),
    unchanged: now.filter((o) => was.has(o)),
    deleted: before.filter((o) => !is.has(o)),
    originalUnknown: false,
  };
}

function members(v: unknown): object[] {
  if (v === null || v === undefined) return [];
  return Array.isArray(v) ? [...(v as object[])] : [v as object];
}
