/**
 * What a Connection (connection.ts) does when it can't or shouldn't go on: the guards that
 * refuse work on a closed, busy or invalidated connection; driver errors translated and shown to
 * `handleError` listeners, a disconnect invalidating the connection; and the reconnect that
 * replaces an invalidated pooled connection.
 * Functions taking the connection rather than methods, so that the hot path allocates nothing more.
 */
import type { DriverConnection } from "../dialects/base/driver.js";
import { InvalidRequestError, ResourceClosedError } from "../util/errors.js";
import type { Connection } from "./connection.js";
import type { CursorCall } from "./events/execution-events.js";
import { handleDbapiError } from "./events/handle-error.js";

export function checkOpen(conn: Connection): void {
  if (conn._closed || conn._closing)
    throw new ResourceClosedError("This Connection is closed. Get a new one with engine.connect().");
}

export function checkNotStreaming(conn: Connection): void {
  if (conn._activeStream) {
    throw new InvalidRequestError(
      "This connection is busy streaming a result. Consume it fully or call close() on it before running another statement.",
      "ATH-STREAM-BUSY",
    );
  }
}

/** Open, not streaming, and not holding a transaction whose database connection was lost. */
export function checkUsable(conn: Connection): void {
  checkOpen(conn);
  checkNotStreaming(conn);
  if (conn._invalidated && conn.inTransaction()) {
    throw new InvalidRequestError(
      "Can't reconnect until the invalid transaction is rolled back: the database connection was lost. Call rollback() first.",
      "ATH-TX-INVALID",
    );
  }
}

/** Runs a dialect transaction/setup call, translating driver errors. */
export async function dialectCall(
  conn: Connection,
  statement: string | null,
  fn: (d: DriverConnection) => Promise<void>,
): Promise<void> {
  try {
    await fn(conn._record.driver);
  } catch (err) {
    throw await handleError(conn, err, statement, null, null);
  }
}

/**
 * A driver error, wrapped and shown to `handleError` listeners. On a disconnect the pool's
 * older connections are marked stale and this connection is invalidated: closed now, replaced
 * on next use (after rollback() if a transaction was open).
 */
export async function handleError(
  conn: Connection,
  err: unknown,
  sql: string | null,
  params: unknown,
  call: CursorCall | null,
): Promise<Error> {
  const record = conn._released ? null : conn._record;
  const out = await handleDbapiError(conn.engine, {
    err,
    connection: conn,
    record,
    statement: sql,
    parameters: params,
    context: call?.context ?? null,
  });
  if (out.isDisconnect && !conn._invalidated && record !== null) {
    conn._invalidated = true;
    if (out.invalidatePool) record.pool._invalidate(record);
    // The error being thrown matters more than one from an invalidate listener.
    await record.invalidate(out.error).catch(() => undefined);
  }
  return out.error;
}

/** Gives the invalidated pooled connection back and checks out a fresh one. */
export async function reconnect(conn: Connection): Promise<void> {
  if (!conn._released) {
    conn._released = true;
    await conn._record.pool.checkin(conn._record);
  }
  // If this fails (server still down) the connection stays invalidated and retries next time.
  conn._record = await conn.engine._checkout();
  conn._released = false;
  conn._invalidated = false;
}
