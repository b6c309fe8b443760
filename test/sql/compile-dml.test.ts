/**
 * INSERT, UPDATE, DELETE and the dialect upserts, compiled on SQLite, PostgreSQL and MySQL.
 */
import { describe, expect, test } from "vitest";
import {
  bindparam,
  Column,
  deleteFrom,
  delete_,
  func,
  insert,
  Integer,
  MetaData,
  select,
  Table,
  update,
} from "../../src/index.js";
import { insert as mysqlInsert } from "../../src/dialects/mysql/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";
import { insert as sqliteInsert } from "../../src/dialects/sqlite/index.js";
import { compile, expectSql, orders, users } from "./fixtures.js";

describe("INSERT", () => {
  test("one row: parameters named after their columns, client defaults applied", () => {
    const stmt = insert(users).values({ id: 1, name: "ann" });
    expectSql(stmt, {
      sqlite: "INSERT INTO users (id, name, is_active) VALUES (?, ?, ?)",
      postgresql: "INSERT INTO users (id, name, is_active) VALUES ($1::INTEGER, $2::VARCHAR, $3)",
    });
    expect(compile(stmt, "sqlite").binds.map((b) => [b.key, b.value])).toEqual([
      ["id", 1],
      ["name", "ann"],
      ["isActive", true],
    ]);
  });
  test("multi-row VALUES", () => {
    const stmt = insert(orders).values([
      { id: 1, userId: 1, total: "1.00", status: "a" },
      { id: 2, userId: 1, total: "2.00", status: "b", note: "n" },
    ]);
    expect(compile(stmt, "postgresql").sql).toBe(
      "INSERT INTO orders (id, user_id, total, status, note) VALUES ($1::INTEGER, $2::INTEGER, $3::NUMERIC, $4::VARCHAR, DEFAULT), ($5::INTEGER, $6::INTEGER, $7::NUMERIC, $8::VARCHAR, $9::VARCHAR)",
    );
    expect(compile(stmt, "mysql").sql).toBe(
      "INSERT INTO orders (id, user_id, total, status, note) VALUES (?, ?, ?, ?, DEFAULT), (?, ?, ?, ?, ?)",
    );
    expect(compile(stmt, "mysql").binds.map((b) => b.key)).toEqual([
      "id_m0",
      "userId_m0",
      "total_m0",
      "status_m0",
      "id_m1",
      "userId_m1",
      "total_m1",
      "status_m1",
      "note_m1",
    ]);
    // SQLite has no DEFAULT keyword in VALUES.
    expect(() => compile(stmt, "sqlite")).toThrow(
      /Row 1 of a multi-row INSERT gives no value for column 'note'/,
    );
    const same = insert(orders).values([
      { id: 1, userId: 1, total: "1.00", status: "a" },
      { id: 2, userId: 1, total: "2.00", status: "b" },
    ]);
    expect(compile(same, "sqlite").sql).toBe(
      "INSERT INTO orders (id, user_id, total, status) VALUES (?, ?, ?, ?), (?, ?, ?, ?)",
    );
  });
  test("executemany: columns from the parameter keys", () => {
    const c = compile(insert(orders), "postgresql", { paramKeys: ["id", "userId", "total", "status"] });
    expect(c.sql).toBe("INSERT INTO orders (id, user_id, total, status) VALUES ($1, $2, $3, $4)");
    expect(c.binds.map((b) => [b.key, b.hasValue])).toEqual([
      ["id", false],
      ["userId", false],
      ["total", false],
      ["status", false],
    ]);
    expect(() => compile(insert(orders), "sqlite", { paramKeys: ["id", "nope"] })).toThrow(
      /Unconsumed column name 'nope' in the insert parameters for table 'orders'. Known columns: id, userId, total, status, note/,
    );
  });
  test("no values: DEFAULT VALUES (MySQL: () VALUES ())", () => {
    const t = new Table("counter", new MetaData(), { id: Column(Integer, { primaryKey: true }) });
    expectSql(insert(t), {
      sqlite: "INSERT INTO counter DEFAULT VALUES",
      postgresql: "INSERT INTO counter DEFAULT VALUES",
      mysql: "INSERT INTO counter () VALUES ()",
    });
  });
  test("from a SELECT, with a CTE inside the SELECT", () => {
    const src = select(users.c.id, users.c.id, func.lower(users.c.name)).where(users.c.age.gt(30));
    const stmt = insert(orders).fromSelect(
      ["id", "userId", "status"],
      src.withOnlyColumns(users.c.id.add(100), users.c.id, func.lower(users.c.name)),
    );
    expectSql(stmt, {
      sqlite:
        "INSERT INTO orders (id, user_id, status) SELECT users.id + ?, users.id, lower(users.name) FROM users WHERE users.age > ?",
      postgresql:
        "INSERT INTO orders (id, user_id, status) SELECT users.id + $1::INTEGER, users.id, lower(users.name) FROM users WHERE users.age > $2::INTEGER",
    });
    const old = select(users.c.id).where(users.c.age.gt(30)).cte("old");
    expect(compile(insert(orders).fromSelect(["userId"], select(old.c.id)), "sqlite").sql).toBe(
      "INSERT INTO orders (user_id) WITH old AS (SELECT users.id FROM users WHERE users.age > ?) SELECT old.id FROM old",
    );
    expect(() => insert(orders).fromSelect(["id", "userId"], select(users.c.id))).toThrow(
      /names 2 columns but the SELECT returns 1/,
    );
  });
  test("RETURNING", () => {
    expectSql(
      insert(orders)
        .values({ id: 1, userId: 1, total: "1", status: "x" })
        .returning(orders.c.id, orders.c.total.label("t")),
      {
        sqlite:
          "INSERT INTO orders (id, user_id, total, status) VALUES (?, ?, ?, ?) RETURNING orders.id, orders.total AS t",
        postgresql:
          "INSERT INTO orders (id, user_id, total, status) VALUES ($1::INTEGER, $2::INTEGER, $3::NUMERIC, $4::VARCHAR) RETURNING orders.id, orders.total AS t",
      },
    );
  });
});

describe("UPDATE", () => {
  test("values and where", () => {
    expectSql(
      update(users)
        .values({ name: "x", age: users.c.age.add(1) })
        .where(users.c.id.eq(1)),
      {
        sqlite: "UPDATE users SET name = ?, age = users.age + ? WHERE users.id = ?",
        postgresql:
          "UPDATE users SET name = $1::VARCHAR, age = users.age + $2::INTEGER WHERE users.id = $3::INTEGER",
      },
    );
  });
  test("executemany: keys named by a bindparam in WHERE are not SET (SQLAlchemy's rule)", () => {
    const stmt = update(users).where(users.c.id.eq(bindparam("userId")));
    const c = compile(stmt, "postgresql", { paramKeys: ["userId", "name"] });
    expect(c.sql).toBe("UPDATE users SET name = $1 WHERE users.id = $2");
    expect(c.binds.map((b) => b.key)).toEqual(["name", "userId"]);
  });
  test("no values is an error that says what to do", () => {
    expect(() => compile(update(users).where(users.c.id.eq(1)), "sqlite")).toThrow(
      /update\(\) on table 'users' has no values to SET/,
    );
  });
  test("WHERE on another table: UPDATE … FROM, MySQL multi-table UPDATE", () => {
    const stmt = update(orders)
      .values({ status: "vip" })
      .where(orders.c.userId.eq(users.c.id), users.c.age.gt(30));
    expectSql(stmt, {
      sqlite: "UPDATE orders SET status = ? FROM users WHERE orders.user_id = users.id AND users.age > ?",
      postgresql:
        "UPDATE orders SET status = $1::VARCHAR FROM users WHERE orders.user_id = users.id AND users.age > $2::INTEGER",
      mysql: "UPDATE orders, users SET orders.status = ? WHERE orders.user_id = users.id AND users.age > ?",
    });
  });
  test("RETURNING (not on MySQL/MariaDB)", () => {
    const stmt = update(users).values({ age: 1 }).where(users.c.id.eq(1)).returning(users.c.id, users.c.age);
    expect(compile(stmt, "postgresql").sql).toBe(
      "UPDATE users SET age = $1::INTEGER WHERE users.id = $2::INTEGER RETURNING users.id, users.age",
    );
    expect(compile(stmt, "sqlite").sql).toBe(
      "UPDATE users SET age = ? WHERE users.id = ? RETURNING users.id, users.age",
    );
    expect(() => compile(stmt, "mysql")).toThrow(/RETURNING on UPDATE is not supported by the mysql dialect/);
  });
});

describe("DELETE", () => {
  test("delete_ and its alias deleteFrom", () => {
    expect(deleteFrom).toBe(delete_);
    expectSql(deleteFrom(orders).where(orders.c.status.eq("void")).returning(orders.c.id), {
      sqlite: "DELETE FROM orders WHERE orders.status = ? RETURNING orders.id",
      postgresql: "DELETE FROM orders WHERE orders.status = $1::VARCHAR RETURNING orders.id",
    });
    expectSql(delete_(orders), { sqlite: "DELETE FROM orders", postgresql: "DELETE FROM orders" });
  });
  test("WHERE on another table: USING (PostgreSQL, MySQL); refused on SQLite with the subquery to use", () => {
    const stmt = delete_(orders).where(orders.c.userId.eq(users.c.id), users.c.name.eq("bob"));
    expect(compile(stmt, "postgresql").sql).toBe(
      "DELETE FROM orders USING users WHERE orders.user_id = users.id AND users.name = $1::VARCHAR",
    );
    expect(compile(stmt, "mysql").sql).toBe(
      "DELETE FROM orders USING orders, users WHERE orders.user_id = users.id AND users.name = ?",
    );
    expect(() => compile(stmt, "sqlite")).toThrow(/Use a subquery/);
  });
});

describe("upserts, from each dialect's package", () => {
  const rows = [
    { id: 1, name: "ann", isActive: true },
    { id: 2, name: "bob", isActive: false },
  ];
  test("PostgreSQL ON CONFLICT DO UPDATE with excluded", () => {
    const stmt = pgInsert(users).values(rows);
    const up = stmt.onConflictDoUpdate({
      indexElements: [users.c.id],
      set: { name: stmt.excluded.name, age: users.c.age.add(1) },
      where: users.c.isActive,
    });
    expect(compile(up, "postgresql").sql).toBe(
      "INSERT INTO users (id, name, is_active) VALUES ($1::INTEGER, $2::VARCHAR, $3::BOOLEAN), ($4::INTEGER, $5::VARCHAR, $6::BOOLEAN) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = users.age + $7::INTEGER WHERE users.is_active",
    );
    expect(
      compile(stmt.onConflictDoUpdate({ constraint: "users_pkey", set: { name: "x" } }), "postgresql").sql,
    ).toContain("ON CONFLICT ON CONSTRAINT users_pkey DO UPDATE SET name = $7::VARCHAR");
    expect(compile(stmt.onConflictDoNothing(), "postgresql").sql).toMatch(/ON CONFLICT DO NOTHING$/);
    expect(
      compile(
        stmt.onConflictDoNothing({ indexElements: ["name"], indexWhere: users.c.age.gt(1) }),
        "postgresql",
      ).sql,
    ).toMatch(/ON CONFLICT \(name\) WHERE age > \$7::INTEGER DO NOTHING$/);
    expect(compile(stmt.onConflictDoNothing().returning(users.c.id), "postgresql").sql).toMatch(
      /ON CONFLICT DO NOTHING RETURNING users.id$/,
    );
  });
  test("SQLite ON CONFLICT, same shape", () => {
    const stmt = sqliteInsert(users).values(rows[0]!);
    expect(
      compile(stmt.onConflictDoUpdate({ indexElements: ["id"], set: { name: stmt.excluded.name } }), "sqlite")
        .sql,
    ).toBe(
      "INSERT INTO users (id, name, is_active) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
    );
    expect(() =>
      compile(stmt.onConflictDoUpdate({ constraint: "pk", set: { name: "x" } }), "sqlite"),
    ).toThrow(/ON CONFLICT ON CONSTRAINT is not supported/);
  });
  test("MySQL ON DUPLICATE KEY UPDATE with VALUES()", () => {
    const stmt = mysqlInsert(users).values(rows);
    expect(compile(stmt.onDuplicateKeyUpdate({ name: stmt.inserted.name, age: 3 }), "mysql").sql).toBe(
      "INSERT INTO users (id, name, is_active) VALUES (?, ?, ?), (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name), age = ?",
    );
  });
  test("executemany upsert: the bulk_update_users pattern", () => {
    const stmt = mysqlInsert(users);
    const c = compile(stmt.onDuplicateKeyUpdate({ name: stmt.inserted.name }), "mysql", {
      paramKeys: ["id", "name", "isActive"],
    });
    expect(c.sql).toBe(
      "INSERT INTO users (id, name, is_active) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)",
    );
    const p = pgInsert(users);
    expect(
      compile(p.onConflictDoUpdate({ indexElements: ["id"], set: { name: p.excluded.name } }), "postgresql", {
        paramKeys: ["id", "name"],
      }).sql,
    ).toBe(
      "INSERT INTO users (id, name, is_active) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
    );
  });
  test("the other dialects refuse a dialect's upsert clause", () => {
    const stmt = pgInsert(users).values(rows[0]!).onConflictDoNothing();
    expect(() => compile(stmt, "mysql")).toThrow(
      /ON CONFLICT DO NOTHING is not supported by the mysql dialect/,
    );
    const m = mysqlInsert(users).values(rows[0]!);
    expect(() => compile(m.onDuplicateKeyUpdate({ name: "x" }), "postgresql")).toThrow(
      /ON DUPLICATE KEY UPDATE is not supported by the postgresql dialect/,
    );
  });
  test("an upsert SET with an unknown column is an error", () => {
    const stmt = pgInsert(users);
    expect(() => stmt.onConflictDoUpdate({ indexElements: ["id"], set: { nope: 1 } as any })).toThrow(
      /Unconsumed column name 'nope'/,
    );
    expect(() => stmt.onConflictDoUpdate({ set: { name: "x" } } as any)).toThrow(
      /needs indexElements or constraint/,
    );
  });
});
