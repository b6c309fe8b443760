/**
 * Session semantics: object states and attribute history, the identity map, expiration and
 * refresh, merge/expunge/close, transactions (begin, rollback), results, events.
 */
import { beforeAll, describe, expect, test } from "vitest";
import {
  Boolean as Bool,
  createEngine,
  DateTime,
  func,
  Integer,
  InvalidRequestError,
  select,
  String as Str,
  update,
} from "../../src/index.js";
import {
  awaitableAttrs,
  declarativeBase,
  DetachedInstanceError,
  flagModified,
  inspect,
  listen,
  mappedColumn,
  OrmResult,
  removeListener,
  Session,
  sessionmaker,
  UnloadedAttributeError,
  type SessionMaker,
} from "../../src/orm/index.js";
import { JSON as Json } from "../../src/index.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

class Author extends Base.model("s_authors", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(50)),
  email: mappedColumn(Str(100), { nullable: true }),
  active: mappedColumn(Bool, { default: true }),
  prefs: mappedColumn(Json<{ theme: string }>(), { nullable: true }),
  createdAt: mappedColumn(DateTime, { name: "created_at", serverDefault: func.now() }),
}) {
  get label(): string {
    return `${this.name} <${this.email ?? "?"}>`;
  }
}

class Book extends Base.model("s_books", {
  id: mappedColumn(Integer, { primaryKey: true }),
  authorId: mappedColumn(Integer, { name: "author_id", foreignKey: "s_authors.id" }),
  title: mappedColumn(Str(100)),
  pages: mappedColumn(Integer, { default: 100 }),
}) {}

ormSuite("session", Base.metadata, (ctx) => {
  let S: SessionMaker;
  beforeAll(() => {
    S = sessionmaker({ bind: ctx.engine });
  });

  async function newAuthor(name: string, extra: Partial<Author> = {}): Promise<number> {
    return S.begin(async (s) => {
      const a = new Author({ name, ...extra });
      s.add(a);
      await s.flush();
      return a.id;
    });
  }

  describe("object states", () => {
    test("transient, pending, persistent, deleted, detached", async () => {
      const a = new Author({ name: "ann" });
      const insp = inspect(a);
      expect([insp.transient, insp.pending, insp.persistent]).toEqual([true, false, false]);
      await using s = S();
      s.add(a);
      expect(insp.pending).toBe(true);
      expect(s.contains(a)).toBe(true);
      await s.flush();
      expect(insp.persistent).toBe(true);
      expect(insp.identity).toEqual([a.id]);
      await s.delete(a);
      expect(insp.persistent).toBe(true); // marked, not flushed
      expect(s.deleted).toEqual([a]);
      await s.flush();
      expect(insp.deleted).toBe(true);
      await s.commit();
      expect(insp.detached).toBe(true);
      expect(insp.session).toBeNull();
      expect(inspect(Author)).toBe(Author.__mapper__);
    });

    test("attribute history", async () => {
      const id = await newAuthor("hist", { email: "h@x.io" });
      await using s = S();
      const a = (await s.get(Author, id))!;
      expect(inspect(a).attrs.email!.history).toMatchObject({
        added: [],
        unchanged: ["h@x.io"],
        deleted: [],
      });
      a.email = "new@x.io";
      const h = inspect(a).attrs.email!.history;
      expect(h).toMatchObject({ added: ["new@x.io"], unchanged: [], deleted: ["h@x.io"] });
      expect(h.hasChanges()).toBe(true);
      expect(inspect(a).modified).toBe(true);
      expect(s.isModified(a)).toBe(true);
      a.email = "h@x.io";
      expect(inspect(a).attrs.email!.history.hasChanges()).toBe(false);
      const fresh = new Author({ name: "n" });
      expect(inspect(fresh).attrs.name!.history.added).toEqual(["n"]);
    });
  });

  describe("identity map", () => {
    test("one object per row; a query does not overwrite pending changes", async () => {
      const id = await newAuthor("ident", { email: "i@x.io" });
      await using s = S({ autoflush: false });
      const a = (await s.get(Author, id))!;
      a.email = "pending@x.io";
      const [again] = (await s.scalars(select(Author).where(Author.id.eq(id)))).all();
      expect(again).toBe(a);
      expect(a.email).toBe("pending@x.io");
      const rows = (await s.execute(select(Author, Author.email).where(Author.id.eq(id)))).all();
      expect(rows).toEqual([[a, "i@x.io"]]); // the column shows the database's value, the object keeps its change
      ctx.log.reset();
      expect(await s.get(Author, id)).toBe(a);
      expect(ctx.log.count()).toBe(0);
    });

    test("select(User, Order.id) rows are typed tuples; scalars, one, unique", async () => {
      const authorId = await newAuthor("tuples");
      await S.begin(async (s) => {
        s.addAll([new Book({ authorId, title: "A" }), new Book({ authorId, title: "B", pages: 300 })]);
      });
      await using s = S();
      const result = await s.execute(
        select(Author, Book.title, Book.pages).join(Book).where(Author.id.eq(authorId)).orderBy(Book.title),
      );
      expect(result).toBeInstanceOf(OrmResult);
      expect(result.keys()).toEqual(["Author", "title", "pages"]);
      const rows = result.all();
      expect(rows.map(([a, title, pages]) => [a.name, title, pages])).toEqual([
        ["tuples", "A", 100],
        ["tuples", "B", 300],
      ]);
      expect(rows[0]![0]).toBe(rows[1]![0]);
      const authors = (await s.execute(select(Author).join(Book).where(Author.id.eq(authorId))))
        .scalars()
        .unique()
        .all();
      expect(authors).toHaveLength(1);
      expect((await s.execute(select(Author).where(Author.id.eq(authorId)))).scalarOne().label).toBe(
        "tuples <?>",
      );
      expect((await s.execute(select(Author).where(Author.id.eq(-1)))).scalarOneOrNone()).toBeNull();
      const [book, author] = (
        await s.execute(
          select(Book, Author).join(Author).where(Book.title.eq("B")).where(Author.id.eq(authorId)),
        )
      ).one();
      expect([book.pages, author.name]).toEqual([300, "tuples"]);
      const plain = (await s.execute(select(Author.id, Author.c.name).where(Author.id.eq(authorId)))).all();
      expect(plain).toEqual([{ id: authorId, name: "tuples" }]);
    });
  });

  describe("expiration", () => {
    test("expireOnCommit: attributes raise a clear error until refreshed; the key stays readable", async () => {
      await using s = S();
      const a = new Author({ name: "expiring" });
      s.add(a);
      await s.commit();
      expect(typeof a.id).toBe("number");
      expect(() => a.name).toThrow(UnloadedAttributeError);
      expect(() => a.name).toThrow(
        "Author.name is not loaded: it was expired by commit() (expireOnCommit). Load it first: `await session.refresh(obj)`, or `await awaitableAttrs(obj).name`.",
      );
      expect(inspect(a).unloaded.has("name")).toBe(true);
      expect(await awaitableAttrs(a).name).toBe("expiring");
      await s.refresh(a);
      expect(a.createdAt).toBeInstanceOf(Date);
      // get() of an expired object reloads it.
      await s.commit();
      expect((await s.get(Author, a.id))!.name).toBe("expiring");
    });

    test("expire(), expireAll(), refresh() discard pending changes", async () => {
      const id = await newAuthor("exp", { email: "e@x.io" });
      await using s = S();
      const a = (await s.get(Author, id))!;
      a.email = "changed@x.io";
      s.expire(a, ["email"]);
      expect(inspect(a).modified).toBe(false);
      expect(a.name).toBe("exp");
      expect(() => a.email).toThrow(/Author.email is not loaded: it was expired by expire\(\)/);
      await s.refresh(a, ["email"]);
      expect(a.email).toBe("e@x.io");
      a.name = "renamed";
      await s.refresh(a);
      expect(a.name).toBe("exp");
      s.expireAll();
      expect(() => a.name).toThrow(UnloadedAttributeError);
      await s.refresh(a);
      expect(a.label).toBe("exp <e@x.io>");
      expect(() => s.expire(new Author({ name: "x" }))).toThrow(/not pending within this Session/);
    });

    test("a detached object's unloaded attributes say how to get them", async () => {
      const s = S();
      const a = new Author({ name: "gone" });
      s.add(a);
      await s.commit();
      await s.close();
      expect(inspect(a).detached).toBe(true);
      expect(() => a.name).toThrow(/The object is detached from its Session/);
      await expect(awaitableAttrs(a).name).rejects.toThrow(DetachedInstanceError);
    });

    test("flagModified writes a JSON value mutated in place", async () => {
      const id = await newAuthor("json", { prefs: { theme: "dark" } });
      await using s = S();
      const a = (await s.get(Author, id))!;
      a.prefs!.theme = "light";
      flagModified(a, "prefs");
      await s.commit();
      await using t = S();
      expect((await t.get(Author, id))!.prefs).toEqual({ theme: "light" });
    });
  });

  describe("moving objects", () => {
    test("expunge, merge and close", async () => {
      const id = await newAuthor("merge me", { email: "m@x.io" });
      await using s = S({ expireOnCommit: false });
      const a = (await s.get(Author, id))!;
      s.expunge(a);
      expect(inspect(a).detached).toBe(true);
      expect(s.contains(a)).toBe(false);
      await s.commit(); // (SQLite: one transaction at a time)
      a.email = "detached-edit@x.io";
      await using t = S();
      const merged = await t.merge(a);
      expect(merged).not.toBe(a);
      expect(inspect(merged).persistent).toBe(true);
      expect(merged.email).toBe("detached-edit@x.io");
      expect(t.dirty).toEqual([merged]);
      await t.commit();
      expect(await t.merge(merged)).toBe(merged);
      // A transient object with a new key becomes pending.
      const brandNew = await t.merge(new Author({ id: 9_000_001, name: "new via merge" }));
      expect(inspect(brandNew).pending).toBe(true);
      await t.commit();
      // Re-adding a detached object makes it persistent again.
      s.add(a);
      expect(inspect(a).persistent).toBe(true);
      await s.refresh(a);
      expect(a.email).toBe("detached-edit@x.io");
      await s.close();
      expect(inspect(a).detached).toBe(true);
    });

    test("an object belongs to one Session at a time", async () => {
      const id = await newAuthor("owned");
      await using s = S({ expireOnCommit: false });
      await using t = S();
      const a = (await s.get(Author, id))!;
      await s.commit();
      expect(() => t.add(a)).toThrow(/already attached to another Session/);
      const other = (await t.get(Author, id))!;
      await t.commit();
      s.expunge(a);
      expect(() => t.add(a)).toThrow(/another instance with this identity is already in the Session/);
      expect(other).not.toBe(a);
      await expect(s.delete(new Author({ name: "never saved" }))).rejects.toThrow(/is not persisted/);
    });
  });

  describe("transactions", () => {
    test("rollback: new objects become transient, deleted ones come back, everything is expired", async () => {
      const id = await newAuthor("kept");
      await using s = S();
      const kept = (await s.get(Author, id))!;
      const added = new Author({ name: "added" });
      s.add(added);
      await s.flush();
      await s.delete(kept);
      await s.flush();
      expect(inspect(kept).deleted).toBe(true);
      await s.rollback();
      expect(inspect(added).transient).toBe(true);
      expect(inspect(kept).persistent).toBe(true);
      expect(() => kept.name).toThrow(/expired by rollback\(\)/);
      expect((await s.get(Author, id))!.name).toBe("kept");
      expect(await s.scalar(select(func.count(Author.id)).where(Author.c.name.eq("added")))).toBe(0);
    });

    test("begin(fn) commits or rolls back; a second begin is refused", async () => {
      await using s = S({ expireOnCommit: false });
      const a = await s.begin(async () => {
        const x = new Author({ name: "in begin" });
        s.add(x);
        return x;
      });
      expect(inspect(a).persistent).toBe(true);
      await expect(
        s.begin(async () => {
          a.name = "doomed";
          await s.flush();
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      await s.refresh(a);
      expect(a.name).toBe("in begin");
      s.add(new Author({ name: "autobegun" }));
      await expect(s.begin(async () => undefined)).rejects.toThrow(InvalidRequestError);
      await s.rollback();
    });

    test("an ORM UPDATE keeps loaded objects in line", async () => {
      const id = await newAuthor("bulk", { active: true });
      await using s = S();
      const a = (await s.get(Author, id))!;
      const r = await s.execute(
        update(Author).where(Author.id.eq(id)).values({ active: false, email: "b@x.io" }),
      );
      expect(r.rowcount).toBe(1);
      expect([a.active, a.email]).toEqual([false, "b@x.io"]);
      expect(inspect(a).modified).toBe(false);
      await s.execute(update(Author).where(Author.id.eq(id)).values({ active: true }), undefined, {
        synchronizeSession: false,
      });
      expect(a.active).toBe(false); // not synchronised, as asked
    });
  });

  describe("events", () => {
    test("mapper and session events fire in order", async () => {
      const calls: string[] = [];
      const beforeInsert = (_m: unknown, _c: unknown, b: Book) => {
        calls.push(`beforeInsert ${b.title}`);
        b.title = b.title.toUpperCase();
      };
      const afterInsert = (_m: unknown, _c: unknown, b: Book) => void calls.push(`afterInsert ${b.id > 0}`);
      const beforeUpdate = (_m: unknown, _c: unknown, b: Book) => void calls.push(`beforeUpdate ${b.title}`);
      const afterUpdate = () => void calls.push("afterUpdate");
      const beforeDelete = () => void calls.push("beforeDelete");
      const afterDelete = () => void calls.push("afterDelete");
      listen(Book, "beforeInsert", beforeInsert);
      listen(Book, "afterInsert", afterInsert);
      listen(Book, "beforeUpdate", beforeUpdate);
      listen(Book, "afterUpdate", afterUpdate);
      listen(Book, "beforeDelete", beforeDelete);
      listen(Book, "afterDelete", afterDelete);
      const Maker = sessionmaker({ bind: ctx.engine, expireOnCommit: false });
      const onCommit = () => void calls.push("afterCommit (maker)");
      listen(Maker, "afterCommit", onCommit);
      const authorId = await newAuthor("evented");
      try {
        await using s = Maker();
        listen(s, "beforeFlush", async (session) => {
          calls.push(`beforeFlush ${session.new.length}`);
        });
        const b = new Book({ authorId, title: "draft" });
        s.add(b);
        await s.commit();
        expect(b.title).toBe("DRAFT");
        b.pages = 12;
        await s.flush();
        await s.delete(b);
        await s.commit();
        expect(calls).toEqual([
          "beforeFlush 1",
          "beforeInsert draft",
          "afterInsert true",
          "afterCommit (maker)",
          "beforeFlush 0",
          "beforeUpdate DRAFT",
          "afterUpdate",
          "beforeFlush 0",
          "beforeDelete",
          "afterDelete",
          "afterCommit (maker)",
        ]);
      } finally {
        removeListener(Book, "beforeInsert", beforeInsert);
        removeListener(Book, "afterInsert", afterInsert);
        removeListener(Book, "beforeUpdate", beforeUpdate);
        removeListener(Book, "afterUpdate", afterUpdate);
        removeListener(Book, "beforeDelete", beforeDelete);
        removeListener(Book, "afterDelete", afterDelete);
      }
      expect(() => listen(Book, "beforeFrobnicate" as never, () => undefined)).toThrow(
        /Unknown mapper event 'beforeFrobnicate'/,
      );
      expect(() => listen(Session, "afterCommit", () => undefined)).not.toThrow();
    });

    test("a listener can run SQL on the flush's connection", async () => {
      const authorId = await newAuthor("audited");
      const seen: number[] = [];
      const fn = async (_m: unknown, conn: import("../../src/index.js").Connection) => {
        seen.push(Number(await conn.scalar(select(func.count(Book.id)).where(Book.authorId.eq(authorId)))));
      };
      listen(Book, "afterInsert", fn);
      try {
        await S.begin(async (s) =>
          s.addAll([new Book({ authorId, title: "x" }), new Book({ authorId, title: "y" })]),
        );
      } finally {
        removeListener(Book, "afterInsert", fn);
      }
      expect(seen).toEqual([2, 2]);
    });
  });

  describe("sessionmaker", () => {
    test("options, overrides and configure()", () => {
      const maker = sessionmaker({ bind: ctx.engine, autoflush: false });
      expect(maker().autoflush).toBe(false);
      expect(maker({ autoflush: true }).autoflush).toBe(true);
      expect(maker().expireOnCommit).toBe(true);
      maker.configure({ expireOnCommit: false });
      expect(maker().expireOnCommit).toBe(false);
      expect(maker.options.bind).toBe(ctx.engine);
      expect(() => new Session({ bind: "sqlite://" as never })).toThrow(/bind must be an Engine/);
    });
  });

  describe("printing", () => {
    test("JSON.stringify and console.log show the loaded attributes", async () => {
      const a = new Author({ name: "printed", email: null });
      expect(JSON.parse(JSON.stringify(a))).toEqual({ name: "printed", email: null });
      const { inspect: nodeInspect } = await import("node:util");
      expect(nodeInspect(a)).toBe("Author { name: 'printed', email: null }");
      expect(Object.keys(a)).toEqual([]);
      expect({ ...a }).toEqual({});
    });
  });

  describe("close", () => {
    test("after reads only, close() leaves the ROLLBACK to the pool; after a flush it is awaited", async () => {
      if (ctx.target.dialect === "sqlite") return; // lone reads send no BEGIN there: nothing to roll back
      const sent: string[] = [];
      const engine = createEngine(ctx.target.url, {
        isolationLevel: "REPEATABLE READ",
        echo: true,
        logger: { info: (m) => void (m.startsWith("ROLLBACK") && sent.push(m)) },
      });
      try {
        const id = await newAuthor("reader");
        const s1 = new Session({ bind: engine });
        expect((await s1.get(Author, id))!.name).toBe("reader");
        await s1.close();
        expect(sent).toEqual(["ROLLBACK (only reads ran: sent by the pool's reset on return, not awaited)"]);
        sent.length = 0;
        const s2 = new Session({ bind: engine });
        s2.add(new Author({ name: "never" }));
        await s2.flush();
        await s2.close();
        expect(sent).toEqual(["ROLLBACK"]);
        await using check = S();
        expect(
          Number(await check.scalar(select(func.count(Author.id)).where(Author.c.name.eq("never")))),
        ).toBe(0);
      } finally {
        await engine.dispose();
      }
    });

    test("closed while its first checkout is under way: the connection goes back, the lookup fails clearly", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 1, maxOverflow: 0 });
      try {
        await Base.metadata.createAll(engine); // an in-memory SQLite engine is a database of its own
        let id: number;
        {
          await using setup = new Session({ bind: engine });
          const a = new Author({ name: "racer" });
          setup.add(a);
          await setup.commit();
          id = a.id;
        }
        const s = new Session({ bind: engine });
        const lookup = s.get(Author, id); // not awaited: the checkout is under way
        await s.close();
        await expect(lookup).rejects.toThrow(/closed/i);
        expect(engine.pool.checkedOut()).toBe(0);
        // The one connection is free: a new Session gets it (it would wait for poolTimeout otherwise).
        await using again = new Session({ bind: engine });
        expect((await again.get(Author, id))!.name).toBe("racer");
      } finally {
        await engine.dispose();
      }
    });
  });
});
