import { beforeAll, expect, test } from "vitest";
import {
  BooleanType,
  DateTimeType,
  EnumType,
  IntegerType,
  JSONType,
  MetaData,
  NumericType,
  StringType,
  TextType,
  inspect,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { shopMetadata } from "./fixtures.js";

describeEachDialect("reflection", (ctx) => {
  beforeAll(async () => {
    await shopMetadata().createAll(ctx.engine);
  });

  test("table names", async () => {
    expect(await inspect(ctx.engine).getTableNames()).toEqual(["order_items", "orders", "products", "users"]);
  });

  test("columns: types normalised, nullability, defaults, autoincrement, comments", async () => {
    const insp = inspect(ctx.engine);
    const cols = await insp.getColumns("products");
    const by = Object.fromEntries(cols.map((c) => [c.name, c]));
    expect(cols.map((c) => c.name)).toEqual([
      "id",
      "sku",
      "name",
      "price",
      "stock",
      "description",
      "status",
      "attrs",
      "image",
      "released_on",
      "opens_at",
      "token",
      "views",
    ]);
    expect(by.id!.type).toBeInstanceOf(IntegerType);
    expect(by.id!.autoincrement).toBe(true);
    expect(by.id!.nullable).toBe(false);
    expect(by.sku!.type).toBeInstanceOf(StringType);
    expect((by.sku!.type as StringType).length).toBe(40);
    expect(by.description!.type).toBeInstanceOf(TextType);
    expect(by.description!.nullable).toBe(true);
    expect(by.price!.type).toBeInstanceOf(NumericType);
    expect([(by.price!.type as NumericType).precision, (by.price!.type as NumericType).scale]).toEqual([
      10, 2,
    ]);
    expect(by.price!.default).toMatch(/0/);
    expect(by.stock!.default).toMatch(/0/);
    expect(by.attrs!.type).toBeInstanceOf(JSONType);
    const d = ctx.target.dialect;
    if (d !== "sqlite") {
      expect(by.status!.type).toBeInstanceOf(EnumType);
      expect((by.status!.type as EnumType).values).toEqual(["draft", "active", "retired"]);
      expect(by.name!.comment).toBe("display name");
      expect(await insp.getTableComment("products")).toBe("things we sell");
    }
    const users = Object.fromEntries((await insp.getColumns("users")).map((c) => [c.name, c]));
    expect(users.is_active!.type).toBeInstanceOf(BooleanType);
    expect(users.created_at!.type).toBeInstanceOf(DateTimeType);
    expect(users.created_at!.default).not.toBeNull();
    expect(users.updated_at!.default).toBeNull();
  });

  test("primary keys, foreign keys with actions", async () => {
    const insp = inspect(ctx.engine);
    expect((await insp.getPkConstraint("order_items")).columns).toEqual(["order_id", "product_id"]);
    const fks = await insp.getForeignKeys("order_items");
    const byName = Object.fromEntries(fks.map((f) => [f.name, f]));
    expect(byName.fk_items_order).toMatchObject({
      columns: ["order_id"],
      referredTable: "orders",
      referredColumns: ["id"],
      ondelete: "CASCADE",
      onupdate: null,
    });
    expect(byName.fk_items_product).toMatchObject({
      columns: ["product_id"],
      referredTable: "products",
      ondelete: null,
    });
  });

  test("indexes, unique constraints, check constraints", async () => {
    const insp = inspect(ctx.engine);
    const ix = await insp.getIndexes("users");
    expect(ix.map((i) => [i.name, i.columns, i.unique])).toEqual([
      ["idx_active_created", ["is_active", "created_at"], false],
      ["idx_email", ["email"], true],
      ["idx_username", ["username"], true],
    ]);
    const uq = await insp.getUniqueConstraints("orders");
    expect(uq.map((u) => [u.name, u.columns])).toEqual([["uq_orders_user_number", ["user_id", "number"]]]);
    const orderIx = (await insp.getIndexes("orders")).filter((i) => !i.unique).map((i) => i.name);
    expect(orderIx).toEqual(["ix_orders_placed"]);
    const checks = await insp.getCheckConstraints("products");
    const price = checks.find((c) => c.name === "ck_products_price");
    expect(price?.sqltext).toMatch(/price\W*>=\s*\(?0/);
  });

  test("metadata.reflect builds tables that match the database", async () => {
    const md = new MetaData();
    await md.reflect(ctx.engine);
    expect(Object.keys(md.tables).sort()).toEqual(["order_items", "orders", "products", "users"]);
    const orders = md.tables.orders!;
    expect(orders.columns.map((c) => c.name)).toEqual(["id", "user_id", "number", "placed_at"]);
    expect(orders.foreignKeys[0]!.column.table).toBe(md.tables.users);
    expect(orders.indexes.map((i) => i.name)).toContain("ix_orders_placed");
    expect(orders.autoincrementColumn?.name).toBe("id");
    expect(md.tables.order_items!.primaryKey.columns.map((c) => c.name)).toEqual(["order_id", "product_id"]);
  });

  test("reflect({ only }) pulls in referenced tables; unknown names are an error", async () => {
    const md = new MetaData();
    await md.reflect(ctx.engine, { only: ["orders"] });
    expect(Object.keys(md.tables).sort()).toEqual(["orders", "users"]);
    await expect(new MetaData().reflect(ctx.engine, { only: ["nope"] })).rejects.toThrow(
      /doesn't have: nope/,
    );
  });

  test("a missing table is a clear error", async () => {
    await expect(inspect(ctx.engine).getColumns("nope")).rejects.toMatchObject({ code: "ATH-NO-SUCH-TABLE" });
  });
});
