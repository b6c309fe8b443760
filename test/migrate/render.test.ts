import { describe, expect, test } from "vitest";
import {
  Column,
  DateTime,
  Enum,
  ForeignKey,
  Integer,
  MetaData,
  Numeric,
  String as Str,
  Table,
  func,
  literalColumn,
} from "../../src/index.js";
import { PostgresDialect } from "../../src/dialects/postgresql/index.js";
import { renderMigration } from "../../src/migrate/autogenerate/api.js";
import { migrateCompiler } from "../../src/migrate/impl/compiler.js";
import { ModifyTableOps, UpgradeOps } from "../../src/migrate/operations/base.js";
import {
  CreateForeignKeyOp,
  CreateIndexOp,
  DropConstraintOp,
} from "../../src/migrate/operations/constraint-ops.js";
import { AddColumnOp, AlterColumnOp, CreateTableOp } from "../../src/migrate/operations/table-ops.js";
import { renderScript } from "../../src/migrate/script/template.js";

const compiler = migrateCompiler(new PostgresDialect());

describe("rendering migration scripts", () => {
  test("createTable with columns, keys, defaults, options; indexes after it", () => {
    const md = new MetaData();
    new Table("users", md, { id: Column(Integer, { primaryKey: true }) });
    const orders = new Table(
      "orders",
      md,
      {
        id: Column(Integer, { primaryKey: true }),
        user_id: Column(Integer, {
          nullable: false,
          foreignKey: ForeignKey("users.id", { ondelete: "CASCADE" }),
        }),
        total: Column(Numeric(10, 2), { serverDefault: "0" }),
        status: Column(Enum(["new", "paid"], { name: "order_status" }), { nullable: false }),
        placed_at: Column(DateTime({ timezone: true }), { serverDefault: func.now(), comment: "when" }),
      },
      { mysqlEngine: "InnoDB" },
    );
    new CreateIndexOp("ix", "orders", ["placed_at"]);
    const r = renderMigration(new UpgradeOps([new CreateTableOp(orders)]), { compiler }, false);
    expect(r.upgrade.slice(1).join("\n")).toBe(
      [
        "await op.createTable(",
        '  "orders",',
        "  {",
        "    id: Column(Integer, { primaryKey: true }),",
        "    user_id: Column(Integer, { nullable: false }),",
        '    total: Column(Numeric(10, 2), { serverDefault: "0" }),',
        '    status: Column(Enum(["new", "paid"], { name: "order_status" }), { nullable: false }),',
        '    placed_at: Column(DateTime({ timezone: true }), { serverDefault: func.now(), comment: "when" }),',
        "  },",
        '  ForeignKeyConstraint(["user_id"], ["users.id"], { ondelete: "CASCADE" }),',
        '  { mysqlEngine: "InnoDB" },',
        ");",
      ].join("\n"),
    );
    expect(r.downgrade.slice(1)).toEqual(['await op.dropTable("orders");']);
    expect([...r.imports.get("athanor")!].sort()).toEqual([
      "Column",
      "DateTime",
      "Enum",
      "ForeignKeyConstraint",
      "Integer",
      "Numeric",
      "func",
    ]);
  });

  test("table changes as statements, or as a batch block; reverses in the downgrade", () => {
    const ops = new UpgradeOps([
      new ModifyTableOps("users", [
        new AddColumnOp("users", "nickname", Column(Str(30))),
        new AlterColumnOp("users", "email", { type: Str(320), existingType: Str(255) }),
        new CreateIndexOp("ix_lower_email", "users", [literalColumn("lower(email)")], { unique: true }),
        new CreateForeignKeyOp("fk_users_team", "users", "teams", ["team_id"], ["id"]),
      ]),
    ]);
    const flat = renderMigration(ops, { compiler }, false);
    expect(flat.upgrade.slice(1).join("\n")).toBe(
      [
        'await op.addColumn("users", "nickname", Column(String(30)));',
        'await op.alterColumn("users", "email", { type: String(320), existingType: String(255) });',
        'await op.createIndex("ix_lower_email", "users", [literalColumn("lower(email)")], { unique: true });',
        'await op.createForeignKey("fk_users_team", "users", "teams", ["team_id"], ["id"]);',
      ].join("\n"),
    );
    expect(flat.downgrade.slice(1).join("\n")).toBe(
      [
        'await op.dropConstraint("fk_users_team", "users", { type: "foreignkey" });',
        'await op.dropIndex("ix_lower_email", { tableName: "users" });',
        'await op.alterColumn("users", "email", { type: String(255), existingType: String(320) });',
        'await op.dropColumn("users", "nickname");',
      ].join("\n"),
    );
    const batch = renderMigration(ops, { compiler }, true);
    expect(batch.upgrade[1]).toBe(
      [
        'await op.batchAlterTable("users", (batch) => {',
        '  batch.addColumn("nickname", Column(String(30)));',
        '  batch.alterColumn("email", { type: String(320), existingType: String(255) });',
        '  batch.createIndex("ix_lower_email", [literalColumn("lower(email)")], { unique: true });',
        '  batch.createForeignKey("fk_users_team", "teams", ["team_id"], ["id"]);',
        "});",
      ].join("\n"),
    );
    expect(new DropConstraintOp("x", "t").describe()).toBe("dropConstraint(x on t)");
  });

  test("the script: header, imports, identifiers, bodies", () => {
    const text = renderScript({
      revision: "ae1027a6acf",
      downRevision: ["a1", "b2"],
      message: "merge heads",
      createDate: "2024-01-15T10:00:00.000Z",
      imports: new Map([["athanor", new Set(["Integer", "Column"])]]),
      upgrade: [],
      downgrade: [],
    });
    expect(text).toBe(
      [
        "/**",
        " * merge heads",
        " *",
        " * Revision ID: ae1027a6acf",
        " * Revises: a1, b2",
        " * Create Date: 2024-01-15T10:00:00.000Z",
        " */",
        'import type { Operations } from "athanor/migrate";',
        'import { Column, Integer } from "athanor";',
        "",
        'export const revision = "ae1027a6acf";',
        'export const downRevision: string | string[] | null = ["a1", "b2"];',
        'export const message = "merge heads";',
        'export const createDate = "2024-01-15T10:00:00.000Z";',
        "",
        "export async function upgrade(_op: Operations): Promise<void> {",
        "  // Nothing to do.",
        "}",
        "",
        "export async function downgrade(_op: Operations): Promise<void> {",
        "  // Nothing to do.",
        "}",
        "",
      ].join("\n"),
    );
  });
});
