import { beforeEach, expect, test } from "vitest";
import {
  column,
  insert,
  Integer,
  InvalidRequestError,
  MultipleResultsFound,
  NoResultFound,
  ResourceClosedError,
  select,
  String as Str,
  table,
  text,
  update,
  delete_,
  type Connection,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

/** `table()` with a primary key, as schema.Table will expose it. */
function pets() {
  const t = table("pets", column("id", Integer), column("name", Str(30)), column("kind", Str(30)));
  Object.defineProperty(t, "primaryKey", { value: { columns: [t.c.id] } });
  return t;
}

describeEachDialect("result", (ctx) => {
  const autoId = () =>
    ctx.target.dialect === "postgresql"
      ? "id SERIAL PRIMARY KEY"
      : ctx.target.dialect === "mysql"
        ? "id INTEGER AUTO_INCREMENT PRIMARY KEY"
        : "id INTEGER PRIMARY KEY";
  let conn: Connection;
  beforeEach(async () => {
    await ctx.engine.begin(async (c) => {
      await c.execute(text("DROP TABLE IF EXISTS pets"));
      await c.execute(text(`CREATE TABLE pets (${autoId()}, name VARCHAR(30) NOT NULL, kind VARCHAR(30))`));
      await c.execute(text("INSERT INTO pets (id, name, kind) VALUES (:id, :name, :kind)"), [
        { id: 1, name: "rex", kind: "dog" },
        { id: 2, name: "tom", kind: "cat" },
        { id: 3, name: "fido", kind: "dog" },
      ]);
    });
    conn = await ctx.engine.connect();
    return async () => {
      await conn.close();
    };
  });
  const byId = () =>
    text("SELECT id, name, kind FROM pets ORDER BY id").columns({ id: Integer, name: Str(), kind: Str() });

  test("all(), keys() and consumption", async () => {
    const r = await conn.execute(byId());
    expect(r.keys()).toEqual(["id", "name", "kind"]);
    expect(r.returnsRows).toBe(true);
    expect(r.all()).toEqual([
      { id: 1, name: "rex", kind: "dog" },
      { id: 2, name: "tom", kind: "cat" },
      { id: 3, name: "fido", kind: "dog" },
    ]);
    expect(r.all()).toEqual([]);
  });

  test("first() returns the first row or null and closes the result", async () => {
    const r = await conn.execute(byId());
    expect(r.first()).toEqual({ id: 1, name: "rex", kind: "dog" });
    expect(() => r.all()).toThrow(ResourceClosedError);
    expect((await conn.execute(text("SELECT id FROM pets WHERE id = 99"))).first()).toBeNull();
  });

  test("one() and oneOrNone()", async () => {
    const one = text("SELECT name FROM pets WHERE id = :id");
    expect((await conn.execute(one, { id: 2 })).one()).toEqual({ name: "tom" });
    await expect((async () => (await conn.execute(one, { id: 99 })).one())()).rejects.toThrow(NoResultFound);
    await expect((async () => (await conn.execute(byId())).one())()).rejects.toThrow(MultipleResultsFound);
    expect((await conn.execute(one, { id: 99 })).oneOrNone()).toBeNull();
    expect((await conn.execute(one, { id: 3 })).oneOrNone()).toEqual({ name: "fido" });
    const many = await conn.execute(byId());
    expect(() => many.oneOrNone()).toThrow(/Multiple rows were found/);
    try {
      (await conn.execute(one, { id: 99 })).one();
    } catch (e) {
      expect((e as NoResultFound).code).toBe("ATH-NORESULT");
    }
  });

  test("scalar(), scalarOne(), scalarOneOrNone()", async () => {
    expect((await conn.execute(byId())).scalar()).toBe(1);
    expect((await conn.execute(text("SELECT id FROM pets WHERE id = 99"))).scalar()).toBeNull();
    expect((await conn.execute(text("SELECT name FROM pets WHERE id = 3"))).scalarOne()).toBe("fido");
    await expect(
      (async () => (await conn.execute(text("SELECT name FROM pets WHERE id = 99"))).scalarOne())(),
    ).rejects.toThrow(NoResultFound);
    expect((await conn.execute(text("SELECT name FROM pets WHERE id = 99"))).scalarOneOrNone()).toBeNull();
    await expect((async () => (await conn.execute(byId())).scalarOneOrNone())()).rejects.toThrow(
      MultipleResultsFound,
    );
    expect(await conn.scalar(text("SELECT name FROM pets WHERE id = 1"))).toBe("rex");
    expect(await conn.scalars(text("SELECT name FROM pets ORDER BY id"))).toEqual(["rex", "tom", "fido"]);
  });

  test("scalars(): all, first, one, unique, iteration, another column", async () => {
    expect((await conn.execute(byId())).scalars().all()).toEqual([1, 2, 3]);
    expect((await conn.execute(byId())).scalars(1).all()).toEqual(["rex", "tom", "fido"]);
    expect((await conn.execute(byId())).scalars().first()).toBe(1);
    expect((await conn.execute(text("SELECT name FROM pets WHERE id = 2"))).scalars().one()).toBe("tom");
    expect((await conn.execute(text("SELECT kind FROM pets ORDER BY id"))).scalars().unique().all()).toEqual([
      "dog",
      "cat",
    ]);
    const names: unknown[] = [];
    for (const n of (await conn.execute(byId())).scalars(1)) names.push(n);
    expect(names).toEqual(["rex", "tom", "fido"]);
  });

  test("mappings(), tuples(), columns()", async () => {
    expect((await conn.execute(byId())).mappings().first()).toEqual({ id: 1, name: "rex", kind: "dog" });
    expect((await conn.execute(byId())).tuples().all()).toEqual([
      [1, "rex", "dog"],
      [2, "tom", "cat"],
      [3, "fido", "dog"],
    ]);
    const cols = (await conn.execute(byId())).columns("kind", "id");
    expect(cols.keys()).toEqual(["kind", "id"]);
    expect(cols.all()).toEqual([
      { kind: "dog", id: 1 },
      { kind: "cat", id: 2 },
      { kind: "dog", id: 3 },
    ]);
    expect((await conn.execute(byId())).columns("kind", "id").tuples().first()).toEqual(["dog", 1]);
    expect((await conn.execute(byId())).columns("name").scalars().all()).toEqual(["rex", "tom", "fido"]);
    await expect((async () => (await conn.execute(byId())).columns("nope" as never))()).rejects.toThrow(
      InvalidRequestError,
    );
  });

  test("unique() dedupes by row values or a strategy", async () => {
    const kinds = (await conn.execute(text("SELECT kind FROM pets ORDER BY id"))).unique().all();
    expect(kinds).toEqual([{ kind: "dog" }, { kind: "cat" }]);
    const r = (await conn.execute(byId())).unique((row) => row.kind).all();
    expect(r.map((x) => x.name)).toEqual(["rex", "tom"]);
    const pairs = (await conn.execute(text("SELECT kind, kind AS k2 FROM pets ORDER BY id")))
      .unique()
      .tuples();
    expect(
      (await conn.execute(text("SELECT kind, kind AS k2 FROM pets ORDER BY id"))).unique().all(),
    ).toEqual([
      { kind: "dog", k2: "dog" },
      { kind: "cat", k2: "cat" },
    ]);
    expect(pairs.all().length).toBe(3); // a new view: unique() applies to the view it was called on
  });

  test("partitions(), fetchmany(), fetchone()", async () => {
    const parts = [...(await conn.execute(byId())).partitions(2)];
    expect(parts.map((p) => p.map((r) => r.id))).toEqual([[1, 2], [3]]);
    const r = await conn.execute(byId());
    expect(r.fetchone()).toEqual({ id: 1, name: "rex", kind: "dog" });
    expect(r.fetchmany(5).map((x) => x.id)).toEqual([2, 3]);
    expect(r.fetchone()).toBeNull();
    expect(r.fetchmany(2)).toEqual([]);
  });

  test("sync and async iteration", async () => {
    const ids: number[] = [];
    for (const row of await conn.execute(byId())) ids.push(row.id!);
    for await (const row of await conn.execute(byId())) ids.push(row.id!);
    expect(ids).toEqual([1, 2, 3, 1, 2, 3]);
  });

  test("repeated column names get _1 suffixes", async () => {
    const r = await conn.execute(text("SELECT id, id FROM pets WHERE id = 1"));
    expect(r.keys()).toEqual(["id", "id_1"]);
    expect(r.tuples().one().map(Number)).toEqual([1, 1]);
  });

  test("a statement without rows: rowcount and ResourceClosedError on fetch", async () => {
    const r = await conn.execute(text("UPDATE pets SET kind = 'dog' WHERE kind = 'dog'"));
    expect(r.returnsRows).toBe(false);
    // Rows matched, not rows changed (MySQL reports matched rows thanks to FOUND_ROWS).
    expect(r.rowcount).toBe(2);
    expect(() => r.all()).toThrow(/does not return rows/);
    const d = await conn.execute(text("DELETE FROM pets WHERE id > :id"), { id: 1 });
    expect(d.rowcount).toBe(2);
  });

  test("select() with table(): typed rows and update/delete constructs", async () => {
    const t = pets();
    const rows = (
      await conn.execute(select(t.c.id, t.c.name).where(t.c.kind.eq("dog")).orderBy(t.c.id))
    ).all();
    expect(rows).toEqual([
      { id: 1, name: "rex" },
      { id: 3, name: "fido" },
    ]);
    expect((await conn.execute(update(t).where(t.c.kind.eq("cat")).values({ name: "tom" }))).rowcount).toBe(
      1,
    );
    expect((await conn.execute(delete_(t).where(t.c.id.eq(1)))).rowcount).toBe(1);
    expect((await conn.execute(select(t.c.id).orderBy(t.c.id))).scalars().all()).toEqual([2, 3]);
  });

  test("executemany: rowcount is the total", async () => {
    const t = pets();
    const r = await conn.execute(insert(t), [
      { id: 10, name: "a", kind: "x" },
      { id: 11, name: "b", kind: "x" },
      { id: 12, name: "c", kind: "x" },
    ]);
    expect(r.rowcount).toBe(3);
    expect(() => r.insertedPrimaryKey).toThrow(/single-row INSERT/);
    const u = await conn.execute(text("UPDATE pets SET kind = :k WHERE id = :id"), [
      { k: "y", id: 10 },
      { k: "y", id: 11 },
    ]);
    expect(u.rowcount).toBe(2);
    expect(Number(await conn.scalar(text("SELECT count(*) FROM pets WHERE kind = 'y'")))).toBe(2);
  });

  test("lastInsertId and insertedPrimaryKey", async () => {
    const t = pets();
    const given = await conn.execute(insert(t).values({ id: 20, name: "given", kind: "x" }));
    expect(given.insertedPrimaryKey).toEqual([20]);
    const viaParams = await conn.execute(insert(t), { id: 21, name: "params" });
    expect(viaParams.insertedPrimaryKey).toEqual([21]);
    if (ctx.target.dialect === "postgresql") {
      // pg reports no last insert id; RETURNING gives the key.
      await conn.execute(text("SELECT setval('pets_id_seq', 100)"));
      const auto = await conn.execute(insert(t).values({ name: "auto" }));
      expect(auto.lastInsertId).toBeNull();
      const ret = await conn.execute(insert(t).values({ name: "ret" }).returning(t.c.id, t.c.name));
      expect(ret.insertedPrimaryKey).toEqual([102]);
      expect(ret.one()).toEqual({ id: 102, name: "ret" });
    } else {
      const auto = await conn.execute(insert(t).values({ name: "auto" }));
      expect(auto.lastInsertId).toBe(22);
      expect(auto.insertedPrimaryKey).toEqual([22]);
      expect(auto.rowcount).toBe(1);
    }
    const notInsert = await conn.execute(text("SELECT 1"));
    expect(() => notInsert.insertedPrimaryKey).toThrow(/only available for an insert/);
  });
});
