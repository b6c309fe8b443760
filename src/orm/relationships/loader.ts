/**
 * Loading a relationship for a batch of parents with one SELECT per 500 of them (SQLAlchemy:
 * `SelectInLoader` in `orm/strategies.py`). It serves the "selectin" strategy and
 * `session.load(objs, "attr")`, on every direction:
 *
 *   SELECT target.*, <remote key columns> FROM target [JOIN secondary ON …]
 *   WHERE <remote key> IN (<parents' keys>) [ORDER BY …]
 *
 * The remote key columns come back with each row, so children are grouped by the values the
 * database holds (not by attributes changed in memory). Many-to-one first looks in the identity
 * map and queries only the keys it lacks. Composite keys use row values: `(a, b) IN ((…), …)`.
 */
import type { ColumnElement } from "../../sql/base.js";
import { tuple_ } from "../../sql/conversions.js";
import { select, type Select } from "../../sql/select.js";
import { keyPart, valuesKey, type IdentityKey } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { STATE } from "../state/instance-state.js";
import { peekRelated, setCommittedRelated } from "./attributes.js";
import type { RelationshipProperty } from "./property.js";

/** Parents per IN list (SQLAlchemy's selectin chunk size). */
export const IN_CHUNK = 500;

/** What loading needs of a Session: running an ORM SELECT without autoflush. */
export interface RelatedLoadingSession {
  readonly identityMap: { get(mapper: unknown, key: IdentityKey): InstanceState | undefined };
  /** Runs an ORM SELECT, rows as tuples; no autoflush (the caller flushed already). @internal */
  _loadRows(stmt: Select<any, any>): Promise<unknown[][]>;
}

export interface LoadRelatedOptions {
  /** Reload relationships already loaded. */
  reload?: boolean;
  /**
   * Reload relationships already loaded unless they have changes not flushed (a query whose
   * options go deeper than this relationship: its children must pass through that load).
   */
  reloadUnchanged?: boolean;
  /** Adjusts each loading SELECT (loader options for the next level of a path). */
  adapt?: (stmt: Select<any, any>) => Select<any, any>;
  /** Runs each loading SELECT (default: `session._loadRows`); eager loaders run it at their load path. */
  run?: (stmt: Select<any, any>) => Promise<unknown[][]>;
  /** The parents' keys as a subquery instead of an IN list of values (subqueryload). */
  keySource?: Select<any, any>;
}

/** Loads `prop` on every state that lacks it; returns the number of SELECTs run. */
export async function loadRelated(
  session: RelatedLoadingSession,
  prop: RelationshipProperty,
  states: readonly InstanceState[],
  options: LoadRelatedOptions = {},
): Promise<number> {
  const parentIdx = prop.parentKeyIndexes;
  const direction = prop.direction;
  const uselist = prop.uselist;
  const single = parentIdx.length === 1 ? parentIdx[0]! : -1;
  const fromIdentityMap = direction === "manyToOne" && !options.reload && prop.remoteIsTargetPk;
  const target = prop.target;
  const byKey = new Map<IdentityKey, InstanceState[]>();
  const keyValues = new Map<IdentityKey, unknown[]>();
  for (const s of states) {
    if (s.key === null) continue;
    if (!options.reload && s.related !== null && s.related[prop.index] !== undefined) {
      if (!options.reloadUnchanged || s.relCommitted?.has(prop.index)) continue;
    }
    let vals: unknown[];
    let missing = false;
    if (single >= 0) {
      const v = s.values[single];
      vals = [v];
      missing = v === null || v === undefined;
    } else {
      vals = parentIdx.map((i) => s.values[i]);
      missing = vals.some((v) => v === null || v === undefined);
    }
    // A key that is not loaded (expired) can't say what is related: left for the caller to refresh.
    if (missing && vals.some((v) => v === undefined)) continue;
    if (missing) {
      setCommittedRelated(s, prop, uselist ? [] : null);
      continue;
    }
    const key = valuesKey(vals);
    if (fromIdentityMap) {
      // The identity map may hold it already: no SQL for that parent (SQLAlchemy does the same).
      const found = session.identityMap.get(target, target.identityKeyOfPk(vals));
      // (An expired one is queried: the SELECT refreshes it.)
      if (found !== undefined && !found.deleted && !(found.unloadedReason !== null && found.hasUnloaded())) {
        setCommittedRelated(s, prop, found.obj);
        continue;
      }
    }
    const list = byKey.get(key);
    if (list) list.push(s);
    else {
      byKey.set(key, [s]);
      keyValues.set(key, vals);
    }
  }
  if (byKey.size === 0) return 0;
  const keys = [...byKey.keys()];
  const found = new Map<IdentityKey, object[]>();
  const remote = prop.remoteKeyColumns;
  let statements = 0;
  const run = options.run ?? ((stmt: Select<any, any>) => session._loadRows(stmt));
  const chunkSize = options.keySource !== undefined ? Infinity : IN_CHUNK;
  for (let i = 0; i < keys.length; i += chunkSize) {
    const chunk = keys.slice(i, i + chunkSize).map((k) => keyValues.get(k)!);
    let stmt = relatedSelect(prop, options.keySource ?? chunk);
    if (options.adapt) stmt = options.adapt(stmt);
    const rows = await run(stmt);
    statements++;
    const n = remote.length;
    for (const row of rows) {
      const child = row[0] as object | null;
      if (child === null) continue;
      const k = n === 1 ? keyPart(row[1]) : valuesKey(row.slice(1, 1 + n));
      const list = found.get(k);
      if (list === undefined) found.set(k, [child]);
      else if (!uselist || list[list.length - 1] !== child) list.push(child);
    }
  }
  const rev = prop.reverse;
  for (const [k, parents] of byKey) {
    const children = found.get(k) ?? [];
    for (const s of parents) {
      setCommittedRelated(s, prop, uselist ? children : (children[0] ?? null));
      // The children's many-to-one back to this parent is known now too.
      if (rev !== null && !rev.uselist && direction === "oneToMany") {
        for (const c of children) {
          const cs = (c as { [STATE]: InstanceState })[STATE];
          if (peekRelated(cs, rev) === undefined) setCommittedRelated(cs, rev, s.obj);
        }
      }
    }
  }
  return statements;
}

/**
 * The SELECT of the related rows for some parents' key values (or a subquery of them), with
 * the remote key columns after the entity.
 */
export function relatedSelect(
  prop: RelationshipProperty,
  keyValues: readonly unknown[][] | Select<any, any>,
): Select<any, any> {
  const remote = prop.remoteKeyColumns as readonly ColumnElement<any>[];
  let stmt = select(prop.target.class_ as never, ...remote) as Select<any, any>;
  if (prop.secondary !== null) stmt = stmt.join(prop.secondary, prop.secondaryjoin!);
  const left = remote.length === 1 ? remote[0]! : tuple_(...remote);
  let crit: ColumnElement<boolean>;
  if (!Array.isArray(keyValues)) crit = left.in(keyValues as never);
  else if (remote.length === 1) crit = remote[0]!.in(keyValues.map((v: unknown[]) => v[0]));
  else crit = left.in(keyValues as unknown[][]);
  stmt = stmt.where(crit);
  if (prop.orderBy.length > 0) stmt = stmt.orderBy(...prop.orderBy);
  return stmt;
}
