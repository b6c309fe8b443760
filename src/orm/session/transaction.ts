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
import type { Connection } from "../../engine/connection.js";
import type { IdentityKey } from "../mapping/mapper.js";
import { clearParentFlags } from "../relationships/parent-flags.js";
import type { InstanceState } from "../state/instance-state.js";
import type { IdentityMap } from "./identity-map.js";

const NO_FAILURE: unique symbol = Symbol("no failure");

/** The Session internals a transaction restores. @internal */
export interface TransactionalSession {
  readonly identityMap: IdentityMap;
  readonly _new: Set<InstanceState>;
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
  /** Objects whose INSERT was flushed in this transaction. */
  readonly inserted = new Set<InstanceState>();
  /** Objects whose DELETE was flushed in this transaction. */
  readonly deleted = new Set<InstanceState>();
  /** Objects whose primary key an UPDATE changed: their key and key values before. */
  readonly keySwitches = new Map<InstanceState, { key: IdentityKey; pk: unknown[] }>();
  /** New objects of the running flush: their values before it. */
  private readonly pendingValues = new Map<InstanceState, unknown[]>();

  /** Keeps a new object's values before the running flush changes them. */
  rememberPending(s: InstanceState): void {
    if (!this.pendingValues.has(s)) this.pendingValues.set(s, s.values.slice());
  }
  /** The running flush succeeded. */
  forgetPending(): void {
    this.pendingValues.clear();
  }

  get failed(): boolean {
    return this.failure !== NO_FAILURE;
  }

  /** The transaction's connection, checked out of the engine on first use. */
  async connection(connect: () => Promise<Connection>): Promise<Connection> {
    if (this.conn !== null) return this.conn;
    this.connecting ??= connect().then(
      (c) => {
        this.conn = c;
        this.connecting = null;
        return c;
      },
      (err: unknown) => {
        this.connecting = null;
        throw err;
      },
    );
    return this.connecting;
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
    for (const s of this.deleted) {
      s.session = null;
      s.deleted = false;
    }
    this.reset();
  }

  /** After ROLLBACK: undoes in memory what the transaction's flushes did (see the module comment). */
  restore(session: TransactionalSession): void {
    const map = session.identityMap;
    const expunged = new Set<InstanceState>([...this.inserted, ...session._new]);
    for (const s of expunged) {
      map.remove(s);
      s.key = null;
      s.session = null;
      s.deleted = false;
    }
    for (const [s, values] of this.pendingValues) {
      s.values = values;
      s.committed = null;
    }
    this.pendingValues.clear();
    for (const [s, before] of this.keySwitches) {
      if (expunged.has(s)) continue;
      map.remove(s);
      s.key = before.key;
      s.mapper.pkProps.forEach((p, j) => (s.values[p.index] = before.pk[j]));
      map.add(s);
    }
    for (const s of [...this.deleted, ...session._deleted]) {
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
    this.pendingValues.clear();
    this.inserted.clear();
    this.deleted.clear();
    this.keySwitches.clear();
    this.failure = NO_FAILURE;
    this.active = false;
  }
}
