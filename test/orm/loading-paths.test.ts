/**
 * The loading fast paths, on every dialect: `select(Model)` results that hold the instances
 * themselves (rows made on demand), the hidden state slot of loaded instances, relationship
 * loads whose IN lists are padded to a few lengths, and `get()` by a plain key value.
 */
import { beforeAll, expect, test } from "vitest";
import { ForeignKey, insert, Integer, select, String as Str } from "../../src/index.js";
import {
  declarativeBase,
  inspect,
  InstrumentedList,
  mappedColumn,
  relationship,
  selectinload,
  Session,
} from "../../src/orm/index.js";
import { paddedLength } from "../../src/orm/relationships/loader.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

class Author extends Base.model("lp_authors", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(Str(30)),
}) {
  static books = relationship(() => Book, { orderBy: () => Book.id });
  declare books: Book[];
}

class Book extends Base.model("lp_books", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  authorId: mappedColumn(Integer, { name: "author_id", foreignKey: ForeignKey("lp_authors.id") }),
  title: mappedColumn(Str(30)),
}) {
  static author = relationship(() => Author);
  declare author: Author;
}

const AUTHORS = 9;

/** The number of values in the first `IN (…)` list of a statement. */
function inListLength(sql: string): number {
  const m = / IN \(([^()]*(?:\([^()]*\)[^()]*)*)\)/.exec(sql);
  if (m === null) throw new Error(`no IN list in ${sql}`);
  return m[1]!.split(",").length;
}

test("IN lists are padded to powers of two up to 256, then to the chunk of 500", () => {
  const cases = [1, 2, 3, 4, 5, 9, 200, 256, 257, 499, 500];
  expect(cases.map(paddedLength)).toEqual([1, 2, 4, 4, 8, 16, 256, 256, 500, 500, 500]);
});

ormSuite("loading paths", Base.metadata, (ctx) => {
  const session = () => new Session({ bind: ctx.engine, expireOnCommit: false });

  beforeAll(async () => {
    await ctx.engine.begin(async (conn) => {
      const authors = [];
      const books = [];
      for (let a = 1; a <= AUTHORS; a++) {
        authors.push({ id: a, name: `a${a}` });
        // Author a has a books: ids a*10+1 … a*10+a.
        for (let b = 1; b <= a; b++) books.push({ id: a * 10 + b, authorId: a, title: `b${a}.${b}` });
      }
      await conn.execute(insert(Author.__table__), authors);
      await conn.execute(insert(Book.__table__), books);
    });
  });

  test("select(Model): rows are one-item tuples made on demand; scalars() are the instances", async () => {
    await using s = session();
    const stmt = select(Author).where(Author.id.le(3)).orderBy(Author.id);
    const result = await s.execute(stmt);
    expect(result.keys()).toEqual(["Author"]);
    const rows = result.all();
    expect(rows.map((r) => r.length)).toEqual([1, 1, 1]);
    expect(rows.map(([a]) => a.name)).toEqual(["a1", "a2", "a3"]);
    // The same instances through every view (one identity map).
    const scalars = (await s.scalars(stmt)).all();
    expect(scalars).toEqual(rows.map(([a]) => a));
    expect(scalars[0]).toBe(rows[0]![0]);
    const iterated = [];
    for (const row of await s.execute(stmt)) iterated.push(row[0]);
    expect(iterated).toEqual(scalars);
    expect([...(await s.execute(stmt)).partitions(2)].map((p) => p.map((r) => r[0].id))).toEqual([
      [1, 2],
      [3],
    ]);
    expect((await s.execute(stmt)).unique().all().length).toBe(3);
    expect((await s.execute(stmt)).first()![0]).toBe(scalars[0]);
    expect((await s.execute(stmt)).scalars(1).all()).toEqual([undefined, undefined, undefined]);
    expect(await s.scalar(select(Author).where(Author.id.eq(2)))).toBe(scalars[1]);
    expect((await s.execute(select(Author).where(Author.id.eq(2)))).scalarOne()).toBe(scalars[1]);
    // With other items, rows stay tuples.
    const mixed = (await s.execute(select(Author, Author.id).where(Author.id.eq(1)))).one();
    expect(mixed[0]).toBe(scalars[0]);
    expect(mixed[1]).toBe(1);
  });

  test("a loaded instance keeps its state out of sight: no own keys, not copied by spread or assign", async () => {
    await using s = session();
    const a = (await s.get(Author, 1))!;
    expect(inspect(a).persistent).toBe(true);
    expect(s.contains(a)).toBe(true);
    expect(Reflect.ownKeys(a)).toEqual([]);
    const copy = { ...a };
    expect(Reflect.ownKeys(copy)).toEqual([]);
    const fresh = Object.assign(new Author({ id: 99, name: "new" }), a);
    expect(inspect(fresh).transient).toBe(true);
    expect(fresh.name).toBe("new");
    expect(JSON.stringify(a)).toBe('{"id":1,"name":"a1"}');
    // Its attributes are tracked as usual.
    a.name = "changed";
    expect(s.isModified(a)).toBe(true);
    s.expunge(a);
    expect(inspect(a).detached).toBe(true);
    s.add(a);
    expect(inspect(a).persistent).toBe(true);
  });

  test("selectin loads pad the IN list with the last key; every parent gets its own children", async () => {
    for (const n of [1, 2, 3, 5, AUTHORS]) {
      await using s = session();
      const authors = (
        await s.scalars(
          select(Author).where(Author.id.le(n)).orderBy(Author.id).options(selectinload(Author.books)),
        )
      ).all();
      const loads = ctx.log.statements.filter((q) => /FROM lp_books\b/.test(q));
      expect(loads.length).toBe(1);
      expect(inListLength(loads[0]!)).toBe(paddedLength(n));
      expect(authors.map((a) => a.books.map((b) => b.id))).toEqual(
        authors.map((a) => Array.from({ length: a.id }, (_, i) => a.id * 10 + i + 1)),
      );
      expect(authors[0]!.books).toBeInstanceOf(InstrumentedList);
      ctx.log.reset();
    }
  });

  test("many-to-one loads are padded too; collections loaded this way still track changes", async () => {
    await using s = session();
    const books = (
      await s.scalars(
        select(Book)
          .where(Book.id.in([11, 21, 31]))
          .orderBy(Book.id),
      )
    ).all();
    ctx.log.reset();
    await s.load(books, "author");
    expect(ctx.log.statements.length).toBe(1);
    expect(inListLength(ctx.log.statements[0]!)).toBe(4);
    expect(books.map((b) => b.author.name)).toEqual(["a1", "a2", "a3"]);
    const a2 = books[1]!.author;
    await s.load(a2, "books");
    const moved = books[2]!;
    a2.books.push(moved);
    expect(s.isModified(a2)).toBe(true);
    await s.flush();
    expect(moved.authorId).toBe(2);
    await s.rollback();
  });

  test("get() by a plain value, a one-item array or an object finds the same instance", async () => {
    await using s = session();
    const a = (await s.get(Author, 4))!;
    expect(a.name).toBe("a4");
    ctx.log.reset();
    expect(await s.get(Author, [4])).toBe(a);
    expect(await s.get(Author, { id: 4 })).toBe(a);
    expect(ctx.log.count()).toBe(0);
    expect(await s.get(Author, 4000)).toBeNull();
    await expect(s.get(Author, null)).rejects.toMatchObject({ code: "ATH-ORM-IDENT" });
  });
});
