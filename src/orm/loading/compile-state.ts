/**
 * The ORM's statement plugin (SQLAlchemy: `ORMSelectCompileState`, registered with
 * `CompileState.plugin_for("orm", "select")`). `sql` keeps the items a SELECT was given
 * (`select(User, Order.id)`: the class User, whose table it selects); this plugin reads them
 * and says where each item's values sit in a result row, once per statement.
 *
 * An entity item selects its table's columns, which are its column properties in order, so an
 * instance's value array is a slice of the row (the row itself when it is the only item).
 */
import { ColumnElement, FromClause } from "../../sql/base.js";
import { registerStatementPlugin, statementPluginFor, type StatementPlugin } from "../../sql/roles.js";
import type { Select } from "../../sql/select.js";
import type { Mapper } from "../mapping/mapper.js";
import { mapperOf } from "../mapping/registry.js";

/** Where one selected item's values sit in a row, and what it yields. */
export type ItemLoader =
  | { readonly kind: "entity"; readonly mapper: Mapper; readonly offset: number; readonly width: number }
  | { readonly kind: "column"; readonly offset: number }
  | { readonly kind: "from"; readonly offset: number; readonly keys: readonly string[] };

/** How rows of an ORM SELECT become tuples of instances and values. */
export interface LoadPlan {
  readonly items: readonly ItemLoader[];
  /** The total number of columns a row has. */
  readonly width: number;
  /** The mappers whose instances rows yield. */
  readonly mappers: readonly Mapper[];
}

/** The ORM plugin; `sql` hands it statements whose items name "orm". */
export interface OrmStatementPlugin extends StatementPlugin {
  /** The load plan of an ORM SELECT (computed once per statement object). */
  loadPlan(stmt: Select<any, any>): LoadPlan;
}

const plans = new WeakMap<object, LoadPlan>();

export const ORM_PLUGIN: OrmStatementPlugin = {
  name: "orm",
  loadPlan(stmt) {
    let plan = plans.get(stmt);
    if (plan === undefined) {
      plan = buildPlan(stmt);
      plans.set(stmt, plan);
    }
    return plan;
  },
};

registerStatementPlugin(ORM_PLUGIN);

/** True when a statement selects ORM entities (its rows become instances). */
export function isOrmSelect(stmt: unknown): stmt is Select<any, any> {
  return statementPluginFor(stmt) === ORM_PLUGIN && (stmt as { kind?: string }).kind === "select";
}

function buildPlan(stmt: Select<any, any>): LoadPlan {
  const raw = stmt._s.rawItems ?? stmt._s.items;
  const items: ItemLoader[] = [];
  const mappers: Mapper[] = [];
  let offset = 0;
  stmt._s.items.forEach((item, i) => {
    const mapper = mapperOf(raw[i]);
    if (mapper !== null && item instanceof FromClause) {
      const width = item.columns.length;
      items.push({ kind: "entity", mapper, offset, width });
      if (!mappers.includes(mapper)) mappers.push(mapper);
      offset += width;
    } else if (item instanceof FromClause) {
      items.push({ kind: "from", offset, keys: item.columns.map((c) => c.key) });
      offset += item.columns.length;
    } else if (item instanceof ColumnElement) {
      items.push({ kind: "column", offset });
      offset += 1;
    }
  });
  return { items, width: offset, mappers };
}
