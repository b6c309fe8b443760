/** Sequelize 6: models, bulkCreate, findAll / findByPk, include for eager loading, instance.save(). */
import { DataTypes, Model, Op, Sequelize, type ModelStatic, type Options } from "sequelize";
import { SQLITE_PRAGMAS, type Sizes, type Target } from "../config.js";
import {
  addCustomer,
  checksumOfGraph,
  emptyCustomerChecksum,
  type CustomerChecksum,
  type NewCustomer,
} from "../dataset.js";
import type { Adapter, InsertResult } from "../adapter.js";

export class SequelizeAdapter implements Adapter {
  readonly id = "sequelize";
  readonly packages = ["sequelize", "sqlite3"];
  readonly how = {
    W1: "Customer.bulkCreate(20 000 objects, { transaction }) — one multi-row INSERT (Sequelize has no unit of work)",
    W2e: "Customer.findAll() (model instances)",
    W2r: "Customer.findAll({ raw: true })",
    W3: "Customer.findByPk(id) per lookup",
    W4: "Order.findAll({ include: [customer, { items, include: [product] }] }) (one joined query; separate: true for items measured no faster)",
    W5: "sequelize.transaction: findAll(id ≤ n), then instance.save() per changed instance",
  };
  readonly missing = { W6: "no public API to compile a query without running it" };
  private sequelize!: Sequelize;
  private Customer!: ModelStatic<Model>;
  private Order!: ModelStatic<Model>;
  private OrderItem!: ModelStatic<Model>;
  private Product!: ModelStatic<Model>;

  async open(t: Target, _s: Sizes): Promise<void> {
    const common: Options = { logging: false, pool: { max: 1, min: 1 } };
    if (t.kind === "sqlite")
      this.sequelize = new Sequelize({ ...common, dialect: "sqlite", storage: t.file });
    else
      this.sequelize = new Sequelize({
        ...common,
        dialect: t.kind === "postgresql" ? "postgres" : "mysql",
        host: t.host,
        port: t.port,
        username: t.user,
        password: t.password || undefined,
        database: t.database,
      });
    if (t.kind === "sqlite") {
      this.sequelize.addHook(
        "afterConnect",
        (connection: any) =>
          new Promise<void>((resolve, reject) =>
            connection.exec(SQLITE_PRAGMAS.join("; "), (err: Error | null) =>
              err ? reject(err) : resolve(),
            ),
          ),
      );
    }
    const s = this.sequelize;
    // Fresh attribute objects each time: Sequelize writes into them (field names).
    const int = () => ({ type: DataTypes.INTEGER, allowNull: false });
    const pk = () => ({ type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true });
    class Customer extends Model {}
    Customer.init(
      {
        id: pk(),
        name: { type: DataTypes.STRING(100), allowNull: false },
        description: { type: DataTypes.STRING(255), allowNull: false },
        score: int(),
      },
      { sequelize: s, tableName: "bench_customer", timestamps: false },
    );
    class Product extends Model {}
    Product.init(
      { id: pk(), name: { type: DataTypes.STRING(100), allowNull: false }, price: int() },
      { sequelize: s, tableName: "bench_product", timestamps: false },
    );
    class Order extends Model {}
    Order.init(
      {
        id: pk(),
        customerId: { ...int(), field: "customer_id" },
        status: { type: DataTypes.STRING(20), allowNull: false },
        total: int(),
      },
      { sequelize: s, tableName: "bench_order", timestamps: false },
    );
    class OrderItem extends Model {}
    OrderItem.init(
      {
        id: pk(),
        orderId: { ...int(), field: "order_id" },
        productId: { ...int(), field: "product_id" },
        quantity: int(),
        unitPrice: { ...int(), field: "unit_price" },
      },
      { sequelize: s, tableName: "bench_order_item", timestamps: false },
    );
    Order.belongsTo(Customer, { foreignKey: "customerId", as: "customer" });
    Order.hasMany(OrderItem, { foreignKey: "orderId", as: "items" });
    OrderItem.belongsTo(Product, { foreignKey: "productId", as: "product" });
    Object.assign(this, { Customer, Order, OrderItem, Product });
    await s.authenticate();
  }

  async close(): Promise<void> {
    await this.sequelize.close();
  }

  async w1(objects: readonly NewCustomer[]): Promise<InsertResult> {
    const created = await this.sequelize.transaction((transaction) =>
      this.Customer.bulkCreate(objects as any[], { transaction }),
    );
    let sumId = 0;
    for (const m of created) sumId += (m as any).id ?? 0;
    return { count: created.length, sumId };
  }

  async w2e(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const m of await this.Customer.findAll()) addCustomer(c, m as any);
    return c;
  }

  async w2r(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const r of await this.Customer.findAll({ raw: true })) addCustomer(c, r as any);
    return c;
  }

  async w3(ids: readonly number[]): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const id of ids) addCustomer(c, (await this.Customer.findByPk(id)) as any);
    return c;
  }

  async w4() {
    const orders = await this.Order.findAll({
      include: [
        { model: this.Customer, as: "customer" },
        { model: this.OrderItem, as: "items", include: [{ model: this.Product, as: "product" }] },
      ],
    });
    return checksumOfGraph(orders as any[]);
  }

  async w5(n: number, newScore: (id: number) => number): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    await this.sequelize.transaction(async (transaction) => {
      const rows: any[] = await this.Customer.findAll({ where: { id: { [Op.lte]: n } }, transaction });
      for (const r of rows) addCustomer(c, r);
      for (const r of rows) {
        r.score = newScore(r.id);
        await r.save({ transaction });
      }
    });
    return c;
  }
}
