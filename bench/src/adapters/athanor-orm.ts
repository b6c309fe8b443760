/**
 * Athanor ORM: declarative models with relationships, Session (identity map + unit of work),
 * imported from the repository's src/orm.
 */
import { ForeignKey, Integer, select, String as Str, type Engine } from "../../../src/index.js";
import {
  declarativeBase,
  mappedColumn,
  relationship,
  selectinload,
  Session,
} from "../../../src/orm/index.js";
import type { Sizes, Target } from "../config.js";
import {
  addCustomer,
  checksumOfGraph,
  emptyCustomerChecksum,
  type CustomerChecksum,
  type GraphChecksum,
  type NewCustomer,
} from "../dataset.js";
import type { Adapter, InsertResult } from "../adapter.js";
import { openAthanorEngine } from "./athanor-core.js";

const Base = declarativeBase();

class Customer extends Base.model("bench_customer", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(100)),
  description: mappedColumn(Str(255)),
  score: mappedColumn(Integer),
}) {}

class Product extends Base.model("bench_product", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(100)),
  price: mappedColumn(Integer),
}) {}

class Order extends Base.model("bench_order", {
  id: mappedColumn(Integer, { primaryKey: true }),
  customerId: mappedColumn(Integer, { name: "customer_id", foreignKey: ForeignKey("bench_customer.id") }),
  status: mappedColumn(Str(20)),
  total: mappedColumn(Integer),
}) {
  static customer = relationship(() => Customer);
  declare customer: Customer;
  static items = relationship(() => OrderItem);
  declare items: OrderItem[];
}

class OrderItem extends Base.model("bench_order_item", {
  id: mappedColumn(Integer, { primaryKey: true }),
  orderId: mappedColumn(Integer, { name: "order_id", foreignKey: ForeignKey("bench_order.id") }),
  productId: mappedColumn(Integer, { name: "product_id", foreignKey: ForeignKey("bench_product.id") }),
  quantity: mappedColumn(Integer),
  unitPrice: mappedColumn(Integer, { name: "unit_price" }),
}) {
  static product = relationship(() => Product);
  declare product: Product;
}

export class AthanorOrmAdapter implements Adapter {
  readonly id = "athanor-orm";
  readonly packages = ["athanor"];
  readonly how = {
    W1: "new Session; session.addAll(20 000 new Customer(…)); flush (multi-row INSERT pages, ids read back); commit",
    W2e: "session.scalars(select(Customer)).all()",
    W3: "per lookup: new Session, session.get(Customer, id), close",
    W4: "select(Order).options(selectinload(Order.customer), selectinload(Order.items).selectinload(OrderItem.product)): 4 statements",
    W5: "new Session; scalars(select(Customer).where(Customer.id.le(n))); change score; commit (unit of work)",
  };
  readonly missing = {
    W2r: "plain rows are Athanor Core's path (see Athanor Core)",
    W6: "the ORM compiles through Core's compiler and cache (see Athanor Core)",
  };
  private engine!: Engine;

  async open(t: Target, _s: Sizes): Promise<void> {
    this.engine = await openAthanorEngine(t);
  }

  async close(): Promise<void> {
    await this.engine.dispose();
  }

  async w1(objects: readonly NewCustomer[]): Promise<InsertResult> {
    const session = new Session({ bind: this.engine });
    try {
      const entities = objects.map((o) => new Customer(o));
      session.addAll(entities);
      await session.flush();
      let sumId = 0;
      for (const e of entities) sumId += e.id;
      await session.commit();
      return { count: entities.length, sumId };
    } finally {
      await session.close();
    }
  }

  async w2e(): Promise<CustomerChecksum> {
    const session = new Session({ bind: this.engine });
    try {
      const c = emptyCustomerChecksum();
      for (const e of (await session.scalars(select(Customer))).all()) addCustomer(c, e);
      return c;
    } finally {
      await session.close();
    }
  }

  async w3(ids: readonly number[]): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const id of ids) {
      const session = new Session({ bind: this.engine });
      try {
        addCustomer(c, (await session.get(Customer, id))!);
      } finally {
        await session.close();
      }
    }
    return c;
  }

  async w4(): Promise<GraphChecksum> {
    const session = new Session({ bind: this.engine });
    try {
      const stmt = select(Order).options(
        selectinload(Order.customer),
        selectinload(Order.items).selectinload(OrderItem.product),
      );
      return checksumOfGraph((await session.scalars(stmt)).all());
    } finally {
      await session.close();
    }
  }

  async w5(n: number, newScore: (id: number) => number): Promise<CustomerChecksum> {
    const session = new Session({ bind: this.engine });
    try {
      const c = emptyCustomerChecksum();
      const rows = (await session.scalars(select(Customer).where(Customer.id.le(n)))).all();
      for (const r of rows) addCustomer(c, r);
      for (const r of rows) r.score = newScore(r.id);
      await session.commit();
      return c;
    } finally {
      await session.close();
    }
  }
}
