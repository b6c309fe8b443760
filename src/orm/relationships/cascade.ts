/**
 * Walking relationships for a cascade (SQLAlchemy: `Mapper.cascade_iterator`): the related
 * objects in memory of an object, along every relationship whose `cascade` includes a name.
 * Nothing is loaded here; what is not in memory is the flush's business (it loads what a
 * delete cascade needs).
 */
import type { InstanceState } from "../state/instance-state.js";
import { STATE } from "../state/instance-state.js";
import type { CascadeName } from "./options.js";
import type { RelationshipProperty } from "./property.js";
import { isWriteOnlyCollection } from "./write-only.js";

/** The related objects in memory of `state` along relationships cascading `name` (direct ones only). */
export function* relatedInMemory(
  state: InstanceState,
  name: CascadeName,
): Generator<[RelationshipProperty, object]> {
  const rel = state.related;
  if (rel === null) return;
  for (const prop of state.mapper.relationships) {
    if (!prop.cascade.has(name)) continue;
    const v = rel[prop.index];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const o of v) yield [prop, o as object];
    else if (isWriteOnlyCollection(v)) for (const o of v._added) yield [prop, o];
    else yield [prop, v as object];
  }
}

/** Every object reachable from `state` along `name` cascades (the state itself excluded). */
export function cascadeClosure(state: InstanceState, name: CascadeName): InstanceState[] {
  const seen = new Set<InstanceState>([state]);
  const out: InstanceState[] = [];
  const stack = [state];
  while (stack.length > 0) {
    const s = stack.pop()!;
    for (const [, obj] of relatedInMemory(s, name)) {
      const cs = (obj as { [STATE]?: InstanceState })[STATE];
      if (cs === undefined || seen.has(cs)) continue;
      seen.add(cs);
      out.push(cs);
      stack.push(cs);
    }
  }
  return out;
}
