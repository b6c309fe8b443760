/**
 * PostgreSQL rows parsed in place (dialects/postgresql/row-query.ts): the same rows as pg's own
 * array row mode, nulls kept, the client's own type parsers applied, a parser's error failing
 * the query (with a stack that leads back to the caller) while the connection stays usable, and
 * pg's own query() when the module has no usable Query class.
 */
import { afterEach, expect, test } from "vitest";
import pg from "pg";
import { querySender } from "../../src/dialects/postgresql/row-query.js";
import { createEngine, DBAPIError, text } from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

const SQL =
  "SELECT i AS n, CASE WHEN i % 2 = 0 THEN NULL ELSE 'v' || i END AS s, i::int8 AS big " +
  "FROM generate_series(1, 5) AS i ORDER BY i";

describeEachDialect(
  "rows parsed in place",
  (ctx) => {
    const clients: pg.Client[] = [];
    const client = async (types?: pg.CustomTypesConfig) => {
      const c = new pg.Client({ connectionString: ctx.target.url, ...(types ? { types } : {}) });
      clients.push(c);
      await c.connect();
      return c;
    };
    afterEach(async () => {
      for (const c of clients.splice(0)) await c.end();
    });

    test("the same rows as pg's array row mode, with or without the Query subclass", async () => {
      const c = await client();
      const expected = (await c.query({ text: SQL, rowMode: "array" })).rows;
      expect(expected[1]).toEqual([2, null, "2"]);
      for (const module of [pg, null, {}]) {
        const res = await querySender(c as never, module)({ text: SQL });
        const one = Array.isArray(res) ? res[res.length - 1]! : res;
        expect(one.rows).toEqual(expected);
        expect(one.fields.map((f) => f.name)).toEqual(["n", "s", "big"]);
      }
    });

    test("the client's own parsers apply; a parser's error fails the query and the connection goes on", async () => {
      const INT8 = 20;
      const c = await client({
        getTypeParser: ((oid: number, format?: string) => {
          if (oid === INT8)
            return (v: string) => {
              if (v === "3") throw new Error("parser refuses 3");
              return BigInt(v);
            };
          return pg.types.getTypeParser(oid, format as never);
        }) as pg.CustomTypesConfig["getTypeParser"],
      });
      const send = querySender(c as never, pg);
      const failing = send({ text: SQL });
      await expect(failing).rejects.toThrow("parser refuses 3");
      const ok = await send({ text: SQL.replace("1, 5", "4, 5") });
      const one = Array.isArray(ok) ? ok[0]! : ok;
      expect(one.rows).toEqual([
        [4, null, 4n],
        [5, "v5", 5n],
      ]);
    });

    test("a server error's driver error (DBAPIError.orig) has a stack that leads back to the caller", async () => {
      const engine = createEngine(ctx.target.url, { poolSize: 1 });
      try {
        await using conn = await engine.connect();
        const err = await conn.execute(text("SELECT * FROM no_such_table_row_query")).catch((e) => e);
        expect(err).toBeInstanceOf(DBAPIError);
        // pg's error is made where the socket is read; without the re-capture its stack ends there.
        expect(String(((err as DBAPIError).orig as Error).stack)).toContain("pg-row-query.test.ts");
      } finally {
        await engine.dispose();
      }
    });
  },
  { only: ["postgresql"] },
);
