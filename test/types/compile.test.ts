/**
 * DDL spelling of every type on each dialect, and the errors for types a dialect can't render.
 */
import { describe, expect, test } from "vitest";
import {
  BigInteger,
  Boolean as BooleanT,
  CompileError,
  Date as DateT,
  DateTime,
  Double,
  Enum,
  Float,
  Integer,
  Interval,
  JSON as JSONT,
  LargeBinary,
  NULLTYPE,
  Numeric,
  SmallInteger,
  String as StringT,
  Text,
  Time,
  Uuid,
  type TypeEngine,
} from "../../src/index.js";
import { SqliteDialect } from "../../src/dialects/sqlite/index.js";
import { ARRAY, JSONB, PostgresDialect, TIMESTAMPTZ, UUID } from "../../src/dialects/postgresql/index.js";
import {
  DOUBLE,
  LONGTEXT,
  MEDIUMINT,
  MysqlDialect,
  TIMESTAMP,
  TINYINT,
} from "../../src/dialects/mysql/index.js";

const sqlite = new SqliteDialect();
const pg = new PostgresDialect();
const mysql = new MysqlDialect();

const status = Enum(["draft", "published", "it's"], { name: "post_status" });

/** [type, SQLite, PostgreSQL, MySQL] spellings; null where the dialect raises instead. */
const SPELLINGS: [string, TypeEngine<any>, string | null, string | null, string | null][] = [
  ["Integer", Integer, "INTEGER", "INTEGER", "INTEGER"],
  ["SmallInteger", SmallInteger, "SMALLINT", "SMALLINT", "SMALLINT"],
  ["BigInteger", BigInteger, "BIGINT", "BIGINT", "BIGINT"],
  ["BigInteger number mode", BigInteger({ mode: "number" }), "BIGINT", "BIGINT", "BIGINT"],
  ["Boolean", BooleanT, "BOOLEAN", "BOOLEAN", "BOOL"],
  ["String(50)", StringT(50), "VARCHAR(50)", "VARCHAR(50)", "VARCHAR(50)"],
  ["String()", StringT(), "VARCHAR", "VARCHAR", null],
  [
    "String with collation",
    StringT(20, { collation: "utf8mb4_bin" }),
    "VARCHAR(20) COLLATE utf8mb4_bin",
    "VARCHAR(20) COLLATE utf8mb4_bin",
    "VARCHAR(20) COLLATE utf8mb4_bin",
  ],
  [
    "String with upper-case collation",
    StringT(20, { collation: "C" }),
    'VARCHAR(20) COLLATE "C"',
    'VARCHAR(20) COLLATE "C"',
    "VARCHAR(20) COLLATE C",
  ],
  ["Text", Text, "TEXT", "TEXT", "TEXT"],
  ["Numeric(10, 2)", Numeric(10, 2), "NUMERIC(10, 2)", "NUMERIC(10, 2)", "DECIMAL(10, 2)"],
  ["Numeric(15, 5)", Numeric(15, 5), "NUMERIC(15, 5)", "NUMERIC(15, 5)", "DECIMAL(15, 5)"],
  ["Numeric(38, 10)", Numeric(38, 10), "NUMERIC_TEXT(38, 10)", "NUMERIC(38, 10)", "DECIMAL(38, 10)"],
  ["Numeric(20)", Numeric(20), "NUMERIC_TEXT(20)", "NUMERIC(20)", "DECIMAL(20)"],
  ["Numeric()", Numeric(), "NUMERIC_TEXT", "NUMERIC", null],
  ["Float", Float, "FLOAT", "FLOAT", "DOUBLE"],
  ["Float(24)", Float(24), "FLOAT(24)", "FLOAT(24)", "FLOAT(24)"],
  ["Double", Double, "REAL", "DOUBLE PRECISION", "DOUBLE"],
  ["Date", DateT, "DATE", "DATE", "DATE"],
  ["Time", Time, "TIME", "TIME WITHOUT TIME ZONE", "TIME(6)"],
  ["Time with time zone", Time({ timezone: true }), "TIME", "TIME WITH TIME ZONE", "TIME(6)"],
  ["DateTime", DateTime, "DATETIME", "TIMESTAMP WITHOUT TIME ZONE", "DATETIME(6)"],
  [
    "DateTime with time zone",
    DateTime({ timezone: true }),
    "DATETIME",
    "TIMESTAMP WITH TIME ZONE",
    "DATETIME(6)",
  ],
  ["DateTime fsp 3", DateTime({ fsp: 3 }), "DATETIME", "TIMESTAMP(3) WITHOUT TIME ZONE", "DATETIME(3)"],
  ["DateTime fsp 0", DateTime({ fsp: 0 }), "DATETIME", "TIMESTAMP(0) WITHOUT TIME ZONE", "DATETIME"],
  ["Interval", Interval, "BIGINT", "INTERVAL", "BIGINT"],
  ["Enum", status, "VARCHAR(9)", "post_status", "ENUM('draft', 'published', 'it''s')"],
  ["Enum non-native", Enum(["a", "bcd"], { nativeEnum: false }), "VARCHAR(3)", "VARCHAR(3)", "VARCHAR(3)"],
  ["Enum with a backslash", Enum(["a\\b"], { name: "Slashy" }), "VARCHAR(3)", '"Slashy"', "ENUM('a\\\\b')"],
  ["JSON", JSONT(), "JSON", "JSON", "JSON"],
  ["LargeBinary", LargeBinary, "BLOB", "BYTEA", "LONGBLOB"],
  ["LargeBinary(1000)", LargeBinary(1000), "BLOB", "BYTEA", "BLOB(1000)"],
  ["Uuid", Uuid, "CHAR(36)", "UUID", "CHAR(36)"],
  ["Uuid non-native", Uuid({ nativeUuid: false }), "CHAR(36)", "CHAR(36)", "CHAR(36)"],
];

describe("generic type spellings", () => {
  const dialects = [
    ["sqlite", sqlite],
    ["postgresql", pg],
    ["mysql", mysql],
  ] as const;
  dialects.forEach(([name, dialect], col) => {
    describe(name, () => {
      for (const row of SPELLINGS) {
        const [label, type] = row;
        const expected = row[2 + col];
        test(`${label} → ${expected ?? "CompileError"}`, () => {
          if (expected === null) expect(() => dialect.typeCompiler.process(type)).toThrow(CompileError);
          else expect(dialect.typeCompiler.process(type)).toBe(expected);
        });
      }
    });
  });
});

describe("compile errors name the problem and the fix", () => {
  test("MySQL VARCHAR needs a length", () => {
    expect(() => mysql.typeCompiler.process(StringT())).toThrow(
      /VARCHAR requires a length on the mysql dialect.*String\(255\)/,
    );
  });
  test("MySQL DECIMAL needs a precision", () => {
    expect(() => mysql.typeCompiler.process(Numeric())).toThrow(
      /DECIMAL requires a precision.*Numeric\(18, 4\)/,
    );
  });
  test("a native PostgreSQL enum needs a name", () => {
    expect(() => pg.typeCompiler.process(Enum(["a", "b"]))).toThrow(
      /PostgreSQL ENUM type requires a name.*name: "status".*nativeEnum: false/,
    );
  });
  test("NullType has no DDL spelling", () => {
    expect(() => sqlite.typeCompiler.process(NULLTYPE)).toThrow(/needs a type/);
  });
  test("a PostgreSQL type on another dialect names the type, both dialects and the portable type", () => {
    expect(() => sqlite.typeCompiler.process(JSONB())).toThrow(
      /JSONB is a postgresql type.*the sqlite dialect can't render it.*JSON\(\)/,
    );
    expect(() => mysql.typeCompiler.process(ARRAY(Integer))).toThrow(
      /ARRAY\(Integer\) is a postgresql type.*mysql dialect/,
    );
    expect(() => mysql.typeCompiler.process(UUID)).toThrow(/UUID is a postgresql type.*use Uuid/);
    expect(() => sqlite.typeCompiler.process(TIMESTAMPTZ)).toThrow(/TIMESTAMPTZ is a postgresql type/);
  });
  test("a MySQL type on another dialect", () => {
    expect(() => pg.typeCompiler.process(TINYINT)).toThrow(
      /TINYINT is a mysql type.*the postgresql dialect can't render it.*SmallInteger/,
    );
    expect(() => sqlite.typeCompiler.process(LONGTEXT)).toThrow(/LONGTEXT is a mysql type.*sqlite/);
    expect(() => pg.typeCompiler.process(MEDIUMINT)).toThrow(CompileError);
    expect(() => pg.typeCompiler.process(DOUBLE)).toThrow(CompileError);
    expect(() => sqlite.typeCompiler.process(TIMESTAMP)).toThrow(CompileError);
  });
  test("the errors carry stable codes", () => {
    expect(() => pg.typeCompiler.process(TINYINT)).toThrow(
      expect.objectContaining({ code: "ATH-TYPE-DIALECT" }),
    );
    expect(() => mysql.typeCompiler.process(StringT())).toThrow(
      expect.objectContaining({ code: "ATH-TYPE-LENGTH" }),
    );
  });
});

describe("PostgreSQL types", () => {
  const tc = pg.typeCompiler;
  test.each([
    ["JSONB", JSONB(), "JSONB"],
    ["UUID", UUID, "UUID"],
    ["TIMESTAMPTZ", TIMESTAMPTZ, "TIMESTAMP WITH TIME ZONE"],
    ["TIMESTAMPTZ(3)", TIMESTAMPTZ({ precision: 3 }), "TIMESTAMP(3) WITH TIME ZONE"],
    ["ARRAY(Integer)", ARRAY(Integer), "INTEGER[]"],
    ["ARRAY(String(10), 2)", ARRAY(StringT(10), 2), "VARCHAR(10)[][]"],
    ["ARRAY(Enum)", ARRAY(status), "post_status[]"],
    ["ARRAY(JSONB)", ARRAY(JSONB()), "JSONB[]"],
  ])("%s → %s", (_label, type, expected) => {
    expect(tc.process(type)).toBe(expected);
  });
  test("enum names that are reserved or not lower case are quoted", () => {
    expect(tc.process(Enum(["a"], { name: "user" }))).toBe('"user"');
    expect(tc.process(Enum(["a"], { name: "Mood" }))).toBe('"Mood"');
  });
  test("ARRAY of ARRAY is refused with the fix", () => {
    expect(() => ARRAY(ARRAY(Integer) as any)).toThrow(/ARRAY\(x, 2\)/);
  });
});

describe("MySQL types", () => {
  const tc = mysql.typeCompiler;
  test.each([
    ["TINYINT", TINYINT, "TINYINT"],
    ["TINYINT unsigned", TINYINT({ unsigned: true }), "TINYINT UNSIGNED"],
    ["MEDIUMINT", MEDIUMINT, "MEDIUMINT"],
    ["MEDIUMINT unsigned", MEDIUMINT({ unsigned: true }), "MEDIUMINT UNSIGNED"],
    ["LONGTEXT", LONGTEXT, "LONGTEXT"],
    ["LONGTEXT collated", LONGTEXT({ collation: "utf8mb4_bin" }), "LONGTEXT COLLATE utf8mb4_bin"],
    ["DOUBLE", DOUBLE, "DOUBLE"],
    ["TIMESTAMP", TIMESTAMP, "TIMESTAMP(6)"],
    ["TIMESTAMP fsp 3", TIMESTAMP({ fsp: 3 }), "TIMESTAMP(3)"],
    ["TIMESTAMP fsp 0", TIMESTAMP({ fsp: 0 }), "TIMESTAMP"],
  ])("%s → %s", (_label, type, expected) => {
    expect(tc.process(type)).toBe(expected);
  });
  test("CAST uses MySQL's cast names", () => {
    expect(tc.castSpelling(Integer)).toBe("SIGNED");
    expect(tc.castSpelling(TINYINT({ unsigned: true }))).toBe("UNSIGNED");
    expect(tc.castSpelling(StringT(20))).toBe("CHAR(20)");
    expect(tc.castSpelling(Text)).toBe("CHAR");
    expect(tc.castSpelling(Numeric(10, 2))).toBe("DECIMAL(10, 2)");
    expect(tc.castSpelling(Numeric())).toBe("DECIMAL");
    expect(tc.castSpelling(Float)).toBe("DOUBLE");
    expect(tc.castSpelling(DateTime)).toBe("DATETIME(6)");
    expect(tc.castSpelling(LargeBinary)).toBe("BINARY");
  });
  test("other dialects cast with their DDL spelling", () => {
    expect(pg.typeCompiler.castSpelling(Integer)).toBe("INTEGER");
    expect(sqlite.typeCompiler.castSpelling(Numeric(10, 2))).toBe("NUMERIC(10, 2)");
  });
});
