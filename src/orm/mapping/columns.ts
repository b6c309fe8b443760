/**
 * `mappedColumn()`: a column for a declarative model (SQLAlchemy 2.0: `mapped_column()`).
 *
 * It is a schema `Column` with one difference: **NOT NULL by default**, as SQLAlchemy 2.0 makes
 * a `Mapped[str]` column NOT NULL and a `Mapped[Optional[str]]` one nullable. Here the type
 * can't be read from an annotation, so `nullable: true` is how a column becomes optional, and
 * the instance attribute is typed `T | null` accordingly. Core's `Column(...)` (nullable by
 * default) is accepted in models too.
 *
 * @example
 * id: mappedColumn(Integer, { primaryKey: true }),                  // number; optional in the constructor
 * email: mappedColumn(String(255), { unique: true }),               // string; required
 * firstName: mappedColumn(String(100), { name: "first_name", nullable: true }), // string | null
 * isActive: mappedColumn(Boolean, { default: true }),               // boolean; optional (has a default)
 * bio: mappedColumn(Text, { nullable: true, deferred: true }),      // not loaded unless undefer(User.bio)
 *
 * `deferred` is kept here, beside the Column rather than in it: it says how the ORM loads the
 * attribute and means nothing to Core or DDL (SQLAlchemy: `mapped_column(deferred=True)`).
 */
import { ArgumentError } from "../../util/errors.js";
import { Column, type ColumnOptions } from "../../schema/column.js";
import type { TypeEngine, TypeValue } from "../../sql/types/type-engine.js";

/** Options of `mappedColumn`: those of `Column`, with `nullable` defaulting to false, and ORM loading. */
export interface MappedColumnOptions<T = unknown> extends ColumnOptions<T> {
  /**
   * Not loaded by default (SQLAlchemy: `deferred=True`): queries leave the column out, and
   * reading the attribute raises until it is loaded with `undefer(User.bio)` in the query or
   * `await session.refresh(obj, ["bio"])`. For large values rarely needed.
   */
  deferred?: boolean;
}

const deferredColumns = new WeakSet<Column<any, any, any>>();

/** Whether a column was declared `mappedColumn(…, { deferred: true })`. */
export function isDeferredColumn(col: Column<any, any, any>): boolean {
  return deferredColumns.has(col);
}

type IsAutoPk<Ty, O> = O extends { primaryKey: true }
  ? O extends { autoincrement: false } | { foreignKey: {} }
    ? false
    : Ty extends TypeEngine<number | bigint>
      ? true
      : false
  : false;

/** The value type of a mapped column: `T`, or `T | null` with `nullable: true` (never for a primary key). */
export type MappedValueOf<Ty, O> = O extends { nullable: true }
  ? O extends { primaryKey: true }
    ? TypeValue<Ty>
    : TypeValue<Ty> | null
  : TypeValue<Ty>;

/** Whether the constructor (and INSERT) may omit it: nullable, defaulted, or an autoincrementing key. */
export type MappedOptionalOf<Ty, O> = O extends { nullable: true }
  ? O extends { primaryKey: true }
    ? IsAutoPk<Ty, O>
    : true
  : O extends { default: {} } | { serverDefault: {} } | { autoincrement: true }
    ? true
    : IsAutoPk<Ty, O>;

/**
 * Phantom on a mapped column with a foreign key: a relationship may fill it at flush
 * (`new Order({ user: ann })`), so the model's constructor doesn't require it.
 */
export interface ForeignKeyed {
  readonly __foreignKeyed: true;
}

/**
 * What `mappedColumn()` returns: a Column (plus the ForeignKeyed phantom with a foreignKey).
 * `mappedColumn`'s signature spells it out instead of naming this alias: a class reference
 * inside an alias, with alias references as type arguments, is a deferred type reference that
 * TypeScript doesn't intern, so every column would get its own `Column<…>` type and the model
 * classes built from them compare structurally (T1: 119 k instantiations instead of 63 k).
 */
export type MappedColumn<Ty, O> = Column<MappedValueOf<Ty, O>, string, MappedOptionalOf<Ty, O>> &
  (O extends { foreignKey: {} } ? ForeignKeyed : unknown);

/**
 * A column of a declarative model, NOT NULL unless `nullable: true`.
 * @example class User extends Base.model("users", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
 */
export function mappedColumn<
  Ty extends TypeEngine<any>,
  const O extends MappedColumnOptions<TypeValue<Ty>> = {},
>(
  type: Ty,
  options?: O,
): Column<MappedValueOf<Ty, O>, string, MappedOptionalOf<Ty, O>> &
  (O extends { foreignKey: {} } ? ForeignKeyed : unknown) {
  const { deferred, ...o } = (options ?? {}) as MappedColumnOptions<any>;
  if (deferred === true && o.primaryKey === true) {
    throw new ArgumentError(
      "mappedColumn(): a primary key column can't be deferred; the ORM identifies rows by it. Remove deferred: true.",
      "ATH-ORM-DEFERRED",
    );
  }
  const col = new Column(type, { ...o, nullable: o.nullable ?? false }) as Column<any, string, any>;
  if (deferred === true) deferredColumns.add(col);
  return col as MappedColumn<Ty, O>; // the same type as the signature's
}
