import { describe, expect, test } from "vitest";
import {
  AddConstraint,
  BigInteger,
  Column,
  CreateIndex,
  CreateTable,
  DropConstraint,
  DropIndex,
  DropTable,
  Enum,
  ForeignKey,
  Index,
  Integer,
  MetaData,
  SetTableComment,
  String,
  Table,
  UnsupportedFeatureError,
  CompileError,
  func,
  sql,
} from "../../src/index.js";
import { SqliteDialect } from "../../src/dialects/sqlite/index.js";
import { conventionSchema, ddl, plainSchema } from "./fixtures.js";

const d = new SqliteDialect();

describe("SQLite DDL", () => {
  test("CREATE TABLE: integer primary key inline, defaults, unique, foreign key, check", () => {
    const { users, posts, lines } = plainSchema();
    expect(ddl(d, CreateTable(users))).toBe(
      "CREATE TABLE users (\n" +
        "\tid INTEGER NOT NULL PRIMARY KEY,\n" +
        "\temail VARCHAR(255) NOT NULL,\n" +
        "\tname VARCHAR(50),\n" +
        "\tis_admin BOOLEAN DEFAULT 0 NOT NULL,\n" +
        "\tUNIQUE (email)\n" +
        ")",
    );
    // A BigInteger autoincrement key is spelled INTEGER, the only type that aliases the rowid.
    expect(ddl(d, CreateTable(posts))).toBe(
      "CREATE TABLE posts (\n" +
        "\tid INTEGER NOT NULL PRIMARY KEY,\n" +
        "\tauthor_id INTEGER NOT NULL,\n" +
        "\ttitle VARCHAR(200) DEFAULT 'it''s new' NOT NULL,\n" +
        "\tviews INTEGER DEFAULT 0 NOT NULL,\n" +
        "\tcreated_at DATETIME DEFAULT CURRENT_TIMESTAMP,\n" +
        "\tupdated_at DATETIME DEFAULT CURRENT_TIMESTAMP,\n" +
        "\tFOREIGN KEY(author_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE RESTRICT,\n" +
        "\tCONSTRAINT views_positive CHECK (views >= 0)\n" +
        ")",
    );
    expect(ddl(d, CreateTable(lines))).toBe(
      "CREATE TABLE lines (\n" +
        "\tpost_id BIGINT NOT NULL,\n" +
        "\tline_no SMALLINT NOT NULL,\n" +
        "\tbody VARCHAR(500),\n" +
        "\tPRIMARY KEY (post_id, line_no),\n" +
        "\tCONSTRAINT fk_lines_post FOREIGN KEY(post_id) REFERENCES posts (id),\n" +
        "\tCONSTRAINT uq_lines_body UNIQUE (post_id, body)\n" +
        ")",
    );
  });

  test("naming convention names, and Enum as VARCHAR with a named CHECK", () => {
    const { accounts } = conventionSchema();
    expect(ddl(d, CreateTable(accounts))).toBe(
      "CREATE TABLE accounts (\n" +
        "\tid INTEGER NOT NULL CONSTRAINT pk_accounts PRIMARY KEY,\n" +
        "\temail VARCHAR(100) NOT NULL,\n" +
        "\ttier VARCHAR(4) NOT NULL,\n" +
        "\tbalance INTEGER NOT NULL,\n" +
        "\towner_id INTEGER,\n" +
        "\tCONSTRAINT uq_accounts_email UNIQUE (email),\n" +
        "\tCONSTRAINT ck_accounts_account_tier CHECK (tier IN ('free', 'pro')),\n" +
        "\tCONSTRAINT fk_accounts_owner_id_accounts FOREIGN KEY(owner_id) REFERENCES accounts (id),\n" +
        "\tCONSTRAINT ck_accounts_balance_positive CHECK (balance >= 0)\n" +
        ")",
    );
    expect(accounts.indexes.map((i) => ddl(d, CreateIndex(i)))).toEqual([
      "CREATE INDEX ix_accounts_owner_id ON accounts (owner_id)",
    ]);
  });

  test("an unnamed Enum's CHECK is unnamed without a ck convention", () => {
    const t = new Table("t", new MetaData(), {
      id: Column(Integer, { primaryKey: true }),
      s: Column(Enum(["a", "b"])),
    });
    expect(ddl(d, CreateTable(t))).toBe(
      "CREATE TABLE t (\n\tid INTEGER NOT NULL PRIMARY KEY,\n\ts VARCHAR(1),\n\tCHECK (s IN ('a', 'b'))\n)",
    );
    const noCheck = new Table("u", new MetaData(), { s: Column(Enum(["a"], { createConstraint: false })) });
    expect(ddl(d, CreateTable(noCheck))).toBe("CREATE TABLE u (\n\ts VARCHAR(1)\n)");
  });

  test("sqliteAutoincrement adds AUTOINCREMENT", () => {
    const t = new Table(
      "t",
      new MetaData(),
      { id: Column(BigInteger, { primaryKey: true }), x: Column(Integer) },
      { sqliteAutoincrement: true },
    );
    expect(ddl(d, CreateTable(t))).toBe(
      "CREATE TABLE t (\n\tid INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,\n\tx INTEGER\n)",
    );
  });

  test("autoincrement: false keeps a table-level primary key; a composite autoincrement key is an error", () => {
    const t = new Table("t", new MetaData(), {
      id: Column(Integer, { primaryKey: true, autoincrement: false }),
    });
    expect(ddl(d, CreateTable(t))).toBe("CREATE TABLE t (\n\tid INTEGER NOT NULL,\n\tPRIMARY KEY (id)\n)");
    const c = new Table("c", new MetaData(), {
      a: Column(Integer, { primaryKey: true, autoincrement: true }),
      b: Column(Integer, { primaryKey: true }),
    });
    expect(() => ddl(d, CreateTable(c))).toThrow(
      /SQLite does not support autoincrement for composite primary keys/,
    );
  });

  test("expression server defaults are parenthesised", () => {
    const t = new Table("t", new MetaData(), {
      a: Column(Integer, { serverDefault: sql`1 + 1` }),
      b: Column(String(10), { serverDefault: func.lower("X") }),
      c: Column(Integer, { serverDefault: -1 }),
    });
    expect(ddl(d, CreateTable(t))).toBe(
      "CREATE TABLE t (\n\ta INTEGER DEFAULT (1 + 1),\n\tb VARCHAR(10) DEFAULT (lower('X')),\n\tc INTEGER DEFAULT -1\n)",
    );
  });

  test("foreign keys stay inline even with useAlter; ALTER TABLE constraints are unsupported", () => {
    const md = new MetaData();
    new Table("a", md, { id: Column(Integer, { primaryKey: true }) });
    const b = new Table("b", md, {
      aId: Column(Integer, {
        name: "a_id",
        foreignKey: ForeignKey("a.id", { useAlter: true, name: "fk_b_a" }),
      }),
    });
    expect(ddl(d, CreateTable(b))).toBe(
      "CREATE TABLE b (\n\ta_id INTEGER,\n\tCONSTRAINT fk_b_a FOREIGN KEY(a_id) REFERENCES a (id)\n)",
    );
    const fk = b.foreignKeyConstraints[0]!;
    expect(() => ddl(d, AddConstraint(fk))).toThrow(UnsupportedFeatureError);
    expect(() => ddl(d, DropConstraint(fk))).toThrow(UnsupportedFeatureError);
    expect(() => ddl(d, SetTableComment(b))).toThrow(UnsupportedFeatureError);
  });

  test("indexes: unique, expression, descending, partial; DROP INDEX and DROP TABLE", () => {
    const md = new MetaData();
    const t = new Table("people", md, {
      id: Column(Integer, { primaryKey: true }),
      email: Column(String(100)),
      age: Column(Integer),
    });
    const ix1 = Index("ix_people_email", t.c.email, { unique: true });
    const ix2 = Index("ix_people_lower_email", func.lower(t.c.email));
    const ix3 = Index("ix_people_age_desc", t.c.age.desc(), t.c.email);
    const ix4 = Index("ix_people_adults", t.c.email, { where: t.c.age.ge(18) });
    expect(t.indexes).toEqual([ix1, ix2, ix3, ix4]);
    expect(ddl(d, CreateIndex(ix1))).toBe("CREATE UNIQUE INDEX ix_people_email ON people (email)");
    expect(ddl(d, CreateIndex(ix2))).toBe("CREATE INDEX ix_people_lower_email ON people (lower(email))");
    expect(ddl(d, CreateIndex(ix3))).toBe("CREATE INDEX ix_people_age_desc ON people (age DESC, email)");
    expect(ddl(d, CreateIndex(ix4))).toBe("CREATE INDEX ix_people_adults ON people (email) WHERE age >= 18");
    expect(ddl(d, CreateIndex(ix1, { ifNotExists: true }))).toBe(
      "CREATE UNIQUE INDEX IF NOT EXISTS ix_people_email ON people (email)",
    );
    expect(ddl(d, DropIndex(ix1))).toBe("DROP INDEX ix_people_email");
    expect(ddl(d, DropIndex(ix1, { ifExists: true }))).toBe("DROP INDEX IF EXISTS ix_people_email");
    expect(ddl(d, DropTable(t))).toBe("DROP TABLE people");
    expect(ddl(d, DropTable(t, { ifExists: true }))).toBe("DROP TABLE IF EXISTS people");
    expect(ddl(d, CreateTable(t, { ifNotExists: true }))).toMatch(/^CREATE TABLE IF NOT EXISTS people \(/);
  });

  test("names that need quoting are quoted", () => {
    const t = new Table("Order", new MetaData(), {
      id: Column(Integer, { primaryKey: true }),
      userName: Column(String(20)),
    });
    expect(ddl(d, CreateTable(t))).toBe(
      'CREATE TABLE "Order" (\n\tid INTEGER NOT NULL PRIMARY KEY,\n\t"userName" VARCHAR(20)\n)',
    );
  });

  test("compiled DDL is of kind ddl with no parameters", () => {
    const { users } = plainSchema();
    const c = d.compile(CreateTable(users));
    expect(c.kind).toBe("ddl");
    expect(c.binds).toEqual([]);
    expect(c.returnsRows).toBe(false);
  });

  test("an unnamed index without an ix convention can't be created", () => {
    const md = new MetaData({ namingConvention: { ix: undefined } });
    const t = new Table("t", md, { a: Column(Integer) });
    const ix = Index(null, t.c.a);
    expect(() => ddl(d, CreateIndex(ix))).toThrow(CompileError);
  });
});
