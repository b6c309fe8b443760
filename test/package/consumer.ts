/**
 * A user's file compiled against the emitted declarations (`dist/*.d.ts`, as installed from the
 * package), through the package's own `exports` (a self-reference). In-source type tests can't
 * see what `stripInternal` removes or what a declaration emit widens: this file can.
 * Run by `npm run typecheck:package` (part of `npm test`).
 */
import {
  Column,
  createEngine,
  ForeignKey,
  func,
  insert,
  Integer,
  MetaData,
  select,
  String as Str,
  Table,
  type ColumnElement,
  type Engine,
} from "athanor";
import { insert as pgInsert } from "athanor/dialects/postgresql";
import {
  declarativeBase,
  mappedColumn,
  relationship,
  selectinload,
  joinedload,
  sessionmaker,
  type Relationship,
  type Session,
  type Validators,
  type WriteOnlyCollection,
} from "athanor/orm";
import type { MigrateOperation } from "athanor/migrate";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const expectType = <T extends true>(_ok?: T): void => undefined;

// Core
const metadata = new MetaData();
const users = new Table("users", metadata, {
  id: Column(Integer, { primaryKey: true }),
  username: Column(Str(50), { nullable: false, unique: true }),
  nickname: Column(Str(50)),
});
const orders = new Table("orders", metadata, {
  id: Column(Integer, { primaryKey: true }),
  userId: Column(Integer, { name: "user_id", nullable: false, foreignKey: ForeignKey("users.id") }),
});

export async function core(engine: Engine): Promise<void> {
  await engine.begin(async (conn) => {
    await conn.execute(insert(users).values({ username: "ada" }));
    const rows = (
      await conn.execute(
        select(users.c.username, func.count(orders.c.id).label("orderCount"))
          .outerJoin(orders)
          .groupBy(users.c.username),
      )
    ).all();
    expectType<Equal<(typeof rows)[number]["username"], string>>();
    expectType<Equal<(typeof rows)[number]["orderCount"], number>>();
    void rows;
    const one = (await conn.execute(select(users).where(users.c.id.eq(1)))).one();
    expectType<Equal<typeof one.nickname, string | null>>();
    void one;
  });
  const cond: ColumnElement<boolean> = users.c.username.ilike("%a%");
  void cond;
  const up = pgInsert(users).values({ username: "x" });
  void up.onConflictDoUpdate({ indexElements: ["username"], set: { nickname: up.excluded.nickname } });
}
void createEngine;

// ORM
const Base = declarativeBase();

class User extends Base.model("o_users", {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(Str(255), { unique: true }),
  firstName: mappedColumn(Str(100), { name: "first_name", nullable: true }),
}) {
  static validators: Validators<User> = { email: (v) => v.toLowerCase() };
  static orders = relationship(() => Order, { backPopulates: "user", cascade: "all, delete-orphan" });
  declare orders: Order[];
  static events = relationship(() => Order, { lazy: "writeOnly", viewonly: true });
  declare events: WriteOnlyCollection<Order>;
}

class Order extends Base.model("o_orders", {
  id: mappedColumn(Integer, { primaryKey: true }),
  userId: mappedColumn(Integer, { name: "user_id", foreignKey: "o_users.id" }),
  total: mappedColumn(Integer),
}) {
  static user = relationship(() => User, { backPopulates: "orders" });
  declare user: User;
}

expectType<Equal<typeof User.orders, Relationship<Order>>>();

export async function orm(engine: Engine): Promise<void> {
  const SessionLocal = sessionmaker({ bind: engine, expireOnCommit: false });
  await SessionLocal.begin(async (db: Session) => {
    db.add(new User({ email: "Ada@Example.com" }));
    db.add(Order.create({ user: new User({ email: "b@example.com" }), total: 3 }));
  });
  await using db = SessionLocal();
  const user = (await db.scalars(select(User).where(User.email.eq("ada@example.com")))).one();
  expectType<Equal<typeof user, User>>();
  expectType<Equal<typeof user.firstName, string | null>>();
  void user;
  const loaded = (
    await db.scalars(
      select(User).join(User.orders).where(Order.total.gt(1)).options(selectinload(User.orders)),
    )
  ).all();
  expectType<Equal<(typeof loaded)[number]["orders"][number]["total"], number>>();
  const joined = (await db.scalars(select(Order).options(joinedload(Order.user)))).unique().all();
  expectType<Equal<(typeof joined)[number]["user"]["email"], string>>();
  void joined;
  const anyFilter: ColumnElement<boolean> = User.orders.any(Order.total.gt(100));
  void anyFilter;
  await db.load(loaded, "orders");
  // @ts-expect-error not an attribute of User
  await db.load(loaded, "nope");
}

// Migrations: operation objects are public types.
export const noOps: MigrateOperation[] = [];
