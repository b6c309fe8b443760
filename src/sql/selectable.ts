/**
 * FROM-able things and SELECT (SQLAlchemy: `sql/selectable.py`): the public surface of
 * `from-clauses.ts`, `joins.ts`, `select-base.ts`, `select.ts` and `cte.ts`.
 */
import "./elements.js";
export { FromClause } from "./base.js";
export * from "./from-clauses.js";
export { inferOnClause, joinLeaves, fromName } from "./joins.js";
export * from "./select-base.js";
export * from "./select.js";
export * from "./cte.js";
