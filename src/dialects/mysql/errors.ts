/**
 * Maps mysql2 errors to Athanor's DBAPIError hierarchy by server errno, after PyMySQL's
 * `err.py`: known errnos map to their class; other server errors are OperationalError
 * (errno >= 1000) or InternalError; client-side errors (sockets, closed connection) are
 * OperationalError or InterfaceError.
 */
import {
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

const BY_ERRNO = new Map<number, DBAPIErrorClass>();
function map(cls: DBAPIErrorClass, errnos: number[]): void {
  for (const n of errnos) BY_ERRNO.set(n, cls);
}
// Duplicate keys, foreign keys, NOT NULL, CHECK (MySQL 3819, MariaDB 4025).
map(
  IntegrityError,
  [1022, 1048, 1062, 1169, 1215, 1216, 1217, 1451, 1452, 1557, 1586, 1761, 1762, 3819, 4025],
);
// Out of range, truncated, too long, bad value, division by zero.
map(DataError, [1171, 1230, 1263, 1264, 1265, 1292, 1365, 1366, 1367, 1406, 1416, 1441, 1690, 3140, 4078]);
// Syntax, unknown or duplicate table/column/database, wrong names.
map(
  ProgrammingError,
  [
    1007, 1008, 1049, 1050, 1051, 1054, 1060, 1061, 1064, 1064, 1091, 1102, 1103, 1110, 1113, 1115, 1146,
    1149, 1166, 1176, 1305, 1630,
  ],
);
map(NotSupportedError, [1178, 1235, 1289]);

/** Client errors that mean the connection is gone. */
const DISCONNECT_CODES = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ER_SERVER_SHUTDOWN",
]);
/** Server errnos meaning the connection is gone (2006 gone away, 2013 lost, 4031 idle timeout, 1927 killed). */
const DISCONNECT_ERRNOS = new Set([1053, 1927, 2006, 2013, 2014, 2045, 2055, 4031]);

function errnoOf(err: unknown): number | null {
  const n = (err as { errno?: unknown } | null)?.errno;
  return typeof n === "number" && n > 0 ? n : null;
}

function classFor(err: unknown): DBAPIErrorClass {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ATH_PARAM_COUNT") return ProgrammingError;
  const errno = errnoOf(err);
  // A server error carries a SQLSTATE; a socket error carries a negative/OS errno.
  const fromServer = typeof (err as { sqlState?: unknown } | null)?.sqlState === "string";
  if (errno !== null && fromServer) {
    const cls = BY_ERRNO.get(errno);
    if (cls) return cls;
    return errno >= 1000 ? OperationalError : InternalError;
  }
  if (isDisconnect(err)) return OperationalError;
  if (errno !== null && BY_ERRNO.has(errno)) return BY_ERRNO.get(errno)!;
  if ((err as { fatal?: unknown } | null)?.fatal) return OperationalError;
  return InterfaceError;
}

export function translateError(err: unknown, statement: string | null, params: unknown): DBAPIError {
  const e = err as { errno?: unknown; code?: unknown } | null;
  const driverCode =
    errnoOf(err) !== null && typeof e?.code === "string"
      ? `${e.errno} ${e.code}`
      : typeof e?.code === "string"
        ? e.code
        : null;
  return buildDbapiError(classFor(err), err, statement, params, {
    driverCode,
    connectionInvalidated: isDisconnect(err),
  });
}

export function isDisconnect(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; fatal?: unknown } | null;
  if (!e) return false;
  const errno = errnoOf(err);
  if (errno !== null && DISCONNECT_ERRNOS.has(errno)) return true;
  if (typeof e.code === "string" && DISCONNECT_CODES.has(e.code)) return true;
  const msg = String(e.message ?? "");
  if (/closed state|Connection lost|server has gone away|Lost connection/i.test(msg)) return true;
  // Fatal client errors (not server-side errors like access denied) leave the socket unusable.
  return e.fatal === true && typeof (e as { sqlState?: unknown }).sqlState !== "string";
}
