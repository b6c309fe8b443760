/**
 * How layers above `sql` take part in statements without `sql` importing them
 * (SQLAlchemy: `__clause_element__()` in `sql/roles.py` / `coercions.py`, and the compile-state
 * plugin registry `CompileState.plugin_for("orm", "select")`).
 *
 * - An object with a `[CLAUSE_ELEMENT]()` method stands for the expression it returns: an ORM
 *   mapped class gives its Table, so `select(User)`, `.join(Order)`, `update(User)` work.
 * - Such an object may name a statement plugin (`[STATEMENT_PLUGIN]: "orm"`). A SELECT keeps the
 *   items it was given (`rawItems`), so whoever executes it can ask `statementPluginFor(stmt)`
 *   for the plugin that turns rows into objects; plugins register here, from above.
 */
import type { ClauseElement, ColumnElement, FromClause } from "./base.js";

/** The method an object implements to stand for a SQL expression (SQLAlchemy: `__clause_element__`). */
export const CLAUSE_ELEMENT: unique symbol = Symbol.for("athanor.clauseElement");
/** The name of the statement plugin handling statements that select this object ("orm"). */
export const STATEMENT_PLUGIN: unique symbol = Symbol.for("athanor.statementPlugin");

/** Something that stands for a table, alias or column expression in a statement. */
export interface HasClauseElement<E = ClauseElement> {
  [CLAUSE_ELEMENT](): E;
  readonly [STATEMENT_PLUGIN]?: string;
}

/**
 * What a selected item yields per row when it is an entity: the instances of a mapped class
 * (its construct signature), or what an aliased entity declares in its phantom `__entity`.
 */
export type EntityOf<X> =
  X extends HasClauseElement<any>
    ? X extends abstract new (...args: any) => infer E
      ? E
      : X extends { readonly __entity?: infer E }
        ? E
        : never
    : never;

/** True when `x` implements `[CLAUSE_ELEMENT]()`. */
export function hasClauseElement(x: unknown): x is HasClauseElement<unknown> {
  return (
    x !== null &&
    (typeof x === "object" || typeof x === "function") &&
    typeof (x as Partial<HasClauseElement<unknown>>)[CLAUSE_ELEMENT] === "function"
  );
}

/** The expression an item stands for: `item[CLAUSE_ELEMENT]()`, or the item itself. */
export function resolveClauseElement<T>(item: T): T extends HasClauseElement<infer E> ? E : T {
  return (hasClauseElement(item) ? item[CLAUSE_ELEMENT]() : item) as any;
}

/** What a plugin contributes; each plugin defines its own hooks beyond its name. */
export interface StatementPlugin {
  readonly name: string;
}

const plugins = new Map<string, StatementPlugin>();

/** Registers the plugin that handles statements whose items name it (the ORM registers "orm"). */
export function registerStatementPlugin(plugin: StatementPlugin): void {
  plugins.set(plugin.name, plugin);
}

/** The plugin named by the first item that names one, or null (SQLAlchemy: `_propagate_attrs`). */
export function pluginForItems(items: readonly unknown[]): StatementPlugin | null {
  for (const item of items) {
    if (hasClauseElement(item)) {
      const name = item[STATEMENT_PLUGIN];
      if (name !== undefined) return plugins.get(name) ?? null;
    }
  }
  return null;
}

/** The plugin for a statement built from such items (a SELECT keeps them as `_s.rawItems`). */
export function statementPluginFor(stmt: unknown): StatementPlugin | null {
  const raw = (stmt as { _s?: { rawItems?: readonly unknown[] } } | null)?._s?.rawItems;
  return raw ? pluginForItems(raw) : null;
}

/**
 * The method an object implements to be a join target made of one or more joins (an ORM
 * relationship: `select(User).join(User.orders)`, two joins through a secondary table). Each
 * step's ON clause names the FROM it joins from.
 */
export const JOIN_TARGET: unique symbol = Symbol.for("athanor.joinTarget");

/** One join a join target stands for. */
export interface JoinTargetStep {
  readonly target: FromClause;
  readonly onclause: ColumnElement<boolean>;
}

/** Something `join()` accepts that stands for a chain of joins with their ON clauses. */
export interface HasJoinTarget {
  [JOIN_TARGET](): readonly JoinTargetStep[];
}

/** True when `x` implements `[JOIN_TARGET]()`. */
export function hasJoinTarget(x: unknown): x is HasJoinTarget {
  return (
    x !== null &&
    (typeof x === "object" || typeof x === "function") &&
    typeof (x as Partial<HasJoinTarget>)[JOIN_TARGET] === "function"
  );
}
