/**
 * Loading strategies and loader options, with statement counts, on every dialect: the seeds'
 * N+1 section (500 orders with their user, items and each item's product: a selectinload chain
 * is 4 statements, joinedload 1, and touching an unloaded relationship is an error, never 1 501
 * queries), subqueryload, containsEager, noload/raiseload/lazyload, mixed chains, many-to-many
 * and self-referential joins, LIMIT with joined collections, and unique().
 */
import { beforeAll, expect, test } from "vitest";
import {
  Column,
  ForeignKey,
  insert,
  Integer,
  InvalidRequestError,
  Numeric,
  select,
  String as Str,
  Table,
} from "../../src/index.js";
import {
  containsEager,
  declarativeBase,
  defaultload,
  joinedload,
  lazyload,
  mappedColumn,
  noload,
  raiseload,
  relationship,
  selectinload,
  Session,
  subqueryload,
  UnloadedRelationshipError,
} from "../../src/orm/index.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

const userRoles = new Table("np_user_roles", Base.metadata, {
  userId: Column(Integer, { name: "user_id", foreignKey: "np_users.id", primaryKey: true }),
  roleId: Column(Integer, { name: "role_id", foreignKey: "np_roles.id", primaryKey: true }),
});

class User extends Base.model("np_users", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  username: mappedColumn(Str(50)),
}) {
  static orders = relationship(() => Order, { backPopulates: "user", orderBy: () => Order.id });
  declare orders: Order[];
  static roles = relationship(() => Role, { secondary: userRoles, orderBy: () => Role.id });
  declare roles: Role[];
}
class Role extends Base.model("np_roles", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  label: mappedColumn(Str(30)),
}) {}
class Order extends Base.model("np_orders", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  userId: mappedColumn(Integer, { name: "user_id", foreignKey: "np_users.id" }),
  status: mappedColumn(Str(20)),
}) {
  static user = relationship(() => User, { backPopulates: "orders" });
  declare user: User;
  static items = relationship(() => OrderItem, { backPopulates: "order", orderBy: () => OrderItem.id });
  declare items: OrderItem[];
}
class OrderItem extends Base.model("np_order_items", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  orderId: mappedColumn(Integer, { name: "order_id", foreignKey: ForeignKey("np_orders.id") }),
  productId: mappedColumn(Integer, { name: "product_id", foreignKey: "np_products.id" }),
  quantity: mappedColumn(Integer),
}) {
  static order = relationship(() => Order, { backPopulates: "items" });
  declare order: Order;
  static product = relationship(() => Product);
  declare product: Product;
}
class Product extends Base.model("np_products", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  title: mappedColumn(Str(50)),
  price: mappedColumn(Numeric(10, 2)),
}) {}
class Category extends Base.model("np_categories", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  parentId: mappedColumn(Integer, { name: "parent_id", nullable: true, foreignKey: "np_categories.id" }),
  title: mappedColumn(Str(30)),
}) {
  static children = relationship(() => Category, { backPopulates: "parent", orderBy: () => Category.id });
  declare children: Category[];
  static parent = relationship(() => Category, {
    remoteSide: () => [Category.id],
    backPopulates: "children",
  });
  declare parent: Category | null;
}

const USERS = 50;
const ORDERS = 500;
const ITEMS_PER_ORDER = 4;
const PRODUCTS = 100;

ormSuite("relationships: eager loading and the N+1 problem", Base.metadata, (ctx) => {
  const session = () => new Session({ bind: ctx.engine });

  beforeAll(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(
        insert(User.__table__),
        Array.from({ length: USERS }, (_, i) => ({ id: i + 1, username: `user${i + 1}` })),
      );
      await conn.execute(insert(Role.__table__), [
        { id: 1, label: "admin" },
        { id: 2, label: "staff" },
      ]);
      await conn.execute(insert(userRoles), [
        { userId: 1, roleId: 1 },
        { userId: 1, roleId: 2 },
        { userId: 2, roleId: 2 },
      ]);
      await conn.execute(
        insert(Product.__table__),
        Array.from({ length: PRODUCTS }, (_, i) => ({
          id: i + 1,
          title: `product${i + 1}`,
          price: `${i + 1}.50`,
        })),
      );
      await conn.execute(
        insert(Order.__table__),
        Array.from({ length: ORDERS }, (_, i) => ({ id: i + 1, userId: (i % USERS) + 1, status: "pending" })),
      );
      const items = [];
      for (let o = 1; o <= ORDERS; o++)
        for (let k = 0; k < ITEMS_PER_ORDER; k++) {
          const id = (o - 1) * ITEMS_PER_ORDER + k + 1;
          items.push({ id, orderId: o, productId: (id % PRODUCTS) + 1, quantity: k + 1 });
        }
      await conn.execute(insert(OrderItem.__table__), items);
      await conn.execute(insert(Category.__table__), [
        { id: 1, parentId: null, title: "root" },
        { id: 2, parentId: 1, title: "books" },
        { id: 3, parentId: 1, title: "music" },
        { id: 4, parentId: 2, title: "novels" },
      ]);
    });
  });

  /** Walks the graph as the seed does, checking every count and sum. */
  function checkGraph(orders: Order[]): void {
    expect(orders.length).toBe(ORDERS);
    let items = 0;
    let quantity = 0;
    const products = new Set<Product>();
    for (const o of orders) {
      expect(o.user.username).toBe(`user${o.userId}`);
      expect(o.items.length).toBe(ITEMS_PER_ORDER);
      for (const it of o.items) {
        items++;
        quantity += it.quantity;
        expect(it.product.id).toBe(it.productId);
        products.add(it.product);
      }
    }
    expect(items).toBe(ORDERS * ITEMS_PER_ORDER);
    expect(quantity).toBe(ORDERS * (1 + 2 + 3 + 4));
    expect(products.size).toBe(PRODUCTS);
  }

  test("lazy access is an error, not 1 501 statements", async () => {
    await using s = session();
    ctx.log.reset();
    const orders = (await s.scalars(select(Order))).all();
    expect(ctx.log.count()).toBe(1);
    expect(() => orders[0]!.user.username).toThrow(UnloadedRelationshipError);
    expect(() => orders[0]!.user).toThrow(/Order\.user is not loaded.*selectinload\(Order\.user\)/);
    expect(ctx.log.count()).toBe(1);
  });

  test("selectinload chain: 4 statements", async () => {
    await using s = session();
    ctx.log.reset();
    const stmt = select(Order).options(
      selectinload(Order.user),
      selectinload(Order.items).selectinload(OrderItem.product),
    );
    const orders = (await s.scalars(stmt)).all();
    expect(ctx.log.count()).toBe(4);
    expect(ctx.log.count("SELECT")).toBe(4);
    checkGraph(orders);
  });

  test("joinedload: 1 statement, unique() required for collections", async () => {
    await using s = session();
    ctx.log.reset();
    const stmt = select(Order).options(
      joinedload(Order.user),
      joinedload(Order.items).joinedload(OrderItem.product),
    );
    const result = await s.scalars(stmt);
    expect(() => result.all()).toThrow(InvalidRequestError);
    expect(() => result.all()).toThrow(/unique\(\) method must be invoked/);
    const orders = (await s.scalars(stmt)).unique().all();
    expect(ctx.log.count()).toBe(2);
    expect(ctx.log.statements[1]).toMatch(/LEFT OUTER JOIN/);
    checkGraph(orders);
    // Order by the collection's orderBy, per parent.
    expect(orders[0]!.items.map((i) => i.id)).toEqual([1, 2, 3, 4]);
  });

  test("many-to-one joinedload needs no unique(); mixing strategies down a chain", async () => {
    await using s = session();
    ctx.log.reset();
    const items = (await s.scalars(select(OrderItem).options(joinedload(OrderItem.product)))).all();
    expect(ctx.log.count()).toBe(1);
    expect(items.length).toBe(ORDERS * ITEMS_PER_ORDER);
    expect(items[0]!.product.title).toBe(`product${items[0]!.productId}`);
    await s.close();

    await using s2 = session();
    ctx.log.reset();
    const users = (
      await s2.scalars(
        select(User).options(selectinload(User.orders).joinedload(Order.items).joinedload(OrderItem.product)),
      )
    ).all();
    expect(ctx.log.count()).toBe(2);
    expect(users.length).toBe(USERS);
    expect(users.reduce((n, u) => n + u.orders.length, 0)).toBe(ORDERS);
    expect(users[0]!.orders[0]!.items[0]!.product).toBeInstanceOf(Product);
    // The reverse many-to-one is known from the collection load.
    expect(users[0]!.orders[0]!.user).toBe(users[0]);
  });

  test("subqueryload: the parents' keys from the original query", async () => {
    await using s = session();
    ctx.log.reset();
    const users = (
      await s.scalars(
        select(User)
          .where(User.id.le(3))
          .orderBy(User.id)
          .options(subqueryload(User.orders).subqueryload(Order.items)),
      )
    ).all();
    expect(ctx.log.count()).toBe(3);
    expect(ctx.log.statements[1]).toMatch(/IN \(SELECT/);
    expect(users.map((u) => u.orders.length)).toEqual([10, 10, 10]);
    expect(users[2]!.orders[0]!.items.length).toBe(ITEMS_PER_ORDER);
  });

  test("containsEager fills a relationship from the statement's own join", async () => {
    await using s = session();
    ctx.log.reset();
    const orders = (
      await s.scalars(
        select(Order)
          .join(Order.user)
          .where(User.username.eq("user7"))
          .orderBy(Order.id)
          .options(containsEager(Order.user)),
      )
    ).all();
    expect(ctx.log.count()).toBe(1);
    expect(orders.length).toBe(ORDERS / USERS);
    expect(orders.every((o) => o.user.username === "user7")).toBe(true);
    const users = (
      await s.scalars(
        select(User)
          .join(User.orders)
          .where(Order.id.in([1, 51]))
          .options(containsEager(User.orders)),
      )
    )
      .unique()
      .all();
    expect(users.length).toBe(1);
  });

  test("noload, raiseload, lazyload and defaultload", async () => {
    await using s = session();
    const u = (await s.scalars(select(User).where(User.id.eq(1)).options(noload(User.orders)))).one();
    expect(u.orders).toEqual([]);
    await s.close();
    await using s2 = session();
    const u2 = (await s2.scalars(select(User).where(User.id.eq(1)).options(raiseload(User.orders)))).one();
    expect(() => u2.orders).toThrow(UnloadedRelationshipError);
    const u3 = (
      await s2.scalars(
        select(User).where(User.id.eq(2)).options(lazyload(User.orders), defaultload(User.roles)),
      )
    ).one();
    expect(() => u3.orders).toThrow(UnloadedRelationshipError);
    expect(() => u3.roles).toThrow(UnloadedRelationshipError);
    ctx.log.reset();
    const u4 = (
      await s2.scalars(
        select(User)
          .where(User.id.eq(3))
          .options(defaultload(User.orders).selectinload(Order.items).defer(OrderItem.quantity)),
      )
    ).one();
    expect(ctx.log.count()).toBe(1);
    expect(() => u4.orders).toThrow(UnloadedRelationshipError);
  });

  test("many-to-many and self-referential eager loads", async () => {
    await using s = session();
    ctx.log.reset();
    const users = (
      await s.scalars(
        select(User)
          .where(User.id.in([1, 2, 3]))
          .orderBy(User.id)
          .options(joinedload(User.roles)),
      )
    )
      .unique()
      .all();
    expect(ctx.log.count()).toBe(1);
    expect(users.map((u) => u.roles.map((r) => r.label))).toEqual([["admin", "staff"], ["staff"], []]);
    await s.close();

    await using s2 = session();
    const withSelectin = (
      await s2.scalars(
        select(User)
          .where(User.id.in([1, 2]))
          .orderBy(User.id)
          .options(selectinload(User.roles)),
      )
    ).all();
    expect(withSelectin.map((u) => u.roles.length)).toEqual([2, 1]);
    ctx.log.reset();
    const cats = (
      await s2.scalars(
        select(Category)
          .where(Category.parentId.isNull())
          .options(joinedload(Category.children).joinedload(Category.children)),
      )
    )
      .unique()
      .all();
    expect(ctx.log.count()).toBe(1);
    expect(cats.map((c) => c.title)).toEqual(["root"]);
    expect(cats[0]!.children.map((c) => c.title)).toEqual(["books", "music"]);
    expect(cats[0]!.children[0]!.children.map((c) => c.title)).toEqual(["novels"]);
    expect(cats[0]!.children[0]!.parent).toBe(cats[0]);
    const leaf = (
      await s2.scalars(select(Category).where(Category.id.eq(4)).options(joinedload(Category.parent)))
    ).one();
    expect(leaf.parent!.title).toBe("books");
  });

  test("LIMIT with a joined collection limits parents, not rows", async () => {
    await using s = session();
    ctx.log.reset();
    const users = (await s.scalars(select(User).orderBy(User.id).limit(3).options(joinedload(User.orders))))
      .unique()
      .all();
    expect(ctx.log.count()).toBe(1);
    expect(users.map((u) => u.id)).toEqual([1, 2, 3]);
    expect(users.map((u) => u.orders.length)).toEqual([10, 10, 10]);
  });

  test("a relationship already loaded is kept; options apply to get() and chained loads reuse the identity map", async () => {
    await using s = session();
    const u = (await s.scalars(select(User).where(User.id.eq(5)).options(selectinload(User.orders)))).one();
    const first = u.orders;
    ctx.log.reset();
    const again = (
      await s.scalars(select(User).where(User.id.eq(5)).options(selectinload(User.orders)))
    ).one();
    expect(again).toBe(u);
    expect(u.orders).toBe(first);
    expect(ctx.log.count()).toBe(1);
    const o = (await s.get(Order, 5))!;
    expect(o.user).toBe(u);
  });

  test("a deeper option reaches children of a collection loaded earlier in the Session", async () => {
    await using s = session();
    const u = (await s.scalars(select(User).where(User.id.eq(6)).options(selectinload(User.orders)))).one();
    expect(() => u.orders[0]!.items).toThrow(UnloadedRelationshipError);
    const again = (
      await s.scalars(
        select(User).where(User.id.eq(6)).options(selectinload(User.orders).selectinload(Order.items)),
      )
    ).one();
    expect(again).toBe(u);
    expect(u.orders[0]!.items.length).toBe(ITEMS_PER_ORDER);
  });
});
