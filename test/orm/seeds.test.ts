/**
 * The seeds' repositories and flows, end to end on every database: users (create with clear
 * duplicate errors, get by id / email, pagination, filters, ilike search, update, hard and soft
 * delete, count, bulk status update) and orders (creation with a stock check in one transaction).
 */
import { beforeAll, describe, expect, test } from "vitest";
import { func, select } from "../../src/index.js";
import { inspect, sessionmaker, type SessionMaker } from "../../src/orm/index.js";
import { Base, Order, OrderItem, Product, User } from "./seed-models.js";
import {
  BaseRepository,
  DuplicateError,
  OrderError,
  OrderRepository,
  UserRepository,
  withDb,
} from "./seed-repositories.js";
import { ormSuite } from "./support.js";

ormSuite("seed repositories", Base.metadata, (ctx) => {
  let SessionLocal: SessionMaker;
  beforeAll(async () => {
    SessionLocal = sessionmaker({ bind: ctx.engine, autoflush: false, expireOnCommit: false });
  });

  describe("UserRepository", () => {
    test("createUser commits and refreshes; duplicates are clear errors and leave the Session usable", async () => {
      await using db = SessionLocal();
      const repo = new UserRepository(db);
      const alice = await repo.createUser("alice_dev", "Alice@Example.com", "SecureP@ss123!", {
        firstName: "Alice",
        lastName: "Dupont",
      });
      expect(alice.id).toBeGreaterThan(0);
      expect(alice.email).toBe("alice@example.com"); // the email validator lowercases
      expect(alice.createdAt).toBeInstanceOf(Date);
      expect(alice.isActive).toBe(true);
      expect(String(alice)).toBe(`<User(id=${alice.id}, username='alice_dev', email='alice@example.com')>`);
      expect(alice.toDict()).toMatchObject({ username: "alice_dev", firstName: "Alice", isActive: true });

      await expect(repo.createUser("alice_dev", "other@example.com", "x")).rejects.toThrow(
        new DuplicateError("Ce nom d'utilisateur existe déjà"),
      );
      await expect(repo.createUser("alice2", "alice@example.com", "x")).rejects.toThrow(
        new DuplicateError("Cet email existe déjà"),
      );
      // After rollback() the Session works again.
      const bob = await repo.createUser("bob_42", "bob@example.com", "pw");
      expect(bob.id).toBeGreaterThan(alice.id);
    });

    test("validators run in the constructor and on assignment", () => {
      expect(() => new User({ username: "al", email: "a@x.io", passwordHash: "h" })).toThrow(
        "Username trop court (min 3 caractères)",
      );
      expect(() => new User({ username: "al ice", email: "a@x.io", passwordHash: "h" })).toThrow(
        "Username invalide",
      );
      expect(() => new User({ username: "alice", email: "not-an-email", passwordHash: "h" })).toThrow(
        "Format d'email invalide",
      );
      const u = new User({ username: "carol", email: "Carol@X.io", passwordHash: "h" });
      expect(u.email).toBe("carol@x.io");
      expect(() => (u.email = "nope")).toThrow("Format d'email invalide");
      expect(u.email).toBe("carol@x.io");
      u.email = "CAROL@Y.IO";
      expect(u.email).toBe("carol@y.io");
    });

    test("get by id and by email; a loaded object is returned without SQL", async () => {
      await withDb(SessionLocal, async (db) => {
        db.add(new User({ username: "dave", email: "dave@example.com", passwordHash: "h" }));
      });
      await using db = SessionLocal();
      const repo = new UserRepository(db);
      const dave = await repo.getByEmail("dave@example.com");
      expect(dave).not.toBeNull();
      ctx.log.reset();
      expect(await repo.getById(dave!.id)).toBe(dave);
      expect(ctx.log.count()).toBe(0);
      expect(await repo.getByEmail("dave@example.com")).toBe(dave); // a query returning it gives the same object
      expect(await repo.getById(987654)).toBeNull();
    });

    test("pagination, filters, ilike search and count", async () => {
      await withDb(SessionLocal, async (db) => {
        for (let i = 0; i < 12; i++) {
          db.add(
            new User({
              username: `page_user_${i}`,
              email: `page${i}@Paging.org`,
              passwordHash: "h",
              isActive: i % 4 !== 0,
            }),
          );
        }
      });
      await using db = SessionLocal();
      const repo = new UserRepository(db);
      const active = await repo.countActive();
      const all = await repo.getAll(0, 1000);
      expect(all.length).toBe(active);
      expect(all.every((u) => u.isActive)).toBe(true);
      const page1 = await repo.getAll(0, 5);
      const page2 = await repo.getAll(5, 5);
      expect(page1).toHaveLength(5);
      expect(page2).toHaveLength(5);
      expect(new Set([...page1, ...page2].map((u) => u.id)).size).toBe(10);
      expect(page1[0]!.id).toBeGreaterThan(page2[0]!.id); // newest first

      const found = await repo.search("PAGE_USER_1");
      expect(found.map((u) => u.username)).toEqual(["page_user_1", "page_user_10", "page_user_11"]);
      expect((await repo.search("paging.ORG")).length).toBe(9); // 12 minus the 3 inactive
      const inactive = await repo.searchAdvanced({ email: "paging", isActive: false });
      expect(inactive.map((u) => u.username).sort()).toEqual(["page_user_0", "page_user_4", "page_user_8"]);
      expect(
        await repo.searchAdvanced({
          username: "page_user_1",
          createdAfter: new Date(Date.now() - 3_600_000),
        }),
      ).toHaveLength(3);
    });

    test("update, soft delete and hard delete", async () => {
      await using db = SessionLocal();
      const repo = new UserRepository(db);
      const eve = await repo.createUser("eve", "eve@example.com", "pw");
      eve.firstName = "Eve";
      await repo.update(eve);
      const updated = await repo.updateUser(eve.id, { lastName: "Martin", email: "EVE@NEW.IO" });
      expect(updated).toBe(eve);
      expect([eve.firstName, eve.lastName, eve.email]).toEqual(["Eve", "Martin", "eve@new.io"]);

      expect(await repo.delete(eve.id)).toBe(true); // soft
      await db.commit();
      expect((await repo.search("eve@new")).length).toBe(0);
      expect((await repo.getById(eve.id))!.isActive).toBe(false);

      expect(await repo.deleteUser(eve.id)).toBe(true); // hard
      expect(inspect(eve).detached).toBe(true);
      expect(await repo.getById(eve.id)).toBeNull();
      expect(await repo.deleteUser(eve.id)).toBe(false);
    });

    test("bulk status update: one UPDATE, rowcount, and loaded objects follow", async () => {
      await using db = SessionLocal();
      const repo = new UserRepository(db);
      const users: User[] = [];
      for (const n of ["bulk_a", "bulk_b", "bulk_c"])
        users.push(await repo.createUser(n, `${n}@example.com`, "pw"));
      const { result: count, statements } = await ctx.log.during(() =>
        repo.bulkUpdateStatus([users[0]!.id, users[1]!.id], false),
      );
      expect(count).toBe(2);
      expect(statements.filter((s) => s.startsWith("UPDATE"))).toHaveLength(1);
      expect(users[0]!.isActive).toBe(false); // the loaded objects were synchronised
      expect(users[2]!.isActive).toBe(true);
      expect(inspect(users[0]!).attrs.updatedAt!.loaded).toBe(false); // set by func.now() in the database
      await db.refresh(users[0]!);
      expect(users[0]!.updatedAt).toBeInstanceOf(Date);
      await db.commit();
      expect(await repo.bulkDeleteInactive(new Date(Date.now() + 3_600_000))).toBeGreaterThanOrEqual(2);
      expect(inspect(users[1]!).deleted).toBe(true);
      await db.commit();
      expect(inspect(users[1]!).detached).toBe(true);
    });

    test("authenticate updates last_login", async () => {
      await using db = SessionLocal();
      const repo = new UserRepository(db);
      await repo.createUser("frank", "frank@example.com", "s3cret");
      expect(await repo.authenticate("frank@example.com", "wrong")).toBeNull();
      const frank = await repo.authenticate("FRANK@example.com", "s3cret");
      expect(frank!.lastLogin).toBeInstanceOf(Date);
    });

    test("a generic BaseRepository<T> (seed 004)", async () => {
      await using db = SessionLocal();
      const products = new BaseRepository(Product, db);
      const p = await products.create(new Product({ name: "Gadget", price: 5 }));
      expect(p.stock).toBe(0);
      expect(await products.get(p.id)).toBe(p);
      expect((await products.getAll()).includes(p)).toBe(true);
      expect(await products.delete(p.id)).toBe(true);
      expect(await products.get(p.id)).toBeNull();
    });
  });

  describe("OrderRepository", () => {
    async function setup() {
      return withDb(SessionLocal, async (db) => {
        const user = await new UserRepository(db).create(
          new User({
            username: `buyer_${Date.now() % 1e9}_${Math.floor(Math.random() * 1e6)}`,
            email: `buyer${Math.floor(Math.random() * 1e9)}@shop.io`,
            passwordHash: "h",
          }),
        );
        const products = [
          new Product({ name: "Laptop", price: 999.99, stock: 10 }),
          new Product({ name: "Mouse", price: 29.99, stock: 50 }),
          new Product({ name: "Keyboard", price: 79.99, stock: 1 }),
        ];
        db.addAll(products);
        await db.flush();
        return { userId: user.id, ids: products.map((p) => p.id) };
      });
    }
    async function counts() {
      await using db = SessionLocal();
      return {
        orders: Number(await db.scalar(select(func.count(Order.id)))),
        items: Number(await db.scalar(select(func.count(OrderItem.id)))),
        stock: (await db.execute(select(Product.id, Product.stock).orderBy(Product.id))).all(),
      };
    }

    test("createOrderWithItems: one transaction, stock decremented, total computed", async () => {
      const { userId, ids } = await setup();
      const order = await SessionLocal.begin((db) =>
        new OrderRepository(db).createOrderWithItems(userId, [
          { productId: ids[0]!, quantity: 2 },
          { productId: ids[1]!, quantity: 1 },
        ]),
      );
      expect(order.totalAmount).toBeCloseTo(2029.97, 2);
      expect(order.status).toBe("pending");
      expect(String(order)).toBe(`<Order(id=${order.id}, user_id=${userId})>`);
      await using db = SessionLocal();
      const items = await new OrderRepository(db).itemsOf(order.id);
      expect(items.map((i) => [i.productId, i.quantity, i.subtotal])).toEqual([
        [ids[0], 2, 1999.98],
        [ids[1], 1, 29.99],
      ]);
      expect((await db.get(Product, ids[0]!))!.stock).toBe(8);
      expect((await db.get(Product, ids[1]!))!.stock).toBe(49);
      expect(await new OrderRepository(db).getUserOrders(userId)).toHaveLength(1);
    });

    test("insufficient stock: the error is raised and nothing is written", async () => {
      const { userId, ids } = await setup();
      const before = await counts();
      await expect(
        withDb(SessionLocal, (db) =>
          new OrderRepository(db).createOrderWithItems(userId, [
            { productId: ids[0]!, quantity: 1 },
            { productId: ids[2]!, quantity: 5 },
          ]),
        ),
      ).rejects.toThrow(new OrderError(`Insufficient stock for product ${ids[2]}`));
      expect(await counts()).toEqual(before);
      await expect(
        SessionLocal.begin((db) =>
          new OrderRepository(db).createOrderWithItems(userId, [{ productId: 999999, quantity: 1 }]),
        ),
      ).rejects.toThrow("Product 999999 not found");
      expect(await counts()).toEqual(before);
    });

    test("createOrder (seed 001): checks first, then commits and refreshes", async () => {
      const { userId, ids } = await setup();
      await using db = SessionLocal();
      const repo = new OrderRepository(db);
      await expect(repo.createOrder(userId, [{ productId: ids[2]!, quantity: 2 }])).rejects.toThrow(
        "Stock insuffisant pour Keyboard",
      );
      const order = await repo.createOrder(userId, [
        { productId: ids[2]!, quantity: 1 },
        { productId: ids[1]!, quantity: 2 },
      ]);
      expect(order.totalAmount).toBeCloseTo(139.97, 2);
      expect(order.createdAt).toBeInstanceOf(Date);
      expect((await db.get(Product, ids[2]!))!.stock).toBe(0);
    });

    test("user stats aggregate orders per user", async () => {
      const { userId, ids } = await setup();
      await SessionLocal.begin((db) =>
        new OrderRepository(db).createOrderWithItems(userId, [{ productId: ids[1]!, quantity: 3 }]),
      );
      await using db = SessionLocal();
      const stats = await new UserRepository(db).getUserStats();
      const mine = stats.find((s) => s.id === userId)!;
      expect(Number(mine.orderCount)).toBe(1);
      expect(Number(mine.totalSpent)).toBeCloseTo(89.97, 2);
    });

    test("relationships: placing an order through them, eager loading it back, cascading its deletion", async () => {
      const { userId, ids } = await setup();
      const order = await SessionLocal.begin(async (db) => {
        const user = (await db.get(User, userId))!;
        const [laptop, mouse] = [(await db.get(Product, ids[0]!))!, (await db.get(Product, ids[1]!))!];
        return new OrderRepository(db).placeOrder(user, [
          { product: laptop, quantity: 1 },
          { product: mouse, quantity: 2 },
        ]);
      });
      expect(order.userId).toBe(userId);
      expect(order.totalAmount).toBeCloseTo(1059.97, 2);
      {
        await using db = SessionLocal();
        ctx.log.reset();
        const user = (await new UserRepository(db).getWithOrdersAndItems(userId))!;
        expect(ctx.log.count("SELECT")).toBe(3);
        expect(user.orders.length).toBe(1);
        expect(user.orders[0]!.items.map((i) => i.quantity).sort()).toEqual([1, 2]);
        expect(() => user.orders[0]!.items[0]!.product).toThrow(/OrderItem\.product is not loaded/);
        ctx.log.reset();
        const withItems = (await new OrderRepository(db).getOrderWithItems(order.id))!;
        expect(ctx.log.count("SELECT")).toBe(1);
        expect(withItems.items.map((i) => i.product.name).sort()).toEqual(["Laptop", "Mouse"]);
        withItems.recalculateTotal();
        expect(withItems.totalAmount).toBeCloseTo(1059.97, 2);
      }
      // cascade="all, delete-orphan": deleting the order deletes its items.
      await SessionLocal.begin(async (db) => {
        const o = (await new OrderRepository(db).getOrderWithItems(order.id))!;
        const orphan = o.items.find((i) => i.quantity === 2)!;
        o.items.splice(o.items.indexOf(orphan), 1); // delete-orphan
        await db.flush();
        expect(inspect(orphan).deleted).toBe(true);
        await db.delete(o);
      });
      await using db = SessionLocal();
      expect(await db.get(Order, order.id)).toBeNull();
      expect(
        Number(await db.scalar(select(func.count(OrderItem.id)).where(OrderItem.orderId.eq(order.id)))),
      ).toBe(0);
    });
  });
});
