/**
 * Relationship configuration: direction and join analysis, and the mapping errors (a class never
 * mapped, an ambiguous foreign key path, a backPopulates naming nothing), each naming both classes.
 * Configuration runs on first use, as SQLAlchemy's configure_mappers().
 */
import { describe, expect, test } from "vitest";
import { Column, ForeignKey, Integer, String as Str, Table } from "../../src/index.js";
import { declarativeBase, mappedColumn, relationship, RelationshipProperty } from "../../src/orm/index.js";

function prop(cls: unknown, key: string): RelationshipProperty {
  return (cls as Record<string, { property: RelationshipProperty }>)[key]!.property;
}

describe("relationship configuration", () => {
  test("many-to-one, one-to-many, many-to-many and one-to-one are told apart from foreign keys", () => {
    const Base = declarativeBase();
    const tags = new Table("post_tags", Base.metadata, {
      postId: Column(Integer, { name: "post_id", foreignKey: "posts.id", primaryKey: true }),
      tagId: Column(Integer, { name: "tag_id", foreignKey: "tags.id", primaryKey: true }),
    });
    class Author extends Base.model("authors", { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static posts = relationship(() => Post, { backPopulates: "author" });
      declare posts: Post[];
      static profile = relationship(() => Profile, { uselist: false, backPopulates: "author" });
      declare profile: Profile | null;
    }
    class Profile extends Base.model("profiles", {
      id: mappedColumn(Integer, { primaryKey: true }),
      authorId: mappedColumn(Integer, { foreignKey: "authors.id", unique: true }),
    }) {
      static author = relationship(() => Author, { backPopulates: "profile" });
      declare author: Author;
    }
    class Post extends Base.model("posts", {
      id: mappedColumn(Integer, { primaryKey: true }),
      authorId: mappedColumn(Integer, { name: "author_id", foreignKey: "authors.id" }),
    }) {
      static author = relationship(() => Author, { backPopulates: "posts" });
      declare author: Author;
      static tags = relationship(() => Tag, { secondary: tags });
      declare tags: Tag[];
    }
    class Tag extends Base.model("tags", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    // A class is mapped once used (its constructor, a statement, a class attribute); configure() then checks them all.
    new Author();
    Base.registry.configure();

    const posts = prop(Author, "posts");
    expect(posts.direction).toBe("oneToMany");
    expect(posts.uselist).toBe(true);
    expect(posts.target.class_).toBe(Post);
    expect(posts.syncPairs.map(([s, d]) => `${s.key}->${d.key}`)).toEqual(["id->authorId"]);
    expect(posts.reverse).toBe(prop(Post, "author"));

    const author = prop(Post, "author");
    expect(author.direction).toBe("manyToOne");
    expect(author.uselist).toBe(false);
    expect(author.parentKeyColumns.map((c) => c.key)).toEqual(["authorId"]);

    const profile = prop(Author, "profile");
    expect(profile.direction).toBe("oneToMany");
    expect(profile.uselist).toBe(false);

    const t = prop(Post, "tags");
    expect(t.direction).toBe("manyToMany");
    expect(t.secondary).toBe(tags);
    expect(t.syncPairs.map(([s, d]) => `${s.key}->${d.key}`)).toEqual(["id->postId"]);
    expect(t.secondarySyncPairs.map(([s, d]) => `${s.key}->${d.key}`)).toEqual(["id->tagId"]);
    expect(t.cascade).toEqual(new Set(["save-update", "merge"]));
  });

  test("self-referential: one-to-many by default, many-to-one with remoteSide", () => {
    const Base = declarativeBase();
    class Node extends Base.model("nodes", {
      id: mappedColumn(Integer, { primaryKey: true }),
      parentId: mappedColumn(Integer, { name: "parent_id", nullable: true, foreignKey: "nodes.id" }),
    }) {
      static children = relationship(() => Node, { backPopulates: "parent" });
      declare children: Node[];
      static parent = relationship(() => Node, { remoteSide: () => [Node.id], backPopulates: "children" });
      declare parent: Node | null;
    }
    new Node();
    expect(prop(Node, "children").direction).toBe("oneToMany");
    expect(prop(Node, "parent").direction).toBe("manyToOne");
    expect(prop(Node, "parent").parentKeyColumns.map((c) => c.key)).toEqual(["parentId"]);
  });

  test("foreignKeys picks one of several paths; primaryjoin works without ForeignKey objects", () => {
    const Base = declarativeBase();
    class Person extends Base.model("people", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    class Message extends Base.model("messages", {
      id: mappedColumn(Integer, { primaryKey: true }),
      senderId: mappedColumn(Integer, { foreignKey: "people.id" }),
      recipientId: mappedColumn(Integer, { foreignKey: "people.id" }),
      editorId: mappedColumn(Integer, { nullable: true }),
    }) {
      static sender = relationship(() => Person, { foreignKeys: () => [Message.senderId] });
      declare sender: Person;
      static recipient = relationship(() => Person, { foreignKeys: () => [Message.recipientId] });
      declare recipient: Person;
      static editor = relationship(() => Person, {
        primaryjoin: () => Person.id.eq(Message.editorId),
        foreignKeys: () => [Message.editorId],
      });
      declare editor: Person | null;
    }
    void Message.id; // the first use maps the class
    expect(prop(Message, "sender").parentKeyColumns.map((c) => c.key)).toEqual(["senderId"]);
    expect(prop(Message, "recipient").parentKeyColumns.map((c) => c.key)).toEqual(["recipientId"]);
    expect(prop(Message, "editor").direction).toBe("manyToOne");
    expect(prop(Message, "editor").parentKeyColumns.map((c) => c.key)).toEqual(["editorId"]);
    expect(Person).toBeDefined();
  });

  test("a target that is not mapped is reported with both classes", () => {
    const Base = declarativeBase();
    class NotMapped {}
    class Owner extends Base.model("owners_x", { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static things = relationship(() => NotMapped as never);
      declare things: unknown[];
    }
    expect(() => new Owner()).toThrow(
      /Owner\.things: the relationship's target 'NotMapped' is not a mapped class/,
    );
    expect(() => Base.registry.configure()).toThrow(/ATH|not a mapped class/);
  });

  test("an ambiguous foreign key path names both classes, the paths and the fix", () => {
    const Base = declarativeBase();
    class Account extends Base.model("accounts", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    class Transfer extends Base.model("transfers", {
      id: mappedColumn(Integer, { primaryKey: true }),
      fromId: mappedColumn(Integer, { name: "from_id", foreignKey: "accounts.id" }),
      toId: mappedColumn(Integer, { name: "to_id", foreignKey: "accounts.id" }),
    }) {
      static account = relationship(() => Account);
      declare account: Account;
    }
    let err: Error | undefined;
    try {
      void Transfer.id;
      Base.registry.configure();
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(
      /Transfer\.account: could not determine the join condition between Transfer/,
    );
    expect(err?.message).toMatch(/Account \('accounts'\)/);
    expect(err?.message).toMatch(
      /2 foreign key paths \(transfers\.from_id → accounts\.id; transfers\.to_id → accounts\.id\)/,
    );
    expect(err?.message).toMatch(/foreignKeys: \[transfers\.c\.fromId\]/);
    expect((err as { code?: string }).code).toBe("ATH-ORM-REL-AMBIGUOUS");
    expect(Account).toBeDefined();
  });

  test("no foreign key between the classes", () => {
    const Base = declarativeBase();
    class A extends Base.model("a_nofk", { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static bs = relationship(() => B);
      declare bs: B[];
    }
    class B extends Base.model("b_nofk", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    expect(() => new A()).toThrow(
      /A\.bs: could not determine the join condition between A \('a_nofk'\) and B \('b_nofk'\): there are no foreign keys/,
    );
    expect(B).toBeDefined();
  });

  test("backPopulates naming no attribute, or a column, names both classes and what exists", () => {
    const Base = declarativeBase();
    class Shop extends Base.model("shops", { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static items = relationship(() => Item, { backPopulates: "shopp" });
      declare items: Item[];
    }
    class Item extends Base.model("items", {
      id: mappedColumn(Integer, { primaryKey: true }),
      shopId: mappedColumn(Integer, { foreignKey: ForeignKey("shops.id") }),
    }) {
      static shop = relationship(() => Shop);
      declare shop: Shop;
    }
    expect(() => new Shop()).toThrow(
      /Shop\.items: backPopulates 'shopp' names no relationship of Item\. Item's relationships: shop\. Declare it: static shopp = relationship\(\(\) => Shop, \{ backPopulates: "items" \}\)/,
    );
    expect(Item).toBeDefined();

    const Base2 = declarativeBase();
    class Shop2 extends Base2.model("shops", { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static items = relationship(() => Item2, { backPopulates: "shopId" });
      declare items: Item2[];
    }
    class Item2 extends Base2.model("items", {
      id: mappedColumn(Integer, { primaryKey: true }),
      shopId: mappedColumn(Integer, { foreignKey: ForeignKey("shops.id") }),
    }) {}
    expect(() => new Shop2()).toThrow(/'shopId' is a column/);
    expect(Item2).toBeDefined();
  });

  test("bad cascades and delete-orphan on the many side are refused", () => {
    const Base = declarativeBase();
    class P extends Base.model("p_casc", { id: mappedColumn(Integer, { primaryKey: true }) }) {
      static cs = relationship(() => C0, { cascade: "all, delete-orphans" });
      declare cs: C0[];
    }
    class C0 extends Base.model("c_casc", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    expect(() => P.id).toThrow(/P\.cs: unknown cascade 'delete-orphans'/);
    const Base2 = declarativeBase();
    class P2 extends Base2.model("p_casc", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
    class C extends Base2.model("c_casc", {
      id: mappedColumn(Integer, { primaryKey: true }),
      pId: mappedColumn(Integer, { foreignKey: "p_casc.id" }),
    }) {
      static p = relationship(() => P2, { cascade: "all, delete-orphan" });
      declare p: P2;
    }
    expect(() => new C({ pId: 1 })).toThrow(
      /C\.p: delete-orphan cascade is for the "one" side of a one-to-many relationship/,
    );
  });

  test("a relationship named like a column is refused", () => {
    const Base = declarativeBase();
    class U extends Base.model("u_dup", {
      id: mappedColumn(Integer, { primaryKey: true }),
      name: mappedColumn(Str(20)),
    }) {}
    class V extends Base.model("v_dup", {
      id: mappedColumn(Integer, { primaryKey: true }),
      u: mappedColumn(Integer, { foreignKey: "u_dup.id" }),
    }) {
      static override u = relationship(() => U) as never;
    }
    expect(() => new V({ u: 1 })).toThrow(
      /V\.u: a relationship can't have the name of the column attribute 'u'/,
    );
  });

  test("relationships work on imperatively mapped classes", () => {
    const Base = declarativeBase();
    const parents = new Table("imp_parents", Base.metadata, { id: Column(Integer, { primaryKey: true }) });
    const kids = new Table("imp_kids", Base.metadata, {
      id: Column(Integer, { primaryKey: true }),
      parentId: Column(Integer, { foreignKey: "imp_parents.id" }),
    });
    class Kid {
      declare id: number;
    }
    class Parent {
      declare id: number;
      declare kids: Kid[];
    }
    const MKid = Base.registry.mapImperatively(Kid, kids);
    const MParent = Base.registry.mapImperatively(Parent, parents, {
      properties: { kids: relationship(() => MKid) },
    });
    Base.registry.configure();
    expect(prop(MParent, "kids").direction).toBe("oneToMany");
    const p = new MParent();
    expect(p.kids).toEqual([]);
  });
});
