/**
 * The schema layer's public surface (re-exported by the package root). Every construct can be
 * called with or without `new`, as SQLAlchemy's are plain calls: `Column(Integer)`,
 * `new Table(...)`, `Index("ix", users.c.email)`.
 */
import type { ColumnMap } from "../sql/selectable.js";
import type { TypeEngine, TypeValue } from "../sql/types/type-engine.js";
import {
  Column as ColumnClass,
  type ColumnOptions,
  type ColumnValueOf,
  type InsertOptionalOf,
} from "./column.js";
import {
  CheckConstraint as CheckConstraintClass,
  ForeignKeyConstraint as ForeignKeyConstraintClass,
  PrimaryKeyConstraint as PrimaryKeyConstraintClass,
  UniqueConstraint as UniqueConstraintClass,
} from "./constraints.js";
import { constructible, type Constructible } from "./constructible.js";
import { ForeignKey as ForeignKeyClass } from "./foreign-key.js";
import { Index as IndexClass } from "./indexes.js";
import { MetaData as MetaDataClass } from "./metadata.js";
import { Table as TableClass, type BoundColumns, type ColumnSpec, type TableArg } from "./table.js";

/** How `Column(type, options)` is typed: value type and insert-optionality come from the options. */
export interface ColumnFactory {
  <Ty extends TypeEngine<any>, const O extends ColumnOptions<TypeValue<Ty>> = {}>(
    type: Ty,
    options?: O,
  ): ColumnClass<ColumnValueOf<Ty, O>, string, InsertOptionalOf<Ty, O>>;
  new <Ty extends TypeEngine<any>, const O extends ColumnOptions<TypeValue<Ty>> = {}>(
    type: Ty,
    options?: O,
  ): ColumnClass<ColumnValueOf<Ty, O>, string, InsertOptionalOf<Ty, O>>;
  readonly prototype: ColumnClass<any, any, any>;
}

/**
 * A table column. Nullable unless `nullable: false` or `primaryKey: true`; the value type follows.
 * @example
 * Column(Integer, { primaryKey: true })                       // Column<number, …>, optional in insert (autoincrement)
 * Column(String(255), { nullable: false, unique: true })      // Column<string, …>, required in insert
 * Column(DateTime, { name: "created_at", serverDefault: func.now() })
 */
export const Column: ColumnFactory = constructible(ColumnClass) as ColumnFactory;
export type Column<T = unknown, K extends string = string, O extends boolean = boolean> = ColumnClass<
  T,
  K,
  O
>;

/** How `new Table(name, metadata, columns, ...args)` is typed: `table.c.<key>` are the columns, keyed. */
export interface TableFactory {
  new <N extends string, S extends ColumnSpec>(
    name: N,
    metadata: MetaDataClass,
    columns: S,
    ...args: TableArg[]
  ): TableClass<N, BoundColumns<S>>;
  <N extends string, S extends ColumnSpec>(
    name: N,
    metadata: MetaDataClass,
    columns: S,
    ...args: TableArg[]
  ): TableClass<N, BoundColumns<S>>;
  readonly prototype: TableClass<any, any>;
}

/**
 * A table: `new Table(name, metadata, { key: Column(...) }, ...constraintsAndIndexes, options?)`.
 * Options: `{ schema, comment, extendExisting, mysqlEngine, mysqlCharset, mysqlCollate, sqliteAutoincrement }`.
 * @example
 * const users = new Table("users", metadata, {
 *   id: Column(Integer, { primaryKey: true }),
 *   email: Column(String(255), { nullable: false, unique: true }),
 * }, { comment: "registered users" });
 * select(users.c.id, users.c.email)  // rows: { id: number; email: string }
 */
export const Table: TableFactory = constructible(TableClass) as TableFactory;
export type Table<N extends string = string, C extends ColumnMap = ColumnMap> = TableClass<N, C>;

/** A collection of tables and their naming convention. @example const metadata = new MetaData({ schema: "app" }) */
export const MetaData: Constructible<typeof MetaDataClass> = constructible(MetaDataClass) as any;
export type MetaData = MetaDataClass;

/** A foreign key on a column: `ForeignKey("users.id", { ondelete: "CASCADE" })` or `ForeignKey(() => users.c.id)`. */
export const ForeignKey: Constructible<typeof ForeignKeyClass> = constructible(ForeignKeyClass) as any;
export type ForeignKey = ForeignKeyClass;

/** PRIMARY KEY over columns given by key: `PrimaryKeyConstraint("orderId", "productId", { name })`. */
export const PrimaryKeyConstraint: Constructible<typeof PrimaryKeyConstraintClass> = constructible(
  PrimaryKeyConstraintClass,
) as any;
export type PrimaryKeyConstraint = PrimaryKeyConstraintClass;
/** UNIQUE over columns: `UniqueConstraint("tenantId", "email")`. */
export const UniqueConstraint: Constructible<typeof UniqueConstraintClass> = constructible(
  UniqueConstraintClass,
) as any;
export type UniqueConstraint = UniqueConstraintClass;
/** CHECK (condition): `CheckConstraint(products.c.price.ge(0), { name: "price_positive" })` or `CheckConstraint("price >= 0")`. */
export const CheckConstraint: Constructible<typeof CheckConstraintClass> = constructible(
  CheckConstraintClass,
) as any;
export type CheckConstraint = CheckConstraintClass;
/** Composite or single foreign key: `ForeignKeyConstraint(["a", "b"], ["t.a", "t.b"], { ondelete: "CASCADE" })`. */
export const ForeignKeyConstraint: Constructible<typeof ForeignKeyConstraintClass> = constructible(
  ForeignKeyConstraintClass,
) as any;
export type ForeignKeyConstraint = ForeignKeyConstraintClass;
/** An index: `Index("ix_users_email", users.c.email, { unique: true })`. */
export const Index: Constructible<typeof IndexClass> = constructible(IndexClass) as any;
export type Index = IndexClass;

export { Constraint } from "./constraints.js";
export type { ColumnRef, ConstraintOptions, ForeignKeyConstraintOptions } from "./constraints.js";
export type {
  ColumnOptions,
  ColumnValueOf,
  InsertOptionalOf,
  ClientDefault,
  ServerDefaultArg,
  ServerDefault,
} from "./column.js";
export type { ForeignKeyOptions, ForeignKeyTarget, ReferentialAction } from "./foreign-key.js";
export type { IndexOptions, IndexExpression } from "./indexes.js";
export type { TableOptions, TableArg, ColumnSpec, BoundColumns } from "./table.js";
export type { MetaDataOptions, CreateDropOptions } from "./metadata.js";
export type { ReflectOptions } from "./reflect-hook.js";
export { conv, Conv, DEFAULT_NAMING_CONVENTION, truncateName } from "./naming.js";
export type { NamingConvention, ConventionToken, ConventionKey, SchemaItemName } from "./naming.js";
export { sortTablesAndConstraints, type SortedTables } from "./sort.js";
export {
  DdlElement,
  CreateTable,
  DropTable,
  CreateIndex,
  DropIndex,
  AddConstraint,
  DropConstraint,
  CreateEnumType,
  DropEnumType,
  SetTableComment,
  SetColumnComment,
} from "./ddl.js";
export { DdlCompiler, type DdlDialect, type NamedEnumType } from "./ddl-compiler.js";
export type { DdlBind, DdlConnection, DdlEngine } from "./bind.js";
