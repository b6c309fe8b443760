/**
 * Bad input raises a clear error, naming the problem, before anything is sent to a database.
 */
import { describe, expect, test } from "vitest";
import {
  ArgumentError,
  Column,
  ColumnClause,
  column,
  CompileError,
  ForeignKey,
  func,
  insert,
  Integer,
  MetaData,
  select,
  Table,
  table,
  text,
  tuple_,
  update,
} from "../../src/index.js";
import { insert as pgInsert } from "../../src/dialects/postgresql/index.js";
import { describeEachDialect } from "../support/dialects.js";
import { compile, nodes, orders, seed, users } from "./fixtures.js";

function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected an error");
}

describe("an unknown column", () => {
  test("on a table's c names the table and its columns", () => {
    const e = thrown(() => (users.c as any).nmae.eq("x"));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.code).toBe("ATH-COLUMN");
    expect(e.message).toBe(
      "Table 'users' has no column 'nmae'. Its columns are: id, name, email, age, isActive, score, createdAt.",
    );
  });
  test("known columns are plain properties: `in`, keys and spreads see exactly the columns", () => {
    const c = users.c as Record<string, unknown>;
    expect("name" in c).toBe(true);
    expect("nmae" in c).toBe(false);
    expect(Object.keys(c)).toEqual(["id", "name", "email", "age", "isActive", "score", "createdAt"]);
    expect(Object.keys({ ...c })).toEqual(Object.keys(c));
    expect(c.hasOwnProperty("id")).toBe(true);
    expect((c as { then?: unknown }).then).toBeUndefined(); // probed by await: not a column error
    const odd = table("t", column("constructor", Integer), column("toString", Integer));
    expect(Object.keys(odd.c)).toEqual(["constructor", "toString"]);
    expect(odd.c.constructor).toBeInstanceOf(ColumnClause);
  });
  test("on a subquery or CTE", () => {
    const sq = select(users.c.id).subquery("sq");
    expect(() => (sq.c as any).name).toThrow(/Subquery 'sq' has no column 'name'. Its columns are: id/);
    const cte = select(users.c.id).cte("c");
    expect(() => (cte.c as any).x).toThrow(/CTE 'c' has no column 'x'/);
  });
  test("in insert / update values and executemany parameters", () => {
    expect(() => insert(users).values({ id: 1, name: "a", nope: 1 } as any)).toThrow(
      /Unconsumed column name 'nope' in insert\(\).values\(\) on table 'users'. Known columns: id, name/,
    );
    expect(() => update(users).values({ nope: 1 } as any)).toThrow(
      /Unconsumed column name 'nope' in update\(\).values\(\)/,
    );
    const e = thrown(() => compile(insert(users), "sqlite", { paramKeys: ["id", "nmae"] }));
    expect(e).toBeInstanceOf(CompileError);
    expect(e.message).toMatch(/Unconsumed column name 'nmae' in the insert parameters for table 'users'/);
    expect(() => compile(update(users).where(users.c.id.eq(1)), "sqlite", { paramKeys: ["zzz"] })).toThrow(
      /Unconsumed column name 'zzz'/,
    );
  });
  test("undefined where a value or column belongs", () => {
    expect(() => users.c.age.eq(undefined as any)).toThrow(
      /undefined is not a SQL value for users.age. Use null for SQL NULL/,
    );
    expect(() => select(users.c.id, undefined as any)).toThrow(
      /select\(\) argument 2 is not a column, expression or table: undefined/,
    );
  });
});

describe("a join with no path, or several", () => {
  const meta = new MetaData();
  const people = new Table("people", meta, { id: Column(Integer, { primaryKey: true }) });
  const messages = new Table("messages", meta, {
    id: Column(Integer, { primaryKey: true }),
    senderId: Column(Integer, { name: "sender_id", foreignKey: ForeignKey("people.id") }),
    recipientId: Column(Integer, { name: "recipient_id", foreignKey: ForeignKey("people.id") }),
  });
  test("no foreign key between the tables", () => {
    const e = thrown(() => select(users.c.id).join(nodes));
    expect(e.code).toBe("ATH-JOIN-NOPATH");
    expect(e.message).toBe(
      "Can't find any foreign key relationships between 'users' and 'nodes'. Pass the ON clause explicitly: .join(nodes, onclause).",
    );
  });
  test("two foreign keys: ambiguous", () => {
    const e = thrown(() => select(messages.c.id).join(people));
    expect(e.code).toBe("ATH-JOIN-AMBIGUOUS");
    expect(e.message).toMatch(
      /there are 2 foreign key paths \(messages.sender_id = people.id; messages.recipient_id = people.id\)/,
    );
    expect(() => select(messages.c.id).join(people, messages.c.senderId.eq(people.c.id))).not.toThrow();
  });
});

describe("an operator applied to an incompatible type", () => {
  test("LIKE and friends on a number", () => {
    const e = thrown(() => (users.c.age as any).like("1%"));
    expect(e.code).toBe("ATH-OPERATOR");
    expect(e.message).toBe("Operator 'LIKE' is not supported on users.age of type Integer.");
    expect(() => (users.c.age as any).contains("1")).toThrow(/Operator 'LIKE' is not supported on users.age/);
    expect(() => (users.c.isActive as any).concat("x")).toThrow(
      /Operator 'concat' is not supported on users.is_active/,
    );
  });
  test("arithmetic on a string or a boolean", () => {
    expect(() => users.c.name.add(1)).toThrow(
      /Operator '\+' is not supported on users.name of type String\(50\). Use concat\(\) to join strings./,
    );
    expect(() => (users.c.isActive as any).mul(2)).toThrow(
      /Operator '\*' is not supported on users.is_active/,
    );
  });
  test("a value of the wrong type for the column", () => {
    const e = thrown(() => users.c.age.eq("abc" as any));
    expect(e.code).toBe("ATH-VALUE");
    expect(e.message).toBe(
      'Cannot compare users.age with "abc" (string): expected a number for Integer, got "abc" (string).',
    );
    expect(() => users.c.name.in([1 as any])).toThrow(
      /Cannot compare users.name with 1 \(number\): expected a string/,
    );
    expect(() => insert(users).values({ id: 1, name: 5 as any })).toThrow(/expected a string/);
    expect(() => users.c.isActive.eq("yes" as any)).toThrow(/expected a boolean/);
  });
  test("a tuple compared with rows of another length", () => {
    expect(() => tuple_(users.c.id, users.c.name).in([[1]] as any)).toThrow(
      /A tuple of 2 elements can only be compared with arrays of 2 values; got Array of length 1/,
    );
  });
});

describe("other misuse", () => {
  test("text() bindparams for a parameter it doesn't have", () => {
    expect(() => text("SELECT :a").bindparams({ b: 1 })).toThrow(/doesn't define a bound parameter 'b'/);
  });
  test("auto-correlation that leaves a subquery without FROM", () => {
    const inner = select(users.c.id).where(users.c.id.eq(orders.c.userId));
    expect(() => compile(select(users.c.id, orders.c.id).where(users.c.id.in(inner)), "sqlite")).toThrow(
      /returned no FROM clauses due to auto-correlation/,
    );
  });
  test("an upsert without a target, an update without values", () => {
    expect(() => pgInsert(users).onConflictDoUpdate({ set: { name: "x" } } as any)).toThrow(
      /needs indexElements or constraint/,
    );
    expect(() => compile(update(users), "postgresql")).toThrow(/has no values to SET/);
  });
  test("label and collation names are never empty", () => {
    expect(() => users.c.id.label("")).toThrow(/label\(\) needs a non-empty name/);
    expect(() => users.c.name.collate("")).toThrow(/collate\(\) needs a collation name/);
  });
});

describeEachDialect("errors before sending", (ctx) => {
  test("nothing reaches the database: the data is unchanged and the connection usable", async () => {
    await seed(ctx.engine);
    const conn = await ctx.engine.connect();
    try {
      await expect(conn.execute(insert(users), [{ id: 9, name: "x", nope: 1 }])).rejects.toThrow(
        /Unconsumed column name 'nope'/,
      );
      await expect(conn.execute(text("DELETE FROM users WHERE id = :id"))).rejects.toThrow(
        /A value is required for bound parameter 'id'/,
      );
      if (ctx.target.dialect !== "postgresql") {
        await expect(conn.execute(select(users.c.id).distinct(users.c.id))).rejects.toThrow(
          /DISTINCT ON is not supported/,
        );
      }
      expect((await conn.execute(select(func.count()).selectFrom(users))).scalar()).toBe(5);
    } finally {
      await conn.close();
    }
  });
});
