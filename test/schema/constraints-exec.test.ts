import { afterAll, beforeAll, expect, test } from "vitest";
import {
  CheckConstraint,
  Column,
  DateTime,
  Enum,
  ForeignKey,
  ForeignKeyConstraint,
  Integer,
  IntegrityError,
  MetaData,
  PrimaryKeyConstraint,
  String,
  Table,
  UniqueConstraint,
  delete_,
  func,
  insert,
  select,
  text,
  update,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

function shopSchema() {
  const metadata = new MetaData({ namingConvention: { ck: "ck_%(table_name)s_%(constraint_name)s" } });
  const customers = new Table("customers", metadata, {
    id: Column(Integer, { primaryKey: true }),
    email: Column(String(100), { nullable: false, unique: true }),
    tier: Column(String(10), { nullable: false, serverDefault: "basic" }),
    createdAt: Column(DateTime, { name: "created_at", nullable: false, serverDefault: func.now() }),
    visits: Column(Integer, { nullable: false, default: 0 }),
    token: Column(String(40), { default: () => "tok-" + Math.random().toString(36).slice(2, 10) }),
    revision: Column(Integer, { nullable: false, default: 1, onupdate: () => 99 }),
    kind: Column(Enum(["person", "company"], { name: "customer_kind" }), {
      nullable: false,
      default: "person",
    }),
  });
  const orders = new Table(
    "orders",
    metadata,
    {
      id: Column(Integer, { primaryKey: true }),
      customerId: Column(Integer, {
        name: "customer_id",
        nullable: false,
        foreignKey: ForeignKey("customers.id", { ondelete: "CASCADE" }),
      }),
      region: Column(String(10), { nullable: false }),
      number: Column(Integer, { nullable: false }),
      quantity: Column(Integer, { nullable: false }),
    },
    UniqueConstraint("region", "number"),
    CheckConstraint("quantity > 0", { name: "positive_quantity" }),
  );
  const lines = new Table(
    "order_lines",
    metadata,
    {
      orderId: Column(Integer, { name: "order_id", nullable: false }),
      lineNo: Column(Integer, { name: "line_no", nullable: false }),
      sku: Column(String(20), { nullable: false }),
    },
    PrimaryKeyConstraint("orderId", "lineNo"),
    ForeignKeyConstraint(["orderId"], ["orders.id"], { ondelete: "CASCADE" }),
  );
  return { metadata, customers, orders, lines };
}

describeEachDialect("schema: constraints, defaults and keys at work", (ctx) => {
  const s = shopSchema();
  beforeAll(async () => {
    await s.metadata.createAll(ctx.engine);
  });
  afterAll(async () => {
    await s.metadata.dropAll(ctx.engine);
  });
  const { customers, orders, lines } = s;

  test("autoincrement primary keys number the rows", async () => {
    await ctx.engine.begin(async (conn) => {
      const id1 = (
        await conn.execute(insert(customers).values({ email: "a@x.io" }).returning(customers.c.id))
      ).scalarOne();
      const id2 = (
        await conn.execute(insert(customers).values({ email: "b@x.io" }).returning(customers.c.id))
      ).scalarOne();
      expect(typeof id1).toBe("number");
      expect(id2).toBe(id1 + 1);
      const ids = (await conn.execute(select(customers.c.id).orderBy(customers.c.id))).scalars().all();
      expect(ids).toEqual([id1, id2]);
      await conn.execute(delete_(customers));
    });
  });

  test("server defaults (a literal and now()) and client defaults fill the row", async () => {
    await ctx.engine.begin(async (conn) => {
      const before = Date.now();
      await conn.execute(insert(customers).values({ email: "d@x.io" }));
      const row = (await conn.execute(select(customers).where(customers.c.email.eq("d@x.io")))).one();
      expect(row.tier).toBe("basic");
      expect(row.visits).toBe(0);
      expect(row.revision).toBe(1);
      expect(row.kind).toBe("person");
      expect(row.token).toMatch(/^tok-/);
      expect(row.createdAt).toBeInstanceOf(Date);
      // now() is the server's clock; allow for clock skew and sub-second truncation.
      expect(Math.abs(row.createdAt.getTime() - before)).toBeLessThan(10 * 60 * 1000);
      await conn.execute(update(customers).where(customers.c.email.eq("d@x.io")).values({ visits: 5 }));
      const after = (
        await conn.execute(
          select(customers.c.visits, customers.c.revision).where(customers.c.email.eq("d@x.io")),
        )
      ).one();
      expect(after).toEqual({ visits: 5, revision: 99 });
      await conn.execute(delete_(customers));
    });
  });

  test("unique and composite unique violations raise IntegrityError", async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(insert(customers).values({ id: 1, email: "u@x.io" }));
      await conn.execute(
        insert(orders).values({ id: 1, customerId: 1, region: "eu", number: 1, quantity: 1 }),
      );
      await conn.execute(
        insert(orders).values({ id: 2, customerId: 1, region: "us", number: 1, quantity: 1 }),
      );
    });
    await expect(
      ctx.engine.begin((c) => c.execute(insert(customers).values({ id: 2, email: "u@x.io" }))),
    ).rejects.toBeInstanceOf(IntegrityError);
    await expect(
      ctx.engine.begin((c) =>
        c.execute(insert(orders).values({ id: 3, customerId: 1, region: "eu", number: 1, quantity: 1 })),
      ),
    ).rejects.toBeInstanceOf(IntegrityError);
    await ctx.engine.begin((c) => c.execute(delete_(customers)));
  });

  test("CHECK constraints are enforced", async () => {
    await ctx.engine.begin((c) => c.execute(insert(customers).values({ id: 1, email: "c@x.io" })));
    await expect(
      ctx.engine.begin((c) =>
        c.execute(insert(orders).values({ id: 1, customerId: 1, region: "eu", number: 1, quantity: 0 })),
      ),
    ).rejects.toBeInstanceOf(IntegrityError);
    await ctx.engine.begin((c) => c.execute(delete_(customers)));
  });

  test("an Enum rejects other values (CHECK or native enum)", async () => {
    const err = await ctx.engine
      .begin((c) =>
        c.execute(
          text(
            "INSERT INTO customers (id, email, visits, revision, kind) VALUES (5, 'e@x.io', 0, 1, 'robot')",
          ),
        ),
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Error);
    if (ctx.target.dialect === "sqlite") expect(err).toBeInstanceOf(IntegrityError);
  });

  test("ON DELETE CASCADE removes the dependent rows", async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(insert(customers).values({ id: 7, email: "cascade@x.io" }));
      await conn.execute(
        insert(orders).values({ id: 70, customerId: 7, region: "eu", number: 70, quantity: 2 }),
      );
      await conn.execute(
        insert(lines).values([
          { orderId: 70, lineNo: 1, sku: "a" },
          { orderId: 70, lineNo: 2, sku: "b" },
        ]),
      );
    });
    await ctx.engine.begin((c) => c.execute(delete_(customers).where(customers.c.id.eq(7))));
    const counts = await ctx.engine.begin(async (c) => ({
      orders: (await c.execute(select(func.count(orders.c.id)))).scalar(),
      lines: (await c.execute(select(func.count(lines.c.sku)))).scalar(),
    }));
    expect(counts).toEqual({ orders: 0, lines: 0 });
  });

  test("a composite primary key refuses a duplicate pair and accepts distinct ones", async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(insert(customers).values({ id: 8, email: "pk@x.io" }));
      await conn.execute(
        insert(orders).values({ id: 80, customerId: 8, region: "eu", number: 80, quantity: 1 }),
      );
      await conn.execute(insert(lines).values({ orderId: 80, lineNo: 1, sku: "a" }));
      await conn.execute(insert(lines).values({ orderId: 80, lineNo: 2, sku: "a" }));
    });
    await expect(
      ctx.engine.begin((c) => c.execute(insert(lines).values({ orderId: 80, lineNo: 1, sku: "b" }))),
    ).rejects.toBeInstanceOf(IntegrityError);
    await expect(
      ctx.engine.begin((c) => c.execute(insert(lines).values({ orderId: 999, lineNo: 1, sku: "b" }))),
    ).rejects.toBeInstanceOf(IntegrityError);
    await ctx.engine.begin((c) => c.execute(delete_(customers)));
  });
});
