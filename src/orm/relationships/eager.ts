/**
 * Joined eager loading (SQLAlchemy: `JoinedLoader`): the related rows come in the parent's
 * statement through a join to an alias of the target's table (and of the secondary table), and
 * each row's child is attached to its parent as rows are read.
 *
 * A parent already in the Session whose relationship is loaded keeps it (as SQLAlchemy, unless
 * populateExisting); children repeated by deeper joined collections are attached once.
 */
import { OrderByElement } from "../../sql/operators.js";
import type { EntityLoad, JoinEntitySpec, LinkProcessor } from "../loading/entity-load.js";
import type { LoadElement } from "../loading/options.js";
import type { InstanceState } from "../state/instance-state.js";
import { STATE } from "../state/instance-state.js";
import { appendQuietly } from "./collections.js";
import { peekRelated, setCommittedRelated } from "./attributes.js";
import { adaptColumns, relationshipJoinSteps } from "./joins.js";
import type { RelationshipProperty } from "./property.js";

/** The join of `rel` from `entity`, onto fresh aliases. */
export function joinedSpec(
  rel: RelationshipProperty,
  entity: EntityLoad,
  element: LoadElement | null,
): JoinEntitySpec {
  const alias = rel.target.table.alias();
  const secondary = rel.secondary?.alias();
  const joins = relationshipJoinSteps(rel, {
    parent: entity.selectable,
    target: alias,
    ...(secondary !== undefined ? { secondary } : {}),
  });
  const onAlias = (c: any) => (c.table === rel.target.table ? ((alias.c as any)[c.key] ?? c) : c);
  const orderBy = rel.orderBy.map(
    (o) => new OrderByElement(adaptColumns(o.element, onAlias), o.direction, o.nulls),
  );
  const inner = (element?.extra.innerjoin as boolean | undefined) ?? rel.options.innerjoin ?? false;
  return {
    mapper: rel.target,
    selectable: alias,
    joins,
    inner,
    collection: rel.uselist,
    ...(orderBy.length > 0 ? { orderBy } : {}),
    link: joinedLink(rel),
  };
}

/** Attaches each row's child to its parent's relationship. */
export function joinedLink(rel: RelationshipProperty): LinkProcessor {
  const rev = rel.reverse;
  return (parent, child, info) => {
    // Per load: the parents this relationship is being filled for, with the children seen.
    const attrs = info.load.attributes;
    let filling = attrs.get(rel) as Map<InstanceState, Set<object>> | undefined;
    if (filling === undefined) attrs.set(rel, (filling = new Map()));
    let seen = filling.get(parent);
    if (info.first) {
      const fill = info.populated || info.load.populateExisting || peekRelated(parent, rel) === undefined;
      if (!fill) {
        filling.delete(parent);
        return;
      }
      setCommittedRelated(parent, rel, rel.uselist ? [] : null);
      filling.set(parent, (seen = new Set()));
    }
    if (seen === undefined || child === null || seen.has(child)) return;
    seen.add(child);
    if (rel.uselist) appendQuietly(peekRelated(parent, rel) as unknown[], child);
    else setCommittedRelated(parent, rel, child);
    if (rev !== null && !rev.uselist && rel.direction === "oneToMany") {
      const cs = (child as { [STATE]: InstanceState })[STATE];
      if (peekRelated(cs, rev) === undefined) setCommittedRelated(cs, rev, parent.obj);
    }
  };
}
