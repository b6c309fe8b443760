/**
 * The seeds' repositories, translated line by line: `UserRepository` (both tutorials'),
 * `OrderRepository.createOrderWithItems` (SELECT … FOR UPDATE, stock check, one transaction),
 * `OrderRepository.createOrder`, the generic `BaseRepository<T>`, and the `get_db()` context
 * managers as functions.
 */
import { createHash } from "node:crypto";
import { and, delete_, func, IntegrityError, or, select, update } from "../../src/index.js";
import {
  joinedload,
  selectinload,
  type MappedClass,
  type Session,
  type SessionMaker,
} from "../../src/orm/index.js";
import { Order, OrderItem, Product, User } from "./seed-models.js";

/** A duplicate username or email, reported clearly (the seed raises ValueError). */
export class DuplicateError extends Error {}
/** The seed's ValueError for a missing product or insufficient stock. */
export class OrderError extends Error {}

/** `get_db()`: commit at the end, rollback on error, close always. */
export async function withDb<T>(SessionLocal: SessionMaker, fn: (db: Session) => Promise<T>): Promise<T> {
  await using db = SessionLocal();
  try {
    const result = await fn(db);
    await db.commit();
    return result;
  } catch (err) {
    await db.rollback();
    throw err;
  }
}

export function hashPassword(password: string): string {
  return createHash("sha256").update(password).digest("hex");
}

/** The driver's own message: which unique key was violated (the SQL text, also in the message, names every column). */
function violated(err: IntegrityError): string {
  const orig = err.orig as { message?: string } | undefined;
  return (orig?.message ?? err.message.split("\n")[0]!).toLowerCase();
}

export class UserRepository {
  constructor(private readonly db: Session) {}

  /** Seed 000's get_with_orders: selectinload(User.orders). */
  async getWithOrders(userId: number): Promise<User | null> {
    const stmt = select(User).options(selectinload(User.orders)).where(User.id.eq(userId));
    return (await this.db.scalars(stmt)).first();
  }

  /** Seed 000's get_with_orders_and_items: selectinload(User.orders).selectinload(Order.items). */
  async getWithOrdersAndItems(userId: number): Promise<User | null> {
    const stmt = select(User)
      .options(selectinload(User.orders).selectinload(Order.items))
      .where(User.id.eq(userId));
    return (await this.db.scalars(stmt)).first();
  }

  /** Seed 001's create_user: commit, refresh; a duplicate becomes a clear error. */
  async createUser(
    username: string,
    email: string,
    password: string,
    extra: Partial<User> = {},
  ): Promise<User> {
    const user = new User({ username, email, passwordHash: hashPassword(password), ...extra });
    try {
      this.db.add(user);
      await this.db.commit();
      await this.db.refresh(user);
      return user;
    } catch (err) {
      if (err instanceof IntegrityError) {
        await this.db.rollback();
        const which = violated(err);
        if (which.includes("username")) throw new DuplicateError("Ce nom d'utilisateur existe déjà");
        if (which.includes("email")) throw new DuplicateError("Cet email existe déjà");
      }
      throw err;
    }
  }

  getById(userId: number): Promise<User | null> {
    return this.db.get(User, userId);
  }

  async getByEmail(email: string): Promise<User | null> {
    return (await this.db.scalars(select(User).where(User.email.eq(email)))).first();
  }

  /** Active users, newest first, paginated. */
  async getAll(skip = 0, limit = 100): Promise<User[]> {
    const stmt = select(User)
      .where(User.isActive.eq(true))
      .orderBy(User.createdAt.desc(), User.id.desc())
      .offset(skip)
      .limit(limit);
    return [...(await this.db.scalars(stmt))];
  }

  async search(term: string, limit = 20): Promise<User[]> {
    const pattern = `%${term}%`;
    const stmt = select(User)
      .where(and(User.isActive.eq(true), or(User.username.ilike(pattern), User.email.ilike(pattern))))
      .orderBy(User.id)
      .limit(limit);
    return (await this.db.scalars(stmt)).all();
  }

  async searchAdvanced(f: {
    username?: string;
    email?: string;
    isActive?: boolean;
    createdAfter?: Date;
  }): Promise<User[]> {
    let stmt = select(User);
    const filters = [];
    if (f.username) filters.push(User.username.ilike(`%${f.username}%`));
    if (f.email) filters.push(User.email.ilike(`%${f.email}%`));
    if (f.isActive !== undefined) filters.push(User.isActive.eq(f.isActive));
    if (f.createdAfter) filters.push(User.createdAt.ge(f.createdAfter));
    if (filters.length) stmt = stmt.where(and(...filters));
    return (await this.db.scalars(stmt.orderBy(User.createdAt.desc(), User.id.desc()))).all();
  }

  async create(user: User): Promise<User> {
    this.db.add(user);
    await this.db.flush();
    return user;
  }

  async update(user: User): Promise<User> {
    this.db.add(user);
    await this.db.flush();
    return user;
  }

  /** Seed 001's update_user: only some fields, commit, refresh. */
  async updateUser(
    userId: number,
    fields: Partial<Pick<User, "firstName" | "lastName" | "email" | "isActive">>,
  ): Promise<User> {
    const user = await this.getById(userId);
    if (!user) throw new OrderError("Utilisateur non trouvé");
    for (const key of ["firstName", "lastName", "email", "isActive"] as const) {
      if (fields[key] !== undefined) (user as any)[key] = fields[key];
    }
    try {
      await this.db.commit();
      await this.db.refresh(user);
      return user;
    } catch (err) {
      if (err instanceof IntegrityError) {
        await this.db.rollback();
        throw new DuplicateError("Email déjà utilisé");
      }
      throw err;
    }
  }

  /** Soft delete (seed 000's delete). */
  async delete(userId: number): Promise<boolean> {
    const user = await this.getById(userId);
    if (!user) return false;
    user.isActive = false;
    await this.db.flush();
    return true;
  }

  /** Hard delete (seed 001's delete_user). */
  async deleteUser(userId: number): Promise<boolean> {
    const user = await this.getById(userId);
    if (!user) return false;
    await this.db.delete(user);
    await this.db.commit();
    return true;
  }

  async countActive(): Promise<number> {
    return Number(await this.db.scalar(select(func.count(User.id)).where(User.isActive.eq(true))));
  }

  async bulkUpdateStatus(userIds: number[], isActive: boolean): Promise<number> {
    const stmt = update(User).where(User.id.in(userIds)).values({ isActive, updatedAt: func.now() });
    const result = await this.db.execute(stmt);
    await this.db.flush();
    return result.rowcount;
  }

  async bulkDeleteInactive(before: Date): Promise<number> {
    const result = await this.db.execute(
      delete_(User).where(and(User.isActive.eq(false), User.updatedAt.lt(before))),
    );
    await this.db.flush();
    return result.rowcount;
  }

  /** Users with orders: count and total spent (seed 000's get_user_stats, with an explicit join). */
  async getUserStats() {
    const stmt = select(
      User.id,
      User.username,
      func.count(Order.id).label("orderCount"),
      func.coalesce(func.sum(Order.totalAmount), 0).label("totalSpent"),
    )
      .outerJoin(Order, Order.userId.eq(User.id))
      .groupBy(User.id, User.username)
      .having(func.count(Order.id).gt(0))
      .orderBy(func.sum(Order.totalAmount).desc())
      .limit(10);
    return (await this.db.execute(stmt)).all();
  }

  /** Seed 001's authenticate: updates last_login. */
  async authenticate(email: string, password: string): Promise<User | null> {
    const user = await this.getByEmail(email.toLowerCase());
    if (!user || user.passwordHash !== hashPassword(password)) return null;
    user.lastLogin = new Date();
    await this.db.commit();
    return user;
  }
}

export interface ItemRequest {
  productId: number;
  quantity: number;
}

export class OrderRepository {
  constructor(private readonly db: Session) {}

  /** Seed 000's create_order_with_items: locks each product, checks stock, one transaction. */
  async createOrderWithItems(userId: number, items: readonly ItemRequest[]): Promise<Order> {
    const order = new Order({ userId, status: "pending" });
    this.db.add(order);
    await this.db.flush(); // obtain the id
    let totalAmount = 0;
    for (const item of items) {
      const stmt = select(Product).where(Product.id.eq(item.productId)).forUpdate();
      const product = (await this.db.scalars(stmt)).first();
      if (!product) throw new OrderError(`Product ${item.productId} not found`);
      if (product.stock < item.quantity) throw new OrderError(`Insufficient stock for product ${product.id}`);
      this.db.add(
        new OrderItem({
          orderId: order.id,
          productId: product.id,
          quantity: item.quantity,
          price: product.price,
        }),
      );
      product.stock -= item.quantity;
      totalAmount += product.price * item.quantity;
    }
    order.totalAmount = Math.round(totalAmount * 100) / 100;
    await this.db.flush();
    await this.db.refresh(order);
    return order;
  }

  /** Seed 001's create_order: checks everything first, then writes, commits and refreshes. */
  async createOrder(userId: number, items: readonly ItemRequest[]): Promise<Order> {
    let total = 0;
    const lines: { product: Product; quantity: number }[] = [];
    for (const item of items) {
      const product = (await this.db.scalars(select(Product).where(Product.id.eq(item.productId)))).first();
      if (!product) throw new OrderError(`Produit ${item.productId} non trouvé`);
      if (product.stock < item.quantity) throw new OrderError(`Stock insuffisant pour ${product.name}`);
      total += product.price * item.quantity;
      lines.push({ product, quantity: item.quantity });
    }
    try {
      const order = new Order({ userId, totalAmount: Math.round(total * 100) / 100, status: "pending" });
      this.db.add(order);
      await this.db.flush();
      for (const { product, quantity } of lines) {
        this.db.add(
          new OrderItem({ orderId: order.id, productId: product.id, quantity, price: product.price }),
        );
        product.stock -= quantity;
      }
      await this.db.commit();
      await this.db.refresh(order);
      return order;
    } catch (err) {
      await this.db.rollback();
      throw err;
    }
  }

  /** Seed 001's get_order_with_items: joinedload(Order.items).joinedload(OrderItem.product). */
  async getOrderWithItems(orderId: number): Promise<Order | null> {
    const stmt = select(Order)
      .options(joinedload(Order.items).joinedload(OrderItem.product))
      .where(Order.id.eq(orderId));
    return (await this.db.scalars(stmt)).unique().first();
  }

  /** Seed 000's create_order_with_items, through the relationships instead of ids. */
  async placeOrder(user: User, lines: readonly { product: Product; quantity: number }[]): Promise<Order> {
    const order = Order.create({ user, status: "pending" });
    for (const { product, quantity } of lines)
      order.items.push(OrderItem.create({ product, quantity, price: product.price }));
    order.recalculateTotal();
    this.db.add(order); // the items and their products follow (save-update cascade)
    await this.db.commit();
    return order;
  }

  async getUserOrders(userId: number): Promise<Order[]> {
    return (
      await this.db.scalars(
        select(Order).where(Order.userId.eq(userId)).orderBy(Order.createdAt.desc(), Order.id.desc()),
      )
    ).all();
  }

  async itemsOf(orderId: number): Promise<OrderItem[]> {
    return (
      await this.db.scalars(select(OrderItem).where(OrderItem.orderId.eq(orderId)).orderBy(OrderItem.id))
    ).all();
  }
}

/** Seed 004's generic BaseRepository. */
export class BaseRepository<T extends object> {
  constructor(
    readonly model: MappedClass<T>,
    private readonly session: Session,
  ) {}
  get(id: number): Promise<T | null> {
    return this.session.get(this.model, id);
  }
  async getAll(limit = 100): Promise<T[]> {
    return (await this.session.scalars(select(this.model).limit(limit))).all();
  }
  async create(obj: T): Promise<T> {
    this.session.add(obj);
    await this.session.commit();
    await this.session.refresh(obj);
    return obj;
  }
  async delete(id: number): Promise<boolean> {
    const obj = await this.get(id);
    if (!obj) return false;
    await this.session.delete(obj);
    await this.session.commit();
    return true;
  }
}
