import { expect, test } from "vitest";
import { inspect, text } from "../../src/index.js";
import * as command from "../../src/migrate/command.js";
import { describeEachDialect } from "../support/dialects.js";
import { emptyDatabase } from "./fixtures.js";
import { collector, TestProject } from "./project.js";
import { rows, tableNames } from "./support.js";

const SEED_UP = `
  await op.createTable("users", {
    id: Column(Integer, { nullable: false, primaryKey: true }),
    username: Column(String(50), { nullable: false }),
    email: Column(String(255), { nullable: false }),
    password_hash: Column(String(255), { nullable: false }),
    first_name: Column(String(100), { nullable: true }),
    last_name: Column(String(100), { nullable: true }),
    is_active: Column(Boolean, { nullable: false }),
    is_admin: Column(Boolean, { nullable: false }),
    created_at: Column(DateTime, { serverDefault: func.now(), nullable: false }),
    updated_at: Column(DateTime, { nullable: true }),
    last_login: Column(DateTime, { nullable: true }),
  }, { mysqlEngine: "InnoDB", mysqlCharset: "utf8mb4" });
  await op.createIndex("idx_email", "users", ["email"], { unique: true });
  await op.createIndex("idx_username", "users", ["username"], { unique: true });
  await op.createIndex("idx_active_created", "users", ["is_active", "created_at"]);`;
const SEED_DOWN = `
  await op.dropIndex("idx_active_created", { tableName: "users" });
  await op.dropIndex("idx_username", { tableName: "users" });
  await op.dropIndex("idx_email", { tableName: "users" });
  await op.dropTable("users");`;

const SHOP_MODELS = `
import { MetaData } from "athanor";
import { shopMetadata } from ${JSON.stringify(new URL("./fixtures.ts", import.meta.url).pathname)};
export const metadata: MetaData = shopMetadata();
`;

describeEachDialect(
  "migration runtime",
  (ctx) => {
    const transactional = () => ctx.target.dialect !== "mysql";

    test("the seed's 001_create_users as a script: upgrade head, current, downgrade base", async () => {
      await emptyDatabase(ctx.engine);
      const p = new TestProject(`seed-${ctx.target.label}`);
      p.script("001", null, { upgrade: SEED_UP, downgrade: SEED_DOWN, message: "Create users table" });
      const config = p.config(ctx.target.url);
      const io = collector();
      await command.upgrade(config, "head", { io });
      expect(io.text()).toMatch(/Running upgrade <base> -> 001, Create users table/);
      expect(await tableNames(ctx.engine)).toEqual(["athanor_version", "users"]);
      expect(await command.current(config, { io: collector() })).toEqual(["001"]);
      await command.downgrade(config, "base", { io });
      expect(await tableNames(ctx.engine)).toEqual(["athanor_version"]);
      expect(await command.current(config, { io: collector() })).toEqual([]);
    });

    test("round trip: autogenerate, upgrade head, autogenerate again is empty, downgrade base, upgrade head", async () => {
      await emptyDatabase(ctx.engine);
      const p = new TestProject(`roundtrip-${ctx.target.label}`);
      p.models(SHOP_MODELS);
      const config = p.config(ctx.target.url, { compareServerDefault: true });
      const first = await command.revision(config, {
        message: "create shop",
        autogenerate: true,
        io: collector(),
      });
      p.localize();
      const script = p.read(first.path);
      expect(script).toMatch(/await op\.createTable\(\n {4}"users",/);
      expect(script).toMatch(/await op\.dropTable\("order_items"\);/);
      await command.upgrade(config, "head", { io: collector() });
      expect(await tableNames(ctx.engine)).toEqual([
        "athanor_version",
        "order_items",
        "orders",
        "products",
        "users",
      ]);
      const io = collector();
      const second = await command.revision(config, { message: "nothing", autogenerate: true, io });
      expect(io.text()).toMatch(/No changes detected/);
      expect(p.read(second.path)).toMatch(
        /upgrade\(_op: Operations\): Promise<void> \{\n {2}\/\/ Nothing to do\./,
      );
      p.localize();
      await command.upgrade(config, "head", { io: collector() });
      await command.downgrade(config, "base", { io: collector() });
      expect(await tableNames(ctx.engine)).toEqual(["athanor_version"]);
      await command.upgrade(config, "head", { io: collector() });
      expect(await command.check(config, { io: collector() })).toBe(true);
    });

    test("branches and merges: several heads, 'heads', merge, history marks", async () => {
      await emptyDatabase(ctx.engine);
      const p = new TestProject(`branches-${ctx.target.label}`);
      const t = (n: string) => ({
        upgrade: `  await op.createTable("${n}", { id: Column(Integer, { primaryKey: true }) });`,
        downgrade: `  await op.dropTable("${n}");`,
      });
      p.script("a1", null, t("ta"));
      p.script("b2", "a1", t("tb"));
      p.script("c3", "a1", t("tc"));
      const config = p.config(ctx.target.url);
      await expect(command.upgrade(config, "head", { io: collector() })).rejects.toMatchObject({
        code: "ATH-MIGRATE-MULTIPLE-HEADS",
      });
      await command.upgrade(config, "heads", { io: collector() });
      expect((await command.current(config, { io: collector() })).sort()).toEqual(["b2", "c3"]);
      await expect(command.revision(config, { message: "x", io: collector() })).rejects.toThrow(
        /2 head revisions \(b2, c3\)/,
      );
      const merged = await command.merge(config, ["heads"], {
        message: "join",
        revId: "m4",
        io: collector(),
      });
      p.localize();
      expect(p.read(merged.path)).toMatch(
        /export const downRevision: string \| string\[\] \| null = \["b2", "c3"\];/,
      );
      await command.upgrade(config, "head", { io: collector() });
      expect(await command.current(config, { io: collector() })).toEqual(["m4"]);
      const h = collector();
      await command.history(config, { io: h });
      expect(h.lines).toEqual([
        "(b2, c3) -> m4 (head) (mergepoint), join",
        "a1 -> c3, rev c3",
        "a1 -> b2, rev b2",
        "<base> -> a1 (branchpoint), rev a1",
      ]);
      await command.downgrade(config, "a1", { io: collector() });
      expect(await command.current(config, { io: collector() })).toEqual(["a1"]);
      await command.downgrade(config, "base", { io: collector() });
    });

    test("clear errors: unknown revision, database ahead of the scripts, missing down revision", async () => {
      await emptyDatabase(ctx.engine);
      const p = new TestProject(`errors-${ctx.target.label}`);
      p.script("a1", null, { upgrade: "", downgrade: "" });
      const config = p.config(ctx.target.url);
      await expect(command.upgrade(config, "nope", { io: collector() })).rejects.toThrow(
        /Can't find revision 'nope'/,
      );
      await command.stamp(config, "a1", { io: collector() });
      await ctx.engine.begin((c) => c.execute(text("UPDATE athanor_version SET version_num = 'ffff0000'")));
      await expect(command.upgrade(config, "head", { io: collector() })).rejects.toMatchObject({
        code: "ATH-MIGRATE-DB-AHEAD",
        message: expect.stringMatching(/at revision 'ffff0000', which the versions folder .* does not have/),
      });
      await command.stamp(config, "base", { io: collector() });
      p.script("b2", "zz9", { upgrade: "", downgrade: "" });
      await expect(command.upgrade(config, "head", { io: collector() })).rejects.toThrow(
        /'b2' .* names down revision 'zz9'/,
      );
    });

    test("a failing migration: rolled back where DDL is transactional, reported half-applied on MySQL", async () => {
      await emptyDatabase(ctx.engine);
      const p = new TestProject(`failure-${ctx.target.label}`);
      p.script("a1", null, {
        upgrade: `  await op.createTable("first", { id: Column(Integer, { primaryKey: true }) });`,
        downgrade: `  await op.dropTable("first");`,
      });
      p.script("b2", "a1", {
        upgrade: `  await op.createTable("second", { id: Column(Integer, { primaryKey: true }) });
  await op.addColumn("second", "n", Column(Integer));
  await op.execute("THIS IS NOT SQL");`,
        downgrade: `  await op.dropTable("second");`,
      });
      const config = p.config(ctx.target.url);
      const err = await command.upgrade(config, "head", { io: collector() }).then(
        () => null,
        (e: Error) => e,
      );
      expect(err).toMatchObject({ code: "ATH-MIGRATE-FAILED", revision: "b2" });
      if (transactional()) {
        expect(err!.message).toMatch(/The whole run was rolled back: the database is at revision <base>/);
        expect((await tableNames(ctx.engine)).filter((t) => t !== "athanor_version")).toEqual([]);
        expect(await command.current(config, { io: collector() })).toEqual([]);
      } else {
        expect(err!.message).toMatch(/revision b2 is HALF-APPLIED/);
        expect(err!.message).toMatch(/1\. createTable\(second\)\n {2}2\. addColumn\(second\.n\)/);
        expect(err!.message).toMatch(/The version table still says a1/);
        expect(err!.message).toMatch(/athanor migrate stamp b2/);
        expect(await tableNames(ctx.engine)).toEqual(["athanor_version", "first", "second"]);
        expect(await command.current(config, { io: collector() })).toEqual(["a1"]);
      }
      // Each migration in its own transaction: the first one stays.
      await emptyDatabase(ctx.engine);
      await expect(
        command.upgrade(p.config(ctx.target.url, { transactionPerMigration: true }), "head", {
          io: collector(),
        }),
      ).rejects.toMatchObject({ code: "ATH-MIGRATE-FAILED" });
      expect(await command.current(config, { io: collector() })).toEqual(["a1"]);
      expect((await tableNames(ctx.engine)).includes("first")).toBe(true);
    });

    test("offline: upgrade head --sql prints the script and touches nothing", async () => {
      await emptyDatabase(ctx.engine);
      const p = new TestProject(`offline-${ctx.target.label}`);
      p.script("001", null, { upgrade: SEED_UP, downgrade: SEED_DOWN, message: "Create users table" });
      p.script("002", "001", {
        upgrade: `  await op.addColumn("users", "nickname", Column(String(30)));
  await op.bulkInsert("users", [{ username: "root", email: "r@x", password_hash: "-", is_active: true, is_admin: true }]);`,
        downgrade: `  await op.dropColumn("users", "nickname");`,
      });
      const config = p.config(ctx.target.url);
      const sql = (await command.upgrade(config, "head", { sql: true, io: collector() })) as string;
      expect(sql).toMatch(/CREATE TABLE .?athanor_version/);
      expect(sql).toMatch(/-- Running upgrade <base> -> 001, Create users table/);
      expect(sql).toMatch(/CREATE UNIQUE INDEX .?idx_email.? ON .?users/);
      expect(sql).toMatch(/ALTER TABLE .?users.? ADD COLUMN .?nickname.? VARCHAR\(30\)/);
      expect(sql).toMatch(/INSERT INTO .?users.? \(.*\) VALUES \('root'/);
      expect(sql).toMatch(/UPDATE .?athanor_version.? SET .?version_num.? = '002'/);
      if (transactional()) expect(sql).toMatch(/^BEGIN;$[\s\S]*^COMMIT;$/m);
      else expect(sql).not.toMatch(/^BEGIN;$/m);
      const down = (await command.downgrade(config, "002:001", { sql: true, io: collector() })) as string;
      expect(down).toMatch(/ALTER TABLE .?users.? DROP COLUMN .?nickname/);
      expect(await tableNames(ctx.engine)).toEqual([]);
      await expect(command.downgrade(config, "base", { sql: true, io: collector() })).rejects.toThrow(
        /needs the revision to start from/,
      );
    });

    test("stamp records a revision without running it; data survives a SQLite-style rebuild migration", async () => {
      await emptyDatabase(ctx.engine);
      const p = new TestProject(`stamp-${ctx.target.label}`);
      p.script("001", null, { upgrade: SEED_UP, downgrade: SEED_DOWN });
      p.script("002", "001", {
        upgrade: `  await op.batchAlterTable("users", (batch) => {
    batch.alterColumn("username", { type: String(80), existingType: String(50), existingNullable: false });
    batch.alterColumn("first_name", { nullable: false, serverDefault: "?", existingType: String(100), existingNullable: true });
  });`,
        downgrade: `  await op.batchAlterTable("users", (batch) => {
    batch.alterColumn("first_name", { nullable: true, serverDefault: null, existingType: String(100), existingNullable: false });
    batch.alterColumn("username", { type: String(50), existingType: String(80), existingNullable: false });
  });`,
      });
      const config = p.config(ctx.target.url);
      await command.upgrade(config, "001", { io: collector() });
      await ctx.engine.begin((c) =>
        c.execute(
          text(
            "INSERT INTO users (username, email, password_hash, first_name, is_active, is_admin) VALUES ('a', 'a@x', 'h', 'Ann', 1 = 1, 1 = 0)",
          ),
        ),
      );
      await command.upgrade(config, "+1", { io: collector() });
      const cols = Object.fromEntries(
        (await inspect(ctx.engine).getColumns("users")).map((c) => [c.name, c]),
      );
      expect((cols.username!.type as { length?: number }).length).toBe(80);
      expect(cols.first_name!.nullable).toBe(false);
      expect(await rows(ctx.engine, "SELECT username, first_name FROM users")).toEqual([
        { username: "a", first_name: "Ann" },
      ]);
      expect((await inspect(ctx.engine).getIndexes("users")).map((i) => i.name)).toEqual([
        "idx_active_created",
        "idx_email",
        "idx_username",
      ]);
      await command.downgrade(config, "-1", { io: collector() });
      await command.stamp(config, "002", { io: collector() });
      expect(await command.current(config, { io: collector() })).toEqual(["002"]);
      await command.stamp(config, "base", { io: collector() });
      expect(await command.current(config, { io: collector() })).toEqual([]);
    });
    // Commands open their own engine from the URL: an in-memory SQLite database would be a new, empty one.
  },
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);
