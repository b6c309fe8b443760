/**
 * SQLite's INSERT with ON CONFLICT (SQLAlchemy: `sqlalchemy.dialects.sqlite.insert`).
 * @example
 * import { insert } from "athanor/dialects/sqlite";
 * const stmt = insert(users).values([{ email: "a@x.io", name: "A" }, { email: "b@x.io", name: "B" }]);
 * await conn.execute(stmt.onConflictDoUpdate({ indexElements: [users.c.email], set: { name: stmt.excluded.name } }));
 */
import { initialInsertState } from "../../sql/dml.js";
import type { ColumnMap, TableClause } from "../../sql/selectable.js";
import { OnConflictInsert } from "../../sql/upsert.js";

export { OnConflictInsert, type ConflictTarget, type OnConflictDoUpdateOptions } from "../../sql/upsert.js";

/** An INSERT that also has `onConflictDoNothing()` / `onConflictDoUpdate()` and `excluded`. */
export function insert<C extends ColumnMap>(table: TableClause<any, C>): OnConflictInsert<C, never> {
  return new OnConflictInsert(table, initialInsertState());
}
