/**
 * The loading infrastructure relationship strategies plug into, exercised on every dialect with
 * test-only properties and strategies (so it doesn't depend on the relationship work):
 * options in cache keys, joined entities (LEFT OUTER JOIN to an alias, child instances through
 * the identity map, the unique() requirement), nesting under LIMIT/OFFSET, extra columns and row
 * processors, post-load work at any depth of an option chain, default strategies in get() and
 * refresh(), and the mistakes the option paths report.
 */
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import {
  Column,
  func,
  insert,
  Integer,
  InvalidRequestError,
  select,
  String as Str,
  Text,
  type ColumnElement,
  type FromClause,
} from "../../src/index.js";
import { generateCacheKey } from "../../src/sql/cache-key.js";
import {
  declarativeBase,
  defer,
  Load,
  mappedColumn,
  MapperProperty,
  nestForEagerJoins,
  ORM_PLUGIN,
  registerLoaderStrategy,
  sessionmaker,
  undefer,
  type Mapper,
  type SessionMaker,
} from "../../src/orm/index.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

class User extends Base.model("lo_users", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  handle: mappedColumn(Str(30)),
}) {}
class Order extends Base.model("lo_orders", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  userId: mappedColumn(Integer, { name: "user_id", foreignKey: "lo_users.id" }),
  label: mappedColumn(Str(30)),
  notes: mappedColumn(Text, { nullable: true }),
}) {}
class Item extends Base.model("lo_items", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  orderId: mappedColumn(Integer, { name: "order_id", foreignKey: "lo_orders.id" }),
  sku: mappedColumn(Str(30)),
}) {}

// ---- test-only properties and strategies ----

/**
 * A collection kept outside the instances (the relationship work has its own): the target rows
 * whose `targetKey` equals the parent's `parentKey`.
 */
class TestCollection extends MapperProperty {
  readonly kind = "test-collection";
  constructor(
    mapper: Mapper,
    key: string,
    readonly target: Mapper,
    readonly parentKey: string,
    readonly targetKey: string,
    public strategyKey: string,
  ) {
    super(mapper, key);
  }
}
/** An attribute computed in SQL (`upper(label)`), read from an extra column. */
class TestUpper extends MapperProperty {
  readonly kind = "test-upper";
  constructor(
    mapper: Mapper,
    key: string,
    readonly strategyKey: string,
  ) {
    super(mapper, key);
  }
}

const bags = new WeakMap<object, Record<string, unknown>>();
const bag = (o: object) => {
  let b = bags.get(o);
  if (!b) bags.set(o, (b = {}));
  return b;
};
const coll = (o: object, key: string) => bag(o)[key] as object[] | undefined;
const colOf = (from: FromClause, key: string) => from.columns.find((c) => c.key === key)!;
const rowInfos: { key: string; first: boolean; populated: boolean }[] = [];

registerLoaderStrategy("test-none", {});
registerLoaderStrategy("test-joined", {
  setup(ctx, entity, prop) {
    const p = prop as TestCollection;
    const alias = p.target.table.alias();
    ctx.joinEntity(entity, prop, {
      mapper: p.target,
      selectable: alias,
      joins: [
        { target: alias, onclause: colOf(alias, p.targetKey).eq(colOf(entity.selectable, p.parentKey)) },
      ],
      collection: true,
      orderBy: [colOf(alias, "id")],
      link(parent, child, info) {
        // Deeper joined collections repeat this child on several rows: append it once.
        let seen = info.load.attributes.get(parent) as Set<object> | undefined;
        if (info.first) {
          bag(parent.obj)[p.key] = [];
          info.load.attributes.set(parent, (seen = new Set()));
        }
        if (child !== null && !seen!.has(child)) {
          seen!.add(child);
          (bag(parent.obj)[p.key] as object[]).push(child);
        }
      },
    });
  },
});
registerLoaderStrategy("test-selectin", {
  setup(ctx, entity, prop) {
    const p = prop as TestCollection;
    ctx.addPostLoad(entity, async (states, load) => {
      const remote = p.target.table.c[p.targetKey] as ColumnElement<number>;
      const keyOf = (o: object) => (o as Record<string, number>)[p.parentKey]!;
      const stmt = select(p.target.class_ as typeof Order, remote)
        .where(remote.in(states.map((s) => keyOf(s.obj))))
        .orderBy(p.target.table.c.id as ColumnElement<number>);
      const rows = await load.loadAt(stmt, entity.path.child(prop, p.target));
      for (const s of states) bag(s.obj)[p.key] = [];
      for (const [child, k] of rows)
        for (const s of states) if (keyOf(s.obj) === k) (bag(s.obj)[p.key] as object[]).push(child as object);
    });
  },
});
registerLoaderStrategy("test-upper", {
  setup(ctx, entity, prop) {
    const offset = ctx.addColumns(func.upper(colOf(entity.selectable, "label")));
    ctx.addRowProcessor(entity, (state, info) => {
      bag(state.obj)[prop.key] = info.row[offset];
      rowInfos.push({
        key: (state.obj as { label: string }).label,
        first: info.first,
        populated: info.populated,
      });
    });
  },
});

const userMapper = User.__mapper__;
const orderMapper = Order.__mapper__;
const UserOrders = new TestCollection(userMapper, "tOrders", orderMapper, "id", "userId", "test-none");
const OrderItems = new TestCollection(orderMapper, "tItems", Item.__mapper__, "id", "orderId", "test-none");
const OrderOwner = new TestCollection(orderMapper, "tOwner", userMapper, "userId", "id", "test-none");
const OrderUpper = new TestUpper(orderMapper, "tUpper", "test-none");
for (const p of [UserOrders, OrderItems, OrderOwner, OrderUpper]) p.mapper.propsByKey.set(p.key, p);

/** Test options, as relationship options will be written: `Load.chain(strategyKey, attr)`. */
const root = () => new Load([], []);
const joined = (p: MapperProperty) => root().chain("test-joined", p);
const selectin = (p: MapperProperty) => root().chain("test-selectin", p);

ormSuite("loading options and strategies", Base.metadata, (ctx) => {
  let S: SessionMaker;
  beforeAll(async () => {
    S = sessionmaker({ bind: ctx.engine, expireOnCommit: false });
    await ctx.engine.begin(async (conn) => {
      await conn.execute(insert(User.__table__), [
        { id: 1, handle: "ann" },
        { id: 2, handle: "bob" },
        { id: 3, handle: "cy" },
      ]);
      await conn.execute(insert(Order.__table__), [
        { id: 10, userId: 1, label: "a1", notes: "n" },
        { id: 11, userId: 1, label: "a2", notes: "n" },
        { id: 12, userId: 1, label: "a3", notes: "n" },
        { id: 20, userId: 2, label: "b1", notes: "n" },
      ]);
      await conn.execute(insert(Item.__table__), [
        { id: 100, orderId: 10, sku: "x" },
        { id: 101, orderId: 10, sku: "y" },
        { id: 102, orderId: 20, sku: "z" },
      ]);
    });
  });
  beforeEach(() => {
    rowInfos.length = 0;
  });
  const handles = (users: User[]) => users.map((u) => u.handle);
  const labels = (o: object, key = "tOrders") => coll(o, key)!.map((x) => (x as Order).label);

  describe("options and cache keys", () => {
    test("options take part in the cache key; equal options give equal keys", () => {
      const base = select(User).where(User.id.eq(1));
      const k = (s: typeof base) => generateCacheKey(s)!.key;
      expect(k(base.options(defer(User.handle)))).not.toBe(k(base));
      expect(k(base.options(defer(User.handle)))).toBe(k(base.options(defer(User.handle))));
      expect(k(base.options(undefer(User.handle)))).not.toBe(k(base.options(defer(User.handle))));
      expect(k(base.options(joined(UserOrders)))).not.toBe(k(base.options(selectin(UserOrders))));
      expect(k(base.options(root().chain("test-joined", UserOrders, { inner: true })))).not.toBe(
        k(base.options(joined(UserOrders))),
      );
    });

    test("options() is immutable and refuses what is not an option", () => {
      const base = select(User);
      const withOpt = base.options(defer(User.handle));
      expect(base._s.options).toHaveLength(0);
      expect(withOpt._s.options).toHaveLength(1);
      expect(withOpt.options()).toBe(withOpt);
      expect(() => base.options({} as never)).toThrow(/options\(\) argument 1 is not a statement option/);
    });

    test("an ORM statement is compiled once per statement object", () => {
      const stmt = select(User).options(joined(UserOrders));
      expect(ORM_PLUGIN.compile(stmt)).toBe(ORM_PLUGIN.compile(stmt));
      expect(ORM_PLUGIN.compile(select(User)).statement._s.items).toEqual(select(User)._s.items);
    });
  });

  describe("joined entities", () => {
    test("a joined collection: one statement, children through the identity map, unique() required", async () => {
      await using s = S();
      const { result, statements } = await ctx.log.during(() =>
        s.execute(select(User).options(joined(UserOrders)).orderBy(User.id)),
      );
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(
        /FROM lo_users LEFT OUTER JOIN lo_orders AS \S+ ON \S+\.user_id = lo_users\.id ORDER BY lo_users\.id, \S+\.id$/,
      );
      expect(() => result.all()).toThrow(InvalidRequestError);
      const again = await s.execute(select(User).options(joined(UserOrders)).orderBy(User.id));
      expect(() => again.scalars().all()).toThrow(/The unique\(\) method must be invoked on this Result/);
      const users = (await s.execute(select(User).options(joined(UserOrders)).orderBy(User.id)))
        .unique()
        .scalars()
        .all();
      expect(handles(users)).toEqual(["ann", "bob", "cy"]);
      expect(labels(users[0]!)).toEqual(["a1", "a2", "a3"]);
      expect(labels(users[1]!)).toEqual(["b1"]);
      expect(labels(users[2]!)).toEqual([]);
      const order = (await s.get(Order, 11))!;
      expect(coll(users[0]!, "tOrders")![1]).toBe(order);
      const viaScalars = (await s.scalars(select(User).options(joined(UserOrders)))).unique().all();
      expect(viaScalars).toHaveLength(3);
      const rows = (await s.execute(select(User).options(joined(UserOrders)))).unique().all();
      expect(rows).toHaveLength(3);
    });

    test("first() and scalar() don't need unique(); one() does; an empty result doesn't raise", async () => {
      await using s = S();
      const q = select(User).options(joined(UserOrders)).where(User.id.eq(1));
      const ann = (await s.execute(q)).scalar()!;
      expect(labels(ann)).toEqual(["a1", "a2", "a3"]);
      expect((await s.execute(q)).first()![0]).toBe(ann);
      await expect(s.execute(q).then((r) => r.scalarOne())).rejects.toThrow(
        /unique\(\) method must be invoked/,
      );
      expect((await s.execute(q)).unique().scalarOne()).toBe(ann);
      expect((await s.execute(select(User).options(joined(UserOrders)).where(User.id.eq(99)))).all()).toEqual(
        [],
      );
    });

    test("joins nest along an option chain, with the unique() requirement", async () => {
      await using s = S();
      const { result, statements } = await ctx.log.during(() =>
        s.execute(select(User).options(joined(UserOrders).chain("test-joined", OrderItems)).orderBy(User.id)),
      );
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(
        /LEFT OUTER JOIN lo_orders AS (\S+) ON .* LEFT OUTER JOIN lo_items AS \S+ ON \S+\.order_id = \1\.id/,
      );
      const users = result.unique().scalars().all();
      const a1 = coll(users[0]!, "tOrders")![0]!;
      expect(coll(a1, "tItems")!.map((i) => (i as Item).sku)).toEqual(["x", "y"]);
      expect(coll(coll(users[0]!, "tOrders")![1]!, "tItems")).toEqual([]);
    });

    test("column options apply to joined entities at their path", async () => {
      await using s = S();
      const { statements } = await ctx.log.during(() =>
        s.execute(select(User).options(joined(UserOrders).defer(Order.notes, Order.label))),
      );
      expect(statements[0]).not.toMatch(/notes|label/);
      expect(statements[0]).toMatch(/\.user_id/);
    });
  });

  describe("LIMIT and OFFSET with a joined collection", () => {
    test("the statement is nested so the limit counts parents, not collection rows", async () => {
      await using s = S();
      const { result, statements } = await ctx.log.during(() =>
        s.execute(select(User).options(joined(UserOrders)).orderBy(User.handle).limit(2)),
      );
      expect(statements[0]).toMatch(
        /^SELECT anon_1\.id, anon_1\.handle, (\w+)\.id, .* FROM \(SELECT lo_users\.id, lo_users\.handle FROM lo_users ORDER BY lo_users\.handle LIMIT \S+\) AS anon_1 LEFT OUTER JOIN lo_orders AS \1 ON \1\.user_id = anon_1\.id ORDER BY anon_1\.handle, \1\.id$/,
      );
      const users = result.unique().scalars().all();
      expect(handles(users)).toEqual(["ann", "bob"]);
      expect(labels(users[0]!)).toEqual(["a1", "a2", "a3"]);
    });

    test("with OFFSET and extra columns reading the parent (moved onto the subquery)", async () => {
      await using s = S();
      const { result, statements } = await ctx.log.during(() =>
        s.execute(
          select(Order)
            .where(Order.userId.eq(1))
            .options(joined(OrderItems), root().chain("test-upper", OrderUpper))
            .orderBy(Order.id.desc())
            .limit(2)
            .offset(1),
        ),
      );
      expect(statements[0]).toMatch(/upper\(anon_1\.label\)/i);
      expect(statements[0]).toMatch(/ORDER BY anon_1\.id DESC/);
      const orders = result.unique().scalars().all();
      expect(orders.map((o) => o.label)).toEqual(["a2", "a1"]);
      expect(orders.map((o) => bag(o).tUpper)).toEqual(["A2", "A1"]);
      expect(coll(orders[1]!, "tItems")!.map((i) => (i as Item).sku)).toEqual(["x", "y"]);
    });

    test("columns the outer query needs are added to the subquery", async () => {
      await using s = S();
      const { result, statements } = await ctx.log.during(() =>
        s.execute(
          select(User)
            .options(joined(UserOrders), defer(User.handle))
            .orderBy(func.lower(User.handle))
            .limit(1),
        ),
      );
      // handle is deferred, yet ORDER BY needs it outside: the subquery selects it after the entity.
      expect(statements[0]).toMatch(
        /^SELECT anon_1\.id, (\w+)\.id, .* FROM \(SELECT lo_users\.id, lo_users\.handle FROM lo_users /,
      );
      expect(statements[0]).toMatch(/ORDER BY lower\(anon_1\.handle\), \w+\.id$/i);
      const [user] = result.unique().scalars().all();
      expect(labels(user!)).toEqual(["a1", "a2", "a3"]);
      expect(() => user!.handle).toThrow(/deferred/);
    });
  });

  test("nestForEagerJoins on a Core statement: runs on every dialect, limit counts parents", async () => {
    const users = User.__table__;
    const orders = Order.__table__.alias();
    const inner = select(users.c.id).orderBy(users.c.handle.desc()).limit(2).offset(0);
    const nested = nestForEagerJoins(inner, {
      extraColumns: [orders.c.label],
      joins: [{ target: orders, onclause: orders.c.userId.eq(users.c.id), outer: true }],
      orderBy: [orders.c.id.asc()],
      collection: true,
    });
    const sql = ctx.engine.dialect.compile(nested).sql;
    expect(sql).toMatch(
      /^SELECT anon_1\.id, (\w+)\.label FROM \(SELECT lo_users\.id, lo_users\.handle FROM lo_users ORDER BY lo_users\.handle DESC LIMIT \S+ OFFSET \S+\) AS anon_1 LEFT OUTER JOIN lo_orders AS \1 ON \1\.user_id = anon_1\.id ORDER BY anon_1\.handle DESC, \1\.id ASC$/,
    );
    const conn = await ctx.engine.connect();
    try {
      const rows = (await conn.execute(nested)).tuples().all();
      expect(rows).toEqual([
        [3, null],
        [2, "b1"],
      ]);
    } finally {
      await conn.close();
    }
  });

  describe("row processors and extra columns", () => {
    test("row processors see first/populated; extra columns are read at their offset", async () => {
      await using s = S();
      const stmt = select(Order)
        .options(root().chain("test-upper", OrderUpper))
        .where(Order.userId.eq(1))
        .orderBy(Order.id);
      const orders = (await s.scalars(stmt)).all();
      expect(orders.map((o) => bag(o).tUpper)).toEqual(["A1", "A2", "A3"]);
      expect(rowInfos.map((r) => [r.first, r.populated])).toEqual([
        [true, true],
        [true, true],
        [true, true],
      ]);
      rowInfos.length = 0;
      await s.scalars(stmt);
      expect(rowInfos.every((r) => r.first && !r.populated)).toBe(true);
    });
  });

  describe("post-load work at any depth", () => {
    test("selectin then joined: the second strategy applies to the entities the first loads", async () => {
      await using s = S();
      const { result, statements } = await ctx.log.during(() =>
        s.scalars(
          select(User)
            .options(selectin(UserOrders).defer(Order.notes).chain("test-joined", OrderItems))
            .orderBy(User.id),
        ),
      );
      expect(statements).toHaveLength(2);
      expect(statements[1]).toMatch(/FROM lo_orders LEFT OUTER JOIN lo_items AS/);
      expect(statements[1]).not.toMatch(/notes/);
      const users = result.all();
      expect(labels(users[0]!)).toEqual(["a1", "a2", "a3"]);
      expect(coll(coll(users[0]!, "tOrders")![0]!, "tItems")!.map((i) => (i as Item).sku)).toEqual([
        "x",
        "y",
      ]);
      expect(coll(users[2]!, "tOrders")).toEqual([]);
    });

    test("joined then selectin: post-load work for joined entities", async () => {
      await using s = S();
      const { result, statements } = await ctx.log.during(() =>
        s.execute(
          select(User).options(joined(UserOrders).chain("test-selectin", OrderItems)).orderBy(User.id),
        ),
      );
      expect(statements).toHaveLength(2);
      expect(statements[1]).toMatch(/FROM lo_items WHERE lo_items\.order_id IN/);
      const users = result.unique().scalars().all();
      const b1 = coll(users[1]!, "tOrders")![0]!;
      expect(coll(b1, "tItems")!.map((i) => (i as Item).sku)).toEqual(["z"]);
    });

    test("default strategies apply in get() and refresh(), and stop where their path has been", async () => {
      UserOrders.strategyKey = OrderOwner.strategyKey = "test-selectin";
      try {
        await using s = S();
        // User, then its orders; Order.tOwner leads back to User, already on the path: not loaded.
        const { result: ann, statements } = await ctx.log.during(() => s.get(User, 1));
        expect(statements).toHaveLength(2);
        expect(labels(ann!)).toEqual(["a1", "a2", "a3"]);
        expect(coll(coll(ann!, "tOrders")![0]!, "tOwner")).toBeUndefined();
        const { statements: refreshed } = await ctx.log.during(() => s.refresh(ann!));
        expect(refreshed).toHaveLength(2);
        await s.close();
        await using s2 = S();
        const { result: b1, statements: fromOrder } = await ctx.log.during(() => s2.get(Order, 20));
        expect(fromOrder).toHaveLength(2);
        expect(coll(b1!, "tOwner")!.map((u) => (u as User).handle)).toEqual(["bob"]);
        expect(coll(coll(b1!, "tOwner")![0]!, "tOrders")).toBeUndefined();
      } finally {
        UserOrders.strategyKey = OrderOwner.strategyKey = "test-none";
      }
    });
  });

  describe("mistakes", () => {
    test("a path can't continue past a column; an unknown strategy is named", async () => {
      await using s = S();
      await expect(
        s.execute(
          select(User).options(root().chain("test-joined", User.handle).chain("test-joined", OrderItems)),
        ),
      ).rejects.toThrow(/User\.handle is not a relationship, so the path can't continue past it/);
      await expect(s.execute(select(User).options(root().chain("nope", UserOrders)))).rejects.toThrow(
        /No loader strategy 'nope' is registered/,
      );
      await expect(s.execute(select(User).options(selectin(OrderItems)))).rejects.toThrow(
        /Order\.tItems does not apply to any entity of this query \(User\)/,
      );
    });

    test("a column that no class maps is not a path element", () => {
      const loose = Column(Integer);
      expect(() => defer(loose)).toThrow(/is not mapped by any class/);
    });
  });
});
