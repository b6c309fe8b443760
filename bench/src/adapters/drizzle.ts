/** Drizzle ORM: the relational query API for entities and eager loading, the query builder for rows. */
import Database from "better-sqlite3";
import pg from "pg";
import mysql from "mysql2/promise";
import { and, eq, gt, gte, inArray, like, lt, lte, ne, relations, sql, type SQL } from "drizzle-orm";
import { drizzle as drizzleSqlite } from "drizzle-orm/better-sqlite3";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzleMysql } from "drizzle-orm/mysql2";
import * as sq from "drizzle-orm/sqlite-core";
import * as pgc from "drizzle-orm/pg-core";
import * as my from "drizzle-orm/mysql-core";
import { SQLITE_PRAGMAS, type Sizes, type Target } from "../config.js";
import {
  addCustomer,
  checksumOfGraph,
  emptyCustomerChecksum,
  type CustomerChecksum,
  type NewCustomer,
} from "../dataset.js";
import type { Adapter, CompileMode, InsertResult } from "../adapter.js";
import { w6Values } from "../adapter.js";

function sqliteSchema() {
  const customer = sq.sqliteTable("bench_customer", {
    id: sq.integer("id").primaryKey(),
    name: sq.text("name").notNull(),
    description: sq.text("description").notNull(),
    score: sq.integer("score").notNull(),
  });
  const product = sq.sqliteTable("bench_product", {
    id: sq.integer("id").primaryKey(),
    name: sq.text("name").notNull(),
    price: sq.integer("price").notNull(),
  });
  const order = sq.sqliteTable("bench_order", {
    id: sq.integer("id").primaryKey(),
    customerId: sq.integer("customer_id").notNull(),
    status: sq.text("status").notNull(),
    total: sq.integer("total").notNull(),
  });
  const orderItem = sq.sqliteTable("bench_order_item", {
    id: sq.integer("id").primaryKey(),
    orderId: sq.integer("order_id").notNull(),
    productId: sq.integer("product_id").notNull(),
    quantity: sq.integer("quantity").notNull(),
    unitPrice: sq.integer("unit_price").notNull(),
  });
  return { customer, product, order, orderItem };
}

function pgSchema() {
  const customer = pgc.pgTable("bench_customer", {
    id: pgc.integer("id").primaryKey().generatedByDefaultAsIdentity(),
    name: pgc.varchar("name", { length: 100 }).notNull(),
    description: pgc.varchar("description", { length: 255 }).notNull(),
    score: pgc.integer("score").notNull(),
  });
  const product = pgc.pgTable("bench_product", {
    id: pgc.integer("id").primaryKey().generatedByDefaultAsIdentity(),
    name: pgc.varchar("name", { length: 100 }).notNull(),
    price: pgc.integer("price").notNull(),
  });
  const order = pgc.pgTable("bench_order", {
    id: pgc.integer("id").primaryKey().generatedByDefaultAsIdentity(),
    customerId: pgc.integer("customer_id").notNull(),
    status: pgc.varchar("status", { length: 20 }).notNull(),
    total: pgc.integer("total").notNull(),
  });
  const orderItem = pgc.pgTable("bench_order_item", {
    id: pgc.integer("id").primaryKey().generatedByDefaultAsIdentity(),
    orderId: pgc.integer("order_id").notNull(),
    productId: pgc.integer("product_id").notNull(),
    quantity: pgc.integer("quantity").notNull(),
    unitPrice: pgc.integer("unit_price").notNull(),
  });
  return { customer, product, order, orderItem };
}

function mysqlSchema() {
  const customer = my.mysqlTable("bench_customer", {
    id: my.int("id").primaryKey().autoincrement(),
    name: my.varchar("name", { length: 100 }).notNull(),
    description: my.varchar("description", { length: 255 }).notNull(),
    score: my.int("score").notNull(),
  });
  const product = my.mysqlTable("bench_product", {
    id: my.int("id").primaryKey().autoincrement(),
    name: my.varchar("name", { length: 100 }).notNull(),
    price: my.int("price").notNull(),
  });
  const order = my.mysqlTable("bench_order", {
    id: my.int("id").primaryKey().autoincrement(),
    customerId: my.int("customer_id").notNull(),
    status: my.varchar("status", { length: 20 }).notNull(),
    total: my.int("total").notNull(),
  });
  const orderItem = my.mysqlTable("bench_order_item", {
    id: my.int("id").primaryKey().autoincrement(),
    orderId: my.int("order_id").notNull(),
    productId: my.int("product_id").notNull(),
    quantity: my.int("quantity").notNull(),
    unitPrice: my.int("unit_price").notNull(),
  });
  return { customer, product, order, orderItem };
}

/** Relations for the relational query API (`db.query.order.findMany({ with })`). */
function withRelations<T extends ReturnType<typeof sqliteSchema>>(t: T) {
  const orderRelations = relations(t.order, ({ one, many }) => ({
    customer: one(t.customer, { fields: [t.order.customerId], references: [t.customer.id] }),
    items: many(t.orderItem),
  }));
  const itemRelations = relations(t.orderItem, ({ one }) => ({
    order: one(t.order, { fields: [t.orderItem.orderId], references: [t.order.id] }),
    product: one(t.product, { fields: [t.orderItem.productId], references: [t.product.id] }),
  }));
  return { ...t, orderRelations, itemRelations };
}

export class DrizzleAdapter implements Adapter {
  readonly id = "drizzle";
  readonly packages = ["drizzle-orm"];
  readonly how = {
    W1: "one transaction; db.insert(customer).values(1 000 objects).returning({ id }) per chunk (MariaDB: $returningId())",
    W2e: "db.query.customer.findMany() (relational query API)",
    W2r: "db.select().from(customer)",
    W3: "a prepared statement (sql.placeholder) executed per lookup",
    W4: "db.query.order.findMany({ with: { customer: true, items: { with: { product: true } } } }) — one query (JSON subqueries; on MariaDB, which rejects its correlated subqueries, 4 select-in queries with inArray() instead)",
    W5: "one transaction (SQLite: Drizzle's synchronous transaction API): select, then db.update(customer).set({ score }).where(eq(id)) per object (no unit of work)",
    W6: "build db.select().from().innerJoin()×3.where(and(…)), then .toSQL()",
    W6b: "build the select only",
  };
  readonly missing = { W6c: "no compiled-statement cache (a query is prepared once by hand: see W3)" };
  private kind: Target["kind"] = "sqlite";
  private db: any;
  private t: any;
  private close_: () => Promise<void> = async () => {};
  private byId: any;

  async open(target: Target, _s: Sizes): Promise<void> {
    this.kind = target.kind;
    if (target.kind === "sqlite") {
      const client = new Database(target.file);
      for (const p of SQLITE_PRAGMAS) client.exec(p);
      this.t = withRelations(sqliteSchema());
      this.db = drizzleSqlite({ client, schema: this.t });
      this.close_ = async () => {
        client.close();
      };
    } else if (target.kind === "postgresql") {
      const client = new pg.Client({
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password,
        database: target.database,
      });
      await client.connect();
      this.t = withRelations(pgSchema() as any);
      this.db = drizzlePg({ client, schema: this.t });
      this.close_ = () => client.end();
    } else {
      const client = await mysql.createConnection({
        host: target.host,
        port: target.port,
        user: target.user,
        password: target.password,
        database: target.database,
      });
      this.t = withRelations(mysqlSchema() as any);
      this.db = drizzleMysql({ client, schema: this.t, mode: "default" });
      this.close_ = () => client.end();
    }
    this.byId = this.db
      .select()
      .from(this.t.customer)
      .where(eq(this.t.customer.id, sql.placeholder("id")))
      .prepare(this.kind === "postgresql" ? "w3_customer_by_id" : undefined);
  }

  async close(): Promise<void> {
    await this.close_();
  }

  async w1(objects: readonly NewCustomer[]): Promise<InsertResult> {
    const { customer } = this.t;
    let sumId = 0;
    if (this.kind === "sqlite") {
      // better-sqlite3 transactions are synchronous: Drizzle's sync API (.all()).
      this.db.transaction((tx: any) => {
        for (let i = 0; i < objects.length; i += 1000) {
          const ids: { id: number }[] = tx
            .insert(customer)
            .values(objects.slice(i, i + 1000))
            .returning({ id: customer.id })
            .all();
          for (const r of ids) sumId += r.id;
        }
      });
      return { count: objects.length, sumId };
    }
    await this.db.transaction(async (tx: any) => {
      for (let i = 0; i < objects.length; i += 1000) {
        const chunk = objects.slice(i, i + 1000);
        const ids: { id: number }[] =
          this.kind === "mariadb"
            ? await tx.insert(customer).values(chunk).$returningId()
            : await tx.insert(customer).values(chunk).returning({ id: customer.id });
        for (const r of ids) sumId += r.id;
      }
    });
    return { count: objects.length, sumId };
  }

  async w2e(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const r of await this.db.query.customer.findMany()) addCustomer(c, r);
    return c;
  }

  async w2r(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const r of await this.db.select().from(this.t.customer)) addCustomer(c, r);
    return c;
  }

  async w3(ids: readonly number[]): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    const get =
      this.kind === "sqlite"
        ? (id: number) => this.byId.get({ id })
        : async (id: number) => (await this.byId.execute({ id }))[0];
    for (const id of ids) addCustomer(c, await get(id));
    return c;
  }

  async w4() {
    if (this.kind !== "mariadb") {
      const orders = await this.db.query.order.findMany({
        with: { customer: true, items: { with: { product: true } } },
      });
      return checksumOfGraph(orders);
    }
    // MariaDB rejects the relational API's correlated derived tables: four select-in queries by hand.
    const { customer, order, orderItem, product } = this.t;
    const orders = await this.db.select().from(order);
    const customers = await this.db
      .select()
      .from(customer)
      .where(inArray(customer.id, [...new Set(orders.map((o: any) => o.customerId))]));
    const items = await this.db
      .select()
      .from(orderItem)
      .where(
        inArray(
          orderItem.orderId,
          orders.map((o: any) => o.id),
        ),
      );
    const products = await this.db
      .select()
      .from(product)
      .where(inArray(product.id, [...new Set(items.map((i: any) => i.productId))]));
    const customerById = new Map(customers.map((x: any) => [x.id, x]));
    const productById = new Map(products.map((x: any) => [x.id, x]));
    const byOrder = new Map<number, any>();
    for (const o of orders) {
      o.customer = customerById.get(o.customerId);
      o.items = [];
      byOrder.set(o.id, o);
    }
    for (const it of items) {
      it.product = productById.get(it.productId);
      byOrder.get(it.orderId).items.push(it);
    }
    return checksumOfGraph(orders);
  }

  async w5(n: number, newScore: (id: number) => number): Promise<CustomerChecksum> {
    const { customer } = this.t;
    const c = emptyCustomerChecksum();
    if (this.kind === "sqlite") {
      this.db.transaction((tx: any) => {
        const rows = tx.select().from(customer).where(lte(customer.id, n)).all();
        for (const r of rows) addCustomer(c, r);
        for (const r of rows) {
          r.score = newScore(r.id);
          tx.update(customer).set({ score: r.score }).where(eq(customer.id, r.id)).run();
        }
      });
      return c;
    }
    await this.db.transaction(async (tx: any) => {
      const rows = await tx.select().from(customer).where(lte(customer.id, n));
      for (const r of rows) addCustomer(c, r);
      for (const r of rows) {
        r.score = newScore(r.id);
        await tx.update(customer).set({ score: r.score }).where(eq(customer.id, r.id));
      }
    });
    return c;
  }

  w6(n: number, mode: CompileMode): number {
    const { customer, order, orderItem, product } = this.t;
    let len = 0;
    for (let i = 0; i < n; i++) {
      const v = w6Values(i);
      const conditions: SQL[] = [
        gt(customer.score, v.scoreMin),
        lt(customer.score, v.scoreMax),
        eq(order.status, v.status),
        gte(order.total, v.totalMin),
        lte(order.total, v.totalMax),
        gte(orderItem.quantity, v.qtyMin),
        lte(orderItem.quantity, v.qtyMax),
        gt(product.price, v.priceMin),
        ne(product.name, v.productName),
        like(customer.name, v.namePattern),
      ];
      const q = this.db
        .select({
          id: customer.id,
          name: customer.name,
          orderId: order.id,
          total: order.total,
          quantity: orderItem.quantity,
          productName: product.name,
          price: product.price,
        })
        .from(order)
        .innerJoin(customer, eq(customer.id, order.customerId))
        .innerJoin(orderItem, eq(orderItem.orderId, order.id))
        .innerJoin(product, eq(product.id, orderItem.productId))
        .where(and(...conditions))
        .orderBy(order.id);
      if (mode !== "build") len += q.toSQL().sql.length;
    }
    return len;
  }
}
