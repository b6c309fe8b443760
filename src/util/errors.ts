/**
 * Athanor's error hierarchy. Every error has a stable `code` (searchable, never reworded)
 * and a message that states the numbers and the next step, after SQLAlchemy's `exc.py`.
 *
 * Driver errors are wrapped in the DB-API-shaped `DBAPIError` family on every dialect, so
 * `catch (e) { if (e instanceof IntegrityError) … }` works the same on SQLite, PostgreSQL and MariaDB.
 */
export class AthanorError extends Error {
  /** Stable identifier of this kind of error, e.g. `"ATH-URL"`. */
  readonly code: string;
  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A function was called with bad arguments (SQLAlchemy: `ArgumentError`). */
export class ArgumentError extends AthanorError {
  constructor(message: string, code = "ATH-ARG") {
    super(message, code);
  }
}

/** A statement could not be compiled for a dialect (SQLAlchemy: `CompileError`). */
export class CompileError extends AthanorError {
  constructor(message: string, code = "ATH-COMPILE") {
    super(message, code);
  }
}

/** A feature the dialect or driver does not have (SQLAlchemy: `NotSupportedError` at compile level). */
export class UnsupportedFeatureError extends CompileError {
  constructor(feature: string, dialect: string, hint?: string) {
    super(
      `${feature} is not supported by the ${dialect} dialect.${hint ? " " + hint : ""}`,
      "ATH-UNSUPPORTED",
    );
  }
}

/** A bound parameter that the statement needs got no value (SQLAlchemy: `InvalidRequestError` "A value is required for bind parameter"). */
export class UnboundParameterError extends ArgumentError {
  constructor(readonly key: string) {
    super(
      `A value is required for bound parameter '${key}'. Pass it in the parameters, e.g. conn.execute(stmt, { ${key}: value }).`,
      "ATH-BIND",
    );
  }
}

/** The optional driver package for a dialect is not installed. */
export class MissingDriverError extends AthanorError {
  constructor(
    readonly dialect: string,
    readonly packageName: string,
    cause?: unknown,
  ) {
    super(
      `The ${dialect} dialect needs the '${packageName}' package, which is not installed. Install it with: npm install ${packageName}`,
      "ATH-DRIVER",
      { cause },
    );
  }
}

/** An object or connection was used in a state that does not allow the operation (SQLAlchemy: `InvalidRequestError`). */
export class InvalidRequestError extends AthanorError {
  constructor(message: string, code = "ATH-INVALID") {
    super(message, code);
  }
}

/** The connection was closed and cannot be used (SQLAlchemy: `ResourceClosedError`). */
export class ResourceClosedError extends InvalidRequestError {
  constructor(message: string) {
    super(message, "ATH-CLOSED");
  }
}

/** `one()` / `scalarOne()` found no row. */
export class NoResultFound extends InvalidRequestError {
  constructor(
    message = "No row was found when one was required. Use oneOrNone() or first() if no row is a valid outcome.",
  ) {
    super(message, "ATH-NORESULT");
  }
}

/** `one()` / `oneOrNone()` found more than one row. */
export class MultipleResultsFound extends InvalidRequestError {
  constructor(
    message = "Multiple rows were found when exactly one was required. Add a filter or a LIMIT, or use first().",
  ) {
    super(message, "ATH-MULTIPLE");
  }
}

/**
 * Base of errors raised by the database driver, wrapped (SQLAlchemy: `DBAPIError`).
 * `orig` is the driver's own error; `statement` and `params` are what was sent.
 */
export class DBAPIError extends AthanorError {
  /** The driver's original error object. */
  readonly orig: unknown;
  /** The SQL text that failed, if any. */
  readonly statement: string | null;
  /** The parameters sent with it (never containing connection credentials). */
  readonly params: unknown;
  /** True when the error means the connection is gone (server restart, killed backend, network). */
  readonly connectionInvalidated: boolean;
  /** The driver's SQLSTATE or error code, when it gave one. */
  readonly driverCode: string | null;

  constructor(
    message: string,
    init: {
      orig: unknown;
      statement?: string | null;
      params?: unknown;
      connectionInvalidated?: boolean;
      driverCode?: string | null;
    },
    code = "ATH-DBAPI",
  ) {
    super(message, code, { cause: init.orig });
    this.orig = init.orig;
    this.statement = init.statement ?? null;
    this.params = init.params;
    this.connectionInvalidated = init.connectionInvalidated ?? false;
    this.driverCode = init.driverCode ?? null;
  }
}
export class InterfaceError extends DBAPIError {}
export class DatabaseError extends DBAPIError {}
/** Bad data: value out of range, invalid text representation, division by zero. */
export class DataError extends DatabaseError {}
/** Connection problems, server gone, lock timeouts, disconnects. */
export class OperationalError extends DatabaseError {}
/** Unique, foreign-key, not-null and check violations. */
export class IntegrityError extends DatabaseError {}
export class InternalError extends DatabaseError {}
/** SQL syntax errors, missing tables or columns. */
export class ProgrammingError extends DatabaseError {}
export class NotSupportedError extends DatabaseError {}

export type DBAPIErrorClass = new (
  message: string,
  init: ConstructorParameters<typeof DBAPIError>[1],
  code?: string,
) => DBAPIError;

/** No pooled connection became free within the pool timeout (SQLAlchemy: `exc.TimeoutError`). */
export class TimeoutError extends AthanorError {
  constructor(message: string, code = "ATH-POOL-TIMEOUT") {
    super(message, code);
  }
}

/**
 * A disconnect detected on a pooled connection at checkout (SQLAlchemy: `exc.DisconnectionError`).
 * A pool `checkout` listener may throw it to make the pool discard that connection and hand out
 * a freshly opened one instead; the caller of `engine.connect()` never sees it.
 * @example engine.on("checkout", async (dbapi) => { if (!(await isHealthy(dbapi))) throw new DisconnectionError("stale"); });
 */
export class DisconnectionError extends AthanorError {
  /** Whether every pooled connection opened before now is replaced too (see InvalidatePoolError). */
  readonly invalidatePool: boolean = false;
  constructor(message: string, code = "ATH-DISCONNECT") {
    super(message, code);
  }
}

/**
 * A DisconnectionError that also recycles every connection of the pool opened before it
 * (SQLAlchemy: `exc.InvalidatePoolError`); pre-ping raises it when a ping finds the connection dead.
 */
export class InvalidatePoolError extends DisconnectionError {
  override readonly invalidatePool: boolean = true;
}
