/**
 * Relationships in memory and loaded from the database, on every dialect: the unloaded-read
 * error, `session.load` (one SELECT for many objects, chunked at 500, composite keys, the
 * identity map for many-to-one), the "selectin" default, noload/raise, backPopulates in memory,
 * joins along relationships, any()/has()/eq(), write-only and dynamic collections.
 * Rows are written with Core here so these tests don't depend on the relationship flush.
 */
import { beforeAll, expect, test } from "vitest";
import {
  Column,
  ForeignKey,
  ForeignKeyConstraint,
  insert,
  Integer,
  not,
  select,
  String as Str,
  Table,
} from "../../src/index.js";
import {
  awaitableAttrs,
  declarativeBase,
  DynamicCollection,
  inspect,
  InstrumentedList,
  mappedColumn,
  relationship,
  Session,
  UnloadedRelationshipError,
  type WriteOnlyCollection,
} from "../../src/orm/index.js";
import { ormSuite } from "./support.js";

const Base = declarativeBase();

const memberships = new Table("rl_memberships", Base.metadata, {
  memberId: Column(Integer, { name: "member_id", foreignKey: "rl_members.id", primaryKey: true }),
  clubId: Column(Integer, { name: "club_id", foreignKey: "rl_clubs.id", primaryKey: true }),
});

class Member extends Base.model("rl_members", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  nick: mappedColumn(Str(30)),
}) {
  static posts = relationship(() => Post, { backPopulates: "author", orderBy: () => Post.id.desc() });
  declare posts: Post[];
  static clubs = relationship(() => Club, {
    secondary: memberships,
    backPopulates: "members",
    lazy: "selectin",
  });
  declare clubs: Club[];
  static archive = relationship(() => Post, { lazy: "writeOnly", viewonly: true });
  declare archive: WriteOnlyCollection<Post>;
  static feed = relationship(() => Post, { lazy: "dynamic", viewonly: true });
  declare feed: DynamicCollection<Post>;
  static drafts = relationship(() => Post, { lazy: "noload", viewonly: true });
  declare drafts: Post[];
  static secrets = relationship(() => Post, { lazy: "raise", viewonly: true });
  declare secrets: Post[];
}

class Club extends Base.model("rl_clubs", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  title: mappedColumn(Str(30)),
}) {
  static members = relationship(() => Member, { secondary: memberships, backPopulates: "clubs" });
  declare members: Member[];
}

class Post extends Base.model("rl_posts", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  authorId: mappedColumn(Integer, { name: "author_id", nullable: true, foreignKey: "rl_members.id" }),
  body: mappedColumn(Str(50)),
}) {
  static author = relationship(() => Member, { backPopulates: "posts" });
  declare author: Member | null;
}

class Node extends Base.model("rl_nodes", {
  id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
  parentId: mappedColumn(Integer, {
    name: "parent_id",
    nullable: true,
    foreignKey: ForeignKey("rl_nodes.id"),
  }),
  label: mappedColumn(Str(20)),
}) {
  static children = relationship(() => Node, { backPopulates: "parent", orderBy: () => Node.id });
  declare children: Node[];
  static parent = relationship(() => Node, { remoteSide: () => [Node.id], backPopulates: "children" });
  declare parent: Node | null;
}

/** A composite key, referenced by a composite foreign key. */
class Seat extends Base.model("rl_seats", {
  row: mappedColumn(Str(2), { primaryKey: true }),
  num: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
}) {
  static tickets = relationship(() => Ticket, { backPopulates: "seat" });
  declare tickets: Ticket[];
}

class Ticket extends Base.model(
  "rl_tickets",
  {
    id: mappedColumn(Integer, { primaryKey: true, autoincrement: false }),
    seatRow: mappedColumn(Str(2), { name: "seat_row" }),
    seatNum: mappedColumn(Integer, { name: "seat_num" }),
  },
  { args: [ForeignKeyConstraint(["seatRow", "seatNum"], ["rl_seats.row", "rl_seats.num"])] },
) {
  static seat = relationship(() => Seat, { backPopulates: "tickets" });
  declare seat: Seat;
}

const MANY = 1203;

ormSuite("relationships: loading and memory", Base.metadata, (ctx) => {
  const session = () => new Session({ bind: ctx.engine });

  beforeAll(async () => {
    await ctx.engine.begin(async (conn) => {
      const members = Array.from({ length: MANY }, (_, i) => ({ id: i + 1, nick: `m${i + 1}` }));
      await conn.execute(insert(Member.__table__), members);
      await conn.execute(insert(Club.__table__), [
        { id: 1, title: "chess" },
        { id: 2, title: "go" },
        { id: 3, title: "empty" },
      ]);
      await conn.execute(insert(memberships), [
        { memberId: 1, clubId: 1 },
        { memberId: 1, clubId: 2 },
        { memberId: 2, clubId: 1 },
      ]);
      const posts = [
        { id: 1, authorId: 1, body: "a" },
        { id: 2, authorId: 1, body: "b" },
        { id: 3, authorId: 2, body: "c" },
        { id: 4, authorId: null, body: "orphan" },
      ];
      for (let i = 0; i < MANY; i++) posts.push({ id: 100 + i, authorId: i + 1, body: `p${i}` });
      await conn.execute(insert(Post.__table__), posts);
      await conn.execute(insert(Node.__table__), [
        { id: 1, parentId: null, label: "root" },
        { id: 2, parentId: 1, label: "a" },
        { id: 3, parentId: 1, label: "b" },
        { id: 4, parentId: 2, label: "a1" },
      ]);
      await conn.execute(insert(Seat.__table__), [
        { row: "A", num: 1 },
        { row: "A", num: 2 },
        { row: "B", num: 1 },
      ]);
      await conn.execute(insert(Ticket.__table__), [
        { id: 1, seatRow: "A", seatNum: 1 },
        { id: 2, seatRow: "A", seatNum: 1 },
        { id: 3, seatRow: "B", seatNum: 1 },
      ]);
    });
  });

  test("reading an unloaded relationship throws, naming it and both fixes; new objects read empty", async () => {
    await using s = session();
    const m = (await s.get(Member, 1))!;
    let err: unknown;
    try {
      void m.posts;
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnloadedRelationshipError);
    expect((err as Error).message).toBe(
      "Member.posts is not loaded: relationships are loaded by the query or explicitly, never on attribute access " +
        "(that would be hidden I/O, one query per object). Load it with the query, select(Member).options(selectinload(Member.posts)) " +
        '(or joinedload), or explicitly: `await session.load(obj, "posts")`.',
    );
    expect((err as { code: string }).code).toBe("ATH-ORM-LAZY");
    const fresh = new Member({ id: 9999, nick: "new" });
    expect(fresh.posts).toEqual([]);
    expect(fresh.posts).toBeInstanceOf(InstrumentedList);
    expect(new Post({ id: 9999, body: "x" }).author).toBeNull();
  });

  test("session.load: one SELECT for all objects, ordered, reverse many-to-one set, none for the identity map", async () => {
    await using s = session();
    const members = (
      await s.scalars(
        select(Member)
          .where(Member.id.in([1, 2, 3]))
          .orderBy(Member.id),
      )
    ).all();
    ctx.log.reset();
    const back = await s.load(members, "posts");
    expect(back).toBe(members);
    expect(ctx.log.count("SELECT")).toBe(1);
    expect(members.map((m) => m.posts.map((p) => p.id))).toEqual([[100, 2, 1], [101, 3], [102]]);
    expect(members[0]!.posts[0]!.author).toBe(members[0]);
    // Many-to-one from posts whose authors are all in the identity map: no SQL.
    const posts = (
      await s.scalars(
        select(Post)
          .where(Post.id.in([1, 2, 3, 4]))
          .orderBy(Post.id),
      )
    ).all();
    ctx.log.reset();
    await s.load(posts, "author");
    expect(ctx.log.count()).toBe(0);
    expect(posts.map((p) => p.author?.id ?? null)).toEqual([1, 1, 2, null]);
    // Loading again is a no-op; the same object is returned.
    expect(await s.load(members[0]!, "posts")).toBe(members[0]);
    expect(ctx.log.count()).toBe(0);
  });

  test("many-to-one not in the identity map is loaded with one IN query", async () => {
    await using s = session();
    const posts = (await s.scalars(select(Post).where(Post.id.in([1, 3])))).all();
    ctx.log.reset();
    await s.load(posts, "author");
    // One SELECT of the authors, then one of their clubs (Member.clubs is lazy: "selectin").
    expect(ctx.log.statements.length).toBe(2);
    expect(ctx.log.statements[0]).toMatch(/FROM rl_members\b/);
    expect(ctx.log.statements[0]).toMatch(/ IN \(/);
    expect(posts.map((p) => p.author!.nick).sort()).toEqual(["m1", "m2"]);
  });

  test("more than 500 parents: the IN list is chunked by 500", async () => {
    await using s = session();
    const members = (await s.scalars(select(Member).orderBy(Member.id))).all();
    expect(members.length).toBe(MANY);
    ctx.log.reset();
    await s.load(members, "posts");
    expect(ctx.log.count("SELECT")).toBe(3);
    expect(members[MANY - 1]!.posts.map((p) => p.body)).toEqual([`p${MANY - 1}`]);
  });

  test('lazy: "selectin" loads with every query; many-to-many both ways', async () => {
    await using s = session();
    ctx.log.reset();
    const members = (
      await s.scalars(
        select(Member)
          .where(Member.id.in([1, 2, 3]))
          .orderBy(Member.id),
      )
    ).all();
    expect(ctx.log.count("SELECT")).toBe(2);
    expect(members.map((m) => m.clubs.map((c) => c.title).sort())).toEqual([["chess", "go"], ["chess"], []]);
    const chess = members[0]!.clubs.find((c) => c.title === "chess")!;
    await s.load(chess, "members");
    expect(chess.members.map((m) => m.id).sort()).toEqual([1, 2]);
    expect(chess.members).toContain(members[1]);
    await s.close();
    // get() applies the default too.
    await using s2 = session();
    ctx.log.reset();
    const m = (await s2.get(Member, 2))!;
    expect(m.clubs.map((c) => c.title)).toEqual(["chess"]);
    expect(ctx.log.count("SELECT")).toBe(2);
  });

  test("composite keys load with row-value IN", async () => {
    await using s = session();
    const seats = (await s.scalars(select(Seat).orderBy(Seat.row, Seat.num))).all();
    await s.load(seats, "tickets");
    expect(seats.map((x) => x.tickets.map((t) => t.id).sort())).toEqual([[1, 2], [], [3]]);
    const t = (await s.get(Ticket, 3))!;
    await s.load(t, "seat");
    expect(t.seat).toBe(seats[2]);
  });

  test("self-referential: children and parent", async () => {
    await using s = session();
    const nodes = (await s.scalars(select(Node).orderBy(Node.id))).all();
    ctx.log.reset();
    await s.load(nodes, "children");
    expect(ctx.log.count("SELECT")).toBe(1);
    expect(nodes.map((n) => n.children.map((c) => c.label))).toEqual([["a", "b"], ["a1"], [], []]);
    // The reverse many-to-one was filled by the collection load.
    expect(nodes[3]!.parent).toBe(nodes[1]);
    await s.load(nodes, "parent");
    expect(nodes[0]!.parent).toBeNull();
  });

  test("noload reads empty; raise names its configuration", async () => {
    await using s = session();
    const m = (await s.get(Member, 1))!;
    expect([...inspect(m).unloaded].sort()).toEqual(["posts", "secrets"]); // noload set drafts empty at load
    expect(m.drafts).toEqual([]);
    expect(() => m.secrets).toThrow(/Member\.secrets is not loaded: it is configured with lazy: "raise"/);
  });

  test("awaitableAttrs loads a relationship", async () => {
    await using s = session();
    const m = (await s.get(Member, 2))!;
    const posts = await awaitableAttrs(m).posts;
    expect(posts.map((p) => p.id)).toEqual([101, 3]);
  });

  test("write-only and dynamic collections query their members", async () => {
    await using s = session();
    const m = (await s.get(Member, 1))!;
    const rows = (await s.scalars(m.archive.select().orderBy(Post.id))).all();
    expect(rows.map((p) => p.id)).toEqual([1, 2, 100]);
    expect((await m.feed.all()).length).toBe(3);
    expect(await m.feed.count()).toBe(3);
    expect(await m.feed.first()).toBeInstanceOf(Post);
    await expect(s.load(m, "archive" as never)).rejects.toThrow(
      /write-only collection; it is never loaded whole/,
    );
  });

  test("joins along relationships, any(), has(), eq()", async () => {
    await using s = session();
    const byJoin = (
      await s.execute(
        select(Member.nick, Post.body)
          .join(Member.posts)
          .where(Post.body.in(["a", "c"]))
          .orderBy(Post.body),
      )
    ).all();
    expect(byJoin).toEqual([
      { nick: "m1", body: "a" },
      { nick: "m2", body: "c" },
    ]);
    const inClub = (await s.scalars(select(Member.id).join(Member.clubs).where(Club.title.eq("go")))).all();
    expect(inClub).toEqual([1]);
    const withA = (await s.scalars(select(Member.id).where(Member.posts.any(Post.body.eq("a"))))).all();
    expect(withA).toEqual([1]);
    const withoutPosts = (
      await s.scalars(select(Club.id).where(not(Club.members.any())).orderBy(Club.id))
    ).all();
    expect(withoutPosts).toEqual([3]);
    const byM1 = (
      await s.scalars(
        select(Post.id)
          .where(Post.author.has(Member.nick.eq("m1")))
          .orderBy(Post.id),
      )
    ).all();
    expect(byM1).toEqual([1, 2, 100]);
    const m2 = (await s.get(Member, 2))!;
    expect((await s.scalars(select(Post.id).where(Post.author.eq(m2)).orderBy(Post.id))).all()).toEqual([
      3, 101,
    ]);
    expect((await s.scalars(select(Post.id).where(Post.author.eq(null)))).all()).toEqual([4]);
    const child = Node.__table__.alias("child");
    const parents = (
      await s.scalars(select(Node.label).join(Node.children.ofType(child)).where(child.c.label.eq("a1")))
    ).all();
    expect(parents).toEqual(["a"]);
    expect(() => select(Node).join(Node.children)).toThrow(/needs an alias for one side/);
    // Self-referential any()/has(): the related rows come from an alias, the criterion adapted to it.
    const withA1Child = (
      await s.scalars(select(Node.label).where(Node.children.any(Node.label.eq("a1"))))
    ).all();
    expect(withA1Child).toEqual(["a"]);
    const underRoot = (
      await s.scalars(
        select(Node.label)
          .where(Node.parent.has(Node.label.eq("root")))
          .orderBy(Node.id),
      )
    ).all();
    expect(underRoot).toEqual(["a", "b"]);
    const leaves = (await s.scalars(select(Node.id).where(not(Node.children.any())).orderBy(Node.id))).all();
    expect(leaves).toEqual([3, 4]);
    expect(() => Member.posts.has()).toThrow(/is a collection; use any\(\)/);
  });

  test("backPopulates keeps both sides in step in memory", async () => {
    await using s = session();
    const [m1, m2] = (
      await s.scalars(
        select(Member)
          .where(Member.id.in([1, 2]))
          .orderBy(Member.id),
      )
    ).all();
    await s.load([m1!, m2!], "posts");
    const post = m1!.posts.find((p) => p.body === "a")!;
    // Many-to-one reassigned: moves between the loaded collections.
    post.author = m2!;
    expect(m1!.posts).not.toContain(post);
    expect(m2!.posts).toContain(post);
    const h1 = inspect(m1!).attrs.posts!.history;
    expect(h1.deleted).toEqual([post]);
    expect(h1.added).toEqual([]);
    expect(h1.unchanged.length).toBe(2);
    expect(inspect(m2!).attrs.posts!.history.added).toEqual([post]);
    expect(inspect(post).attrs.author!.history).toMatchObject({ added: [m2], deleted: [m1] });
    expect(inspect(m1!).modified).toBe(true);
    // Collection removal clears the many-to-one; push sets it.
    m2!.posts.splice(m2!.posts.indexOf(post), 1);
    expect(post.author).toBeNull();
    m1!.posts.push(post);
    expect(post.author).toBe(m1);
    // Assigning a new array: removed ones let go, added ones point here.
    const kept = m1!.posts.filter((p) => p !== post);
    m1!.posts = kept;
    expect(post.author).toBeNull();
    expect(m1!.posts).toBeInstanceOf(InstrumentedList);
    expect(s.isModified(post)).toBe(true);
    // Many-to-many: both sides (get() autoflushes the changes above first).
    const go = (await s.get(Club, 2))!;
    await s.load(go, "members");
    m2!.clubs.push(go);
    expect(go.members).toContain(m2);
    m2!.clubs.pop();
    expect(go.members).not.toContain(m2);
    // Wrong class: refused before the collection changes.
    expect(() => m1!.posts.push(go as never)).toThrow(/Member\.posts takes Post instances; got a Club/);
    expect(m1!.posts.length).toBe(kept.length);
    expect(() => (post.author = go as never)).toThrow(/Post\.author takes Member instances/);
    expect(s.isModified(post)).toBe(false);
  });

  test("objects related to one in a Session join it (save-update cascade)", async () => {
    await using s = session();
    const m = (await s.get(Member, 3))!;
    await s.load(m, "posts");
    const p = new Post({ id: 5000, body: "new" });
    m.posts.push(p);
    expect(s.contains(p)).toBe(true);
    expect(s.new).toContain(p);
    const q = new Post({ id: 5001, body: "new2" });
    const n = new Member({ id: 5000, nick: "n" });
    q.author = n;
    s.add(q);
    expect(s.contains(n)).toBe(true);
    s.expungeAll();
  });

  test("Model.create takes relationships; the flush fills the foreign key", async () => {
    await using s = session();
    const m = (await s.get(Member, 4))!;
    const p = Post.create({ id: 7000, body: "created", author: m });
    expect(p.author).toBe(m);
    s.add(p);
    await s.flush();
    expect(p.authorId).toBe(4);
    const row = (await s.execute(select(Post.authorId).where(Post.id.eq(7000)))).one();
    expect(row).toEqual({ authorId: 4 });
    await s.rollback();
    expect(() => Post.create({ bogus: 1 } as never)).toThrow(/'bogus' is not a mapped attribute of Post/);
  });

  test("session.load after commit expired everything: keys are reloaded, the identity map isn't trusted blindly", async () => {
    await using s = session();
    const m = (await s.get(Member, 1))!;
    const p = (await s.get(Post, 1))!;
    await s.commit(); // expireOnCommit: both expired
    ctx.log.reset();
    await s.load(p, "author");
    expect(p.author).toBe(m);
    expect(m.nick).toBe("m1");
    expect(ctx.log.count("SELECT")).toBeGreaterThanOrEqual(2);
  });
});
