/**
 * The order of a flush with relationships: an adjacency list (rows of one table, parents
 * inserted first and deleted last, one statement per depth), rows of two tables referencing
 * each other (a FlushError naming the classes and postUpdate; postUpdate writing the foreign
 * key afterwards), and a failed flush that is rolled back, fixed and flushed again.
 */
import { expect, test } from "vitest";
import {
  delete_,
  ForeignKey,
  Integer,
  IntegrityError,
  select,
  String as Str,
  update,
} from "../../src/index.js";
import { declarativeBase, FlushError, mappedColumn, relationship, Session } from "../../src/orm/index.js";
import { Base, Car, Node, Order, OrderItem, Person, Role, User, userRoles, type Init } from "./rel-models.js";
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

const verbs = (ctx: OrmContext) => ctx.log.statements.map((x) => x.split(" ")[0]);

/** A new tree: a root, `width` children, each with `width` children. */
function tree(prefix: string, width: number): Node {
  return new Node({
    name: `${prefix}-root`,
    children: Array.from(
      { length: width },
      (_, i) =>
        new Node({
          name: `${prefix}-${i}`,
          children: Array.from({ length: width }, (_, j) => new Node({ name: `${prefix}-${i}-${j}` })),
        }),
    ),
  });
}

ormSuite("flush order: adjacency list, cycles, rollback", Base.metadata, (ctx) => {
  const session = () => new Session({ bind: ctx.engine });

  test("a tree of new nodes is inserted parents first, one INSERT per depth", async () => {
    const s = session();
    const root = tree(uniq("t"), 3);
    s.add(root);
    expect(s.new.length).toBe(13);
    ctx.log.reset();
    await s.flush();
    const returning = ctx.engine.dialect.capabilities.supportsInsertReturning;
    if (returning) expect(ctx.log.count("INSERT")).toBe(3);
    expect(ctx.log.count()).toBe(ctx.log.count("INSERT"));
    for (const child of root.children) {
      expect(child.parentId).toBe(root.id);
      for (const leaf of child.children) expect(leaf.parentId).toBe(child.id);
    }
    expect(root.parentId).toBe(null);
    await s.commit();
    await s.close();
  });

  test("deleting a loaded subtree deletes children first, one DELETE per depth", async () => {
    const s = session();
    const t = tree(uniq("d"), 2);
    s.add(t);
    await s.commit();
    const root = (await s.get(Node, t.id))!;
    await s.load(root, "children");
    await s.load(root.children, "children");
    const ids = [
      root.id,
      ...root.children.map((c) => c.id),
      ...root.children.flatMap((c) => c.children.map((x) => x.id)),
    ];
    await s.delete(root);
    expect(s.deleted.length).toBe(7);
    ctx.log.reset();
    await s.commit();
    const deletes = ctx.log.statements.filter((x) => x.startsWith("DELETE"));
    expect(deletes.length).toBe(3);
    expect(await rows(ctx, select(Node.id).where(Node.id.in(ids)))).toEqual([]);
    await s.close();
  });

  test("deleting an unloaded subtree: the flush loads it level by level and deletes bottom up", async () => {
    const s = session();
    const t = tree(uniq("u"), 2);
    s.add(t);
    await s.flush();
    const ids = [
      t.id,
      ...t.children.map((c) => c.id),
      ...t.children.flatMap((c) => c.children.map((x) => x.id)),
    ];
    await s.commit();
    const root = (await s.get(Node, t.id))!;
    await s.delete(root);
    ctx.log.reset();
    await s.commit();
    // children, grandchildren, (no great-grandchildren): three SELECTs, then three DELETE levels.
    expect(verbs(ctx)).toEqual(["SELECT", "SELECT", "SELECT", "DELETE", "DELETE", "DELETE"]);
    expect(await rows(ctx, select(Node.id).where(Node.id.in(ids)))).toEqual([]);
    await s.close();
  });

  test("a node moved under a new node: the new one is inserted first, then the UPDATE", async () => {
    const s = session();
    const x = new Node({ name: uniq("x") });
    s.add(x);
    await s.commit();
    const node = (await s.get(Node, x.id))!;
    const y = new Node({ name: uniq("y") });
    node.parent = y;
    y.parent = node; // y's parent is persistent: no cycle for the flush
    ctx.log.reset();
    await s.flush();
    expect(verbs(ctx)).toEqual(["INSERT", "UPDATE"]);
    expect([node.parentId, y.parentId]).toEqual([y.id, node.id]);
    await s.rollback();
    await s.close();
  });

  test("two new nodes that are each other's parent: a FlushError naming the relationship and postUpdate", async () => {
    const s = session();
    const a = new Node({ name: uniq("a") });
    const b = new Node({ name: uniq("b") });
    a.parent = b;
    b.parent = a;
    s.add(a);
    ctx.log.reset();
    const err = await s.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlushError);
    expect((err as FlushError).code).toBe("ATH-ORM-CYCLE");
    expect((err as Error).message).toMatch(/Node.parent/);
    expect((err as Error).message).toMatch(/postUpdate: true/);
    expect(ctx.log.count()).toBe(0);
    await s.rollback();
    await s.close();
  });

  test("postUpdate: rows referencing each other are inserted, then the foreign key is UPDATEd; cleared before DELETE", async () => {
    const s = session();
    const p = new Person({ name: uniq("p") });
    const c = new Car({ make: "tesla", owner: p });
    p.car = c;
    s.add(p);
    ctx.log.reset();
    await s.flush();
    expect(
      ctx.log.statements.map((x) =>
        x
          .match(/^(\w+) (?:INTO |FROM )?(\w+)/)!
          .slice(1)
          .join(" "),
      ),
    ).toEqual(["INSERT rf_people", "INSERT rf_cars", "UPDATE rf_people"]);
    expect([p.carId, c.ownerId]).toEqual([c.id, p.id]);
    await s.commit();

    const person = (await s.get(Person, p.id))!;
    const car = (await s.get(Car, c.id))!;
    await s.delete(person);
    await s.delete(car);
    ctx.log.reset();
    await s.commit();
    const writes = ctx.log.statements.filter((x) => !x.startsWith("SELECT"));
    expect(
      writes.map((x) =>
        x
          .match(/^(\w+) (?:FROM )?(\w+)/)!
          .slice(1)
          .join(" "),
      ),
    ).toEqual(["UPDATE rf_people", "DELETE rf_cars", "DELETE rf_people"]);
    expect(await rows(ctx, select(Person.id).where(Person.id.eq(p.id)))).toEqual([]);
    await s.close();
  });

  test("a failed flush is rolled back; the new objects keep their relationships and can be flushed again", async () => {
    const s = session();
    const taken = uniq("role");
    s.add(new Role({ name: taken }));
    await s.commit();

    const role = new Role({ name: taken }); // violates the unique constraint
    const item = new OrderItem({ quantity: 3 });
    const order = new Order({ items: [item] });
    const u = new User({ username: uniq("u"), orders: [order], roles: [role] });
    s.add(u);
    await expect(s.commit()).rejects.toBeInstanceOf(IntegrityError);
    await s.rollback();
    // As before the flush: no keys, no foreign keys copied, out of the Session, relationships kept.
    expect([u.id, order.id, order.userId, item.orderId, role.id]).toEqual([null, null, null, null, null]);
    expect(s.contains(u)).toBe(false);
    expect(u.orders).toEqual([order]);
    expect(u.roles).toEqual([role]);

    role.name = uniq("role");
    s.add(u);
    await s.commit();
    const id = u.id;
    expect(await rows(ctx, select(Order.id).where(Order.userId.eq(id)))).toHaveLength(1);
    expect(await rows(ctx, select(userRoles.c.roleId).where(userRoles.c.userId.eq(id)))).toHaveLength(1);
    expect(
      await rows(
        ctx,
        select(OrderItem.quantity).join(Order, Order.id.eq(OrderItem.orderId)).where(Order.userId.eq(id)),
      ),
    ).toEqual([{ quantity: 3 }]);
    await s.close();
  });
});

// Two classes referencing each other, without postUpdate.
const CycleBase = declarativeBase();

class Author extends CycleBase.model("rfc_authors", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(50)),
  favoriteId: mappedColumn(Integer, {
    name: "favorite_id",
    foreignKey: ForeignKey("rfc_tomes.id", { useAlter: true, name: "fk_rfc_authors_favorite" }),
    nullable: true,
  }),
}) {
  constructor(init: Init<Author> = {}) {
    super(init as never);
  }
  static favorite = relationship(() => Tome, { foreignKeys: () => [Author.favoriteId] });
  declare favorite: Tome | null;
}

class Tome extends CycleBase.model("rfc_tomes", {
  id: mappedColumn(Integer, { primaryKey: true }),
  title: mappedColumn(Str(50)),
  authorId: mappedColumn(Integer, { name: "author_id", foreignKey: "rfc_authors.id", nullable: true }),
}) {
  constructor(init: Init<Tome> = {}) {
    super(init as never);
  }
  static author = relationship(() => Author, { foreignKeys: () => [Tome.authorId] });
  declare author: Author | null;
}

ormSuite("flush order: a cycle between two classes", CycleBase.metadata, (ctx) => {
  test("rows that need each other's keys: FlushError naming both classes and postUpdate", async () => {
    const s = new Session({ bind: ctx.engine });
    const a = new Author({ name: "ann" });
    const t = new Tome({ title: "t", author: a });
    a.favorite = t;
    s.add(a);
    const err = await s.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlushError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/rows of Author and Tome depend on each other/);
    expect(msg).toMatch(/Author.favorite/);
    expect(msg).toMatch(/Tome.author/);
    expect(msg).toMatch(/postUpdate: true/);
    await s.rollback();

    // Only one direction in this flush: the rows are ordered one by one.
    a.favorite = null;
    s.addAll([a, t]);
    await s.flush();
    expect(t.authorId).toBe(a.id);
    const b = new Author({ name: "bob", favorite: new Tome({ title: "u" }) });
    s.add(b);
    await s.flush();
    expect(b.favoriteId).toBe(b.favorite!.id);
    await s.commit();
    await s.close();
    // The rows reference each other: clear them with Core so the tables can be dropped.
    await ctx.engine.begin(async (conn) => {
      await conn.execute(update(Author).values({ favoriteId: null }));
      await conn.execute(delete_(Tome));
      await conn.execute(delete_(Author));
    });
  });
});
