/** Athanor Core: Engine + Connection + select/insert/update, imported from the repository's src/. */
import { and, bindparam, createEngine, insert, select, update, type Engine } from "../../../src/index.js";
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
import { customer, order, orderItem, product } from "../athanor-tables.js";

/** Athanor URL for a target (MariaDB through the mariadb:// scheme). */
export function athanorUrl(t: Target): string {
  return t.kind === "mariadb" ? t.url.replace(/^mysql:/, "mariadb:") : t.url;
}

/** Opens an engine; on SQLite the common pragmas run on each new driver connection (SQLAlchemy's "connect" event idiom). */
export async function openAthanorEngine(t: Target): Promise<Engine> {
  const engine = createEngine(athanorUrl(t), { poolSize: 1 });
  if (t.kind === "sqlite") {
    engine.pool.on("connect", (_dbapi, record) => {
      const native = record.driverConnection as { exec(sql: string): void };
      for (const p of SQLITE_PRAGMAS) native.exec(p);
    });
  }
  return engine;
}

/** The W6 statement in Athanor Core. */
export function athanorW6Statement(i: number) {
  const v = w6Values(i);
  return select(
    customer.c.id,
    customer.c.name,
    order.c.id.label("orderId"),
    order.c.total,
    orderItem.c.quantity,
    product.c.name.label("productName"),
    product.c.price,
  )
    .selectFrom(order)
    .join(customer, customer.c.id.eq(order.c.customerId))
    .join(orderItem, orderItem.c.orderId.eq(order.c.id))
    .join(product, product.c.id.eq(orderItem.c.productId))
    .where(
      and(
        customer.c.score.gt(v.scoreMin),
        customer.c.score.lt(v.scoreMax),
        order.c.status.eq(v.status),
        order.c.total.ge(v.totalMin),
        order.c.total.le(v.totalMax),
        orderItem.c.quantity.ge(v.qtyMin),
        orderItem.c.quantity.le(v.qtyMax),
        product.c.price.gt(v.priceMin),
        product.c.name.ne(v.productName),
        customer.c.name.like(v.namePattern),
      ),
    )
    .orderBy(order.c.id);
}

/** W6 for both Athanor adapters: full compile (`dialect.compile`), cache lookup (`engine.compiledCache`), or build only. */
export function athanorW6(engine: Engine, n: number, mode: CompileMode): number {
  let len = 0;
  const dialect = engine.dialect;
  const cache = engine.compiledCache;
  for (let i = 0; i < n; i++) {
    const stmt = athanorW6Statement(i);
    if (mode === "compile") len += dialect.compile(stmt).sql.length;
    else if (mode === "cached") len += cache.compile(dialect, stmt).sql.length;
  }
  return len;
}

const CUSTOMER_COLUMNS = [customer.c.id, customer.c.name, customer.c.description, customer.c.score] as const;

export class AthanorCoreAdapter implements Adapter {
  readonly id = "athanor-core";
  readonly packages = ["athanor"];
  readonly how = {
    W1: "engine.begin(); conn.execute(insert(customer), [20 000 parameter sets]) — executemany",
    W2r: "conn.execute(select(customer)).all() — plain row objects",
    W3: "per lookup: engine.connect(), execute(select(customer).where(customer.c.id.eq(id))).one(), close()",
    W4: "the raw adapter's 4 select-in queries, written with select() … where(col.in([...]))",
    W5: "one transaction: select, then executemany update(customer).where(id = bindparam) with 5 000 parameter sets",
    W6: "build select(), then dialect.compile(stmt) (no cache)",
    W6c: "build select(), then engine.compiledCache.compile(dialect, stmt): a cache hit after the first",
    W6b: "build select() only",
  };
  readonly missing = { W2e: "Core has no entities (see Athanor ORM)" };
  private engine!: Engine;

  async open(t: Target, _s: Sizes): Promise<void> {
    this.engine = await openAthanorEngine(t);
  }

  async close(): Promise<void> {
    await this.engine.dispose();
  }

  async w1(objects: readonly NewCustomer[]): Promise<InsertResult> {
    await this.engine.begin(async (conn) => {
      await conn.execute(insert(customer), objects as unknown as Record<string, unknown>[]);
    });
    return { count: objects.length, sumId: 0 };
  }

  async w2r(): Promise<CustomerChecksum> {
    const conn = await this.engine.connect();
    try {
      const c = emptyCustomerChecksum();
      for (const r of (await conn.execute(select(...CUSTOMER_COLUMNS))).all()) addCustomer(c, r);
      return c;
    } finally {
      await conn.close();
    }
  }

  async w3(ids: readonly number[]): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const id of ids) {
      const conn = await this.engine.connect();
      try {
        addCustomer(c, (await conn.execute(select(...CUSTOMER_COLUMNS).where(customer.c.id.eq(id)))).one());
      } finally {
        await conn.close();
      }
    }
    return c;
  }

  async w4() {
    const conn = await this.engine.connect();
    try {
      const orders: any[] = (
        await conn.execute(select(order.c.id, order.c.customerId, order.c.status, order.c.total))
      ).all();
      const customerIds = [...new Set(orders.map((o) => o.customerId as number))];
      const customers = (
        await conn.execute(select(...CUSTOMER_COLUMNS).where(customer.c.id.in(customerIds)))
      ).all();
      const items: any[] = (
        await conn.execute(
          select(
            orderItem.c.id,
            orderItem.c.orderId,
            orderItem.c.productId,
            orderItem.c.quantity,
            orderItem.c.unitPrice,
          ).where(orderItem.c.orderId.in(orders.map((o) => o.id as number))),
        )
      ).all();
      const productIds = [...new Set(items.map((i) => i.productId as number))];
      const products = (
        await conn.execute(
          select(product.c.id, product.c.name, product.c.price).where(product.c.id.in(productIds)),
        )
      ).all();
      const customerById = new Map(customers.map((x) => [x.id, x]));
      const productById = new Map(products.map((x) => [x.id, x]));
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
    } finally {
      await conn.close();
    }
  }

  async w5(n: number, newScore: (id: number) => number): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    await this.engine.begin(async (conn) => {
      const rows = (await conn.execute(select(...CUSTOMER_COLUMNS).where(customer.c.id.le(n)))).all();
      for (const r of rows) addCustomer(c, r);
      await conn.execute(
        update(customer).where(customer.c.id.eq(bindparam("cid"))),
        rows.map((r) => ({ cid: r.id, score: newScore(r.id) })),
      );
    });
    return c;
  }

  w6(n: number, mode: CompileMode): number {
    return athanorW6(this.engine, n, mode);
  }
}
