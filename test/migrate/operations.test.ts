import { expect, test } from "vitest";
import {
  Boolean as Bool,
  Column,
  DateTime,
  ForeignKey,
  Integer,
  RawType,
  String as Str,
  Text,
  column,
  func,
  inspect,
  table,
  text,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";
import "./fixtures.js";
import { rows, tableNames, withOp } from "./support.js";
import type { Operations } from "../../src/migrate/operations/operations.js";

/** The seed's 001_create_users migration, translated. */
async function upgrade001(op: Operations): Promise<void> {
  await op.createTable(
    "users",
    {
      id: Column(Integer, { nullable: false, primaryKey: true }),
      username: Column(Str(50), { nullable: false }),
      email: Column(Str(255), { nullable: false }),
      password_hash: Column(Str(255), { nullable: false }),
      first_name: Column(Str(100), { nullable: true }),
      last_name: Column(Str(100), { nullable: true }),
      is_active: Column(Bool, { nullable: false }),
      is_admin: Column(Bool, { nullable: false }),
      created_at: Column(DateTime, { serverDefault: func.now(), nullable: false }),
      updated_at: Column(DateTime, { nullable: true }),
      last_login: Column(DateTime, { nullable: true }),
    },
    { mysqlEngine: "InnoDB", mysqlCharset: "utf8mb4" },
  );
  await op.createIndex("idx_email", "users", ["email"], { unique: true });
  await op.createIndex("idx_username", "users", ["username"], { unique: true });
  await op.createIndex("idx_active_created", "users", ["is_active", "created_at"]);
}
async function downgrade001(op: Operations): Promise<void> {
  await op.dropIndex("idx_active_created", { tableName: "users" });
  await op.dropIndex("idx_username", { tableName: "users" });
  await op.dropIndex("idx_email", { tableName: "users" });
  await op.dropTable("users");
}

describeEachDialect("operations", (ctx) => {
  test("the seed's 001_create_users runs up and down", async () => {
    await withOp(ctx.engine, upgrade001);
    const insp = inspect(ctx.engine);
    expect(await insp.getTableNames()).toEqual(["users"]);
    expect((await insp.getIndexes("users")).map((i) => [i.name, i.unique])).toEqual([
      ["idx_active_created", false],
      ["idx_email", true],
      ["idx_username", true],
    ]);
    await ctx.engine.begin(async (c) => {
      await c.execute(
        text(
          "INSERT INTO users (username, email, password_hash, is_active, is_admin) VALUES ('ann', 'a@x', 'h', 1 = 1, 1 = 0)",
        ),
      );
    });
    const [u] = await rows(ctx.engine, "SELECT id, created_at FROM users");
    expect(u!.id).toBe(1);
    expect(u!.created_at).not.toBeNull();
    await withOp(ctx.engine, downgrade001);
    expect(await tableNames(ctx.engine)).toEqual([]);
  });

  test("columns: add, alter (type, nullable, default, name), drop; rename table", async () => {
    await withOp(ctx.engine, async (op) => {
      await op.createTable("things", { id: Column(Integer, { primaryKey: true }), code: Column(Str(10)) });
      await op.bulkInsert(table("things", column("id", Integer), column("code", Str(10))), [
        { id: 1, code: "12" },
        { id: 2, code: "34" },
      ]);
      await op.addColumn("things", "note", Column(Str(40), { serverDefault: "n/a" }));
      await op.alterColumn("things", "code", {
        nullable: false,
        existingType: Str(10),
        existingNullable: true,
      });
      await op.alterColumn("things", "note", { serverDefault: "none", existingType: Str(40) });
      await op.alterColumn("things", "code", {
        type: Str(30),
        existingType: Str(10),
        existingNullable: false,
      });
      await op.alterColumn("things", "note", { newColumnName: "remark", existingType: Str(40) });
      await op.renameTable("things", "items");
    });
    const insp = inspect(ctx.engine);
    const cols = Object.fromEntries((await insp.getColumns("items")).map((c) => [c.name, c]));
    expect(Object.keys(cols)).toEqual(["id", "code", "remark"]);
    expect(cols.code!.nullable).toBe(false);
    expect((cols.code!.type as { length?: number }).length).toBe(30);
    expect(cols.remark!.default).toMatch(/none/);
    expect(await rows(ctx.engine, "SELECT id, code, remark FROM items ORDER BY id")).toEqual([
      { id: 1, code: "12", remark: "n/a" },
      { id: 2, code: "34", remark: "n/a" },
    ]);
    await withOp(ctx.engine, async (op) => {
      await op.alterColumn("items", "remark", { serverDefault: null, existingType: Str(40) });
      await op.dropColumn("items", "remark");
    });
    expect((await inspect(ctx.engine).getColumns("items")).map((c) => c.name)).toEqual(["id", "code"]);
    await withOp(ctx.engine, (op) => op.dropTable("items"));
  });

  test("constraints: unique, foreign key, check; drop each by name", async () => {
    await withOp(ctx.engine, async (op) => {
      await op.createTable("parents", { id: Column(Integer, { primaryKey: true }) });
      await op.createTable("kids", {
        id: Column(Integer, { primaryKey: true }),
        parent_id: Column(Integer),
        age: Column(Integer),
        email: Column(Str(100)),
      });
      await op.createUniqueConstraint("uq_kids_email", "kids", ["email"]);
      await op.createForeignKey("fk_kids_parent", "kids", "parents", ["parent_id"], ["id"], {
        ondelete: "CASCADE",
      });
      await op.createCheckConstraint("ck_kids_age", "kids", "age >= 0");
    });
    const insp = inspect(ctx.engine);
    expect((await insp.getUniqueConstraints("kids")).map((u) => u.name)).toEqual(["uq_kids_email"]);
    expect((await insp.getForeignKeys("kids")).map((f) => [f.name, f.ondelete])).toEqual([
      ["fk_kids_parent", "CASCADE"],
    ]);
    expect((await insp.getCheckConstraints("kids")).map((c) => c.name)).toContain("ck_kids_age");
    await expect(
      ctx.engine.begin((c) => c.execute(text("INSERT INTO kids (id, age) VALUES (1, -1)"))),
    ).rejects.toThrow();
    await withOp(ctx.engine, async (op) => {
      await op.dropConstraint("ck_kids_age", "kids", { type: "check" });
      await op.dropConstraint("fk_kids_parent", "kids", { type: "foreignkey" });
      await op.dropConstraint("uq_kids_email", "kids");
    });
    const after = inspect(ctx.engine);
    expect(await after.getUniqueConstraints("kids")).toEqual([]);
    expect(await after.getForeignKeys("kids")).toEqual([]);
    expect((await after.getCheckConstraints("kids")).map((c) => c.name)).not.toContain("ck_kids_age");
    await withOp(ctx.engine, async (op) => {
      await op.dropTable("kids");
      await op.dropTable("parents");
    });
  });

  test("execute runs raw SQL as written; getBind gives the connection", async () => {
    await withOp(ctx.engine, async (op) => {
      await op.createTable("notes", { id: Column(Integer, { primaryKey: true }), body: Column(Text) });
      await op.execute("INSERT INTO notes (id, body) VALUES (1, 'at 10:30, said :hello')");
      await op.execute(text("INSERT INTO notes (id, body) VALUES (2, :b)").bindparams({ b: "two" }));
      const n = (await op.getBind().execute(text("SELECT COUNT(*) AS n FROM notes"))).scalar();
      expect(Number(n)).toBe(2);
    });
    expect((await rows(ctx.engine, "SELECT body FROM notes ORDER BY id")).map((r) => r.body)).toEqual([
      "at 10:30, said :hello",
      "two",
    ]);
    await withOp(ctx.engine, (op) => op.dropTable("notes"));
  });

  test("a column of a raw type is created as spelled", async () => {
    const spelling = ctx.target.dialect === "postgresql" ? "CHAR(3)" : "CHAR(3)";
    await withOp(ctx.engine, async (op) => {
      await op.createTable("codes", {
        id: Column(Integer, { primaryKey: true }),
        iso: Column(new RawType(spelling)),
      });
    });
    const iso = (await inspect(ctx.engine).getColumns("codes")).find((c) => c.name === "iso")!;
    expect(iso.rawType.toLowerCase()).toMatch(/^(char|character)\(3\)$/);
    await withOp(ctx.engine, (op) => op.dropTable("codes"));
  });

  test("batch: several changes to one table; on SQLite one rebuild that keeps rows, indexes, constraints", async () => {
    await withOp(ctx.engine, async (op) => {
      await op.createTable("accounts", { id: Column(Integer, { primaryKey: true }) });
      await op.createTable("ledger", {
        id: Column(Integer, { primaryKey: true }),
        account_id: Column(Integer, {
          nullable: false,
          foreignKey: ForeignKey("accounts.id", { name: "fk_ledger_account" }),
        }),
        amount: Column(Str(20), { nullable: false }),
        memo: Column(Str(50)),
      });
      await op.createIndex("ix_ledger_account", "ledger", ["account_id"]);
      await op.bulkInsert("accounts", [{ id: 1 }, { id: 2 }]);
      await op.bulkInsert(
        "ledger",
        Array.from({ length: 50 }, (_, i) => ({
          id: i + 1,
          account_id: (i % 2) + 1,
          amount: String(i * 10),
          memo: `m${i}`,
        })),
      );
    });
    await withOp(ctx.engine, (op) =>
      op.batchAlterTable("ledger", (batch) => {
        batch.alterColumn("amount", { type: Integer, existingType: Str(20), existingNullable: false });
        batch.alterColumn("memo", { newColumnName: "note", existingType: Str(50) });
        batch.addColumn("posted", Column(Bool, { nullable: false, serverDefault: false }));
        batch.createCheckConstraint("ck_ledger_amount", "amount >= 0");
      }),
    );
    const insp = inspect(ctx.engine);
    const cols = Object.fromEntries((await insp.getColumns("ledger")).map((c) => [c.name, c]));
    expect(Object.keys(cols)).toEqual(["id", "account_id", "amount", "note", "posted"]);
    expect(cols.amount!.type.kind).toBe("integer");
    expect((await insp.getIndexes("ledger")).map((i) => i.name)).toEqual(["ix_ledger_account"]);
    expect((await insp.getForeignKeys("ledger")).map((f) => f.name)).toEqual(["fk_ledger_account"]);
    expect((await insp.getCheckConstraints("ledger")).map((c) => c.name)).toContain("ck_ledger_amount");
    const data = await rows(ctx.engine, "SELECT id, amount, note FROM ledger ORDER BY id");
    expect(data).toHaveLength(50);
    expect(data[49]).toEqual({ id: 50, amount: 490, note: "m49" });
    if (ctx.target.dialect === "sqlite") {
      // Foreign keys are back on after the run, and still enforced on the rebuilt table.
      await expect(
        ctx.engine.begin((c) =>
          c.execute(text("INSERT INTO ledger (id, account_id, amount) VALUES (99, 42, 1)")),
        ),
      ).rejects.toThrow(/FOREIGN KEY/i);
    }
    await withOp(ctx.engine, async (op) => {
      await op.dropTable("ledger");
      await op.dropTable("accounts");
    });
  });
});
