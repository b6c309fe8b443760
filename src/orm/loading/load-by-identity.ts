/**
 * Loading one row by primary key (SQLAlchemy: `loading.load_on_pk_identity`), for `get()`,
 * `refresh()` and expired objects. The ORM statement (`select(User).where(pk = :w0)`) is built
 * once per mapper and shape, and compiled once (ORM plugin, then engine cache), so each call
 * only binds the key; default eager strategies of relationships apply as in any query.
 */
import type { Connection } from "../../engine/connection.js";
import type { Result } from "../../engine/result.js";
import type { ExecutableOption, ForUpdateOptions } from "../../sql/select.js";
import { select, type Select } from "../../sql/select.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { cachedStatement, pkCriterion } from "../session/persistence-common.js";
import { ORM_PLUGIN, type CompiledOrmSelect } from "./compile-state.js";
import { instanceFor, loadEntity, type LoadingSession } from "./instances.js";
import { LoadRun, loadRows } from "./loading.js";
import { OnlyLoadOption, undefer } from "./options.js";

export interface LoadByIdentityOptions {
  /** Overwrite the attributes of an instance already in the Session (refresh). */
  populateExisting?: boolean;
  /** `SELECT … FOR UPDATE` (true, or its options). */
  forUpdate?: boolean | ForUpdateOptions;
}

const NO_OPTIONS: readonly ExecutableOption[] = [];

/** `select(Cls).where(pk = :w0 …)` with `options`, cached per mapper under `key` (and lock). */
function identityStatement(
  mapper: Mapper,
  forUpdate: boolean | ForUpdateOptions | undefined,
  key: string,
  options: readonly ExecutableOption[],
): Select<any, any> {
  const lock = forUpdate === true ? {} : forUpdate || null;
  const cacheKey =
    lock === null ? key : `${key}|lock|${JSON.stringify(lock, (k, v) => (k === "of" ? undefined : v))}`;
  let stmt = cachedStatement(mapper, cacheKey, () => {
    const s = (select(mapper.class_ as never) as Select<any, any>)
      .where(pkCriterion(mapper))
      .options(...options);
    return lock === null ? s : s.forUpdate(lock);
  });
  if (lock !== null && lock.of !== undefined) stmt = stmt.forUpdate(lock);
  return stmt;
}

/** The parameters of an identity statement (`w0`, `w1`, … as `pkCriterion` names them). */
function pkParams(pkValues: readonly unknown[]): Record<string, unknown> {
  if (pkValues.length === 1) return { w0: pkValues[0] };
  const params: Record<string, unknown> = {};
  for (let j = 0; j < pkValues.length; j++) params["w" + j] = pkValues[j];
  return params;
}

/** Runs an identity statement (compiled by the ORM plugin); the instance, or null when there is no such row. */
async function loadOne(
  session: LoadingSession,
  conn: Connection,
  compiled: CompiledOrmSelect,
  pkValues: readonly unknown[],
  populateExisting: boolean,
): Promise<object | null> {
  const result = await conn.execute(compiled.statement, pkParams(pkValues));
  return instanceOfResult(session, conn, compiled, result, populateExisting);
}

/** The instance an identity statement's result holds (a promise when relationships load after it). */
function instanceOfResult(
  session: LoadingSession,
  conn: Connection,
  compiled: CompiledOrmSelect,
  result: Result<any, any>,
  populateExisting: boolean,
): object | null | Promise<object | null> {
  const plan = compiled.plan;
  const item = plan.items[0]!;
  if (plan.simple && item.kind === "entity") {
    const row = result.tuples().first();
    if (row === null) return null;
    const e = item.entity;
    const idmap = session.identityMap.forMapper(e.mapper);
    // The row is the entity's whole value array unless some columns are deferred.
    if (e.indexes === null) return instanceFor(session, e.mapper, idmap, row, populateExisting);
    return loadEntity(session, e, idmap, row, populateExisting, { populated: false })?.obj ?? null;
  }
  return loadRows(new LoadRun(session, conn, compiled, populateExisting), result.tuples().all()).then(
    (rows) => (rows[0]?.[0] as object | null | undefined) ?? null,
  );
}

/**
 * The instance for primary key values, loaded or refreshed from the database; null when the row
 * is gone. `conn` may be a checkout still under way (a Session's first statement): the one
 * async step awaits it and the statement, as each async layer costs a promise and a turn of the
 * microtask queue, a good part of a lookup's overhead.
 */
export async function loadByIdentity(
  session: LoadingSession,
  conn: Connection | Promise<Connection>,
  mapper: Mapper,
  pkValues: readonly unknown[],
  options?: LoadByIdentityOptions,
): Promise<object | null> {
  const c = isConnection(conn) ? conn : await conn;
  let compiled: CompiledOrmSelect;
  let populateExisting = false;
  if (options === undefined) compiled = getStatement(mapper);
  else {
    compiled = ORM_PLUGIN.compile(identityStatement(mapper, options.forUpdate, "get", NO_OPTIONS));
    populateExisting = options.populateExisting ?? false;
  }
  const result = await c.execute(compiled.statement, pkParams(pkValues));
  return instanceOfResult(session, c, compiled, result, populateExisting);
}

/** A connection, not a checkout under way. */
function isConnection(c: Connection | Promise<Connection>): c is Connection {
  return typeof (c as Partial<Promise<Connection>>).then !== "function";
}

/** The plain `get()` statement, compiled, kept on the mapper once built. */
function getStatement(mapper: Mapper): CompiledOrmSelect {
  return (mapper._getStatement ??= ORM_PLUGIN.compile(
    identityStatement(mapper, undefined, "get", NO_OPTIONS),
  )) as CompiledOrmSelect;
}

/**
 * Reloads some column attributes (`indexes`) or all of a persistent instance; false when its
 * row is gone. "All" is what a query loads by default, plus the deferred columns the object
 * has loaded (SQLAlchemy: `Session.refresh`, `only_load_props`).
 */
export async function refreshState(
  conn: Connection,
  state: InstanceState,
  indexes: readonly number[] | null,
  forUpdate?: boolean | ForUpdateOptions,
): Promise<boolean> {
  const mapper = state.mapper;
  let key = "get";
  let options: ExecutableOption[] = [];
  if (indexes === null) {
    const loadedDeferred = mapper.columnProps.filter(
      (p) => p.deferred && state.values[p.index] !== undefined,
    );
    if (loadedDeferred.length > 0) {
      key = "refresh|" + loadedDeferred.map((p) => p.index).join(",");
      options = [undefer(...loadedDeferred)];
    }
  } else {
    const sorted = [...new Set(indexes)].sort((a, b) => a - b);
    key = "only|" + sorted.join(",");
    options = [new OnlyLoadOption(mapper, new Set(sorted.map((i) => mapper.columnProps[i]!)))];
  }
  const stmt = identityStatement(mapper, forUpdate, key, options);
  const pk = mapper.pkProps.map((p) => state.values[p.index]);
  const session = state.session as unknown as LoadingSession;
  return (await loadOne(session, conn, ORM_PLUGIN.compile(stmt), pk, true)) !== null;
}
