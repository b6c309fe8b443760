/**
 * `Column`: a table column with its DDL options (SQLAlchemy: `schema.Column`).
 * The value type and insert-optionality are computed from the options at the type level,
 * so `users.c.email` is `Column<string, "email", false>` when declared `nullable: false`.
 */
import { ArgumentError } from "../util/errors.js";
import { ClauseElement, ColumnClause, ColumnElement, type ColumnDefault } from "../sql/elements.js";
import { TextClause } from "../sql/text.js";
import { BigIntegerType, IntegerType } from "../sql/types/generic.js";
import type { TypeEngine, TypeValue } from "../sql/types/type-engine.js";
import { setField } from "./constructible.js";
import { ForeignKey, type ForeignKeyOptions } from "./foreign-key.js";
import type { Table } from "./table.js";

/** A client-side default: a value, a function called once per row, or a SQL expression. */
export type ClientDefault<T> = T | (() => T) | ColumnElement<any>;

/**
 * A server-side default rendered in DDL: a string (rendered as a quoted literal, as SQLAlchemy
 * does), a number or boolean, or an expression (`func.now()`, `text("CURRENT_TIMESTAMP")`).
 */
export type ServerDefaultArg = string | number | boolean | ColumnElement<any> | TextClause<any>;

/** A server default, normalised. */
export type ServerDefault =
  | { readonly kind: "literal"; readonly value: string | number | boolean }
  | { readonly kind: "expr"; readonly expr: ClauseElement };

export interface ColumnOptions<T = unknown> {
  /** The name in the database; defaults to the column's key in the table definition. */
  name?: string;
  /** Part of the primary key; implies NOT NULL. */
  primaryKey?: boolean;
  /** NULL allowed? Default: true, except for primary key columns. */
  nullable?: boolean;
  /** A single-column UNIQUE constraint (a unique index when `index` is also set). */
  unique?: boolean;
  /** A single-column index, named by the `ix` naming convention (default `ix_<table>_<column>`). */
  index?: boolean;
  /** Value INSERT uses when the statement gives none: a value, a per-row function or a SQL expression. */
  default?: ClientDefault<T>;
  /** Value UPDATE sets when the statement does not set this column (SQLAlchemy: `onupdate`). */
  onupdate?: ClientDefault<T>;
  /** DEFAULT clause in CREATE TABLE. */
  serverDefault?: ServerDefaultArg;
  /**
   * The database changes this value on UPDATE. Rendered as `ON UPDATE expr` on MySQL/MariaDB;
   * elsewhere (as in SQLAlchemy) only a marker that a trigger maintains the column.
   */
  serverOnupdate?: ServerDefaultArg;
  /**
   * Autoincrement semantics: "auto" (default) applies to a single-column integer primary key
   * with no foreign key and no default; `true` forces it (e.g. in a composite key on MySQL).
   */
  autoincrement?: boolean | "auto";
  /** Column comment (COMMENT ON COLUMN on PostgreSQL, inline COMMENT on MySQL; ignored by SQLite). */
  comment?: string;
  /** A foreign key to another table's column: `ForeignKey("users.id")` or the string `"users.id"`. */
  foreignKey?: ForeignKey | string;
}

// ---- type-level computation (kept flat: one conditional per question) ----

type IsNotNull<O> = O extends { primaryKey: true } ? true : O extends { nullable: false } ? true : false;
type IsIntegerType<Ty> = Ty extends TypeEngine<number | bigint> ? true : false;
type IsAutoPk<Ty, O> = O extends { primaryKey: true }
  ? O extends { autoincrement: false } | { foreignKey: {} }
    ? false
    : IsIntegerType<Ty>
  : false;

/** The JavaScript value type of a column: `T`, or `T | null` when NULL is allowed. */
export type ColumnValueOf<Ty, O> = IsNotNull<O> extends true ? TypeValue<Ty> : TypeValue<Ty> | null;

/** Whether INSERT may omit the column: nullable, has a default, or an autoincrementing key. */
export type InsertOptionalOf<Ty, O> =
  IsNotNull<O> extends false
    ? true
    : O extends { default: {} } | { serverDefault: {} } | { autoincrement: true }
      ? true
      : IsAutoPk<Ty, O>;

/**
 * A column of a `Table`. `T` is the value type, `K` the key in `table.c` and in rows, `O` whether
 * INSERT may omit it.
 */
export class Column<T = unknown, K extends string = string, O extends boolean = boolean> extends ColumnClause<
  T,
  K
> {
  /** Phantom read by `insert().values()`: false makes the column required. */
  declare readonly __insertOptional?: O;
  readonly primaryKey: boolean;
  readonly nullable: boolean;
  readonly unique: boolean;
  readonly index: boolean;
  readonly autoincrement: boolean | "auto";
  readonly serverDefault: ServerDefault | null;
  readonly serverOnupdate: ServerDefault | null;
  readonly comment: string | null;
  /** Foreign keys declared on this column. */
  readonly foreignKeys: readonly ForeignKey[];
  /** The database name given in the options (null: the key is the name). @internal */
  readonly _explicitName: string | null;
  /** Whether `nullable` was given (a primary key constraint makes undeclared columns NOT NULL). @internal */
  readonly _nullableDeclared: boolean;

  constructor(type: TypeEngine<any>, options: ColumnOptions<any> = {}) {
    if (!type || typeof (type as { kind?: unknown }).kind !== "string") {
      throw new ArgumentError(
        "Column() takes a type first, e.g. Column(Integer, { primaryKey: true }) or Column(String(50)).",
        "ATH-COLUMN",
      );
    }
    super(options.name ?? "", type, null, options.name ?? "");
    this._explicitName = options.name ?? null;
    this.primaryKey = options.primaryKey ?? false;
    this._nullableDeclared = options.nullable !== undefined;
    this.nullable = this.primaryKey ? false : (options.nullable ?? true);
    this.unique = options.unique ?? false;
    this.index = options.index ?? false;
    this.autoincrement = options.autoincrement ?? "auto";
    this.serverDefault = toServerDefault(options.serverDefault, "serverDefault");
    this.serverOnupdate = toServerDefault(options.serverOnupdate, "serverOnupdate");
    this.comment = options.comment ?? null;
    const fk = options.foreignKey;
    this.foreignKeys = fk === undefined ? [] : [typeof fk === "string" ? new ForeignKey(fk) : fk];
    setField(this as ColumnClause<any>, "insertDefault", toClientDefault(options.default, "default"));
    setField(this as ColumnClause<any>, "updateDefault", toClientDefault(options.onupdate, "onupdate"));
  }

  /** The schema Table this column belongs to (null until it is part of one). */
  get parentTable(): Table | null {
    return this.table as Table | null;
  }

  /** Binds the column to its table under `key`. @internal */
  _attach(table: Table<any, any>, key: string): void {
    if (this.table !== null && this.table !== (table as unknown)) {
      throw new ArgumentError(
        `Column '${key}' is already part of table '${(this.table as Table).name}'; a Column object belongs to one table. ` +
          `Declare a new Column for table '${table.name}'.`,
        "ATH-COLUMN",
      );
    }
    const name = this._explicitName ?? key;
    if (name === "")
      throw new ArgumentError(`Column '${key}' of table '${table.name}' has an empty name.`, "ATH-COLUMN");
    setField(this as ColumnClause<any>, "table", table);
    setField(this as ColumnClause<any>, "name", name);
    setField(this as ColumnClause<any>, "columnKey", key);
    // A Table is keyed by identity, so its columns can be too (see ColumnClause._ck).
    setField(this as ColumnClause<any>, "_keyedById", true);
    for (const fk of this.foreignKeys) fk._setParent(this);
  }

  /** Marks the column as part of the primary key (a PrimaryKeyConstraint naming it). @internal */
  _markPrimaryKey(): void {
    setField(this as Column<any, any, any>, "primaryKey", true);
    if (!this._nullableDeclared) setField(this as Column<any, any, any>, "nullable", false);
  }

  override toString(): string {
    const t = this.table as Table | null;
    return t ? `${t.name}.${this.name}` : this.name || "<unattached column>";
  }
}

/** True for integer types (the ones autoincrement applies to). */
export function isIntegerType(type: TypeEngine<any>): boolean {
  return (
    type instanceof IntegerType ||
    type instanceof BigIntegerType ||
    ["integer", "smallinteger", "biginteger"].includes(type.kind)
  );
}

function toClientDefault(v: unknown, what: string): ColumnDefault | null {
  if (v === undefined) return null;
  if (v instanceof ColumnElement) return { kind: "expr", expr: v };
  if (v instanceof ClauseElement) {
    throw new ArgumentError(
      `A column ${what} can be a value, a function or a column expression; got a ${v.kind} construct. ` +
        "For literal SQL use the sql`…` template, which is an expression.",
      "ATH-COLUMN",
    );
  }
  if (typeof v === "function") return { kind: "fn", fn: v as () => unknown };
  return { kind: "value", value: v };
}

function toServerDefault(v: ServerDefaultArg | undefined, what: string): ServerDefault | null {
  if (v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    return { kind: "literal", value: v };
  if (v instanceof ColumnElement || v instanceof TextClause) return { kind: "expr", expr: v };
  throw new ArgumentError(
    `Column ${what} must be a string, number, boolean, SQL expression (func.now()) or text("…"); got ${typeof v}.`,
    "ATH-COLUMN",
  );
}

export type { ForeignKeyOptions };
