/**
 * The Session (SQLAlchemy 2.0: `orm/session.py` Session / AsyncSession): a unit of work over one
 * transaction at a time. It holds the identity map (one object per row), tracks new, changed
 * and deleted objects, and writes them on `flush()` (and before queries, with autoflush).
 *
 * @example
 * const SessionLocal = sessionmaker({ bind: engine, expireOnCommit: false });
 * await using session = SessionLocal();
 * session.add(new User({ username: "ann", email: "ann@x.io" }));
 * await session.commit();
 * const ann = await session.get(User, 1);                    // no SQL if already loaded
 * const users = (await session.scalars(select(User).where(User.isActive.eq(true)))).all();
 */
import type { Connection } from "../../engine/connection.js";
import type { Engine } from "../../engine/engine.js";
import type { Executable, Params, RowOfStatement, ScalarOfStatement } from "../../engine/execution.js";
import type { Result, ScalarResult } from "../../engine/result.js";
import { ArgumentError, InvalidRequestError } from "../../util/errors.js";
import { DetachedInstanceError, PendingRollbackError } from "../errors.js";
import { SessionEvents, type SessionEventName } from "../events.js";
import { isOrmSelect } from "../loading/compile-state.js";
import { loadByIdentity, type LoadByIdentityOptions } from "../loading/load-by-identity.js";
import { executeOrmSelect, hasUnloadedDefaults } from "../loading/loading.js";
import type { OrmResult } from "../loading/result.js";
import type { Mapper } from "../mapping/mapper.js";
import { requireMapper } from "../mapping/registry.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { executeBulk, isBulkDml, type BulkOptions } from "./bulk.js";
import { loadAttributes } from "../relationships/session-load.js";
import { IdentityMap } from "./identity-map.js";
import * as objects from "./session-objects.js";
import { StateSet } from "./state-set.js";
import { SessionTransaction } from "./transaction.js";
import { keepOrmShapes } from "../shapes.js";
import { executeFlush, planFlush } from "./unit-of-work.js";

function expireOnCommit(s: InstanceState): void {
  s.expire("it was expired by commit() (expireOnCommit)");
}

export interface SessionOptions {
  /** The Engine the Session takes connections from. */
  bind: Engine;
  /** Flush before running queries (default true). */
  autoflush?: boolean;
  /** Expire every object at commit, so it is reloaded from the new transaction (default true, as SQLAlchemy). */
  expireOnCommit?: boolean;
  /** Rows per multi-row INSERT at flush (default 1000; SQLAlchemy: `insertmanyvalues_page_size`). */
  insertPageSize?: number;
}

/** What `session.execute(stmt)` resolves to: tuples of instances for ORM SELECTs, Core rows otherwise. */
export type SessionResult<S> =
  RowOfStatement<S> extends infer R
    ? R extends unknown[]
      ? OrmResult<R, ScalarOfStatement<S>>
      : Result<R, ScalarOfStatement<S>>
    : never;

type Instance<C> = C extends abstract new (...args: any) => infer T ? T : never;

export class Session implements StateOwner {
  /** Listeners for every Session's events (SQLAlchemy: `event.listen(Session, …)`). */
  static readonly events = new SessionEvents();
  /** Listeners for this Session's events (made on first use: most Sessions get none). */
  get events(): SessionEvents {
    return (this._events ??= new SessionEvents());
  }
  private _events: SessionEvents | null = null;
  readonly bind: Engine;
  autoflush: boolean;
  expireOnCommit: boolean;
  readonly insertPageSize: number;
  /** One object per primary key. */
  readonly identityMap = new IdentityMap();
  /** @internal pending objects, in the order they were added */
  readonly _new = new StateSet();
  /** @internal persistent objects whose attributes changed (made on first use, as `_deleted`) */
  get _dirty(): Set<InstanceState> {
    return (this._dirtySet ??= new Set());
  }
  /** @internal persistent objects marked for deletion */
  get _deleted(): Set<InstanceState> {
    return (this._deletedSet ??= new Set());
  }
  /** @internal the two sets if made, for checks that must not make them (a Session that only reads never needs them) */
  _dirtySet: Set<InstanceState> | null = null;
  _deletedSet: Set<InstanceState> | null = null;
  /** @internal */
  readonly _tx = new SessionTransaction();
  /** @internal the sessionmaker's listeners */
  _makerEvents: SessionEvents | null = null;
  private flushing = false;

  constructor(options: SessionOptions) {
    if (!options || typeof (options.bind as Partial<Engine> | undefined)?.connect !== "function") {
      throw new ArgumentError(
        "new Session({ bind: engine }): bind must be an Engine (from createEngine()).",
        "ATH-ORM-SESSION",
      );
    }
    this.bind = options.bind;
    this.autoflush = options.autoflush ?? true;
    this.expireOnCommit = options.expireOnCommit ?? true;
    this.insertPageSize = options.insertPageSize ?? 1000;
    keepOrmShapes();
  }

  // ---- objects ----

  /** Adds an object: a new one becomes pending (INSERTed at flush), a detached one persistent again. */
  add(obj: object): void {
    objects.add(this, obj);
  }
  /** Adds several objects (SQLAlchemy: `add_all`). */
  addAll(objs: Iterable<object>): void {
    for (const o of objs) objects.add(this, o);
  }
  /** Marks a persistent object for deletion; its DELETE runs at flush. */
  async delete(obj: object): Promise<void> {
    objects.markDeleted(this, obj);
  }
  /** Removes an object from the Session: pending becomes transient, persistent becomes detached. */
  expunge(obj: object): void {
    objects.expunge(this, obj);
  }
  /** Removes every object from the Session. */
  expungeAll(): void {
    objects.expungeAll(this);
  }
  /** Marks attributes (all by default) not loaded, dropping their pending changes; read them again after `refresh`. */
  expire(obj: object, attributes?: readonly string[]): void {
    objects.expire(this, obj, attributes);
  }
  /** Expires every object in the Session. */
  expireAll(): void {
    for (const s of this.identityMap.states()) s.expire("it was expired by expireAll()");
  }
  /** Reloads an object's attributes (all by default) from the database, discarding pending changes to them. */
  async refresh(
    obj: object,
    attributes?: readonly string[],
    options: { forUpdate?: LoadByIdentityOptions["forUpdate"] } = {},
  ): Promise<void> {
    this.checkUsable();
    this._tx.active = true;
    // As SQLAlchemy: the attributes are expired first (their pending changes discarded), then loaded.
    objects.expireForRefresh(this, obj, attributes);
    const flushed = this.autoflushIfEnabled();
    if (flushed !== undefined) await flushed;
    await objects.refresh(this, obj, attributes, options.forUpdate);
  }
  /**
   * Copies the state of an object onto the Session's instance for the same row (loading it, or
   * making a new pending one) and returns that instance (SQLAlchemy: `merge`).
   */
  async merge<T extends object>(obj: T, options: { load?: boolean } = {}): Promise<T> {
    this.checkUsable();
    this._tx.active = true;
    return objects.merge(this, obj, options.load ?? true);
  }
  /** Whether the object is in this Session (pending, persistent or deleted). */
  contains(obj: object): boolean {
    return stateOf(obj)?.session === this;
  }
  /** Whether the object has attribute changes not flushed yet. */
  isModified(obj: object): boolean {
    const s = stateOf(obj);
    return s !== undefined && (s.key === null ? s.session === this : s.modified || s.relModified);
  }
  /** Pending objects. */
  get new(): object[] {
    return [...this._new].map((s) => s.obj);
  }
  /** Persistent objects with changes. */
  get dirty(): object[] {
    return [...this._dirty].filter((s) => s.modified || s.relModified).map((s) => s.obj);
  }
  /** Objects marked for deletion. */
  get deleted(): object[] {
    return [...this._deleted].map((s) => s.obj);
  }

  // ---- loading and statements ----

  /**
   * The object with this primary key: from the identity map without SQL when it is loaded,
   * else from the database; null when there is no such row. Composite keys: `[a, b]` or `{ a, b }`.
   */
  get<C extends abstract new (...args: any) => object>(
    cls: C,
    ident: unknown,
    options?: LoadByIdentityOptions,
  ): Promise<Instance<C> | null> {
    // Not async: a lookup runs one async step (the load, which also waits for the checkout of
    // a Session's first connection), and one found in the identity map none.
    try {
      this.checkUsable();
      const mapper = requireMapper(cls);
      // One value for a one-column key needs no checks beyond null (primaryKeyFrom's common case).
      const pk =
        ident !== null && ident !== undefined && typeof ident !== "object" && mapper.pkProps.length === 1
          ? [ident]
          : mapper.primaryKeyFrom(ident);
      this._tx.active = true;
      const existing = this.identityMap.get(mapper, mapper.identityKeyOfPk(pk));
      if (existing !== undefined && !options?.populateExisting && !options?.forUpdate) {
        // Columns left out by a query (deferred) don't count; expired ones do (a reason is set).
        if (existing.unloadedReason === null || !hasUnloadedDefaults(existing))
          return Promise.resolve(existing.obj as Instance<C>);
      }
      const loaded = this.needsAutoflush()
        ? this.flush().then(() => this.loadByKey(mapper, pk, options))
        : this.loadByKey(mapper, pk, options);
      return loaded as Promise<Instance<C> | null>;
    } catch (err) {
      return Promise.reject(err);
    }
  }
  private loadByKey(mapper: Mapper, pk: readonly unknown[], options?: LoadByIdentityOptions) {
    return loadByIdentity(this, this._tx.conn ?? this._tx.connection(this.bind), mapper, pk, options);
  }

  /**
   * Runs a statement in the Session's transaction (after autoflush). ORM SELECTs yield tuples of
   * instances (`select(User, Order.id)` → `[User, number]`); UPDATE/DELETE of a mapped table
   * update the loaded objects they matched (`synchronizeSession: "fetch"`, the default).
   */
  async execute<S extends Executable>(
    stmt: S,
    params?: Params | readonly Params[],
    options: BulkOptions = {},
  ): Promise<SessionResult<S>> {
    this.checkUsable();
    this._tx.active = true;
    const flushed = this.autoflushIfEnabled();
    if (flushed !== undefined) await flushed;
    const conn = this._tx.conn ?? (await this.connection());
    if (isOrmSelect(stmt)) {
      const result = await executeOrmSelect(this, conn, stmt, params as Params | undefined);
      return result as unknown as SessionResult<S>;
    }
    if (isBulkDml(stmt)) return (await executeBulk(this, conn, stmt, params, options)) as SessionResult<S>;
    return (await conn.execute(stmt, params)) as SessionResult<S>;
  }
  /**
   * Loads relationships (and unloaded columns) of objects in this Session: one SELECT per
   * relationship for all the objects given. Athanor never loads on attribute access; this is
   * the explicit way (SQLAlchemy: a lazy load, or `AsyncAttrs.awaitable_attrs`).
   * @example
   * const user = await session.load(await session.get(User, 1), "orders", "roles");
   * await session.load(users, "orders");   // one SELECT … WHERE user_id IN (…) for all of them
   */
  async load<T extends object | null>(objs: T, ...attributes: (keyof NonNullable<T> & string)[]): Promise<T>;
  async load<T extends object>(objs: readonly T[], ...attributes: (keyof T & string)[]): Promise<T[]>;
  async load(objs: object | readonly object[] | null, ...attributes: string[]): Promise<unknown> {
    this.checkUsable();
    if (objs === null) return null;
    const list = Array.isArray(objs) ? (objs as object[]) : [objs as object];
    const states = list.map((o) => this._ownState(o, "loaded"));
    this._tx.active = true;
    const flushed = this.autoflushIfEnabled();
    if (flushed !== undefined) await flushed;
    await loadAttributes(this, states, attributes, false);
    return objs;
  }

  /** Runs an ORM SELECT for a loader, without autoflush; rows as tuples. @internal */
  async _loadRows(stmt: Executable): Promise<unknown[][]> {
    const autoflush = this.autoflush;
    this.autoflush = false;
    try {
      return (await this.execute(stmt)).all() as unknown as unknown[][];
    } finally {
      this.autoflush = autoflush;
    }
  }

  /** The first column of each row: instances for `select(User)` (SQLAlchemy: `Session.scalars`). */
  async scalars<S extends Executable>(stmt: S, params?: Params): Promise<ScalarResult<ScalarOfStatement<S>>> {
    return ((await this.execute(stmt, params)) as Result<any, ScalarOfStatement<S>>).scalars();
  }
  /** The first column of the first row, or null. */
  async scalar<S extends Executable>(stmt: S, params?: Params): Promise<ScalarOfStatement<S> | null> {
    return ((await this.execute(stmt, params)) as Result<any, ScalarOfStatement<S>>).scalar();
  }
  /** The transaction's Connection (checked out on first use). */
  connection(): Promise<Connection> {
    try {
      this.checkUsable();
    } catch (err) {
      return Promise.reject(err);
    }
    this._tx.active = true;
    return this._tx.connection(this.bind);
  }

  // ---- flush and transactions ----

  /** Writes pending changes: INSERTs, UPDATEs and DELETEs in dependency order, batched. */
  async flush(): Promise<void> {
    this.checkUsable();
    if (this.flushing)
      throw new InvalidRequestError(
        "Session is already flushing; a flush can't start inside another (from an event listener, say).",
        "ATH-ORM-REENTRANT",
      );
    if (this.isClean()) return;
    this.flushing = true;
    try {
      await this.fire("beforeFlush");
      const plan = planFlush(this);
      if (plan === null) return;
      this._tx.active = true;
      const conn = await this._tx.connection(this.bind);
      try {
        await executeFlush(
          { session: this, conn, dialect: conn.dialect, pageSize: this.insertPageSize },
          plan,
        );
      } catch (err) {
        // As SQLAlchemy: the transaction is rolled back now, and the Session refuses work until rollback().
        await this._tx.rollbackConnection().catch(() => undefined);
        this._tx.restore(this);
        this._tx.active = true;
        this._tx.failure = err;
        throw err;
      }
      await this.fire("afterFlush");
    } finally {
      this.flushing = false;
    }
  }

  /** Flushes, commits the transaction and releases the connection; with expireOnCommit, expires every object. */
  async commit(): Promise<void> {
    this.checkUsable();
    await this.flush();
    try {
      await this._tx.commitConnection();
    } catch (err) {
      this._tx.restore(this);
      throw err;
    }
    this._tx.afterCommit();
    if (this.expireOnCommit) this.identityMap.forEachState(expireOnCommit);
    await this.fire("afterCommit");
  }

  /** Rolls back the transaction: new objects become transient, deleted ones come back, every object is expired. */
  async rollback(): Promise<void> {
    const wasFailed = this._tx.failed;
    try {
      await this._tx.rollbackConnection();
    } finally {
      if (!wasFailed) this._tx.restore(this);
      this._tx.reset();
    }
    await this.fire("afterRollback");
  }

  /** Rolls back and releases the connection, and removes every object (they become detached). Reusable afterwards. */
  close(): Promise<void> {
    // As SQLAlchemy's close: objects are expunged first, then the connection is given back. Not
    // async, so that closing a Session costs no promise of its own beyond the connection's close.
    objects.expungeAll(this);
    const closing = this._tx.releaseConnection();
    this._tx.reset();
    return closing;
  }

  /** `await using session = SessionLocal()`: closes at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /**
   * Runs `fn` in a transaction: commits when it returns, rolls back when it throws
   * (SQLAlchemy: `with session.begin():`).
   */
  async begin<T>(fn: (session: this) => Promise<T>): Promise<T> {
    this.checkUsable();
    if (this._tx.active) {
      throw new InvalidRequestError(
        "A transaction is already begun on this Session (explicitly, or by an earlier operation: autobegin). " +
          "Call commit() or rollback() first, or run the work without begin().",
        "ATH-ORM-TX-BEGUN",
      );
    }
    this._tx.active = true;
    let result: T;
    try {
      result = await fn(this);
    } catch (err) {
      await this.rollback().catch(() => undefined);
      throw err;
    }
    try {
      await this.commit();
    } catch (err) {
      await this.rollback().catch(() => undefined);
      throw err;
    }
    return result;
  }

  /** Whether a transaction is in progress (begun explicitly or by autobegin). */
  inTransaction(): boolean {
    return this._tx.active;
  }

  /** @internal */
  _markDirty(state: InstanceState): void {
    this._dirty.add(state);
  }

  /** Nothing to flush: no new, deleted or changed objects (SQLAlchemy then skips the flush and its events). */
  private isClean(): boolean {
    if (this._new.size > 0) return false;
    const deleted = this._deletedSet;
    if (deleted !== null && deleted.size > 0) return false;
    const dirty = this._dirtySet;
    if (dirty !== null && dirty.size > 0)
      for (const s of dirty) if (s.modified || s.relModified) return false;
    return true;
  }

  /** Whether a statement run now must be preceded by a flush (autoflush). */
  private needsAutoflush(): boolean {
    return this.autoflush && !this.flushing && !this.isClean();
  }

  /** Flushes when autoflush is on and there is something to flush (undefined: nothing to wait for). */
  private autoflushIfEnabled(): Promise<void> | undefined {
    return this.needsAutoflush() ? this.flush() : undefined;
  }

  private checkUsable(): void {
    if (this._tx.failed) throw new PendingRollbackError(this._tx.failure);
  }

  private async fire(name: SessionEventName): Promise<void> {
    // Hubs without listeners for the event are skipped: each call of an async fire costs a promise.
    if (Session.events.has(name)) await Session.events.fire(name, this);
    if (this._makerEvents?.has(name)) await this._makerEvents.fire(name, this);
    if (this._events?.has(name)) await this._events.fire(name, this);
  }

  /** @internal The state of an object of this Session, or a clear error. */
  _ownState(obj: object, what: string): InstanceState {
    const s = objects.stateFor(obj);
    if (s.session !== this) {
      throw new DetachedInstanceError(
        `Instance ${s.mapper.className} is not ${s.key === null ? "pending" : "persistent"} within this Session, so it can't be ${what}. ` +
          "Add it (session.add) or merge it (session.merge) first.",
      );
    }
    return s;
  }
}
