/**
 * `session.load(objs, ...attributes)`: the explicit, awaitable way to load relationships (and
 * unloaded columns) of objects already in a Session. Athanor's answer to lazy loading: one
 * SELECT per relationship for all the objects given (SQLAlchemy would run one per object on
 * attribute access; `AsyncAttrs.awaitable_attrs` runs one per object and attribute).
 */
import { ArgumentError, InvalidRequestError } from "../../util/errors.js";
import { ColumnProperty } from "../mapping/properties.js";
import type { InstanceState } from "../state/instance-state.js";
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
      await loadRelated(session, prop, states, { reload });
    } else if (prop instanceof ColumnProperty) {
      for (const s of states) {
        if (reload || (s.key !== null && s.values[prop.index] === undefined))
          await session.refresh(s.obj, [key]);
      }
    }
  }
}
