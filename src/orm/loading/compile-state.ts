/**
 * The ORM's statement plugin (SQLAlchemy: `ORMSelectCompileState`, registered with
 * `CompileState.plugin_for("orm", "select")`). `sql` keeps the items a SELECT was given
 * (`select(User, Order.id)`: the class User, whose table it selects); this plugin compiles such
 * a statement, once per statement object, into the Core statement that runs (columns chosen by
 * the column loader options, eager joins added) and the LoadPlan saying where each item's
 * values sit in a row and what more each row and batch needs (see `query-context.ts`).
 */
import { registerStatementPlugin, statementPluginFor, type StatementPlugin } from "../../sql/roles.js";
import { keepShapes } from "../../util/shapes.js";
import type { Select } from "../../sql/select.js";
import type { Mapper } from "../mapping/mapper.js";
import { assembleStatement } from "./eager-nesting.js";
import type { LoadElement } from "./options.js";
import type { LoadPath } from "./path.js";
import { QueryCompileContext, setupQuery, type EntityLoad, type ItemLoader } from "./query-context.js";

export type { ItemLoader } from "./query-context.js";

/** How rows of an ORM SELECT become tuples of instances and values. */
export interface LoadPlan {
  readonly items: readonly ItemLoader[];
  /** The total number of columns a row has. */
  readonly width: number;
  /** The mappers whose instances rows yield. */
  readonly mappers: readonly Mapper[];
  /** Every entity loaded (statement items first, then joined ones), in setup order. */
  readonly entities: readonly EntityLoad[];
  /** No entity needs more than its own columns: rows become instances on the fast path. */
  readonly simple: boolean;
  /** Results contain joined eager collections: fetching rows requires `unique()`. */
  readonly requireUnique: boolean;
}

/** An ORM SELECT compiled: what runs, and how its rows load. */
export interface CompiledOrmSelect {
  /** The Core statement executed. */
  readonly statement: Select<any, any>;
  readonly plan: LoadPlan;
  /** The loader option elements in effect; nested loads (`LoadContext.loadAt`) inherit them. */
  readonly elements: readonly LoadElement[];
  /** Nested loads compiled under these options, by statement and path. @internal */
  readonly nested: WeakMap<object, Map<LoadPath, CompiledOrmSelect>>;
  /** The names of the row items (the result's keys), once executed. @internal */
  itemNames: readonly string[] | null;
}

/** The ORM plugin; `sql` hands it statements whose items name "orm". */
export interface OrmStatementPlugin extends StatementPlugin {
  /** The statement to run and its load plan (computed once per statement object). */
  compile(stmt: Select<any, any>): CompiledOrmSelect;
  /** The load plan of an ORM SELECT. */
  loadPlan(stmt: Select<any, any>): LoadPlan;
}

const compiled = new WeakMap<object, CompiledOrmSelect>();

export const ORM_PLUGIN: OrmStatementPlugin = {
  name: "orm",
  compile(stmt) {
    let c = compiled.get(stmt);
    if (c === undefined) {
      c = compileOrmSelect(stmt, null, []);
      compiled.set(stmt, c);
    }
    return c;
  },
  loadPlan(stmt) {
    return this.compile(stmt).plan;
  },
};

registerStatementPlugin(ORM_PLUGIN);

/** True when a statement selects ORM entities (its rows become instances). */
export function isOrmSelect(stmt: unknown): stmt is Select<any, any> {
  return statementPluginFor(stmt) === ORM_PLUGIN && (stmt as { kind?: string }).kind === "select";
}

/**
 * Compiles an ORM SELECT. `path`: where its entity of `path.mapper` is loaded (a nested load);
 * `inherited`: the option elements of the statement it is nested in.
 */
export function compileOrmSelect(
  stmt: Select<any, any>,
  path: LoadPath | null,
  inherited: readonly LoadElement[],
): CompiledOrmSelect {
  const { ctx, items, mappers } = setupQuery(stmt, path, inherited);
  const unchanged =
    ctx.extraColumns.length === 0 &&
    ctx.joins.length === 0 &&
    ctx.eagerOrderBy.length === 0 &&
    ctx.items.length === stmt._s.items.length &&
    ctx.items.every((it, i) => it === stmt._s.items[i]);
  const statement = unchanged
    ? stmt
    : assembleStatement(stmt, ctx.items, {
        extraColumns: ctx.extraColumns,
        joins: ctx.joins,
        orderBy: ctx.eagerOrderBy,
        collection: ctx.collectionJoined,
      });
  const entities = ctx.entities;
  const compiled: CompiledOrmSelect = {
    statement,
    plan: {
      items,
      width: ctx.width,
      mappers,
      entities,
      simple: entities.every((e) => e.simple),
      requireUnique: ctx.uniqueRequired,
    },
    elements: ctx.elements,
    nested: new WeakMap(),
    itemNames: null,
  };
  keepPlanShapes(compiled);
  return compiled;
}

const keptKinds = new Set<string>();

/**
 * Keeps the first plan of each kind of item list alive, with samples of the compiled statement
 * and compile context records: statements are often built per request, so their plans die at
 * every major GC, and with them the hidden classes the loading code was optimized for (see
 * util/shapes.ts). The samples leave the statement out (a plan holds its bound values only in
 * a subqueryload's key subquery); at most eight plans are kept.
 */
function keepPlanShapes(compiled: CompiledOrmSelect): void {
  if (keptKinds.size >= 8) return;
  const kinds = compiled.plan.items.map((it) => it.kind).join();
  if (keptKinds.has(kinds)) return;
  keptKinds.add(kinds);
  const sample: CompiledOrmSelect = {
    statement: null as never,
    plan: compiled.plan,
    elements: [],
    nested: new WeakMap(),
    itemNames: null,
  };
  keepShapes(sample, new QueryCompileContext(null as never, [], []));
}

/** A statement compiled as a nested load at `path` under the options of `root` (cached in it). */
export function compileNested(
  root: CompiledOrmSelect,
  stmt: Select<any, any>,
  path: LoadPath,
): CompiledOrmSelect {
  let byPath = root.nested.get(stmt);
  if (byPath === undefined) {
    byPath = new Map();
    root.nested.set(stmt, byPath);
  }
  let c = byPath.get(path);
  if (c === undefined) {
    c = compileOrmSelect(stmt, path, root.elements);
    byPath.set(path, c);
  }
  return c;
}
