import { expect, test } from "vitest";
import {
  Column,
  insert,
  Integer,
  MetaData,
  ResourceClosedError,
  select,
  String,
  Table,
} from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

describeEachDialect("insertedPrimaryKey of a plain insert", (ctx) => {
  const metadata = new MetaData();
  const notes = new Table("pk_notes", metadata, {
    id: Column(Integer, { primaryKey: true }),
    body: Column(String(100), { nullable: false }),
  });

  test("a single-row insert reports the generated key, and its result returns no rows", async () => {
    await metadata.createAll(ctx.engine);
    await ctx.engine.begin(async (conn) => {
      const first = await conn.execute(insert(notes).values({ body: "a" }));
      const second = await conn.execute(insert(notes), { body: "b" });
      const [id1] = first.insertedPrimaryKey!;
      const [id2] = second.insertedPrimaryKey!;
      expect(Number(id2)).toBe(Number(id1) + 1);
      // SQLAlchemy's implicit RETURNING (PostgreSQL) is internal: the caller sees no rows.
      expect(first.returnsRows).toBe(false);
      expect(() => first.all()).toThrow(ResourceClosedError);
      const rows = (await conn.execute(select(notes.c.id, notes.c.body).orderBy(notes.c.id))).all();
      expect(rows).toEqual([
        { id: Number(id1), body: "a" },
        { id: Number(id2), body: "b" },
      ]);
    });
  });

  test("an explicit RETURNING is the caller's, and a key given in the values is reported as given", async () => {
    await ctx.engine.begin(async (conn) => {
      const r = await conn.execute(insert(notes).values({ id: 1000, body: "c" }));
      expect(r.insertedPrimaryKey).toEqual([1000]);
      if (ctx.engine.dialect.capabilities.supportsInsertReturning) {
        const withReturning = await conn.execute(insert(notes).values({ body: "d" }).returning(notes.c.body));
        expect(withReturning.all()).toEqual([{ body: "d" }]);
      }
    });
  });
});
