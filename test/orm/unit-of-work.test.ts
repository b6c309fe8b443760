/**
 * The unit of work: dependency order, batching (statements counted), defaults and generated
 * values, flush failures, validation before SQL, optimistic concurrency.
 */
import { beforeAll, describe, expect, test } from "vitest";
import {
  createEngine,
  DateTime,
  ForeignKey,
  func,
  Integer,
  IntegrityError,
  select,
  String as Str,
  text,
} from "../../src/index.js";
import {
  awaitableAttrs,
  declarativeBase,
  FlushError,
  inspect,
  mappedColumn,
  PendingRollbackError,
  Session,
  sessionmaker,
  StaleDataError,
  type SessionMaker,
} from "../../src/orm/index.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

class Parent extends Base.model("uow_parents", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  name: mappedColumn(Str(50)),
}) {}

class Child extends Base.model("uow_children", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  parentId: mappedColumn(Integer, { name: "parent_id", foreignKey: ForeignKey("uow_parents.id") }),
  name: mappedColumn(Str(50)),
}) {}

let counter = 0;
class Widget extends Base.model("uow_widgets", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(50)),
  color: mappedColumn(Str(20), { nullable: true }),
  size: mappedColumn(Integer, { default: 1 }),
  code: mappedColumn(Str(40), {
    unique: true,
    default: () => `code-${++counter}-${Math.random().toString(36).slice(2)}`,
  }),
  revision: mappedColumn(Integer, { default: 0, onupdate: () => 99 }),
  createdAt: mappedColumn(DateTime, { name: "created_at", serverDefault: func.now() }),
}) {}

class Versioned extends Base.model(
  "uow_versioned",
  {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(Str(50)),
    version: mappedColumn(Integer),
  },
  { versionIdCol: "version" },
) {}

class Stamped extends Base.model(
  "uow_stamped",
  {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(Str(50)),
    touchedAt: mappedColumn(DateTime, {
      name: "touched_at",
      nullable: true,
      serverDefault: func.now(),
      onupdate: func.now(),
    }),
  },
  { eagerDefaults: true },
) {}

class Lazy extends Base.model(
  "uow_lazy",
  {
    id: mappedColumn(Integer, { primaryKey: true }),
    name: mappedColumn(Str(50)),
    createdAt: mappedColumn(DateTime, { name: "created_at", serverDefault: func.now() }),
  },
  { eagerDefaults: false },
) {}

class Pair extends Base.model("uow_pairs", {
  a: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  b: mappedColumn(Str(10), { primaryKey: true }),
  note: mappedColumn(Str(50), { nullable: true }),
}) {}

ormSuite("unit of work", Base.metadata, (ctx) => {
  let S: SessionMaker;
  beforeAll(async () => {
    S = sessionmaker({ bind: ctx.engine });
  });

  describe("batching", () => {
    test("adding 1 000 new objects and flushing issues one INSERT, keys matched to objects", async () => {
      await using s = S();
      const widgets = Array.from(
        { length: 1000 },
        (_, i) => new Widget({ name: `w${i}`, color: i % 2 ? "red" : null }),
      );
      s.addAll(widgets);
      const { statements } = await ctx.log.during(() => s.flush());
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatch(/^INSERT INTO uow_widgets/);
      const ids = widgets.map((w) => w.id);
      expect(new Set(ids).size).toBe(1000);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(widgets.every((w) => w.createdAt instanceof Date)).toBe(true);
      expect(widgets[3]!.size).toBe(1); // client default applied in the flush
      // Each object got its own row: read back by key in another session.
      await s.commit();
      await using other = S();
      const rows = (
        await other.execute(
          select(Widget.id, Widget.c.name)
            .where(Widget.id.in([ids[0]!, ids[999]!]))
            .orderBy(Widget.id),
        )
      ).all();
      expect(rows).toEqual([
        { id: ids[0], name: "w0" },
        { id: ids[999], name: "w999" },
      ]);
    });

    test("more rows than a page go out in pages", async () => {
      await using s = new Session({ bind: ctx.engine, insertPageSize: 100 });
      s.addAll(Array.from({ length: 250 }, (_, i) => new Widget({ name: `p${i}` })));
      const { statements } = await ctx.log.during(() => s.flush());
      expect(statements.filter((x) => x.startsWith("INSERT"))).toHaveLength(3);
    });

    test("UPDATEs with the same changed columns share one statement; only changed columns are written", async () => {
      await using s = S();
      const ws = Array.from({ length: 20 }, (_, i) => new Widget({ name: `u${i}` }));
      s.addAll(ws);
      await s.flush();
      ws.slice(0, 10).forEach((w) => (w.color = "blue"));
      ws.slice(10).forEach((w) => (w.name = w.name.toUpperCase()));
      const { statements } = await ctx.log.during(() => s.flush());
      expect(statements).toHaveLength(2);
      const colorUpdate = statements.find((x) => x.includes("color"))!;
      expect(colorUpdate).toMatch(
        /^UPDATE uow_widgets SET color = \S+, revision = \S+ WHERE uow_widgets.id = /,
      );
      expect(ws[0]!.revision).toBe(99); // onupdate ran in the flush
      await s.commit();
      await using other = S();
      expect((await other.get(Widget, ws[15]!.id))!.name).toBe("U15");
    });

    test("setting a value equal to the old one writes nothing", async () => {
      await using s = S();
      const w = new Widget({ name: "same", color: "green" });
      s.add(w);
      await s.commit();
      await s.refresh(w);
      ctx.log.reset();
      w.name = "same";
      w.color = "yellow";
      w.color = "green";
      expect(s.dirty).toEqual([w]);
      await s.flush();
      expect(ctx.log.count()).toBe(0);
      expect(inspect(w).modified).toBe(false);
    });
  });

  describe("dependency order", () => {
    test("parents are inserted before children, children deleted before parents", async () => {
      await using s = S();
      s.add(new Child({ id: 1, parentId: 10, name: "kid" }));
      s.add(new Parent({ id: 10, name: "mum" }));
      const saved = await ctx.log.during(() => s.flush());
      expect(saved.statements.map((x) => x.split(" (")[0])).toEqual([
        "INSERT INTO uow_parents",
        "INSERT INTO uow_children",
      ]);
      const mum = (await s.get(Parent, 10))!;
      const kid = (await s.get(Child, 1))!;
      await s.delete(mum);
      await s.delete(kid);
      const removed = await ctx.log.during(() => s.flush());
      expect(removed.statements.map((x) => x.split(" WHERE")[0])).toEqual([
        "DELETE FROM uow_children",
        "DELETE FROM uow_parents",
      ]);
      await s.commit();
    });
  });

  describe("generated values", () => {
    test("server defaults not fetched at flush (eagerDefaults: false) are loaded on request", async () => {
      await using s = S();
      const n = new Lazy({ name: "plain" });
      s.add(n);
      await s.flush();
      expect(n.id).toBeGreaterThan(0);
      expect(() => n.createdAt).toThrow(
        /Lazy\.createdAt is not loaded: its value is generated by the database \(server default\).*awaitableAttrs/,
      );
      ctx.log.reset();
      expect(await awaitableAttrs(n).createdAt).toBeInstanceOf(Date);
      expect(ctx.log.count("SELECT")).toBe(1);
      expect(await awaitableAttrs(n).name).toBe("plain");
      expect(ctx.log.count()).toBe(1);
      await s.commit();
    });

    test("without RETURNING (as on MySQL): one INSERT per row with the driver's insert id", async () => {
      const engine = createEngine(ctx.target.url);
      try {
        await Base.metadata.createAll(engine, { tables: [Widget.__table__, Stamped.__table__] });
        for (const flag of ["supportsInsertReturning", "supportsUpdateReturning", "supportsDeleteReturning"])
          engine.dialect.capabilities[flag] = false;
        await using s = new Session({ bind: engine });
        const ws = [new Widget({ name: "nr1" }), new Widget({ name: "nr2" }), new Widget({ name: "nr3" })];
        s.addAll(ws);
        if (ctx.target.dialect === "postgresql") {
          // psycopg-style drivers give no insert id: without RETURNING the key can't be learnt.
          await expect(s.flush()).rejects.toThrow(
            /Can't learn the primary key the database generated for Widget/,
          );
          return;
        }
        await s.flush();
        expect(new Set(ws.map((w) => w.id)).size).toBe(3);
        expect(inspect(ws[0]!).attrs.createdAt!.loaded).toBe(false);
        expect(await awaitableAttrs(ws[0]!).createdAt).toBeInstanceOf(Date);
        const st = new Stamped({ name: "eager" });
        s.add(st);
        await s.flush(); // eagerDefaults: true fetches with a SELECT instead
        expect(st.touchedAt).toBeInstanceOf(Date);
        await s.commit();
      } finally {
        await engine.dispose();
      }
    });

    test("eagerDefaults: onupdate values computed by the database are fetched at flush", async () => {
      await using s = S({ expireOnCommit: false });
      const st = new Stamped({ name: "a" });
      s.add(st);
      await s.commit();
      const first = st.touchedAt!;
      expect(first).toBeInstanceOf(Date);
      await new Promise((r) => setTimeout(r, 1100)); // DATETIME keeps whole seconds on MariaDB
      st.name = "b";
      const { statements } = await ctx.log.during(() => s.flush());
      expect(st.touchedAt!.getTime()).toBeGreaterThan(first.getTime());
      // RETURNING where UPDATE has it, else one SELECT after the UPDATE.
      expect(statements).toHaveLength(ctx.engine.dialect.capabilities.supportsUpdateReturning ? 1 : 2);
      await s.commit();
    });
  });

  describe("bad input", () => {
    test("a required column missing raises before any SQL, and the Session stays usable", async () => {
      await using s = S();
      const w = new Widget({ name: "ok" });
      s.add(w);
      s.add(new Parent({ id: 77 } as never));
      const err = await s.flush().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FlushError);
      expect((err as Error).message).toBe(
        "Can't flush Parent: Parent.name is required (column 'uow_parents.name' is NOT NULL with no default) but is not set. Set it before flushing, or give the column a default.",
      );
      expect(ctx.log.count()).toBe(0);
      s.expunge(s.new.find((o) => o instanceof Parent)!);
      await s.flush();
      expect(w.id).toBeGreaterThan(0);
      w.name = null as never;
      await expect(s.flush()).rejects.toThrow(/Widget.name is required .* but is null/);
    });

    test("a value of the wrong runtime type is refused on assignment", () => {
      const w = new Widget({ name: "typed" });
      expect(() => ((w as any).size = "big")).toThrow(
        /Can't set Widget.size to "big" \(string\): expected a number/,
      );
      expect(() => new Widget({ name: 42 as never })).toThrow(
        /Can't set Widget.name to 42 \(number\): expected a string/,
      );
      expect(() => ((w as any).color = undefined)).toThrow(
        "Widget.color can't be set to undefined. Use null for SQL NULL",
      );
      expect(() => new Widget({ nope: 1 } as never)).toThrow("'nope' is not a mapped attribute of Widget");
    });

    test("adding an object of an unmapped class is refused", async () => {
      class Plain {
        name = "x";
      }
      await using s = S();
      expect(() => s.add(new Plain())).toThrow(
        /Expected a mapped instance, got an instance of 'Plain', which is not mapped/,
      );
      expect(() => s.add(42 as never)).toThrow(/not an object/);
      await expect(s.get(Plain, 1)).rejects.toThrow(/Class 'Plain' is not mapped/);
    });
  });

  describe("a failed flush", () => {
    test("rolls the transaction back, nothing half-written; the Session refuses work until rollback()", async () => {
      await using s = S();
      const taken = new Widget({ name: "taken", code: "dup-code" });
      s.add(taken);
      await s.commit();
      s.add(new Parent({ id: 500, name: "written first" }));
      s.add(new Widget({ name: "clash", code: "dup-code" }));
      const err = await s.flush().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IntegrityError);
      await expect(s.execute(select(Widget))).rejects.toThrow(PendingRollbackError);
      await expect(s.commit()).rejects.toThrow(
        /^This Session's transaction has been rolled back due to a previous exception during flush\. To begin a new transaction with this Session, first issue Session\.rollback\(\)\. Original exception was: \(IntegrityError\)/,
      );
      await s.rollback();
      expect(await s.get(Parent, 500)).toBeNull(); // the parent row, inserted before the failure, was rolled back
      expect(s.new).toEqual([]); // the new objects were expunged
      expect(inspect(taken).persistent).toBe(true);
    });
  });

  describe("optimistic concurrency", () => {
    test("a concurrent update raises StaleDataError", async () => {
      const Sx = sessionmaker({ bind: ctx.engine, expireOnCommit: false });
      await using a = Sx();
      await using b = Sx();
      const va = new Versioned({ name: "v1" });
      a.add(va);
      await a.commit();
      expect(va.version).toBe(1);
      const vb = (await b.get(Versioned, va.id))!;
      await b.commit(); // b keeps its copy (version 1), as a web form would
      va.name = "from a";
      await a.commit();
      expect(va.version).toBe(2);
      vb.name = "from b";
      await expect(b.flush()).rejects.toThrow(
        new StaleDataError(
          "UPDATE statement on table 'uow_versioned' expected to update 1 row(s); 0 were matched. The row was changed or deleted by another transaction since it was loaded (version check).",
        ),
      );
      await b.rollback();
      const fresh = (await b.get(Versioned, va.id))!;
      expect([fresh.name, fresh.version]).toEqual(["from a", 2]);
      await b.commit();
      va.name = "again";
      await a.commit(); // version 3
      await b.delete(fresh);
      await expect(b.flush()).rejects.toThrow(
        /DELETE statement on table 'uow_versioned' expected to delete 1 row\(s\); 0 were matched/,
      );
      await b.rollback();
    });
  });

  describe("keys", () => {
    test("composite primary keys: get by array or object, update, delete", async () => {
      await using s = S();
      s.add(new Pair({ a: 1, b: "x", note: "first" }));
      s.add(new Pair({ a: 1, b: "y" }));
      await s.commit();
      await using t = S();
      const p = (await t.get(Pair, [1, "x"]))!;
      expect(p.note).toBe("first");
      ctx.log.reset();
      expect(await t.get(Pair, { a: 1, b: "x" })).toBe(p);
      expect(ctx.log.count()).toBe(0);
      await expect(t.get(Pair, 1)).rejects.toThrow(/Pair has a primary key of 2 column\(s\) \(a, b\); got 1/);
      p.note = "changed";
      await t.delete((await t.get(Pair, [1, "y"]))!);
      await t.commit();
      expect((await t.get(Pair, [1, "x"]))!.note).toBe("changed");
      expect(await t.get(Pair, [1, "y"])).toBeNull();
    });

    test("changing a primary key updates the row and moves the object in the identity map", async () => {
      await using s = S();
      const p = new Parent({ id: 600, name: "movable" });
      s.add(p);
      await s.flush();
      p.id = 601;
      await s.flush();
      expect(await s.get(Parent, 601)).toBe(p);
      expect((await s.execute(select(Parent.id).where(Parent.c.name.eq("movable")))).scalars().all()).toEqual(
        [601],
      );
      await s.rollback();
      expect(inspect(p).transient).toBe(true);
    });
  });

  describe("autoflush", () => {
    test("queries see pending objects when autoflush is on, not when it is off", async () => {
      await using on = S();
      on.add(new Parent({ id: 700, name: "auto" }));
      expect(await on.scalar(select(func.count(Parent.id)).where(Parent.id.eq(700)))).toBe(1);
      await on.rollback();
      await using off = S({ autoflush: false });
      off.add(new Parent({ id: 701, name: "manual" }));
      expect(Number(await off.scalar(select(func.count(Parent.id)).where(Parent.id.eq(701))))).toBe(0);
      await off.flush();
      expect(Number(await off.scalar(select(func.count(Parent.id)).where(Parent.id.eq(701))))).toBe(1);
      await off.rollback();
      expect(Number(await off.scalar(text("SELECT count(*) FROM uow_parents WHERE id = 701")))).toBe(0);
    });
  });
});
