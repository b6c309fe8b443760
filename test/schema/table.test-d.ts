import { describe, expectTypeOf, test } from "vitest";
import {
  BigInteger,
  Column,
  DateTime,
  Enum,
  ForeignKey,
  Integer,
  MetaData,
  String,
  Table,
  Text,
  func,
  insert,
  select,
  update,
  type InsertValuesOf,
} from "../../src/index.js";

const metadata = new MetaData();
const users = new Table("users", metadata, {
  id: Column(Integer, { primaryKey: true }),
  email: Column(String(255), { nullable: false, unique: true }),
  nickname: Column(String(50)),
  status: Column(Enum(["active", "banned"]), { nullable: false, default: "active" }),
  createdAt: Column(DateTime, { name: "created_at", nullable: false, serverDefault: func.now() }),
  score: Column(Integer, { nullable: false, default: () => 0 }),
  bio: Column(Text, { nullable: true }),
});
const orders = new Table("orders", metadata, {
  id: Column(BigInteger, { primaryKey: true }),
  userId: Column(Integer, { name: "user_id", nullable: false, foreignKey: ForeignKey("users.id") }),
});
const memberships = new Table("memberships", metadata, {
  userId: Column(Integer, { primaryKey: true, foreignKey: "users.id" }),
  code: Column(Integer, { primaryKey: true, autoincrement: false }),
});

describe("column types", () => {
  test("value types follow nullability", () => {
    expectTypeOf(users.c.id).toEqualTypeOf<Column<number, "id", true>>();
    expectTypeOf(users.c.email).toEqualTypeOf<Column<string, "email", false>>();
    expectTypeOf(users.c.nickname).toEqualTypeOf<Column<string | null, "nickname", true>>();
    expectTypeOf(users.c.status).toEqualTypeOf<Column<"active" | "banned", "status", true>>();
    expectTypeOf(users.c.createdAt).toEqualTypeOf<Column<Date, "createdAt", true>>();
    expectTypeOf(users.c.bio).toEqualTypeOf<Column<string | null, "bio", true>>();
    expectTypeOf(orders.c.id).toEqualTypeOf<Column<bigint, "id", true>>();
  });
  test("a foreign key or autoincrement: false makes an integer primary key required", () => {
    expectTypeOf(memberships.c.userId).toEqualTypeOf<Column<number, "userId", false>>();
    expectTypeOf(memberships.c.code).toEqualTypeOf<Column<number, "code", false>>();
  });
  test("a bare column is nullable and optional", () => {
    const c = Column(String(10));
    expectTypeOf(c).toEqualTypeOf<Column<string | null, string, true>>();
  });
  test("defaults must match the column type", () => {
    // @ts-expect-error a number is not a string default
    Column(String(10), { default: 5 });
    // @ts-expect-error the default function must return the column type
    Column(Integer, { default: () => "x" });
    Column(DateTime, { default: () => new Date(), onupdate: () => new Date() });
  });
  test("unknown column keys are errors", () => {
    // @ts-expect-error no such column
    void users.c.nope;
  });
});

describe("rows", () => {
  test("select(columns) row type", () => {
    const stmt = select(users.c.id, users.c.email, users.c.nickname);
    expectTypeOf(stmt)
      .toHaveProperty("__row")
      .toEqualTypeOf<{ id: number; email: string; nickname: string | null } | undefined>();
  });
  test("select(table) row type", () => {
    type Row = NonNullable<
      typeof select<[typeof orders]> extends (...a: any[]) => infer S
        ? S extends { __row?: infer R }
          ? R
          : never
        : never
    >;
    expectTypeOf<Row>().toEqualTypeOf<{ id: bigint; userId: number }>();
  });
});

describe("insert values", () => {
  test("required and optional columns", () => {
    type V = InsertValuesOf<typeof users.c>;
    expectTypeOf<V>().toHaveProperty("email");
    expectTypeOf<Pick<V, "email">>().toEqualTypeOf<{
      email: string | import("../../src/index.js").ColumnElement<string>;
    }>();
    // Everything but email has a default, autoincrements or is nullable.
    insert(users).values({ email: "a@x.io" });
    insert(users).values({ email: "a@x.io", nickname: null, score: 3, status: "banned" });
    // @ts-expect-error email is required
    insert(users).values({ nickname: "x" });
    // @ts-expect-error wrong enum value
    insert(users).values({ email: "a@x.io", status: "deleted" });
    // @ts-expect-error NOT NULL column takes no null
    insert(users).values({ email: null });
  });
  test("foreign key and non-autoincrement keys are required", () => {
    insert(memberships).values({ userId: 1, code: 2 });
    // @ts-expect-error code is required
    insert(memberships).values({ userId: 1 });
    insert(orders).values({ userId: 1 });
  });
  test("update takes any subset", () => {
    update(users).values({ nickname: "n" });
  });
});
