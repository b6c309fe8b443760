/**
 * MySQL/MariaDB's INSERT with ON DUPLICATE KEY UPDATE (SQLAlchemy: `sqlalchemy.dialects.mysql.insert`).
 * @example
 * import { insert } from "athanor/dialects/mysql";
 * const stmt = insert(users).values([{ email: "a@x.io", name: "A" }, { email: "b@x.io", name: "B" }]);
 * await conn.execute(stmt.onDuplicateKeyUpdate({ name: stmt.inserted.name }));
 */
import { initialInsertState } from "../../sql/dml.js";
import type { ColumnMap, TableClause } from "../../sql/selectable.js";
import { OnDuplicateKeyInsert } from "../../sql/upsert.js";

export { OnDuplicateKeyInsert } from "../../sql/upsert.js";

/** An INSERT that also has `onDuplicateKeyUpdate()` and `inserted`. */
export function insert<C extends ColumnMap>(table: TableClause<any, C>): OnDuplicateKeyInsert<C, never> {
  return new OnDuplicateKeyInsert(table, initialInsertState());
}
