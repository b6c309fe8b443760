/** The README's quick start, run on every dialect, so the first thing users copy keeps working. */
import { expect, expectTypeOf, test } from "vitest";
import {
  Column,
  ForeignKey,
  func,
  insert,
  Integer,
  MetaData,
  select,
  String,
  Table,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

describeEachDialect("README quick start", (ctx) => {
  test("create, insert, and an outer join with an inferred ON clause and an aggregate", async () => {
    const metadata = new MetaData();
    const users = new Table("users", metadata, {
      id: Column(Integer, { primaryKey: true }),
      username: Column(String(50), { nullable: false, unique: true }),
    });
    const orders = new Table("orders", metadata, {
      id: Column(Integer, { primaryKey: true }),
      userId: Column(Integer, { name: "user_id", nullable: false, foreignKey: ForeignKey("users.id") }),
    });
    await metadata.createAll(ctx.engine);
    await ctx.engine.begin(async (conn) => {
      await conn.execute(insert(users).values({ username: "ada" }));
      const rows = (
        await conn.execute(
          select(users.c.username, func.count(orders.c.id).label("orderCount"))
            .outerJoin(orders)
            .groupBy(users.c.username),
        )
      ).all();
      expectTypeOf(rows).toEqualTypeOf<{ username: string; orderCount: number }[]>();
      expect(rows).toEqual([{ username: "ada", orderCount: 0 }]);
    });
    await metadata.dropAll(ctx.engine);
  });
});
