/** The benchmark schema as Athanor Core tables (imported from the repository's src/ through tsx). */
import { Column, ForeignKey, Integer, MetaData, String, Table } from "../../src/index.js";

export const metadata = new MetaData();

export const customer = new Table("bench_customer", metadata, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(100), { nullable: false }),
  description: Column(String(255), { nullable: false }),
  score: Column(Integer, { nullable: false }),
});

export const product = new Table("bench_product", metadata, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(100), { nullable: false }),
  price: Column(Integer, { nullable: false }),
});

export const order = new Table("bench_order", metadata, {
  id: Column(Integer, { primaryKey: true }),
  customerId: Column(Integer, {
    name: "customer_id",
    nullable: false,
    foreignKey: ForeignKey("bench_customer.id"),
  }),
  status: Column(String(20), { nullable: false }),
  total: Column(Integer, { nullable: false }),
});

export const orderItem = new Table("bench_order_item", metadata, {
  id: Column(Integer, { primaryKey: true }),
  orderId: Column(Integer, { name: "order_id", nullable: false, foreignKey: ForeignKey("bench_order.id") }),
  productId: Column(Integer, {
    name: "product_id",
    nullable: false,
    foreignKey: ForeignKey("bench_product.id"),
  }),
  quantity: Column(Integer, { nullable: false }),
  unitPrice: Column(Integer, { name: "unit_price", nullable: false }),
});
