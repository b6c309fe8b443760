/**
 * The order a flush writes in (SQLAlchemy: the topological sorts of `unitofwork.py` and
 * `util/topological.py`; MikroORM's `CommitOrderCalculator`).
 *
 * Mapper level: a mapper whose table another's foreign key references (or that a relationship
 * names as the parent) comes first, so parents are inserted before children and deleted after
 * them. Mappers that depend on each other in a cycle (two tables referencing each other, or a
 * table referencing itself: an adjacency list) form one group, whose rows are ordered one by
 * one instead: `rowLevels` numbers each row by how many rows must precede it, and the flush
 * writes the rows of one level together, so a tree of new nodes is one INSERT per depth.
 *
 * Tarjan's algorithm finds the groups in O(V + E), Kahn's orders them; ties keep the order
 * mappers were first met (V is the handful of mappers in one flush).
 */
import { FlushError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import { valuesKey, type IdentityKey } from "../mapping/mapper.js";
import { committedValue } from "../relationships/flush-history.js";
import type { RelationshipProperty } from "../relationships/property.js";
import type { InstanceState } from "../state/instance-state.js";

/** Mappers written together: one, or several that depend on each other. */
export interface MapperGroup {
  readonly mappers: readonly Mapper[];
  /** Rows of this group may depend on rows of the same group: order them row by row. */
  readonly cyclic: boolean;
}

/** `[parent, child]` pairs from the foreign keys between the mappers' tables. */
export function foreignKeyEdges(mappers: readonly Mapper[]): [Mapper, Mapper][] {
  const byTable = new Map(mappers.map((m) => [m.table as object, m]));
  const out: [Mapper, Mapper][] = [];
  for (const child of mappers) {
    for (const fk of child.table.foreignKeys) {
      let target: object | null = null;
      try {
        target = fk.column.table;
      } catch {
        // A foreign key to a table that isn't defined can't order anything here.
      }
      const parent = target ? byTable.get(target) : undefined;
      if (parent) out.push([parent, child]);
    }
  }
  return out;
}

/** The mappers in groups, parents' groups first; `edges` are `[parent, child]` pairs. */
export function sortMapperGroups(
  mappers: readonly Mapper[],
  edges: readonly (readonly [Mapper, Mapper])[],
): MapperGroup[] {
  const known = new Set(mappers);
  const children = new Map<Mapper, Mapper[]>(mappers.map((m) => [m, []]));
  const selfRef = new Set<Mapper>();
  for (const [p, c] of edges) {
    if (!known.has(p) || !known.has(c)) continue;
    if (p === c) selfRef.add(p);
    else if (!children.get(p)!.includes(c)) children.get(p)!.push(c);
  }
  // Tarjan: strongly connected components, found children-first.
  const index = new Map<Mapper, number>();
  const low = new Map<Mapper, number>();
  const stack: Mapper[] = [];
  const onStack = new Set<Mapper>();
  const components: Mapper[][] = [];
  let counter = 0;
  const visit = (m: Mapper): void => {
    index.set(m, counter);
    low.set(m, counter++);
    stack.push(m);
    onStack.add(m);
    for (const c of children.get(m)!) {
      if (!index.has(c)) {
        visit(c);
        low.set(m, Math.min(low.get(m)!, low.get(c)!));
      } else if (onStack.has(c)) low.set(m, Math.min(low.get(m)!, index.get(c)!));
    }
    if (low.get(m) === index.get(m)) {
      const comp: Mapper[] = [];
      let x: Mapper;
      do {
        x = stack.pop()!;
        onStack.delete(x);
        comp.push(x);
      } while (x !== m);
      components.push(comp);
    }
  };
  for (const m of mappers) if (!index.has(m)) visit(m);
  // Kahn's algorithm over the components, taking the ready one met first (stable ties).
  const order = new Map(mappers.map((m, i) => [m, i]));
  for (const comp of components) comp.sort((a, b) => order.get(a)! - order.get(b)!);
  components.sort((a, b) => order.get(a[0]!)! - order.get(b[0]!)!);
  const compOf = new Map<Mapper, Mapper[]>();
  for (const comp of components) for (const m of comp) compOf.set(m, comp);
  const indegree = new Map<Mapper[], number>(components.map((c) => [c, 0]));
  const next = new Map<Mapper[], Set<Mapper[]>>(components.map((c) => [c, new Set()]));
  for (const [p, list] of children) {
    for (const c of list) {
      const a = compOf.get(p)!;
      const b = compOf.get(c)!;
      if (a === b || next.get(a)!.has(b)) continue;
      next.get(a)!.add(b);
      indegree.set(b, indegree.get(b)! + 1);
    }
  }
  const out: MapperGroup[] = [];
  const done = new Set<Mapper[]>();
  while (out.length < components.length) {
    const ready = components.find((c) => !done.has(c) && indegree.get(c) === 0)!;
    done.add(ready);
    out.push({ mappers: ready, cyclic: ready.length > 1 || selfRef.has(ready[0]!) });
    for (const c of next.get(ready)!) indegree.set(c, indegree.get(c)! - 1);
  }
  return out;
}

/** `mappers` sorted parents first (cycles kept in the order met); `extraEdges` are `[parent, child]` pairs. */
export function sortMappers(
  mappers: readonly Mapper[],
  extraEdges: readonly (readonly [Mapper, Mapper])[] = [],
): Mapper[] {
  return sortMapperGroups(mappers, [...foreignKeyEdges(mappers), ...extraEdges]).flatMap((g) => [
    ...g.mappers,
  ]);
}

/** Rows that can't be ordered: each needs another of them first. */
export class RowCycle<T> {
  constructor(readonly items: readonly T[]) {}
}

/**
 * Levels of `items`: 0 for an item needing none of the others first, else one more than the
 * highest level among those it needs (`before(item)`; items outside `items` are ignored).
 * Returns the items of a cycle when there is one.
 */
export function rowLevels<T>(
  items: readonly T[],
  before: (item: T) => Iterable<T>,
): Map<T, number> | RowCycle<T> {
  const members = new Set(items);
  const level = new Map<T, number>();
  const path: T[] = [];
  const onPath = new Set<T>();
  // Iterative depth-first search: trees can be deep.
  for (const root of items) {
    if (level.has(root)) continue;
    const frames: { item: T; deps: Iterator<T>; max: number }[] = [];
    const enter = (item: T) => {
      frames.push({ item, deps: before(item)[Symbol.iterator](), max: -1 });
      path.push(item);
      onPath.add(item);
    };
    enter(root);
    while (frames.length > 0) {
      const f = frames[frames.length - 1]!;
      const next = f.deps.next();
      if (next.done) {
        level.set(f.item, f.max + 1);
        frames.pop();
        path.pop();
        onPath.delete(f.item);
        if (frames.length > 0) {
          const parent = frames[frames.length - 1]!;
          parent.max = Math.max(parent.max, f.max + 1);
        }
        continue;
      }
      const d = next.value;
      if (d === f.item || !members.has(d)) continue;
      const known = level.get(d);
      if (known !== undefined) f.max = Math.max(f.max, known);
      else if (onPath.has(d)) return new RowCycle(path.slice(path.indexOf(d)));
      else enter(d);
    }
  }
  return level;
}

/** Objects of one mapper written together. */
export interface Batch {
  readonly mapper: Mapper;
  readonly states: InstanceState[];
}

/**
 * The saves in order: group by group; in a cyclic group, level by level (a row after the
 * pending rows whose keys it needs, `saveAfter`), then mapper by mapper.
 */
export function orderSaves(
  groups: readonly MapperGroup[],
  saves: ReadonlyMap<Mapper, { readonly size: number; toArray(): InstanceState[] } & Iterable<InstanceState>>,
  saveAfter: ReadonlyMap<InstanceState, ReadonlyMap<InstanceState, RelationshipProperty>>,
): Batch[] {
  const out: Batch[] = [];
  for (const g of groups) {
    if (!g.cyclic) {
      for (const m of g.mappers)
        if (saves.get(m)?.size) out.push({ mapper: m, states: saves.get(m)!.toArray() });
      continue;
    }
    const states = g.mappers.flatMap((m) => [...(saves.get(m) ?? [])]);
    if (states.length === 0) continue;
    const levels = rowLevels(states, (s) => saveAfter.get(s)?.keys() ?? []);
    if (levels instanceof RowCycle) throw cycleError(levels.items, saveAfter, "saved");
    out.push(...byLevel(g, states, levels));
  }
  return out;
}

/**
 * The deletes in order: groups children first; in a cyclic group, a row after the rows whose
 * foreign keys (as the database has them) reference it.
 */
export function orderDeletes(
  groups: readonly MapperGroup[],
  deletes: ReadonlyMap<Mapper, ReadonlySet<InstanceState>>,
): Batch[] {
  const out: Batch[] = [];
  for (const g of [...groups].reverse()) {
    const states = g.mappers.flatMap((m) => [...(deletes.get(m) ?? [])]);
    if (states.length === 0) continue;
    if (!g.cyclic) {
      for (const m of [...g.mappers].reverse())
        if (deletes.get(m)?.size) out.push({ mapper: m, states: [...deletes.get(m)!] });
      continue;
    }
    const referencing = referencingRows(g, states);
    const levels = rowLevels(states, (s) => referencing.get(s)?.keys() ?? []);
    if (levels instanceof RowCycle) throw cycleError(levels.items, referencing, "deleted");
    out.push(...byLevel(g, states, levels));
  }
  return out;
}

function byLevel(
  g: MapperGroup,
  states: readonly InstanceState[],
  levels: Map<InstanceState, number>,
): Batch[] {
  const buckets: Map<Mapper, InstanceState[]>[] = [];
  for (const s of states) {
    const level = levels.get(s)!;
    const bucket = (buckets[level] ??= new Map());
    const list = bucket.get(s.mapper);
    if (list) list.push(s);
    else bucket.set(s.mapper, [s]);
  }
  const out: Batch[] = [];
  for (const bucket of buckets) {
    if (bucket === undefined) continue;
    for (const m of g.mappers) {
      const list = bucket.get(m);
      if (list !== undefined) out.push({ mapper: m, states: list });
    }
  }
  return out;
}

/**
 * For each deleted row of a cyclic group, the deleted rows whose foreign key references it
 * (through a relationship between the group's mappers), by their committed values.
 */
function referencingRows(
  g: MapperGroup,
  states: readonly InstanceState[],
): Map<InstanceState, Map<InstanceState, RelationshipProperty>> {
  const out = new Map<InstanceState, Map<InstanceState, RelationshipProperty>>();
  const inGroup = new Set(g.mappers);
  for (const m of g.mappers) {
    for (const prop of m.relationships) {
      if (prop.viewonly || prop.secondary !== null || prop.options.postUpdate || !inGroup.has(prop.target))
        continue;
      const m2o = prop.direction === "manyToOne";
      const one = m2o ? prop.target : prop.mapper;
      const oneIdx = m2o ? prop.targetKeyIndexes : prop.parentKeyIndexes;
      const manyIdx = m2o ? prop.parentKeyIndexes : prop.targetKeyIndexes;
      const many = m2o ? prop.mapper : prop.target;
      const parents = new Map<IdentityKey, InstanceState>();
      for (const s of states) if (s.mapper === one) parents.set(keyOf(s, oneIdx), s);
      for (const s of states) {
        if (s.mapper !== many) continue;
        const parent = parents.get(keyOf(s, manyIdx));
        if (parent === undefined || parent === s) continue;
        let deps = out.get(parent);
        if (deps === undefined) out.set(parent, (deps = new Map()));
        deps.set(s, prop);
      }
    }
  }
  return out;
}

function keyOf(s: InstanceState, idx: readonly number[]): IdentityKey {
  return valuesKey(idx.map((i) => committedValue(s, i)));
}

function cycleError(
  cycle: readonly InstanceState[],
  why: ReadonlyMap<InstanceState, ReadonlyMap<InstanceState, RelationshipProperty>>,
  what: "saved" | "deleted",
): FlushError {
  const props = new Set<string>();
  const steps = cycle.map((s, i) => {
    const next = cycle[(i + 1) % cycle.length]!;
    const prop = why.get(s)?.get(next);
    if (prop) props.add(prop.where);
    if (prop?.reverse) props.add(prop.reverse.where);
    return `${describeRow(s)} → ${describeRow(next)}${prop ? ` (${prop.where})` : ""}`;
  });
  const classes = [...new Set(cycle.map((s) => s.mapper.className))].join(" and ");
  return new FlushError(
    `Can't order the flush: rows of ${classes} depend on each other in a cycle (${steps.join("; ")}), ` +
      (what === "saved"
        ? "so none can be INSERTed first with its foreign key set. "
        : "so none can be DELETEd first while another row still references it. ") +
      `Set postUpdate: true on one of the relationships (${[...props].join(", ")}) (SQLAlchemy: post_update): ` +
      "its foreign key is then written by a separate UPDATE after the rows are inserted, and cleared before they are deleted.",
    "ATH-ORM-CYCLE",
  );
}

function describeRow(s: InstanceState): string {
  const id = s.identity();
  const json = JSON.stringify(id, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return `${s.mapper.className}${id === null ? " (pending)" : ` ${json}`}`;
}
