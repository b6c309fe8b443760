/**
 * The contract between expression nodes and compilers, and generic tree walks.
 *
 * Each node's `_compile` calls exactly one `visit…` method on the compiler it is given
 * (double dispatch: no `kind` switch, no string-built method names on the hot path).
 * The walks below use reflection over a node's fields; they run when building joins and
 * when compiling (once per statement shape), never per execution.
 */
import { BindParameter, ClauseElement, ColumnClause, FromClause } from "./base.js";
import type { CompiledStatement } from "./compiled.js";
import { BinaryExpression, BooleanClauseList } from "./operators.js";

export interface Compilable {
  readonly kind: string;
  /** @internal */
  _compile(compiler: any): string;
}

/** What `sql/` needs of a dialect to compile. `dialects/base` implements it. */
export interface CompilerDialect {
  readonly name: string;
  readonly capabilities: Readonly<Record<string, boolean | number>>;
  /** Compiles a statement (or DDL element) to SQL for this dialect. */
  compile(stmt: Compilable, options?: { literalBinds?: boolean }): CompiledStatement;
}

/** Calls `fn` for each direct child node of `node` (expressions, lists of them, pairs in lists). */
export function eachChild(node: ClauseElement, fn: (child: ClauseElement) => void): void {
  if (node instanceof BindParameter || node instanceof ColumnClause) return;
  // The commonest nodes of ON and WHERE clauses, without reflection.
  if (node instanceof BinaryExpression) {
    fn(node.left);
    fn(node.right);
    return;
  }
  if (node instanceof BooleanClauseList) {
    for (const c of node.clauses) fn(c);
    return;
  }
  for (const v of Object.values(node)) visitValue(v, fn, 0);
}

function visitValue(v: unknown, fn: (child: ClauseElement) => void, depth: number): void {
  if (v instanceof ClauseElement) fn(v);
  else if (Array.isArray(v) && depth < 3) for (const x of v) visitValue(x, fn, depth + 1);
  else if (v instanceof Map && depth < 2) for (const x of v.values()) visitValue(x, fn, depth + 1);
  else if (
    v !== null &&
    typeof v === "object" &&
    Object.getPrototypeOf(v) === Object.prototype &&
    depth < 2
  ) {
    // Builders keep their parts in a plain state object (`Select._s`).
    for (const x of Object.values(v)) visitValue(x, fn, depth + 1);
  }
}

/** Nodes whose insides belong to another SELECT: FROM and correlation stop there. */
function isStatementBoundary(n: ClauseElement): boolean {
  return (
    (n as { _isSelect?: boolean })._isSelect === true || n.kind === "scalar_select" || n.kind === "exists"
  );
}

/**
 * The FROM clauses an expression reads columns from, in order of first appearance, not
 * looking inside nested SELECTs (they have their own FROMs).
 */
export function collectFroms(e: ClauseElement, add: (f: FromClause) => void): void {
  if (e instanceof ColumnClause) {
    if (e.table) add(e.table);
    return;
  }
  if (e instanceof FromClause || isStatementBoundary(e)) return;
  // The walk's callback is module state, not a closure per node (built when statements are).
  const outer = adding;
  adding = add;
  try {
    eachChild(e, collectChild);
  } finally {
    adding = outer;
  }
}

let adding: ((f: FromClause) => void) | null = null;

function collectChild(child: ClauseElement): void {
  collectFroms(child, adding!);
}

/** `collectFroms` into an array (repeats included). */
export function collectFromsInto(e: ClauseElement, out: FromClause[]): FromClause[] {
  const outer = into;
  into = out;
  try {
    collectFroms(e, pushInto);
  } finally {
    into = outer;
  }
  return out;
}

let into: FromClause[] = [];

function pushInto(f: FromClause): void {
  into.push(f);
}

/** Names of the named bound parameters in an expression (for UPDATE in executemany mode). */
export function collectBindNames(e: ClauseElement, out: Set<string> = new Set()): Set<string> {
  if (e instanceof BindParameter) {
    if (e.name !== null) out.add(e.name);
    return out;
  }
  if (e instanceof ColumnClause || e instanceof FromClause) return out;
  const outer = names;
  names = out;
  try {
    eachChild(e, collectNames);
  } finally {
    names = outer;
  }
  return out;
}

let names: Set<string> = new Set();

function collectNames(child: ClauseElement): void {
  collectBindNames(child, names);
}
