/**
 * The data every workload runs on, as formulas (so each adapter's checksum can be compared
 * with a value computed here, not read back from the database).
 *
 *   bench_customer   (id, name, description, score)            W1 inserts, W2/W3/W5 read, W5 updates
 *   bench_product    (id, name, price)
 *   bench_order      (id, customer_id → customer, status, total)
 *   bench_order_item (id, order_id → order, product_id → product, quantity, unit_price)
 */
import type { Sizes } from "./config.js";

export interface NewCustomer {
  name: string;
  description: string;
  score: number;
}
export interface CustomerRow extends NewCustomer {
  id: number;
}

export const customerName = (i: number): string => `customer ${i}`;
export const customerDescription = (i: number): string =>
  `Customer number ${i}, a description of moderate length for a benchmark row`;
export const customerScore = (i: number): number => (i * 37) % 1000;
export const productPrice = (p: number): number => 100 + ((p * 13) % 900);
export const orderCustomer = (o: number, s: Sizes): number => ((o - 1) % s.orderCustomers) + 1;
export const orderStatus = (o: number): string => (o % 3 === 0 ? "shipped" : "open");
export const orderTotal = (o: number): number => (o * 31) % 1000;
export const itemProduct = (o: number, k: number, s: Sizes): number => ((o * 7 + k * 13) % s.products) + 1;
export const itemQuantity = (o: number, k: number): number => 1 + ((o + k) % 5);
/** W5's new score for run r: differs from every earlier run's, so each UPDATE changes the row. */
export const updatedScore = (id: number, run: number): number => 1000 + ((id * 7 + run * 11) % 100_000);

/** W1's objects (no ids: the database assigns them). */
export function newCustomers(n: number): NewCustomer[] {
  const out: NewCustomer[] = new Array(n);
  for (let i = 1; i <= n; i++)
    out[i - 1] = { name: customerName(i), description: customerDescription(i), score: customerScore(i) };
  return out;
}

/** W3's ids: spread over the table, deterministic. */
export function lookupIds(s: Sizes): number[] {
  const ids: number[] = new Array(s.lookups);
  for (let i = 0; i < s.lookups; i++) ids[i] = ((i * 7919) % s.customers) + 1;
  return ids;
}

/** What a W2/W3/W5 reader accumulates over the customers it saw. */
export interface CustomerChecksum {
  count: number;
  sumId: number;
  sumScore: number;
  sumNameLength: number;
  sumDescriptionLength: number;
}

export function emptyCustomerChecksum(): CustomerChecksum {
  return { count: 0, sumId: 0, sumScore: 0, sumNameLength: 0, sumDescriptionLength: 0 };
}

/** Adds one loaded customer (entity or row) to a checksum: every column is read. */
export function addCustomer(
  c: CustomerChecksum,
  row: { id: number; name: string; description: string; score: number },
): void {
  c.count++;
  c.sumId += row.id;
  c.sumScore += row.score;
  c.sumNameLength += row.name.length;
  c.sumDescriptionLength += row.description.length;
}

export function checksumOfCustomers(
  rows: Iterable<{ id: number; name: string; description: string; score: number }>,
): CustomerChecksum {
  const c = emptyCustomerChecksum();
  for (const r of rows) addCustomer(c, r);
  return c;
}

export function expectedCustomers(ids: Iterable<number>): CustomerChecksum {
  const c = emptyCustomerChecksum();
  for (const i of ids)
    addCustomer(c, {
      id: i,
      name: customerName(i),
      description: customerDescription(i),
      score: customerScore(i),
    });
  return c;
}

export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i++) out.push(i);
  return out;
}

/** W4: what a loader accumulates over the order graph. */
export interface GraphChecksum {
  orders: number;
  items: number;
  sumCustomerId: number;
  sumCustomerNameLength: number;
  sumItemValue: number;
  sumProductNameLength: number;
}

export interface GraphOrder {
  id: number;
  customer: { id: number; name: string };
  items: readonly { quantity: number; product: { name: string; price: number } }[];
}

export function checksumOfGraph(orders: Iterable<GraphOrder>): GraphChecksum {
  const c: GraphChecksum = {
    orders: 0,
    items: 0,
    sumCustomerId: 0,
    sumCustomerNameLength: 0,
    sumItemValue: 0,
    sumProductNameLength: 0,
  };
  for (const o of orders) {
    c.orders++;
    c.sumCustomerId += o.customer.id;
    c.sumCustomerNameLength += o.customer.name.length;
    for (const it of o.items) {
      c.items++;
      c.sumItemValue += it.quantity * it.product.price;
      c.sumProductNameLength += it.product.name.length;
    }
  }
  return c;
}

export function expectedGraph(s: Sizes): GraphChecksum {
  const orders: GraphOrder[] = [];
  for (let o = 1; o <= s.orders; o++) {
    const cid = orderCustomer(o, s);
    const items = [];
    for (let k = 0; k < s.itemsPerOrder; k++) {
      const p = itemProduct(o, k, s);
      items.push({ quantity: itemQuantity(o, k), product: { name: `product ${p}`, price: productPrice(p) } });
    }
    orders.push({ id: o, customer: { id: cid, name: customerName(cid) }, items });
  }
  return checksumOfGraph(orders);
}

/** The rows of the read data set, table by table, columns in DDL order. */
export function dataRows(s: Sizes): Record<string, { columns: string[]; rows: unknown[][] }> {
  const customers: unknown[][] = [];
  for (let i = 1; i <= s.customers; i++)
    customers.push([i, customerName(i), customerDescription(i), customerScore(i)]);
  const products: unknown[][] = [];
  for (let p = 1; p <= s.products; p++) products.push([p, `product ${p}`, productPrice(p)]);
  const orders: unknown[][] = [];
  const items: unknown[][] = [];
  for (let o = 1; o <= s.orders; o++) {
    orders.push([o, orderCustomer(o, s), orderStatus(o), orderTotal(o)]);
    for (let k = 0; k < s.itemsPerOrder; k++) {
      const p = itemProduct(o, k, s);
      items.push([(o - 1) * s.itemsPerOrder + k + 1, o, p, itemQuantity(o, k), productPrice(p)]);
    }
  }
  return {
    bench_customer: { columns: ["id", "name", "description", "score"], rows: customers },
    bench_product: { columns: ["id", "name", "price"], rows: products },
    bench_order: { columns: ["id", "customer_id", "status", "total"], rows: orders },
    bench_order_item: { columns: ["id", "order_id", "product_id", "quantity", "unit_price"], rows: items },
  };
}
