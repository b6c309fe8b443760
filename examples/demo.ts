/**
 * `npm run demo`: the seeds' e-commerce example with Athanor Core, on an embedded SQLite file.
 * Creates the tables, inserts, selects with joins and aggregates, updates, deletes, and shows a
 * transaction that rolls back when stock runs out. Set DEMO_URL to run it on another database.
 */
import { mkdirSync, rmSync } from "node:fs";
import {
  Boolean as Bool,
  case_,
  Column,
  createEngine,
  DateTime,
  delete_,
  ForeignKey,
  func,
  Index,
  insert,
  Integer,
  MetaData,
  Numeric,
  select,
  String,
  Table,
  text,
  update,
  type Connection,
} from "../src/index.js";

// ---- schema: the seeds' users, products, orders and order_items --------------------------------

const metadata = new MetaData({
  namingConvention: {
    ix: "ix_%(column_0_label)s",
    uq: "uq_%(table_name)s_%(column_0_name)s",
    fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    pk: "pk_%(table_name)s",
  },
});

const users = new Table(
  "users",
  metadata,
  {
    id: Column(Integer, { primaryKey: true }),
    username: Column(String(50), { nullable: false, unique: true }),
    email: Column(String(255), { nullable: false, unique: true }),
    isActive: Column(Bool, { name: "is_active", nullable: false, default: true }),
    createdAt: Column(DateTime, { name: "created_at", nullable: false, serverDefault: func.now() }),
    updatedAt: Column(DateTime, { name: "updated_at", onupdate: () => new Date() }),
  },
  Index("idx_active_created", "isActive", "createdAt"),
  { mysqlEngine: "InnoDB", mysqlCharset: "utf8mb4" },
);

const products = new Table("products", metadata, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(100), { nullable: false }),
  price: Column(Numeric(10, 2), { nullable: false }),
  stock: Column(Integer, { nullable: false, default: 0 }),
});

const orders = new Table("orders", metadata, {
  id: Column(Integer, { primaryKey: true }),
  userId: Column(Integer, {
    name: "user_id",
    nullable: false,
    foreignKey: ForeignKey("users.id", { ondelete: "CASCADE" }),
  }),
  status: Column(String(20), { nullable: false, default: "pending" }),
  totalAmount: Column(Numeric(10, 2), { name: "total_amount", nullable: false, default: "0" }),
});

const orderItems = new Table("order_items", metadata, {
  id: Column(Integer, { primaryKey: true }),
  orderId: Column(Integer, {
    name: "order_id",
    nullable: false,
    foreignKey: ForeignKey("orders.id", { ondelete: "CASCADE" }),
  }),
  productId: Column(Integer, { name: "product_id", nullable: false, foreignKey: ForeignKey("products.id") }),
  quantity: Column(Integer, { nullable: false }),
  price: Column(Numeric(10, 2), { nullable: false }),
});

// ---- printing -----------------------------------------------------------------------------------

const step = (title: string) => console.log(`\n\x1b[1m== ${title}\x1b[0m`);
const show = (rows: readonly object[]) => console.table(rows);

/** Creates an order with its items in the caller's transaction; throws when stock is short. */
async function createOrderWithItems(
  conn: Connection,
  userId: number,
  items: { productId: number; quantity: number }[],
) {
  const { insertedPrimaryKey } = await conn.execute(insert(orders).values({ userId }));
  const orderId = Number(insertedPrimaryKey![0]);
  let total = 0;
  for (const item of items) {
    // SELECT … FOR UPDATE locks the product row where the database has row locks.
    const product = (
      await conn.execute(select(products).where(products.c.id.eq(item.productId)).forUpdate())
    ).oneOrNone();
    if (!product) throw new Error(`Product ${item.productId} not found`);
    if (product.stock < item.quantity)
      throw new Error(`Insufficient stock for product ${product.name} (${product.stock} left)`);
    await conn.execute(
      insert(orderItems).values({
        orderId,
        productId: product.id,
        quantity: item.quantity,
        price: product.price,
      }),
    );
    await conn.execute(
      update(products)
        .where(products.c.id.eq(product.id))
        .values({ stock: products.c.stock.sub(item.quantity) }),
    );
    total += Number(product.price) * item.quantity;
  }
  await conn.execute(
    update(orders)
      .where(orders.c.id.eq(orderId))
      .values({ totalAmount: total.toFixed(2) }),
  );
  return orderId;
}

async function main() {
  let url = process.env.DEMO_URL;
  if (!url) {
    mkdirSync(".tmp", { recursive: true });
    rmSync(".tmp/demo.db", { force: true });
    url = "sqlite:///.tmp/demo.db";
  }
  const engine = createEngine(url);
  console.log(`Athanor demo on ${engine.url}`);

  step("Create the tables (in foreign-key order)");
  await metadata.dropAll(engine);
  await metadata.createAll(engine);
  console.log(metadata.sortedTables.map((t) => t.name).join(" → "));

  step("Insert users and products (executemany)");
  await engine.begin(async (conn) => {
    await conn.execute(insert(users), [
      { username: "alice", email: "alice@example.com" },
      { username: "bob", email: "bob@example.com" },
      { username: "chloé", email: "chloe@example.com" },
      { username: "dimitri", email: "dimitri@example.com", isActive: false },
    ]);
    await conn.execute(insert(products), [
      { name: "Keyboard", price: "49.90", stock: 10 },
      { name: "Mouse", price: "19.99", stock: 25 },
      { name: "Monitor", price: "189.00", stock: 3 },
    ]);
  });
  await engine.begin(async (conn) =>
    show((await conn.execute(select(users.c.id, users.c.username, users.c.isActive))).all()),
  );

  step("Place orders in transactions");
  await engine.begin(async (conn) => {
    await createOrderWithItems(conn, 1, [
      { productId: 1, quantity: 1 },
      { productId: 2, quantity: 2 },
    ]);
    await createOrderWithItems(conn, 1, [{ productId: 3, quantity: 1 }]);
    await createOrderWithItems(conn, 2, [{ productId: 2, quantity: 1 }]);
  });
  await engine.begin(async (conn) => show((await conn.execute(select(orders))).all()));

  step("Join and aggregate: spending per user (outer join, inferred ON clause)");
  const orderCount = func.count(orders.c.id);
  const stats = select(
    users.c.username,
    orderCount.label("orderCount"),
    func.coalesce(func.sum(orders.c.totalAmount), "0").label("totalSpent"),
    case_(
      [
        [orderCount.eq(0), "inactive"],
        [orderCount.between(1, 1), "occasional"],
      ],
      { else: "regular" },
    ).label("category"),
  )
    .selectFrom(users)
    .outerJoin(orders)
    .groupBy(users.c.id, users.c.username)
    .orderBy(users.c.username);
  await engine.begin(async (conn) => show((await conn.execute(stats)).all()));

  step("Top products by units sold (join inferred from order_items.product_id)");
  const topProducts = select(products.c.name, func.sum(orderItems.c.quantity).label("unitsSold"))
    .join(orderItems)
    .groupBy(products.c.id, products.c.name)
    .orderBy(func.sum(orderItems.c.quantity).desc());
  await engine.begin(async (conn) => show((await conn.execute(topProducts)).all()));

  step("A transaction that rolls back: not enough monitors");
  try {
    await engine.begin(async (conn) => {
      await createOrderWithItems(conn, 3, [
        { productId: 1, quantity: 1 },
        { productId: 3, quantity: 5 },
      ]);
    });
  } catch (e) {
    console.log(`rolled back: ${(e as Error).message}`);
  }
  await engine.begin(async (conn) => {
    const n = (
      await conn.execute(select(func.count()).selectFrom(orders).where(orders.c.userId.eq(3)))
    ).scalarOne();
    const kb = (await conn.execute(select(products.c.stock).where(products.c.id.eq(1)))).scalarOne();
    console.log(`orders for chloé: ${n}; keyboards in stock: ${kb} (unchanged)`);
  });

  step("Bulk update: deactivate users without orders");
  await engine.begin(async (conn) => {
    const noOrders = select(orders.c.userId);
    const res = await conn.execute(
      update(users).where(users.c.id.notIn(noOrders)).values({ isActive: false }),
    );
    console.log(`rowcount: ${res.rowcount}`);
  });

  step("Raw SQL with bound parameters: text()");
  await engine.begin(async (conn) => {
    const big = text(
      "SELECT u.username, COALESCE(SUM(o.total_amount), 0) AS total FROM users u " +
        "LEFT JOIN orders o ON u.id = o.user_id WHERE u.is_active = :active GROUP BY u.id, u.username ORDER BY u.username",
    ).columns({ username: String(), total: Numeric() });
    show((await conn.execute(big, { active: true })).all());
  });

  step("Delete a user: ON DELETE CASCADE removes the orders and their items");
  await engine.begin(async (conn) => {
    await conn.execute(delete_(users).where(users.c.username.eq("alice")));
    const left = (await conn.execute(select(func.count()).selectFrom(orderItems))).scalarOne();
    console.log(`order items left: ${left}`);
  });

  await engine.dispose();
  console.log("\nDone.");
}

await main();
