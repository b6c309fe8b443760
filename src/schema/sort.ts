/**
 * Orders tables by foreign key dependency (SQLAlchemy: `sort_tables_and_constraints`).
 * Referenced tables come first; ties keep key order, so the result is stable. Foreign keys
 * that take part in a cycle, or are marked `useAlter`, are set apart: createAll adds them
 * with ALTER TABLE after the tables exist and dropAll drops them first.
 */
import type { ForeignKeyConstraint } from "./constraints.js";
import type { Table } from "./table.js";

export interface SortedTables {
  /** Dependency order: create in this order, drop in reverse. */
  readonly tables: Table<any, any>[];
  /** Foreign keys that cannot be created inline with their table (cycles, `useAlter`). */
  readonly deferred: ForeignKeyConstraint[];
}

export function sortTablesAndConstraints(input: readonly Table<any, any>[]): SortedTables {
  const tables = [...input].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const inSet = new Set(tables);
  // child → parent → the constraints making that edge
  const parents = new Map<Table<any, any>, Map<Table<any, any>, ForeignKeyConstraint[]>>();
  const deferred = new Set<ForeignKeyConstraint>();
  for (const t of tables) {
    const edges = new Map<Table<any, any>, ForeignKeyConstraint[]>();
    parents.set(t, edges);
    for (const fkc of t.foreignKeyConstraints) {
      if (fkc.useAlter) {
        deferred.add(fkc);
        continue;
      }
      const ref = fkc.referredTable as Table<any, any>;
      if (ref === t || !inSet.has(ref)) continue;
      const list = edges.get(ref) ?? [];
      list.push(fkc);
      edges.set(ref, list);
    }
  }
  // Edges inside a strongly connected component form cycles: defer their constraints.
  const component = stronglyConnected(tables, parents);
  for (const [child, edges] of parents) {
    for (const [parent, fkcs] of [...edges]) {
      if (component.get(child) === component.get(parent)) {
        for (const f of fkcs) deferred.add(f);
        edges.delete(parent);
      }
    }
  }
  const ordered = layeredSort(tables, parents);
  const position = new Map(ordered.map((t, i) => [t, i]));
  const deferredList = [...deferred].sort((a, b) => {
    const pa = position.get(a.table!) ?? 0;
    const pb = position.get(b.table!) ?? 0;
    if (pa !== pb) return pa - pb;
    return a.table!.constraints.indexOf(a) - b.table!.constraints.indexOf(b);
  });
  return { tables: ordered, deferred: deferredList };
}

/** Repeatedly emits, in key order, every table whose parents are all emitted (SQLAlchemy's `sort_as_subsets`). */
function layeredSort(
  tables: Table<any, any>[],
  parents: Map<Table<any, any>, Map<Table<any, any>, unknown>>,
): Table<any, any>[] {
  const out: Table<any, any>[] = [];
  let todo = tables;
  const pending = new Set(tables);
  while (todo.length) {
    const ready = todo.filter((t) => [...parents.get(t)!.keys()].every((p) => !pending.has(p)));
    // Cannot be empty: edges within cycles were removed above.
    for (const t of ready) pending.delete(t);
    out.push(...ready);
    todo = todo.filter((t) => pending.has(t));
  }
  return out;
}

/** Tarjan's algorithm: the component id of every table. */
function stronglyConnected(
  tables: Table<any, any>[],
  parents: Map<Table<any, any>, Map<Table<any, any>, unknown>>,
): Map<Table<any, any>, number> {
  const index = new Map<Table<any, any>, number>();
  const low = new Map<Table<any, any>, number>();
  const onStack = new Set<Table<any, any>>();
  const stack: Table<any, any>[] = [];
  const component = new Map<Table<any, any>, number>();
  let counter = 0;
  let components = 0;
  const visit = (v: Table<any, any>): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of parents.get(v)!.keys()) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      let w: Table<any, any>;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.set(w, components);
      } while (w !== v);
      components++;
    }
  };
  for (const t of tables) if (!index.has(t)) visit(t);
  return component;
}
