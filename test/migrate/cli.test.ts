/**
 * The CLI as a user runs it: `npx athanor migrate …` as a process, in a project folder under
 * .tmp/ that uses this repository as its `athanor` package (node_modules/athanor links here,
 * node_modules/.bin/athanor to bin/athanor.js; the project's tsconfig maps the `athanor`
 * imports to the sources, since the repository has no build). Nothing is downloaded.
 * The SQLite, PostgreSQL and MariaDB flows run side by side, each in its own project.
 */
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createEngine, MetaData } from "../../src/index.js";
import { emptyDatabase } from "./fixtures.js";

const REPO = path.resolve(".");
const ROOT = path.resolve(".tmp", `migrate-cli-${process.pid}`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `athanor migrate …` in `dir`. `npx: true` goes through npx exactly as a user types it;
 * otherwise the bin is run with node, as npm scripts run it (the same launcher, without npx's
 * own start-up time).
 */
function athanor(dir: string, args: string[], env: Record<string, string> = {}, npx = false): Promise<Run> {
  return new Promise((resolve, reject) => {
    const [cmd, pre] = npx
      ? ["npx", ["--no", "athanor"]]
      : [process.execPath, [path.join("node_modules", ".bin", "athanor")]];
    const child = spawn(cmd, [...pre, "migrate", ...args], {
      cwd: dir,
      env: { ...process.env, DATABASE_URL: "", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({ code: code ?? -1, stdout, stderr: stderr.replace(/^npm warn.*\n/gm, "") }),
    );
  });
}

/** A project folder that installs this repository as `athanor` by links. */
function project(name: string): string {
  const dir = path.join(ROOT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
  mkdirSync(path.join(dir, "src"));
  symlinkSync(REPO, path.join(dir, "node_modules", "athanor"));
  symlinkSync(
    path.join("..", "athanor", "bin", "athanor.js"),
    path.join(dir, "node_modules", ".bin", "athanor"),
  );
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      { name, private: true, type: "module", dependencies: { athanor: `file:${REPO}` } },
      null,
      2,
    ),
  );
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          module: "NodeNext",
          moduleResolution: "NodeNext",
          target: "ES2022",
          strict: true,
          paths: { athanor: [`${REPO}/src/index.ts`], "athanor/*": [`${REPO}/src/*/index.ts`] },
        },
      },
      null,
      2,
    ),
  );
  return dir;
}

const USERS_MODEL = (
  extra: string,
) => `import { Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, func } from "athanor";
export const metadata = new MetaData();
new Table("users", metadata, {
  id: Column(Integer, { primaryKey: true }),
  username: Column(String(50), { nullable: false }),
  email: Column(String(255), { nullable: false }),
  is_active: Column(Boolean, { nullable: false }),
  created_at: Column(DateTime, { nullable: false, serverDefault: func.now() }),${extra}
}, Index("idx_email", "email", { unique: true }));
`;

const SHOP_MODEL = `import { Column, Enum, ForeignKey, Index, Integer, JSON, MetaData, Numeric, String, Table, Text, UniqueConstraint } from "athanor";
export const metadata = new MetaData();
new Table("customers", metadata, {
  id: Column(Integer, { primaryKey: true }),
  email: Column(String(200), { nullable: false, unique: true }),
  profile: Column(JSON()),
});
new Table("orders", metadata, {
  id: Column(Integer, { primaryKey: true }),
  customer_id: Column(Integer, { nullable: false, foreignKey: ForeignKey("customers.id", { name: "fk_orders_customer", ondelete: "CASCADE" }) }),
  number: Column(String(20), { nullable: false }),
  status: Column(Enum(["new", "paid"], { name: "order_status" }), { nullable: false }),
  total: Column(Numeric(10, 2), { nullable: false, serverDefault: "0" }),
  note: Column(Text),
}, UniqueConstraint("customer_id", "number", { name: "uq_orders_number" }), Index("ix_orders_status", "status"));
`;

const scripts = (dir: string) =>
  readdirSync(path.join(dir, "migrations", "versions")).filter((f) => f.endsWith(".ts"));

beforeAll(() => {
  mkdirSync(ROOT, { recursive: true });
});
afterAll(() => {
  rmSync(ROOT, { recursive: true, force: true });
});

describe.concurrent("athanor migrate (CLI process)", () => {
  test("a SQLite project: init, autogenerate, upgrade, change, check, history, downgrade", async () => {
    const dir = project("sqlite");
    let r = await athanor(dir, ["init", "--url", "sqlite:///app.db"], {}, true);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, "athanor.config.ts"), "utf8")).toMatch(/url: "sqlite:\/\/\/app\.db"/);
    writeFileSync(path.join(dir, "src", "models.ts"), USERS_MODEL(""));

    r = await athanor(dir, ["revision", "--autogenerate", "-m", "create users"], {}, true);
    expect(r.stdout).toMatch(/Detected createTable\(users\)/);
    const [first] = scripts(dir);
    const firstText = readFileSync(path.join(dir, "migrations", "versions", first!), "utf8");
    expect(firstText).toMatch(
      /import \{ Boolean, Column, DateTime, Integer, String, func \} from "athanor";/,
    );
    expect(firstText).toMatch(
      /await op\.createIndex\("idx_email", "users", \["email"\], \{ unique: true \}\);/,
    );
    const rev1 = /export const revision = "(\w+)"/.exec(firstText)![1]!;

    r = await athanor(dir, ["upgrade", "head"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`Running upgrade <base> -> ${rev1}, create users`));
    expect((await athanor(dir, ["current"])).stdout.trim()).toBe(`${rev1} (head)`);

    writeFileSync(
      path.join(dir, "src", "models.ts"),
      USERS_MODEL(`\n  nickname: Column(String(30)),`).replace("String(50)", "String(80)"),
    );
    r = await athanor(dir, ["revision", "--autogenerate", "-m", "nickname"]);
    const second = scripts(dir).find((f) => f.includes("nickname"))!;
    const secondText = readFileSync(path.join(dir, "migrations", "versions", second), "utf8");
    expect(secondText).toMatch(
      /await op\.batchAlterTable\("users", \(batch\) => \{\n {4}batch\.addColumn\("nickname", Column\(String\(30\)\)\);/,
    );
    expect(secondText).toMatch(
      /batch\.alterColumn\("username", \{ type: String\(80\), existingType: String\(50\), existingNullable: false \}\);/,
    );
    r = await athanor(dir, ["upgrade", "+1"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    r = await athanor(dir, ["check"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);

    r = await athanor(dir, ["history"]);
    expect(r.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/ \(head\), nickname$/),
      `<base> -> ${rev1}, create users`,
    ]);
    r = await athanor(dir, ["downgrade", "-1"]);
    expect(r.stdout).toMatch(/Running downgrade/);
    expect((await athanor(dir, ["check"])).code).toBe(1);
    r = await athanor(dir, ["downgrade", "base"]);
    expect(r.code).toBe(0);
    expect((await athanor(dir, ["current"])).stdout).toMatch(/<base>/);
  }, 120_000);

  test("a SQLite project: offline SQL, errors, DATABASE_URL", async () => {
    const dir = project("sqlite-offline");
    expect((await athanor(dir, ["init", "--url", "sqlite:///app.db"])).code).toBe(0);
    const versions = path.join(dir, "migrations", "versions");
    writeFileSync(
      path.join(versions, "001_create_users.ts"),
      `import type { Operations } from "athanor/migrate";
import { Column, Integer, String } from "athanor";
export const revision = "001";
export const downRevision: string | string[] | null = null;
export const message = "Create users table";
export const createDate = "2024-01-15T10:00:00.000Z";
export async function upgrade(op: Operations): Promise<void> {
  await op.createTable("users", { id: Column(Integer, { primaryKey: true }), email: Column(String(255), { nullable: false }) });
  await op.createIndex("idx_email", "users", ["email"], { unique: true });
}
export async function downgrade(op: Operations): Promise<void> {
  await op.dropTable("users");
}
`,
    );
    let r = await athanor(dir, ["upgrade", "head", "--sql"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^PRAGMA foreign_keys = OFF;$/m);
    expect(r.stdout).toMatch(/^BEGIN;$/m);
    expect(r.stdout).toMatch(/CREATE TABLE users \(/);
    expect(r.stdout).toMatch(/INSERT INTO athanor_version \(version_num\) VALUES \('001'\);/);
    expect(r.stdout).toMatch(/^COMMIT;$/m);
    expect(existsSync(path.join(dir, "app.db"))).toBe(false);

    r = await athanor(dir, ["upgrade", "nope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Error \[ATH-MIGRATE-UNKNOWN-REVISION\]: Can't find revision 'nope'/);
    r = await athanor(dir, ["frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown command 'frobnicate'/);
    // DATABASE_URL wins over the config file's url.
    r = await athanor(dir, ["upgrade", "head"], { DATABASE_URL: "sqlite:///other.db" });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(path.join(dir, "other.db"))).toBe(true);
    expect((await athanor(dir, ["current"])).stdout).toMatch(/<base>/);
  }, 120_000);

  for (const [label, url] of [
    ["postgresql", process.env.ATHANOR_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test"],
    ["mysql", process.env.ATHANOR_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test"],
  ] as const) {
    test(`a ${label} round trip through DATABASE_URL`, async () => {
      const engine = createEngine(url);
      await emptyDatabase(engine);
      const dir = project(label);
      expect((await athanor(dir, ["init"])).code).toBe(0);
      writeFileSync(path.join(dir, "src", "models.ts"), SHOP_MODEL);
      const env = { DATABASE_URL: url };
      let r = await athanor(dir, ["revision", "--autogenerate", "-m", "shop"], env);
      expect(r.code).toBe(0);
      r = await athanor(dir, ["upgrade", "head"], env);
      expect(r.code).toBe(0);
      r = await athanor(dir, ["check"], env);
      expect(r.stdout).toMatch(/No changes detected/);
      expect(r.code).toBe(0);
      r = await athanor(dir, ["downgrade", "base"], env);
      expect(r.code).toBe(0);
      const md = new MetaData();
      await md.reflect(engine);
      expect(Object.keys(md.tables)).toEqual(["athanor_version"]);
      r = await athanor(dir, ["upgrade", "head"], env);
      expect(r.code).toBe(0);
      await emptyDatabase(engine);
      await engine.dispose();
    }, 120_000);
  }
});
