/**
 * Which objects lost their parent (SQLAlchemy: the `hasparent` flags of `orm/attributes.py` and
 * `Mapper._is_orphan`). For each relationship with the delete-orphan cascade, an object related
 * through it is flagged "attached" when it joins (collection append, assignment) and "detached"
 * when it leaves (removal, replacement, its many-to-one set to null). The flush reads the flags:
 *
 * - a persistent object detached from a delete-orphan parent is an orphan: it is DELETEd;
 * - a pending one is expunged instead of INSERTed (SQLAlchemy does that at the removal);
 * - an object never flagged keeps its row: loaded objects are assumed to have their parent,
 *   and a new object never attached is INSERTed as it is (as SQLAlchemy 0.8+ does).
 */
import type { InstanceState } from "../state/instance-state.js";
import { STATE } from "../state/instance-state.js";
import type { RelationshipProperty } from "./property.js";

const flags = new WeakMap<InstanceState, Map<RelationshipProperty, boolean>>();
/** False until some object is flagged: flushes then skip looking for orphans. */
let anyFlagged = false;

function stateOfChild(child: object): InstanceState | undefined {
  return (child as { [STATE]?: InstanceState })[STATE];
}

/** Records that `child` is (or is no longer) related through `prop`, a delete-orphan relationship. */
export function setHasParent(child: object, prop: RelationshipProperty, attached: boolean): void {
  const s = stateOfChild(child);
  if (s === undefined) return;
  let m = flags.get(s);
  if (m === undefined) flags.set(s, (m = new Map()));
  m.set(prop, attached);
  anyFlagged = true;
}

/** True / false when an event said so; undefined when nothing did since the object was loaded or made. */
export function hasParent(s: InstanceState, prop: RelationshipProperty): boolean | undefined {
  return flags.get(s)?.get(prop);
}

/** Forgets the flags of an object (its relationships were expired: what they said no longer holds). */
export function clearParentFlags(s: InstanceState): void {
  flags.delete(s);
}

/**
 * The delete-orphan relationship `s` was detached from, or null (SQLAlchemy's `_is_orphan`:
 * detached from any one of its delete-orphan parents is enough).
 */
export function orphanedFrom(s: InstanceState): RelationshipProperty | null {
  if (!anyFlagged) return null;
  const m = flags.get(s);
  if (m === undefined) return null;
  for (const [prop, attached] of m) if (!attached) return prop;
  return null;
}

/** Whether any object was ever flagged (else no object can be an orphan). */
export function mayHaveOrphans(): boolean {
  return anyFlagged;
}

/** Whether a relationship's members are flagged: the delete-orphan ones only. */
export function tracksParents(prop: RelationshipProperty): boolean {
  return prop.cascade.has("delete-orphan");
}
