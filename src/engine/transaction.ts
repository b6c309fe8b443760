/**
 * Transactions (SQLAlchemy: `engine/base.py` RootTransaction, NestedTransaction).
 * A Connection has at most one root transaction, begun explicitly (`conn.begin()`) or on first
 * use (autobegin), and a stack of SAVEPOINTs (`conn.beginNested()`).
 *
 * @example
 * const sp = await conn.beginNested();
 * try { await conn.execute(stmt); await sp.commit(); } catch { await sp.rollback(); }
 */
import type { IsolationLevel } from "../dialects/base/dialect.js";
import { InvalidRequestError } from "../util/errors.js";
import type { Connection } from "./connection.js";

/** The operations a transaction needs from its connection. @internal */
export interface TransactionHost {
  _commitRoot(tx: RootTransaction): Promise<void>;
  _rollbackRoot(tx: RootTransaction): Promise<void>;
  _releaseSavepoint(tx: NestedTransaction): Promise<void>;
  _rollbackToSavepoint(tx: NestedTransaction): Promise<void>;
}

export abstract class Transaction {
  /** False once committed or rolled back (or when an enclosing transaction ended). */
  isActive = true;
  constructor(
    /** The connection this transaction runs on. */
    readonly connection: Connection,
  ) {}
  abstract commit(): Promise<void>;
  abstract rollback(): Promise<void>;
  /** Rolls back if still active (SQLAlchemy: `Transaction.close`). */
  async close(): Promise<void> {
    if (this.isActive) await this.rollback();
  }
  /** `await using tx = await conn.begin()`: rolls back at scope end unless committed. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
  protected host(): TransactionHost {
    return this.connection as unknown as TransactionHost;
  }
  protected checkActive(what: string): void {
    if (!this.isActive) {
      throw new InvalidRequestError(
        `This ${what} is inactive (already committed or rolled back); begin a new one.`,
        "ATH-TX-INACTIVE",
      );
    }
  }
}

/** The outermost transaction: BEGIN … COMMIT / ROLLBACK. */
export class RootTransaction extends Transaction {
  /** Whether it was begun by autobegin rather than `conn.begin()`. */
  constructor(
    connection: Connection,
    readonly implicit: boolean,
  ) {
    super(connection);
  }
  async commit(): Promise<void> {
    this.checkActive("transaction");
    await this.host()._commitRoot(this);
  }
  async rollback(): Promise<void> {
    // Rolling back an inactive transaction is a no-op, as in SQLAlchemy.
    if (!this.isActive) return;
    await this.host()._rollbackRoot(this);
  }
}

/** A SAVEPOINT: commit = RELEASE SAVEPOINT, rollback = ROLLBACK TO SAVEPOINT (the outer work stays). */
export class NestedTransaction extends Transaction {
  constructor(
    connection: Connection,
    /** The savepoint name, `sa_savepoint_<n>` as SQLAlchemy names them. */
    readonly savepointName: string,
  ) {
    super(connection);
  }
  async commit(): Promise<void> {
    this.checkActive("savepoint");
    await this.host()._releaseSavepoint(this);
  }
  async rollback(): Promise<void> {
    if (!this.isActive) return;
    await this.host()._rollbackToSavepoint(this);
  }
}

/** "read committed" and "READ_COMMITTED" are accepted as "READ COMMITTED". */
export function normalizeIsolationLevel(level: string): IsolationLevel {
  return level.trim().toUpperCase().replace(/[_-]/g, " ") as IsolationLevel;
}
