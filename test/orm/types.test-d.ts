/**
 * What the editor shows for mapped classes: instance attributes, constructor fields, class
 * attributes in expressions, and the rows `select(User)` / `select(User, Order.id)` yield.
 */
import { describe, expectTypeOf, test } from "vitest";
import {
  Boolean as Bool,
  Column,
  DateTime,
  func,
  Integer,
  Numeric,
  Result,
  ScalarResult,
  select,
  String as Str,
  type Select,
} from "../../src/index.js";
import {
  awaitableAttrs,
  declarativeBase,
  inspect,
  mappedColumn,
  type Mapper,
  type MappedClass,
  type OrmResult,
  type Session,
  type Validators,
} from "../../src/orm/index.js";

const Base = declarativeBase();

class User extends Base.model("t_users", {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(Str(255), { unique: true }),
  firstName: mappedColumn(Str(100), { name: "first_name", nullable: true }),
  isActive: mappedColumn(Bool, { default: true }),
  createdAt: mappedColumn(DateTime, { serverDefault: func.now() }),
  legacy: Column(Integer),
}) {
  static validators: Validators<User> = {
    email(value) {
      expectTypeOf(this).toEqualTypeOf<User>();
      expectTypeOf(value).toEqualTypeOf<string>();
      return value.toLowerCase();
    },
  };
  get display(): string {
    return this.firstName ?? this.email;
  }
}

class Order extends Base.model(
  "t_orders",
  {
    id: mappedColumn(Integer, { primaryKey: true }),
    userId: mappedColumn(Integer, { foreignKey: "t_users.id" }),
    total: mappedColumn(Numeric(10, 2)),
    version: mappedColumn(Integer),
  },
  { versionIdCol: "version" },
) {}

declare const session: Session;

describe("instances", () => {
  test("attributes are typed as the table says", () => {
    const u = new User({ email: "a@x.io" });
    expectTypeOf(u.id).toEqualTypeOf<number>();
    expectTypeOf(u.email).toEqualTypeOf<string>();
    expectTypeOf(u.firstName).toEqualTypeOf<string | null>();
    expectTypeOf(u.isActive).toEqualTypeOf<boolean>();
    expectTypeOf(u.createdAt).toEqualTypeOf<Date>();
    expectTypeOf(u.legacy).toEqualTypeOf<number | null>();
    expectTypeOf(u.display).toEqualTypeOf<string>();
    expectTypeOf(u).toMatchTypeOf<InstanceType<typeof Base>>();
    // @ts-expect-error firstName may be null
    const s: string = u.firstName;
    void s;
  });

  test("the constructor requires NOT NULL columns without a default", () => {
    expectTypeOf<ConstructorParameters<typeof User>>().toEqualTypeOf<
      [
        init: {
          email: string;
          id?: number;
          firstName?: string | null;
          isActive?: boolean;
          createdAt?: Date;
          legacy?: number | null;
        },
      ]
    >();
    // @ts-expect-error email is required
    new User({ firstName: "x" });
    // @ts-expect-error a number is not an email
    new User({ email: 1 });
    // @ts-expect-error unknown attribute
    new User({ email: "a", nope: 1 });
    // the version counter is the ORM's to fill
    new Order({ userId: 1, total: "9.99" });
  });
});

describe("class attributes", () => {
  test("columns are typed expressions", () => {
    expectTypeOf(User.email).toEqualTypeOf<Column<string, "email", false>>();
    expectTypeOf(User.firstName).toEqualTypeOf<Column<string | null, "firstName", true>>();
    User.email.eq("x");
    User.email.ilike("%x%");
    User.createdAt.desc();
    User.id.in([1, 2]);
    // @ts-expect-error a string is not an id
    User.id.eq("x");
    // @ts-expect-error no LIKE on numbers
    Order.userId.ilike("x");
    expectTypeOf(User.c.email).toEqualTypeOf(User.email);
    expectTypeOf(User.name).toEqualTypeOf<string>(); // the class's name; columns named "name" are under .c
  });
});

describe("statements and results", () => {
  test("select(User) yields User; select(User, Order.id) typed tuples", () => {
    expectTypeOf(select(User)).toEqualTypeOf<Select<[User], User>>();
    expectTypeOf(select(User, Order.id)).toEqualTypeOf<Select<[User, number], User>>();
    expectTypeOf(select(Order, User, User.email)).toEqualTypeOf<Select<[Order, User, string], Order>>();
    expectTypeOf(select(User.id, User.email)).toEqualTypeOf<Select<{ id: number; email: string }, number>>();
    expectTypeOf(
      select(User).where(User.isActive.eq(true)).join(Order).orderBy(User.createdAt.desc()),
    ).toEqualTypeOf<Select<[User], User>>();
  });

  test("Session methods return what the statement selects", async () => {
    expectTypeOf(await session.get(User, 1)).toEqualTypeOf<User | null>();
    expectTypeOf(await session.scalars(select(User))).toEqualTypeOf<ScalarResult<User>>();
    expectTypeOf(await session.scalar(select(func.count(User.id)))).toEqualTypeOf<number | null>();
    const r = await session.execute(select(User, Order.id));
    expectTypeOf(r).toEqualTypeOf<OrmResult<[User, number], User>>();
    expectTypeOf(r.all()).toEqualTypeOf<[User, number][]>();
    expectTypeOf(r.scalars().all()).toEqualTypeOf<User[]>();
    const plain = await session.execute(select(User.id, User.email));
    expectTypeOf(plain).toEqualTypeOf<Result<{ id: number; email: string }, number>>();
    expectTypeOf(await session.merge(new User({ email: "x" }))).toEqualTypeOf<User>();
  });

  test("generic code over any mapped class", async () => {
    async function all<T extends object>(model: MappedClass<T>): Promise<T[]> {
      return (await session.scalars(select(model))).all();
    }
    expectTypeOf(await all(User)).toEqualTypeOf<User[]>();
    expectTypeOf(inspect(User)).toEqualTypeOf<Mapper<User>>();
    expectTypeOf(awaitableAttrs(new User({ email: "x" })).createdAt).toEqualTypeOf<Promise<Date>>();
  });
});
