import { expect, test } from "vitest";
import { IntegrityError, text } from "../../src/index.js";
import { describeEachDialect } from "../support/dialects.js";

// SQLite checks a deferred foreign key at COMMIT and, when it fails, leaves the transaction open.
describeEachDialect(
  "a failed COMMIT",
  (ctx) => {
    test("ends the database transaction before the connection goes back to the pool", async () => {
      await ctx.engine.begin(async (conn) => {
        await conn.execute(text("CREATE TABLE fc_parent (id INTEGER PRIMARY KEY)"));
        await conn.execute(
          text(
            "CREATE TABLE fc_child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES fc_parent (id) DEFERRABLE INITIALLY DEFERRED)",
          ),
        );
      });
      const conn = await ctx.engine.connect();
      await conn.execute(text("INSERT INTO fc_child (id, parent_id) VALUES (1, 42)"));
      await expect(conn.commit()).rejects.toBeInstanceOf(IntegrityError);
      const native = conn.driverConnection as { inTransaction: boolean };
      expect(native.inTransaction).toBe(false);
      await conn.close();
      // Nothing was written, and the pooled connection starts clean.
      const n = await ctx.engine.begin(async (c) =>
        (await c.execute(text("SELECT count(*) AS n FROM fc_child"))).scalar(),
      );
      expect(Number(n)).toBe(0);
    });
  },
  { only: ["sqlite"] },
);
