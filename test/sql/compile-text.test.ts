/**
 * text(), the sql`` template, identifiers and paramstyles, compiled on the three dialects.
 */
import { describe, expect, test } from "vitest";
import {
  DateTime,
  identifier,
  Integer,
  JSON as Json,
  literalColumn,
  raw,
  select,
  sql,
  String,
  text,
} from "../../src/index.js";
import { compile, expectSql, users } from "./fixtures.js";

describe("text()", () => {
  test(":name parameters become the dialect's placeholders, in order, repeated names too", () => {
    const t = text("SELECT * FROM users WHERE id = :id OR (age > :age AND id <> :id)");
    expectSql(t, {
      sqlite: "SELECT * FROM users WHERE id = ? OR (age > ? AND id <> ?)",
      postgresql: "SELECT * FROM users WHERE id = $1 OR (age > $2 AND id <> $3)",
    });
    expect(compile(t, "sqlite").binds.map((b) => [b.key, b.hasValue])).toEqual([
      ["id", false],
      ["age", false],
      ["id", false],
    ]);
    expect(t.paramNames).toEqual(["id", "age"]);
  });
  test("PostgreSQL casts, escaped colons and string contents are left alone", () => {
    const t = text("SELECT :v::text AS a, '10:30' AS b, CAST(:n AS INTEGER) AS c, 'x\\:y' AS d");
    expect(compile(t, "postgresql").sql).toBe(
      "SELECT :v::text AS a, '10:30' AS b, CAST($1 AS INTEGER) AS c, 'x:y' AS d",
    );
  });
  test("bindparams: values and types on the statement", () => {
    const t = text("SELECT * FROM events WHERE at > :since AND n = :n").bindparams(
      { since: new Date(0), n: 3 },
      { since: DateTime },
    );
    const c = compile(t, "postgresql");
    expect(c.sql).toBe("SELECT * FROM events WHERE at > $1::TIMESTAMP WITHOUT TIME ZONE AND n = $2::INTEGER");
    expect(c.binds.map((b) => [b.key, b.value, b.type])).toEqual([
      ["since", new Date(0), DateTime],
      ["n", 3, Integer],
    ]);
    expect(() => text("SELECT :a").bindparams({ b: 1 })).toThrow(
      /doesn't define a bound parameter 'b'. Its parameters are: a/,
    );
    expect(() => text("SELECT :a").bindparams({ a: "x" }, { a: Integer })).toThrow(
      /Bad value for text\(\) parameter 'a': expected a number/,
    );
  });
  test("columns() declares typed result columns", () => {
    const t = text("SELECT id, name FROM users").columns({ id: Integer, name: String() });
    const c = compile(t, "sqlite");
    expect(c.kind).toBe("text");
    expect(c.resultColumns!.map((r) => r.key)).toEqual(["id", "name"]);
    expect(c.resultColumns![0]!.type).toBe(Integer);
    expect(compile(text("SELECT 1"), "sqlite").resultColumns).toBeNull();
  });
  test("text() as a WHERE criterion", () => {
    expectSql(select(users.c.id).where(users.c.age.gt(1), text("name <> :who").bindparams({ who: "x" })), {
      sqlite: "SELECT users.id FROM users WHERE users.age > ? AND (name <> ?)",
      postgresql: "SELECT users.id FROM users WHERE users.age > $1::INTEGER AND (name <> $2::VARCHAR)",
    });
  });
});

describe("sql`` template", () => {
  test("every interpolated value is a bound parameter; arrays become lists", () => {
    const name = "o'reilly; DROP TABLE users; --";
    const s = sql`SELECT * FROM users WHERE name = ${name} AND id IN ${[1, 2, 3]}`;
    expectSql(s, {
      sqlite: "SELECT * FROM users WHERE name = ? AND id IN (?, ?, ?)",
      postgresql:
        "SELECT * FROM users WHERE name = $1::VARCHAR AND id IN ($2::INTEGER, $3::INTEGER, $4::INTEGER)",
    });
    expect(compile(s, "sqlite").binds.map((b) => b.value)).toEqual([name, 1, 2, 3]);
    expect(() => sql`SELECT ${undefined}`).toThrow(/got undefined/);
    expect(() => sql`SELECT ${[]}`).toThrow(/empty array/);
  });
  test("identifiers must be marked, and are quoted per dialect", () => {
    const s = sql`SELECT ${identifier("userName")} FROM ${identifier("public", "select")} WHERE ${users.c.age} > ${18}`;
    expectSql(s, {
      sqlite: 'SELECT "userName" FROM public."select" WHERE users.age > ?',
      postgresql: 'SELECT "userName" FROM public."select" WHERE users.age > $1::INTEGER',
      mysql: "SELECT `userName` FROM public.`select` WHERE users.age > ?",
    });
    expect(() => identifier("")).toThrow(/non-empty names/);
  });
  test("fragments nest; raw() is spliced as is; literalColumn", () => {
    const cond = sql`age > ${30}`;
    const s = sql`SELECT ${raw("count(*)")} FROM users WHERE ${cond} AND name = ${"x"}`;
    expect(compile(s, "postgresql").sql).toBe(
      "SELECT count(*) FROM users WHERE age > $1::INTEGER AND name = $2::VARCHAR",
    );
    expect(compile(select(literalColumn("42", Integer).label("answer")), "sqlite").sql).toBe(
      "SELECT 42 AS answer",
    );
  });
  test("a fragment's columns() types its rows; values of JSON are left to the type", () => {
    const s = sql`SELECT ${1} AS n`.columns({ n: Integer });
    expect(compile(s, "sqlite").resultColumns!.map((r) => r.key)).toEqual(["n"]);
    void Json;
  });
});

describe("paramstyles", () => {
  test("SQLite ?, PostgreSQL $n, MySQL ?", () => {
    const stmt = select(users.c.id).where(users.c.age.in([1, 2]), users.c.name.eq("x"));
    expect(compile(stmt, "sqlite").sql).toMatch(/IN \(\?, \?\) AND users.name = \?$/);
    expect(compile(stmt, "postgresql").sql).toMatch(
      /IN \(\$1::INTEGER, \$2::INTEGER\) AND users.name = \$3::VARCHAR$/,
    );
    expect(compile(stmt, "mysql").sql).toMatch(/IN \(\?, \?\) AND users.name = \?$/);
  });
  test("a '?' or '$1' in a string literal is not a placeholder", () => {
    const stmt = select(users.c.id).where(users.c.name.eq("?"), text("name <> '$1' AND name <> '?'"));
    expect(compile(stmt, "postgresql").sql).toBe(
      "SELECT users.id FROM users WHERE users.name = $1::VARCHAR AND (name <> '$1' AND name <> '?')",
    );
    expect(compile(stmt, "postgresql").binds.map((b) => b.value)).toEqual(["?"]);
  });
  test("literalBinds renders values inline with each dialect's escaping", () => {
    const stmt = select(users.c.id).where(users.c.name.eq("it's a \\ test"), users.c.isActive.eq(true));
    expect(compile(stmt, "sqlite", { literalBinds: true }).sql).toBe(
      "SELECT users.id FROM users WHERE users.name = 'it''s a \\ test' AND users.is_active = 1",
    );
    expect(compile(stmt, "postgresql", { literalBinds: true }).sql).toBe(
      "SELECT users.id FROM users WHERE users.name = 'it''s a \\ test' AND users.is_active = true",
    );
    expect(compile(stmt, "mysql", { literalBinds: true }).sql).toBe(
      "SELECT users.id FROM users WHERE users.name = 'it''s a \\\\ test' AND users.is_active = true",
    );
  });
});
