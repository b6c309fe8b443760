/**
 * Tables shared by the DDL compile tests of the three dialects.
 */
import {
  BigInteger,
  Boolean as Bool,
  CheckConstraint,
  Column,
  DateTime,
  Enum,
  ForeignKey,
  ForeignKeyConstraint,
  Index,
  Integer,
  MetaData,
  PrimaryKeyConstraint,
  SmallInteger,
  String,
  Table,
  UniqueConstraint,
  func,
  sql,
  text,
  type Dialect,
} from "../../src/index.js";

export const CONVENTION = {
  ix: "ix_%(column_0_label)s",
  uq: "uq_%(table_name)s_%(column_0_N_name)s",
  ck: "ck_%(table_name)s_%(constraint_name)s",
  fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
  pk: "pk_%(table_name)s",
};

/** A plain schema: no naming convention. */
export function plainSchema() {
  const metadata = new MetaData();
  const users = new Table("users", metadata, {
    id: Column(Integer, { primaryKey: true }),
    email: Column(String(255), { nullable: false, unique: true }),
    name: Column(String(50), { index: true }),
    isAdmin: Column(Bool, { name: "is_admin", nullable: false, serverDefault: false }),
  });
  const posts = new Table(
    "posts",
    metadata,
    {
      id: Column(BigInteger, { primaryKey: true }),
      authorId: Column(Integer, {
        name: "author_id",
        nullable: false,
        foreignKey: ForeignKey("users.id", { ondelete: "CASCADE", onupdate: "restrict" }),
      }),
      title: Column(String(200), { nullable: false, serverDefault: "it's new" }),
      views: Column(Integer, { nullable: false, serverDefault: 0 }),
      createdAt: Column(DateTime, { name: "created_at", serverDefault: func.now() }),
      updatedAt: Column(DateTime, { name: "updated_at", serverDefault: text("CURRENT_TIMESTAMP") }),
    },
    CheckConstraint(sql`views >= 0`, { name: "views_positive" }),
    Index("ix_posts_title_created", "title", "createdAt"),
  );
  const lines = new Table(
    "lines",
    metadata,
    {
      postId: Column(BigInteger, { name: "post_id", nullable: false }),
      lineNo: Column(SmallInteger, { name: "line_no", nullable: false }),
      body: Column(String(500)),
    },
    PrimaryKeyConstraint("postId", "lineNo"),
    ForeignKeyConstraint(["postId"], ["posts.id"], { name: "fk_lines_post" }),
    UniqueConstraint("postId", "body", { name: "uq_lines_body" }),
  );
  return { metadata, users, posts, lines };
}

/** The same kind of schema under a naming convention. */
export function conventionSchema() {
  const metadata = new MetaData({ namingConvention: CONVENTION });
  const accounts = new Table("accounts", metadata, {
    id: Column(Integer, { primaryKey: true }),
    email: Column(String(100), { nullable: false, unique: true }),
    tier: Column(Enum(["free", "pro"], { name: "account_tier" }), { nullable: false }),
    balance: Column(Integer, { nullable: false }),
    ownerId: Column(Integer, { name: "owner_id", foreignKey: "accounts.id" }),
  });
  accounts.appendConstraint(CheckConstraint(accounts.c.balance.ge(0), { name: "balance_positive" }));
  Index(null, accounts.c.ownerId);
  return { metadata, accounts };
}

export function ddl(dialect: Dialect, element: unknown): string {
  return dialect.compile(element as Parameters<Dialect["compile"]>[0]).sql;
}
