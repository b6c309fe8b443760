/**
 * Mapping: the table a model declares (every Core column option, table arguments, dialect
 * options), static column attributes in statements, instance attributes, imperative mapping,
 * and the errors for mistakes in a mapping.
 */
import { describe, expect, test } from "vitest";
import {
  Boolean as Bool,
  Column,
  CreateTable,
  DateTime,
  func,
  Index,
  Integer,
  MetaData,
  select,
  String as Str,
  Table,
  UniqueConstraint,
  update,
} from "../../src/index.js";
import { MysqlDialect } from "../../src/dialects/mysql/dialect.js";
import { PostgresDialect } from "../../src/dialects/postgresql/dialect.js";
import { SqliteDialect } from "../../src/dialects/sqlite/dialect.js";
import { declarativeBase, inspect, mappedColumn, Registry, sessionmaker } from "../../src/orm/index.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

class Account extends Base.model(
  "m_accounts",
  {
    id: mappedColumn(Integer, { primaryKey: true }),
    handle: mappedColumn(Str(40), { unique: true, comment: "public name" }),
    name: mappedColumn(Str(80)),
    nickname: mappedColumn(Str(40), { nullable: true, index: true }),
    active: mappedColumn(Bool, { name: "is_active", default: true }),
    createdAt: mappedColumn(DateTime, { name: "created_at", serverDefault: func.now() }),
    legacy: Column(Integer), // Core's Column: nullable by default
  },
  {
    args: [
      Index("ix_accounts_active_created", "active", "createdAt"),
      UniqueConstraint("name", "nickname", { name: "uq_accounts_name_nick" }),
    ],
    mysqlEngine: "InnoDB",
    comment: "user accounts",
  },
) {
  get display(): string {
    return `@${this.handle}`;
  }
  greet(greeting = "Hello"): string {
    return `${greeting}, ${this.name}!`;
  }
  override toString(): string {
    return `Account(${this.handle})`;
  }
}

// Imperative mapping of an existing Table to a plain class.
const registry = new Registry({ metadata: new MetaData() });
const tags = new Table("m_tags", registry.metadata, {
  id: Column(Integer, { primaryKey: true }),
  label: Column(Str(30), { nullable: false }),
  weight: Column(Integer, { default: 1 }),
});
class Tag {
  declare id: number;
  declare label: string;
  declare weight: number | null;
  constructor(label: string) {
    this.label = label;
  }
  get shout(): string {
    return this.label.toUpperCase();
  }
}
const MappedTag = registry.mapImperatively(Tag, tags);

describe("declarative mapping", () => {
  test("the model's table: names, NOT NULL by default, options, indexes, constraints", () => {
    const t = Account.__table__;
    expect(t.name).toBe("m_accounts");
    expect(Account.metadata.tables["m_accounts"]).toBe(t);
    const cols = Object.fromEntries(t.columns.map((c) => [c.key, [c.name, (c as Column).nullable]]));
    expect(cols).toEqual({
      id: ["id", false],
      handle: ["handle", false],
      name: ["name", false],
      nickname: ["nickname", true],
      active: ["is_active", false],
      createdAt: ["created_at", false],
      legacy: ["legacy", true],
    });
    const mysql = new MysqlDialect().compile(new CreateTable(t)).sql;
    expect(mysql).toContain("ENGINE=InnoDB");
    expect(mysql).toContain("COMMENT 'public name'");
    expect(mysql).toContain("CONSTRAINT uq_accounts_name_nick UNIQUE (name, nickname)");
    expect(new PostgresDialect().compile(new CreateTable(t)).sql).toContain(
      "created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL",
    );
    expect(t.indexes.map((i) => i.columns.map((c) => c.key))).toEqual([
      ["nickname"],
      ["active", "createdAt"],
    ]);
  });

  test("class attributes are the columns, usable in any statement", () => {
    expect(Account.handle).toBe(Account.__table__.c.handle);
    expect(Account.c.name).toBe(Account.__table__.c.name);
    expect(Account.name).toBe("Account"); // a function's own `name`: the column is Account.c.name
    const stmt = select(Account)
      .where(Account.active.eq(true), Account.c.name.ilike("%a%"))
      .orderBy(Account.createdAt.desc())
      .limit(10);
    expect(new SqliteDialect().compile(stmt).sql).toBe(
      "SELECT m_accounts.id, m_accounts.handle, m_accounts.name, m_accounts.nickname, m_accounts.is_active, m_accounts.created_at, m_accounts.legacy " +
        "FROM m_accounts WHERE m_accounts.is_active = ? AND lower(m_accounts.name) LIKE lower(?) ORDER BY m_accounts.created_at DESC LIMIT ?",
    );
    expect(
      new PostgresDialect().compile(
        update(Account)
          .where(Account.id.in([1, 2]))
          .values({ active: false }),
      ).sql,
    ).toBe("UPDATE m_accounts SET is_active = $1::BOOLEAN WHERE m_accounts.id IN ($2::INTEGER, $3::INTEGER)");
    expect(new SqliteDialect().compile(select(func.count(Account.id)).selectFrom(Account)).sql).toMatch(
      /^SELECT count\(m_accounts\.id\)( AS \w+)? FROM m_accounts$/,
    );
  });

  test("instances: typed attributes, methods, getters, toString; nulls before flush", () => {
    const a = new Account({ handle: "ann", name: "Ann" });
    expect([a.handle, a.name, a.nickname, a.display, a.greet("Hi"), String(a)]).toEqual([
      "ann",
      "Ann",
      null,
      "@ann",
      "Hi, Ann!",
      "Account(ann)",
    ]);
    expect(a.id).toBeNull(); // not flushed yet, as SQLAlchemy's None
    expect(a).toBeInstanceOf(Account);
    expect(a).toBeInstanceOf(Base);
    expect(inspect(a).transient).toBe(true);
    // Instrumentation lives on the prototype, installed once: instances hold only their state, in a
    // private slot (no own property; a spread or Object.assign copies nothing of the ORM's).
    const modelProto = Object.getPrototypeOf(Account.prototype) as object;
    expect(typeof Object.getOwnPropertyDescriptor(modelProto, "handle")?.get).toBe("function");
    expect(Object.getOwnPropertyNames(a)).toEqual([]);
    expect(Object.getOwnPropertySymbols(a)).toEqual([]);
    expect({ ...a }).toEqual({});
  });

  test("mistakes in a mapping are reported clearly", () => {
    const B = declarativeBase();
    expect(() => B.model("bad1", { metadata: mappedColumn(Integer, { primaryKey: true }) })).toThrow(
      /Attribute name 'metadata' is reserved on mapped classes \(table 'bad1'\)/,
    );
    expect(() => B.model("bad2", { name: mappedColumn(Str(10)) })).toThrow(
      /could not assemble any primary key columns/,
    );
    expect(
      () =>
        B.model("dup", { id: mappedColumn(Integer, { primaryKey: true }) }) &&
        B.model("dup", { id: mappedColumn(Integer, { primaryKey: true }) }),
    ).toThrow(/Table 'dup' is already defined/);
    class Ok extends B.model("ok", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    expect(() => (Ok as any).model("x", {})).toThrow(/model\(\) was called on the mapped class Ok/);
    new Ok();
    class Sub extends Ok {}
    expect(() => new Sub()).toThrow(
      /Class 'Sub' extends the mapped class 'Ok'; mapping a subclass of a mapped class \(inheritance mapping\) is not supported/,
    );
    expect(() =>
      B.model("vv", { id: mappedColumn(Integer, { primaryKey: true }) }, { versionIdCol: "nope" as never }),
    ).toThrow(/versionIdCol 'nope' is not a column of 'vv'/);
    class BadValidator extends B.model("bv", { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static validators = { nope: (v: unknown) => v };
    }
    expect(() => new BadValidator()).toThrow(
      /BadValidator.validators names 'nope', which is not a mapped column/,
    );
  });
});

describe("imperative mapping", () => {
  test("a plain class mapped to an existing Table", () => {
    expect(MappedTag).toBe(Tag);
    expect(MappedTag.label).toBe(tags.c.label);
    const t = new Tag("news");
    expect([t.label, t.shout, t.weight]).toEqual(["news", "NEWS", null]);
    expect(inspect(t).transient).toBe(true);
    expect(() => registry.mapImperatively(Tag, tags)).toThrow(/already mapped/);
  });

  test("class fields would hide the mapped attributes: refused when added", () => {
    const r = new Registry();
    const t = new Table("m_fields", r.metadata, { id: Column(Integer, { primaryKey: true }) });
    class WithField {
      id = 0;
    }
    r.mapImperatively(WithField, t);
    const s = sessionmaker({ bind: { connect: async () => undefined } as never })();
    expect(() => s.add(new WithField())).toThrow(
      /WithField has an own property 'id' hiding the mapped attribute.*declare id/,
    );
  });
});

ormSuite("imperative mapping end to end", registry.metadata, (ctx) => {
  test("add, flush, get, select", async () => {
    await using s = sessionmaker({ bind: ctx.engine })();
    const t = new Tag("imperative");
    s.add(t);
    await s.flush();
    expect(t.weight).toBe(1);
    expect(await s.get(Tag, t.id)).toBe(t);
    const rows = (await s.scalars(select(MappedTag).where(MappedTag.label.eq("imperative")))).all();
    expect(rows).toEqual([t]);
    t.label = "renamed";
    await s.commit();
    await s.refresh(t);
    expect(t.shout).toBe("RENAMED");
  });
});
