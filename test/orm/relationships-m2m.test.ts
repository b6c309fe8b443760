/**
 * Many-to-many through `secondary` (seed 000's user_roles) and the association object pattern
 * (seed 000's Enrollment between Student and Course, with attributes of its own): association
 * rows inserted and deleted in batches, written once when both sides changed, removed with the
 * objects they name; composite keys copied from both parents before the INSERT.
 */
import { expect, test } from "vitest";
import { Integer, select, String as Str } from "../../src/index.js";
import { declarativeBase, FlushError, mappedColumn, relationship, Session } from "../../src/orm/index.js";
import { Base, Course, Enrollment, Role, Student, User, userRoles, type Init } from "./rel-models.js";
import { ormSuite, type OrmContext } from "./support.js";

let seq = 0;
const uniq = (p: string) => `${p}${++seq}`;

async function rows<T>(ctx: OrmContext, stmt: any): Promise<T[]> {
  const conn = await ctx.engine.connect();
  try {
    return (await conn.execute(stmt)).all() as T[];
  } finally {
    await conn.close();
  }
}

/** The role ids of a user, from the association table. */
async function roleIds(ctx: OrmContext, userId: number): Promise<number[]> {
  const r = await rows<{ roleId: number }>(
    ctx,
    select(userRoles.c.roleId).where(userRoles.c.userId.eq(userId)).orderBy(userRoles.c.roleId),
  );
  return r.map((x) => x.roleId);
}

ormSuite("many-to-many and association objects", Base.metadata, (ctx) => {
  const session = () => new Session({ bind: ctx.engine });

  test("roles assigned: one multi-row INSERT of association rows; removed: one DELETE", async () => {
    const s = session();
    const roles = [uniq("admin"), uniq("editor"), uniq("viewer")].map((name) => new Role({ name }));
    const u = new User({ username: uniq("u"), roles });
    s.add(u);
    ctx.log.reset();
    await s.flush();
    const inserts = ctx.log.statements.filter((x) => x.startsWith("INSERT"));
    expect(inserts.filter((x) => x.includes("rf_user_roles")).length).toBe(1);
    await s.commit();
    expect(await roleIds(ctx, u.id)).toEqual(roles.map((r) => r.id).sort((a, b) => a - b));

    const user = (await s.get(User, u.id))!; // roles load with it (lazy: "selectin")
    expect(user.roles.length).toBe(3);
    user.roles.splice(0, 2);
    ctx.log.reset();
    await s.commit();
    expect(ctx.log.statements).toEqual([expect.stringMatching(/^DELETE FROM rf_user_roles WHERE/)]);
    expect(await roleIds(ctx, u.id)).toEqual([roles[2]!.id]);
    await s.close();
  });

  test("a pair changed from both sides of backPopulates is written once", async () => {
    const s = session();
    const r = new Role({ name: uniq("r") });
    const u = new User({ username: uniq("u") });
    s.addAll([r, u]);
    await s.commit();
    const role = (await s.get(Role, r.id))!;
    await s.load(role, "users");
    const user = (await s.get(User, u.id))!;
    user.roles.push(role);
    expect(role.users).toEqual([user]); // the other side in memory: both record the change
    ctx.log.reset();
    await s.commit();
    expect(ctx.log.statements).toEqual([expect.stringMatching(/^INSERT INTO rf_user_roles/)]);
    expect(await roleIds(ctx, u.id)).toEqual([r.id]);

    // From the Role side, the user's roles loaded (selectin): removed once.
    const role2 = (await s.get(Role, r.id))!;
    await s.load(role2, "users");
    role2.users.pop();
    ctx.log.reset();
    await s.commit();
    expect(ctx.log.statements).toEqual([expect.stringMatching(/^DELETE FROM rf_user_roles/)]);
    expect(await roleIds(ctx, u.id)).toEqual([]);
    await s.close();
  });

  test("assigning a collection that was not loaded: rows not in the new list are deleted", async () => {
    const s = session();
    const users = [1, 2, 3].map(() => new User({ username: uniq("u") }));
    const r = new Role({ name: uniq("r"), users: users.slice(0, 2) });
    s.addAll([r, ...users]);
    await s.commit();
    const role = (await s.get(Role, r.id))!; // Role.users is not loaded
    const u3 = (await s.get(User, users[2]!.id))!;
    role.users = [u3];
    ctx.log.reset();
    await s.commit();
    // The original members are SELECTed, to know which rows to delete.
    expect(
      ctx.log.statements.filter(
        (x) => x.startsWith("SELECT") && x.includes("FROM rf_users JOIN rf_user_roles"),
      ).length,
    ).toBe(1);
    expect(ctx.log.statements.filter((x) => x.startsWith("DELETE FROM rf_user_roles")).length).toBe(1);
    const members = await rows<{ userId: number }>(
      ctx,
      select(userRoles.c.userId).where(userRoles.c.roleId.eq(r.id)),
    );
    expect(members).toEqual([{ userId: users[2]!.id }]);
    await s.close();
  });

  test("deleting an object deletes its association rows, not the objects on the other side", async () => {
    const s = session();
    const r1 = new Role({ name: uniq("r") });
    const r2 = new Role({ name: uniq("r") });
    const u = new User({ username: uniq("u"), roles: [r1, r2] });
    s.add(u);
    await s.commit();
    const user = (await s.get(User, u.id))!;
    await s.delete(user);
    ctx.log.reset();
    await s.commit();
    expect(ctx.log.statements.filter((x) => x.includes("rf_user_roles"))).toEqual([
      expect.stringMatching(/^DELETE FROM rf_user_roles WHERE rf_user_roles.user_id IN/),
    ]);
    expect(await roleIds(ctx, u.id)).toEqual([]);
    expect((await rows(ctx, select(Role.id).where(Role.id.in([r1.id, r2.id])))).length).toBe(2);

    // From the other side: deleting a role removes it from its users.
    const r3 = new Role({ name: uniq("r") });
    const u2 = new User({ username: uniq("u"), roles: [r3] });
    s.add(u2);
    await s.commit();
    const role = (await s.get(Role, r3.id))!;
    await s.delete(role);
    await s.commit();
    expect(await roleIds(ctx, u2.id)).toEqual([]);
    await s.close();
  });

  test("association object: both foreign keys of the composite key come from new parents", async () => {
    const s = session();
    const [mathTitle, artTitle] = [uniq("math"), uniq("art")];
    const alice = new Student({ name: uniq("alice") });
    const math = new Course({ title: mathTitle });
    const art = new Course({ title: artTitle });
    const e1 = new Enrollment({ student: alice, course: math, grade: 15 });
    const e2 = new Enrollment({ student: alice, course: art });
    expect(alice.enrollments).toEqual([e1, e2]);
    expect(math.enrollments).toEqual([e1]);
    s.add(alice); // courses and enrollments follow
    expect(s.new.length).toBe(5);
    ctx.log.reset();
    await s.flush();
    expect([e1.studentId, e1.courseId, e2.courseId]).toEqual([alice.id, math.id, art.id]);
    expect(ctx.log.statements.filter((x) => x.startsWith("INSERT INTO rf_enrollments")).length).toBe(1);
    expect(e2.completed).toBe(false); // a client-side default
    const [aliceId, artId] = [alice.id, art.id];
    await s.commit();

    const loaded = (await s.get(Student, aliceId))!;
    await s.load(loaded, "enrollments");
    await s.load(loaded.enrollments, "course");
    const byTitle = Object.fromEntries(
      loaded.enrollments.map((e) => [e.courseId === artId ? artTitle : mathTitle, e]),
    );
    expect(byTitle[mathTitle]!.grade).toBe(15);
    expect(byTitle[artTitle]!.grade).toBe(null);
    expect(byTitle[artTitle]!.enrolledAt).toBeInstanceOf(Date); // the server default

    // An attribute of the association: one UPDATE by composite key.
    byTitle[artTitle]!.grade = 12;
    byTitle[artTitle]!.completed = true;
    ctx.log.reset();
    await s.flush();
    expect(ctx.log.statements).toEqual([expect.stringMatching(/^UPDATE rf_enrollments SET/)]);

    // Removed from the student's enrollments: an orphan, deleted.
    loaded.enrollments.splice(loaded.enrollments.indexOf(byTitle[mathTitle]!), 1);
    await s.commit();
    const left = await rows<{ courseId: number; grade: number; completed: boolean }>(
      ctx,
      select(Enrollment.courseId, Enrollment.grade, Enrollment.completed).where(
        Enrollment.studentId.eq(aliceId),
      ),
    );
    expect(left.map((r) => [r.courseId, r.grade, Boolean(r.completed)])).toEqual([[artId, 12, true]]);

    // Deleting the course deletes its enrollments first.
    const course = (await s.get(Course, artId))!;
    await s.delete(course);
    await s.commit();
    expect(await rows(ctx, select(Enrollment.courseId).where(Enrollment.studentId.eq(aliceId)))).toEqual([]);
    await s.close();
  });

  test("association object between persistent objects, and a second course for the same student", async () => {
    const s = session();
    const st = new Student({ name: uniq("bob") });
    const c1 = new Course({ title: uniq("c") });
    const c2 = new Course({ title: uniq("c") });
    s.addAll([st, c1, c2]);
    await s.commit();
    const student = (await s.get(Student, st.id))!;
    const course = (await s.get(Course, c2.id))!;
    await s.load(student, "enrollments");
    await s.load(course, "enrollments");
    const e = new Enrollment({ course, grade: 9 });
    student.enrollments.push(e);
    expect(course.enrollments).toEqual([e]); // in memory, both sides (backPopulates)
    expect(e.student).toBe(student);
    ctx.log.reset();
    await s.commit();
    expect(ctx.log.count("INSERT")).toBe(1);
    const r = await rows<{ courseId: number }>(
      ctx,
      select(Enrollment.courseId).where(Enrollment.studentId.eq(st.id)),
    );
    expect(r).toEqual([{ courseId: c2.id }]);
    await s.close();
  });
});

// An association object whose collection has no delete-orphan: leaving it would blank its key.
const PlainBase = declarativeBase();

class Club extends PlainBase.model("rfp_clubs", {
  id: mappedColumn(Integer, { primaryKey: true }),
  name: mappedColumn(Str(50)),
}) {
  constructor(init: Init<Club> = {}) {
    super(init as never);
  }
  static memberships = relationship(() => Membership, { backPopulates: "club" });
  declare memberships: Membership[];
}

class Membership extends PlainBase.model("rfp_memberships", {
  clubId: mappedColumn(Integer, { name: "club_id", foreignKey: "rfp_clubs.id", primaryKey: true }),
  person: mappedColumn(Str(50), { primaryKey: true }),
}) {
  constructor(init: Init<Membership> = {}) {
    super(init as never);
  }
  static club = relationship(() => Club, { backPopulates: "memberships" });
  declare club: Club | null;
}

ormSuite("association object without delete-orphan", PlainBase.metadata, (ctx) => {
  test("removing it from the collection would NULL part of its primary key: a FlushError naming the fix", async () => {
    const s = new Session({ bind: ctx.engine });
    const club = new Club({ name: "chess", memberships: [new Membership({ person: "ann" })] });
    s.add(club);
    await s.flush();
    expect(club.memberships[0]!.clubId).toBe(club.id);
    club.memberships.pop();
    const err = await s.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlushError);
    expect((err as FlushError).code).toBe("ATH-ORM-BLANK-PK");
    expect((err as Error).message).toMatch(
      /Membership.clubId would be set to NULL, but it is part of the primary key/,
    );
    expect((err as Error).message).toMatch(/delete-orphan/);
    await s.rollback();
    await s.close();
  });
});
