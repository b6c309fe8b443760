/**
 * A Session's transaction (SQLAlchemy: `SessionTransaction`): the connection it holds, what its
 * flushes did (objects inserted or deleted, primary keys switched) so that a rollback can undo
 * it in memory, and the error of a flush that rolled it back.
 *
 * - commit: the deleted objects become detached; with `expireOnCommit`, every object is expired.
 * - rollback: objects added in the transaction (flushed or not) become transient again, deleted
 *   ones come back, switched keys are restored, and every object is expired, as the database
 *   state they were loaded from may no longer hold (SQLAlchemy's `_restore_snapshot`).
 *   New objects of a flush that failed get back the values they had before it (no generated
 *   key, no foreign key copied from a parent whose INSERT was rolled back), and keep their
 *   relationships and history, so they can be fixed, added again and flushed.
 */
import type { Engine } from "../../engine/engine.js";
import type { Connection } from "../../engine/connection.js";
import type { IdentityKey } from "../mapping/mapper.js";
import { clearParentFlags } from "../relationships/parent-flags.js";
import type { InstanceState } from "../state/instance-state.js";
import type { IdentityMap } from "./identity-map.js";
import type { StateSet } from "./state-set.js";

const NO_FAILURE: unique symbol = Symbol("no failure");
const RESOLVED: Promise<void> = Promise.resolve();

/** An object's identity key and key values before an UPDATE changed its primary key. */
interface KeyBefore {
  key: IdentityKey;
  pk: unknown[];
}

/** The Session internals a transaction restores. @internal */
export interface TransactionalSession {
  readonly identityMap: IdentityMap;
  readonly _new: StateSet;
  readonly _dirty: Set<InstanceState>;
  readonly _deleted: Set<InstanceState>;
}

/** @internal */
export class SessionTransaction {
  /** The connection, once some statement needed one. */
  conn: Connection | null = null;
  private connecting: Promise<Connection> | null = null;
  /** True from the first operation (autobegin) until commit, rollback or close. */
  active = false;
  /** The error of a flush that rolled the transaction back; the Session refuses work until rollback(). */
  failure: unknown = NO_FAILURE;
  /**
   * Objects whose INSERT was flushed in this transaction (each once: an inserted object is
   * persistent). Those expunged since are skipped on rollback: their Session is no longer this one.
   */
  inserted: InstanceState[] = [];
  /**
   * Objects whose DELETE was flushed in this transaction; made on first use (most transactions
   * delete nothing, and a Session's transaction is made with each Session).
   */
  get deleted(): Set<InstanceState> {
    return (this._deleted ??= new Set());
  }
  /** `deleted` if made, for the size checks that must not make it. */
  _deleted: Set<InstanceState> | null = null;
  /** Objects whose primary key an UPDATE changed: their key and key values before (made on first use). */
  get keySwitches(): Map<InstanceState, KeyBefore> {
    return (this._keySwitches ??= new Map());
  }
  private _keySwitches: Map<InstanceState, KeyBefore> | null = null;
  /**
   * New objects of the running flush and their values before it, side by side (a flush
   * remembers each object once; arrays cost less than a Map entry per object). A value is a
   * copy of the object's values, or, where the flush only fills in values that were unset, the
   * bit mask of those that were set (see `rememberPending`).
   */
  private pendingStates: InstanceState[] = [];
  private pendingValues: (unknown[] | number)[] = [];
  /** Objects that had the same values set, with that mask (`rememberFilled`). */
  private pendingGroups: { states: readonly InstanceState[]; mask: number }[] = [];

  /**
   * Keeps a new object's values before the running flush changes them (once per object and
   * flush). `fillsOnly`: the flush writes only values that are unset now (keys, defaults,
   * generated values; no foreign key copied, no listener), so remembering which were set is
   * enough to undo it, and costs no copy of each object's values.
   */
  rememberPending(s: InstanceState, fillsOnly: boolean): void {
    const values = s.values;
    this.pendingStates.push(s);
    const mask = fillsOnly ? setMask(values) : -1;
    this.pendingValues.push(mask >= 0 ? mask : values.slice());
  }
  /**
   * `rememberPending(s, true)` of objects whose set values are the same ones (the usual flush
   * of new objects of one class: one record, not one per object). Returns false, remembering
   * nothing, when they differ.
   */
  rememberFilled(states: readonly InstanceState[]): boolean {
    if (states.length === 0) return true;
    const mask = setMask(states[0]!.values);
    if (mask < 0) return false;
    for (let k = 1; k < states.length; k++) if (setMask(states[k]!.values) !== mask) return false;
    this.pendingGroups.push({ states: states.slice(), mask });
    return true;
  }
  /** The running flush succeeded. */
  forgetPending(): void {
    if (this.pendingStates.length > 0) {
      this.pendingStates = [];
      this.pendingValues = [];
    }
    if (this.pendingGroups.length > 0) this.pendingGroups = [];
  }

  get failed(): boolean {
    return this.failure !== NO_FAILURE;
  }

  /**
   * The transaction's connection, checked out of the engine on first use. The engine's own
   * promise is handed out (callers wait for it alone, not for a wrapper that waits for it); the
   * reaction registered first stores the connection before any caller resumes.
   */
  connection(engine: Engine): Promise<Connection> {
    if (this.conn !== null) return Promise.resolve(this.conn);
    if (this.connecting !== null) return this.connecting;
    let connecting: Promise<Connection>;
    try {
      connecting = engine.connect();
    } catch (err) {
      return Promise.reject(err);
    }
    this.connecting = connecting;
    connecting.then(
      (c) => {
        if (this.connecting === connecting) {
          this.conn = c;
          this.connecting = null;
        } else {
          // The Session was closed while this checkout was under way: the connection goes back
          // at once (this reaction runs before any caller's, so their statements find it closed).
          void c.close().catch(() => undefined);
        }
      },
      () => {
        if (this.connecting === connecting) this.connecting = null;
      },
    );
    return connecting;
  }

  /** Commits the database transaction and returns the connection to the pool. */
  async commitConnection(): Promise<void> {
    const c = this.conn;
    if (c === null) return;
    this.conn = null;
    try {
      await c.commit();
    } catch (err) {
      // A failed COMMIT leaves the database transaction in an unknown state: discard the connection.
      await c.invalidate().catch(() => undefined);
      throw err;
    } finally {
      await c.close();
    }
  }

  /**
   * Returns the connection to the pool (Session.close): the Connection's close does the
   * ROLLBACK, so one that only read is left to the pool's reset on return
   * (engine/connection-transactions.ts) instead of being awaited here.
   */
  releaseConnection(): Promise<void> {
    const c = this.conn;
    if (c === null) {
      const pending = this.connecting;
      if (pending === null) return RESOLVED;
      // A checkout still under way (a lookup not awaited before close): the checkout's own
      // reaction (see `connection`) closes the connection as it arrives; this waits for that.
      this.connecting = null;
      return pending.then(
        (conn) => conn.close(),
        () => undefined,
      );
    }
    this.conn = null;
    try {
      return c.close();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Rolls back the database transaction (if any) and returns the connection to the pool. */
  async rollbackConnection(): Promise<void> {
    const c = this.conn;
    if (c === null) return;
    this.conn = null;
    try {
      await c.rollback();
    } finally {
      await c.close();
    }
  }

  /** After COMMIT: deleted objects are detached; the bookkeeping starts over. */
  afterCommit(): void {
    if (this._deleted !== null) {
      for (const s of this._deleted) {
        s.session = null;
        s.deleted = false;
      }
    }
    this.reset();
  }

  /** After ROLLBACK: undoes in memory what the transaction's flushes did (see the module comment). */
  restore(session: TransactionalSession): void {
    const map = session.identityMap;
    const expunged = new Set<InstanceState>(session._new);
    for (const s of this.inserted) if (s.session === (session as unknown)) expunged.add(s);
    for (const s of expunged) {
      map.remove(s);
      s.key = null;
      s.session = null;
      s.deleted = false;
    }
    const states = this.pendingStates;
    for (let k = 0; k < states.length; k++) {
      const s = states[k]!;
      const before = this.pendingValues[k]!;
      if (typeof before === "number") unsetOthers(s, before);
      else s.values = before;
      s.committed = null;
    }
    for (const g of this.pendingGroups) {
      for (const s of g.states) {
        unsetOthers(s, g.mask);
        s.committed = null;
      }
    }
    this.forgetPending();
    for (const [s, before] of this._keySwitches ?? []) {
      if (expunged.has(s)) continue;
      map.remove(s);
      s.key = before.key;
      s.mapper.pkProps.forEach((p, j) => (s.values[p.index] = before.pk[j]));
      map.add(s);
    }
    for (const s of [...(this._deleted ?? []), ...session._deleted]) {
      s.deleted = false;
      s.session = session as unknown as InstanceState["session"];
      map.add(s);
    }
    session._new.clear();
    session._deleted.clear();
    session._dirty.clear();
    for (const s of map.states()) {
      s.expire("it was expired by rollback()");
      clearParentFlags(s);
    }
    this.reset();
  }

  reset(): void {
    this.forgetPending();
    if (this.inserted.length > 0) this.inserted = [];
    if (this._deleted !== null && this._deleted.size > 0) this._deleted.clear();
    if (this._keySwitches !== null && this._keySwitches.size > 0) this._keySwitches.clear();
    this.failure = NO_FAILURE;
    this.active = false;
  }
}

/** Bit i set when value i is set (not undefined); -1 when there are too many values for a mask. */
function setMask(values: readonly unknown[]): number {
  if (values.length > 30) return -1;
  let mask = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== undefined) mask |= 1 << i;
  return mask;
}

/** Unsets the values not in `mask` (what a flush that only filled in values set). */
function unsetOthers(s: InstanceState, mask: number): void {
  const values = s.values;
  for (let i = 0; i < values.length; i++) if ((mask & (1 << i)) === 0) values[i] = undefined;
}
