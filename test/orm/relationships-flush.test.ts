/**
 * The flush writes relationships: foreign keys copied from parents (keys generated in the same
 * flush included) for many-to-one, one-to-many, one-to-one and write-only/dynamic collections,
 * from either side of backPopulates, with statement batching kept (statements counted).
 */
import { expect, test } from "vitest";
import { select } from "../../src/index.js";
import { Session } from "../../src/orm/index.js";
import {
  Base,
  Blog,
  Customer,
  Invoice,
  Order,
  OrderItem,
  Player,
  Post,
  Profile,
  Team,
  User,
} from "./rel-models.js";
import { ormSuite, type OrmContext } from "./support.js";

let seq = 0;
/** A name no other test used. */
const uniq = (p: string) => `${p}${++seq}`;

/** Rows through Core, outside any Session. */
async function rows<T>(ctx: OrmContext, stmt: any): Promise<T[]> {
  const conn = await ctx.engine.connect();
  try {
    return (await conn.execute(stmt)).all() as T[];
  } finally {
    await conn.close();
  }
}

ormSuite("relationship flush: foreign keys", Base.metadata, (ctx) => {
  const session = () => new Session({ bind: ctx.engine });

  test("a new user with 3 orders of 4 items: keys flow to children, one INSERT per table", async () => {
    const s = session();
    const u = new User({
      username: uniq("ann"),
      orders: [1, 2, 3].map(
        (n) => new Order({ status: `s${n}`, items: [1, 2, 3, 4].map((q) => new OrderItem({ quantity: q })) }),
      ),
    });
    s.add(u);
    expect(s.new.length).toBe(1 + 3 + 12);
    ctx.log.reset();
    await s.flush();
    const returning = ctx.engine.dialect.capabilities.supportsInsertReturning;
    expect(ctx.log.count("INSERT")).toBe(returning ? 3 : 16);
    expect(ctx.log.count()).toBe(ctx.log.count("INSERT"));
    expect(u.orders.every((o) => o.userId === u.id)).toBe(true);
    expect(u.orders.flatMap((o) => o.items).every((i) => i.orderId === i.order.id)).toBe(true);
    await s.commit();

    const orders = await rows<{ id: number; userId: number }>(
      ctx,
      select(Order.id, Order.userId).where(Order.userId.eq(u.id)).orderBy(Order.id),
    );
    expect(orders.length).toBe(3);
    const items = await rows<{ orderId: number }>(
      ctx,
      select(OrderItem.orderId).where(OrderItem.orderId.in(orders.map((o) => o.id))),
    );
    expect(items.length).toBe(12);
    for (const o of orders) expect(items.filter((i) => i.orderId === o.id).length).toBe(4);
    await s.close();
  });

  test("many-to-one: assigning writes the foreign key, a pending parent is inserted first, null clears it", async () => {
    const s = session();
    const t1 = new Team({ name: uniq("t") });
    const p = new Player({ name: uniq("p"), team: t1 });
    s.add(p); // the team follows (save-update cascade)
    await s.commit();
    expect(
      (await rows<{ teamId: number }>(ctx, select(Player.teamId).where(Player.id.eq(p.id))))[0]!.teamId,
    ).toBe(t1.id);

    const p2 = (await s.get(Player, p.id))!;
    const t2 = new Team({ name: uniq("t") });
    p2.team = t2;
    ctx.log.reset();
    await s.flush();
    expect(ctx.log.statements.map((x) => x.split(" ")[0])).toEqual(["INSERT", "UPDATE"]);
    expect(p2.teamId).toBe(t2.id);

    p2.team = null;
    await s.commit();
    expect(
      (await rows<{ teamId: number | null }>(ctx, select(Player.teamId).where(Player.id.eq(p.id))))[0]!
        .teamId,
    ).toBe(null);
    await s.close();
  });

  test("one-to-many: children added get the parent's key, removed ones NULL; one UPDATE for both", async () => {
    const s = session();
    const team = new Team({
      name: uniq("t"),
      players: [new Player({ name: uniq("a") }), new Player({ name: uniq("b") })],
    });
    const free = new Player({ name: uniq("free") });
    s.addAll([team, free]);
    await s.commit();

    const t = (await s.get(Team, team.id))!;
    await s.load(t, "players");
    const f = (await s.get(Player, free.id))!;
    const [a, b] = t.players;
    ctx.log.reset();
    t.players.push(f);
    t.players.splice(t.players.indexOf(a!), 1);
    expect(f.team).toBe(t); // backPopulates in memory
    await s.flush();
    expect(ctx.log.count("UPDATE")).toBe(1); // team_id of both players, as one executemany
    expect(ctx.log.count()).toBe(1);
    expect([a!.teamId, b!.teamId, f.teamId]).toEqual([null, t.id, t.id]);
    const expected = [b!.name, f.name];
    await s.commit();
    const inDb = await rows<{ name: string }>(
      ctx,
      select(Player.c.name).where(Player.teamId.eq(team.id)).orderBy(Player.id),
    );
    expect(inDb.map((r) => r.name)).toEqual(expected);
    await s.close();
  });

  test("backPopulates: a change made on either side is written once, loaded or not on the other", async () => {
    const s = session();
    const u1 = new User({ username: uniq("u") });
    const u2 = new User({ username: uniq("u") });
    const o = new Order({ user: u1 });
    s.addAll([u1, u2, o]);
    await s.commit();

    // The many-to-one side, the users' collections not loaded.
    const order = (await s.get(Order, o.id))!;
    const user2 = (await s.get(User, u2.id))!;
    order.user = user2;
    ctx.log.reset();
    await s.flush();
    expect(ctx.log.statements).toEqual([expect.stringMatching(/^UPDATE rf_orders SET user_id/)]);
    expect(order.userId).toBe(u2.id);

    // The collection side, the order's many-to-one not loaded: backPopulates sets it, still one UPDATE.
    const user1 = (await s.get(User, u1.id))!;
    await s.load(user1, "orders");
    const fresh = (await s.scalars(select(Order).where(Order.id.eq(o.id)))).one();
    user1.orders.push(fresh);
    expect(fresh.user).toBe(user1);
    ctx.log.reset();
    await s.commit();
    expect(ctx.log.count("UPDATE")).toBe(1);
    expect(
      (await rows<{ userId: number }>(ctx, select(Order.userId).where(Order.id.eq(o.id))))[0]!.userId,
    ).toBe(u1.id);
    await s.close();
  });

  test("a child moved to another parent is kept (delete-orphan doesn't apply), from either side", async () => {
    const s = session();
    const u1 = new User({ username: uniq("u"), orders: [new Order({}), new Order({})] });
    const u2 = new User({ username: uniq("u") });
    const u3 = new User({ username: uniq("u") });
    s.addAll([u1, u2, u3]);
    await s.flush();
    const [o1, o2] = u1.orders;
    u2.orders.push(o1!); // leaves u1.orders in memory
    o2!.user = u3; // many-to-one side
    expect(u1.orders).toEqual([]);
    ctx.log.reset();
    await s.commit();
    expect(ctx.log.count("DELETE")).toBe(0);
    const inDb = await rows<{ id: number; userId: number }>(
      ctx,
      select(Order.id, Order.userId)
        .where(Order.id.in([o1!.id, o2!.id]))
        .orderBy(Order.id),
    );
    expect(inDb).toEqual([
      { id: o1!.id, userId: u2.id },
      { id: o2!.id, userId: u3.id },
    ]);
    await s.close();
  });

  test("new children of a persistent parent: inserted with its key, grandchildren too", async () => {
    const s = session();
    s.add(new User({ username: uniq("u") }));
    await s.commit();
    const u = (await s.scalars(select(User).orderBy(User.id.desc()).limit(1))).one();
    await s.load(u, "orders");
    u.orders.push(new Order({ items: [new OrderItem({ quantity: 1 }), new OrderItem({ quantity: 2 })] }));
    expect(s.new.length).toBe(3);
    ctx.log.reset();
    await s.flush();
    const returning = ctx.engine.dialect.capabilities.supportsInsertReturning;
    expect(ctx.log.count("INSERT")).toBe(returning ? 2 : 3);
    expect(ctx.log.count("UPDATE")).toBe(0);
    expect(u.orders[0]!.userId).toBe(u.id);
    expect(u.orders[0]!.items.map((i) => i.orderId)).toEqual([u.orders[0]!.id, u.orders[0]!.id]);
    await s.close();
  });

  test("one-to-one (uselist: false): set, replaced (the old one is an orphan), cleared", async () => {
    const s = session();
    const u = new User({ username: uniq("u"), profile: new Profile({ bio: "first" }) });
    s.add(u);
    await s.flush();
    const first = u.profile!;
    expect(first.userId).toBe(u.id);

    u.profile = new Profile({ bio: "second" });
    ctx.log.reset();
    await s.flush();
    expect(ctx.log.count("INSERT")).toBe(1);
    expect(ctx.log.count("DELETE")).toBe(1);
    expect(s.contains(first)).toBe(true); // deleted in this transaction, detached at commit
    expect(u.profile!.userId).toBe(u.id);

    u.profile = null;
    await s.commit();
    expect(await rows(ctx, select(Profile.id).where(Profile.userId.eq(u.id)))).toEqual([]);
    await s.close();
  });

  test("write-only collection: add() and remove() are written at flush, then the queues are empty", async () => {
    const s = session();
    const blog = new Blog({ title: uniq("b") });
    s.add(blog);
    await s.flush();
    const p1 = new Post({ title: "one" });
    const p2 = new Post({ title: "two" });
    blog.posts.add(p1);
    blog.posts.add(p2);
    expect(s.new).toEqual([p1, p2]);
    ctx.log.reset();
    await s.flush();
    expect(ctx.log.statements).toEqual([expect.stringMatching(/^INSERT INTO rf_posts/)]);
    expect([p1.blogId, p2.blogId]).toEqual([blog.id, blog.id]);
    expect(blog.posts._added).toEqual([]);

    blog.posts.remove(p1); // delete-orphan: the post goes
    await s.flush();
    expect(blog.posts._removed).toEqual([]);
    const left = (await s.scalars(blog.posts.select())).all();
    expect(left).toEqual([p2]);
    await s.commit();
    await s.close();
  });

  test("dynamic collection (seed 001's lazy='dynamic' orders): add, remove without cascade, all() sees pending", async () => {
    const s = session();
    const c = new Customer({ name: uniq("c") });
    s.add(c);
    await s.flush();
    const i1 = new Invoice({ amount: 10 });
    const i2 = new Invoice({ amount: 20 });
    c.invoices.add(i1);
    c.invoices.add(i2);
    expect((await c.invoices.all()).map((i) => i.amount).sort()).toEqual([10, 20]); // autoflushed
    c.invoices.remove(i1); // no delete-orphan: the invoice stays, without customer
    expect(await c.invoices.count()).toBe(1);
    expect(i1.customerId).toBe(null);
    expect(s.contains(i1)).toBe(true);
    await s.commit();
    await s.close();
  });

  test("after a flush, relationship changes are history: nothing more to write", async () => {
    const s = session();
    const u = new User({ username: uniq("u"), orders: [new Order({})] });
    s.add(u);
    await s.flush();
    expect(s.isModified(u)).toBe(false);
    expect(s.dirty).toEqual([]);
    ctx.log.reset();
    await s.flush();
    expect(ctx.log.count()).toBe(0);
    u.orders.push(new Order({}));
    expect(s.isModified(u)).toBe(true);
    await s.flush();
    expect(s.dirty).toEqual([]);
    await s.rollback();
    await s.close();
  });
});
