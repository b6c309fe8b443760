import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import {
  CheckConstraint,
  Column,
  ForeignKeyConstraint,
  Index,
  Integer,
  InvalidRequestError,
  ArgumentError,
  MetaData,
  PrimaryKeyConstraint,
  String,
  Table,
  UniqueConstraint,
  conv,
  truncateName,
} from "../../src/index.js";

function schema(namingConvention: Record<string, any>) {
  const metadata = new MetaData({ namingConvention });
  const parents = new Table("parents", metadata, {
    id: Column(Integer, { primaryKey: true }),
    code: Column(Integer, { primaryKey: true }),
  });
  const kids = new Table(
    "kids",
    metadata,
    {
      id: Column(Integer, { primaryKey: true }),
      parentId: Column(Integer, { name: "parent_id" }),
      parentCode: Column(Integer, { name: "parent_code" }),
      label: Column(String(20)),
    },
    ForeignKeyConstraint(["parentId", "parentCode"], ["parents.id", "parents.code"]),
    UniqueConstraint("label", "parentId"),
    Index(null, "label"),
  );
  return { metadata, parents, kids };
}

describe("naming conventions", () => {
  test("column tokens: name, key, label, and the N forms", () => {
    const { kids } = schema({
      uq: "uq_%(table_name)s_%(column_0N_name)s",
      fk: "fk_%(column_0_N_name)s__%(referred_table_name)s_%(referred_column_0N_name)s",
      ix: "ix_%(column_0_label)s_%(column_0_key)s",
      pk: "pk_%(table_name)s_%(column_0_name)s",
    });
    expect(kids.constraints.map((c) => c.name)).toEqual([
      "pk_kids_id",
      "fk_parent_id_parent_code__parents_idcode",
      "uq_kids_labelparent_id",
    ]);
    expect(kids.indexes.map((i) => i.name)).toEqual(["ix_kids_label_label"]);
  });

  test("referred_column_0_name and a missing column index give the empty string", () => {
    const { kids } = schema({ fk: "fk_%(referred_column_1_name)s_%(column_5_name)s_x" });
    expect(kids.foreignKeyConstraints[0]!.name).toBe("fk_code__x");
  });

  test("%(constraint_name)s needs a name; an explicit name goes through the convention", () => {
    const md = new MetaData({ namingConvention: { ck: "ck_%(table_name)s_%(constraint_name)s" } });
    const t = new Table("t", md, { a: Column(Integer) }, CheckConstraint("a > 0", { name: "positive" }));
    expect(t.constraints[0]!.name).toBe("ck_t_positive");
    const u = new Table("u", md, { a: Column(Integer) }, CheckConstraint("a > 0"));
    expect(() => u.constraints[0]!.name).toThrow(InvalidRequestError);
    expect(() => u.constraints[0]!.name).toThrow(
      /requires that the check constraint on table 'u' is explicitly named/,
    );
  });

  test("without %(constraint_name)s, an explicit name wins over the convention; conv() is never converted", () => {
    const md = new MetaData({
      namingConvention: {
        uq: "uq_%(table_name)s_%(column_0_name)s",
        pk: "pk_%(table_name)s_%(constraint_name)s",
      },
    });
    const t = new Table(
      "t",
      md,
      { a: Column(Integer), b: Column(Integer), c: Column(Integer) },
      UniqueConstraint("a", { name: "mine" }),
      UniqueConstraint("b"),
      PrimaryKeyConstraint("c", { name: conv("exactly_this") }),
    );
    expect(t.constraints.map((c) => c.name)).toEqual(["exactly_this", "mine", "uq_t_b"]);
  });

  test("custom tokens are functions", () => {
    const md = new MetaData({
      namingConvention: {
        all_columns: (item: { columns: readonly { name: string }[] }) =>
          item.columns.map((c) => c.name).join("__"),
        uq: "uq_%(table_name)s_%(all_columns)s",
      },
    });
    const t = new Table("t", md, { a: Column(Integer), b: Column(Integer) }, UniqueConstraint("a", "b"));
    expect(t.constraints[0]!.name).toBe("uq_t_a__b");
  });

  test("an unknown token is an error naming it", () => {
    const md = new MetaData({ namingConvention: { uq: "uq_%(colum_0_name)s" } });
    const t = new Table("t", md, { a: Column(Integer, { unique: true }) });
    expect(() => t.constraints[0]!.name).toThrow(ArgumentError);
    expect(() => t.constraints[0]!.name).toThrow(/unknown token '%\(colum_0_name\)s'/);
  });

  test("the default convention names column indexes ix_<table>_<column>; with a schema, ix_<schema>_<table>_<column>", () => {
    const md = new MetaData();
    const t = new Table("t", md, { a: Column(Integer, { index: true }) });
    const s = new Table("s", md, { b: Column(Integer, { index: true }) }, { schema: "app" });
    expect(t.indexes[0]!.name).toBe("ix_t_a");
    expect(s.indexes[0]!.name).toBe("ix_app_s_b");
    expect(md.namingConvention).toEqual({ ix: "ix_%(column_0_label)s" });
  });

  test("truncateName is SQLAlchemy's: head, _, last 4 hex digits of the MD5", () => {
    expect(truncateName("short", 63)).toBe("short");
    const long = "x".repeat(70);
    const t = truncateName(long, 63);
    expect(t).toBe("x".repeat(55) + "_" + createHash("md5").update(long).digest("hex").slice(-4));
    expect(truncateName(long, 63)).toBe(t);
    expect(truncateName("é".repeat(40), 63, (s) => Buffer.byteLength(s))).toMatch(/^é{29}_[0-9a-f]{4}$/);
  });
});
