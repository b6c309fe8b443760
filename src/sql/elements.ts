/**
 * Expression nodes (SQLAlchemy: `sql/elements.py`): the public surface of `base.ts`,
 * `operators.ts`, `case.ts`, `window.ts` and coercion helpers. Importing this module also
 * registers the node classes ColumnElement's operators build (see `base.ts`).
 */
export * from "./base.js";
export * from "./operators.js";
export * from "./conversions.js";
export { Case, case_ } from "./case.js";
export { Over, type WindowSpec, type FrameBound, type WindowFrame } from "./window.js";
export { FunctionCall, FunctionFilter, StarElement, Extract, extract } from "./functions.js";
export { coerce, inferType, escapeLike, affinityOf, valueProblem, type Affinity } from "./coercions.js";
// Registrations used by FromClause.join (Join, inferOnClause).
import "./from-clauses.js";
import "./joins.js";
