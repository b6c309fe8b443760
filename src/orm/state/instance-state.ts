/**
 * Per-instance ORM state (SQLAlchemy: `orm/state.py` InstanceState), kept in one hidden slot of
 * each mapped object (`obj[STATE]`). Attribute values live in `values`, one slot per column in
 * table order (`undefined`: not loaded); `committed` holds the original value of each attribute
 * changed since it was loaded or flushed, which is all the change tracking there is: no copy of
 * every loaded row, no Proxy.
 *
 * The object's lifecycle state follows from three fields (SQLAlchemy's five states):
 *
 * | state      | key    | session | deleted |
 * |------------|--------|---------|---------|
 * | transient  | null   | null    |         |
 * | pending    | null   | set     |         |
 * | persistent | set    | set     | false   |
 * | deleted    | set    | set     | true    |  (its DELETE was flushed, not yet committed)
 * | detached   | set    | null    |         |
 */
import type { IdentityKey, Mapper } from "../mapping/mapper.js";

/** A relationship's original value when it was not loaded before it changed. */
export const NO_VALUE: unique symbol = Symbol("athanor.orm.noValue");

/** The hidden slot holding an object's InstanceState. */
export const STATE: unique symbol = Symbol("athanor.orm.state");

/** What the state needs of its Session (the Session class implements it). @internal */
export interface StateOwner {
  /** Records a persistent object whose attributes changed, so flush finds it without a scan. */
  _markDirty(state: InstanceState): void;
  /** Adds an object (the save-update cascade of relationships). */
  add(obj: object): void;
}

export class InstanceState<T extends object = any> {
  /** Original values of attributes changed since load or flush, by value index (`undefined`: unknown). */
  committed: Map<number, unknown> | null = null;
  /** Identity key in its mapper's identity map; null until the row exists. */
  key: IdentityKey | null = null;
  /** The Session it belongs to (pending, persistent, deleted). */
  session: StateOwner | null = null;
  /** Its DELETE was flushed in the current transaction. */
  deleted = false;
  /** Why some attributes are not loaded, for the error raised when one is read. */
  unloadedReason: string | null = null;
  /**
   * Relationship values by `RelationshipProperty.index` (`undefined`: not loaded): the related
   * object or null, a collection array, or a write-only collection. Null until one is set.
   */
  related: unknown[] | null = null;
  /**
   * The value each relationship had before its first change since load or flush (a copy of a
   * collection's members; `NO_VALUE` when it was not loaded), by relationship index.
   */
  relCommitted: Map<number, unknown> | null = null;
  /** Made by its constructor (never loaded): its unloaded relationships read as empty, not as errors. */
  newborn = false;

  constructor(
    readonly mapper: Mapper<T>,
    readonly obj: T,
    /** Current values by column index; `undefined` = not loaded (or never set). */
    public values: unknown[],
  ) {}

  get transient(): boolean {
    return this.key === null && this.session === null;
  }
  get pending(): boolean {
    return this.key === null && this.session !== null;
  }
  get persistent(): boolean {
    return this.key !== null && this.session !== null && !this.deleted;
  }
  get isDeleted(): boolean {
    return this.key !== null && this.session !== null && this.deleted;
  }
  get detached(): boolean {
    return this.key !== null && this.session === null;
  }
  /** True when some column attribute changed since load or flush. */
  get modified(): boolean {
    return this.committed !== null && this.committed.size > 0;
  }
  /** True when some relationship changed since load or flush. */
  get relModified(): boolean {
    return this.relCommitted !== null && this.relCommitted.size > 0;
  }

  /** The primary key values (null until known). */
  identity(): unknown[] | null {
    if (this.key === null) return null;
    return this.mapper.pkProps.map((p) => this.values[p.index]);
  }

  /**
   * Marks attributes not loaded (all but the primary key when `indexes` is omitted) and drops
   * their pending changes (SQLAlchemy: `_expire`).
   */
  expire(reason: string, indexes?: readonly number[]): void {
    const props = this.mapper.columnProps;
    if (indexes === undefined) {
      for (const p of props) if (!p.isPrimaryKey) this.values[p.index] = undefined;
      this.committed = null;
      this.related = null;
      this.relCommitted = null;
      this.newborn = false;
    } else {
      for (const i of indexes) {
        if (props[i]!.isPrimaryKey) continue;
        this.values[i] = undefined;
        this.committed?.delete(i);
      }
    }
    this.unloadedReason = reason;
  }

  /** True when some non-key attribute is not loaded. */
  hasUnloaded(): boolean {
    const v = this.values;
    for (let i = 0; i < v.length; i++) if (v[i] === undefined) return true;
    return false;
  }

  /** Marks relationships not loaded (by relationship index) and drops their pending changes. */
  expireRelated(indexes: readonly number[]): void {
    for (const i of indexes) {
      if (this.related !== null) this.related[i] = undefined;
      this.relCommitted?.delete(i);
    }
  }

  /** Forgets pending changes: the current values become the committed ones. */
  commitAll(): void {
    this.committed = null;
    this.relCommitted = null;
  }
}

/** The state of a mapped object, or undefined for objects never touched by the ORM. */
export function stateOf(obj: object): InstanceState | undefined {
  return (obj as { [STATE]?: InstanceState })[STATE];
}

/** A constructor that returns the object it is given, so a subclass adds its fields to that object. */
class Passthrough {
  constructor(obj: object) {
    return obj;
  }
}

/**
 * The private slot of the instances loading makes. Objects made by their constructor keep their
 * state in an own, non-enumerable `STATE` property; loaded ones get a private field instead
 * (through `Passthrough`), read back by the `STATE` accessor `installStateAccessor` puts on
 * mapped prototypes. Both are hidden the same way (not enumerable, not copied by spread or
 * `Object.assign`), but defining a non-enumerable property is a runtime call per object,
 * measured at three times the rest of making an instance, while a private field is added inline.
 */
class LoadedSlot extends Passthrough {
  #state: InstanceState;
  private constructor(obj: object, state: InstanceState) {
    super(obj);
    this.#state = state;
  }
  static attach(obj: object, state: InstanceState): void {
    if (#state in obj) (obj as LoadedSlot).#state = state;
    else new LoadedSlot(obj, state);
  }
  static of(obj: object): InstanceState | undefined {
    return #state in obj ? (obj as LoadedSlot).#state : undefined;
  }
}

/** Gives an object made without its constructor (`Object.create(prototype)`) its state. @internal */
export const attachState: (obj: object, state: InstanceState) => void = LoadedSlot.attach;

function loadedState(this: object): InstanceState | undefined {
  return LoadedSlot.of(this);
}

/** Makes `obj[STATE]` find the state of loaded instances of a mapped class (see `LoadedSlot`). @internal */
export function installStateAccessor(proto: object): void {
  Object.defineProperty(proto, STATE, { configurable: true, enumerable: false, get: loadedState });
}
