/**
 * Transaction control of a Connection (connection.ts): autobegin, BEGIN, COMMIT, ROLLBACK,
 * SAVEPOINTs, the isolation level set with `executionOptions()`, and the rollback a close does.
 * The Transaction objects users hold are in transaction.ts; they call back into these.
 *
 * DEFERRED BEGIN. At READ COMMITTED (PostgreSQL's default; MySQL when configured so) every
 * statement reads its own snapshot, so a leading plain read (`CompiledStatement.plainRead`: a
 * SELECT that locks nothing and calls nothing with side effects) sees the same data outside a
 * transaction as inside one. Autobegin then sends no BEGIN until a statement that needs the
 * transaction comes (a write, a locking read, text(), a SAVEPOINT, a stream); if none comes,
 * COMMIT / ROLLBACK send nothing. A lone lookup costs one round trip instead of three, as with
 * the raw driver. Not done at REPEATABLE READ or SERIALIZABLE (the first read fixes the
 * transaction's snapshot), nor after explicit `begin()`. SQLite at its default level with no level
 * asked for defers BEGIN too, as pysqlite (SQLAlchemy's default SQLite driver) does: it begins
 * only before a write, so reads before it each see the latest commit. What still differs: the table locks a read takes (PostgreSQL's ACCESS
 * SHARE) end with the statement, so DDL of another session may run between two such reads.
 * The level is the one the engine set or read at connect; after SQL the engine can't see into
 * (text(), execDriverSql, pool listeners' SQL) it is read from the session again first.
 * (psycopg always sends BEGIN; PyMySQL/pysqlite start transactions implicitly; the Node peers
 * run single statements in autocommit.)
 *
 * IMPLICIT BEGIN. Where the session begins a transaction by itself at its next statement
 * (`Dialect.beginsImplicitly`: MySQL sessions without autocommit, at REPEATABLE READ and
 * SERIALIZABLE), BEGIN is not sent at all: the transaction counts as open (COMMIT / ROLLBACK
 * and the reset on return are sent as usual) and the first statement starts it, snapshot included.
 */
import type { CompiledStatement } from "../sql/compiled.js";
import type { Connection } from "./connection.js";
import { checkNotStreaming, checkUsable, dialectCall, handleError, reconnect } from "./connection-errors.js";
import { NestedTransaction, RootTransaction } from "./transaction.js";

// ---- beginning ----

/**
 * Begins the root transaction if none is active, or sends a deferred BEGIN when `first` (the
 * statement about to run; null for anything else) needs it. Undefined when nothing is to wait for.
 */
export function autobegin(conn: Connection, first: CompiledStatement | null): Promise<void> | undefined {
  const current = conn._transaction;
  if (current !== null && current.isActive) {
    if (conn._beginning !== null) return conn._beginning;
    if (conn._beginDeferred && !mayReadOutside(conn, first)) return sendDeferredBegin(conn, current);
    return undefined;
  }
  if (
    conn._invalidated ||
    conn._pendingIsolation !== null ||
    conn.engine.dispatch.has("begin") ||
    (first?.plainRead === true && conn._record.sessionIsolation === null)
  )
    return startRoot(conn, true, first).then(() => undefined);
  // The common case, without the event and isolation steps of startRoot().
  const tx = new RootTransaction(conn, true);
  conn._transaction = tx;
  conn._txWrote = false;
  if (conn._record.driver.autocommit) {
    conn.engine._log.info("BEGIN (implicit; autocommit mode, no BEGIN sent)");
    return undefined;
  }
  if (mayReadOutside(conn, first)) {
    conn._beginDeferred = true;
    conn.engine._log.info("BEGIN (implicit; deferred until a statement needs it)");
    return undefined;
  }
  return sendBegin(conn, tx);
}

/** Whether `stmt` may run before BEGIN is sent (see DEFERRED BEGIN in the module comment). */
function mayReadOutside(conn: Connection, stmt: CompiledStatement | null): boolean {
  if (stmt === null || stmt.plainRead !== true) return false;
  const record = conn._record;
  const caps = conn.dialect.capabilities;
  if (record.driver.autocommit) return false;
  // Only while the session is untouched: a level asked for, or SQL the engine can't see into, keeps BEGIN first.
  if (caps.plainReadsOutsideTransactionByDefault && !conn.engine._isolationRequested)
    if (record.sessionIsolation === undefined) return true;
  if (!caps.plainReadsOutsideTransaction) return false;
  const level = conn.engine._sessionIsolation(record);
  return level === "READ COMMITTED" || level === "READ UNCOMMITTED";
}

function sendDeferredBegin(conn: Connection, tx: RootTransaction): Promise<void> | undefined {
  conn._beginDeferred = false;
  return sendBegin(conn, tx);
}

/**
 * True (and the transaction counted as open) when the session begins the transaction by itself
 * at its next statement, so no BEGIN is sent (MySQL sessions without autocommit: Dialect.beginsImplicitly).
 */
function begunBySession(conn: Connection): boolean {
  const record = conn._record;
  if (!conn.dialect.beginsImplicitly(record.driver)) return false;
  record.transactionOpen = true;
  conn.engine._log.info("BEGIN (implicit; the database begins it at the first statement, no BEGIN sent)");
  return true;
}

/** Sends BEGIN for `tx`; on failure the transaction is over and the error is translated. */
function sendBegin(conn: Connection, tx: RootTransaction): Promise<void> | undefined {
  if (begunBySession(conn)) return undefined;
  conn.engine._log.info("BEGIN (implicit)");
  let sent: Promise<void>;
  try {
    sent = conn.dialect.doBegin(conn._record.driver);
  } catch (err) {
    sent = Promise.reject(err);
  }
  return (conn._beginning = sent.then(
    () => {
      conn._beginning = null;
      conn._record.transactionOpen = true;
    },
    async (err: unknown) => {
      conn._beginning = null;
      tx.isActive = false;
      if (conn._transaction === tx) conn._transaction = null;
      throw await handleError(conn, err, "BEGIN", null, null);
    },
  ));
}

/** Begins the root transaction with every step: reconnect, `begin` event, isolation level. */
export async function startRoot(
  conn: Connection,
  implicit: boolean,
  first: CompiledStatement | null = null,
): Promise<RootTransaction> {
  if (conn._invalidated) await reconnect(conn);
  const tx = new RootTransaction(conn, implicit);
  conn._transaction = tx;
  conn._txWrote = false;
  const begin = async () => {
    if (conn.engine.dispatch.has("begin")) await conn.engine.dispatch.fire("begin", conn);
    await applyIsolation(conn);
    const driver = conn._record.driver;
    if (driver.autocommit) {
      conn.engine._log.info("BEGIN (implicit; autocommit mode, no BEGIN sent)");
      return;
    }
    if (implicit && first?.plainRead === true && conn._record.sessionIsolation === null) {
      // SQL the engine couldn't see into ran here: ask the session for its level again.
      await dialectCall(conn, null, async (d) => {
        conn._record.sessionIsolation = await conn.dialect.getIsolationLevel(d);
      });
    }
    if (implicit && mayReadOutside(conn, first)) {
      conn._beginDeferred = true;
      conn.engine._log.info("BEGIN (implicit; deferred until a statement needs it)");
      return;
    }
    if (begunBySession(conn)) return;
    conn.engine._log.info("BEGIN (implicit)");
    await dialectCall(conn, "BEGIN", (d) => conn.dialect.doBegin(d));
    conn._record.transactionOpen = true;
  };
  conn._beginning = begin();
  try {
    await conn._beginning;
  } catch (err) {
    tx.isActive = false;
    conn._transaction = null;
    conn._beginDeferred = false;
    throw err;
  } finally {
    conn._beginning = null;
  }
  return tx;
}

/** Begins a SAVEPOINT, autobeginning the outer transaction if needed. */
export async function beginSavepoint(conn: Connection): Promise<NestedTransaction> {
  checkUsable(conn);
  await autobegin(conn, null);
  conn._txWrote = true;
  const name = `sa_savepoint_${++conn._savepointSeq}`;
  const sp = new NestedTransaction(conn, name);
  if (conn.engine.dispatch.has("savepoint")) await conn.engine.dispatch.fire("savepoint", conn, name);
  conn.engine._log.info(`SAVEPOINT ${name}`);
  await dialectCall(conn, `SAVEPOINT ${name}`, (d) => conn.dialect.doSavepoint(d, name));
  conn._nested.push(sp);
  return sp;
}

/** Sets the isolation level given to executionOptions(), before the next BEGIN. */
export async function applyIsolation(conn: Connection): Promise<void> {
  const level = conn._pendingIsolation;
  if (level === null) return;
  conn._pendingIsolation = null;
  await dialectCall(conn, null, (d) => conn.dialect.setIsolationLevel(d, level));
  conn._record.isolationChanged = true;
  conn._record.sessionIsolation = level;
}

// ---- ending ----

function endRoot(conn: Connection, tx: RootTransaction): void {
  tx.isActive = false;
  conn._beginDeferred = false;
  conn._txWrote = false;
  for (const sp of conn._nested) sp.isActive = false;
  conn._nested = [];
  if (conn._transaction === tx) conn._transaction = null;
  if (!conn._released) conn._record.transactionOpen = false;
}

/** Logs how a root transaction ends; false when there is nothing to send (autocommit, or no BEGIN sent). */
function logEnd(conn: Connection, verb: "COMMIT" | "ROLLBACK"): boolean {
  const why = conn._record.driver.autocommit
    ? "autocommit mode"
    : conn._beginDeferred
      ? "no BEGIN was sent"
      : null;
  conn.engine._log.info(why === null ? verb : `${verb} (${why}, nothing sent)`);
  return why === null;
}

/** COMMIT of the root transaction (`RootTransaction.commit()`, `conn.commit()`). */
export async function commitRoot(conn: Connection, tx: RootTransaction): Promise<void> {
  checkNotStreaming(conn);
  if (conn.engine.dispatch.has("commit")) await conn.engine.dispatch.fire("commit", conn);
  const send = logEnd(conn, "COMMIT");
  try {
    if (send && !conn._invalidated) await dialectCall(conn, "COMMIT", (d) => conn.dialect.doCommit(d));
  } catch (err) {
    // A failed COMMIT (e.g. SQLITE_BUSY) can leave the database transaction open; end it here so
    // the connection never goes back to the pool mid-transaction, and discard it if that fails too.
    if (!conn._invalidated) {
      try {
        await conn.dialect.doRollback(conn._record.driver);
      } catch {
        conn._invalidated = true;
        if (!conn._released) await conn._record.invalidate(err);
      }
    }
    throw err;
  } finally {
    endRoot(conn, tx);
  }
}

/** ROLLBACK of the root transaction; then the reconnect of an invalidated connection, unless closing. */
export async function rollbackRoot(
  conn: Connection,
  tx: RootTransaction,
  reconnectAfter: boolean,
): Promise<void> {
  if (conn._activeStream) await conn._activeStream.close().catch(() => undefined);
  if (conn.engine.dispatch.has("rollback")) await conn.engine.dispatch.fire("rollback", conn);
  const send = logEnd(conn, "ROLLBACK");
  try {
    if (send && !conn._invalidated) await dialectCall(conn, "ROLLBACK", (d) => conn.dialect.doRollback(d));
  } finally {
    endRoot(conn, tx);
  }
  if (conn._invalidated && reconnectAfter) await reconnect(conn);
}

/** RELEASE SAVEPOINT (`NestedTransaction.commit()`). */
export async function releaseSavepoint(conn: Connection, sp: NestedTransaction): Promise<void> {
  checkUsable(conn);
  if (conn.engine.dispatch.has("releaseSavepoint"))
    await conn.engine.dispatch.fire("releaseSavepoint", conn, sp.savepointName, null);
  conn.engine._log.info(`RELEASE SAVEPOINT ${sp.savepointName}`);
  await dialectCall(conn, `RELEASE SAVEPOINT ${sp.savepointName}`, (d) =>
    conn.dialect.doReleaseSavepoint(d, sp.savepointName),
  );
  popSavepoint(conn, sp);
}

/** ROLLBACK TO SAVEPOINT (`NestedTransaction.rollback()`). */
export async function rollbackToSavepoint(conn: Connection, sp: NestedTransaction): Promise<void> {
  checkUsable(conn);
  if (conn.engine.dispatch.has("rollbackSavepoint"))
    await conn.engine.dispatch.fire("rollbackSavepoint", conn, sp.savepointName, null);
  conn.engine._log.info(`ROLLBACK TO SAVEPOINT ${sp.savepointName}`);
  await dialectCall(conn, `ROLLBACK TO SAVEPOINT ${sp.savepointName}`, (d) =>
    conn.dialect.doRollbackToSavepoint(d, sp.savepointName),
  );
  popSavepoint(conn, sp);
}

/** Ends a savepoint and every savepoint begun inside it. */
function popSavepoint(conn: Connection, sp: NestedTransaction): void {
  const i = conn._nested.indexOf(sp);
  if (i === -1) return;
  for (const inner of conn._nested.slice(i)) inner.isActive = false;
  conn._nested.length = i;
}

// ---- closing ----

/**
 * The common close, without the steps only streams and rollback listeners need; undefined
 * when those are needed (closeFully then does everything).
 */
export function closeQuickly(conn: Connection): Promise<void> | undefined {
  if (conn._activeStream !== null || conn._invalidated || conn.engine.dispatch.has("rollback"))
    return undefined;
  const tx = conn._transaction;
  if (tx === null || !tx.isActive) return giveBack(conn);
  const autocommit = conn._record.driver.autocommit;
  if (autocommit || conn._beginDeferred) {
    conn.engine._log.info(
      autocommit ? "ROLLBACK (autocommit mode, nothing sent)" : "ROLLBACK (no BEGIN was sent, nothing sent)",
    );
    endRoot(conn, tx);
    return giveBack(conn);
  }
  const record = conn._record;
  if (!conn._txWrote && record.pool._resetsInBackground()) {
    // Only plain reads ran: the ROLLBACK just ends a snapshot, so the pool's reset on return
    // sends it without holding up the caller, and the pool hands the connection out again only
    // once it is done (SQLAlchemy awaits it; here a lone lookup costs one round trip, not two).
    conn.engine._log.info("ROLLBACK (only reads ran: sent by the pool's reset on return, not awaited)");
    conn._closed = true;
    conn._released = true;
    endRoot(conn, tx);
    return record.pool.checkin(record, true);
  }
  conn.engine._log.info("ROLLBACK");
  let sent: Promise<void>;
  try {
    sent = conn.dialect.doRollback(record.driver);
  } catch (err) {
    sent = Promise.reject(err);
  }
  return sent.then(
    () => {
      endRoot(conn, tx);
      return giveBack(conn);
    },
    async (err: unknown) => {
      endRoot(conn, tx);
      // A ROLLBACK that fails leaves the connection in an unknown state: it is not reused.
      const wrapped = await handleError(conn, err, "ROLLBACK", null, null);
      if (!conn._released) await record.invalidate(wrapped).catch(() => undefined);
      return giveBack(conn);
    },
  );
}

/** Marks the connection closed and returns its pooled connection. */
function giveBack(conn: Connection): Promise<void> {
  conn._closed = true;
  if (conn._released) return Promise.resolve();
  conn._released = true;
  return conn._record.pool.checkin(conn._record);
}

/** The close with every step: the open stream closed, the `rollback` event, an invalidated connection. */
export async function closeFully(conn: Connection): Promise<void> {
  try {
    if (conn._activeStream) await conn._activeStream.close().catch(() => undefined);
    if (conn._transaction?.isActive) {
      const record = conn._record;
      // A ROLLBACK that fails leaves the connection in an unknown state: it is not reused.
      await rollbackRoot(conn, conn._transaction, false).catch((err: unknown) =>
        conn._released ? undefined : record.invalidate(err).catch(() => undefined),
      );
    }
  } finally {
    conn._closed = true;
    if (!conn._released) {
      conn._released = true;
      await conn._record.pool.checkin(conn._record);
    }
  }
}
