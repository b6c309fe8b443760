/**
 * The order mappers are flushed in (SQLAlchemy: the topological sort in `unitofwork.py`;
 * MikroORM's `CommitOrderCalculator`, after Doctrine's). A mapper whose table another's foreign
 * key references comes first, so parents are inserted before children; deletes run in the
 * reverse order, children before parents.
 *
 * Kahn's algorithm over V mappers (those in the flush: a handful) and E edges (their foreign
 * keys to each other, plus the edges dependency processors add): O(V² + E), the V² from picking
 * ready mappers in the order they were first met, which keeps ties stable. A cycle is broken by
 * taking the remaining mappers in that order.
 */
import type { Mapper } from "../mapping/mapper.js";

/** `mappers` sorted parents first; `extraEdges` are `[parent, child]` pairs. */
export function sortMappers(
  mappers: readonly Mapper[],
  extraEdges: readonly (readonly [Mapper, Mapper])[] = [],
): Mapper[] {
  if (mappers.length < 2) return [...mappers];
  const byTable = new Map(mappers.map((m) => [m.table as object, m]));
  const children = new Map<Mapper, Set<Mapper>>(mappers.map((m) => [m, new Set<Mapper>()]));
  const indegree = new Map<Mapper, number>(mappers.map((m) => [m, 0]));
  const addEdge = (parent: Mapper, child: Mapper) => {
    if (parent === child || !children.has(parent) || !children.has(child)) return;
    const set = children.get(parent)!;
    if (set.has(child)) return;
    set.add(child);
    indegree.set(child, indegree.get(child)! + 1);
  };
  for (const child of mappers) {
    for (const fk of child.table.foreignKeys) {
      let target: object | null = null;
      try {
        target = fk.column.table;
      } catch {
        // A foreign key to a table that isn't defined can't order anything here.
      }
      const parent = target ? byTable.get(target) : undefined;
      if (parent) addEdge(parent, child);
    }
  }
  for (const [parent, child] of extraEdges) addEdge(parent, child);

  const out: Mapper[] = [];
  const done = new Set<Mapper>();
  while (out.length < mappers.length) {
    const ready =
      mappers.find((m) => !done.has(m) && indegree.get(m) === 0) ?? mappers.find((m) => !done.has(m))!;
    done.add(ready);
    out.push(ready);
    for (const c of children.get(ready)!) indegree.set(c, indegree.get(c)! - 1);
  }
  return out;
}
