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

/**
 * The VALUES tuple of an executemany INSERT, cut out so the engine can repeat it for many
 * parameter sets in one multi-row statement (SQLAlchemy 2.0's "insertmanyvalues"). The
 * statement's binds are, in order: `headBinds` before the tuple, `tuple.length - 1` in it,
 * `tail.length - 1` after it. `placeholder` spells the n-th (0-based) placeholder of the dialect.
 */
export interface ManyValuesTemplate {
  /** The SQL before the tuple (`INSERT INTO t (a, b) VALUES `), its placeholders numbered from 0. */
  readonly head: string;
  readonly headBinds: number;
  /** The tuple's text split at its placeholders: `["(", ", ", ")"]`. */
  readonly tuple: readonly string[];
  /** The text after the tuple (ON CONFLICT …, RETURNING …) split at its placeholders. */
  readonly tail: readonly string[];
  readonly placeholder: (index: number) => string;
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
  /** Set on an INSERT whose values come from the execution parameters (see ManyValuesTemplate). */
  readonly manyValues?: ManyValuesTemplate;
  /**
   * A SELECT that writes nothing, locks nothing (no FOR UPDATE/SHARE) and calls only
   * side-effect-free functions (no now(), nextval(), advisory locks, no SQL text): at READ
   * COMMITTED, running it outside a transaction can't be told from running it inside one.
   */
  readonly plainRead?: boolean;
  /** Holds SQL text the compiler can't see into (text(), raw SQL) or set_config(): it may change session settings. */
  readonly opaque?: boolean;
  /** Name of the dialect it was compiled for. */
  readonly dialect: string;
}
