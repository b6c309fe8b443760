/** Select-in eager loading by hand: attach customers, items and products to their orders. */
export function stitchGraph(
  orders: any[],
  customers: any[],
  items: any[],
  products: any[],
  keys: { customerId: string; orderId: string; productId: string },
): any[] {
  const customerById = new Map(customers.map((x) => [x.id, x]));
  const productById = new Map(products.map((x) => [x.id, x]));
  const byOrder = new Map<number, any>();
  for (const o of orders) {
    o.customer = customerById.get(o[keys.customerId]);
    o.items = [];
    byOrder.set(o.id, o);
  }
  for (const it of items) {
    it.product = productById.get(it[keys.productId]);
    byOrder.get(it[keys.orderId]).items.push(it);
  }
  return orders;
}

export const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
