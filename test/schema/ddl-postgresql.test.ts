import { describe, expect, test } from "vitest";
import {
  AddConstraint,
  BigInteger,
  CheckConstraint,
  Column,
  CompileError,
  CreateEnumType,
  CreateIndex,
  CreateTable,
  DropConstraint,
  DropEnumType,
  DropIndex,
  DropTable,
  Enum,
  ForeignKey,
  Index,
  Integer,
  MetaData,
  SetColumnComment,
  SetTableComment,
  SmallInteger,
  String,
  Table,
  UniqueConstraint,
  conv,
  func,
  sql,
} from "../../src/index.js";
import { PostgresDialect } from "../../src/dialects/postgresql/index.js";
import { conventionSchema, ddl, plainSchema } from "./fixtures.js";

const d = new PostgresDialect();

describe("PostgreSQL DDL", () => {
  test("CREATE TABLE: SERIAL keys, defaults, constraints", () => {
    const { users, posts, lines } = plainSchema();
    expect(ddl(d, CreateTable(users))).toBe(
      "CREATE TABLE users (\n" +
        "\tid SERIAL NOT NULL,\n" +
        "\temail VARCHAR(255) NOT NULL,\n" +
        "\tname VARCHAR(50),\n" +
        "\tis_admin BOOLEAN DEFAULT false NOT NULL,\n" +
        "\tPRIMARY KEY (id),\n" +
        "\tUNIQUE (email)\n" +
        ")",
    );
    expect(ddl(d, CreateTable(posts))).toBe(
      "CREATE TABLE posts (\n" +
        "\tid BIGSERIAL NOT NULL,\n" +
        "\tauthor_id INTEGER NOT NULL,\n" +
        "\ttitle VARCHAR(200) DEFAULT 'it''s new' NOT NULL,\n" +
        "\tviews INTEGER DEFAULT 0 NOT NULL,\n" +
        "\tcreated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now(),\n" +
        "\tupdated_at TIMESTAMP WITHOUT TIME ZONE DEFAULT CURRENT_TIMESTAMP,\n" +
        "\tPRIMARY KEY (id),\n" +
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
    const ix = posts.indexes[0]!;
    expect(ddl(d, CreateIndex(ix))).toBe("CREATE INDEX ix_posts_title_created ON posts (title, created_at)");
  });

  test("SMALLSERIAL, and no SERIAL for a key with a foreign key, a default or autoincrement: false", () => {
    const md = new MetaData();
    new Table("parent", md, { id: Column(Integer, { primaryKey: true }) });
    const small = new Table("small", md, { id: Column(SmallInteger, { primaryKey: true }) });
    const child = new Table("child", md, {
      id: Column(Integer, { primaryKey: true, foreignKey: "parent.id" }),
    });
    const manual = new Table("manual", md, {
      id: Column(BigInteger, { primaryKey: true, autoincrement: false }),
    });
    const dflt = new Table("dflt", md, { id: Column(Integer, { primaryKey: true, serverDefault: 7 }) });
    expect(ddl(d, CreateTable(small))).toBe(
      "CREATE TABLE small (\n\tid SMALLSERIAL NOT NULL,\n\tPRIMARY KEY (id)\n)",
    );
    expect(ddl(d, CreateTable(child))).toBe(
      "CREATE TABLE child (\n\tid INTEGER NOT NULL,\n\tPRIMARY KEY (id),\n\tFOREIGN KEY(id) REFERENCES parent (id)\n)",
    );
    expect(ddl(d, CreateTable(manual))).toBe(
      "CREATE TABLE manual (\n\tid BIGINT NOT NULL,\n\tPRIMARY KEY (id)\n)",
    );
    expect(ddl(d, CreateTable(dflt))).toBe(
      "CREATE TABLE dflt (\n\tid INTEGER DEFAULT 7 NOT NULL,\n\tPRIMARY KEY (id)\n)",
    );
  });

  test("composite key with autoincrement: true gets SERIAL on that column", () => {
    const t = new Table("events", new MetaData(), {
      tenant: Column(Integer, { primaryKey: true }),
      seq: Column(Integer, { primaryKey: true, autoincrement: true }),
    });
    expect(t.autoincrementColumn).toBe(t.c.seq);
    expect(ddl(d, CreateTable(t))).toBe(
      "CREATE TABLE events (\n\ttenant INTEGER NOT NULL,\n\tseq SERIAL NOT NULL,\n\tPRIMARY KEY (tenant, seq)\n)",
    );
  });

  test("naming convention and a native enum type", () => {
    const { accounts } = conventionSchema();
    expect(ddl(d, CreateTable(accounts))).toBe(
      "CREATE TABLE accounts (\n" +
        "\tid SERIAL NOT NULL,\n" +
        "\temail VARCHAR(100) NOT NULL,\n" +
        "\ttier account_tier NOT NULL,\n" +
        "\tbalance INTEGER NOT NULL,\n" +
        "\towner_id INTEGER,\n" +
        "\tCONSTRAINT pk_accounts PRIMARY KEY (id),\n" +
        "\tCONSTRAINT uq_accounts_email UNIQUE (email),\n" +
        "\tCONSTRAINT fk_accounts_owner_id_accounts FOREIGN KEY(owner_id) REFERENCES accounts (id),\n" +
        "\tCONSTRAINT ck_accounts_balance_positive CHECK (balance >= 0)\n" +
        ")",
    );
    const tier = accounts.c.tier.type as ReturnType<typeof Enum>;
    expect(ddl(d, CreateEnumType(tier))).toBe("CREATE TYPE account_tier AS ENUM ('free', 'pro')");
    expect(ddl(d, DropEnumType(tier))).toBe("DROP TYPE account_tier");
    expect(ddl(d, DropEnumType(tier, { ifExists: true, schema: "app" }))).toBe(
      "DROP TYPE IF EXISTS app.account_tier",
    );
  });

  test("a native enum needs a name; nativeEnum: false is VARCHAR with a CHECK", () => {
    const md = new MetaData();
    const t = new Table("t", md, { s: Column(Enum(["a", "bb"])) });
    expect(() => ddl(d, CreateTable(t))).toThrow(/PostgreSQL ENUM type requires a name \(column 't.s'\)/);
    const v = new Table("v", md, { s: Column(Enum(["a", "bb"], { nativeEnum: false, name: "kind" })) });
    expect(ddl(d, CreateTable(v))).toBe(
      "CREATE TABLE v (\n\ts VARCHAR(2),\n\tCONSTRAINT kind CHECK (s IN ('a', 'bb'))\n)",
    );
  });

  test("schemas qualify tables, references, indexes and enum types", () => {
    const md = new MetaData({ schema: "app" });
    const a = new Table("a", md, {
      id: Column(Integer, { primaryKey: true }),
      k: Column(Enum(["x"], { name: "k_kind" })),
    });
    const b = new Table(
      "b",
      md,
      { aId: Column(Integer, { name: "a_id", foreignKey: "a.id", index: true }) },
      { schema: "other" },
    );
    new Table(
      "c",
      md,
      { aId: Column(Integer, { name: "a_id", foreignKey: "app.a.id" }) },
      { schema: "other" },
    );
    expect(Object.keys(md.tables)).toEqual(["app.a", "other.b", "other.c"]);
    expect(ddl(d, CreateTable(a))).toBe(
      "CREATE TABLE app.a (\n\tid SERIAL NOT NULL,\n\tk app.k_kind,\n\tPRIMARY KEY (id)\n)",
    );
    expect(ddl(d, CreateTable(b))).toBe(
      "CREATE TABLE other.b (\n\ta_id INTEGER,\n\tFOREIGN KEY(a_id) REFERENCES app.a (id)\n)",
    );
    expect(ddl(d, CreateIndex(b.indexes[0]!))).toBe("CREATE INDEX ix_other_b_a_id ON other.b (a_id)");
    expect(ddl(d, DropIndex(b.indexes[0]!))).toBe("DROP INDEX other.ix_other_b_a_id");
    expect(ddl(d, DropTable(b))).toBe("DROP TABLE other.b");
  });

  test("comments are COMMENT ON statements", () => {
    const t = new Table(
      "notes",
      new MetaData(),
      { body: Column(String(10), { comment: "it's the text" }) },
      { comment: "notes" },
    );
    expect(ddl(d, CreateTable(t))).toBe("CREATE TABLE notes (\n\tbody VARCHAR(10)\n)");
    expect(ddl(d, SetTableComment(t))).toBe("COMMENT ON TABLE notes IS 'notes'");
    expect(ddl(d, SetColumnComment(t.c.body))).toBe("COMMENT ON COLUMN notes.body IS 'it''s the text'");
  });

  test("ALTER TABLE ADD/DROP CONSTRAINT; useAlter foreign keys are left out of CREATE TABLE", () => {
    const md = new MetaData();
    new Table("a", md, { id: Column(Integer, { primaryKey: true }) });
    const b = new Table("b", md, {
      aId: Column(Integer, {
        name: "a_id",
        foreignKey: ForeignKey("a.id", { useAlter: true, name: "fk_b_a", ondelete: "set null" }),
      }),
    });
    expect(ddl(d, CreateTable(b))).toBe("CREATE TABLE b (\n\ta_id INTEGER\n)");
    const fk = b.foreignKeyConstraints[0]!;
    expect(ddl(d, CreateTable(b, { includeForeignKeyConstraints: [fk] }))).toBe(
      "CREATE TABLE b (\n\ta_id INTEGER,\n\tCONSTRAINT fk_b_a FOREIGN KEY(a_id) REFERENCES a (id) ON DELETE SET NULL\n)",
    );
    expect(ddl(d, AddConstraint(fk))).toBe(
      "ALTER TABLE b ADD CONSTRAINT fk_b_a FOREIGN KEY(a_id) REFERENCES a (id) ON DELETE SET NULL",
    );
    expect(ddl(d, DropConstraint(fk))).toBe("ALTER TABLE b DROP CONSTRAINT fk_b_a");
    expect(ddl(d, DropConstraint(fk, { ifExists: true, cascade: true }))).toBe(
      "ALTER TABLE b DROP CONSTRAINT IF EXISTS fk_b_a CASCADE",
    );
    const uq = UniqueConstraint(b.c.aId, { deferrable: true, initially: "deferred" });
    expect(ddl(d, AddConstraint(uq))).toBe("ALTER TABLE b ADD UNIQUE (a_id) DEFERRABLE INITIALLY DEFERRED");
    expect(() => ddl(d, DropConstraint(uq))).toThrow(/it has no name/);
    const ck = CheckConstraint(b.c.aId.gt(0), { name: conv("b_positive") });
    expect(ddl(d, AddConstraint(ck))).toBe("ALTER TABLE b ADD CONSTRAINT b_positive CHECK (a_id > 0)");
  });

  test("index expressions are parenthesised unless they are function calls; partial indexes", () => {
    const t = new Table("m", new MetaData(), {
      a: Column(Integer),
      b: Column(Integer),
      s: Column(String(10)),
    });
    expect(ddl(d, CreateIndex(Index("ix_m_sum", t.c.a.add(t.c.b))))).toBe(
      "CREATE INDEX ix_m_sum ON m ((a + b))",
    );
    expect(ddl(d, CreateIndex(Index("ix_m_lower", func.lower(t.c.s), { unique: true })))).toBe(
      "CREATE UNIQUE INDEX ix_m_lower ON m (lower(s))",
    );
    expect(ddl(d, CreateIndex(Index("ix_m_part", t.c.a, { where: sql`b IS NOT NULL` })))).toBe(
      "CREATE INDEX ix_m_part ON m (a) WHERE b IS NOT NULL",
    );
    expect(ddl(d, CreateIndex(Index("ix_m_desc", t.c.a.desc().nullsLast())))).toBe(
      "CREATE INDEX ix_m_desc ON m (a DESC NULLS LAST)",
    );
  });

  test("names longer than 63 bytes: convention names are truncated, explicit ones are an error", () => {
    const md = new MetaData({ namingConvention: { ix: "ix_%(column_0_label)s" } });
    const t = new Table("a_table_with_a_really_quite_long_name", md, {
      aColumnWithAnEvenLongerNameThanTheTable: Column(Integer, {
        name: "a_column_with_an_even_longer_name_than_the_table",
        index: true,
      }),
    });
    const sqlText = ddl(d, CreateIndex(t.indexes[0]!));
    const name = /^CREATE INDEX (\S+) ON/.exec(sqlText)![1]!;
    // SQLAlchemy's scheme: the first 55 characters, "_", the last 4 hex digits of the full name's MD5.
    expect(name).toBe("ix_a_table_with_a_really_quite_long_name_a_column_with__f26d");
    expect(name.length).toBe(60);
    expect(ddl(d, CreateIndex(t.indexes[0]!))).toBe(sqlText); // deterministic
    const explicit = Index("x".repeat(64), t.c.aColumnWithAnEvenLongerNameThanTheTable);
    expect(() => ddl(d, CreateIndex(explicit))).toThrow(CompileError);
    expect(() => ddl(d, CreateIndex(explicit))).toThrow(/is 64 characters long; postgresql allows 63/);
  });

  test("quoting of reserved and mixed-case names", () => {
    const t = new Table("user", new MetaData(), {
      id: Column(Integer, { primaryKey: true }),
      Select: Column(Integer),
    });
    expect(ddl(d, CreateTable(t))).toBe(
      'CREATE TABLE "user" (\n\tid SERIAL NOT NULL,\n\t"Select" INTEGER,\n\tPRIMARY KEY (id)\n)',
    );
  });
});
