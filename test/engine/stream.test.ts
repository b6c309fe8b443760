import { beforeAll, expect, test } from "vitest";
import { column, Integer, InvalidRequestError, select, String as Str, table, text } from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

const N = 10_000;

describeEachDialect("stream", (ctx) => {
  beforeAll(async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(text("DROP TABLE IF EXISTS numbers"));
      await conn.execute(text("CREATE TABLE numbers (n INTEGER PRIMARY KEY, label VARCHAR(20))"));
      const rows = Array.from({ length: N }, (_, i) => ({ n: i + 1, label: `#${i + 1}` }));
      // Multi-row VALUES in chunks keeps setup quick on every database.
      const t = table("numbers", column("n", Integer), column("label", Str(20)));
      const { insert } = await import("../../src/index.js");
      for (let i = 0; i < rows.length; i += 500) await conn.execute(insert(t).values(rows.slice(i, i + 500)));
    });
  });
  const numbers = table("numbers", column("n", Integer), column("label", Str(20)));

  test(`streams ${N} rows in batches`, async () => {
    await using conn = await ctx.engine.connect();
    const result = await conn.stream(select(numbers.c.n, numbers.c.label).orderBy(numbers.c.n), undefined, {
      batchSize: 1000,
    });
    expect(result.keys()).toEqual(["n", "label"]);
    let count = 0;
    let sum = 0;
    let parts = 0;
    for await (const part of result.partitions(750)) {
      parts++;
      expect(part.length).toBeLessThanOrEqual(750);
      for (const row of part) {
        count++;
        sum += row.n!;
      }
    }
    expect(count).toBe(N);
    expect(sum).toBe((N * (N + 1)) / 2);
    expect(parts).toBe(Math.ceil(N / 750));
    // The connection is free again.
    expect(Number(await conn.scalar(text("SELECT count(*) FROM numbers")))).toBe(N);
  });

  test("for await over rows, stopping early frees the connection", async () => {
    await using conn = await ctx.engine.connect();
    const result = await conn.stream(text("SELECT n FROM numbers ORDER BY n"), undefined, { batchSize: 100 });
    const seen: number[] = [];
    for await (const row of result) {
      seen.push(Number(row.n));
      if (seen.length === 250) break;
    }
    expect(seen[249]).toBe(250);
    expect(Number(await conn.scalar(text("SELECT count(*) FROM numbers WHERE n <= :m"), { m: 5 }))).toBe(5);
  });

  test("a stream holds the connection until consumed or closed", async () => {
    await using conn = await ctx.engine.connect();
    const result = await conn.stream(text("SELECT n FROM numbers ORDER BY n"), undefined, { batchSize: 10 });
    await expect(conn.execute(text("SELECT 1"))).rejects.toThrow(InvalidRequestError);
    expect(await result.fetchmany(3)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    await result.close();
    await expect(result.all()).rejects.toThrow(/closed/);
    expect(Number(await conn.scalar(text("SELECT count(*) FROM numbers")))).toBe(N);
  });

  test("scalars, first, one, all and unique on a stream", async () => {
    await using conn = await ctx.engine.connect();
    const ids = await (
      await conn.stream(text("SELECT n FROM numbers WHERE n <= 5 ORDER BY n"), undefined, { batchSize: 2 })
    )
      .scalars()
      .all();
    expect(ids.map(Number)).toEqual([1, 2, 3, 4, 5]);
    const first = await (await conn.stream(select(numbers.c.label).where(numbers.c.n.eq(7)))).first();
    expect(first).toEqual({ label: "#7" });
    expect(await (await conn.stream(select(numbers.c.n).where(numbers.c.n.eq(8)))).scalarOne()).toBe(8);
    await expect((await conn.stream(select(numbers.c.n).where(numbers.c.n.gt(N)))).one()).rejects.toThrow(
      /No row was found/,
    );
    const none = await conn.stream(select(numbers.c.n).where(numbers.c.n.gt(N)));
    expect(none.keys()).toEqual(["n"]);
    expect(await none.all()).toEqual([]);
    const mod = await conn.stream(text("SELECT n % 3 AS m FROM numbers WHERE n <= 9 ORDER BY n"), undefined, {
      batchSize: 4,
    });
    expect((await mod.unique().all()).map((r) => Number(r.m))).toEqual([1, 2, 0]);
    const tuples = await (
      await conn.stream(select(numbers.c.n, numbers.c.label).where(numbers.c.n.le(2)).orderBy(numbers.c.n))
    )
      .tuples()
      .all();
    expect(tuples).toEqual([
      [1, "#1"],
      [2, "#2"],
    ]);
  });

  test("streaming in AUTOCOMMIT mode (PostgreSQL opens a transaction of its own for the cursor)", async () => {
    await using conn = await ctx.engine.connect();
    conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
    const result = await conn.stream(text("SELECT n FROM numbers WHERE n <= 2500 ORDER BY n"), undefined, {
      batchSize: 1000,
    });
    let count = 0;
    for await (const part of result.partitions(1000)) count += part.length;
    expect(count).toBe(2500);
    expect(Number(await conn.scalar(text("SELECT count(*) FROM numbers")))).toBe(N);
  });

  test("an error in a streamed query is wrapped", async () => {
    await using conn = await ctx.engine.connect();
    await expect(conn.stream(text("SELECT * FROM no_such_table_here"))).rejects.toThrow(/no_such_table_here/);
    await conn.rollback();
    expect(Number(await conn.scalar(text("SELECT count(*) FROM numbers")))).toBe(N);
  });
});
