/**
 * A set of object states in the order they were added, kept as an array with the hash set for
 * membership built only when something asks (`has`, `add` of a state that may be there,
 * `delete`). A Session's pending objects and a flush's objects to save are mostly appended,
 * iterated and cleared: 20 000 `Set.add` calls cost as much as the INSERT's own bookkeeping,
 * and an array push a fraction of that.
 */
import type { InstanceState } from "../state/instance-state.js";
import { keepShapes } from "../../util/shapes.js";

export class StateSet implements Iterable<InstanceState> {
  private list: InstanceState[] = [];
  /** Membership, once asked for; kept up to date from then on. */
  private index: Set<InstanceState> | null = null;
  /** Deleted states still in `list` (only while `index` exists), dropped on the next read. */
  private removed = 0;

  constructor(states?: Iterable<InstanceState>) {
    if (states !== undefined) for (const s of states) this.add(s);
  }

  get size(): number {
    return this.list.length - this.removed;
  }

  has(s: InstanceState): boolean {
    return this.indexed().has(s);
  }

  /** Adds a state unless it is there already. */
  add(s: InstanceState): void {
    if (this.list.length > 0 && this.indexed().has(s)) return;
    this.push(s);
  }

  /** Adds a state the caller knows is not in the set (no membership check). */
  push(s: InstanceState): void {
    // A state deleted and added again must not be listed twice.
    if (this.removed > 0) this.compact();
    this.list.push(s);
    if (this.index !== null) this.index.add(s);
  }

  delete(s: InstanceState): boolean {
    if (!this.indexed().delete(s)) return false;
    this.removed++;
    return true;
  }

  clear(): void {
    if (this.list.length > 0) this.list = [];
    this.index = null;
    this.removed = 0;
  }

  /**
   * Removes `states` (all in the set). When they are the whole set, in order (a flush of the
   * objects of one class, as added), it is cleared without a membership check each.
   */
  deleteAll(states: readonly InstanceState[]): void {
    this.compact();
    const list = this.list;
    if (list.length === states.length) {
      let k = 0;
      while (k < list.length && list[k] === states[k]) k++;
      if (k === list.length) {
        this.clear();
        return;
      }
    }
    for (const s of states) this.delete(s);
  }

  /** The states in order (a copy). */
  toArray(): InstanceState[] {
    this.compact();
    return this.list.slice();
  }

  /** The states in order, not copied: read it before the set changes again. */
  values(): readonly InstanceState[] {
    this.compact();
    return this.list;
  }

  [Symbol.iterator](): Iterator<InstanceState> {
    this.compact();
    return this.list[Symbol.iterator]();
  }

  private indexed(): Set<InstanceState> {
    // Without an index nothing was deleted, so the list is exact.
    return (this.index ??= new Set(this.list));
  }

  private compact(): void {
    if (this.removed === 0) return;
    const index = this.index!;
    this.list = this.list.filter((s) => index.has(s));
    this.removed = 0;
  }
}

// A sample keeps the class's hidden class alive across major GCs (util/shapes.ts).
keepShapes(new StateSet());
