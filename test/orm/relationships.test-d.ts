/**
 * What the editor shows for relationships: the class-level attribute typed by its target, the
 * instance side from `declare`, session.load's attribute names, write-only collections.
 */
import { describe, expectTypeOf, test } from "vitest";
import { Integer, select, String as Str, type ColumnElement, type Select } from "../../src/index.js";
import {
  awaitableAttrs,
  declarativeBase,
  mappedColumn,
  relationship,
  type DynamicCollection,
  type Relationship,
  type Session,
  type WriteOnlyCollection,
} from "../../src/orm/index.js";

const Base = declarativeBase();

class User extends Base.model("t_users", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name_: mappedColumn(Str(20)),
}) {
  static orders = relationship(() => Order, { backPopulates: "user", cascade: "all, delete-orphan" });
  declare orders: Order[];
  static runs = relationship(() => Run, { lazy: "writeOnly" });
  declare runs: WriteOnlyCollection<Run>;
  static feed = relationship(() => Order, { lazy: "dynamic", viewonly: true });
  declare feed: DynamicCollection<Order>;
}

class Order extends Base.model("t_orders", {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(Integer, { foreignKey: "t_users.id" }),
}) {
  static user = relationship(() => User, { backPopulates: "orders" });
  declare user: User;
}

class Run extends Base.model("t_runs", {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(Integer, { foreignKey: "t_users.id" }),
}) {}

declare const session: Session;
declare const u: User;

describe("relationship types", () => {
  test("class side: a Relationship of the target's instances; instance side from declare", () => {
    expectTypeOf(User.orders).toEqualTypeOf<Relationship<Order>>();
    expectTypeOf(Order.user).toEqualTypeOf<Relationship<User>>();
    expectTypeOf(u.orders).toEqualTypeOf<Order[]>();
    expectTypeOf(u.orders[0]!.user.name_).toEqualTypeOf<string>();
  });

  test("filters and joins keep the statement's row type", () => {
    expectTypeOf(User.orders.any(Order.id.gt(1))).toEqualTypeOf<ColumnElement<boolean>>();
    expectTypeOf(Order.user.has()).toEqualTypeOf<ColumnElement<boolean>>();
    expectTypeOf(Order.user.eq(u)).toEqualTypeOf<ColumnElement<boolean>>();
    // @ts-expect-error eq() takes the target's instances
    Order.user.eq(new Run({ userId: 1 }));
    expectTypeOf(select(User).join(User.orders)).toEqualTypeOf<Select<[User], User>>();
  });

  test("session.load names attributes of the object and returns it", () => {
    expectTypeOf(session.load(u, "orders")).toEqualTypeOf<Promise<User>>();
    expectTypeOf(session.load([u], "orders", "name_")).toEqualTypeOf<Promise<User[]>>();
    // @ts-expect-error not an attribute of User
    void session.load(u, "items");
    expectTypeOf(awaitableAttrs(u).orders).toEqualTypeOf<Promise<Order[]>>();
  });

  test("write-only and dynamic collections", () => {
    expectTypeOf(u.runs.select()).toEqualTypeOf<Select<[Run], Run>>();
    expectTypeOf(u.runs.add).parameter(0).toEqualTypeOf<Run>();
    expectTypeOf(u.feed.all()).toEqualTypeOf<Promise<Order[]>>();
    expectTypeOf(u.feed.count()).toEqualTypeOf<Promise<number>>();
  });

  test("constructors leave foreign keys optional; create() takes relationships", () => {
    expectTypeOf(new Order({})).toEqualTypeOf<Order>();
    expectTypeOf(Order.create({ user: u })).toEqualTypeOf<Order>();
    expectTypeOf(User.create({ name_: "x", orders: [Order.create({})] })).toEqualTypeOf<User>();
    // @ts-expect-error not an attribute
    Order.create({ usr: u });
    // @ts-expect-error user takes a User
    Order.create({ user: new Run({}) });
  });

  test("relationship() infers its target from the thunk or the class", () => {
    expectTypeOf(relationship(() => Run)).toEqualTypeOf<Relationship<Run>>();
    expectTypeOf(relationship(Run)).toEqualTypeOf<Relationship<Run>>();
    // @ts-expect-error options are checked
    relationship(() => Run, { lazy: "eager" });
  });
});
