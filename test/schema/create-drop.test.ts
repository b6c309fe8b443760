import { afterEach, expect, test } from "vitest";
import {
  Column,
  Enum,
  ForeignKey,
  Index,
  Integer,
  MetaData,
  String,
  Table,
  Text,
  UniqueConstraint,
  CheckConstraint,
  insert,
  select,
  text,
  update,
  type Engine,
} from "../../src/index.js";
import { describeEachDialect, resetDatabase } from "../support/dialects.js";
import {
  columnComment,
  constraintNames,
  enumTypeNames,
  indexNames,
  tableComment,
  tableNames,
} from "./catalog.js";

function blogSchema(metadata = new MetaData()) {
  const users = new Table("users", metadata, {
    id: Column(Integer, { primaryKey: true }),
    email: Column(String(255), { nullable: false, unique: true }),
    name: Column(String(100), { index: true }),
  });
  const posts = new Table("posts", metadata, {
    id: Column(Integer, { primaryKey: true }),
    authorId: Column(Integer, {
      name: "author_id",
      nullable: false,
      foreignKey: ForeignKey("users.id", { ondelete: "CASCADE" }),
    }),
    title: Column(String(200), { nullable: false }),
    status: Column(Enum(["draft", "published"], { name: "post_status" }), {
      nullable: false,
      serverDefault: "draft",
    }),
  });
  const comments = new Table("comments", metadata, {
    id: Column(Integer, { primaryKey: true }),
    postId: Column(Integer, {
      name: "post_id",
      nullable: false,
      foreignKey: ForeignKey("posts.id", { ondelete: "CASCADE" }),
    }),
    body: Column(Text, { nullable: false }),
  });
  return { metadata, users, posts, comments };
}

async function dropEverything(engine: Engine, metadata: MetaData): Promise<void> {
  await metadata.dropAll(engine);
}

describeEachDialect("schema: createAll / dropAll", (ctx) => {
  // A failed test must not leave tables behind for the next one.
  afterEach(() => resetDatabase(ctx.engine));

  test("createAll creates every table in dependency order; dropAll leaves nothing", async () => {
    const { metadata } = blogSchema();
    expect(metadata.sortedTables.map((t) => t.name)).toEqual(["users", "posts", "comments"]);
    await metadata.createAll(ctx.engine);
    expect(await tableNames(ctx.engine)).toEqual(["comments", "posts", "users"]);
    if (ctx.target.dialect === "postgresql") expect(await enumTypeNames(ctx.engine)).toEqual(["post_status"]);
    await metadata.dropAll(ctx.engine);
    expect(await tableNames(ctx.engine)).toEqual([]);
    if (ctx.target.dialect === "postgresql") expect(await enumTypeNames(ctx.engine)).toEqual([]);
  });

  test("createAll twice with checkFirst creates nothing the second time; dropAll twice too", async () => {
    const { metadata, users } = blogSchema();
    await metadata.createAll(ctx.engine);
    await ctx.engine.begin(async (conn) => {
      await conn.execute(insert(users).values({ email: "a@x.io" }));
    });
    await metadata.createAll(ctx.engine); // no error, data kept
    const n = await ctx.engine.begin(
      async (conn) => (await conn.execute(select(users.c.email))).all().length,
    );
    expect(n).toBe(1);
    await expect(metadata.createAll(ctx.engine, { checkFirst: false })).rejects.toThrow();
    await metadata.dropAll(ctx.engine);
    await metadata.dropAll(ctx.engine);
    expect(await tableNames(ctx.engine)).toEqual([]);
  });

  test("createAll creates only the missing tables", async () => {
    const { metadata, users, posts } = blogSchema();
    await metadata.createAll(ctx.engine, { tables: [users] });
    expect(await tableNames(ctx.engine)).toEqual(["users"]);
    await metadata.createAll(ctx.engine);
    expect(await tableNames(ctx.engine)).toEqual(["comments", "posts", "users"]);
    await metadata.dropAll(ctx.engine, { tables: [posts, metadata.tables.comments!] });
    expect(await tableNames(ctx.engine)).toEqual(["users"]);
    await dropEverything(ctx.engine, metadata);
  });

  test("createAll and dropAll run on a Connection inside the caller's transaction", async () => {
    const { metadata } = blogSchema();
    const conn = await ctx.engine.connect();
    try {
      await metadata.createAll(conn);
      await conn.commit();
    } finally {
      await conn.close();
    }
    expect(await tableNames(ctx.engine)).toEqual(["comments", "posts", "users"]);
    await ctx.engine.begin((c) => metadata.dropAll(c));
    expect(await tableNames(ctx.engine)).toEqual([]);
  });

  test("a foreign key cycle between two tables is created and dropped", async () => {
    const metadata = new MetaData({
      namingConvention: { fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s" },
    });
    const departments = new Table("departments", metadata, {
      id: Column(Integer, { primaryKey: true }),
      managerId: Column(Integer, { name: "manager_id", foreignKey: "employees.id" }),
    });
    const employees = new Table("employees", metadata, {
      id: Column(Integer, { primaryKey: true }),
      departmentId: Column(Integer, { name: "department_id", foreignKey: "departments.id" }),
    });
    await metadata.createAll(ctx.engine);
    await ctx.engine.begin(async (conn) => {
      await conn.execute(insert(departments).values({ id: 1 }));
      await conn.execute(insert(employees).values({ id: 10, departmentId: 1 }));
      await conn.execute(update(departments).where(departments.c.id.eq(1)).values({ managerId: 10 }));
    });
    // Both foreign keys exist and are enforced.
    await expect(
      ctx.engine.begin((conn) => conn.execute(insert(employees).values({ id: 11, departmentId: 99 }))),
    ).rejects.toThrow();
    await expect(
      ctx.engine.begin((conn) =>
        conn.execute(update(departments).where(departments.c.id.eq(1)).values({ managerId: 99 })),
      ),
    ).rejects.toThrow();
    if (ctx.target.dialect !== "sqlite") {
      expect(await constraintNames(ctx.engine, "departments")).toContain(
        "fk_departments_manager_id_employees",
      );
      expect(await constraintNames(ctx.engine, "employees")).toContain(
        "fk_employees_department_id_departments",
      );
    }
    await ctx.engine.begin(async (conn) => {
      await conn.execute(update(departments).values({ managerId: null }));
      await conn.execute(text("DELETE FROM employees"));
      await conn.execute(text("DELETE FROM departments"));
    });
    await metadata.dropAll(ctx.engine);
    expect(await tableNames(ctx.engine)).toEqual([]);
  });

  test("naming convention names are the names in the database catalog", async () => {
    const metadata = new MetaData({
      namingConvention: {
        ix: "ix_%(column_0_label)s",
        uq: "uq_%(table_name)s_%(column_0_N_name)s",
        ck: "ck_%(table_name)s_%(constraint_name)s",
        fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        pk: "pk_%(table_name)s",
      },
    });
    new Table(
      "accounts",
      metadata,
      {
        id: Column(Integer, { primaryKey: true }),
        tenant: Column(String(50), { nullable: false }),
        login: Column(String(50), { nullable: false }),
        name: Column(String(50), { index: true }),
        balance: Column(Integer, { nullable: false, serverDefault: 0 }),
      },
      UniqueConstraint("tenant", "login"),
      CheckConstraint("balance >= 0", { name: "balance_positive" }),
    );
    new Table(
      "transfers",
      metadata,
      {
        id: Column(Integer, { primaryKey: true }),
        accountId: Column(Integer, { name: "account_id", foreignKey: "accounts.id" }),
      },
      Index(null, "accountId", { unique: false }),
    );
    await metadata.createAll(ctx.engine);
    const names = await constraintNames(ctx.engine, "accounts");
    const pk = ctx.target.dialect === "mysql" ? "PRIMARY" : "pk_accounts";
    expect(names).toEqual([pk, "uq_accounts_tenant_login", "ck_accounts_balance_positive"].sort());
    expect(await indexNames(ctx.engine, "accounts")).toEqual(["ix_accounts_name"]);
    expect(await indexNames(ctx.engine, "transfers")).toEqual(["ix_transfers_account_id"]);
    const fkNames = await constraintNames(ctx.engine, "transfers");
    expect(fkNames).toContain("fk_transfers_account_id_accounts");
    await metadata.dropAll(ctx.engine);
  });

  test("a naming-convention name longer than the database allows is truncated with a hash", async () => {
    const metadata = new MetaData({ namingConvention: { uq: "uq_%(table_name)s_%(column_0_N_name)s" } });
    const long = "a_rather_long_column_name_for_testing";
    new Table(
      "long_names",
      metadata,
      {
        id: Column(Integer, { primaryKey: true }),
        [long + "_one"]: Column(Integer),
        [long + "_two"]: Column(Integer),
      },
      UniqueConstraint(long + "_one", long + "_two"),
    );
    await metadata.createAll(ctx.engine);
    const full = `uq_long_names_${long}_one_${long}_two`;
    const names = await constraintNames(ctx.engine, "long_names");
    if (ctx.target.dialect === "sqlite") expect(names).toEqual([full]);
    else {
      const uq = names.find((n) => n.startsWith("uq_"))!;
      const max = ctx.target.dialect === "postgresql" ? 63 : 64;
      expect(uq.length).toBe(max - 3);
      expect(uq).toMatch(/^uq_long_names_a_rather_long.*_[0-9a-f]{4}$/);
    }
    await metadata.dropAll(ctx.engine);
  });

  test("a failing createAll leaves nothing behind where DDL is transactional", async () => {
    const metadata = new MetaData();
    new Table("first", metadata, { id: Column(Integer, { primaryKey: true }) });
    new Table(
      "second",
      metadata,
      { id: Column(Integer, { primaryKey: true }) },
      CheckConstraint("no_such_column > 0"),
    );
    await expect(metadata.createAll(ctx.engine)).rejects.toThrow(/no_such_column/);
    const left = await tableNames(ctx.engine);
    if (ctx.engine.dialect.capabilities.supportsTransactionalDdl) expect(left).toEqual([]);
    else expect(left).toEqual(["first"]);
  });

  test("dropping a foreign key cycle needs named constraints (or a convention)", async () => {
    const metadata = new MetaData();
    new Table("p", metadata, {
      id: Column(Integer, { primaryKey: true }),
      qId: Column(Integer, { foreignKey: "q.id" }),
    });
    new Table("q", metadata, {
      id: Column(Integer, { primaryKey: true }),
      pId: Column(Integer, { foreignKey: "p.id" }),
    });
    await metadata.createAll(ctx.engine);
    expect(await tableNames(ctx.engine)).toEqual(["p", "q"]);
    if (ctx.target.dialect === "sqlite") {
      await metadata.dropAll(ctx.engine); // inline foreign keys: nothing to drop first
      expect(await tableNames(ctx.engine)).toEqual([]);
    } else {
      await expect(metadata.dropAll(ctx.engine)).rejects.toThrow(
        /part of a dependency cycle .* needs a name/,
      );
    }
  });

  test("comments are stored where the database has them", async () => {
    const metadata = new MetaData();
    new Table(
      "notes",
      metadata,
      {
        id: Column(Integer, { primaryKey: true }),
        body: Column(Text, { comment: "the note's text" }),
      },
      { comment: "user notes" },
    );
    await metadata.createAll(ctx.engine);
    if (ctx.target.dialect !== "sqlite") {
      expect(await tableComment(ctx.engine, "notes")).toBe("user notes");
      expect(await columnComment(ctx.engine, "notes", "body")).toBe("the note's text");
    } else {
      expect(await tableNames(ctx.engine)).toEqual(["notes"]);
    }
    await metadata.dropAll(ctx.engine);
  });
});

describeEachDialect(
  "schema: PostgreSQL enum types and schemas",
  (ctx) => {
    test("enum types are created once, reused with checkFirst, and dropped after their tables", async () => {
      const status = Enum(["new", "done"], { name: "task_status" });
      const metadata = new MetaData();
      new Table("tasks", metadata, {
        id: Column(Integer, { primaryKey: true }),
        status: Column(status, { nullable: false }),
      });
      new Table("subtasks", metadata, { id: Column(Integer, { primaryKey: true }), status: Column(status) });
      await metadata.createAll(ctx.engine);
      expect(await enumTypeNames(ctx.engine)).toEqual(["task_status"]);
      await metadata.createAll(ctx.engine);
      await expect(
        ctx.engine.begin((c) => c.execute(text("INSERT INTO tasks (id, status) VALUES (1, 'bogus')"))),
      ).rejects.toThrow(/task_status/);
      // Dropping one table keeps the type the other still uses.
      await metadata.dropAll(ctx.engine, { tables: [metadata.tables.tasks!] });
      expect(await enumTypeNames(ctx.engine)).toEqual(["task_status"]);
      await metadata.dropAll(ctx.engine);
      expect(await enumTypeNames(ctx.engine)).toEqual([]);
      expect(await tableNames(ctx.engine)).toEqual([]);
    });

    test("tables in a schema", async () => {
      await ctx.engine.begin((c) => c.execute(text("CREATE SCHEMA IF NOT EXISTS athanor_s")));
      try {
        const metadata = new MetaData({ schema: "athanor_s" });
        const parents = new Table("parents", metadata, { id: Column(Integer, { primaryKey: true }) });
        const kids = new Table("kids", metadata, {
          id: Column(Integer, { primaryKey: true }),
          parentId: Column(Integer, { name: "parent_id", foreignKey: "parents.id", index: true }),
        });
        expect(Object.keys(metadata.tables).sort()).toEqual(["athanor_s.kids", "athanor_s.parents"]);
        await metadata.createAll(ctx.engine);
        expect(await tableNames(ctx.engine, "athanor_s")).toEqual(["kids", "parents"]);
        await ctx.engine.begin(async (c) => {
          await c.execute(insert(parents).values({ id: 1 }));
          await c.execute(insert(kids).values({ id: 1, parentId: 1 }));
          expect((await c.execute(select(kids.c.id).join(parents))).all()).toEqual([{ id: 1 }]);
        });
        await metadata.createAll(ctx.engine);
        await metadata.dropAll(ctx.engine);
        expect(await tableNames(ctx.engine, "athanor_s")).toEqual([]);
      } finally {
        await ctx.engine.begin((c) => c.execute(text("DROP SCHEMA IF EXISTS athanor_s CASCADE")));
      }
    });
  },
  { only: ["postgresql"] },
);

describeEachDialect(
  "schema: MySQL table options",
  (ctx) => {
    test("mysqlEngine, mysqlCharset and mysqlCollate are visible in information_schema", async () => {
      const metadata = new MetaData();
      new Table(
        "opts",
        metadata,
        { id: Column(Integer, { primaryKey: true }), name: Column(String(20)) },
        {
          mysqlEngine: "MyISAM",
          mysqlCharset: "latin1",
          mysqlCollate: "latin1_bin",
        },
      );
      new Table(
        "opts2",
        metadata,
        { id: Column(Integer, { primaryKey: true }) },
        { mysqlEngine: "InnoDB", mysqlCharset: "utf8mb4" },
      );
      await metadata.createAll(ctx.engine);
      const rows = await ctx.engine.begin(
        async (c) =>
          (
            await c.execute(
              text(
                "SELECT table_name AS t, engine AS e, table_collation AS c FROM information_schema.tables " +
                  "WHERE table_schema = DATABASE() AND table_name IN ('opts', 'opts2') ORDER BY table_name",
              ),
            )
          ).all() as { t: string; e: string; c: string }[],
      );
      expect(rows[0]).toEqual({ t: "opts", e: "MyISAM", c: "latin1_bin" });
      expect(rows[1]!.e).toBe("InnoDB");
      expect(rows[1]!.c).toMatch(/^utf8mb4_/);
      await metadata.dropAll(ctx.engine);
    });

    test("an index on a TEXT column with a prefix length", async () => {
      const metadata = new MetaData();
      const docs = new Table("docs", metadata, {
        id: Column(Integer, { primaryKey: true }),
        body: Column(Text),
      });
      Index("ix_docs_body", docs.c.body, { mysqlLength: 20 });
      await metadata.createAll(ctx.engine);
      expect(await indexNames(ctx.engine, "docs")).toEqual(["ix_docs_body"]);
      await metadata.dropAll(ctx.engine);
    });
  },
  { only: ["mysql"] },
);
