/**
 * `session.load(objs, ...attributes)`: the explicit, awaitable way to load relationships (and
 * unloaded columns) of objects already in a Session. Athanor's answer to lazy loading: one
 * SELECT per relationship for all the objects given (SQLAlchemy would run one per object on
 * attribute access; `AsyncAttrs.awaitable_attrs` runs one per object and attribute).
 */
import { ArgumentError, InvalidRequestError } from "../../util/errors.js";
import { ColumnProperty } from "../mapping/properties.js";
import type { InstanceState } from "../state/instance-state.js";
import { tuple_ } from "../../sql/conversions.js";
import { select } from "../../sql/select.js";
import type { ColumnElement } from "../../sql/base.js";
import { loadRelated, type RelatedLoadingSession } from "./loader.js";
import { RelationshipProperty } from "./property.js";

/** Loads the named attributes of `states` (all of one class) that are not loaded yet. */
export async function loadAttributes(
  session: RelatedLoadingSession & { refresh(obj: object, attributes?: readonly string[]): Promise<void> },
  states: readonly InstanceState[],
  attributes: readonly string[],
  reload: boolean,
): Promise<void> {
  if (states.length === 0) return;
  const mapper = states[0]!.mapper;
  for (const s of states) {
    if (s.mapper !== mapper) {
      throw new ArgumentError(
        `session.load() takes objects of one class at a time; got ${mapper.className} and ${s.mapper.className}.`,
        "ATH-ORM-LOAD",
      );
    }
  }
  mapper.registry.configure();
  for (const key of attributes) {
    const prop = mapper.prop(key);
    if (prop instanceof RelationshipProperty) {
      if (prop.writeOnly) {
        throw new InvalidRequestError(
          `${prop.where} is a write-only collection; it is never loaded whole. Query it: session.scalars(obj.${key}.select()).`,
          "ATH-ORM-WRITE-ONLY",
        );
      }
      await refreshKeys(session, prop, states);
      await loadRelated(session, prop, states, { reload });
    } else if (prop instanceof ColumnProperty) {
      for (const s of states) {
        if (reload || (s.key !== null && s.values[prop.index] === undefined))
          await session.refresh(s.obj, [key]);
      }
    }
  }
}

/**
 * Objects whose key columns for `prop` are expired (after a commit, say) are reloaded first,
 * with one SELECT by primary key for all of them.
 */
async function refreshKeys(
  session: RelatedLoadingSession,
  prop: RelationshipProperty,
  states: readonly InstanceState[],
): Promise<void> {
  const idx = prop.parentKeyIndexes;
  const stale = states.filter((s) => s.key !== null && idx.some((i) => s.values[i] === undefined));
  if (stale.length === 0) return;
  const mapper = prop.mapper;
  const pk = mapper.pkProps;
  const cols = pk.map((p) => p.column as ColumnElement<any>);
  const ids = stale.map((s) => pk.map((p) => s.values[p.index]));
  const crit = cols.length === 1 ? cols[0]!.in(ids.map((v) => v[0])) : tuple_(...cols).in(ids);
  await session._loadRows(select(mapper.class_ as never).where(crit) as never);
}
