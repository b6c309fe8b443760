/**
 * What the editor sees: row types of statements, scalar types, and comparisons that don't
 * type-check. Checked by `tsc` (vitest typecheck); nothing here runs.
 */
import { describe, expectTypeOf, test } from "vitest";
import {
  BigInteger,
  Boolean as Bool,
  case_,
  cast,
  Column,
  DateTime,
  func,
  insert,
  Integer,
  literal,
  MetaData,
  Numeric,
  select,
  sql,
  String,
  Table,
  text,
  union,
  update,
  type ColumnElement,
  type Connection,
  type Select,
} from "../../src/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";

const meta = new MetaData();
const users = new Table("users", meta, {
  id: Column(Integer, { primaryKey: true }),
  name: Column(String(50), { nullable: false }),
  bio: Column(String(200)),
  score: Column(Numeric(10, 2)),
  visits: Column(BigInteger),
  active: Column(Bool, { nullable: false }),
  createdAt: Column(DateTime, { name: "created_at", nullable: false }),
});
const orders = new Table("orders", meta, {
  id: Column(Integer, { primaryKey: true }),
  userId: Column(Integer, { name: "user_id", nullable: false }),
});
declare const conn: Connection;

describe("rows", () => {
  test("columns by key, nullable columns give T | null", () => {
    const s = select(users.c.id, users.c.name, users.c.bio);
    expectTypeOf(s).toEqualTypeOf<Select<{ id: number; name: string; bio: string | null }, number>>();
  });
  test("a label renames the key; count() is a number", () => {
    expectTypeOf(select(users.c.name.label("who"), func.count().label("n"))).toEqualTypeOf<
      Select<{ who: string; n: number }, string>
    >();
    expectTypeOf(select(func.count())).toEqualTypeOf<Select<{ count: number }, number>>();
  });
  test("a whole table, and tables with columns", () => {
    type Row = {
      id: number;
      name: string;
      bio: string | null;
      score: string | null;
      visits: bigint | null;
      active: boolean;
      createdAt: Date;
    };
    expectTypeOf(select(users)).toEqualTypeOf<Select<Row, unknown>>();
    expectTypeOf(select(orders.c.id, users)).toEqualTypeOf<
      Select<{ id: number } & Row extends infer R ? { [K in keyof R]: R[K] } : never, number>
    >();
  });
  test("execute() gives typed rows and scalars", async () => {
    const r = await conn.execute(select(users.c.id, users.c.bio).where(users.c.active.eq(true)));
    expectTypeOf(r.all()).toEqualTypeOf<{ id: number; bio: string | null }[]>();
    expectTypeOf(r.scalars().all()).toEqualTypeOf<number[]>();
  });
  test("aggregates and functions", () => {
    const s = select(
      func.sum(users.c.id).label("s"),
      func.avg(users.c.id).label("a"),
      func.max(users.c.createdAt).label("m"),
      func.coalesce(users.c.bio, "none").label("c"),
      func.lower(users.c.name).label("l"),
      func.rowNumber().over({ orderBy: users.c.id }).label("rn"),
      func.call<boolean>("anything", users.c.id).label("x"),
    );
    expectTypeOf(s).toEqualTypeOf<
      Select<
        { s: number | null; a: string | null; m: Date | null; c: string; l: string; rn: number; x: boolean },
        number | null
      >
    >();
  });
  test("case_, cast, literal, arithmetic", () => {
    const s = select(
      case_([[users.c.id.gt(1), "big"]], { else: "small" }).label("size"),
      case_([[users.c.id.gt(1), 1]]).label("maybe"),
      cast(users.c.name, Integer).label("n"),
      literal(5).label("five"),
      users.c.id.add(1).label("next"),
      users.c.name.concat("!").label("loud"),
    );
    expectTypeOf(s).toEqualTypeOf<
      Select<
        { size: "big" | "small"; maybe: 1 | null; n: number; five: number; next: number; loud: string },
        "big" | "small"
      >
    >();
  });
  test("subqueries and CTEs have typed columns", () => {
    const sq = select(users.c.id, func.count().label("n")).groupBy(users.c.id).subquery("sq");
    expectTypeOf(sq.c.n).toEqualTypeOf<import("../../src/index.js").ColumnClause<number, "n">>();
    expectTypeOf(select(sq.c.id, sq.c.n)).toEqualTypeOf<Select<{ id: number; n: number }, number>>();
    const cte = select(users.c.name).cte("names");
    expectTypeOf(select(cte.c.name)).toEqualTypeOf<Select<{ name: string }, string>>();
    expectTypeOf(union(select(users.c.id), select(orders.c.id)).__row).toEqualTypeOf<
      { id: number } | undefined
    >();
  });
  test("text().columns() and sql``.columns() type their rows", () => {
    const t = text("SELECT id, name FROM users").columns({ id: Integer, name: String() });
    expectTypeOf(t.__row).toEqualTypeOf<{ id: number | null; name: string | null } | undefined>();
    expectTypeOf(sql`SELECT 1 AS one`.columns({ one: Integer }).__row).toEqualTypeOf<
      { one: number | null } | undefined
    >();
  });
  test("RETURNING rows", () => {
    expectTypeOf(
      insert(users).values({ name: "a", active: true, createdAt: new Date() }).returning(users.c.id).__row,
    ).toEqualTypeOf<{ id: number } | undefined>();
    expectTypeOf(
      update(users).values({ name: "b" }).returning(users.c.name, users.c.bio).__row,
    ).toEqualTypeOf<{ name: string; bio: string | null } | undefined>();
    const up = pgInsert(users).values({ name: "a", active: true, createdAt: new Date() });
    expectTypeOf(up.excluded.name).toEqualTypeOf<import("../../src/index.js").ColumnClause<string, "name">>();
    expectTypeOf(up.onConflictDoNothing().returning(users.c.id).__row).toEqualTypeOf<
      { id: number } | undefined
    >();
  });
});

describe("comparisons are typed", () => {
  test("a value of the wrong type is a type error", () => {
    // @ts-expect-error a number column compared with a string
    users.c.id.eq("1");
    // @ts-expect-error a string column compared with a number
    users.c.name.eq(5);
    // @ts-expect-error a boolean column compared with a string
    users.c.active.eq("yes");
    // @ts-expect-error a Date column compared with a number
    users.c.createdAt.gt(5);
    // @ts-expect-error IN with values of the wrong type
    users.c.id.in(["a"]);
    // @ts-expect-error a column of another type
    users.c.id.eq(users.c.name);
    users.c.id.eq(orders.c.userId);
    users.c.bio.eq(null);
    users.c.visits.eq(5n);
    users.c.visits.eq(5);
    users.c.score.gt("10.5");
  });
  test("string operators on non-strings are type errors", () => {
    // @ts-expect-error LIKE on a number
    users.c.id.like("1%");
    // @ts-expect-error contains on a boolean
    users.c.active.contains("t");
    users.c.bio.ilike("%x%");
  });
  test("insert values are checked", () => {
    insert(users).values({ name: "ann", active: true, createdAt: new Date() });
    // @ts-expect-error a required column is missing
    insert(users).values({ name: "ann" });
    // @ts-expect-error wrong value type
    insert(users).values({ name: 1, active: true, createdAt: new Date() });
    update(users).values({ bio: null, name: users.c.name.concat("!") });
    // @ts-expect-error wrong value type in update
    update(users).values({ active: "no" });
  });
  test("where takes boolean expressions", () => {
    const c: ColumnElement<boolean> = users.c.id.gt(1);
    select(users.c.id).where(c, users.c.active, undefined);
  });
});
