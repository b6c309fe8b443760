import { describe, expect, test } from "vitest";
import { ArgumentError, createEngine, makeUrl, URL } from "../../src/index.js";

describe("makeUrl", () => {
  test("sqlite forms", () => {
    expect(makeUrl("sqlite:///relative.db").database).toBe("relative.db");
    expect(makeUrl("sqlite:///dir/sub/relative.db").database).toBe("dir/sub/relative.db");
    expect(makeUrl("sqlite:////abs/path.db").database).toBe("/abs/path.db");
    expect(makeUrl("sqlite:///:memory:").database).toBe(":memory:");
    const mem = makeUrl("sqlite://");
    expect(mem.database).toBeNull();
    expect(mem.backend).toBe("sqlite");
    expect(makeUrl("sqlite:///app.db?foreign_keys=off&timeout=100").query).toEqual({
      foreign_keys: "off",
      timeout: "100",
    });
    expect(makeUrl("sqlite+better-sqlite3:///app.db").driver).toBe("better-sqlite3");
  });

  test("server URLs: user, encoded password, host, port, database, query", () => {
    const u = makeUrl(
      "postgresql://scott:p%40ss%3Aw%2Frd@db.example.com:5433/inventory?sslmode=require&application_name=app",
    );
    expect(u.drivername).toBe("postgresql");
    expect(u.backend).toBe("postgresql");
    expect(u.driver).toBeNull();
    expect(u.username).toBe("scott");
    expect(u.password).toBe("p@ss:w/rd");
    expect(u.host).toBe("db.example.com");
    expect(u.port).toBe(5433);
    expect(u.database).toBe("inventory");
    expect(u.query).toEqual({ sslmode: "require", application_name: "app" });

    const pg = makeUrl("postgresql+pg://u@localhost/db");
    expect([pg.backend, pg.driver, pg.password, pg.port]).toEqual(["postgresql", "pg", null, null]);
    expect(makeUrl("postgres://u:p@h/db").backend).toBe("postgresql");

    const my = makeUrl("mysql+mysql2://root:secret@127.0.0.1:3306/shop?charset=utf8mb4&ssl=true");
    expect([my.backend, my.driver, my.host, my.port, my.database]).toEqual([
      "mysql",
      "mysql2",
      "127.0.0.1",
      3306,
      "shop",
    ]);
    expect(my.query).toEqual({ charset: "utf8mb4", ssl: "true" });
    expect(makeUrl("mariadb://root@localhost/shop").backend).toBe("mariadb");
  });

  test("an unencoded @ in the password and IPv6 hosts", () => {
    const u = makeUrl("mysql://root:a@b@localhost/db");
    expect(u.password).toBe("a@b");
    expect(u.host).toBe("localhost");
    const v6 = makeUrl("postgresql://u@[::1]:5432/db");
    expect([v6.host, v6.port]).toEqual(["::1", 5432]);
    expect(v6.toString()).toBe("postgresql://u@[::1]:5432/db");
  });

  test("toString masks the password; renderAsString can show it", () => {
    const u = makeUrl("postgresql://scott:tiger@localhost:5432/test");
    expect(u.toString()).toBe("postgresql://scott:***@localhost:5432/test");
    expect(String(u)).not.toContain("tiger");
    expect(JSON.stringify({ u })).not.toContain("tiger");
    expect(u.renderAsString({ hidePassword: false })).toBe("postgresql://scott:tiger@localhost:5432/test");
    const enc = makeUrl("mysql://root:p%40ss@h/db");
    expect(enc.renderAsString({ hidePassword: false })).toBe("mysql://root:p%40ss@h/db");
    expect(makeUrl(enc.renderAsString({ hidePassword: false })).password).toBe("p@ss");
  });

  test("set() and updateQuery() return new URLs", () => {
    const u = makeUrl("postgresql://scott:tiger@localhost/test");
    const v = u.set({ database: "other", port: 6543 }).updateQuery({ sslmode: "disable" });
    expect(v.database).toBe("other");
    expect(v.port).toBe(6543);
    expect(v.query).toEqual({ sslmode: "disable" });
    expect(u.database).toBe("test");
    expect(URL.create({ drivername: "sqlite", database: "x.db" }).toString()).toBe("sqlite:///x.db");
  });

  test("bad URLs give an ArgumentError naming the expected forms, without the password", () => {
    for (const bad of ["not a url", "postgresql:/missing-slash", "", "://nothing"]) {
      expect(() => makeUrl(bad)).toThrow(ArgumentError);
      expect(() => makeUrl(bad)).toThrow(/Expected one of: sqlite:\/\/\/relative\/path\.db/);
    }
    expect(() => makeUrl("postgresql://u:pw@host:notaport/db")).toThrow(/Bad port 'notaport'/);
    try {
      makeUrl("postgresql://u:hunter2@host:99999/db");
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain("hunter2");
      expect((e as ArgumentError).code).toBe("ATH-URL");
    }
    expect(() => makeUrl("sqlite://host/file.db")).toThrow(/three slashes/);
  });

  test("createEngine rejects unknown dialects and drivers", () => {
    expect(() => createEngine("oracle://u:secret@h/db")).toThrow(
      /Can't load the 'oracle' dialect.*Known dialects: .*postgresql/,
    );
    expect(() => createEngine("postgresql+psycopg2://u:secret@h/db")).toThrow(
      /Unknown driver 'psycopg2'.*'pg'/,
    );
    try {
      createEngine("oracle://u:secret@h/db");
    } catch (e) {
      expect((e as Error).message).not.toContain("secret");
    }
  });

  test("engines print the masked URL", async () => {
    const engine = createEngine("postgresql://scott:tiger@localhost/test");
    expect(String(engine)).toBe("Engine(postgresql://scott:***@localhost/test)");
    expect(engine.url.password).toBe("tiger");
    expect(engine.dialect.name).toBe("postgresql");
    const maria = createEngine("mariadb://root@localhost/test");
    expect(maria.dialect.name).toBe("mysql");
    expect((maria.dialect as unknown as { isMariaDB: boolean }).isMariaDB).toBe(true);
    await engine.dispose();
    await maria.dispose();
  });
});
