/**
 * The work behind ColumnElement's operator methods (SQLAlchemy: the type comparators of
 * `sql/default_comparator.py`): coercing the other operand against this one's type,
 * refusing operators the type has no use for, and the result type of arithmetic.
 *
 * Only function bodies use `base.ts`, so the import cycle with it is harmless.
 */
import { ArgumentError } from "../util/errors.js";
import { ClauseElement, ColumnElement, N, type ExpressionArg, type InSubquery } from "./base.js";
import { checkOperator, coerce, coerceAgainst, escapeLike, isIntegerType, stringParam } from "./coercions.js";
import { BigIntegerType, NumericType } from "./types/generic.js";
import { BOOLEAN_TYPE, STRING_TYPE } from "./types/internal.js";
import type { TypeEngine } from "./types/type-engine.js";

/** Integer true division reads back as a JS number. */
const DIV_NUMBER = new NumericType<number>(null, null, true);

/**
 * Cache-key tags of the comparisons (see `BinaryExpression._ckTag`): one token for the
 * operator and the boolean result. The `\u0002` prefix keeps them apart from every other tag.
 */
export const EQ = "\u0002=";
export const NE = "\u0002<>";
export const LT = "\u0002<";
export const LE = "\u0002<=";
export const GT = "\u0002>";
export const GE = "\u0002>=";
export const DISTINCT = "\u0002IS DISTINCT FROM";
export const NOT_DISTINCT = "\u0002IS NOT DISTINCT FROM";

/** `left op right`, boolean; `tag` is the comparison's cache-key tag (one of the constants above). */
export function compare(
  left: ColumnElement<any>,
  op: string,
  right: unknown,
  tag: string,
): ColumnElement<boolean> {
  return new N.BinaryExpression(left, op, coerceAgainst(left, right), BOOLEAN_TYPE, tag);
}

export function arithmetic(left: ColumnElement<any>, op: string, right: unknown): ColumnElement<any> {
  checkOperator(left, op, "arithmetic");
  const r = coerceAgainst(left, right);
  return new N.BinaryExpression(left, op, r, arithmeticType(left.type, r.type));
}

/**
 * The type of `a op b` (SQLAlchemy's `_adapt_expression`): integers give an integer that may
 * be 64-bit (MySQL widens INT arithmetic to BIGINT, read as text), an integer with a float or
 * decimal gives that type, anything else keeps the left type.
 */
export function arithmeticType(left: TypeEngine<any>, right: TypeEngine<any>): TypeEngine<any> {
  if (isIntegerType(left)) {
    if (isIntegerType(right)) {
      const bigintMode = (t: TypeEngine<any>) =>
        t.kind === "biginteger" && (t as { mode?: string }).mode !== "number";
      return bigintMode(left) ? left : bigintMode(right) ? right : INTEGER_RESULT;
    }
    const k = right.kind;
    if (k === "float" || k === "double" || k === "numeric") return right;
  }
  return left;
}
/** Integer arithmetic results: read as JS numbers whatever width the database gives them. */
const INTEGER_RESULT = new BigIntegerType<number>("number");

export function like(
  left: ColumnElement<any>,
  pattern: unknown,
  mode: "like" | "ilike",
  negate: boolean,
  escape: string | undefined,
) {
  checkOperator(left, mode === "like" ? "LIKE" : "ILIKE", "string");
  if (escape !== undefined && (typeof escape !== "string" || escape.length !== 1)) {
    throw new ArgumentError(`A LIKE escape must be one character, got ${JSON.stringify(escape)}.`, "ATH-ARG");
  }
  return new N.LikeExpression(left, coerce(pattern, STRING_TYPE, left), mode, negate, escape ?? null);
}

export function affix(
  left: ColumnElement<any>,
  value: ExpressionArg<string>,
  before: boolean,
  after: boolean,
): ColumnElement<boolean> {
  checkOperator(left, "LIKE", "string");
  if (value instanceof ColumnElement) {
    // An expression can't be escaped: build '%' || value || '%' in SQL.
    let p: ColumnElement<any> = value;
    if (before) p = new N.BinaryExpression(stringParam("%"), "||", p, STRING_TYPE);
    if (after) p = new N.BinaryExpression(p, "||", stringParam("%"), STRING_TYPE);
    return new N.LikeExpression(left, p, "like", false, null);
  }
  if (typeof value !== "string") {
    throw new ArgumentError(
      `contains()/startsWith()/endsWith() take a string, got ${typeof value}.`,
      "ATH-VALUE",
    );
  }
  const pattern = (before ? "%" : "") + escapeLike(value) + (after ? "%" : "");
  return new N.LikeExpression(left, stringParam(pattern), "like", false, "/");
}

export function inList(
  left: ColumnElement<any>,
  values: readonly unknown[] | InSubquery,
): ClauseElement | ColumnElement<any>[] {
  if (!Array.isArray(values)) {
    if (values instanceof ClauseElement && (values as Partial<InSubquery>)._isSelect) return values;
    throw new ArgumentError("in()/notIn() take an array of values or a SELECT.", "ATH-ARG");
  }
  const out: ColumnElement<any>[] = [];
  if (N.Tuple !== undefined && left instanceof N.Tuple) for (const v of values) out.push(left.coerceRow(v));
  else for (const v of values) out.push(coerceAgainst(left, v));
  return out;
}

/** True division: integer by integer gives an exact quotient (SQLAlchemy 2.0's `/`). */
export function trueDivide(left: ColumnElement<any>, other: unknown): ColumnElement<any> {
  checkOperator(left, "/", "arithmetic");
  const right = coerceAgainst(left, other);
  const ints = isIntegerType(left.type) && isIntegerType(right.type);
  const big = left.type.kind === "biginteger" || right.type.kind === "biginteger";
  const type = ints ? (big ? new NumericType() : DIV_NUMBER) : arithmeticType(left.type, right.type);
  return new N.BinaryExpression(left, ints ? "/int" : "/", right, type);
}

/** Floor division (SQLAlchemy's `//`). */
export function floorDivide(left: ColumnElement<any>, other: unknown): ColumnElement<any> {
  checkOperator(left, "//", "arithmetic");
  const right = coerceAgainst(left, other);
  return new N.BinaryExpression(left, "//", right, arithmeticType(left.type, right.type));
}

/** Unary minus. */
export function negate(e: ColumnElement<any>): ColumnElement<any> {
  checkOperator(e, "-", "arithmetic");
  return new N.UnaryExpression(e, "-", null, arithmeticType(e.type, e.type));
}
