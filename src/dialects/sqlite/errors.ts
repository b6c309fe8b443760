/**
 * Maps better-sqlite3 errors to Athanor's DBAPIError hierarchy by SQLite's extended result
 * code (`err.code`, e.g. "SQLITE_CONSTRAINT_UNIQUE"), after Python's sqlite3 module.
 *
 * One deliberate difference from pysqlite: a missing table or column and a syntax error are
 * ProgrammingError (pysqlite says OperationalError), so the same `catch` works on every dialect.
 */
import {
  DatabaseError,
  DataError,
  IntegrityError,
  InterfaceError,
  InternalError,
  OperationalError,
  ProgrammingError,
  type DBAPIError,
  type DBAPIErrorClass,
} from "../../util/errors.js";
import { buildDbapiError } from "../base/errors.js";

/** SQLITE_ERROR messages that mean the SQL itself is wrong. */
const PROGRAMMING_MESSAGE =
  /no such (table|column|function|index|view)|syntax error|already exists|has no column|near "|incomplete input|ambiguous column|wrong number of arguments|misuse of aggregate|unknown datatype/i;

function classFor(err: unknown): DBAPIErrorClass {
  const e = err as { code?: unknown; message?: unknown; name?: string } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  if (code.startsWith("SQLITE_")) {
    if (code === "SQLITE_CONSTRAINT_DATATYPE") return DataError;
    if (code.startsWith("SQLITE_CONSTRAINT")) return IntegrityError;
    if (code === "SQLITE_MISMATCH" || code === "SQLITE_TOOBIG") return DataError;
    if (code === "SQLITE_RANGE" || code === "SQLITE_MISUSE") return InterfaceError;
    if (code === "SQLITE_INTERNAL" || code === "SQLITE_NOTFOUND") return InternalError;
    if (code === "SQLITE_ERROR")
      return PROGRAMMING_MESSAGE.test(String(e?.message ?? "")) ? ProgrammingError : OperationalError;
    if (code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB" || code === "SQLITE_FORMAT")
      return DatabaseError;
    // BUSY, LOCKED, READONLY, IOERR, FULL, CANTOPEN, PERM, ABORT, INTERRUPT, SCHEMA, PROTOCOL, …
    return OperationalError;
  }
  // better-sqlite3 throws TypeError/RangeError for bad bindings and a closed database.
  if (e instanceof RangeError) return ProgrammingError;
  if (e instanceof TypeError) return InterfaceError;
  return DatabaseError;
}

export function translateError(err: unknown, statement: string | null, params: unknown): DBAPIError {
  const code = (err as { code?: unknown } | null)?.code;
  return buildDbapiError(classFor(err), err, statement, params, {
    driverCode: typeof code === "string" ? code : null,
    connectionInvalidated: isDisconnect(err),
  });
}

/** A closed database handle is the only "disconnect" SQLite has. */
export function isDisconnect(err: unknown): boolean {
  const msg = String((err as { message?: unknown } | null)?.message ?? "");
  return /database connection is not open|database is closed/i.test(msg);
}
