import { expectTypeOf, test } from "vitest";
import {
  column,
  Integer,
  insert,
  select,
  String as Str,
  table,
  text,
  type Connection,
  type Result,
  type RowOfStatement,
  type ScalarResult,
  type StreamResult,
} from "../../src/index.js";

declare const conn: Connection;
const users = table("users", column("id", Integer), column("name", Str(50)));

// Built outside columns(): inline, `Str(50)` is inferred from the `TypeEngine<any>` context as StringType<any>.
const NameType = Str(50);
const byId = text("SELECT id, name FROM users").columns({ id: Integer, name: NameType });
/** The row type text().columns() declares (its exact shape belongs to the sql layer). */
type Row = RowOfStatement<typeof byId>;

test("text().columns() types the rows", async () => {
  expectTypeOf<Row["id"]>().toEqualTypeOf<number | null>();
  expectTypeOf<Row["name"]>().toEqualTypeOf<string | null>();
  const r = await conn.execute(byId);
  expectTypeOf(r).toEqualTypeOf<Result<Row, unknown>>();
  expectTypeOf(r.all()).toEqualTypeOf<Row[]>();
  expectTypeOf(r.first()).toEqualTypeOf<Row | null>();
  expectTypeOf(r.one()).toEqualTypeOf<Row>();
  expectTypeOf(r.oneOrNone()).toEqualTypeOf<Row | null>();
  expectTypeOf(r.fetchmany(2)).toEqualTypeOf<Row[]>();
  expectTypeOf(r.mappings().all()).toEqualTypeOf<Row[]>();
  expectTypeOf(r.unique().all()).toEqualTypeOf<Row[]>();
  expectTypeOf(r.columns("name").all()).toEqualTypeOf<Pick<Row, "name">[]>();
  expectTypeOf(r.columns("name").scalars().all()).toEqualTypeOf<(string | null)[]>();
  expectTypeOf(r.scalars<number>()).toEqualTypeOf<ScalarResult<number>>();
  expectTypeOf(r.tuples().all()).toEqualTypeOf<unknown[][]>();
  expectTypeOf(r.partitions(10)).toEqualTypeOf<Generator<Row[], void, undefined>>();
  for (const row of r) expectTypeOf(row).toEqualTypeOf<Row>();
  for await (const row of r) expectTypeOf(row).toEqualTypeOf<Row>();
  // @ts-expect-error: not a column of the result
  r.columns("email");
});

test("untyped text() rows are records", async () => {
  const r = await conn.execute(text("SELECT 1 AS x"));
  expectTypeOf(r.all()).toEqualTypeOf<Record<string, unknown>[]>();
  expectTypeOf(r.scalar()).toEqualTypeOf<unknown>();
});

test("select() rows and scalars", async () => {
  const r = await conn.execute(select(users.c.id, users.c.name));
  expectTypeOf(r.all()).toEqualTypeOf<{ id: number; name: string }[]>();
  expectTypeOf(r.scalar()).toEqualTypeOf<number | null>();
  expectTypeOf(r.scalarOne()).toEqualTypeOf<number>();
  expectTypeOf(r.scalars().all()).toEqualTypeOf<number[]>();
  expectTypeOf(await conn.scalar(select(users.c.name))).toEqualTypeOf<string | null>();
  expectTypeOf(await conn.scalars(select(users.c.name))).toEqualTypeOf<string[]>();
  const s = await conn.stream(select(users.c.id, users.c.name));
  expectTypeOf(s).toEqualTypeOf<StreamResult<{ id: number; name: string }, number>>();
  expectTypeOf(await s.all()).toEqualTypeOf<{ id: number; name: string }[]>();
  expectTypeOf(await s.scalars().first()).toEqualTypeOf<number | null>();
});

test("insert().returning() rows; plain DML results have no rows", async () => {
  const r = await conn.execute(insert(users).values({ name: "a" }).returning(users.c.id));
  expectTypeOf(r.one()).toEqualTypeOf<{ id: number }>();
  const plain = await conn.execute(insert(users).values({ name: "a" }));
  expectTypeOf(plain.rowcount).toEqualTypeOf<number>();
  expectTypeOf(plain.lastInsertId).toEqualTypeOf<number | bigint | null>();
  expectTypeOf(plain.insertedPrimaryKey).toEqualTypeOf<unknown[] | null>();
});
