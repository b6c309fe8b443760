/**
 * `inspect()` (SQLAlchemy: `sqlalchemy.inspect`, `orm/state.py` AttributeState, History): the
 * lifecycle state of an object and the history of its attributes; on a class, its Mapper.
 *
 * @example
 * const insp = inspect(user);
 * insp.persistent;                      // true
 * user.email = "new@x.io";
 * insp.attrs.email.history;             // { added: ["new@x.io"], unchanged: [], deleted: ["old@x.io"] }
 */
import { ArgumentError } from "../../util/errors.js";
import { UnmappedInstanceError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { ColumnProperty } from "../mapping/properties.js";
import { mapperOf, mapperOfInstance } from "../mapping/registry.js";
import { sameValue } from "../session/persistence-common.js";
import { ensureState } from "./instrumentation.js";
import { relationshipHistory } from "../relationships/history.js";
import type { RelationshipProperty } from "../relationships/property.js";
import type { InstanceState } from "./instance-state.js";

/** What happened to an attribute since it was loaded (SQLAlchemy: `History`). */
export interface History {
  /** The new value, when set since load (or set on a new object). */
  readonly added: readonly unknown[];
  /** The value, when loaded and not changed. */
  readonly unchanged: readonly unknown[];
  /** The loaded value that was replaced. */
  readonly deleted: readonly unknown[];
  /** Whether the attribute has a change to flush. */
  hasChanges(): boolean;
}

function history(added: unknown[], unchanged: unknown[], deleted: unknown[]): History {
  return { added, unchanged, deleted, hasChanges: () => added.length > 0 || deleted.length > 0 };
}

/** One attribute of an inspected object. */
export class AttributeState {
  constructor(
    private readonly state: InstanceState,
    private readonly prop: ColumnProperty,
  ) {}
  get key(): string {
    return this.prop.key;
  }
  /** Whether the attribute has a value (false when expired or not fetched). */
  get loaded(): boolean {
    return this.state.values[this.prop.index] !== undefined;
  }
  /** The current value, or undefined when not loaded (no I/O happens here). */
  get loadedValue(): unknown {
    return this.state.values[this.prop.index];
  }
  get history(): History {
    const s = this.state;
    const i = this.prop.index;
    const v = s.values[i];
    if (v === undefined) return history([], [], []);
    if (s.key === null) return history([v], [], []);
    const c = s.committed;
    if (c === null || !c.has(i)) return history([], [v], []);
    const orig = c.get(i);
    if (orig !== undefined && sameValue(v, orig)) return history([], [v], []);
    return history([v], [], orig === undefined || orig === null ? [] : [orig]);
  }
}

/** A relationship of an inspected object: its value in memory and what changed. */
export class RelationshipAttributeState {
  constructor(
    private readonly state: InstanceState,
    private readonly prop: RelationshipProperty,
  ) {}
  get key(): string {
    return this.prop.key;
  }
  /** Whether the relationship is in memory (loaded, set, or a new object's). */
  get loaded(): boolean {
    return this.state.related?.[this.prop.index] !== undefined;
  }
  /** The related object(s) in memory, or undefined when not loaded (no I/O happens here). */
  get loadedValue(): unknown {
    return this.state.related?.[this.prop.index];
  }
  /** Objects added, kept and removed since load or flush. */
  get history(): History {
    const h = relationshipHistory(this.state, this.prop);
    return history([...h.added], [...h.unchanged], [...h.deleted]);
  }
}

/** The inspected state of one mapped object (SQLAlchemy: `InstanceState` as `inspect(obj)` gives it). */
export class InstanceInspection<T extends object = object> {
  /** Attributes by key. */
  readonly attrs: Readonly<Record<string, AttributeState | RelationshipAttributeState>>;
  constructor(private readonly state: InstanceState<T>) {
    const attrs: Record<string, AttributeState | RelationshipAttributeState> = {};
    for (const p of state.mapper.columnProps) attrs[p.key] = new AttributeState(state, p);
    for (const p of state.mapper.relationships) attrs[p.key] = new RelationshipAttributeState(state, p);
    this.attrs = attrs;
  }
  get object(): T {
    return this.state.obj;
  }
  get mapper(): Mapper<T> {
    return this.state.mapper;
  }
  /** Not in a Session and never saved. */
  get transient(): boolean {
    return this.state.transient;
  }
  /** Added to a Session, not flushed yet. */
  get pending(): boolean {
    return this.state.pending;
  }
  /** In a Session, with a row in the database. */
  get persistent(): boolean {
    return this.state.persistent;
  }
  /** Its DELETE was flushed; it becomes detached at commit (or persistent again at rollback). */
  get deleted(): boolean {
    return this.state.isDeleted;
  }
  /** Has a row but no Session (after close(), expunge(), or a commit that deleted it). */
  get detached(): boolean {
    return this.state.detached;
  }
  /** Whether it has an identity key (persistent, deleted or detached). */
  get hasIdentity(): boolean {
    return this.state.key !== null;
  }
  /** Its primary key values, or null before its INSERT. */
  get identity(): unknown[] | null {
    return this.state.identity();
  }
  /** The Session it belongs to, or null. */
  get session(): unknown {
    return this.state.session;
  }
  /** Whether attributes changed since load or flush. */
  get modified(): boolean {
    return this.state.key === null
      ? this.state.session !== null
      : this.state.modified || this.state.relModified;
  }
  /** Keys of attributes without a value (expired, not fetched, relationships not loaded). */
  get unloaded(): ReadonlySet<string> {
    const s = this.state;
    const out = new Set(
      s.mapper.columnProps.filter((p) => s.values[p.index] === undefined).map((p) => p.key),
    );
    if (s.key !== null && !s.newborn)
      for (const r of s.mapper.relationships)
        if (!r.writeOnly && s.related?.[r.index] === undefined) out.add(r.key);
    return out;
  }
}

/** `inspect(User)` gives the Mapper; `inspect(user)` the object's state and attribute history. */
export function inspect<C extends abstract new (...args: any) => any>(target: C): Mapper<InstanceType<C>>;
export function inspect<T extends object>(target: T): InstanceInspection<T>;
export function inspect(target: unknown): unknown {
  if (typeof target === "function") {
    const m = mapperOf(target);
    if (m === null)
      throw new ArgumentError(
        `No inspection is available for ${(target as { name?: string }).name || "this function"}: it is not a mapped class.`,
        "ATH-ORM-INSPECT",
      );
    return m;
  }
  const mapper = mapperOfInstance(target);
  if (mapper === null) throw new UnmappedInstanceError(target);
  return new InstanceInspection(ensureState(target as object, mapper));
}

/**
 * Marks an attribute changed without assigning it, so the next flush writes it (SQLAlchemy:
 * `attributes.flag_modified`): for a JSON value mutated in place, which assignment tracking can't see.
 */
export function flagModified(obj: object, key: string): void {
  const mapper = mapperOfInstance(obj);
  if (mapper === null) throw new UnmappedInstanceError(obj);
  const s = ensureState(obj, mapper);
  const prop = mapper.columnProps.find((p) => p.key === key);
  if (prop === undefined) {
    const p = mapper.prop(key);
    throw new ArgumentError(
      `flagModified(${mapper.className}, '${key}'): '${key}' is a ${p.kind}; flagModified marks column attributes ` +
        "(collections track their own changes).",
      "ATH-ORM-ATTRIBUTE",
    );
  }
  if (s.key === null) return;
  const c = (s.committed ??= new Map());
  if (!c.has(prop.index)) c.set(prop.index, undefined);
  s.session?._markDirty(s);
}
