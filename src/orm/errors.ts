/**
 * ORM errors (SQLAlchemy: `orm/exc.py` and the ORM-raised parts of `exc.py`). Each has a stable
 * code; messages name the class, the attribute and the next step.
 */
import { ArgumentError, AthanorError, InvalidRequestError } from "../util/errors.js";

/** A class that is not mapped was used where a mapped class is needed (SQLAlchemy: `UnmappedClassError`). */
export class UnmappedClassError extends InvalidRequestError {
  constructor(what: unknown) {
    super(
      `Class ${describeClass(what)} is not mapped. Map it with \`class X extends Base.model("table", { … })\` ` +
        "or registry.mapImperatively(X, table) before using it with a Session.",
      "ATH-ORM-UNMAPPED",
    );
  }
}

/** An instance of an unmapped class was given to the Session (SQLAlchemy: `UnmappedInstanceError`). */
export class UnmappedInstanceError extends InvalidRequestError {
  constructor(obj: unknown) {
    const cls = obj !== null && typeof obj === "object" ? (obj as object).constructor : undefined;
    const what =
      obj === null || obj === undefined || typeof obj !== "object"
        ? `${String(obj)} (${typeof obj}), which is not an object`
        : `an instance of ${describeClass(cls)}, which is not mapped`;
    super(
      `Expected a mapped instance, got ${what}. Only instances of classes made with Base.model(...) ` +
        "or registry.mapImperatively(...) can be added to a Session.",
      "ATH-ORM-UNMAPPED-INSTANCE",
    );
  }
}

/** A flush could not be carried out (SQLAlchemy: `FlushError`); nothing was written. */
export class FlushError extends InvalidRequestError {
  constructor(message: string, code = "ATH-ORM-FLUSH") {
    super(message, code);
  }
}

/**
 * An UPDATE or DELETE matched fewer rows than expected: the row changed or vanished since it
 * was loaded (SQLAlchemy: `StaleDataError`, raised for version-counter mismatches).
 */
export class StaleDataError extends AthanorError {
  constructor(message: string) {
    super(message, "ATH-ORM-STALE");
  }
}

/**
 * The Session's transaction was rolled back because a flush failed; it refuses work until
 * `rollback()` is called (SQLAlchemy: `PendingRollbackError`, code 7s2a).
 */
export class PendingRollbackError extends InvalidRequestError {
  constructor(readonly original: unknown) {
    super(
      "This Session's transaction has been rolled back due to a previous exception during flush. " +
        "To begin a new transaction with this Session, first issue Session.rollback(). " +
        `Original exception was: ${original instanceof Error ? original.message : String(original)}`,
      "ATH-ORM-PENDING-ROLLBACK",
    );
  }
}

/**
 * An attribute that is not loaded was read: expired by commit()/rollback()/expire(), or a
 * server-generated value not fetched yet. Attribute reads can't do I/O in async code
 * (SQLAlchemy raises `MissingGreenlet` there), so this names the awaitable way instead.
 */
export class UnloadedAttributeError extends InvalidRequestError {
  /** `deferred`: the query left the column out (`defer`, `loadOnly`, `mappedColumn(…, { deferred: true })`). */
  constructor(className: string, key: string, reason: string, detached: boolean, deferred = false) {
    const fix = detached
      ? `The object is detached from its Session: load it again, or merge() it into a Session and refresh it.`
      : deferred
        ? `Load it with the query, \`select(${className}).options(undefer(${className}.${key}))\`, ` +
          `or afterwards: \`await session.refresh(obj, ["${key}"])\`.`
        : `Load it first: \`await session.refresh(obj)\`, or \`await awaitableAttrs(obj).${key}\`.`;
    super(`${className}.${key} is not loaded: ${reason}. ${fix}`, "ATH-ORM-UNLOADED");
  }
}

/**
 * A relationship that is not loaded was read. Attribute reads never do I/O: SQLAlchemy's lazy
 * load on access is the N+1 problem's source, and can't run in an attribute read in async code.
 * The message names the relationship and both fixes (SQLAlchemy raises `MissingGreenlet` under
 * asyncio, or with `lazy="raise"` its "is not available due to lazy='raise'").
 */
export class UnloadedRelationshipError extends InvalidRequestError {
  constructor(
    prop: {
      readonly where: string;
      readonly key: string;
      readonly strategyKey: string;
      readonly mapper: { className: string };
    },
    detached: boolean,
  ) {
    const cls = prop.mapper.className;
    const option = `selectinload(${prop.where})`;
    const why =
      prop.strategyKey === "raise"
        ? `it is configured with lazy: "raise"`
        : "relationships are loaded by the query or explicitly, never on attribute access (that would be hidden I/O, one query per object)";
    const fix = detached
      ? `The object is detached: load it in a Session with ${option} in the query.`
      : `Load it with the query, select(${cls}).options(${option}) (or joinedload), or explicitly: \`await session.load(obj, "${prop.key}")\`.`;
    super(`${prop.where} is not loaded: ${why}. ${fix}`, "ATH-ORM-LAZY");
  }
}

/** An operation needs the object to be in a Session (or in this one). */
export class DetachedInstanceError extends InvalidRequestError {
  constructor(message: string) {
    super(message, "ATH-ORM-DETACHED");
  }
}

/** A row an object stands for is gone (SQLAlchemy: `ObjectDeletedError`). */
export class ObjectDeletedError extends InvalidRequestError {
  constructor(message: string) {
    super(message, "ATH-ORM-DELETED");
  }
}

/** A value given to a mapped attribute is refused (wrong runtime type, undefined). */
export class AttributeValueError extends ArgumentError {
  constructor(message: string) {
    super(message, "ATH-ORM-VALUE");
  }
}

/** A class's name for messages; classes print their whole source with String(). */
export function describeClass(cls: unknown): string {
  if (typeof cls === "function") return `'${(cls as { name?: string }).name || "(anonymous class)"}'`;
  if (cls === null || cls === undefined) return String(cls);
  return `${String(cls)} (${typeof cls})`;
}
