import { describe, expect, test } from "vitest";
import {
  AddConstraint,
  CheckConstraint,
  Column,
  CreateIndex,
  CreateTable,
  DateTime,
  DropConstraint,
  DropIndex,
  Enum,
  ForeignKey,
  Index,
  Integer,
  MetaData,
  PrimaryKeyConstraint,
  SetColumnComment,
  SetTableComment,
  String,
  Table,
  Text,
  UniqueConstraint,
  UnsupportedFeatureError,
  func,
  sql,
} from "../../src/index.js";
import { MysqlDialect } from "../../src/dialects/mysql/index.js";
import { conventionSchema, ddl, plainSchema } from "./fixtures.js";

const d = new MysqlDialect();

describe("MySQL DDL", () => {
  test("CREATE TABLE: AUTO_INCREMENT, defaults, constraints", () => {
    const { users, posts, lines } = plainSchema();
    expect(ddl(d, CreateTable(users))).toBe(
      "CREATE TABLE users (\n" +
        "\tid INTEGER NOT NULL AUTO_INCREMENT,\n" +
        "\temail VARCHAR(255) NOT NULL,\n" +
        "\tname VARCHAR(50),\n" +
        "\tis_admin BOOL NOT NULL DEFAULT false,\n" +
        "\tPRIMARY KEY (id),\n" +
        "\tUNIQUE (email)\n" +
        ")",
    );
    // now() takes the column's fractional-second precision, as MySQL requires.
    expect(ddl(d, CreateTable(posts))).toBe(
      "CREATE TABLE posts (\n" +
        "\tid BIGINT NOT NULL AUTO_INCREMENT,\n" +
        "\tauthor_id INTEGER NOT NULL,\n" +
        "\ttitle VARCHAR(200) NOT NULL DEFAULT 'it''s new',\n" +
        "\tviews INTEGER NOT NULL DEFAULT 0,\n" +
        "\tcreated_at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),\n" +
        "\tupdated_at DATETIME(6) DEFAULT CURRENT_TIMESTAMP,\n" +
        "\tPRIMARY KEY (id),\n" +
        "\tFOREIGN KEY(author_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE RESTRICT,\n" +
        "\tCONSTRAINT views_positive CHECK (views >= 0)\n" +
        ")",
    );
    expect(ddl(d, CreateTable(lines))).toBe(
      "CREATE TABLE `lines` (\n" +
        "\tpost_id BIGINT NOT NULL,\n" +
        "\tline_no SMALLINT NOT NULL,\n" +
        "\tbody VARCHAR(500),\n" +
        "\tPRIMARY KEY (post_id, line_no),\n" +
        "\tCONSTRAINT fk_lines_post FOREIGN KEY(post_id) REFERENCES posts (id),\n" +
        "\tCONSTRAINT uq_lines_body UNIQUE (post_id, body)\n" +
        ")",
    );
  });

  test("naming convention; Enum is an inline ENUM without CHECK", () => {
    const { accounts } = conventionSchema();
    expect(ddl(d, CreateTable(accounts))).toBe(
      "CREATE TABLE accounts (\n" +
        "\tid INTEGER NOT NULL AUTO_INCREMENT,\n" +
        "\temail VARCHAR(100) NOT NULL,\n" +
        "\ttier ENUM('free', 'pro') NOT NULL,\n" +
        "\tbalance INTEGER NOT NULL,\n" +
        "\towner_id INTEGER,\n" +
        "\tCONSTRAINT pk_accounts PRIMARY KEY (id),\n" +
        "\tCONSTRAINT uq_accounts_email UNIQUE (email),\n" +
        "\tCONSTRAINT fk_accounts_owner_id_accounts FOREIGN KEY(owner_id) REFERENCES accounts (id),\n" +
        "\tCONSTRAINT ck_accounts_balance_positive CHECK (balance >= 0)\n" +
        ")",
    );
  });

  test("table options, comments, ON UPDATE", () => {
    const t = new Table(
      "audit",
      new MetaData(),
      {
        id: Column(Integer, { primaryKey: true }),
        note: Column(String(100), { comment: "why" }),
        changedAt: Column(DateTime, {
          name: "changed_at",
          nullable: false,
          serverDefault: func.now(),
          serverOnupdate: func.now(),
        }),
        plainAt: Column(DateTime({ fsp: 0 }), {
          name: "plain_at",
          serverDefault: func.now(),
          serverOnupdate: func.now(),
        }),
      },
      {
        mysqlEngine: "InnoDB",
        mysqlCharset: "utf8mb4",
        mysqlCollate: "utf8mb4_bin",
        comment: "audit's trail",
      },
    );
    expect(ddl(d, CreateTable(t))).toBe(
      "CREATE TABLE audit (\n" +
        "\tid INTEGER NOT NULL AUTO_INCREMENT,\n" +
        "\tnote VARCHAR(100) COMMENT 'why',\n" +
        "\tchanged_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),\n" +
        "\tplain_at DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n" +
        "\tPRIMARY KEY (id)\n" +
        ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin COMMENT='audit''s trail'",
    );
    expect(ddl(d, SetTableComment(t))).toBe("ALTER TABLE audit COMMENT 'audit''s trail'");
    expect(ddl(d, SetColumnComment(t.c.note))).toBe(
      "ALTER TABLE audit MODIFY COLUMN note VARCHAR(100) COMMENT 'why'",
    );
    const bad = new Table(
      "bad",
      new MetaData(),
      { id: Column(Integer) },
      { mysqlEngine: "InnoDB; DROP TABLE x" },
    );
    expect(() => ddl(d, CreateTable(bad))).toThrow(/mysqlEngine 'InnoDB; DROP TABLE x' is not a plain name/);
  });

  test("expression defaults are parenthesised", () => {
    const t = new Table("t", new MetaData(), {
      a: Column(Integer, { serverDefault: sql`1 + 1` }),
      b: Column(String(5), { serverDefault: "x" }),
    });
    expect(ddl(d, CreateTable(t))).toBe(
      "CREATE TABLE t (\n\ta INTEGER DEFAULT (1 + 1),\n\tb VARCHAR(5) DEFAULT 'x'\n)",
    );
  });

  test("VARCHAR without a length is an error naming the column and the fix", () => {
    const t = new Table("people", new MetaData(), { name: Column(String()) });
    expect(() => ddl(d, CreateTable(t))).toThrow(
      "Column 'people.name' is a VARCHAR without a length, which MySQL requires. Give it one, e.g. Column(String(255)), or use Text for unbounded text.",
    );
  });

  test("TEXT columns: indexes need a prefix length, UNIQUE constraints are refused", () => {
    const md = new MetaData();
    const t = new Table("docs", md, { title: Column(String(100)), body: Column(Text), extra: Column(Text) });
    expect(() => ddl(d, CreateIndex(Index("ix_docs_body", t.c.body)))).toThrow(
      /needs a prefix length on MySQL.*mysqlLength/,
    );
    expect(ddl(d, CreateIndex(Index("ix_docs_body2", t.c.body, { mysqlLength: 100 })))).toBe(
      "CREATE INDEX ix_docs_body2 ON docs (body(100))",
    );
    expect(
      ddl(
        d,
        CreateIndex(
          Index("ix_docs_3", t.c.title, t.c.body, t.c.extra, { mysqlLength: { body: 20, extra: 30 } }),
        ),
      ),
    ).toBe("CREATE INDEX ix_docs_3 ON docs (title, body(20), extra(30))");
    const u = new Table("u", md, { body: Column(Text, { unique: true }) });
    expect(() => ddl(d, CreateTable(u))).toThrow(
      /Column 'u.body' is TEXT, which MySQL can't put in a UNIQUE constraint/,
    );
  });

  test("functional index parts are parenthesised; partial indexes are unsupported", () => {
    const t = new Table("m", new MetaData(), { s: Column(String(10)), a: Column(Integer) });
    expect(ddl(d, CreateIndex(Index("ix_m_lower", func.lower(t.c.s))))).toBe(
      "CREATE INDEX ix_m_lower ON m ((lower(s)))",
    );
    expect(() => ddl(d, CreateIndex(Index("ix_m_p", t.c.a, { where: sql`a > 0` })))).toThrow(
      UnsupportedFeatureError,
    );
  });

  test("DROP INDEX names the table; DROP CONSTRAINT uses MySQL's forms", () => {
    const md = new MetaData({
      namingConvention: {
        uq: "uq_%(table_name)s_%(column_0_name)s",
        ck: "ck_%(table_name)s_%(constraint_name)s",
      },
    });
    new Table("a", md, { id: Column(Integer, { primaryKey: true }) });
    const b = new Table(
      "b",
      md,
      {
        id: Column(Integer),
        aId: Column(Integer, {
          name: "a_id",
          foreignKey: ForeignKey("a.id", { name: "fk_b_a", deferrable: true }),
        }),
        code: Column(String(5), { unique: true, index: false }),
      },
      PrimaryKeyConstraint("id"),
      CheckConstraint("id > 0", { name: "pos" }),
    );
    const ix = Index("ix_b_code", b.c.code);
    expect(ddl(d, DropIndex(ix))).toBe("DROP INDEX ix_b_code ON b");
    const [fk] = b.foreignKeyConstraints;
    // DEFERRABLE is not MySQL syntax and is left out.
    expect(ddl(d, AddConstraint(fk!))).toBe(
      "ALTER TABLE b ADD CONSTRAINT fk_b_a FOREIGN KEY(a_id) REFERENCES a (id)",
    );
    expect(ddl(d, DropConstraint(fk!))).toBe("ALTER TABLE b DROP FOREIGN KEY fk_b_a");
    const uq = b.constraints.find((c) => c instanceof UniqueConstraint)!;
    expect(ddl(d, DropConstraint(uq))).toBe("ALTER TABLE b DROP INDEX uq_b_code");
    const ck = b.constraints.find((c) => c instanceof CheckConstraint)!;
    const mariadb = new MysqlDialect();
    mariadb.isMariaDB = true;
    const mysql = new MysqlDialect();
    mysql.isMariaDB = false;
    expect(ddl(mariadb, DropConstraint(ck))).toBe("ALTER TABLE b DROP CONSTRAINT ck_b_pos");
    expect(ddl(mysql, DropConstraint(ck))).toBe("ALTER TABLE b DROP CHECK ck_b_pos");
    expect(ddl(d, DropConstraint(b.primaryKey))).toBe("ALTER TABLE b DROP PRIMARY KEY");
  });

  test("an enum with nativeEnum: false is VARCHAR with a CHECK", () => {
    const t = new Table("t", new MetaData(), { s: Column(Enum(["a", "bb"], { nativeEnum: false })) });
    expect(ddl(d, CreateTable(t))).toBe("CREATE TABLE t (\n\ts VARCHAR(2),\n\tCHECK (s IN ('a', 'bb'))\n)");
  });

  test("names longer than 64 characters", () => {
    const t = new Table("t".repeat(65), new MetaData(), { id: Column(Integer) });
    expect(() => ddl(d, CreateTable(t))).toThrow(
      /The table name 't{65}' is 65 characters long; mysql allows 64/,
    );
  });
});
