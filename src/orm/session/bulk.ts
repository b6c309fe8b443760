/**
 * ORM-enabled UPDATE and DELETE (SQLAlchemy 2.0: `session.execute(update(User).where(…))` with
 * `synchronize_session="fetch"`). The statement runs as written; if the Session holds objects
 * of that class, the primary keys it will match are selected first, and those objects are
 * brought in line: SET values given as plain values are applied (expressions such as
 * `func.now()` expire the attribute), deleted rows' objects leave the identity map.
 */
import type { Connection } from "../../engine/connection.js";
import type { Params } from "../../engine/execution.js";
import type { Result } from "../../engine/result.js";
import { BindParameter } from "../../sql/base.js";
import { Delete, Update } from "../../sql/dml.js";
import { select } from "../../sql/select.js";
import type { Mapper } from "../mapping/mapper.js";
import { ColumnProperty } from "../mapping/properties.js";
import type { Session } from "./session.js";

export interface BulkOptions {
  /** How loaded objects follow an UPDATE/DELETE of their table: "fetch" (default) or false (not at all). */
  synchronizeSession?: "fetch" | false;
}

/** True for an UPDATE or DELETE. */
export function isBulkDml(stmt: unknown): stmt is Update<any, any> | Delete<any, any> {
  return stmt instanceof Update || stmt instanceof Delete;
}

export async function executeBulk(
  session: Session,
  conn: Connection,
  stmt: Update<any, any> | Delete<any, any>,
  params: Params | readonly Params[] | undefined,
  options: BulkOptions,
): Promise<Result<any, any>> {
  const mapper = mapperForTable(session, stmt.table);
  const loaded = mapper === null ? 0 : session.identityMap.forMapper(mapper).size;
  if (mapper === null || loaded === 0 || options.synchronizeSession === false || Array.isArray(params)) {
    return conn.execute(stmt, params);
  }
  const pk = mapper.pkProps;
  const where = stmt._state.where;
  const matched = (
    await conn.execute(
      select(...pk.map((p) => p.column)).where(where ?? undefined),
      params as Params | undefined,
    )
  )
    .tuples()
    .all();
  const result = await conn.execute(stmt, params);
  const idmap = session.identityMap.forMapper(mapper);
  for (const row of matched) {
    const s = idmap.get(mapper.identityKeyOfPk(row));
    if (s === undefined) continue;
    if (stmt instanceof Delete) {
      idmap.delete(s.key!);
      s.deleted = true;
      session._deleted.delete(s);
      session._dirty.delete(s);
      session._tx.deleted.add(s);
      continue;
    }
    const expired: number[] = [];
    for (const [col, value] of stmt._state.values ?? []) {
      const prop = mapper.propsByKey.get(col.key);
      if (!(prop instanceof ColumnProperty)) continue;
      if (value instanceof BindParameter && value.value !== undefined) {
        s.values[prop.index] = value.value;
        s.committed?.delete(prop.index);
      } else expired.push(prop.index);
    }
    for (const p of mapper.columnProps) {
      if (p.column.updateDefault !== null || p.column.serverOnupdate !== null) expired.push(p.index);
    }
    if (expired.length)
      s.expire("it was set by an UPDATE statement to a value computed in the database", expired);
  }
  return result;
}

function mapperForTable(session: Session, table: unknown): Mapper | null {
  for (const m of session.identityMap.mappers()) if (m.table === table) return m;
  return null;
}
