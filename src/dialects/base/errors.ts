/**
 * Building DBAPIError messages the way SQLAlchemy does (`exc.StatementError.__str__`):
 *
 *     (IntegrityError) duplicate key value violates unique constraint "users_email_key"
 *     DETAIL: Key (email)=(a@x.io) already exists.
 *     [SQL: INSERT INTO users (email) VALUES ($1)]
 *     [parameters: ['a@x.io']]
 *
 * Long parameter lists and long values are truncated so a failed bulk insert stays readable.
 */
import type { DBAPIErrorClass, DBAPIError } from "../../util/errors.js";

/** Most parameter sets shown for an executemany (SQLAlchemy shows 10). */
const MAX_SETS = 10;
/** Most values shown per parameter set. */
const MAX_VALUES = 50;
/** Longest rendering of one value before it is cut. */
const MAX_VALUE_CHARS = 300;

export interface DbapiErrorInit {
  /** The driver's error code (SQLSTATE, errno, SQLite result code). */
  driverCode: string | null;
  /** Extra lines after the driver message (PostgreSQL's DETAIL/HINT). */
  detail?: string | null;
  connectionInvalidated: boolean;
}

/** Creates `cls` with the standard message and the original error, statement and params attached. */
export function buildDbapiError(
  cls: DBAPIErrorClass,
  err: unknown,
  statement: string | null,
  params: unknown,
  init: DbapiErrorInit,
): DBAPIError {
  const driverMessage = errorMessage(err);
  let message = `(${cls.name}) ${driverMessage}`;
  if (init.detail) message += "\n" + init.detail;
  if (statement !== null) message += `\n[SQL: ${statement}]`;
  if (
    statement !== null &&
    params !== undefined &&
    params !== null &&
    !(Array.isArray(params) && params.length === 0)
  ) {
    message += `\n[parameters: ${formatParams(params)}]`;
  }
  return new cls(
    message,
    {
      orig: err,
      statement,
      params,
      connectionInvalidated: init.connectionInvalidated,
      driverCode: init.driverCode,
    },
    codeFor(cls),
  );
}

function codeFor(cls: DBAPIErrorClass): string {
  // "IntegrityError" → "ATH-DBAPI-INTEGRITY"
  const base = cls.name.replace(/Error$/, "").toUpperCase();
  return base === "DBAPI" ? "ATH-DBAPI" : "ATH-DBAPI-" + base;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (err && typeof err === "object" && "message" in err)
    return String((err as { message: unknown }).message);
  return String(err);
}

/** Renders execution parameters for a message: one set as a list, many sets as a list of lists. */
export function formatParams(params: unknown): string {
  if (!Array.isArray(params)) return formatValue(params);
  const isMany = params.length > 0 && params.every((p) => Array.isArray(p));
  if (!isMany) return formatSet(params);
  const shown = params.slice(0, MAX_SETS).map(formatSet);
  if (params.length > MAX_SETS) {
    shown.push(`... displaying ${MAX_SETS} of ${params.length} total bound parameter sets ...`);
  }
  return "[" + shown.join(", ") + "]";
}

function formatSet(values: readonly unknown[]): string {
  const shown = values.slice(0, MAX_VALUES).map(formatValue);
  if (values.length > MAX_VALUES) shown.push(`... ${values.length - MAX_VALUES} more parameters ...`);
  return "[" + shown.join(", ") + "]";
}

function formatValue(v: unknown): string {
  let s: string;
  if (v === null || v === undefined) s = "None";
  else if (typeof v === "string") s = "'" + v + "'";
  else if (typeof v === "bigint") s = v.toString() + "n";
  else if (v instanceof Date) s = isNaN(v.getTime()) ? "Invalid Date" : v.toISOString();
  else if (Buffer.isBuffer(v)) s = `<${v.length} bytes>`;
  else if (typeof v === "object") {
    try {
      s = JSON.stringify(v);
    } catch {
      s = String(v);
    }
  } else s = String(v);
  if (s.length > MAX_VALUE_CHARS) {
    const keep = MAX_VALUE_CHARS / 2;
    s = s.slice(0, keep) + ` ... (${s.length - MAX_VALUE_CHARS} characters truncated) ... ` + s.slice(-keep);
  }
  return s;
}
