/** MikroORM 6: EntitySchema (no decorators), EntityManager forks, identity map and unit of work (flush). */
import { EntitySchema, MikroORM, type EntityManager, type Options } from "@mikro-orm/core";
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

class Customer {
  id!: number;
  name!: string;
  description!: string;
  score!: number;
}
class Product {
  id!: number;
  name!: string;
  price!: number;
}
class Order {
  id!: number;
  customer!: Customer;
  status!: string;
  total!: number;
  items: any;
}
class OrderItem {
  id!: number;
  order!: Order;
  product!: Product;
  quantity!: number;
  unitPrice!: number;
}

const schemas = [
  new EntitySchema<Customer>({
    class: Customer,
    tableName: "bench_customer",
    properties: {
      id: { type: "number", primary: true },
      name: { type: "string", length: 100 },
      description: { type: "string", length: 255 },
      score: { type: "number" },
    },
  }),
  new EntitySchema<Product>({
    class: Product,
    tableName: "bench_product",
    properties: {
      id: { type: "number", primary: true },
      name: { type: "string", length: 100 },
      price: { type: "number" },
    },
  }),
  new EntitySchema<Order>({
    class: Order,
    tableName: "bench_order",
    properties: {
      id: { type: "number", primary: true },
      customer: { kind: "m:1", entity: () => Customer, fieldName: "customer_id" },
      status: { type: "string", length: 20 },
      total: { type: "number" },
      items: { kind: "1:m", entity: () => OrderItem, mappedBy: "order" },
    },
  }),
  new EntitySchema<OrderItem>({
    class: OrderItem,
    tableName: "bench_order_item",
    properties: {
      id: { type: "number", primary: true },
      order: { kind: "m:1", entity: () => Order, fieldName: "order_id" },
      product: { kind: "m:1", entity: () => Product, fieldName: "product_id" },
      quantity: { type: "number" },
      unitPrice: { type: "number", fieldName: "unit_price" },
    },
  }),
];

export class MikroOrmAdapter implements Adapter {
  readonly id = "mikroorm";
  readonly packages = ["@mikro-orm/core", "@mikro-orm/knex"];
  readonly how = {
    W1: "em.fork(); em.create(Customer, …) × 20 000; em.flush() (batched inserts, ids read back)",
    W2e: "em.fork().find(Customer, {})",
    W2r: "em.createQueryBuilder(Customer).select([...]).execute() (plain objects)",
    W3: "orm.em.fork().findOne(Customer, id) per lookup (fresh identity map)",
    W4: "em.fork().find(Order, {}, { populate: ['customer', 'items.product'] }) (default strategy: joined, faster here than select-in)",
    W5: "em.fork(): find(id ≤ n), change score, em.flush() (batched UPDATE … CASE)",
    W6: "build em.createQueryBuilder(Order, 'o') with join×3 and a 10-condition where, then getQuery() + getParams()",
    W6b: "build the query builder only",
  };
  readonly missing = { W6c: "no compiled-statement cache" };
  private orm!: MikroORM;

  async open(t: Target, _s: Sizes): Promise<void> {
    const common: Partial<Options> = {
      entities: schemas,
      discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
      debug: false,
      allowGlobalContext: false,
      pool: { min: 1, max: 1 },
    };
    if (t.kind === "sqlite") {
      const { BetterSqliteDriver } = await import("@mikro-orm/better-sqlite");
      this.orm = await MikroORM.init({ ...common, driver: BetterSqliteDriver, dbName: t.file } as Options);
      for (const p of SQLITE_PRAGMAS) await this.orm.em.getConnection().execute(p, [], "run");
    } else if (t.kind === "postgresql") {
      const { PostgreSqlDriver } = await import("@mikro-orm/postgresql");
      this.orm = await MikroORM.init({
        ...common,
        driver: PostgreSqlDriver,
        host: t.host,
        port: t.port,
        user: t.user,
        password: t.password,
        dbName: t.database,
      } as Options);
    } else {
      const { MySqlDriver } = await import("@mikro-orm/mysql");
      this.orm = await MikroORM.init({
        ...common,
        driver: MySqlDriver,
        host: t.host,
        port: t.port,
        user: t.user,
        password: t.password,
        dbName: t.database,
      } as Options);
    }
  }

  private em(): EntityManager {
    return this.orm.em.fork();
  }

  async close(): Promise<void> {
    await this.orm.close(true);
  }

  async w1(objects: readonly NewCustomer[]): Promise<InsertResult> {
    const em = this.em();
    const entities = objects.map((o) => em.create(Customer, { ...o }));
    await em.flush();
    let sumId = 0;
    for (const e of entities) sumId += e.id;
    return { count: entities.length, sumId };
  }

  async w2e(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const e of await this.em().find(Customer, {})) addCustomer(c, e);
    return c;
  }

  async w2r(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    const em = this.em() as any;
    const rows = await em
      .createQueryBuilder(Customer)
      .select(["id", "name", "description", "score"])
      .execute("all");
    for (const r of rows) addCustomer(c, r);
    return c;
  }

  async w3(ids: readonly number[]): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const id of ids) addCustomer(c, (await this.em().findOne(Customer, id))!);
    return c;
  }

  async w4() {
    const orders = await this.em().find(Order, {}, { populate: ["customer", "items.product"] as any });
    return checksumOfGraph(
      orders.map((o) => ({ id: o.id, customer: o.customer, items: o.items.getItems() })),
    );
  }

  async w5(n: number, newScore: (id: number) => number): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    const em = this.em();
    const rows = await em.find(Customer, { id: { $lte: n } });
    for (const r of rows) addCustomer(c, r);
    for (const r of rows) r.score = newScore(r.id);
    await em.flush();
    return c;
  }

  w6(n: number, mode: CompileMode): number {
    const em = this.orm.em.fork() as any;
    let len = 0;
    for (let i = 0; i < n; i++) {
      const v = w6Values(i);
      const qb = em
        .createQueryBuilder(Order, "o")
        .select(["c.id", "c.name", "o.id", "o.total", "i.quantity", "p.name", "p.price"])
        .join("o.customer", "c")
        .join("o.items", "i")
        .join("i.product", "p")
        .where({
          "c.score": { $gt: v.scoreMin, $lt: v.scoreMax },
          "o.status": v.status,
          "o.total": { $gte: v.totalMin, $lte: v.totalMax },
          "i.quantity": { $gte: v.qtyMin, $lte: v.qtyMax },
          "p.price": { $gt: v.priceMin },
          "p.name": { $ne: v.productName },
          "c.name": { $like: v.namePattern },
        })
        .orderBy({ "o.id": "asc" });
      if (mode !== "build") {
        len += qb.getQuery().length;
        qb.getParams();
      }
    }
    return len;
  }
}
