import { describe, expect, test } from "vitest";
import {
  ArgumentError,
  CheckConstraint,
  Column,
  CreateTable,
  ForeignKey,
  ForeignKeyConstraint,
  Index,
  Integer,
  InvalidRequestError,
  MetaData,
  PrimaryKeyConstraint,
  String,
  Table,
  UniqueConstraint,
  select,
  sortTablesAndConstraints,
} from "../../src/index.js";
import { SqliteDialect } from "../../src/dialects/sqlite/index.js";

describe("MetaData", () => {
  test("tables by key, remove, clear", () => {
    const md = new MetaData();
    const a = new Table("a", md, { id: Column(Integer, { primaryKey: true }) });
    const b = new Table("b", md, { id: Column(Integer, { primaryKey: true }) }, { schema: "s" });
    expect(Object.keys(md.tables)).toEqual(["a", "s.b"]);
    expect(md.tables.a).toBe(a);
    expect(md.tables["s.b"]).toBe(b);
    expect(b.fullname).toBe("s.b");
    md.remove(a);
    expect(Object.keys(md.tables)).toEqual(["s.b"]);
    expect(() => md.remove(a)).toThrow(/not in this MetaData/);
    md.clear();
    expect(md.tables).toEqual({});
    // Removed tables can be declared again.
    new Table("a", md, { id: Column(Integer) });
    expect(Object.keys(md.tables)).toEqual(["a"]);
  });

  test("a duplicate table name is an error unless extendExisting", () => {
    const md = new MetaData();
    const t = new Table("t", md, { id: Column(Integer, { primaryKey: true }) });
    expect(() => new Table("t", md, { x: Column(Integer) })).toThrow(
      /Table 't' is already defined in this MetaData. Pass \{ extendExisting: true \}/,
    );
    const again = new Table(
      "t",
      md,
      { name: Column(String(20)), id: Column(Integer, { primaryKey: true }) },
      UniqueConstraint("name"),
      {
        extendExisting: true,
        comment: "extended",
      },
    );
    expect(again).toBe(t as unknown);
    expect(t.columns.map((c) => c.key)).toEqual(["id", "name"]);
    expect(t.comment).toBe("extended");
    expect(t.primaryKey.columns.map((c) => c.key)).toEqual(["id"]);
    expect(t.constraints.length).toBe(2);
  });

  test("sortedTables: dependency order, ties by name, self references ignored", () => {
    const md = new MetaData();
    new Table("zeta", md, { id: Column(Integer, { primaryKey: true }) });
    new Table("orders", md, {
      id: Column(Integer, { primaryKey: true }),
      userId: Column(Integer, { foreignKey: "users.id" }),
    });
    new Table("users", md, {
      id: Column(Integer, { primaryKey: true }),
      referrer: Column(Integer, { foreignKey: "users.id" }),
    });
    new Table("alpha", md, { id: Column(Integer, { primaryKey: true }) });
    new Table("items", md, {
      orderId: Column(Integer, { foreignKey: "orders.id" }),
      zetaId: Column(Integer, { foreignKey: "zeta.id" }),
    });
    expect(md.sortedTables.map((t) => t.name)).toEqual(["alpha", "users", "zeta", "orders", "items"]);
  });

  test("cycles are broken: their foreign keys are set apart, as are useAlter ones", () => {
    const md = new MetaData();
    const a = new Table("a", md, {
      id: Column(Integer, { primaryKey: true }),
      bId: Column(Integer, { foreignKey: "b.id" }),
    });
    const b = new Table("b", md, {
      id: Column(Integer, { primaryKey: true }),
      cId: Column(Integer, { foreignKey: "c.id" }),
    });
    const c = new Table("c", md, {
      id: Column(Integer, { primaryKey: true }),
      aId: Column(Integer, { foreignKey: "a.id" }),
    });
    const d = new Table("d", md, {
      id: Column(Integer, { primaryKey: true }),
      aId: Column(Integer, { foreignKey: "a.id" }),
      late: Column(Integer, { foreignKey: ForeignKey("e.id", { useAlter: true }) }),
    });
    new Table("e", md, { id: Column(Integer, { primaryKey: true }) });
    const sorted = sortTablesAndConstraints(Object.values(md.tables));
    expect(sorted.tables.map((t) => t.name)).toEqual(["a", "b", "c", "e", "d"]);
    expect(sorted.deferred).toEqual([
      a.foreignKeyConstraints[0],
      b.foreignKeyConstraints[0],
      c.foreignKeyConstraints[0],
      d.foreignKeyConstraints[1],
    ]);
  });

  test("a foreign key to a table missing from the MetaData is a clear error", () => {
    const md = new MetaData();
    const t = new Table("t", md, { uid: Column(Integer, { foreignKey: "users.id" }) });
    expect(() => md.sortedTables).toThrow(InvalidRequestError);
    expect(() => md.sortedTables).toThrow(/could not find table 'users' in its MetaData \(tables: t\)/);
    new Table("users", md, { uid: Column(Integer) });
    expect(() => t.foreignKeys[0]!.column).toThrow(/table 'users' has no column 'id' \(columns: uid\)/);
  });
});

describe("Table and Column", () => {
  const md = new MetaData();
  const users = new Table("users", md, {
    id: Column(Integer, { primaryKey: true }),
    email: Column(String(100), { nullable: false, unique: true, name: "email_address" }),
  });
  const posts = new Table("posts", md, {
    id: Column(Integer, { primaryKey: true }),
    authorId: Column(Integer, { name: "author_id", foreignKey: ForeignKey(() => users.c.id) }),
  });

  test("columns are keyed by the object key and named by name", () => {
    expect(users.c.email.key).toBe("email");
    expect(users.c.email.name).toBe("email_address");
    expect(users.c.email.table).toBe(users);
    expect(users.c.email.nullable).toBe(false);
    expect(users.c.id.nullable).toBe(false);
    expect(posts.c.authorId.nullable).toBe(true);
    expect(`${posts.c.authorId}`).toBe("posts.author_id");
    expect(() => (users.c as Record<string, unknown>).mail).toThrow(
      "Table 'users' has no column 'mail'. Its columns are: id, email.",
    );
  });

  test("primaryKey, foreignKeys, constraints, indexes", () => {
    expect(users.primaryKey.columns).toEqual([users.c.id]);
    expect(posts.foreignKeys.map((fk) => [fk.parent, fk.column])).toEqual([[posts.c.authorId, users.c.id]]);
    expect(users.constraints.map((c) => c.constructor.name)).toEqual([
      "PrimaryKeyConstraint",
      "UniqueConstraint",
    ]);
    expect(users.indexes).toEqual([]);
    expect(users.autoincrementColumn).toBe(users.c.id);
    expect(posts.autoincrementColumn).toBe(posts.c.id);
  });

  test("join() infers the ON clause from the schema foreign keys", () => {
    const d = new SqliteDialect();
    const stmt = select(users.c.email, posts.c.id).join(posts);
    expect(d.compile(stmt).sql).toMatch(
      /^SELECT users\.email_address, posts\.id FROM users JOIN posts ON (users\.id = posts\.author_id|posts\.author_id = users\.id)$/,
    );
  });

  test("PrimaryKeyConstraint makes its columns NOT NULL unless declared nullable", () => {
    const t = new Table(
      "pk",
      new MetaData(),
      { a: Column(Integer), b: Column(Integer) },
      PrimaryKeyConstraint("b", "a", { name: "pk_ba" }),
    );
    expect(t.primaryKey.columns.map((c) => c.key)).toEqual(["b", "a"]);
    expect(t.primaryKey.name).toBe("pk_ba");
    expect([t.c.a.nullable, t.c.a.primaryKey]).toEqual([false, true]);
    expect(t.autoincrementColumn).toBe(null);
    expect(
      () =>
        new Table(
          "pk2",
          new MetaData(),
          { a: Column(Integer, { primaryKey: true }), b: Column(Integer) },
          PrimaryKeyConstraint("b"),
        ),
    ).toThrow(/columns 'a' are declared primaryKey: true but are not in the PrimaryKeyConstraint/);
  });

  test("constraints and indexes built from a table's columns attach to it", () => {
    const t = new Table("auto", new MetaData(), { a: Column(Integer), b: Column(Integer) });
    const uq = UniqueConstraint(t.c.a, t.c.b);
    const ck = CheckConstraint(t.c.a.lt(t.c.b));
    const ix = Index("ix_auto_b", t.c.b);
    expect(t.constraints).toEqual([uq, ck]);
    expect(t.indexes).toEqual([ix]);
    expect(ck.columns).toEqual([t.c.a, t.c.b]);
  });

  test("errors name the problem", () => {
    const md2 = new MetaData();
    expect(() => new Table("t", md2, { a: Column(Integer) }, UniqueConstraint("nope"))).toThrow(
      "UniqueConstraint(nope) on table 't' names column 'nope', which the table does not have (columns: a).",
    );
    const shared = Column(Integer);
    new Table("one", md2, { x: shared });
    expect(() => new Table("two", md2, { x: shared })).toThrow(/already part of table 'one'/);
    expect(
      () =>
        new Table("three", md2, {
          a: Column(Integer, { name: "same" }),
          b: Column(Integer, { name: "same" }),
        }),
    ).toThrow(/columns 'a' and 'b' both have the database name 'same'/);
    expect(() => new Table("four", {} as MetaData, {})).toThrow(ArgumentError);
    expect(() => Column(undefined as never)).toThrow(/Column\(\) takes a type first/);
    expect(() => ForeignKey("users")).toThrow(/needs "table.column"/);
    expect(() => ForeignKey("users.id", { ondelete: "EXPLODE" as never })).toThrow(
      /Unknown ondelete action 'EXPLODE'/,
    );
    expect(() => ForeignKeyConstraint(["a"], [])).toThrow(/as many referenced columns as columns/);
    expect(() => Column(Integer, { default: select(users.c.id) as never })).toThrow(ArgumentError);
    expect(
      () =>
        Column(Integer, { primaryKey: true, autoincrement: true }) &&
        new Table("five", md2, {
          k: Column(String(5), { primaryKey: true, autoincrement: true }),
        }).autoincrementColumn,
    ).toThrow(/autoincrement needs an integer type/);
  });

  test("constructs work with and without new", () => {
    const md3 = MetaData();
    const t = Table("t", md3, { id: new Column(Integer, { primaryKey: true }) });
    expect(t).toBeInstanceOf(Table);
    expect(t.c.id).toBeInstanceOf(Column);
    expect(new SqliteDialect().compile(new CreateTable(t)).sql).toBe(
      new SqliteDialect().compile(CreateTable(t)).sql,
    );
  });
});
