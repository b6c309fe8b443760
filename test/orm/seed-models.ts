/**
 * The seeds' models (French SQLAlchemy tutorials, "Définition de modèles ORM"), translated:
 * User with its @validates email/username, __repr__ and to_dict; Address, Product, Order and
 * OrderItem with their constraints and indexes, and their relationships (seed 000 "Relations
 * entre modèles": Order.user / User.orders with cascade "all, delete-orphan", Order.items,
 * OrderItem.product; seed 001: User.addresses). The repositories set some foreign keys by value
 * (`order_id=order.id`) as the seeds do, and use the relationships where the seeds do.
 */
import {
  Boolean as Bool,
  CheckConstraint,
  DateTime,
  ForeignKey,
  func,
  Index,
  Integer,
  Numeric,
  String as Str,
  Text,
  UniqueConstraint,
} from "../../src/index.js";
import { declarativeBase, mappedColumn, relationship, type Validators } from "../../src/orm/index.js";

/** A base with a helper every model shares (the seeds' to_dict, generalised). */
export class Base extends declarativeBase() {
  /** The loaded attributes as a plain object. */
  toDict(): Record<string, unknown> {
    return this.toJSON();
  }
}

const EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;

export class User extends Base.model(
  "users",
  {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: true }),
    username: mappedColumn(Str(50), { unique: true, index: true }),
    email: mappedColumn(Str(255), { unique: true, index: true }),
    passwordHash: mappedColumn(Str(255), { name: "password_hash" }),
    firstName: mappedColumn(Str(100), { name: "first_name", nullable: true }),
    lastName: mappedColumn(Str(100), { name: "last_name", nullable: true }),
    isActive: mappedColumn(Bool, { name: "is_active", default: true }),
    isAdmin: mappedColumn(Bool, { name: "is_admin", default: false }),
    createdAt: mappedColumn(DateTime, { name: "created_at", serverDefault: func.now() }),
    updatedAt: mappedColumn(DateTime, {
      name: "updated_at",
      nullable: true,
      serverDefault: func.now(),
      onupdate: func.now(),
    }),
    lastLogin: mappedColumn(DateTime, { name: "last_login", nullable: true }),
  },
  {
    args: [
      Index("idx_user_name", "firstName", "lastName"),
      Index("idx_user_active_created", "isActive", "createdAt"),
    ],
    mysqlEngine: "InnoDB",
    mysqlCharset: "utf8mb4",
  },
) {
  static orders = relationship(() => Order, { backPopulates: "user", cascade: "all, delete-orphan" });
  declare orders: Order[];
  static addresses = relationship(() => Address, { backPopulates: "user", cascade: "all, delete-orphan" });
  declare addresses: Address[];

  static validators: Validators<User> = {
    email(value) {
      if (!EMAIL.test(value)) throw new Error("Format d'email invalide");
      return value.toLowerCase();
    },
    username(value) {
      if (value.length < 3) throw new Error("Username trop court (min 3 caractères)");
      if (!/^[a-zA-Z0-9_]+$/.test(value))
        throw new Error("Username invalide (alphanumerique et _ uniquement)");
      return value;
    },
  };

  override toString(): string {
    return `<User(id=${this.id}, username='${this.username}', email='${this.email}')>`;
  }

  /** The seed's to_dict. */
  override toDict(): Record<string, unknown> {
    return {
      id: this.id,
      username: this.username,
      email: this.email,
      firstName: this.firstName,
      lastName: this.lastName,
      isActive: this.isActive,
      createdAt: this.createdAt ? this.createdAt.toISOString() : null,
    };
  }
}

export class Address extends Base.model(
  "addresses",
  {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(Integer, {
      name: "user_id",
      foreignKey: ForeignKey("users.id", { ondelete: "CASCADE" }),
    }),
    addressType: mappedColumn(Str(20), { name: "address_type", nullable: true }),
    street: mappedColumn(Str(255)),
    city: mappedColumn(Str(100)),
    postalCode: mappedColumn(Str(20), { name: "postal_code" }),
    country: mappedColumn(Str(2)),
    createdAt: mappedColumn(DateTime, { name: "created_at", nullable: true, serverDefault: func.now() }),
  },
  {
    args: [
      CheckConstraint("address_type IN ('billing', 'shipping')", { name: "check_address_type" }),
      Index("idx_address_user", "userId", "addressType"),
    ],
  },
) {
  static user = relationship(() => User, { backPopulates: "addresses" });
  declare user: User;
}

export class Product extends Base.model(
  "products",
  {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(Str(255)),
    description: mappedColumn(Text, { nullable: true }),
    price: mappedColumn(Numeric(10, 2, { asNumber: true })),
    stock: mappedColumn(Integer, { default: 0 }),
    isActive: mappedColumn(Bool, { name: "is_active", nullable: true, default: true }),
    createdAt: mappedColumn(DateTime, { name: "created_at", nullable: true, serverDefault: func.now() }),
    updatedAt: mappedColumn(DateTime, { name: "updated_at", nullable: true, onupdate: func.now() }),
  },
  {
    args: [
      CheckConstraint("price >= 0", { name: "check_price_positive" }),
      CheckConstraint("stock >= 0", { name: "check_stock_positive" }),
      Index("idx_product_active_price", "isActive", "price"),
    ],
  },
) {}

export class Order extends Base.model(
  "orders",
  {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(Integer, { name: "user_id", foreignKey: "users.id" }),
    totalAmount: mappedColumn(Numeric(10, 2, { asNumber: true }), { name: "total_amount", default: 0 }),
    status: mappedColumn(Str(20), { nullable: true, default: "pending" }),
    createdAt: mappedColumn(DateTime, { name: "created_at", nullable: true, serverDefault: func.now() }),
    updatedAt: mappedColumn(DateTime, { name: "updated_at", nullable: true, onupdate: func.now() }),
  },
  {
    args: [
      CheckConstraint("status IN ('pending', 'confirmed', 'shipped', 'delivered', 'cancelled')", {
        name: "check_order_status",
      }),
      Index("idx_order_user_status", "userId", "status"),
    ],
  },
) {
  static user = relationship(() => User, { backPopulates: "orders" });
  declare user: User;
  static items = relationship(() => OrderItem, {
    backPopulates: "order",
    cascade: "all, delete-orphan",
    lazy: "select",
  });
  declare items: OrderItem[];

  override toString(): string {
    return `<Order(id=${this.id}, user_id=${this.userId})>`;
  }

  /** The seed's recalculate_total (its items must be loaded). */
  recalculateTotal(): void {
    this.totalAmount = Math.round(this.items.reduce((sum, item) => sum + item.subtotal, 0) * 100) / 100;
  }
}

export class OrderItem extends Base.model(
  "order_items",
  {
    id: mappedColumn(Integer, { primaryKey: true }),
    orderId: mappedColumn(Integer, {
      name: "order_id",
      foreignKey: ForeignKey("orders.id", { ondelete: "CASCADE" }),
    }),
    productId: mappedColumn(Integer, { name: "product_id", foreignKey: "products.id" }),
    quantity: mappedColumn(Integer),
    price: mappedColumn(Numeric(10, 2, { asNumber: true })),
  },
  {
    args: [
      CheckConstraint("quantity > 0", { name: "check_quantity_positive" }),
      UniqueConstraint("orderId", "productId", { name: "uq_order_product" }),
      Index("idx_orderitem_order", "orderId"),
    ],
  },
) {
  static order = relationship(() => Order, { backPopulates: "items" });
  declare order: Order;
  static product = relationship(() => Product);
  declare product: Product;

  /** The seed's `subtotal` property. */
  get subtotal(): number {
    return this.price * this.quantity;
  }
}
