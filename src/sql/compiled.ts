import type { TypeEngine } from "./types/type-engine.js";

/** One positional parameter of a compiled statement. */
export interface BindSlot {
  /** The name by which execution parameters may supply it (`:name` in text(), column key in insert/update). */
  readonly key: string;
  /** The value carried by the statement itself, used when the execution parameters do not name `key`. */
  readonly value: unknown;
  /** True when `value` is meaningful; false for a parameter that must come from execution parameters. */
  readonly hasValue: boolean;
  /** The type whose bind processor converts the value (null: pass through). */
  readonly type: TypeEngine<any> | null;
  /**
   * A client-side default computed at execution time, once per parameter set, when the
   * execution parameters do not name `key` (a column's `default` function, or `onupdate`).
   */
  readonly compute?: (() => unknown) | undefined;
}

/** One column of the rows a statement returns. */
export interface ResultColumn {
  /** Key of the value in a row object. */
  readonly key: string;
  /** Type whose result processor converts the driver value (null: pass through). */
  readonly type: TypeEngine<any> | null;
}

export type StatementKind = "select" | "insert" | "update" | "delete" | "text" | "ddl";

/**
 * SQL text plus everything needed to run it again with new values (SQLAlchemy: `Compiled`).
 * Immutable; safe to cache and share.
 */
export interface CompiledStatement {
  readonly sql: string;
  readonly binds: readonly BindSlot[];
  /** Rows' shape; null when the statement returns none, or when the driver's column names are to be used (text() without columns). */
  readonly resultColumns: readonly ResultColumn[] | null;
  readonly kind: StatementKind;
  /** True when the statement returns rows (SELECT, or DML with RETURNING). */
  readonly returnsRows: boolean;
  /** True when RETURNING was added only to learn the new primary key (`CompileOptions.implicitReturning`). */
  readonly implicitReturning?: boolean;
  /** Name of the dialect it was compiled for. */
  readonly dialect: string;
}
