/**
 * SELECT constructs compiled on SQLite, PostgreSQL and MySQL: joins, subqueries, CTEs,
 * compound SELECTs, grouping, windows, locking, functions and quoting.
 */
import { describe, expect, test } from "vitest";
import {
  and,
  case_,
  Column,
  except_,
  exceptAll,
  exists,
  extract,
  func,
  Integer,
  intersect,
  intersectAll,
  MetaData,
  not,
  select,
  Table,
  true_,
  union,
  unionAll,
} from "../../src/index.js";
import { compile, dialects, expectSql, nodes, orders, quoted, users } from "./fixtures.js";

describe("FROM and joins", () => {
  test("FROM comes from the selected columns and WHERE", () => {
    expectSql(select(users.c.name).where(orders.c.userId.eq(users.c.id)), {
      sqlite: "SELECT users.name FROM users, orders WHERE orders.user_id = users.id",
      postgresql: "SELECT users.name FROM users, orders WHERE orders.user_id = users.id",
    });
  });
  test("select(table) selects every column", () => {
    expectSql(select(orders), {
      sqlite: "SELECT orders.id, orders.user_id, orders.total, orders.status, orders.note FROM orders",
      postgresql: "SELECT orders.id, orders.user_id, orders.total, orders.status, orders.note FROM orders",
    });
  });
  test("join infers ON from the one foreign key; outerJoin; the joined table is not repeated", () => {
    expectSql(select(users.c.name, orders.c.total).join(orders), {
      sqlite: "SELECT users.name, orders.total FROM users JOIN orders ON users.id = orders.user_id",
      postgresql: "SELECT users.name, orders.total FROM users JOIN orders ON users.id = orders.user_id",
    });
    expectSql(select(users.c.name).outerJoin(orders), {
      sqlite: "SELECT users.name FROM users LEFT OUTER JOIN orders ON users.id = orders.user_id",
      postgresql: "SELECT users.name FROM users LEFT OUTER JOIN orders ON users.id = orders.user_id",
    });
    expectSql(select(orders.c.id).join(users), {
      sqlite: "SELECT orders.id FROM orders JOIN users ON users.id = orders.user_id",
      postgresql: "SELECT orders.id FROM orders JOIN users ON users.id = orders.user_id",
    });
  });
  test("join with an explicit ON clause, joinFrom, selectFrom(a.join(b))", () => {
    expectSql(
      select(users.c.name).join(orders, and(orders.c.userId.eq(users.c.id), orders.c.total.gt("10"))),
      {
        sqlite: "SELECT users.name FROM users JOIN orders ON orders.user_id = users.id AND orders.total > ?",
        postgresql:
          "SELECT users.name FROM users JOIN orders ON orders.user_id = users.id AND orders.total > $1::NUMERIC",
      },
    );
    expectSql(select(orders.c.id).joinFrom(users, orders), {
      sqlite: "SELECT orders.id FROM users JOIN orders ON users.id = orders.user_id",
      postgresql: "SELECT orders.id FROM users JOIN orders ON users.id = orders.user_id",
    });
    expectSql(select(users.c.id).selectFrom(users.outerJoin(orders, orders.c.status.eq("paid"))), {
      sqlite: "SELECT users.id FROM users LEFT OUTER JOIN orders ON orders.status = ?",
      postgresql: "SELECT users.id FROM users LEFT OUTER JOIN orders ON orders.status = $1::VARCHAR",
    });
  });
  test("FULL OUTER JOIN (refused on MySQL)", () => {
    const stmt = select(users.c.name, orders.c.id).fullOuterJoin(orders);
    expect(compile(stmt, "sqlite").sql).toBe(
      "SELECT users.name, orders.id FROM users FULL OUTER JOIN orders ON users.id = orders.user_id",
    );
    expect(compile(stmt, "postgresql").sql).toBe(
      "SELECT users.name, orders.id FROM users FULL OUTER JOIN orders ON users.id = orders.user_id",
    );
    expect(() => compile(stmt, "mysql")).toThrow(/FULL OUTER JOIN is not supported by the mysql dialect/);
  });
  test("self-join through aliases", () => {
    const parent = nodes.alias("parent");
    expectSql(
      select(nodes.c.label, parent.c.label.label("parentLabel")).join(
        parent,
        nodes.c.parentId.eq(parent.c.id),
      ),
      {
        sqlite:
          'SELECT nodes.label, parent.label AS "parentLabel" FROM nodes JOIN nodes AS parent ON nodes.parent_id = parent.id',
        postgresql:
          'SELECT nodes.label, parent.label AS "parentLabel" FROM nodes JOIN nodes AS parent ON nodes.parent_id = parent.id',
        mysql:
          "SELECT nodes.label, parent.label AS `parentLabel` FROM nodes JOIN nodes AS parent ON nodes.parent_id = parent.id",
      },
    );
    const a = users.alias();
    expect(compile(select(a.c.id).where(a.c.id.gt(1)), "sqlite").sql).toBe(
      "SELECT anon_1.id FROM users AS anon_1 WHERE anon_1.id > ?",
    );
  });
});

describe("subqueries", () => {
  test("a subquery in FROM labels its columns by key; anonymous ones are named anon_N", () => {
    const totals = select(orders.c.userId, func.sum(orders.c.total).label("spent"))
      .groupBy(orders.c.userId)
      .subquery("totals");
    expectSql(
      select(users.c.name, totals.c.spent)
        .join(totals, totals.c.userId.eq(users.c.id))
        .where(totals.c.spent.gt("10")),
      {
        sqlite:
          'SELECT users.name, totals.spent FROM users JOIN (SELECT orders.user_id AS "userId", sum(orders.total) AS spent FROM orders GROUP BY orders.user_id) AS totals ON totals."userId" = users.id WHERE totals.spent > ?',
        postgresql:
          'SELECT users.name, totals.spent FROM users JOIN (SELECT orders.user_id AS "userId", sum(orders.total) AS spent FROM orders GROUP BY orders.user_id) AS totals ON totals."userId" = users.id WHERE totals.spent > $1::NUMERIC',
        mysql:
          "SELECT users.name, totals.spent FROM users JOIN (SELECT orders.user_id AS `userId`, sum(orders.total) AS spent FROM orders GROUP BY orders.user_id) AS totals ON totals.`userId` = users.id WHERE totals.spent > ?",
      },
    );
    const anon = select(users.c.id).subquery();
    expect(compile(select(anon.c.id), "sqlite").sql).toBe(
      "SELECT anon_1.id FROM (SELECT users.id FROM users) AS anon_1",
    );
  });
  test("a scalar subquery correlates to the enclosing SELECT", () => {
    const n = select(func.count().label("n")).where(orders.c.userId.eq(users.c.id)).scalarSubquery();
    expectSql(select(users.c.name, n.label("orderCount")), {
      sqlite:
        'SELECT users.name, (SELECT count(*) AS n FROM orders WHERE orders.user_id = users.id) AS "orderCount" FROM users',
      postgresql:
        'SELECT users.name, (SELECT count(*) AS n FROM orders WHERE orders.user_id = users.id) AS "orderCount" FROM users',
      mysql:
        "SELECT users.name, (SELECT count(*) AS n FROM orders WHERE orders.user_id = users.id) AS `orderCount` FROM users",
    });
  });
  test("EXISTS, correlated, and its negation", () => {
    const hasPaid = exists(
      select(orders.c.id).where(orders.c.userId.eq(users.c.id), orders.c.status.eq("paid")),
    );
    expectSql(select(users.c.name).where(hasPaid), {
      sqlite:
        "SELECT users.name FROM users WHERE EXISTS (SELECT orders.id FROM orders WHERE orders.user_id = users.id AND orders.status = ?)",
      postgresql:
        "SELECT users.name FROM users WHERE EXISTS (SELECT orders.id FROM orders WHERE orders.user_id = users.id AND orders.status = $1::VARCHAR)",
    });
    expect(compile(select(users.c.name).where(not(hasPaid)), "sqlite").sql).toBe(
      "SELECT users.name FROM users WHERE NOT EXISTS (SELECT orders.id FROM orders WHERE orders.user_id = users.id AND orders.status = ?)",
    );
    expect(
      compile(
        select(users.c.name).where(select(orders.c.id).where(orders.c.userId.eq(users.c.id)).exists()),
        "sqlite",
      ).sql,
    ).toBe(
      "SELECT users.name FROM users WHERE EXISTS (SELECT orders.id FROM orders WHERE orders.user_id = users.id)",
    );
  });
  test("a single-FROM subquery is not auto-correlated; correlate() forces it", () => {
    const inner = select(orders.c.id).where(orders.c.userId.eq(3));
    expect(compile(select(orders.c.id).where(orders.c.id.in(inner)), "sqlite").sql).toBe(
      "SELECT orders.id FROM orders WHERE orders.id IN (SELECT orders.id FROM orders WHERE orders.user_id = ?)",
    );
    const forced = select(func.count())
      .selectFrom(orders)
      .where(orders.c.userId.eq(users.c.id))
      .correlate(users);
    expect(compile(select(users.c.id, forced.scalarSubquery().label("n")), "sqlite").sql).toBe(
      "SELECT users.id, (SELECT count(*) FROM orders WHERE orders.user_id = users.id) AS n FROM users",
    );
  });
  test("LATERAL (PostgreSQL, MySQL 8; refused on SQLite)", () => {
    const last = select(orders.c.total)
      .where(orders.c.userId.eq(users.c.id))
      .orderBy(orders.c.id.desc())
      .limit(1)
      .lateral("last");
    const stmt = select(users.c.name, last.c.total).selectFrom(users.join(last, true_()));
    expect(compile(stmt, "postgresql").sql).toBe(
      "SELECT users.name, last.total FROM users JOIN LATERAL (SELECT orders.total FROM orders WHERE orders.user_id = users.id ORDER BY orders.id DESC LIMIT $1::INTEGER) AS last ON true",
    );
    expect(() => compile(stmt, "sqlite")).toThrow(/LATERAL is not supported by the sqlite dialect/);
    expect(() => compile(stmt, "mysql")).toThrow(/LATERAL is not supported by the mysql \(MariaDB\) dialect/);
    const mysql8 = Object.assign(Object.create(Object.getPrototypeOf(dialects.mysql)), dialects.mysql, {
      isMariaDB: false,
    });
    expect(mysql8.compile(stmt).sql).toBe(
      "SELECT users.name, last.total FROM users JOIN LATERAL (SELECT orders.total FROM orders WHERE orders.user_id = users.id ORDER BY orders.id DESC LIMIT ?) AS last ON true",
    );
  });
});

describe("CTEs", () => {
  test("WITH name AS (…) at the top, however deep it is used", () => {
    const paid = select(orders.c.userId, orders.c.total).where(orders.c.status.eq("paid")).cte("paid");
    const stmt = select(users.c.name).where(users.c.id.in(select(paid.c.userId)));
    expectSql(stmt, {
      sqlite:
        'WITH paid AS (SELECT orders.user_id AS "userId", orders.total FROM orders WHERE orders.status = ?) SELECT users.name FROM users WHERE users.id IN (SELECT paid."userId" FROM paid)',
      postgresql:
        'WITH paid AS (SELECT orders.user_id AS "userId", orders.total FROM orders WHERE orders.status = $1::VARCHAR) SELECT users.name FROM users WHERE users.id IN (SELECT paid."userId" FROM paid)',
      mysql:
        "WITH paid AS (SELECT orders.user_id AS `userId`, orders.total FROM orders WHERE orders.status = ?) SELECT users.name FROM users WHERE users.id IN (SELECT paid.`userId` FROM paid)",
    });
  });
  test("parameters of the WITH clause come first, in text order", () => {
    const big = select(orders.c.id).where(orders.c.total.gt("50")).cte("big");
    const c = compile(select(big.c.id).where(big.c.id.gt(5)), "sqlite");
    expect(c.sql).toBe(
      "WITH big AS (SELECT orders.id FROM orders WHERE orders.total > ?) SELECT big.id FROM big WHERE big.id > ?",
    );
    expect(c.binds.map((b) => b.value)).toEqual(["50", 5]);
  });
  test("recursive CTE with union all and an alias of itself", () => {
    const tree = select(nodes.c.id, nodes.c.label).where(nodes.c.id.eq(1)).cte("tree", { recursive: true });
    const t = tree.alias("t");
    const full = tree.unionAll(select(nodes.c.id, nodes.c.label).join(t, nodes.c.parentId.eq(t.c.id)));
    expectSql(select(full.c.label).orderBy(full.c.id), {
      sqlite:
        "WITH RECURSIVE tree(id, label) AS (SELECT nodes.id, nodes.label FROM nodes WHERE nodes.id = ? UNION ALL SELECT nodes.id, nodes.label FROM nodes JOIN tree AS t ON nodes.parent_id = t.id) SELECT tree.label FROM tree ORDER BY tree.id",
      postgresql:
        "WITH RECURSIVE tree(id, label) AS (SELECT nodes.id, nodes.label FROM nodes WHERE nodes.id = $1::INTEGER UNION ALL SELECT nodes.id, nodes.label FROM nodes JOIN tree AS t ON nodes.parent_id = t.id) SELECT tree.label FROM tree ORDER BY tree.id",
    });
  });
  test("two CTEs, one using the other, are listed in dependency order", () => {
    const a = select(users.c.id).where(users.c.age.gt(20)).cte("a");
    const b = select(a.c.id).where(a.c.id.lt(4)).cte("b");
    expect(compile(select(b.c.id), "sqlite").sql).toBe(
      "WITH a AS (SELECT users.id FROM users WHERE users.age > ?), b AS (SELECT a.id FROM a WHERE a.id < ?) SELECT b.id FROM b",
    );
  });
});

describe("compound SELECTs", () => {
  test("union / unionAll / intersect / except, ordered by result names", () => {
    const u = union(select(users.c.id, users.c.name), select(orders.c.id, orders.c.status))
      .orderBy(users.c.name)
      .limit(3);
    expectSql(u, {
      sqlite:
        "SELECT users.id, users.name FROM users UNION SELECT orders.id, orders.status FROM orders ORDER BY name LIMIT ?",
      postgresql:
        "SELECT users.id, users.name FROM users UNION SELECT orders.id, orders.status FROM orders ORDER BY name LIMIT $1::INTEGER",
    });
    expect(compile(unionAll(select(users.c.id), select(orders.c.userId)), "sqlite").sql).toBe(
      "SELECT users.id FROM users UNION ALL SELECT orders.user_id FROM orders",
    );
    expect(compile(intersect(select(users.c.id), select(orders.c.userId)), "sqlite").sql).toBe(
      "SELECT users.id FROM users INTERSECT SELECT orders.user_id FROM orders",
    );
    expect(compile(except_(select(users.c.id), select(orders.c.userId)), "sqlite").sql).toBe(
      "SELECT users.id FROM users EXCEPT SELECT orders.user_id FROM orders",
    );
    expect(
      compile(
        select(users.c.id).except(select(orders.c.userId)).orderBy(u.selectedColumns.id!.desc()),
        "postgresql",
      ).sql,
    ).toBe("SELECT users.id FROM users EXCEPT SELECT orders.user_id FROM orders ORDER BY id DESC");
  });
  test("INTERSECT ALL / EXCEPT ALL (not on SQLite)", () => {
    const i = intersectAll(select(users.c.id), select(orders.c.userId));
    expect(compile(i, "postgresql").sql).toBe(
      "SELECT users.id FROM users INTERSECT ALL SELECT orders.user_id FROM orders",
    );
    expect(compile(exceptAll(select(users.c.id), select(orders.c.userId)), "mysql").sql).toBe(
      "SELECT users.id FROM users EXCEPT ALL SELECT orders.user_id FROM orders",
    );
    expect(() => compile(i, "sqlite")).toThrow(/INTERSECT ALL is not supported by the sqlite dialect/);
  });
  test("a member with its own LIMIT is parenthesised (SQLite: wrapped as a subquery)", () => {
    const u = union(select(users.c.id).orderBy(users.c.id).limit(1), select(orders.c.id).limit(1));
    expectSql(u, {
      sqlite:
        "SELECT * FROM (SELECT users.id FROM users ORDER BY users.id LIMIT ?) UNION SELECT * FROM (SELECT orders.id FROM orders LIMIT ?)",
      postgresql:
        "(SELECT users.id FROM users ORDER BY users.id LIMIT $1::INTEGER) UNION (SELECT orders.id FROM orders LIMIT $2::INTEGER)",
      mysql:
        "(SELECT users.id FROM users ORDER BY users.id LIMIT ?) UNION (SELECT orders.id FROM orders LIMIT ?)",
    });
  });
  test("different column counts are refused", () => {
    expect(() => union(select(users.c.id), select(orders.c.id, orders.c.total))).toThrow(
      /same number of columns; SELECT #1 has 1, SELECT #2 has 2/,
    );
  });
  test("a compound as a subquery", () => {
    const ids = union(select(users.c.id), select(orders.c.userId)).subquery("ids");
    expect(compile(select(func.count()).selectFrom(ids), "sqlite").sql).toBe(
      'SELECT count(*) FROM (SELECT users.id FROM users UNION SELECT orders.user_id AS "userId" FROM orders) AS ids',
    );
  });
});

describe("grouping, DISTINCT, LIMIT, locking", () => {
  test("groupBy / having, labels referenced by name", () => {
    expectSql(
      select(orders.c.status, func.count().label("n"))
        .groupBy(orders.c.status)
        .having(func.count().gt(1))
        .orderBy("n"),
      {
        sqlite:
          "SELECT orders.status, count(*) AS n FROM orders GROUP BY orders.status HAVING count(*) > ? ORDER BY n",
        postgresql:
          "SELECT orders.status, count(*) AS n FROM orders GROUP BY orders.status HAVING count(*) > $1::BIGINT ORDER BY n",
      },
    );
    expect(() => select(orders.c.status).orderBy("nope")).toThrow(
      /Can't resolve label reference 'nope'.*status/,
    );
  });
  test("distinct, and DISTINCT ON on PostgreSQL only", () => {
    expectSql(select(orders.c.status).distinct(), {
      sqlite: "SELECT DISTINCT orders.status FROM orders",
      postgresql: "SELECT DISTINCT orders.status FROM orders",
    });
    const on = select(orders.c.userId, orders.c.total)
      .distinct(orders.c.userId)
      .orderBy(orders.c.userId, orders.c.total.desc());
    expect(compile(on, "postgresql").sql).toBe(
      "SELECT DISTINCT ON (orders.user_id) orders.user_id, orders.total FROM orders ORDER BY orders.user_id, orders.total DESC",
    );
    expect(() => compile(on, "sqlite")).toThrow(/DISTINCT ON is not supported by the sqlite dialect/);
    expect(() => compile(on, "mysql")).toThrow(/DISTINCT ON is not supported by the mysql dialect/);
  });
  test("limit / offset as parameters; OFFSET alone gets the dialect's 'no limit'", () => {
    expectSql(select(users.c.id).limit(10).offset(20), {
      sqlite: "SELECT users.id FROM users LIMIT ? OFFSET ?",
      postgresql: "SELECT users.id FROM users LIMIT $1::INTEGER OFFSET $2::INTEGER",
    });
    expectSql(select(users.c.id).offset(5), {
      sqlite: "SELECT users.id FROM users LIMIT -1 OFFSET ?",
      postgresql: "SELECT users.id FROM users OFFSET $1::INTEGER",
      mysql: "SELECT users.id FROM users LIMIT 18446744073709551615 OFFSET ?",
    });
    expect(() => select(users.c.id).limit(-1)).toThrow(/limit\(\) takes a non-negative integer, got -1/);
  });
  test("forUpdate: PostgreSQL's variants, MySQL's, ignored on SQLite", () => {
    const s = select(users.c.id).where(users.c.id.eq(1));
    expectSql(s.forUpdate(), {
      sqlite: "SELECT users.id FROM users WHERE users.id = ?",
      postgresql: "SELECT users.id FROM users WHERE users.id = $1::INTEGER FOR UPDATE",
      mysql: "SELECT users.id FROM users WHERE users.id = ? FOR UPDATE",
    });
    expectSql(s.forUpdate({ nowait: true, of: [users] }), {
      sqlite: "SELECT users.id FROM users WHERE users.id = ?",
      postgresql: "SELECT users.id FROM users WHERE users.id = $1::INTEGER FOR UPDATE OF users NOWAIT",
      mysql: "SELECT users.id FROM users WHERE users.id = ? FOR UPDATE NOWAIT",
    });
    expectSql(s.forUpdate({ skipLocked: true }), {
      sqlite: "SELECT users.id FROM users WHERE users.id = ?",
      postgresql: "SELECT users.id FROM users WHERE users.id = $1::INTEGER FOR UPDATE SKIP LOCKED",
      mysql: "SELECT users.id FROM users WHERE users.id = ? FOR UPDATE SKIP LOCKED",
    });
    expectSql(s.forUpdate({ read: true }), {
      sqlite: "SELECT users.id FROM users WHERE users.id = ?",
      postgresql: "SELECT users.id FROM users WHERE users.id = $1::INTEGER FOR SHARE",
      mysql: "SELECT users.id FROM users WHERE users.id = ? LOCK IN SHARE MODE",
    });
    expect(compile(s.forUpdate({ keyShare: true, of: [users.c.id] }), "postgresql").sql).toBe(
      "SELECT users.id FROM users WHERE users.id = $1::INTEGER FOR NO KEY UPDATE OF users",
    );
  });
});

describe("functions, CASE, windows", () => {
  test("func.* renders any name; known names map per dialect", () => {
    expectSql(
      select(
        func.count(users.c.id),
        func.countDistinct(users.c.age),
        func.coalesce(users.c.email, "none").label("e"),
        func.call("json_valid", users.c.name),
      ),
      {
        sqlite:
          "SELECT count(users.id), count(DISTINCT users.age), coalesce(users.email, ?) AS e, json_valid(users.name) FROM users",
        postgresql:
          "SELECT count(users.id), count(DISTINCT users.age), coalesce(users.email, $1::VARCHAR) AS e, json_valid(users.name) FROM users",
      },
    );
    expectSql(select(func.now(), func.random(), func.length(users.c.name), func.charLength(users.c.name)), {
      sqlite: "SELECT CURRENT_TIMESTAMP, random(), length(users.name), length(users.name) FROM users",
      postgresql: "SELECT now(), random(), length(users.name), char_length(users.name) FROM users",
      mysql: "SELECT now(), rand(), char_length(users.name), char_length(users.name) FROM users",
    });
    expectSql(select(func.currentDate(), func.aggregateStrings(users.c.name, ", ")), {
      sqlite: "SELECT CURRENT_DATE, group_concat(users.name, ?) FROM users",
      postgresql: "SELECT CURRENT_DATE, string_agg(users.name, $1::VARCHAR) FROM users",
      mysql: "SELECT CURRENT_DATE, group_concat(users.name SEPARATOR ?) FROM users",
    });
    expect(compile(select(func.round(func.avg(users.c.age), 1)), "postgresql").sql).toBe(
      "SELECT round(avg(users.age), $1::INTEGER) FROM users",
    );
    expect(() => (func as any)["drop table x;--"]()).toThrow(
      /Function name 'drop table x;--' is not a plain SQL name/,
    );
  });
  test("aggregate FILTER (not on MySQL)", () => {
    const stmt = select(func.count().filter(orders.c.status.eq("paid")).label("paid")).selectFrom(orders);
    expect(compile(stmt, "postgresql").sql).toBe(
      "SELECT count(*) FILTER (WHERE orders.status = $1::VARCHAR) AS paid FROM orders",
    );
    expect(compile(stmt, "sqlite").sql).toBe(
      "SELECT count(*) FILTER (WHERE orders.status = ?) AS paid FROM orders",
    );
    expect(() => compile(stmt, "mysql")).toThrow(
      /FILTER \(WHERE …\) on aggregates is not supported by the mysql dialect/,
    );
  });
  test("case_: searched and simple", () => {
    const size = case_(
      [
        [orders.c.total.gt("50"), "big"],
        [orders.c.total.gt("10"), "medium"],
      ],
      { else: "small" },
    );
    expectSql(select(size.label("size")), {
      sqlite:
        "SELECT CASE WHEN orders.total > ? THEN ? WHEN orders.total > ? THEN ? ELSE ? END AS size FROM orders",
      postgresql:
        "SELECT CASE WHEN orders.total > $1::NUMERIC THEN $2::VARCHAR WHEN orders.total > $3::NUMERIC THEN $4::VARCHAR ELSE $5::VARCHAR END AS size FROM orders",
    });
    expectSql(
      select(
        case_(orders.c.status, [
          ["paid", 1],
          ["open", 2],
        ]).label("rank"),
      ),
      {
        sqlite: "SELECT CASE orders.status WHEN ? THEN ? WHEN ? THEN ? END AS rank FROM orders",
        postgresql:
          "SELECT CASE orders.status WHEN $1::VARCHAR THEN $2::INTEGER WHEN $3::VARCHAR THEN $4::INTEGER END AS rank FROM orders",
      },
    );
  });
  test("window functions: partition, order, ROWS/RANGE frames", () => {
    const rn = func.rowNumber().over({ partitionBy: orders.c.userId, orderBy: orders.c.total.desc() });
    const running = func.sum(orders.c.total).over({ orderBy: orders.c.id, rows: [null, 0] });
    const around = func.avg(orders.c.total).over({ orderBy: orders.c.id, range: [-1, 2] });
    expectSql(select(rn.label("rn"), running.label("running"), around.label("around")), {
      sqlite:
        "SELECT row_number() OVER (PARTITION BY orders.user_id ORDER BY orders.total DESC) AS rn, sum(orders.total) OVER (ORDER BY orders.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running, avg(orders.total) OVER (ORDER BY orders.id RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING) AS around FROM orders",
      postgresql:
        "SELECT row_number() OVER (PARTITION BY orders.user_id ORDER BY orders.total DESC) AS rn, sum(orders.total) OVER (ORDER BY orders.id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running, avg(orders.total) OVER (ORDER BY orders.id RANGE BETWEEN 1 PRECEDING AND 2 FOLLOWING) AS around FROM orders",
    });
    expect(compile(select(func.rank().over()), "sqlite").sql).toBe("SELECT rank() OVER ()");
    expect(() => func.rank().over({ rows: [1.5, 0] })).toThrow(/frame bound must be an integer/);
  });
  test("extract", () => {
    expectSql(
      select(extract("year", users.c.createdAt).label("y"), extract("dow", users.c.createdAt).label("d")),
      {
        sqlite:
          "SELECT CAST(STRFTIME('%Y', users.created_at) AS INTEGER) AS y, CAST(STRFTIME('%w', users.created_at) AS INTEGER) AS d FROM users",
        postgresql:
          "SELECT CAST(EXTRACT(YEAR FROM users.created_at) AS INTEGER) AS y, CAST(EXTRACT(DOW FROM users.created_at) AS INTEGER) AS d FROM users",
        mysql:
          "SELECT EXTRACT(YEAR FROM users.created_at) AS y, (DAYOFWEEK(users.created_at) - 1) AS d FROM users",
      },
    );
  });
});

describe("quoting", () => {
  test("reserved words and mixed case are quoted per dialect, plain names are not", () => {
    expectSql(
      select(quoted.c.id, quoted.c.from, quoted.c.orderNo, quoted.c.userName).where(quoted.c.from.eq("x")),
      {
        sqlite:
          'SELECT "select".id, "select"."from", "select"."Order", "select"."userName" FROM "select" WHERE "select"."from" = ?',
        postgresql:
          'SELECT "select".id, "select"."from", "select"."Order", "select"."userName" FROM "select" WHERE "select"."from" = $1::VARCHAR',
        mysql:
          "SELECT `select`.id, `select`.`from`, `select`.`Order`, `select`.`userName` FROM `select` WHERE `select`.`from` = ?",
      },
    );
    const c = compile(select(quoted.c.orderNo), "sqlite");
    expect(c.resultColumns!.map((r) => r.key)).toEqual(["orderNo"]);
  });
  test("schema-qualified tables; quote characters inside names are doubled", () => {
    const t = new Table(
      'Weird"Name`',
      new MetaData(),
      { id: Column(Integer, { primaryKey: true }) },
      { schema: "Other" },
    );
    expectSql(select(t.c.id), {
      sqlite: 'SELECT "Other"."Weird""Name`".id FROM "Other"."Weird""Name`"',
      postgresql: 'SELECT "Other"."Weird""Name`".id FROM "Other"."Weird""Name`"',
      mysql: 'SELECT `Other`.`Weird"Name```.id FROM `Other`.`Weird"Name```',
    });
  });
  test("select of nothing but expressions has no FROM", () => {
    expect(compile(select(func.lower("ABC").label("l")), "postgresql").sql).toBe(
      "SELECT lower($1::VARCHAR) AS l",
    );
  });
});
