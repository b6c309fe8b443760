/**
 * Types of loader options: `options()` keeps the statement's row types, column options take
 * class attributes, chaining keeps the option's class, deferred columns keep their value types,
 * and the strategy hook API's signatures.
 */
import { describe, expectTypeOf, test } from "vitest";
import { Integer, select, String as Str, Text, type Select } from "../../src/index.js";
import type { ExecutableOption } from "../../src/sql/select.js";
import {
  declarativeBase,
  defer,
  Load,
  LoaderOption,
  loadOnly,
  mappedColumn,
  undefer,
  type EntityLoad,
  type LinkProcessor,
  type LoadContext,
  type LoaderStrategy,
  type OrmResult,
  type PostLoadWork,
  type QueryCompileContext,
  type Session,
} from "../../src/orm/index.js";
import type { InstanceState } from "../../src/orm/state/instance-state.js";

const Base = declarativeBase();

class User extends Base.model("td_users", {
  id: mappedColumn(Integer, { primaryKey: true }),
  email: mappedColumn(Str(100)),
  bio: mappedColumn(Text, { deferred: true }),
  notes: mappedColumn(Text, { nullable: true, deferred: true }),
}) {}

declare const session: Session;

describe("options on statements", () => {
  test("options() keeps the statement's types", async () => {
    const stmt = select(User).options(defer(User.bio), undefer(User.notes), loadOnly(User.email));
    expectTypeOf(stmt).toEqualTypeOf<ReturnType<typeof select<[typeof User]>>>();
    expectTypeOf(stmt).toMatchTypeOf<Select<[User], User>>();
    const users = (await session.scalars(stmt)).all();
    expectTypeOf(users).toEqualTypeOf<User[]>();
    const result = await session.execute(select(User, User.email).options(defer(User.bio)));
    expectTypeOf(result).toEqualTypeOf<OrmResult<[User, string], User>>();
  });

  test("only statement options are accepted", () => {
    expectTypeOf(defer(User.bio)).toMatchTypeOf<ExecutableOption>();
    // @ts-expect-error a plain object is not an option
    select(User).options({});
    // @ts-expect-error nor a column
    select(User).options(User.bio);
  });

  test("column options take class attributes", () => {
    expectTypeOf(defer(User.bio)).toEqualTypeOf<Load>();
    expectTypeOf(loadOnly(User.id, User.email)).toEqualTypeOf<Load>();
    // @ts-expect-error attribute names are not paths (SQLAlchemy 2.0 dropped strings too)
    defer("bio");
  });

  test("chaining keeps the option's class", () => {
    class MyLoad extends LoaderOption {
      mine(): this {
        return this;
      }
    }
    const o = new MyLoad([], []).chain("selectin", User.bio).defer(User.notes);
    expectTypeOf(o).toEqualTypeOf<MyLoad>();
    expectTypeOf(o.mine()).toEqualTypeOf<MyLoad>();
  });
});

describe("deferred columns", () => {
  test("keep their value types on instances and in the constructor", () => {
    const u = new User({ email: "a@x.io", bio: "b" });
    expectTypeOf(u.bio).toEqualTypeOf<string>();
    expectTypeOf(u.notes).toEqualTypeOf<string | null>();
    // @ts-expect-error bio is NOT NULL without a default: required
    new User({ email: "a@x.io" });
  });
});

describe("the strategy hook API", () => {
  test("setup and the processors' signatures", () => {
    expectTypeOf<NonNullable<LoaderStrategy["setup"]>>().parameter(0).toEqualTypeOf<QueryCompileContext>();
    expectTypeOf<NonNullable<LoaderStrategy["setup"]>>().parameter(1).toEqualTypeOf<EntityLoad>();
    expectTypeOf<QueryCompileContext["addColumns"]>().returns.toEqualTypeOf<number>();
    expectTypeOf<QueryCompileContext["joinEntity"]>().returns.toEqualTypeOf<EntityLoad>();
    expectTypeOf<LinkProcessor>().parameter(0).toEqualTypeOf<InstanceState>();
    expectTypeOf<LinkProcessor>().parameter(1).toEqualTypeOf<object | null>();
    expectTypeOf<PostLoadWork>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<LoadContext["loadAt"]>().returns.toEqualTypeOf<Promise<unknown[][]>>();
  });
});
