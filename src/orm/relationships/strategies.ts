/**
 * The relationship loader strategies by key (SQLAlchemy: `orm/strategies.py`, registered with
 * `@RelationshipProperty.strategy_for(lazy=…)`), on the query-compile hooks of `loading/`:
 *
 * - "select" (lazy), "raise": nothing is loaded with the parent; reading the attribute says how
 *   to load it (Athanor never loads on attribute access).
 * - "noload": the attribute reads as empty on the objects this query loads.
 * - "selectin": after each batch of parents, one SELECT … WHERE key IN (…) per 500 of them, at
 *   the relationship's load path, so options chained after it apply to what it loads.
 * - "subquery": the same SELECT, with the parents' keys given by the original query as a
 *   subquery (SQLAlchemy's subqueryload) instead of a list of values.
 * - "joined": a LEFT OUTER JOIN (INNER with `innerjoin`) to an alias in the same statement.
 * - "containsEager": the user's own join supplies the related columns.
 * - "default": the relationship's own default, so a path can pass through it
 *   (`defaultload(User.orders).selectinload(Order.items)`).
 */
import { select, type Select } from "../../sql/select.js";
import type { FromClause } from "../../sql/base.js";
import { registerLoaderStrategy, loaderStrategy } from "../mapping/properties.js";
import type { EntityLoad, LoadContext } from "../loading/entity-load.js";
import type { QueryCompileContext } from "../loading/query-context.js";
import type { InstanceState } from "../state/instance-state.js";
import { joinedLink, joinedSpec } from "./eager.js";
import { peekRelated, setCommittedRelated } from "./attributes.js";
import { adaptColumns } from "./joins.js";
import { loadRelated, type RelatedLoadingSession } from "./loader.js";
import type { RelationshipProperty } from "./property.js";

for (const key of ["select", "raise", "writeOnly", "dynamic"]) registerLoaderStrategy(key, {});

registerLoaderStrategy("noload", {
  setup(ctx, entity, prop) {
    const rel = prop as RelationshipProperty;
    ctx.addRowProcessor(entity, (state, info) => {
      if (info.first && (info.populated || peekRelated(state, rel) === undefined))
        setCommittedRelated(state, rel, rel.uselist ? [] : null);
    });
  },
});

registerLoaderStrategy("selectin", {
  setup(ctx, entity, prop) {
    const rel = prop as RelationshipProperty;
    const path = entity.path.child(rel, rel.target);
    // Options going deeper (selectinload(A.b).selectinload(B.c)) must reach children already
    // loaded too, so an unchanged loaded collection is loaded again through this path.
    const deeper = ctx.elementsAt(path).length > 0;
    ctx.addPostLoad(entity, (states, load) =>
      runLoad(rel, states, load, (stmt) => load.loadAt(stmt, path), undefined, deeper),
    );
  },
});

registerLoaderStrategy("subquery", {
  setup(ctx, entity, prop) {
    const rel = prop as RelationshipProperty;
    const path = entity.path.child(rel, rel.target);
    const keySource = entity.parent === null ? parentKeySubquery(ctx, entity, rel) : undefined;
    ctx.addPostLoad(entity, (states, load) =>
      runLoad(rel, states, load, (stmt) => load.loadAt(stmt, path), keySource),
    );
  },
});

registerLoaderStrategy("joined", {
  setup(ctx, entity, prop, element) {
    const rel = prop as RelationshipProperty;
    ctx.joinEntity(entity, rel, joinedSpec(rel, entity, element));
  },
});

registerLoaderStrategy("containsEager", {
  setup(ctx, entity, prop, element) {
    const rel = prop as RelationshipProperty;
    const target = (element?.extra.alias as FromClause | undefined) ?? rel.target.table;
    // The user's join brings the rows; only the columns and the link are added here.
    ctx.joinEntity(entity, rel, {
      mapper: rel.target,
      selectable: target,
      joins: [],
      collection: false,
      link: joinedLink(rel),
    });
    if (rel.uselist) ctx.requireUnique();
  },
});

registerLoaderStrategy("default", {
  setup(ctx, entity, prop, _element) {
    const own = loaderStrategy(prop.strategyKey);
    if (own.setup !== undefined) own.setup(ctx, entity, prop, null);
  },
});

async function runLoad(
  rel: RelationshipProperty,
  states: readonly InstanceState[],
  load: LoadContext,
  run: (stmt: Select<any, any>) => Promise<unknown[][]>,
  keySource?: Select<any, any>,
  reloadUnchanged = false,
): Promise<void> {
  const session = load.session as unknown as RelatedLoadingSession;
  return void (await loadRelated(session, rel, states, {
    reload: load.populateExisting,
    reloadUnchanged,
    run,
    ...(keySource !== undefined ? { keySource } : {}),
  }));
}

/**
 * The parents' key columns from the statement being loaded, as a subquery: `SELECT key FROM
 * (<the original query>)` (a derived table, so LIMIT works on MySQL too). Only for the root entity
 * of a single-table parent key; deeper paths fall back to IN lists.
 */
function parentKeySubquery(
  ctx: QueryCompileContext,
  entity: EntityLoad,
  rel: RelationshipProperty,
): Select<any, any> | undefined {
  const from = entity.selectable;
  const cols = rel.parentKeyColumns.map((c) => adaptColumns(c, (x) => (from.c as any)[x.key] ?? x));
  const inner = ctx.statement.withOnlyColumns(...(cols as never[])).subquery();
  return select(...(inner.columns as never[])) as unknown as Select<any, any>;
}
