/**
 * Maps pg errors to Athanor's DBAPIError hierarchy by SQLSTATE class, as psycopg2 does
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 */
import {
  DatabaseError,
  DataError,
  IntegrityError,
  InterfaceError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
  type DBAPIError,
  type DBAPIErrorClass,
} from "../../util/errors.js";
import { buildDbapiError } from "../base/errors.js";

/** SQLSTATE class (first two characters) → error class. */
const BY_CLASS: Record<string, DBAPIErrorClass> = {
  "0A": NotSupportedError,
  "08": OperationalError, // connection exception
  "20": ProgrammingError, // case not found
  "21": ProgrammingError, // cardinality violation
  "22": DataError,
  "23": IntegrityError,
  "24": InternalError, // invalid cursor state
  "25": InternalError, // invalid transaction state
  "26": ProgrammingError,
  "27": OperationalError,
  "28": OperationalError, // invalid authorization
  "2B": InternalError,
  "2D": InternalError,
  "2F": InternalError,
  "34": ProgrammingError, // invalid cursor name
  "38": InternalError,
  "39": InternalError,
  "3B": InternalError,
  "3D": ProgrammingError, // invalid catalog name
  "3F": ProgrammingError, // invalid schema name
  "40": OperationalError, // serialization failure, deadlock
  "42": ProgrammingError, // syntax error, undefined table/column
  "44": ProgrammingError,
  "53": OperationalError, // insufficient resources
  "54": OperationalError, // program limit exceeded
  "55": OperationalError, // lock not available
  "57": OperationalError, // operator intervention, query canceled
  "58": OperationalError, // system error
  F0: InternalError,
  HV: OperationalError,
  P0: InternalError,
  XX: InternalError,
};

/** Node socket errors meaning the server cannot be reached or went away. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

const DISCONNECT_MESSAGE =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|terminating connection|server closed the connection|Connection ended unexpectedly|not queryable/i;

function sqlstate(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

function classFor(err: unknown): DBAPIErrorClass {
  const state = sqlstate(err);
  if (state) return BY_CLASS[state.slice(0, 2)] ?? DatabaseError;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return OperationalError;
  if (isDisconnect(err)) return OperationalError;
  return InterfaceError;
}

/**
 * A named prepared statement was invalidated by a schema change (ALTER TABLE, DISCARD ALL,
 * DEALLOCATE) while a transaction was in progress, which the server has now aborted (SQLAlchemy:
 * the asyncpg dialect's `InvalidCachedStatementError`). Roll back and run the work again in a
 * new transaction: the statement is prepared afresh. Outside a transaction Athanor re-prepares
 * and retries by itself. Code `ATH-DBAPI-INVALIDCACHEDSTATEMENT`.
 */
export class InvalidCachedStatementError extends NotSupportedError {}

const STALE = Symbol("athanor.staleStatement");

/** Marks a pg error as a stale prepared statement met inside a transaction (see prepared.ts). */
/**
 * A driver error's stack, which starts at the socket read, replaced by one that leads back to
 * the caller (through the async frames), as pg does for the queries it answers with a promise.
 */
export function withCallerStack(err: unknown): unknown {
  if (err instanceof Error) Error.captureStackTrace(err);
  return err;
}

export function markStaleStatement(err: unknown): unknown {
  if (err !== null && typeof err === "object") (err as Record<symbol, unknown>)[STALE] = true;
  return err;
}

export function translateError(err: unknown, statement: string | null, params: unknown): DBAPIError {
  if (err !== null && typeof err === "object" && (err as Record<symbol, unknown>)[STALE] === true) {
    return buildDbapiError(InvalidCachedStatementError, err, statement, params, {
      driverCode: sqlstate(err),
      detail:
        "The prepared statement of this query was invalidated by a schema change (ALTER TABLE, DISCARD, " +
        "DEALLOCATE) inside a transaction, which the database has aborted. Roll back, then run the work again " +
        "in a new transaction: the statement is prepared again (outside a transaction this is retried automatically).",
      connectionInvalidated: false,
    });
  }
  const e = err as { detail?: unknown; hint?: unknown } | null;
  const lines: string[] = [];
  if (typeof e?.detail === "string" && e.detail) lines.push("DETAIL: " + e.detail);
  if (typeof e?.hint === "string" && e.hint) lines.push("HINT: " + e.hint);
  const state = sqlstate(err);
  const code = (err as { code?: unknown } | null)?.code;
  return buildDbapiError(classFor(err), err, statement, params, {
    driverCode: state ?? (typeof code === "string" ? code : null),
    detail: lines.length ? lines.join("\n") : null,
    connectionInvalidated: isDisconnect(err),
  });
}

/** Admin shutdown / crash (57P01-57P03), connection exceptions (08xxx), dropped sockets. */
export function isDisconnect(err: unknown): boolean {
  const state = sqlstate(err);
  if (state) return state.startsWith("08") || state === "57P01" || state === "57P02" || state === "57P03";
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  return DISCONNECT_MESSAGE.test(String((err as { message?: unknown } | null)?.message ?? ""));
}
