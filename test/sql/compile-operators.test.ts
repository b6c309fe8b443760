/**
 * Column operators, compiled on SQLite, PostgreSQL and MySQL: the exact SQL and the values sent.
 */
import { describe, expect, test } from "vitest";
import {
  and,
  asc,
  bindparam,
  cast,
  column,
  desc,
  false_,
  Integer,
  literal,
  not,
  null_,
  nullsFirst,
  or,
  select,
  String,
  true_,
  tuple_,
  typeCoerce,
} from "../../src/index.js";
import { bindValues, compile, expectSql, orders, users } from "./fixtures.js";

const where = (c: Parameters<ReturnType<typeof select>["where"]>[0]) => select(users.c.id).where(c);

describe("comparisons", () => {
  test("eq ne lt le gt ge bind the value with the column's type", () => {
    expectSql(
      where(
        and(
          users.c.age.eq(1),
          users.c.age.ne(2),
          users.c.age.lt(3),
          users.c.age.le(4),
          users.c.age.gt(5),
          users.c.age.ge(6),
        ),
      ),
      {
        sqlite:
          "SELECT users.id FROM users WHERE users.age = ? AND users.age <> ? AND users.age < ? AND users.age <= ? AND users.age > ? AND users.age >= ?",
        postgresql:
          "SELECT users.id FROM users WHERE users.age = $1::INTEGER AND users.age <> $2::INTEGER AND users.age < $3::INTEGER AND users.age <= $4::INTEGER AND users.age > $5::INTEGER AND users.age >= $6::INTEGER",
      },
    );
    expect(bindValues(where(users.c.age.eq(1)))).toEqual([1]);
    expect(compile(where(users.c.age.eq(1)), "sqlite").binds[0]!.type).toBe(users.c.age.type);
  });
  test("eq(null) and ne(null) render IS NULL / IS NOT NULL", () => {
    expectSql(
      where(
        or(users.c.email.eq(null), users.c.email.ne(null), users.c.age.isNull(), users.c.age.isNotNull()),
      ),
      {
        sqlite:
          "SELECT users.id FROM users WHERE users.email IS NULL OR users.email IS NOT NULL OR users.age IS NULL OR users.age IS NOT NULL",
        postgresql:
          "SELECT users.id FROM users WHERE users.email IS NULL OR users.email IS NOT NULL OR users.age IS NULL OR users.age IS NOT NULL",
      },
    );
  });
  test("column to column", () => {
    expectSql(select(users.c.id).selectFrom(users.join(orders)).where(orders.c.userId.eq(users.c.id)), {
      sqlite:
        "SELECT users.id FROM users JOIN orders ON users.id = orders.user_id WHERE orders.user_id = users.id",
      postgresql:
        "SELECT users.id FROM users JOIN orders ON users.id = orders.user_id WHERE orders.user_id = users.id",
    });
  });
  test("isDistinctFrom / isNotDistinctFrom: IS [NOT] DISTINCT FROM, MySQL <=>, SQLite IS [NOT]", () => {
    expectSql(where(users.c.age.isDistinctFrom(3)), {
      sqlite: "SELECT users.id FROM users WHERE users.age IS NOT ?",
      postgresql: "SELECT users.id FROM users WHERE users.age IS DISTINCT FROM $1::INTEGER",
      mysql: "SELECT users.id FROM users WHERE NOT (users.age <=> ?)",
    });
    expectSql(where(users.c.age.isNotDistinctFrom(null)), {
      sqlite: "SELECT users.id FROM users WHERE users.age IS ?",
      postgresql: "SELECT users.id FROM users WHERE users.age IS NOT DISTINCT FROM $1::INTEGER",
      mysql: "SELECT users.id FROM users WHERE users.age <=> ?",
    });
  });
  test("between / notBetween", () => {
    expectSql(where(and(users.c.age.between(18, 30), users.c.age.notBetween(40, 50))), {
      sqlite: "SELECT users.id FROM users WHERE users.age BETWEEN ? AND ? AND users.age NOT BETWEEN ? AND ?",
      postgresql:
        "SELECT users.id FROM users WHERE users.age BETWEEN $1::INTEGER AND $2::INTEGER AND users.age NOT BETWEEN $3::INTEGER AND $4::INTEGER",
    });
  });
});

describe("IN", () => {
  test("a list of values", () => {
    expectSql(where(users.c.id.in([1, 2, 3])), {
      sqlite: "SELECT users.id FROM users WHERE users.id IN (?, ?, ?)",
      postgresql: "SELECT users.id FROM users WHERE users.id IN ($1::INTEGER, $2::INTEGER, $3::INTEGER)",
    });
    expectSql(where(users.c.name.notIn(["a", "b"])), {
      sqlite: "SELECT users.id FROM users WHERE users.name NOT IN (?, ?)",
      postgresql: "SELECT users.id FROM users WHERE users.name NOT IN ($1::VARCHAR, $2::VARCHAR)",
    });
  });
  test("an empty list is always false, an empty NOT IN always true (never IN ())", () => {
    expectSql(where(users.c.id.in([])), {
      sqlite: "SELECT users.id FROM users WHERE (1 != 1)",
      postgresql: "SELECT users.id FROM users WHERE (1 != 1)",
    });
    expectSql(where(not(users.c.id.notIn([]))), {
      sqlite: "SELECT users.id FROM users WHERE NOT (1 = 1)",
      postgresql: "SELECT users.id FROM users WHERE NOT (1 = 1)",
    });
  });
  test("a subquery", () => {
    expectSql(where(users.c.id.in(select(orders.c.userId).where(orders.c.status.eq("paid")))), {
      sqlite:
        "SELECT users.id FROM users WHERE users.id IN (SELECT orders.user_id FROM orders WHERE orders.status = ?)",
      postgresql:
        "SELECT users.id FROM users WHERE users.id IN (SELECT orders.user_id FROM orders WHERE orders.status = $1::VARCHAR)",
    });
  });
  test("tuples", () => {
    expectSql(
      where(
        tuple_(users.c.id, users.c.name).in([
          [1, "ann"],
          [2, "bob"],
        ]),
      ),
      {
        sqlite: "SELECT users.id FROM users WHERE (users.id, users.name) IN ((?, ?), (?, ?))",
        postgresql:
          "SELECT users.id FROM users WHERE (users.id, users.name) IN (($1::INTEGER, $2::VARCHAR), ($3::INTEGER, $4::VARCHAR))",
      },
    );
    expectSql(where(tuple_(users.c.id, users.c.name).in([])), {
      sqlite: "SELECT users.id FROM users WHERE (1 != 1)",
      postgresql: "SELECT users.id FROM users WHERE (1 != 1)",
    });
    expectSql(where(tuple_(users.c.id, users.c.age).eq([1, 2])), {
      sqlite: "SELECT users.id FROM users WHERE (users.id, users.age) = (?, ?)",
      postgresql: "SELECT users.id FROM users WHERE (users.id, users.age) = ($1::INTEGER, $2::INTEGER)",
    });
  });
});

describe("strings", () => {
  test("like / notLike, with an escape character", () => {
    expectSql(where(and(users.c.name.like("a%"), users.c.name.notLike("b!%%", "!"))), {
      sqlite: "SELECT users.id FROM users WHERE users.name LIKE ? AND users.name NOT LIKE ? ESCAPE '!'",
      postgresql:
        "SELECT users.id FROM users WHERE users.name LIKE $1::VARCHAR AND users.name NOT LIKE $2::VARCHAR ESCAPE '!'",
    });
  });
  test("ilike: ILIKE on PostgreSQL, lower(x) LIKE lower(y) elsewhere", () => {
    expectSql(where(users.c.name.ilike("A%")), {
      sqlite: "SELECT users.id FROM users WHERE lower(users.name) LIKE lower(?)",
      postgresql: "SELECT users.id FROM users WHERE users.name ILIKE $1::VARCHAR",
    });
    expectSql(where(users.c.name.notIlike("A%")), {
      sqlite: "SELECT users.id FROM users WHERE lower(users.name) NOT LIKE lower(?)",
      postgresql: "SELECT users.id FROM users WHERE users.name NOT ILIKE $1::VARCHAR",
    });
  });
  test("contains / startsWith / endsWith escape % _ and the escape character", () => {
    const stmt = where(
      or(users.c.email.contains("50%_off"), users.c.name.startsWith("a/b"), users.c.name.endsWith("_z")),
    );
    expectSql(stmt, {
      sqlite:
        "SELECT users.id FROM users WHERE users.email LIKE ? ESCAPE '/' OR users.name LIKE ? ESCAPE '/' OR users.name LIKE ? ESCAPE '/'",
      postgresql:
        "SELECT users.id FROM users WHERE users.email LIKE $1::VARCHAR ESCAPE '/' OR users.name LIKE $2::VARCHAR ESCAPE '/' OR users.name LIKE $3::VARCHAR ESCAPE '/'",
    });
    expect(bindValues(stmt)).toEqual(["%50/%/_off%", "a//b%", "%/_z"]);
  });
  test("contains with an expression concatenates the wildcards in SQL", () => {
    expectSql(select(users.c.id).selectFrom(users.join(orders)).where(orders.c.note.contains(users.c.name)), {
      sqlite:
        "SELECT users.id FROM users JOIN orders ON users.id = orders.user_id WHERE orders.note LIKE ? || users.name || ?",
      postgresql:
        "SELECT users.id FROM users JOIN orders ON users.id = orders.user_id WHERE orders.note LIKE $1::VARCHAR || users.name || $2::VARCHAR",
      mysql:
        "SELECT users.id FROM users JOIN orders ON users.id = orders.user_id WHERE orders.note LIKE concat(?, users.name, ?)",
    });
  });
  test("concat: || (MySQL concat())", () => {
    expectSql(select(users.c.name.concat(" <").concat(users.c.email).label("who")), {
      sqlite: "SELECT users.name || ? || users.email AS who FROM users",
      postgresql: "SELECT users.name || $1::VARCHAR || users.email AS who FROM users",
      mysql: "SELECT concat(users.name, ?, users.email) AS who FROM users",
    });
  });
  test("collate", () => {
    expectSql(select(users.c.id).orderBy(users.c.name.collate("C")), {
      sqlite: 'SELECT users.id FROM users ORDER BY users.name COLLATE "C"',
      postgresql: 'SELECT users.id FROM users ORDER BY users.name COLLATE "C"',
      mysql: "SELECT users.id FROM users ORDER BY users.name COLLATE `C`",
    });
    expectSql(where(users.c.name.collate("utf8mb4_bin").eq("Ann")), {
      sqlite: "SELECT users.id FROM users WHERE users.name COLLATE utf8mb4_bin = ?",
      postgresql: "SELECT users.id FROM users WHERE users.name COLLATE utf8mb4_bin = $1::VARCHAR",
    });
  });
});

describe("arithmetic", () => {
  test("+ - * % and unary minus, parenthesised only where needed", () => {
    const e = users.c.age.add(1).mul(users.c.age.sub(2)).sub(users.c.age.mod(3)).label("x");
    expectSql(select(e, users.c.age.neg().label("n")), {
      sqlite: "SELECT (users.age + ?) * (users.age - ?) - users.age % ? AS x, -users.age AS n FROM users",
      postgresql:
        "SELECT (users.age + $1::INTEGER) * (users.age - $2::INTEGER) - users.age % $3::INTEGER AS x, -users.age AS n FROM users",
    });
    expectSql(select(users.c.age.sub(users.c.age.sub(1)).label("d")), {
      sqlite: "SELECT users.age - (users.age - ?) AS d FROM users",
      postgresql: "SELECT users.age - (users.age - $1::INTEGER) AS d FROM users",
    });
  });
  test("true division of integers is exact, as in SQLAlchemy 2.0", () => {
    expectSql(select(users.c.age.div(2).label("half")), {
      sqlite: "SELECT users.age / (? + 0.0) AS half FROM users",
      postgresql: "SELECT users.age / CAST($1::INTEGER AS NUMERIC) AS half FROM users",
      mysql: "SELECT users.age / ? AS half FROM users",
    });
    expectSql(select(users.c.score.div(2).label("s")), {
      sqlite: "SELECT users.score / ? AS s FROM users",
      postgresql: "SELECT users.score / $1::NUMERIC AS s FROM users",
    });
  });
  test("floor division", () => {
    expectSql(select(users.c.age.floorDiv(7).label("w"), users.c.score.floorDiv(2).label("f")), {
      sqlite: "SELECT CAST(users.age / ? AS INTEGER) AS w, FLOOR(users.score / ?) AS f FROM users",
      postgresql: "SELECT users.age / $1::INTEGER AS w, FLOOR(users.score / $2::NUMERIC) AS f FROM users",
      mysql: "SELECT users.age DIV ? AS w, FLOOR(users.score / ?) AS f FROM users",
    });
  });
});

describe("boolean logic and constants", () => {
  test("and / or / not nest with parentheses where needed", () => {
    expectSql(where(and(users.c.age.gt(1), or(users.c.name.eq("a"), not(users.c.isActive)))), {
      sqlite: "SELECT users.id FROM users WHERE users.age > ? AND (users.name = ? OR NOT users.is_active)",
      postgresql:
        "SELECT users.id FROM users WHERE users.age > $1::INTEGER AND (users.name = $2::VARCHAR OR NOT users.is_active)",
    });
    expectSql(where(not(and(users.c.age.gt(1), users.c.age.lt(9)))), {
      sqlite: "SELECT users.id FROM users WHERE NOT (users.age > ? AND users.age < ?)",
      postgresql:
        "SELECT users.id FROM users WHERE NOT (users.age > $1::INTEGER AND users.age < $2::INTEGER)",
    });
  });
  test("and() / or() skip undefined, flatten, and of nothing is true", () => {
    const maybe: string | undefined = undefined;
    expectSql(
      where(
        and(
          users.c.age.gt(1),
          maybe === undefined ? undefined : users.c.name.eq(maybe),
          and(users.c.age.lt(5)),
        ),
      ),
      {
        sqlite: "SELECT users.id FROM users WHERE users.age > ? AND users.age < ?",
        postgresql: "SELECT users.id FROM users WHERE users.age > $1::INTEGER AND users.age < $2::INTEGER",
      },
    );
    expectSql(where(and()), {
      sqlite: "SELECT users.id FROM users WHERE 1",
      postgresql: "SELECT users.id FROM users WHERE true",
      mysql: "SELECT users.id FROM users WHERE true",
    });
  });
  test("true / false / null: 1 and 0 on SQLite", () => {
    expectSql(select(true_().label("t"), false_().label("f"), null_().label("n")), {
      sqlite: "SELECT 1 AS t, 0 AS f, NULL AS n",
      postgresql: "SELECT true AS t, false AS f, NULL AS n",
      mysql: "SELECT true AS t, false AS f, NULL AS n",
    });
    expectSql(where(or(true_(), false_())), {
      sqlite: "SELECT users.id FROM users WHERE 1 OR 0",
      postgresql: "SELECT users.id FROM users WHERE true OR false",
      mysql: "SELECT users.id FROM users WHERE true OR false",
    });
  });
  test("literal() binds a typed value", () => {
    expectSql(select(literal(5).label("five"), literal("x").label("s"), literal(1.5).label("f")), {
      sqlite: "SELECT ? AS five, ? AS s, ? AS f",
      postgresql: "SELECT $1::INTEGER AS five, $2::VARCHAR AS s, $3::FLOAT AS f",
    });
  });
});

describe("ordering, labels, casts", () => {
  test("asc / desc / nullsFirst / nullsLast (MySQL emulates NULLS with IS NULL)", () => {
    const stmt = select(users.c.id).orderBy(
      asc(users.c.name),
      desc(users.c.age).nullsLast(),
      users.c.email.nullsFirst(),
      nullsFirst(users.c.score.desc()),
    );
    expectSql(stmt, {
      sqlite:
        "SELECT users.id FROM users ORDER BY users.name ASC, users.age DESC NULLS LAST, users.email NULLS FIRST, users.score DESC NULLS FIRST",
      postgresql:
        "SELECT users.id FROM users ORDER BY users.name ASC, users.age DESC NULLS LAST, users.email NULLS FIRST, users.score DESC NULLS FIRST",
      mysql:
        "SELECT users.id FROM users ORDER BY users.name ASC, users.age DESC, users.email, users.score IS NULL DESC, users.score DESC",
    });
    expectSql(select(users.c.id).orderBy(users.c.age.asc().nullsLast()), {
      sqlite: "SELECT users.id FROM users ORDER BY users.age ASC NULLS LAST",
      postgresql: "SELECT users.id FROM users ORDER BY users.age ASC NULLS LAST",
      mysql: "SELECT users.id FROM users ORDER BY users.age IS NULL, users.age ASC",
    });
  });
  test("label renames the row key; labels and names are quoted when needed", () => {
    const c = compile(select(users.c.id.label("userId"), users.c.name.label("select")), "postgresql");
    expect(c.sql).toBe('SELECT users.id AS "userId", users.name AS "select" FROM users');
    expect(c.resultColumns!.map((r) => r.key)).toEqual(["userId", "select"]);
  });
  test("cast, per dialect type names (MySQL casts to its CAST targets)", () => {
    expectSql(select(cast(users.c.age, String(10)).label("s"), users.c.name.cast(Integer).label("i")), {
      sqlite: "SELECT CAST(users.age AS VARCHAR(10)) AS s, CAST(users.name AS INTEGER) AS i FROM users",
      postgresql: "SELECT CAST(users.age AS VARCHAR(10)) AS s, CAST(users.name AS INTEGER) AS i FROM users",
      mysql: "SELECT CAST(users.age AS CHAR(10)) AS s, CAST(users.name AS SIGNED) AS i FROM users",
    });
  });
  test("typeCoerce changes the type without SQL", () => {
    const e = typeCoerce(users.c.name, Integer);
    expect(compile(select(e), "sqlite").sql).toBe("SELECT users.name FROM users");
    expect(compile(select(e), "sqlite").resultColumns![0]!.type).toBe(Integer);
  });
  test("bindparam: a named parameter given at execution", () => {
    const c = compile(where(users.c.id.eq(bindparam("uid", Integer))), "postgresql");
    expect(c.sql).toBe("SELECT users.id FROM users WHERE users.id = $1::INTEGER");
    expect(c.binds[0]).toMatchObject({ key: "uid", hasValue: false });
  });
  test("free-standing columns render unqualified", () => {
    expectSql(select(column("x"), column("Y")), {
      sqlite: 'SELECT x, "Y"',
      postgresql: 'SELECT x, "Y"',
      mysql: "SELECT x, `Y`",
    });
  });
});
