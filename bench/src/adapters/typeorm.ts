/** TypeORM: DataSource + EntitySchema (no decorators: tsx does not emit decorator metadata), repositories and save(). */
import { DataSource, EntitySchema, LessThanOrEqual, type EntityManager, type Repository } from "typeorm";
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
  customerId!: number;
  status!: string;
  total!: number;
  customer!: Customer;
  items!: OrderItem[];
}
class OrderItem {
  id!: number;
  orderId!: number;
  productId!: number;
  quantity!: number;
  unitPrice!: number;
  order!: Order;
  product!: Product;
}

const int = { type: Number } as const;
const str = (length: number) => ({ type: String, length }) as const;
const pk = { type: Number, primary: true, generated: "increment" } as const;

const CustomerSchema = new EntitySchema<Customer>({
  name: "Customer",
  target: Customer,
  tableName: "bench_customer",
  columns: { id: pk, name: str(100), description: str(255), score: int },
});
const ProductSchema = new EntitySchema<Product>({
  name: "Product",
  target: Product,
  tableName: "bench_product",
  columns: { id: pk, name: str(100), price: int },
});
const OrderSchema = new EntitySchema<Order>({
  name: "Order",
  target: Order,
  tableName: "bench_order",
  columns: { id: pk, customerId: { ...int, name: "customer_id" }, status: str(20), total: int },
  relations: {
    customer: { type: "many-to-one", target: "Customer", joinColumn: { name: "customer_id" } },
    items: { type: "one-to-many", target: "OrderItem", inverseSide: "order" },
  },
});
const OrderItemSchema = new EntitySchema<OrderItem>({
  name: "OrderItem",
  target: OrderItem,
  tableName: "bench_order_item",
  columns: {
    id: pk,
    orderId: { ...int, name: "order_id" },
    productId: { ...int, name: "product_id" },
    quantity: int,
    unitPrice: { ...int, name: "unit_price" },
  },
  relations: {
    order: { type: "many-to-one", target: "Order", joinColumn: { name: "order_id" }, inverseSide: "items" },
    product: { type: "many-to-one", target: "Product", joinColumn: { name: "product_id" } },
  },
});

export class TypeOrmAdapter implements Adapter {
  readonly id = "typeorm";
  readonly packages = ["typeorm"];
  readonly how = {
    W1: "dataSource.transaction(m => m.save(Customer, 20 000 new instances, { chunk: 1000 })) — ids read back",
    W2e: "repository.find()",
    W2r: "repository.createQueryBuilder('c').select([...]).getRawMany()",
    W3: "repository.findOneBy({ id }) per lookup (no identity map to bypass)",
    W4: "repository.find({ relations: { customer: true, items: { product: true } }, relationLoadStrategy: 'join' }) (faster here than 'query')",
    W5: "dataSource.transaction: find(id ≤ n), change score, manager.save(the 5 000 entities)",
    W6: "build dataSource.createQueryBuilder() with innerJoin×3 and 10 andWhere(), then getQueryAndParameters()",
    W6b: "build the query builder only",
  };
  readonly missing = { W6c: "no compiled-statement cache" };
  private ds!: DataSource;
  private customers!: Repository<Customer>;

  async open(t: Target, _s: Sizes): Promise<void> {
    const entities = [CustomerSchema, ProductSchema, OrderSchema, OrderItemSchema];
    if (t.kind === "sqlite")
      this.ds = new DataSource({
        type: "better-sqlite3",
        database: t.file,
        entities,
        prepareDatabase: (db: { exec(s: string): void }) => {
          for (const p of SQLITE_PRAGMAS) db.exec(p);
        },
      });
    else if (t.kind === "postgresql")
      this.ds = new DataSource({
        type: "postgres",
        host: t.host,
        port: t.port,
        username: t.user,
        password: t.password,
        database: t.database,
        entities,
        poolSize: 1,
      });
    else
      this.ds = new DataSource({
        type: "mariadb",
        host: t.host,
        port: t.port,
        username: t.user,
        password: t.password,
        database: t.database,
        entities,
        poolSize: 1,
      });
    await this.ds.initialize();
    this.customers = this.ds.getRepository(Customer);
  }

  async close(): Promise<void> {
    await this.ds.destroy();
  }

  async w1(objects: readonly NewCustomer[]): Promise<InsertResult> {
    const entities = objects.map((o) => Object.assign(new Customer(), o));
    await this.ds.transaction((m: EntityManager) => m.save(Customer, entities, { chunk: 1000 }));
    let sumId = 0;
    for (const e of entities) sumId += e.id;
    return { count: entities.length, sumId };
  }

  async w2e(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const e of await this.customers.find()) addCustomer(c, e);
    return c;
  }

  async w2r(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    const rows = await this.customers
      .createQueryBuilder("c")
      .select(["c.id AS id", "c.name AS name", "c.description AS description", "c.score AS score"])
      .getRawMany();
    for (const r of rows) addCustomer(c, r);
    return c;
  }

  async w3(ids: readonly number[]): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const id of ids) addCustomer(c, (await this.customers.findOneBy({ id }))!);
    return c;
  }

  async w4() {
    const orders = await this.ds.getRepository(Order).find({
      relations: { customer: true, items: { product: true } },
      // "join" measured ~10× faster than "query" here.
      relationLoadStrategy: "join",
    });
    return checksumOfGraph(orders);
  }

  async w5(n: number, newScore: (id: number) => number): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    await this.ds.transaction(async (m) => {
      const rows = await m.find(Customer, { where: { id: LessThanOrEqual(n) } });
      for (const r of rows) addCustomer(c, r);
      for (const r of rows) r.score = newScore(r.id);
      await m.save(Customer, rows);
    });
    return c;
  }

  w6(n: number, mode: CompileMode): number {
    let len = 0;
    for (let i = 0; i < n; i++) {
      const v = w6Values(i);
      const q = this.ds
        .createQueryBuilder()
        .select(["c.id", "c.name", "o.id", "o.total", "i.quantity", "p.name", "p.price"])
        .from(Order, "o")
        .innerJoin("o.customer", "c")
        .innerJoin("o.items", "i")
        .innerJoin("i.product", "p")
        .where("c.score > :scoreMin", { scoreMin: v.scoreMin })
        .andWhere("c.score < :scoreMax", { scoreMax: v.scoreMax })
        .andWhere("o.status = :status", { status: v.status })
        .andWhere("o.total >= :totalMin", { totalMin: v.totalMin })
        .andWhere("o.total <= :totalMax", { totalMax: v.totalMax })
        .andWhere("i.quantity >= :qtyMin", { qtyMin: v.qtyMin })
        .andWhere("i.quantity <= :qtyMax", { qtyMax: v.qtyMax })
        .andWhere("p.price > :priceMin", { priceMin: v.priceMin })
        .andWhere("p.name <> :productName", { productName: v.productName })
        .andWhere("c.name LIKE :namePattern", { namePattern: v.namePattern })
        .orderBy("o.id");
      if (mode !== "build") len += q.getQueryAndParameters()[0].length;
    }
    return len;
  }
}
