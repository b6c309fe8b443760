import { expect, test } from "vitest";
import {
  createEngine,
  Integer,
  String as Str,
  select,
  insert,
  ForeignKey,
  Table,
  Column,
} from "../../../src/index.js";
import {
  declarativeBase,
  mappedColumn,
  relationship,
  Session,
  type DynamicCollection,
} from "../../../src/orm/index.js";

const Base = declarativeBase();
const userRoles = new Table("user_roles", Base.metadata, {
  userId: Column(Integer, { name: "user_id", foreignKey: "users.id", primaryKey: true }),
  roleId: Column(Integer, { name: "role_id", foreignKey: "roles.id", primaryKey: true }),
});
class User extends Base.model("users", {
  id: mappedColumn(Integer, { primaryKey: true }),
  username: mappedColumn(Str(50)),
}) {
  static orders = relationship(() => Order, { backPopulates: "user", cascade: "all, delete-orphan" });
  declare orders: Order[];
  static roles = relationship(() => Role, { secondary: userRoles, backPopulates: "users", lazy: "selectin" });
  declare roles: Role[];
  static runs = relationship(() => Order, { lazy: "dynamic", viewonly: true });
  declare runs: DynamicCollection<Order>;
}
class Role extends Base.model("roles", {
  id: mappedColumn(Integer, { primaryKey: true }),
  label: mappedColumn(Str(50)),
}) {
  static users = relationship(() => User, { secondary: userRoles, backPopulates: "roles" });
  declare users: User[];
}
class Order extends Base.model("orders", {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(Integer, {
    name: "user_id",
    foreignKey: ForeignKey("users.id", { ondelete: "CASCADE" }),
  }),
}) {
  static user = relationship(() => User, { backPopulates: "orders" });
  declare user: User;
}

test("smoke", async () => {
  const engine = createEngine("sqlite://", { echo: false });
  await Base.metadata.createAll(engine);
  const s = new Session({ bind: engine });
  const u = new User({ id: 1, username: "ann" });
  expect(u.orders).toEqual([]);
  const o = new Order({ id: 10, userId: 1 });
  o.user = u;
  expect(u.orders).toEqual([o]);
  s.add(u);
  expect(s.contains(o)).toBe(true);
  await s.commit();
  const s2 = new Session({ bind: engine });
  s2.add(new Role({ id: 1, label: "admin" }));
  await s2.flush();
  await s2.connection().then((c) => c.execute(insert(userRoles).values([{ userId: 1, roleId: 1 }])));
  await s2.commit();
  const s3 = new Session({ bind: engine });
  const users = (await s3.scalars(select(User))).all();
  expect(users[0]!.roles.map((r) => r.label)).toEqual(["admin"]);
  expect(() => users[0]!.orders).toThrow(/User.orders is not loaded/);
  await s3.load(users, "orders");
  expect(users[0]!.orders.map((x) => x.id)).toEqual([10]);
  expect(users[0]!.orders[0]!.user).toBe(users[0]);
  const q = select(User.id).join(User.orders).where(Order.id.eq(10));
  expect((await s3.execute(q)).all()).toEqual([{ id: 1 }]);
  expect((await s3.scalars(select(User).where(User.orders.any(Order.id.gt(5))))).all().length).toBe(1);
  expect((await s3.scalars(select(Order).where(Order.user.has(User.username.eq("ann"))))).all().length).toBe(
    1,
  );
  expect((await s3.scalars(select(Order).where(Order.user.eq(users[0]!)))).all().length).toBe(1);
  expect((await s3.scalars(select(User).where(User.roles.any(Role.label.eq("admin"))))).all().length).toBe(1);
  expect((await s3.scalars(select(User).join(User.roles).where(Role.label.eq("admin")))).all().length).toBe(
    1,
  );
  expect((await users[0]!.runs.all()).length).toBe(1);
  expect(await users[0]!.runs.count()).toBe(1);
  const o2 = await s3.get(Order, 10);
  expect(o2!.user).toBe(users[0]);
});
