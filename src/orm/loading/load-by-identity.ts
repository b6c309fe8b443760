/**
 * Loading one row by primary key (SQLAlchemy: `loading.load_on_pk_identity`), for `get()`,
 * `refresh()` and expired objects. The statement is built once per mapper with bound
 * parameters (`pk = :w0`), so each call reuses its compiled form without rebuilding anything.
 */
import type { Connection } from "../../engine/connection.js";
import type { ForUpdateOptions } from "../../sql/select.js";
import { select } from "../../sql/select.js";
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { cachedStatement, pkCriterion } from "../session/persistence-common.js";
import { instanceFor, type LoadingSession } from "./loading.js";

export interface LoadByIdentityOptions {
  /** Overwrite the attributes of an instance already in the Session (refresh). */
  populateExisting?: boolean;
  /** `SELECT … FOR UPDATE` (true, or its options). */
  forUpdate?: boolean | ForUpdateOptions;
}

/** The row's values for primary key values, or null when there is no such row. */
export async function selectByIdentity(
  conn: Connection,
  mapper: Mapper,
  pkValues: readonly unknown[],
  forUpdate: boolean | ForUpdateOptions | undefined,
): Promise<unknown[] | null> {
  const lock = forUpdate === true ? {} : forUpdate || null;
  const key =
    lock === null ? "get" : `get|lock|${JSON.stringify(lock, (k, v) => (k === "of" ? undefined : v))}`;
  let stmt = cachedStatement(mapper, key, () => {
    const s = select(mapper.table).where(pkCriterion(mapper));
    return lock === null ? s : s.forUpdate(lock);
  });
  if (lock !== null && lock.of !== undefined) stmt = stmt.forUpdate(lock);
  const params: Record<string, unknown> = {};
  pkValues.forEach((v, j) => (params["w" + j] = v));
  return (await conn.execute(stmt, params)).tuples().first();
}

/** The instance for primary key values, loaded or refreshed from the database; null when the row is gone. */
export async function loadByIdentity(
  session: LoadingSession,
  conn: Connection,
  mapper: Mapper,
  pkValues: readonly unknown[],
  options: LoadByIdentityOptions = {},
): Promise<object | null> {
  const row = await selectByIdentity(conn, mapper, pkValues, options.forUpdate);
  if (row === null) return null;
  return instanceFor(
    session,
    mapper,
    session.identityMap.forMapper(mapper),
    row,
    options.populateExisting ?? false,
  );
}

/** Reloads some attributes (or all) of a persistent instance; false when its row is gone. */
export async function refreshState(
  conn: Connection,
  state: InstanceState,
  indexes: readonly number[] | null,
  forUpdate?: boolean | ForUpdateOptions,
): Promise<boolean> {
  const mapper = state.mapper;
  const row = await selectByIdentity(
    conn,
    mapper,
    mapper.pkProps.map((p) => state.values[p.index]),
    forUpdate,
  );
  if (row === null) return false;
  if (indexes === null) {
    state.values = row;
    state.committed = null;
  } else {
    for (const i of indexes) {
      state.values[i] = row[i];
      state.committed?.delete(i);
    }
  }
  if (!state.hasUnloaded()) state.unloadedReason = null;
  return true;
}
