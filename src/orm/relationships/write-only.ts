/**
 * Write-only collections (SQLAlchemy: `WriteOnlyCollection`, `lazy="write_only"`, and the legacy
 * `lazy="dynamic"` AppenderQuery): for collections too large to load, the attribute is an object
 * that queues additions and removals for the next flush and builds the SELECT of its members.
 *
 * @example
 * class Workflow extends Base.model("workflows", { … }) {
 *   static runs = relationship(() => Run, { lazy: "writeOnly" });
 *   declare runs: WriteOnlyCollection<Run>;
 * }
 * wf.runs.add(new Run({ … }));                                   // INSERTed at flush
 * const recent = await session.scalars(wf.runs.select().orderBy(Run.id.desc()).limit(10));
 */
import { InvalidRequestError } from "../../util/errors.js";
import { and } from "../../sql/operators.js";
import { select, type Select } from "../../sql/select.js";
import { func } from "../../sql/functions.js";
import { AttributeValueError, DetachedInstanceError } from "../errors.js";
import { mapperOfInstance } from "../mapping/registry.js";
import { STATE, type InstanceState } from "../state/instance-state.js";
import { setHasParent, tracksParents } from "./parent-flags.js";
import type { RelationshipProperty } from "./property.js";

/** What a dynamic collection needs of its Session to run its query. */
interface QueryingSession {
  scalars(stmt: Select<any, any>): Promise<{ all(): unknown[]; first(): unknown }>;
  scalar(stmt: Select<any, any>): Promise<unknown>;
}

/** A write-only collection: `.add()`, `.remove()` for the next flush, `.select()` to read. */
export class WriteOnlyCollection<T extends object> {
  /** @internal objects to attach at the next flush */
  readonly _added: T[] = [];
  /** @internal objects to detach at the next flush */
  readonly _removed: T[] = [];

  /** @internal */
  constructor(
    readonly _state: InstanceState,
    readonly _prop: RelationshipProperty,
  ) {}

  /** Queues an object to join the collection at the next flush (and adds it to the Session). */
  add(obj: T): void {
    this.check(obj);
    const i = this._removed.indexOf(obj);
    if (i >= 0) this._removed.splice(i, 1);
    else if (!this._added.includes(obj)) this._added.push(obj);
    if (tracksParents(this._prop)) setHasParent(obj, this._prop, true);
    this.changed();
    const session = this._state.session;
    if (session !== null && this._prop.cascade.has("save-update")) {
      const cs = (obj as { [STATE]?: InstanceState })[STATE];
      if (cs === undefined || cs.session !== session) session.add(obj);
    }
  }
  /** Queues several objects (SQLAlchemy: `add_all`). */
  addAll(objs: Iterable<T>): void {
    for (const o of objs) this.add(o);
  }
  /** Queues an object to leave the collection at the next flush (deleted with delete-orphan). */
  remove(obj: T): void {
    this.check(obj);
    const i = this._added.indexOf(obj);
    if (i >= 0) this._added.splice(i, 1);
    else if (!this._removed.includes(obj)) this._removed.push(obj);
    if (tracksParents(this._prop)) setHasParent(obj, this._prop, false);
    this.changed();
  }

  /** The SELECT of the collection's members (filter, order and page it further). */
  select(): Select<[T], T> {
    const p = this._prop;
    let stmt = select(p.target.class_ as never) as unknown as Select<[T], T>;
    if (p.secondary !== null) stmt = stmt.join(p.secondary, p.secondaryjoin!);
    stmt = stmt.where(this._criterion());
    if (p.orderBy.length > 0) stmt = stmt.orderBy(...p.orderBy);
    return stmt;
  }

  /** @internal the WHERE clause matching this parent's members */
  _criterion() {
    const p = this._prop;
    const s = this._state;
    if (s.key === null) {
      throw new InvalidRequestError(
        `${p.where}.select(): the ${p.mapper.className} is not persistent yet; flush it first.`,
        "ATH-ORM-WRITE-ONLY",
      );
    }
    const values = p.parentKeyIndexes.map((i) => s.values[i]);
    return and(...p.remoteKeyColumns.map((c, j) => c.eq(values[j])));
  }

  private check(obj: unknown): void {
    if (mapperOfInstance(obj) !== this._prop.target) {
      throw new AttributeValueError(
        `${this._prop.where} takes ${this._prop.target.className} instances; got ${String(obj)}.`,
      );
    }
  }

  private changed(): void {
    const s = this._state;
    let c = s.relCommitted;
    if (c === null) c = s.relCommitted = new Map();
    if (!c.has(this._prop.index)) c.set(this._prop.index, []);
    if (s.session !== null && s.key !== null) s.session._markDirty(s);
  }

  /** @internal after a flush wrote the queued changes */
  _reset(): void {
    this._added.length = 0;
    this._removed.length = 0;
  }
}

/**
 * A `lazy: "dynamic"` collection: write-only, and able to run its query in the object's Session
 * (SQLAlchemy's AppenderQuery; `user.orders.all()` becomes `await user.orders.all()`).
 */
export class DynamicCollection<T extends object> extends WriteOnlyCollection<T> {
  /** Every member (autoflushes first, so queued changes are included). */
  async all(): Promise<T[]> {
    return (await this.session().scalars(this.select())).all() as T[];
  }
  /** The first member, or null. */
  async first(): Promise<T | null> {
    return ((await this.session().scalars(this.select().limit(1))).first() as T | null) ?? null;
  }
  /** How many members there are (`SELECT count(*)`). */
  async count(): Promise<number> {
    const p = this._prop;
    let stmt = select(func.count()).selectFrom(p.secondary ?? p.target.table);
    if (p.secondary !== null) stmt = stmt.join(p.target.table, p.secondaryjoin!);
    return Number(await this.session().scalar(stmt.where(this._criterion())));
  }
  private session(): QueryingSession {
    const s = this._state.session;
    if (s === null) {
      throw new DetachedInstanceError(
        `${this._prop.where}: the ${this._prop.mapper.className} is not in a Session, so its collection can't be queried.`,
      );
    }
    return s as unknown as QueryingSession;
  }
}

/** The collection object for a state's write-only or dynamic relationship. */
export function makeWriteOnly(s: InstanceState, prop: RelationshipProperty): WriteOnlyCollection<object> {
  return prop.strategyKey === "dynamic" ? new DynamicCollection(s, prop) : new WriteOnlyCollection(s, prop);
}

export function isWriteOnlyCollection(v: unknown): v is WriteOnlyCollection<object> {
  return v instanceof WriteOnlyCollection;
}
