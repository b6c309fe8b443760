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
  const reload = options.reload === true;
  const single = parentIdx.length === 1 ? parentIdx[0]! : -1;
  const fromIdentityMap = direction === "manyToOne" && !reload && prop.remoteIsTargetPk;
  const target = prop.target;
  const index = prop.index;
  // The parents by key, and the keys' values for the IN list, in first-seen order.
  const byKey = new Map<IdentityKey, InstanceState[]>();
  const keyValues: unknown[][] = [];
  for (const s of states) {
    if (s.key === null) continue;
    if (!reload && s.related !== null && s.related[index] !== undefined) {
      if (!options.reloadUnchanged || s.relCommitted?.has(index)) continue;
    }
    let key: IdentityKey;
    let vals: unknown[] | null = null;
    if (single >= 0) {
      const v = s.values[single];
      // A key that is not loaded (expired) can't say what is related: left for the caller to refresh.
      if (v === undefined) continue;
      if (v === null) {
        setCommittedRelated(s, prop, uselist ? [] : null);
        continue;
      }
      key = keyPart(v);
    } else {
      vals = parentIdx.map((i) => s.values[i]);
      if (vals.some((v) => v === undefined)) continue;
      if (vals.some((v) => v === null)) {
        setCommittedRelated(s, prop, uselist ? [] : null);
        continue;
      }
      key = valuesKey(vals);
    }
    const list = byKey.get(key);
    if (list !== undefined) {
      list.push(s);
      continue;
    }
    if (fromIdentityMap) {
      // The identity map may hold it already: no SQL for that parent (SQLAlchemy does the same).
      const found = session.identityMap.get(target, key);
      // (An expired one is queried: the SELECT refreshes it.)
      if (found !== undefined && !found.deleted && !(found.unloadedReason !== null && found.hasUnloaded())) {
        setCommittedRelated(s, prop, found.obj);
        continue;
      }
    }
    byKey.set(key, [s]);
    keyValues.push(vals ?? [s.values[single]]);
  }
  if (byKey.size === 0) return 0;
  const found = new Map<IdentityKey, object[]>();
  const n = prop.remoteKeyColumns.length;
  let statements = 0;
  const run = options.run ?? ((stmt: Select<any, any>) => session._loadRows(stmt));
  const chunkSize = options.keySource !== undefined ? Infinity : IN_CHUNK;
  for (let i = 0; i < keyValues.length; i += chunkSize) {
    const chunk = i === 0 && keyValues.length <= chunkSize ? keyValues : keyValues.slice(i, i + chunkSize);
    let stmt = relatedSelect(prop, options.keySource ?? chunk);
    if (options.adapt) stmt = options.adapt(stmt);
    const rows = await run(stmt);
    statements++;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const child = row[0] as object | null;
      if (child === null) continue;
      const k = n === 1 ? keyPart(row[1]) : valuesKey(row.slice(1, 1 + n));
      const list = found.get(k);
      if (list === undefined) found.set(k, [child]);
      else if (!uselist || list[list.length - 1] !== child) list.push(child);
    }
  }
  const rev =
    direction === "oneToMany" && prop.reverse !== null && !prop.reverse.uselist ? prop.reverse : null;
  for (const [k, parents] of byKey) {
    const children = found.get(k);
    for (const s of parents) {
      setCommittedRelated(s, prop, uselist ? (children ?? []) : (children?.[0] ?? null));
      // The children's many-to-one back to this parent is known now too.
      if (rev !== null && children !== undefined) {
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
 * IN lists are padded (the last value repeated) to one of a few lengths, so that a relationship
 * loads through a handful of statement shapes, whatever the number of parents: each is compiled
 * once (compiled cache, prepared statements) instead of once per list length. Powers of two up
 * to 256, then the chunk size: at most twice the values, and ten shapes per relationship.
 */
export function paddedLength(n: number): number {
  if (n <= 2) return n;
  if (n > 256) return Math.max(n, IN_CHUNK);
  let p = 4;
  while (p < n) p *= 2;
  return p;
}

/** Base statements of relationship loads (the target, the remote key columns, joins, order), per relationship. */
const baseSelects = new WeakMap<RelationshipProperty, Select<any, any>>();

function baseSelect(prop: RelationshipProperty): Select<any, any> {
  let stmt = baseSelects.get(prop);
  if (stmt === undefined) {
    stmt = select(prop.target.class_ as never, ...(prop.remoteKeyColumns as never[])) as Select<any, any>;
    if (prop.secondary !== null) stmt = stmt.join(prop.secondary, prop.secondaryjoin!);
    if (prop.orderBy.length > 0) stmt = stmt.orderBy(...prop.orderBy);
    baseSelects.set(prop, stmt);
  }
  return stmt;
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
  const left = remote.length === 1 ? remote[0]! : tuple_(...remote);
  let crit: ColumnElement<boolean>;
  if (!Array.isArray(keyValues)) crit = left.in(keyValues as never);
  else {
    const n = keyValues.length;
    const padded = paddedLength(n);
    if (remote.length === 1) {
      const vals = new Array<unknown>(padded);
      for (let i = 0; i < n; i++) vals[i] = keyValues[i]![0];
      for (let i = n; i < padded; i++) vals[i] = vals[n - 1];
      crit = left.in(vals);
    } else {
      const rows = keyValues.slice() as unknown[][];
      for (let i = n; i < padded; i++) rows.push(keyValues[n - 1]!);
      crit = left.in(rows);
    }
  }
  return baseSelect(prop).where(crit);
}
