/**
 * Models used across the migrate suites: the seed's `users` table (001_create_users) and a
 * small shop around it, with every kind of column, constraint and index autogenerate compares.
 */
import {
  BigInteger,
  Boolean as Bool,
  CheckConstraint,
  Column,
  Date as DateT,
  DateTime,
  Enum,
  ForeignKey,
  Index,
  Integer,
  JSON as Json,
  LargeBinary,
  MetaData,
  Numeric,
  String as Str,
  Table,
  Text,
  Time,
  UniqueConstraint,
  Uuid,
  func,
  text,
  type Engine,
} from "../../src/index.js";

/** The seed's users table, as a model. */
export function usersTable(md: MetaData): Table {
  return new Table(
    "users",
    md,
    {
      id: Column(Integer, { primaryKey: true }),
      username: Column(Str(50), { nullable: false }),
      email: Column(Str(255), { nullable: false }),
      password_hash: Column(Str(255), { nullable: false }),
      first_name: Column(Str(100)),
      last_name: Column(Str(100)),
      is_active: Column(Bool, { nullable: false }),
      is_admin: Column(Bool, { nullable: false }),
      created_at: Column(DateTime, { nullable: false, serverDefault: func.now() }),
      updated_at: Column(DateTime),
      last_login: Column(DateTime),
    },
    Index("idx_email", "email", { unique: true }),
    Index("idx_username", "username", { unique: true }),
    Index("idx_active_created", "is_active", "created_at"),
    { mysqlEngine: "InnoDB", mysqlCharset: "utf8mb4" },
  );
}

/** Users plus a shop: every type Athanor has a portable spelling for, FKs, uniques, checks. */
export function shopMetadata(): MetaData {
  const md = new MetaData();
  usersTable(md);
  new Table(
    "products",
    md,
    {
      id: Column(Integer, { primaryKey: true }),
      sku: Column(Str(40), { nullable: false, unique: true }),
      name: Column(Str(200), { nullable: false, comment: "display name" }),
      price: Column(Numeric(10, 2), { nullable: false, serverDefault: "0" }),
      stock: Column(Integer, { nullable: false, serverDefault: text("0") }),
      description: Column(Text),
      status: Column(Enum(["draft", "active", "retired"], { name: "product_status" }), { nullable: false }),
      attrs: Column(Json()),
      image: Column(LargeBinary),
      released_on: Column(DateT),
      opens_at: Column(Time),
      token: Column(Uuid),
      views: Column(BigInteger),
    },
    CheckConstraint("price >= 0", { name: "ck_products_price" }),
    { comment: "things we sell" },
  );
  new Table(
    "orders",
    md,
    {
      id: Column(Integer, { primaryKey: true }),
      user_id: Column(Integer, {
        nullable: false,
        foreignKey: ForeignKey("users.id", { ondelete: "CASCADE", name: "fk_orders_user" }),
      }),
      number: Column(Str(30), { nullable: false }),
      placed_at: Column(DateTime, { nullable: false }),
    },
    UniqueConstraint("user_id", "number", { name: "uq_orders_user_number" }),
    Index("ix_orders_placed", "placed_at"),
  );
  new Table("order_items", md, {
    order_id: Column(Integer, {
      primaryKey: true,
      foreignKey: ForeignKey("orders.id", { ondelete: "CASCADE", name: "fk_items_order" }),
    }),
    product_id: Column(Integer, {
      primaryKey: true,
      foreignKey: ForeignKey("products.id", { name: "fk_items_product" }),
    }),
    quantity: Column(Integer, { nullable: false }),
  });
  return md;
}

/** Drops every table (and the PostgreSQL enum types they use): reflect, then dropAll. */
export async function emptyDatabase(engine: Engine): Promise<void> {
  const md = new MetaData();
  await md.reflect(engine);
  await md.dropAll(engine);
}
