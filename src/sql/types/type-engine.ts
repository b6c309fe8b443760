/**
 * The base of Athanor's type system (SQLAlchemy: `TypeEngine`).
 *
 * A type says three things: how it is spelled in DDL (by its `kind`, which each dialect's
 * type compiler visits), how a JavaScript value becomes a driver value (`bindProcessor`)
 * and how a driver value becomes a JavaScript value (`resultProcessor`).
 *
 * Processors are looked up once per (type, dialect) and cached by the dialect, never per row.
 * A dialect may replace a generic type's behaviour with its own implementation
 * (SQLAlchemy: `dialect.colspecs`) — see `TypeDialect.implFor`.
 */

/** Converts one value; `null`/`undefined` never reach a processor (the caller passes NULL through). */
export type Processor = (value: any) => unknown;

/**
 * What a type needs to know of the dialect it is used with. `sql` cannot import
 * `dialects`, so this is the small structural slice of `Dialect` that types may read.
 */
export interface TypeDialect {
  readonly name: string;
  /** Capability flags, e.g. `supportsNativeBoolean`; see `DialectCapabilities`. */
  readonly capabilities: Readonly<Record<string, boolean | number>>;
  /** The dialect's implementation of a type (SQLAlchemy: `colspecs`). */
  implFor(type: TypeEngine<any>): TypeEngine<any>;
  /** Cached bind processor of a type on this dialect (container types use it for their items). */
  bindProcessorFor(type: TypeEngine<any>): Processor | null;
  /** Cached result processor of a type on this dialect. */
  resultProcessorFor(type: TypeEngine<any>): Processor | null;
}

export abstract class TypeEngine<T = unknown> {
  /** Phantom field that carries the JavaScript value type; never set at run time. */
  declare readonly __value?: T;
  /** Identifies the type for compilers and dialect implementations: "integer", "string", "pg_jsonb", … */
  abstract readonly kind: string;
  /**
   * The one dialect a dialect-specific type belongs to ("postgresql" for JSONB), or null for
   * generic types. Compiling it for another dialect raises a CompileError naming both.
   */
  get dialectName(): string | null {
    return null;
  }

  /** JavaScript → driver value. `null` means "pass through unchanged" (the fast path). */
  bindProcessor(_dialect: TypeDialect): Processor | null {
    return null;
  }

  /** Driver value → JavaScript value. `null` means "pass through unchanged". */
  resultProcessor(_dialect: TypeDialect): Processor | null {
    return null;
  }

  /**
   * Checks a value at run time before it is sent (bad input gets a clear error, not a
   * confusing database error). Returns a description of what is wrong, or null if fine.
   * `null` is always fine here: NOT NULL is the database's to enforce.
   */
  validate(_value: unknown): string | null {
    return null;
  }

  /** A readable spelling for messages, e.g. `String(50)`. */
  toString(): string {
    return this.kind;
  }
}

/** The JavaScript value type a `TypeEngine` maps to. */
export type TypeValue<X> = X extends TypeEngine<infer T> ? T : never;

/**
 * A type of no particular kind (SQLAlchemy: `NullType`): the type of `text()` parameters and
 * of values with no column to take a type from. Each dialect gives it an implementation that
 * binds JS booleans, Dates, bigints and plain objects in the way its driver understands.
 */
export class NullType extends TypeEngine<unknown> {
  readonly kind: string = "null";
  override toString(): string {
    return "NullType";
  }
}
export const NULLTYPE = new NullType();
