/**
 * Turning plain values into expressions, and the run-time checks that give bad input a
 * clear error before anything reaches a database (SQLAlchemy: `sql/coercions.py` and the
 * type comparators' operator tables).
 *
 * This module only uses the node classes inside function bodies, so it can be imported
 * from `base.ts` without an evaluation-order cycle.
 */
import { ArgumentError } from "../util/errors.js";
import { BindParameter, ClauseElement, ColumnClause, ColumnElement } from "./base.js";
import { BigIntegerType, DateTimeType, FloatType, LargeBinaryType } from "./types/generic.js";
import { BOOLEAN_TYPE, INTEGER_TYPE, STRING_TYPE } from "./types/internal.js";
import { NULLTYPE, type TypeEngine } from "./types/type-engine.js";

const FLOAT_TYPE = new FloatType();
const BIGINT_TYPE = new BigIntegerType();
const DATETIME_TYPE = new DateTimeType();
const BINARY_TYPE = new LargeBinaryType();

/** What family of values a SQL type holds; decides which operators apply to it. */
export type Affinity = "numeric" | "string" | "boolean" | "datetime" | "json" | "binary" | "unknown";

/**
 * The affinity of a type; types this layer does not know (dialect or custom types) are "unknown"
 * and never refused. (A switch: kinds are constant strings, compared by identity first, where a
 * lookup in a table keyed by kind cost a hash per operator built.)
 */
export function affinityOf(type: TypeEngine<any>): Affinity {
  switch (type.kind) {
    case "integer":
    case "smallinteger":
    case "biginteger":
    case "numeric":
    case "float":
    case "double":
      return "numeric";
    case "string":
    case "text":
    case "enum":
    case "uuid":
      return "string";
    case "boolean":
      return "boolean";
    case "date":
    case "time":
    case "datetime":
    case "interval":
      return "datetime";
    case "json":
      return "json";
    case "largebinary":
      return "binary";
    default:
      return "unknown";
  }
}

/** True for integer kinds (true division renders a cast for them, as SQLAlchemy 2.0 does). */
export function isIntegerType(type: TypeEngine<any>): boolean {
  const k = type.kind;
  return k === "integer" || k === "smallinteger" || k === "biginteger";
}

/**
 * The type of an expression choosing among several (CASE branches, coalesce arguments):
 * the first one, widened to a 64-bit integer type when integers of both widths mix (MySQL
 * then returns BIGINT, read as text unless the type converts it).
 */
export function commonType(types: readonly TypeEngine<any>[]): TypeEngine<any> {
  const typed = types.filter((t) => t !== NULLTYPE);
  const first = typed[0] ?? NULLTYPE;
  if (typed.length > 1 && typed.every(isIntegerType))
    return typed.find((t) => t.kind === "biginteger") ?? first;
  return first;
}

/** The type of a plain value with no column to take it from (SQLAlchemy: `_resolve_value_to_type`). */
export function inferType(value: unknown): TypeEngine<any> {
  switch (typeof value) {
    case "string":
      return STRING_TYPE;
    case "number":
      return Number.isInteger(value) ? INTEGER_TYPE : FLOAT_TYPE;
    case "boolean":
      return BOOLEAN_TYPE;
    case "bigint":
      return BIGINT_TYPE;
    case "object":
      if (value instanceof Date) return DATETIME_TYPE;
      if (value instanceof Uint8Array) return BINARY_TYPE;
      return NULLTYPE;
    default:
      return NULLTYPE;
  }
}

/** A short description of a value for error messages (never the whole value). */
export function describeValue(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v) + " (string)";
  if (typeof v === "object" && v !== null) return v.constructor?.name ?? "object";
  return `${String(v)} (${typeof v})`;
}

/** A readable name for an expression in messages: `users.name`, or its kind. */
export function describeExpr(e: ColumnElement<any>): string {
  if (e instanceof ColumnClause) {
    const t = e.table as { name?: string | null } | null;
    return t && typeof t.name === "string" ? `${t.name}.${e.name}` : e.name;
  }
  return `a ${e.kind} expression`;
}

const NUMERIC_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/** Why `value` cannot be bound as `type`, or null. Checks the value's family, then the type's own `validate`. */
export function valueProblem(type: TypeEngine<any>, value: unknown): string | null {
  if (value === null) return null;
  switch (affinityOf(type)) {
    case "numeric":
      if (typeof value === "number" || typeof value === "bigint") return null;
      if (typeof value === "string" && NUMERIC_TEXT.test(value)) break;
      return `expected a number for ${type.toString()}, got ${describeValue(value)}`;
    case "string":
      if (typeof value !== "string")
        return `expected a string for ${type.toString()}, got ${describeValue(value)}`;
      break;
    case "boolean":
      if (typeof value !== "boolean" && value !== 0 && value !== 1) {
        return `expected a boolean for ${type.toString()}, got ${describeValue(value)}`;
      }
      break;
    case "binary":
      if (!(value instanceof Uint8Array))
        return `expected a Buffer for ${type.toString()}, got ${describeValue(value)}`;
      break;
  }
  return type.validate(value);
}

/**
 * Turns a plain value into a bound parameter of `type` (or of the value's own type when
 * `type` is NullType); expressions pass through. `against` names the column in errors.
 */
export function coerce(
  value: unknown,
  type: TypeEngine<any>,
  against?: ColumnElement<any>,
): ColumnElement<any> {
  if (value instanceof ColumnElement) return value;
  if (value instanceof ClauseElement) {
    if ((value as { _asScalar?: () => ColumnElement<any> })._asScalar) return (value as any)._asScalar();
    throw new ArgumentError(
      `Expected a column expression or a value, got a ${value.kind} construct.`,
      "ATH-ARG",
    );
  }
  if (value === undefined) {
    const where = against ? ` for ${describeExpr(against)}` : "";
    throw new ArgumentError(
      `undefined is not a SQL value${where}. Use null for SQL NULL (or check for a misspelt column name).`,
      "ATH-VALUE",
    );
  }
  if (type === NULLTYPE || value === null)
    return new BindParameter(null, value, type === NULLTYPE ? inferType(value) : type);
  const problem = valueProblem(type, value);
  if (problem) {
    const where = against
      ? `Cannot compare ${describeExpr(against)} with ${describeValue(value)}`
      : `Bad value ${describeValue(value)}`;
    throw new ArgumentError(`${where}: ${problem}.`, "ATH-VALUE");
  }
  return new BindParameter(null, value, type);
}

/** Coerces the right side of an operator, typed like the left side. */
export function coerceAgainst(left: ColumnElement<any>, value: unknown): ColumnElement<any> {
  return coerce(value, left.type, left);
}

type OperatorFamily = "arithmetic" | "string";

/**
 * Refuses an operator that makes no sense for the expression's type (SQLAlchemy raises
 * "Operator … is not supported on this expression"): arithmetic on strings, LIKE on numbers.
 */
export function checkOperator(e: ColumnElement<any>, op: string, family: OperatorFamily): void {
  const a = affinityOf(e.type);
  if (a === "unknown") return;
  if (family === "arithmetic" && (a === "numeric" || a === "datetime")) return;
  if (family === "string" && a === "string") return;
  const hint = family === "arithmetic" && a === "string" ? " Use concat() to join strings." : "";
  throw new ArgumentError(
    `Operator '${op}' is not supported on ${describeExpr(e)} of type ${e.type.toString()}.${hint}`,
    "ATH-OPERATOR",
  );
}

/** Escapes LIKE wildcards with `/` (the escape character `contains`/`startsWith`/`endsWith` declare). */
export function escapeLike(value: string): string {
  return value.replace(/[/%_]/g, (ch) => "/" + ch);
}

/** A constant string as a bound parameter. */
export function stringParam(value: string): ColumnElement<string> {
  return new BindParameter<string>(null, value, STRING_TYPE);
}

/** Validates a SQL name that is rendered without quoting (function names, operators, collations are quoted). */
export function checkSqlName(name: string, what: string): string {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$/.test(name)) {
    throw new ArgumentError(
      `${what} '${String(name)}' is not a plain SQL name (letters, digits, _ and $).`,
      "ATH-ARG",
    );
  }
  return name;
}
