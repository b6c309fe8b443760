/**
 * Tables, data and helpers shared by the SQL expression language suites.
 */
import { expect } from "vitest";
import {
  Boolean as Bool,
  Column,
  DateTime,
  ForeignKey,
  Integer,
  MetaData,
  Numeric,
  String,
  Table,
  Text,
  insert,
  type ClauseElement,
  type CompileOptions,
  type Engine,
} from "../../src/index.js";
import { MysqlDialect } from "../../src/dialects/mysql/index.js";
import { PostgresDialect } from "../../src/dialects/postgresql/index.js";
import { SqliteDialect } from "../../src/dialects/sqlite/index.js";

export function schema() {
  const metadata = new MetaData();
  const users = new Table("users", metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    name: Column(String(50), { nullable: false }),
    email: Column(String(100)),
    age: Column(Integer),
    isActive: Column(Bool, { name: "is_active", nullable: false, default: true }),
    score: Column(Numeric(10, 2)),
    createdAt: Column(DateTime, { name: "created_at" }),
  });
  const orders = new Table("orders", metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    userId: Column(Integer, { name: "user_id", nullable: false, foreignKey: ForeignKey("users.id") }),
    total: Column(Numeric(10, 2), { nullable: false }),
    status: Column(String(20), { nullable: false }),
    note: Column(Text),
  });
  /** Reserved words and mixed case everywhere. */
  const quoted = new Table("select", metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    from: Column(String(20), { name: "from" }),
    orderNo: Column(Integer, { name: "Order" }),
    userName: Column(String(20), { name: "userName" }),
  });
  /** A tree, for recursive CTEs. */
  const nodes = new Table("nodes", metadata, {
    id: Column(Integer, { primaryKey: true, autoincrement: false }),
    parentId: Column(Integer, { name: "parent_id" }),
    label: Column(String(20), { nullable: false }),
  });
  return { metadata, users, orders, quoted, nodes };
}

export const { metadata, users, orders, quoted, nodes } = schema();

export const USERS = [
  {
    id: 1,
    name: "ann",
    email: "ann@example.com",
    age: 31,
    isActive: true,
    score: "10.50",
    createdAt: new Date("2024-01-02T03:04:05Z"),
  },
  {
    id: 2,
    name: "bob",
    email: null,
    age: 25,
    isActive: true,
    score: "7.25",
    createdAt: new Date("2024-02-03T04:05:06Z"),
  },
  { id: 3, name: "cid", email: "cid@example.com", age: null, isActive: false, score: null, createdAt: null },
  {
    id: 4,
    name: "dee",
    email: "dee@example.org",
    age: 40,
    isActive: true,
    score: "0.00",
    createdAt: new Date("2023-12-31T23:59:59Z"),
  },
  {
    id: 5,
    name: "eve",
    email: "eve_50%@example.com",
    age: 25,
    isActive: false,
    score: "99.99",
    createdAt: new Date("2024-06-01T00:00:00Z"),
  },
];
export const ORDERS = [
  { id: 10, userId: 1, total: "20.00", status: "paid", note: "first" },
  { id: 11, userId: 1, total: "5.50", status: "open", note: null },
  { id: 12, userId: 2, total: "100.00", status: "paid", note: "big" },
  { id: 13, userId: 4, total: "1.25", status: "void", note: null },
  { id: 14, userId: 4, total: "42.00", status: "paid", note: "x" },
];
export const NODES = [
  { id: 1, parentId: null, label: "root" },
  { id: 2, parentId: 1, label: "a" },
  { id: 3, parentId: 1, label: "b" },
  { id: 4, parentId: 2, label: "a1" },
  { id: 5, parentId: 4, label: "a1x" },
  { id: 6, parentId: null, label: "other" },
];

/** Creates the tables (dropping old ones) and loads the data set. */
export async function seed(engine: Engine): Promise<void> {
  await metadata.dropAll(engine);
  await metadata.createAll(engine);
  await engine.begin(async (conn) => {
    await conn.execute(insert(users), USERS);
    await conn.execute(insert(orders), ORDERS);
    await conn.execute(insert(nodes), NODES);
  });
}

export const dialects = {
  sqlite: new SqliteDialect(),
  postgresql: new PostgresDialect(),
  mysql: new MysqlDialect(),
};
export type DialectKey = keyof typeof dialects;

/** The compiled SQL of a statement on one dialect. */
export function compile(stmt: ClauseElement, d: DialectKey, options?: CompileOptions) {
  return dialects[d].compile(stmt as any, options);
}

/** Pins the SQL on each dialect; `mysql` defaults to `sqlite`'s text when omitted (both use `?`). */
export function expectSql(
  stmt: ClauseElement,
  expected: { sqlite: string; postgresql: string; mysql?: string },
  options?: CompileOptions,
): void {
  expect(compile(stmt, "sqlite", options).sql).toBe(expected.sqlite);
  expect(compile(stmt, "postgresql", options).sql).toBe(expected.postgresql);
  expect(compile(stmt, "mysql", options).sql).toBe(expected.mysql ?? expected.sqlite);
}

/** The bound values of a compiled statement, in placeholder order. */
export function bindValues(
  stmt: ClauseElement,
  d: DialectKey = "sqlite",
  options?: CompileOptions,
): unknown[] {
  return compile(stmt, d, options).binds.map((b) => b.value);
}

/** Rows sorted by a key, for comparing results of databases that order differently. */
export function sortBy<T>(rows: readonly T[], key: keyof T): T[] {
  return [...rows].sort((a, b) =>
    (a[key] as any) < (b[key] as any) ? -1 : (a[key] as any) > (b[key] as any) ? 1 : 0,
  );
}
