/**
 * The relationship loader strategies by key (SQLAlchemy: `@RelationshipProperty.strategy_for`):
 * what happens to a relationship when its parent is loaded and no query option says otherwise.
 * "select", "raise", "noload" and the write-only kinds load nothing with the parent (reading
 * tells the user how to load; noload reads as empty); "selectin" loads every batch of parents'
 * relationship with one more SELECT per 500 parents.
 */
import { registerLoaderStrategy, type MapperProperty } from "../mapping/properties.js";
import type { InstanceState } from "../state/instance-state.js";
import { loadRelated, type RelatedLoadingSession } from "./loader.js";
import type { RelationshipProperty } from "./property.js";

for (const key of ["select", "raise", "noload", "writeOnly", "dynamic"]) registerLoaderStrategy(key, {});

const selectin = {
  async postLoad(prop: MapperProperty, states: readonly unknown[], context: unknown): Promise<void> {
    await loadRelated(
      context as RelatedLoadingSession,
      prop as RelationshipProperty,
      states as InstanceState[],
    );
  },
};
registerLoaderStrategy("selectin", selectin);
// Until their own loaders land, "joined" and "subquery" defaults load as selectin does (same objects, one more SELECT).
registerLoaderStrategy("joined", selectin);
registerLoaderStrategy("subquery", selectin);
