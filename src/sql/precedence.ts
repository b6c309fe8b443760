/**
 * Operator precedence, to parenthesise only where SQL needs it, and other small rendering
 * rules shared by the compilers.
 */
import { ColumnElement } from "./base.js";
import {
  Between,
  BinaryExpression,
  BooleanClauseList,
  InExpression,
  Label,
  LikeExpression,
  UnaryExpression,
} from "./operators.js";
import type { FrameBound } from "./window.js";

/** Binding strength of operators; a child binding looser than its context is parenthesised. */
export const PRECEDENCE: Readonly<Record<string, number>> = {
  OR: 1,
  AND: 2,
  NOT: 3,
  "=": 5,
  "<>": 5,
  "<": 5,
  ">": 5,
  "<=": 5,
  ">=": 5,
  "IS DISTINCT FROM": 5,
  "IS NOT DISTINCT FROM": 5,
  "||": 6,
  "+": 7,
  "-": 7,
  "*": 8,
  "/": 8,
  "/int": 8,
  "//": 8,
  "%": 8,
};
export const COMPARISON = 5;

export function frameBound(b: FrameBound, start: boolean): string {
  if (b === null) return start ? "UNBOUNDED PRECEDING" : "UNBOUNDED FOLLOWING";
  if (b === 0) return "CURRENT ROW";
  return b < 0 ? `${-b} PRECEDING` : `${b} FOLLOWING`;
}

/** How tightly an expression binds, or null for atoms (columns, calls, parenthesised forms). */
export function precedenceOf(e: ColumnElement<any>): number | null {
  if (e instanceof BinaryExpression) {
    if (e.operator.startsWith("op:")) return 9;
    return PRECEDENCE[e.operator] ?? COMPARISON;
  }
  if (e instanceof BooleanClauseList) return e.clauses.length > 1 ? PRECEDENCE[e.operator]! : null;
  if (e instanceof UnaryExpression) {
    if (e.operator === "NOT") return 3;
    if (e.operator === "DISTINCT") return 0;
    if (e.operator !== null) return 9;
    return COMPARISON;
  }
  // An empty IN renders as a parenthesised constant.
  if (e instanceof InExpression) return Array.isArray(e.right) && e.right.length === 0 ? null : COMPARISON;
  if (e instanceof Between || e instanceof LikeExpression) return COMPARISON;
  if (e instanceof Label) return precedenceOf(e.element);
  return null;
}
