/**
 * What each relationship does in a flush (SQLAlchemy: `orm/dependency.py` OneToManyDP,
 * ManyToOneDP, ManyToManyDP). A processor looks at the objects of its relationship's class in
 * the flush and registers, in the unit of work, what their relationship changes imply:
 *
 * - one-to-many (`user.orders`): children added get the parent's key (`order.userId`), children
 *   removed get NULL, or are deleted with delete-orphan; a deleted parent's children are deleted
 *   (delete cascade) or get NULL, loaded first when not in memory unless `passiveDeletes`
 *   (then the database's ON DELETE CASCADE / SET NULL does it, and `"all"` doesn't touch loaded
 *   children either);
 * - many-to-one (`order.user`): the object gets its parent's key, or NULL; with a delete
 *   cascade (rare) its parent is deleted with it;
 * - many-to-many (`secondary`): pairs added and removed become association rows to INSERT and
 *   DELETE; a deleted object's rows are deleted (unless `passiveDeletes`).
 *
 * Copies wait until the parent is saved (its generated key known): the unit of work orders
 * classes by the `edges()` below, rows of self-referential classes by the copies themselves.
 * A `postUpdate` relationship adds no ordering: its copies are written by a later UPDATE.
 */
import type { Mapper } from "../mapping/mapper.js";
import type { DependencyProcessor, SyncOp, UnitOfWork } from "../session/unit-of-work.js";
import type { InstanceState } from "../state/instance-state.js";
import { currentMembers, histories, stateOfObj } from "./flush-history.js";
import { hasParent, mayHaveOrphans, orphanedFrom } from "./parent-flags.js";
import type { RelationshipProperty } from "./property.js";

type Edge = readonly [Mapper, Mapper];

abstract class RelationshipDependency implements DependencyProcessor {
  readonly postUpdate: boolean;
  private keys: { parent: readonly number[]; target: readonly number[] } | null = null;
  constructor(readonly prop: RelationshipProperty) {
    this.postUpdate = prop.options.postUpdate === true;
  }
  /** Value indexes of the parent's key columns (`prop.parentKeyIndexes`), computed once. */
  get parentIdx(): readonly number[] {
    return (this.keys ??= { parent: this.prop.parentKeyIndexes, target: this.prop.targetKeyIndexes }).parent;
  }
  /** Value indexes of the target's key columns (`prop.targetKeyIndexes`), computed once. */
  get targetIdx(): readonly number[] {
    return (this.keys ??= { parent: this.prop.parentKeyIndexes, target: this.prop.targetKeyIndexes }).target;
  }
  abstract edges(): readonly Edge[];
  abstract presortSaves(uow: UnitOfWork, states: readonly InstanceState[]): Promise<void>;
  abstract presortDeletes(uow: UnitOfWork, states: readonly InstanceState[]): Promise<void>;

  /** delete-orphan: a member that left and belongs to no other parent through `prop` is deleted. */
  protected deleteOrphans(uow: UnitOfWork, removed: readonly object[]): void {
    for (const child of removed) {
      const cs = stateOfObj(child);
      if (cs.session === uow.session && hasParent(cs, this.prop) !== true) uow.registerDelete(cs);
    }
  }
}

/** `user.orders`: the children's foreign keys reference the parent (SQLAlchemy: OneToManyDP). */
class OneToManyDependency extends RelationshipDependency {
  edges(): readonly Edge[] {
    return this.postUpdate ? [] : [[this.prop.mapper, this.prop.target]];
  }

  async presortSaves(uow: UnitOfWork, parents: readonly InstanceState[]): Promise<void> {
    const p = this.prop;
    for (const [parent, h] of await histories(uow.session, p, parents)) {
      for (const child of h.added) {
        const cs = uow.memberState(p, child, true);
        uow.registerSave(cs);
        uow.addSync(cs, this.op(parent, 1));
      }
      this.removed(uow, h.removed);
    }
  }

  async presortDeletes(uow: UnitOfWork, parents: readonly InstanceState[]): Promise<void> {
    const p = this.prop;
    for (const [, h] of await histories(uow.session, p, parents)) this.removed(uow, h.removed);
    const cascade = p.cascade.has("delete");
    if (!cascade && p.passiveDeletes === "all") return;
    for (const [, children] of await currentMembers(uow.session, p, parents, !p.passiveDeletes)) {
      for (const child of children) {
        const cs = stateOfObj(child);
        if (cs.session !== uow.session) continue;
        if (cascade) uow.registerDelete(cs);
        else if (!uow.isDeleting(cs)) this.clear(uow, cs);
      }
    }
  }

  /** Children that left the collection: orphans are deleted; the others lose their foreign key. */
  private removed(uow: UnitOfWork, removed: readonly object[]): void {
    const p = this.prop;
    if (p.cascade.has("delete-orphan")) return this.deleteOrphans(uow, removed);
    if (p.passiveDeletes === "all") return;
    for (const child of removed) {
      const cs = stateOfObj(child);
      if (cs.session === uow.session && !uow.isDeleting(cs)) this.clear(uow, cs);
    }
  }

  private clear(uow: UnitOfWork, child: InstanceState): void {
    uow.registerSave(child);
    uow.addSync(child, this.op(null, 0));
  }

  private op(source: InstanceState | null, rank: number): SyncOp {
    const p = this.prop;
    return { prop: p, source, from: this.parentIdx, to: this.targetIdx, rank, post: this.postUpdate };
  }
}

/** `order.user`: this object's foreign key references the parent (SQLAlchemy: ManyToOneDP). */
class ManyToOneDependency extends RelationshipDependency {
  edges(): readonly Edge[] {
    return this.postUpdate ? [] : [[this.prop.target, this.prop.mapper]];
  }

  async presortSaves(uow: UnitOfWork, children: readonly InstanceState[]): Promise<void> {
    const p = this.prop;
    const changed: InstanceState[] = [];
    for (const s of children) {
      if (s.relCommitted === null || !s.relCommitted.has(p.index)) continue;
      const v = s.related?.[p.index];
      if (v === undefined) continue;
      changed.push(s);
      const source = v === null ? null : uow.memberState(p, v as object, false);
      uow.addSync(s, {
        prop: p,
        source,
        from: this.targetIdx,
        to: this.parentIdx,
        rank: 2,
        post: this.postUpdate,
      });
    }
    if (changed.length > 0 && p.cascade.has("delete-orphan")) {
      for (const [, h] of await histories(uow.session, p, changed)) this.deleteOrphans(uow, h.removed);
    }
  }

  async presortDeletes(uow: UnitOfWork, children: readonly InstanceState[]): Promise<void> {
    const p = this.prop;
    if (!p.cascade.has("delete")) return;
    for (const [, parents] of await currentMembers(uow.session, p, children, !p.passiveDeletes))
      for (const parent of parents) {
        const ps = stateOfObj(parent);
        if (ps.session === uow.session) uow.registerDelete(ps);
      }
  }
}

/** `user.roles` through an association table (SQLAlchemy: ManyToManyDP). */
class ManyToManyDependency extends RelationshipDependency {
  edges(): readonly Edge[] {
    return [];
  }

  async presortSaves(uow: UnitOfWork, states: readonly InstanceState[]): Promise<void> {
    const p = this.prop;
    for (const [s, h] of await histories(uow.session, p, states)) {
      for (const child of h.added) uow.secondary.add(p, s, uow.memberState(p, child, false));
      for (const child of h.removed) uow.secondary.remove(p, s, stateOfObj(child));
      if (p.cascade.has("delete-orphan")) this.deleteOrphans(uow, h.removed);
    }
  }

  async presortDeletes(uow: UnitOfWork, states: readonly InstanceState[]): Promise<void> {
    const p = this.prop;
    if (p.cascade.has("delete")) {
      for (const [, children] of await currentMembers(uow.session, p, states, !p.passiveDeletes))
        for (const child of children) {
          const cs = stateOfObj(child);
          if (cs.session === uow.session) uow.registerDelete(cs);
        }
    }
    if (!p.passiveDeletes) for (const s of states) uow.secondary.clear(p, s);
  }
}

const built = new WeakSet<Mapper>();

/** The flush processors of a mapper: one per writable relationship, then any added by hand. */
export function processorsOf(mapper: Mapper): readonly DependencyProcessor[] {
  if (!built.has(mapper)) {
    built.add(mapper);
    mapper.registry.configure();
    const own = mapper.relationships
      .filter((r) => !r.viewonly)
      .map((r) =>
        r.direction === "manyToMany"
          ? new ManyToManyDependency(r)
          : r.direction === "manyToOne"
            ? new ManyToOneDependency(r)
            : new OneToManyDependency(r),
      );
    mapper.dependencyProcessors.unshift(...own);
  }
  return mapper.dependencyProcessors;
}

const synced = new WeakMap<Mapper, { mappers: number; columns: ReadonlySet<number> }>();

/** Value indexes of a mapper's columns that relationships fill at flush (foreign keys to parents). */
export function syncedColumns(mapper: Mapper): ReadonlySet<number> {
  mapper.registry.configure();
  const cached = synced.get(mapper);
  if (cached !== undefined && cached.mappers === mapper.registry.mappers.size) return cached.columns;
  const out = new Set<number>();
  for (const m of mapper.registry.mappers) {
    for (const r of m.relationships) {
      if (r.viewonly || r.direction === "manyToMany") continue;
      if (r.direction === "manyToOne" && r.mapper === mapper) r.parentKeyIndexes.forEach((i) => out.add(i));
      if (r.direction === "oneToMany" && r.target === mapper) r.targetKeyIndexes.forEach((i) => out.add(i));
    }
  }
  synced.set(mapper, { mappers: mapper.registry.mappers.size, columns: out });
  return out;
}

/** The relationships that fill column `index` of `mapper` at flush (for messages). */
export function relationshipsFilling(mapper: Mapper, index: number): RelationshipProperty[] {
  const out: RelationshipProperty[] = [];
  for (const m of mapper.registry.mappers) {
    for (const r of m.relationships) {
      if (r.viewonly || r.direction === "manyToMany" || !r.isConfigured) continue;
      if (r.direction === "manyToOne" && r.mapper === mapper && r.parentKeyIndexes.includes(index))
        out.push(r);
      if (r.direction === "oneToMany" && r.target === mapper && r.targetKeyIndexes.includes(index))
        out.push(r);
    }
  }
  return out;
}

/**
 * Runs the processors of the mappers with work until they add nothing more (SQLAlchemy: the
 * presort loop of `UOWTransaction.execute`); each sees each object once.
 */
export async function presort(uow: UnitOfWork): Promise<void> {
  const seenSaves = new Map<DependencyProcessor, Set<InstanceState>>();
  const seenDeletes = new Map<DependencyProcessor, Set<InstanceState>>();
  const orphanChecked = new Set<InstanceState>();
  for (let progressed = true; progressed;) {
    progressed = false;
    for (const mapper of uow.mappers()) {
      const saves = uow.saves.get(mapper);
      if (saves !== undefined && mayHaveOrphans()) {
        for (const s of [...saves]) {
          if (orphanChecked.has(s)) continue;
          orphanChecked.add(s);
          // Detached from a delete-orphan parent: deleted (pending: expunged), SQLAlchemy's _is_orphan.
          if (orphanedFrom(s) !== null) uow.registerDelete(s);
        }
      }
      for (const p of processorsOf(mapper)) {
        const saves = unseen(seenSaves, p, uow.saves.get(mapper));
        if (saves.length > 0) {
          progressed = true;
          await p.presortSaves(uow, saves);
        }
        const deletes = unseen(seenDeletes, p, uow.deletes.get(mapper));
        if (deletes.length > 0) {
          progressed = true;
          await p.presortDeletes(uow, deletes);
        }
      }
    }
  }
}

function unseen(
  seen: Map<DependencyProcessor, Set<InstanceState>>,
  p: DependencyProcessor,
  states: Iterable<InstanceState> | undefined,
): InstanceState[] {
  if (states === undefined) return [];
  let set = seen.get(p);
  if (set === undefined) seen.set(p, (set = new Set()));
  const out: InstanceState[] = [];
  for (const x of states) {
    if (set.has(x)) continue;
    set.add(x);
    out.push(x);
  }
  return out;
}
