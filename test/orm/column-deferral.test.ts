/**
 * Column loader options on every dialect: `mappedColumn(…, { deferred: true })`, `defer`,
 * `undefer`, `loadOnly` (which columns the SELECT lists), reading unloaded columns (the error
 * names the fix), loading them afterwards (`refresh(obj, [...])`, a later query, awaitableAttrs),
 * `get()` with deferred columns, and flushes of objects whose columns are not all loaded.
 */
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { delete_, insert, Integer, select, String as Str, Text, update } from "../../src/index.js";
import {
  awaitableAttrs,
  declarativeBase,
  defer,
  inspect,
  loadOnly,
  mappedColumn,
  sessionmaker,
  undefer,
  UnloadedAttributeError,
  type SessionMaker,
} from "../../src/orm/index.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

class Person extends Base.model("cd_people", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  title: mappedColumn(Str(50)),
  email: mappedColumn(Str(100), { nullable: true }),
  bio: mappedColumn(Text, { nullable: true, deferred: true }),
  photo: mappedColumn(Text, { nullable: true, deferred: true }),
  score: mappedColumn(Integer, { default: 0 }),
}) {}

class Doc extends Base.model(
  "cd_docs",
  {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    heading: mappedColumn(Str(50)),
    body: mappedColumn(Text, { deferred: true }),
    version: mappedColumn(Integer),
  },
  { versionIdCol: "version" },
) {}

/** The column names a SELECT lists (between SELECT and the first FROM). */
function selected(sql: string): string[] {
  const list = /^SELECT (.*?) FROM /s.exec(sql)![1]!;
  return list.split(", ").map((c) => c.replace(/[`"]/g, "").split(".").pop()!.split(" ")[0]!);
}

ormSuite("column deferral", Base.metadata, (ctx) => {
  let S: SessionMaker;
  beforeAll(() => {
    S = sessionmaker({ bind: ctx.engine, expireOnCommit: false });
  });
  beforeEach(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(delete_(Person.__table__));
      await conn.execute(delete_(Doc.__table__));
      await conn.execute(insert(Person.__table__), [
        { id: 1, title: "ann", email: "ann@x.io", bio: "ann's story", photo: "<ann.png>", score: 5 },
        { id: 2, title: "bob", email: null, bio: "bob's story", photo: null, score: 7 },
      ]);
      await conn.execute(insert(Doc.__table__), [{ id: 1, heading: "h", body: "long body", version: 1 }]);
    });
    ctx.log.reset();
  });
  const lastSelect = () => ctx.log.statements.filter((s) => s.startsWith("SELECT")).pop()!;

  describe("which columns a query selects", () => {
    test("deferred columns are left out by default; reading one names the fix", async () => {
      await using s = S();
      const p = (await s.scalars(select(Person).where(Person.id.eq(1)))).one();
      expect(selected(lastSelect())).toEqual(["id", "title", "email", "score"]);
      expect([p.title, p.email, p.score]).toEqual(["ann", "ann@x.io", 5]);
      expect(inspect(p).attrs.bio!.loaded).toBe(false);
      expect(() => p.bio).toThrow(UnloadedAttributeError);
      expect(() => p.bio).toThrow(/Person\.bio is not loaded: it is deferred/);
      expect(() => p.bio).toThrow(/undefer\(Person\.bio\)/);
      expect(() => p.photo).toThrow(/await session\.refresh\(obj, \["photo"\]\)/);
    });

    test("undefer() selects a deferred column", async () => {
      await using s = S();
      const p = (await s.scalars(select(Person).where(Person.id.eq(1)).options(undefer(Person.bio)))).one();
      expect(selected(lastSelect())).toEqual(["id", "title", "email", "bio", "score"]);
      expect(p.bio).toBe("ann's story");
      expect(() => p.photo).toThrow(/deferred/);
    });

    test("defer() leaves out a column loaded by default", async () => {
      await using s = S();
      const people = (
        await s.scalars(select(Person).options(defer(Person.email, Person.score)).orderBy(Person.id))
      ).all();
      expect(selected(lastSelect())).toEqual(["id", "title"]);
      expect(people.map((p) => p.title)).toEqual(["ann", "bob"]);
      expect(() => people[0]!.email).toThrow(
        /Person\.email is not loaded: it is deferred.*undefer\(Person\.email\)/,
      );
    });

    test("loadOnly() selects the primary key and the columns named", async () => {
      await using s = S();
      const p = (
        await s.scalars(select(Person).where(Person.id.eq(2)).options(loadOnly(Person.score)))
      ).one();
      expect(selected(lastSelect())).toEqual(["id", "score"]);
      expect([p.id, p.score]).toEqual([2, 7]);
      expect(() => p.title).toThrow(UnloadedAttributeError);
      await s.scalars(select(Person).options(loadOnly(Person.title).undefer(Person.bio)));
      expect(selected(lastSelect())).toEqual(["id", "title", "bio"]);
      await s.scalars(select(Person).options(undefer(Person.bio), loadOnly(Person.title)));
      expect(selected(lastSelect())).toEqual(["id", "title", "bio"]);
    });

    test("the last option naming a column wins", async () => {
      await using s = S();
      await s.scalars(select(Person).options(undefer(Person.bio), defer(Person.bio)));
      expect(selected(lastSelect())).not.toContain("bio");
      await s.scalars(select(Person).options(defer(Person.title)).options(undefer(Person.title)));
      expect(selected(lastSelect())).toContain("title");
    });

    test("a version counter is always loaded", async () => {
      await using s = S();
      const d = (await s.scalars(select(Doc).options(loadOnly(Doc.heading)))).one();
      expect(selected(lastSelect())).toEqual(["id", "heading", "version"]);
      expect(d.version).toBe(1);
    });

    test("entities with partial columns among other items keep their row positions", async () => {
      await using s = S();
      const rows = (
        await s.execute(
          select(Person.email, Person, Person.score).where(Person.id.eq(1)).options(loadOnly(Person.title)),
        )
      ).all();
      expect(selected(lastSelect())).toEqual(["email", "id", "title", "score"]);
      const [email, p, score] = rows[0]!;
      expect([email, p.id, p.title, score]).toEqual(["ann@x.io", 1, "ann", 5]);
      expect(() => p.score).toThrow(/deferred/);
    });
  });

  describe("loading deferred columns afterwards", () => {
    test("refresh(obj, [attr]) selects just that column and the key", async () => {
      await using s = S();
      const p = (await s.scalars(select(Person).where(Person.id.eq(1)))).one();
      const { statements } = await ctx.log.during(() => s.refresh(p, ["bio"]));
      expect(statements).toHaveLength(1);
      expect(selected(statements[0]!)).toEqual(["id", "bio"]);
      expect(p.bio).toBe("ann's story");
      expect(() => p.photo).toThrow(/deferred/);
    });

    test("refresh(obj) reloads the default columns and the deferred ones already loaded", async () => {
      await using s = S();
      const p = (await s.scalars(select(Person).where(Person.id.eq(1)).options(undefer(Person.photo)))).one();
      await s.commit(); // expireOnCommit: false; the change below comes from another transaction
      await ctx.engine.begin((c) =>
        c.execute(
          update(Person.__table__)
            .where(Person.__table__.c.id.eq(1))
            .values({ title: "ANN", photo: "<new>" }),
        ),
      );
      const { statements } = await ctx.log.during(() => s.refresh(p));
      expect(selected(statements[0]!)).toEqual(["id", "title", "email", "photo", "score"]);
      expect([p.title, p.photo]).toEqual(["ANN", "<new>"]);
      expect(() => p.bio).toThrow(/deferred/);
    });

    test("a later query with undefer() fills the column of the instance already loaded, keeping changes", async () => {
      await using s = S();
      const p = (await s.scalars(select(Person).where(Person.id.eq(1)))).one();
      p.title = "changed";
      s.autoflush = false;
      const again = (
        await s.scalars(select(Person).where(Person.id.eq(1)).options(undefer(Person.bio)))
      ).one();
      expect(again).toBe(p);
      expect([p.bio, p.title]).toEqual(["ann's story", "changed"]);
    });

    test("awaitableAttrs loads a deferred column", async () => {
      await using s = S();
      const p = (await s.scalars(select(Person).where(Person.id.eq(2)))).one();
      expect(await awaitableAttrs(p).bio).toBe("bob's story");
      expect(p.bio).toBe("bob's story");
    });

    test("get() selects without deferred columns and returns a loaded object without SQL", async () => {
      await using s = S();
      const p = (await s.get(Person, 1))!;
      expect(selected(lastSelect())).toEqual(["id", "title", "email", "score"]);
      expect(() => p.bio).toThrow(/deferred/);
      ctx.log.reset();
      expect(await s.get(Person, 1)).toBe(p);
      const q = (
        await s.scalars(select(Person).where(Person.id.eq(2)).options(loadOnly(Person.title)))
      ).one();
      ctx.log.reset();
      expect(await s.get(Person, 2)).toBe(q);
      expect(ctx.log.count()).toBe(0);
    });

    test("an expired object reloads on get(); its deferred columns stay deferred", async () => {
      await using s = S();
      const p = (await s.get(Person, 1))!;
      s.expire(p);
      expect(() => p.title).toThrow(/expired by expire\(\)/);
      expect(() => p.bio).toThrow(/deferred/);
      ctx.log.reset();
      expect(await s.get(Person, 1)).toBe(p);
      expect(ctx.log.count("SELECT")).toBe(1);
      expect(p.title).toBe("ann");
      expect(() => p.bio).toThrow(/deferred/);
      ctx.log.reset();
      await s.get(Person, 1);
      expect(ctx.log.count()).toBe(0);
    });
  });

  describe("flushing objects with unloaded columns", () => {
    test("an UPDATE sets only the changed columns; unloaded ones are not written as NULL", async () => {
      await using s = S();
      const p = (
        await s.scalars(select(Person).where(Person.id.eq(1)).options(loadOnly(Person.title)))
      ).one();
      p.title = "ann2";
      const { statements } = await ctx.log.during(() => s.flush());
      const upd = statements.filter((x) => x.startsWith("UPDATE"));
      expect(upd).toHaveLength(1);
      expect(upd[0]).toMatch(/SET [`"]?title[`"]? = /);
      expect(upd[0]).not.toMatch(/bio|email|score|photo/);
      await s.commit();
      const row = (await ctx.engine.connect().then(async (c) => {
        try {
          return (await c.execute(select(Person.__table__).where(Person.__table__.c.id.eq(1)))).one();
        } finally {
          await c.close();
        }
      }))!;
      expect(row).toMatchObject({ title: "ann2", email: "ann@x.io", bio: "ann's story", score: 5 });
    });

    test("setting a deferred column that was never loaded writes it", async () => {
      await using s = S();
      const p = (await s.get(Person, 2))!;
      p.bio = "rewritten";
      await s.commit();
      const q = (await s.scalars(select(Person.bio).where(Person.id.eq(2)))).one();
      expect(q).toBe("rewritten");
    });

    test("a NOT NULL deferred column that is not loaded doesn't fail the required check; the version is checked", async () => {
      await using s = S();
      const d = (await s.get(Doc, 1))!;
      expect(() => d.body).toThrow(/deferred/);
      d.heading = "h2";
      const { statements } = await ctx.log.during(() => s.flush());
      const upd = statements.filter((x) => x.startsWith("UPDATE"))[0]!;
      expect(upd).not.toMatch(/body/);
      expect(upd).toMatch(/version/);
      expect(d.version).toBe(2);
      await s.refresh(d, ["body"]);
      expect(d.body).toBe("long body");
    });
  });

  describe("mistakes", () => {
    test("column options refuse primary keys, relationships of nothing, and mixed classes", () => {
      expect(() => defer(Person.id)).toThrow(/primary key columns are always loaded/);
      expect(() => loadOnly(Person.title, Doc.heading)).toThrow(/columns of one class; got Person and Doc/);
      expect(() => defer("title" as never)).toThrow(/Loader option paths take mapped class attributes/);
      expect(() => defer()).toThrow(/at least one column/);
      expect(() => mappedColumn(Integer, { primaryKey: true, deferred: true })).toThrow(
        /primary key column can't be deferred/,
      );
    });

    test("an option for a class the query doesn't select is refused, naming the query's classes", async () => {
      await using s = S();
      await expect(s.execute(select(Person).options(defer(Doc.heading)))).rejects.toThrow(
        /Doc\.heading does not apply to any entity of this query \(Person\)/,
      );
    });

    test("a plain (Core) execution ignores loader options", async () => {
      const conn = await ctx.engine.connect();
      try {
        const rows = (
          await conn.execute(select(Person).where(Person.id.eq(1)).options(defer(Person.title)))
        ).all();
        expect(rows[0]).toMatchObject({ title: "ann", bio: "ann's story" });
      } finally {
        await conn.close();
      }
    });
  });
});
