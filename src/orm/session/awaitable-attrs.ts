/**
 * `awaitableAttrs(obj).name` (SQLAlchemy: `AsyncAttrs.awaitable_attrs`): an attribute as a
 * Promise, loading it first when it is not loaded (expired at commit, a server-generated value
 * not fetched, or a relationship: `await awaitableAttrs(user).orders`, one SELECT for that
 * object; for many objects prefer a loader option or `session.load(objs, "orders")`). Attribute reads can't do I/O in async code; this is the awaitable way.
 * @example const createdAt = await awaitableAttrs(user).createdAt;
 */
import { DetachedInstanceError } from "../errors.js";
import { stateOf } from "../state/instance-state.js";
import { stateFor } from "./session-objects.js";
import type { Session } from "./session.js";
import { RelationshipProperty } from "../relationships/property.js";

export type AwaitableAttrs<T> = { readonly [K in keyof T]: Promise<T[K]> };

export function awaitableAttrs<T extends object>(obj: T): AwaitableAttrs<T> {
  const state = stateFor(obj);
  return new Proxy({} as AwaitableAttrs<T>, {
    get(_target, key) {
      if (typeof key !== "string" || !state.mapper.propsByKey.has(key)) return undefined;
      return (async () => {
        const prop = state.mapper.propsByKey.get(key);
        if (prop instanceof RelationshipProperty) {
          if (
            !prop.writeOnly &&
            state.related?.[prop.index] === undefined &&
            state.key !== null &&
            !state.newborn
          ) {
            const session = stateOf(obj)?.session as Session | null;
            if (session === null || session === undefined) {
              throw new DetachedInstanceError(
                `${prop.where} is not loaded and the object is detached; merge() it into a Session to load it.`,
              );
            }
            await session.load(obj, key as never);
          }
          return (obj as Record<string, unknown>)[key];
        }
        const index = state.mapper.columnProps.findIndex((p) => p.key === key);
        if (index >= 0 && state.values[index] === undefined && state.key !== null) {
          const session = stateOf(obj)?.session as Session | null;
          if (session === null || session === undefined) {
            throw new DetachedInstanceError(
              `${state.mapper.className}.${key} is not loaded and the object is detached; merge() it into a Session to load it.`,
            );
          }
          await session.refresh(obj, [key]);
        }
        return (obj as Record<string, unknown>)[key];
      })();
    },
  });
}
