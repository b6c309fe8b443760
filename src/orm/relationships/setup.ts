/**
 * Mapping a class's relationships (SQLAlchemy: declarative scanning of `relationship()`
 * attributes): each static holding a `relationship()` becomes a RelationshipProperty of the
 * class's mapper, with an accessor on the instrumented prototype. Configuration (targets, joins)
 * waits for first use; see `Registry.configure()`.
 */
import { ArgumentError } from "../../util/errors.js";
import type { Mapper } from "../mapping/mapper.js";
import { instrumentRelationship } from "./attributes.js";
import { RelationshipProperty } from "./property.js";
import { isRelationship } from "./relationship.js";

/** Binds the relationships declared as statics of `cls` to `mapper`. */
export function bindRelationships(mapper: Mapper, cls: abstract new (...args: any) => any): void {
  for (const key of Object.getOwnPropertyNames(cls)) {
    const desc = Object.getOwnPropertyDescriptor(cls, key);
    const rel = desc && "value" in desc ? desc.value : undefined;
    if (!isRelationship(rel)) continue;
    if (rel._prop !== null) {
      if (rel._prop.mapper === mapper) continue;
      throw new ArgumentError(
        `The relationship assigned to ${mapper.className}.${key} already belongs to ${rel._prop.where}; ` +
          "call relationship() once per attribute.",
        "ATH-ORM-REL",
      );
    }
    const existing = mapper.propsByKey.get(key);
    if (existing !== undefined) {
      throw new ArgumentError(
        `${mapper.className}.${key}: a relationship can't have the name of the column attribute '${key}'. ` +
          `Name the relationship differently (e.g. '${key}Obj'), or the column.`,
        "ATH-ORM-REL",
      );
    }
    const prop = new RelationshipProperty(
      mapper,
      key,
      mapper.relationships.length,
      rel.targetRef,
      rel.options,
    );
    rel._prop = prop;
    mapper.relationships.push(prop);
    mapper.propsByKey.set(key, prop);
    instrumentRelationship(mapper._proto ?? (cls as { prototype: object }).prototype, prop);
    mapper.registry._needsConfigure = true;
  }
}
