/**
 * Cascades with SQLAlchemy's semantics: delete (loaded children at once, unloaded ones loaded
 * at flush, none loaded with passiveDeletes), foreign keys set NULL without a delete cascade,
 * delete-orphan (removed, reassigned, pending orphans), save-update at flush, expunge,
 * refresh-expire, merge; statements counted.
 */
import { expect, test } from "vitest";
import { insert, select } from "../../src/index.js";
import { Session } from "../../src/orm/index.js";
import {
  Address,
  Base,
  Book,
  Customer,
  Invoice,
  Order,
  OrderItem,
  Player,
  Shelf,
  Team,
  User,
} from "./rel-models.js";
import { ormSuite, type OrmContext } from "./support.js";

let seq = 0;
const uniq = (p: string) => `${p}${++seq}`;

async function rows<T>(ctx: OrmContext, stmt: any): Promise<T[]> {
  const conn = await ctx.engine.connect();
  try {
    return (await conn.execute(stmt)).all() as T[];
  } finally {
    await conn.close();
  }
}

/** Statements that mention a table. */
const touching = (ctx: OrmContext, verb: string, table: string) =>
  ctx.log.statements.filter((x) => x.startsWith(verb) && x.includes(table)).length;

/** A user with `orders` orders of 2 items and 2 addresses, committed; returns its id. */
async function seedUser(ctx: OrmContext, orders: number): Promise<number> {
  const s = new Session({ bind: ctx.engine });
  const u = new User({
    username: uniq("u"),
    orders: Array.from(
      { length: orders },
      () => new Order({ items: [new OrderItem({ quantity: 1 }), new OrderItem({ quantity: 2 })] }),
    ),
    addresses: [new Address({ street: "a" }), new Address({ street: "b" })],
  });
  s.add(u);
  await s.commit();
  await s.close();
  return u.id;
}

async function counts(ctx: OrmContext, userId: number) {
  const orders = await rows<{ id: number }>(ctx, select(Order.id).where(Order.userId.eq(userId)));
  const items = orders.length
    ? await rows(ctx, select(OrderItem.id).where(OrderItem.orderId.in(orders.map((o) => o.id))))
    : [];
  const addresses = await rows(ctx, select(Address.id).where(Address.userId.eq(userId)));
  const users = await rows(ctx, select(User.id).where(User.id.eq(userId)));
  return { users: users.length, orders: orders.length, items: items.length, addresses: addresses.length };
}

ormSuite("relationship cascades", Base.metadata, (ctx) => {
  const session = () => new Session({ bind: ctx.engine });

  test("delete: loaded children are marked at once; grandchildren are loaded at flush; children first", async () => {
    const id = await seedUser(ctx, 2);
    const s = session();
    const u = (await s.get(User, id))!;
    await s.load(u, "orders");
    await s.delete(u);
    expect(new Set(s.deleted)).toEqual(new Set([u, ...u.orders]));
    ctx.log.reset();
    await s.commit();
    // Items (not loaded) and the profile are loaded; addresses are left to ON DELETE CASCADE.
    expect(touching(ctx, "SELECT", "rf_order_items")).toBe(1);
    expect(touching(ctx, "SELECT", "rf_addresses")).toBe(0);
    const deletes = ctx.log.statements.filter((x) => x.startsWith("DELETE"));
    expect(deletes.map((x) => x.match(/^DELETE FROM (\w+)/)![1])).toEqual([
      "rf_user_roles",
      "rf_order_items",
      "rf_orders",
      "rf_users",
    ]);
    expect(await counts(ctx, id)).toEqual({ users: 0, orders: 0, items: 0, addresses: 0 });
    await s.close();
  });

  test("delete: nothing loaded — the flush loads each level once (batched), then deletes", async () => {
    const a = await seedUser(ctx, 2);
    const b = await seedUser(ctx, 3);
    const s = session();
    const users = (await s.scalars(select(User).where(User.id.in([a, b])))).all();
    for (const u of users) await s.delete(u);
    expect(s.deleted.length).toBe(2);
    ctx.log.reset();
    await s.flush();
    expect(touching(ctx, "SELECT", "rf_orders")).toBe(1); // both users' orders in one IN list
    expect(touching(ctx, "SELECT", "rf_order_items")).toBe(1);
    expect(touching(ctx, "DELETE", "rf_order_items")).toBe(1);
    await s.commit();
    expect(await counts(ctx, a)).toEqual({ users: 0, orders: 0, items: 0, addresses: 0 });
    expect(await counts(ctx, b)).toEqual({ users: 0, orders: 0, items: 0, addresses: 0 });
    await s.close();
  });

  test("passiveDeletes: the database's ON DELETE CASCADE removes children; no SELECT of them", async () => {
    const s = session();
    const u = new User({
      username: uniq("u"),
      addresses: [new Address({ street: "x" }), new Address({ street: "y" })],
    });
    s.add(u);
    await s.commit();
    const id = u.id;
    const again = (await s.get(User, id))!;
    await s.delete(again);
    ctx.log.reset();
    await s.commit();
    expect(touching(ctx, "SELECT", "rf_addresses")).toBe(0);
    expect(touching(ctx, "DELETE", "rf_addresses")).toBe(0);
    expect((await counts(ctx, id)).addresses).toBe(0);
    await s.close();
  });

  test("without a delete cascade, a deleted parent's children get NULL (loaded first)", async () => {
    const s = session();
    const t = new Team({ name: uniq("t"), players: [new Player({ name: "a" }), new Player({ name: "b" })] });
    s.add(t);
    await s.commit();
    const team = (await s.get(Team, t.id))!;
    await s.delete(team);
    ctx.log.reset();
    await s.commit();
    expect(ctx.log.statements.map((x) => x.split(" ")[0])).toEqual(["SELECT", "UPDATE", "DELETE"]);
    const left = await rows<{ teamId: number | null }>(
      ctx,
      select(Player.teamId).where(Player.c.name.in(["a", "b"])),
    );
    expect(left.length).toBeGreaterThanOrEqual(2);
    expect(left.every((r) => r.teamId === null)).toBe(true);
    await s.close();
  });

  test('passiveDeletes: "all" leaves even loaded children to the database (ON DELETE SET NULL)', async () => {
    const s = session();
    const shelf = new Shelf({
      label: uniq("s"),
      books: [new Book({ title: "b1" }), new Book({ title: "b2" })],
    });
    s.add(shelf);
    await s.commit();
    const sh = (await s.get(Shelf, shelf.id))!;
    await s.load(sh, "books");
    const ids = sh.books.map((b) => b.id);
    await s.delete(sh);
    ctx.log.reset();
    await s.commit();
    expect(ctx.log.statements.map((x) => x.split(" ")[0])).toEqual(["DELETE"]);
    const left = await rows<{ shelfId: number | null }>(ctx, select(Book.shelfId).where(Book.id.in(ids)));
    expect(left).toEqual([{ shelfId: null }, { shelfId: null }]);
    await s.close();
  });

  test("seed 001's dynamic orders without cascade: deleting the customer nulls its invoices", async () => {
    const s = session();
    const c = new Customer({ name: uniq("c") });
    s.add(c);
    await s.flush();
    c.invoices.add(new Invoice({ amount: 5 }));
    await s.commit();
    const cust = (await s.get(Customer, c.id))!;
    await s.delete(cust);
    await s.commit();
    const inv = await rows<{ customerId: number | null }>(
      ctx,
      select(Invoice.customerId).where(Invoice.amount.eq(5)),
    );
    expect(inv.every((r) => r.customerId === null)).toBe(true);
    await s.close();
  });

  test("delete-orphan: a child removed from its collection is deleted, with its own children", async () => {
    const id = await seedUser(ctx, 2);
    const s = session();
    const u = (await s.get(User, id))!;
    await s.load(u, "orders");
    const gone = u.orders.shift()!;
    ctx.log.reset();
    await s.flush();
    expect(touching(ctx, "DELETE", "rf_orders")).toBe(1);
    expect(touching(ctx, "DELETE", "rf_order_items")).toBe(1);
    expect(s.contains(gone)).toBe(true);
    await s.commit();
    expect(await counts(ctx, id)).toEqual({ users: 1, orders: 1, items: 2, addresses: 2 });
    expect(await rows(ctx, select(OrderItem.id).where(OrderItem.orderId.eq(gone.id)))).toEqual([]);
    await s.close();
  });

  test("delete-orphan through the many-to-one: order.user = null deletes the order (collection not loaded)", async () => {
    const id = await seedUser(ctx, 1);
    const s = session();
    const o = (await s.scalars(select(Order).where(Order.userId.eq(id)))).one();
    await s.load(o, "user");
    o.user = null as unknown as User;
    await s.commit();
    expect((await counts(ctx, id)).orders).toBe(0);
    await s.close();
  });

  test("delete-orphan: a pending orphan leaves the Session and is never inserted", async () => {
    const id = await seedUser(ctx, 0);
    const s = session();
    const u = (await s.get(User, id))!;
    await s.load(u, "orders");
    const o = new Order({});
    u.orders.push(o);
    expect(s.new).toEqual([o]);
    u.orders.pop();
    expect(s.new).toEqual([]);
    expect(s.contains(o)).toBe(false);
    ctx.log.reset();
    await s.flush();
    expect(ctx.log.count("INSERT")).toBe(0);
    await s.close();
  });

  test("save-update at flush: an object related to a pending one after add() is inserted too", async () => {
    const s = session();
    const u = new User({ username: uniq("u") });
    s.add(u);
    const o = new Order({});
    o.user = u; // backPopulates puts it in u.orders; add() has already run
    expect(s.contains(o)).toBe(false);
    await s.flush();
    expect(s.contains(o)).toBe(true);
    expect(o.userId).toBe(u.id);
    await s.rollback();
    await s.close();
  });

  test("expunge follows the expunge cascade; refresh-expire follows expire()", async () => {
    const id = await seedUser(ctx, 2);
    const s = session();
    const u = (await s.get(User, id))!;
    await s.load(u, "orders");
    const orders = [...u.orders];
    const items = await s.load(orders, "items");
    expect(items.length).toBe(2);
    s.expire(u);
    expect(() => orders[0]!.status).toThrow(/expired by expire\(\)/);
    expect(() => u.orders).toThrow(/User.orders is not loaded/);

    const u2 = (await s.get(User, id))!;
    await s.load(u2, "orders");
    s.expire(u2, ["orders"]);
    expect(() => u2.orders).toThrow(/not loaded/);
    expect(u2.username).toMatch(/^u/);

    await s.load(u2, "orders");
    const o = u2.orders[0]!;
    s.expunge(u2);
    expect(s.contains(u2)).toBe(false);
    expect(s.contains(o)).toBe(false);
    await s.close();
  });

  test("refresh() expires related objects along refresh-expire and drops pending relationship changes", async () => {
    const id = await seedUser(ctx, 1);
    const s = session();
    const u = (await s.get(User, id))!;
    await s.load(u, "orders");
    const o = u.orders[0]!;
    const pending = new Order({});
    u.orders.push(pending);
    expect(s.contains(pending)).toBe(true);
    await s.refresh(u);
    expect(() => o.status).toThrow(/not loaded/);
    expect(s.contains(pending)).toBe(false); // pending objects along the cascade are expunged (SQLAlchemy too)
    await s.load(u, "orders");
    expect(u.orders).toEqual([o]);
    await s.close();
  });

  test("refresh(obj, [relationship]) reloads that relationship from the database", async () => {
    const id = await seedUser(ctx, 1);
    const s = session();
    const u = (await s.get(User, id))!;
    await s.load(u, "orders");
    expect(u.orders.length).toBe(1);
    await s.commit(); // ends the transaction (and expires u)
    await ctx.engine.begin(async (conn) => {
      await conn.execute(insert(Order).values({ userId: id, status: "by core" }));
    });
    await s.refresh(u, ["orders"]);
    expect(u.orders.map((o) => o.status)).toEqual(["pending", "by core"]);
    await s.close();
  });

  test("merge follows relationships: new children are added, removed ones are orphans", async () => {
    const id = await seedUser(ctx, 2);
    // A detached graph, changed outside any Session.
    const s1 = session();
    const u = (await s1.get(User, id))!;
    await s1.load(u, "orders");
    await s1.close();
    const kept = u.orders[1]!;
    u.orders.splice(0, 1);
    u.orders.push(new Order({ status: "merged" }));
    kept.status = "shipped";

    const s2 = session();
    const merged = await s2.merge(u);
    expect(merged).not.toBe(u);
    expect(merged.orders.length).toBe(2);
    expect(merged.orders.every((o) => o !== kept && s2.contains(o))).toBe(true);
    await s2.commit();
    const inDb = await rows<{ status: string }>(
      ctx,
      select(Order.status).where(Order.userId.eq(id)).orderBy(Order.id),
    );
    expect(inDb.map((r) => r.status)).toEqual(["shipped", "merged"]);
    await s2.close();
  });
});
