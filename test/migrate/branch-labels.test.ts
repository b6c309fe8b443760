import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { main } from "../../src/cli/main.js";
import * as command from "../../src/migrate/command.js";
import { RevisionMap, type Revision } from "../../src/migrate/script/revision-map.js";
import { describeEachDialect } from "../support/dialects.js";
import { emptyDatabase } from "./fixtures.js";
import { collector, sourceImports, TestProject } from "./project.js";
import { tableNames } from "./support.js";

const rev = (revision: string, down: string[] = [], branchLabels: string[] = []): Revision => ({
  revision,
  downRevisions: down,
  message: `msg ${revision}`,
  createDate: revision,
  path: `${revision}.ts`,
  branchLabels,
});

/**   a1 ── a2 ── a3                      (trunk)
 *     └── f1 (feature) ── f2 ── f3
 *   n1 (networking) ── n2                (an independent base) */
const graph = (...extra: Revision[]) =>
  new RevisionMap([
    rev("a1"),
    rev("a2", ["a1"]),
    rev("a3", ["a2"]),
    rev("f1", ["a1"], ["feature"]),
    rev("f2", ["f1"]),
    rev("f3", ["f2"]),
    rev("n1", [], ["networking"]),
    rev("n2", ["n1"]),
    ...extra,
  ]);
const ids = (steps: { revision: Revision }[]) => steps.map((s) => s.revision.revision);
const last = (steps: { toHeads: readonly string[] }[]) => [...steps[steps.length - 1]!.toHeads].sort();

describe("branch labels (revision map)", () => {
  test("a label names its revision; the revisions built on it carry it", () => {
    const m = graph();
    expect(m.branchLabels).toEqual(["feature", "networking"]);
    expect(m.resolve("feature").revision).toBe("f1");
    expect(m.labelsOf("f3")).toEqual(["feature"]);
    expect(m.labelsOf("a1")).toEqual([]);
    expect(m.labelsOf("n2")).toEqual(["networking"]);
    expect(m.revisionFor("feature@head")).toBe("f3");
    expect(m.revisionFor("networking@n1")).toBe("n1");
    // A label wins over an id prefix it happens to be.
    const p = new RevisionMap([rev("ab1"), rev("ab2", ["ab1"], ["ab"])]);
    expect(p.resolve("ab").revision).toBe("ab2");
  });

  test("loading checks labels: used twice, equal to a revision id, malformed", () => {
    expect(() => graph(rev("x9", ["a3"], ["feature"]))).toThrow(
      expect.objectContaining({
        code: "ATH-MIGRATE-GRAPH",
        message: expect.stringMatching(
          /'feature' is declared twice: by revision f1 \(f1\.ts\) and by revision x9 \(x9\.ts\)/,
        ),
      }),
    );
    expect(() => graph(rev("x9", ["a3"], ["a2"]))).toThrow(
      /'a2' of revision x9 \(x9\.ts\) is also the id of revision a2 \(a2\.ts\)/,
    );
    expect(() => graph(rev("x9", ["a3"], ["a@b"]))).toThrow(/'a@b' of revision x9 .* must be letters/);
    expect(() => graph(rev("x9", ["a3"], ["head"]))).toThrow(/'head' .* is a word targets use/);
  });

  test("upgrade label@head, label@+N, label@<rev> apply that branch only", () => {
    const m = graph();
    expect(ids(m.upgradeSteps([], "feature@head"))).toEqual(["a1", "f1", "f2", "f3"]);
    expect(ids(m.upgradeSteps(["a3"], "feature@+2"))).toEqual(["f1", "f2"]);
    expect(last(m.upgradeSteps(["a3"], "feature@+2"))).toEqual(["a3", "f2"]);
    expect(ids(m.upgradeSteps(["a3", "f1"], "feature@f2"))).toEqual(["f2"]);
    expect(ids(m.upgradeSteps(["a3"], "networking@head"))).toEqual(["n1", "n2"]);
    expect(ids(m.upgradeSteps(["a3"], "networking"))).toEqual(["n1"]);
    expect(m.upgradeSteps(["f3"], "feature@head")).toEqual([]);
    expect(() => m.upgradeSteps(["f2"], "feature@+2")).toThrow(/only 1 revision\(s\) of branch 'feature'/);
  });

  test("downgrade label@-N, label@<rev>, label@base leave the other branches", () => {
    const m = graph();
    const at = ["a3", "f3", "n2"];
    expect(ids(m.downgradeSteps(at, "feature@-1"))).toEqual(["f3"]);
    expect(ids(m.downgradeSteps(at, "feature@f1"))).toEqual(["f3", "f2"]);
    // A plain revision target undoes everything that isn't under it; the label keeps to its branch.
    expect(ids(m.downgradeSteps(at, "f1"))).toEqual(expect.arrayContaining(["a3", "a2", "n2", "n1"]));
    const base = m.downgradeSteps(at, "feature@base");
    expect(ids(base)).toEqual(["f3", "f2", "f1"]);
    expect(last(base)).toEqual(["a3", "n2"]);
    expect(last(m.downgradeSteps(at, "networking@base"))).toEqual(["a3", "f3"]);
    // Undoing the first revision of a branch off a1 brings a1 back as a head.
    expect(last(m.downgradeSteps(["f1"], "feature@base"))).toEqual(["a1"]);
    expect(m.downgradeSteps(["a3"], "feature@base")).toEqual([]);
    expect(() => m.downgradeSteps(["a3", "f1"], "feature@f2")).toThrow(/not at or past it/);
    expect(() => m.downgradeSteps(at, "feature@-4")).toThrow(/only 3 revision\(s\) of branch 'feature'/);
  });

  test("stamp label@… moves that branch's heads and keeps the others", () => {
    const m = graph();
    expect(m.stampHeads("feature@head", ["a3", "n2"]).sort()).toEqual(["a3", "f3", "n2"]);
    expect(m.stampHeads("feature@f1", ["a1"])).toEqual(["f1"]);
    expect(m.stampHeads("feature@base", ["a3", "f3"])).toEqual(["a3"]);
    expect(m.stampHeads("networking@-1", ["a3", "n2"]).sort()).toEqual(["a3", "n1"]);
    expect(m.stampHeads("networking@head", ["zz99"])).toEqual(["zz99", "n2"]);
    // Without a label, stamp replaces every head (as before).
    expect(m.stampHeads("n2")).toEqual(["n2"]);
  });

  test("a branch with several heads: label@head names them, label@heads takes all", () => {
    const m = graph(rev("f4", ["f2"]));
    const err = (() => {
      try {
        m.upgradeSteps([], "feature@head");
      } catch (e) {
        return e as Error & { code: string };
      }
    })();
    expect(err?.code).toBe("ATH-MIGRATE-MULTIPLE-HEADS");
    expect(err?.message).toMatch(/Branch 'feature' has 2 head revisions \(f3, f4\) for 'feature@head'/);
    expect(err?.message).toMatch(/'feature@heads'/);
    expect(ids(m.upgradeSteps(["a3"], "feature@heads"))).toEqual(["f1", "f2", "f3", "f4"]);
    expect(() => m.upgradeSteps(["a3"], "feature@+3")).toThrow(/Branch 'feature' has 2 head revisions/);
    expect(() => m.downgradeSteps(["f3", "f4"], "feature@-1")).toThrow(/Branch 'feature' has 2 head/);
  });

  test("errors: unknown label, a revision off the branch, wrong direction, malformed", () => {
    const m = graph();
    expect(() => m.upgradeSteps([], "nope@head")).toThrow(
      expect.objectContaining({
        code: "ATH-MIGRATE-UNKNOWN-BRANCH",
        message: expect.stringMatching(
          /No script has the branch label 'nope' .*Branch labels: feature, networking/,
        ),
      }),
    );
    expect(() => m.upgradeSteps([], "feature@a2")).toThrow(
      expect.objectContaining({
        code: "ATH-MIGRATE-NOT-ON-BRANCH",
        message: expect.stringMatching(
          /Revision a2 is not on branch 'feature' \(revision f1 and the revisions/,
        ),
      }),
    );
    expect(() => m.upgradeSteps([], "feature@-1")).toThrow(/use `athanor migrate downgrade feature@-1`/);
    expect(() => m.downgradeSteps(["f3"], "feature@+1")).toThrow(
      expect.objectContaining({ code: "ATH-MIGRATE-RELATIVE" }),
    );
    expect(() => m.upgradeSteps([], "feature@")).toThrow(
      expect.objectContaining({ code: "ATH-MIGRATE-TARGET" }),
    );
    expect(() => m.revisionFor("feature@base")).toThrow(/--head base/);
    expect(() => m.resolve("zz")).toThrow(/branch labels: feature, networking/);
  });
});

const table = (name: string) => ({
  upgrade: `  await op.createTable("${name}", { id: Column(Integer, { primaryKey: true }) });`,
  downgrade: `  await op.dropTable("${name}");`,
});

/** Gives a script written by `revision` a body creating (and dropping) a table. */
function fillBodies(file: string, name: string): void {
  const t = table(name);
  const text = readFileSync(file, "utf8")
    .replace(
      /^import type \{ Operations \} from "athanor\/migrate";$/m,
      (l) => `${l}\nimport { Column, Integer } from "athanor";`,
    )
    .replace(
      "(_op: Operations): Promise<void> {\n  // Nothing to do.",
      `(op: Operations): Promise<void> {\n${t.upgrade}`,
    )
    .replace(
      "(_op: Operations): Promise<void> {\n  // Nothing to do.",
      `(op: Operations): Promise<void> {\n${t.downgrade}`,
    );
  writeFileSync(file, sourceImports(text));
}

describeEachDialect(
  "branch labels (commands)",
  (ctx) => {
    const sorted = async (p: Promise<string[]>) => (await p).sort();

    test("an independent labeled branch: revision --head base --branch-label, label@head, label@base", async () => {
      await emptyDatabase(ctx.engine);
      const p = new TestProject(`labels-base-${ctx.target.label}`);
      p.script("a1", null, table("ta"));
      p.script("a2", "a1", table("tb"));
      const config = p.config(ctx.target.url);
      const io = () => collector();
      await command.upgrade(config, "head", { io: io() });

      const n1 = await command.revision(config, {
        message: "networking",
        head: "base",
        branchLabel: "networking",
        revId: "n1",
        io: io(),
      });
      const text = p.read(n1.path);
      expect(text).toMatch(/export const downRevision: string \| string\[\] \| null = null;\n/);
      expect(text).toMatch(/export const branchLabels: string\[\] = \["networking"\];\n/);
      fillBodies(n1.path, "tn1");
      const n2 = await command.revision(config, {
        message: "dns",
        head: "networking@head",
        revId: "n2",
        io: io(),
      });
      expect(p.read(n2.path)).toMatch(/downRevision: string \| string\[\] \| null = "n1";/);
      expect(p.read(n2.path)).not.toMatch(/branchLabels/);
      fillBodies(n2.path, "tn2");

      const h = collector();
      expect(await command.heads(config, { io: h })).toEqual(["a2", "n2"]);
      expect(h.lines).toEqual(["a2 (head), rev a2", "n2 (networking) (head), dns"]);
      const hist = collector();
      await command.history(config, { io: hist });
      expect(hist.lines).toEqual(
        expect.arrayContaining([
          "n1 -> n2 (networking) (head), dns",
          "<base> -> n1 (networking), networking",
        ]),
      );

      await expect(command.upgrade(config, "head", { io: io() })).rejects.toMatchObject({
        code: "ATH-MIGRATE-MULTIPLE-HEADS",
      });
      await command.upgrade(config, "networking@head", { io: io() });
      expect(await sorted(command.current(config, { io: io() }))).toEqual(["a2", "n2"]);
      expect(await tableNames(ctx.engine)).toEqual(["athanor_version", "ta", "tb", "tn1", "tn2"]);

      await command.downgrade(config, "networking@-1", { io: io() });
      const cur = collector();
      expect(await sorted(command.current(config, { io: cur }))).toEqual(["a2", "n1"]);
      // `current` names the branch a revision is on, as `heads` does.
      expect([...cur.lines].sort()).toEqual(["a2 (head)", "n1 (networking)"]);
      const down = collector();
      await command.downgrade(config, "networking@base", { io: down });
      expect(down.text()).toMatch(/Running downgrade n1 -> <base>/);
      expect(await command.current(config, { io: io() })).toEqual(["a2"]);
      expect(await tableNames(ctx.engine)).toEqual(["athanor_version", "ta", "tb"]);

      await command.upgrade(config, "networking@+1", { io: io() });
      expect(await sorted(command.current(config, { io: io() }))).toEqual(["a2", "n1"]);
      await command.stamp(config, "networking@head", { io: io() });
      expect(await sorted(command.current(config, { io: io() }))).toEqual(["a2", "n2"]);
      await command.stamp(config, "networking@n1", { io: io() });
      await command.downgrade(config, "networking@base", { io: io() });
      expect(await command.current(config, { io: io() })).toEqual(["a2"]);

      await expect(command.upgrade(config, "networking@a2", { io: io() })).rejects.toMatchObject({
        code: "ATH-MIGRATE-NOT-ON-BRANCH",
      });
      await expect(command.upgrade(config, "nope@head", { io: io() })).rejects.toMatchObject({
        code: "ATH-MIGRATE-UNKNOWN-BRANCH",
      });
      await expect(
        command.revision(config, { message: "again", head: "base", branchLabel: "networking", io: io() }),
      ).rejects.toMatchObject({
        code: "ATH-MIGRATE-BRANCH-LABEL",
        message: expect.stringMatching(/already the label of revision n1 .*--head networking@head/),
      });
      const sql = await command.upgrade(config, "networking@head", { sql: true, io: io() });
      expect(sql).toMatch(/CREATE TABLE tn2/);
      expect(sql).not.toMatch(/CREATE TABLE ta\b/);
      await command.downgrade(config, "base", { io: io() });
    });

    test("a labeled branch off the trunk: --splice --branch-label, label@<rev>, merge", async () => {
      await emptyDatabase(ctx.engine);
      const p = new TestProject(`labels-feature-${ctx.target.label}`);
      p.script("a1", null, table("ta"));
      p.script("a2", "a1", table("tb"));
      const config = p.config(ctx.target.url);
      const io = () => collector();
      await expect(
        command.revision(config, { message: "f", head: "a1", branchLabel: "feature", io: io() }),
      ).rejects.toMatchObject({ code: "ATH-MIGRATE-NOT-HEAD" });
      const f1 = await command.revision(config, {
        message: "feature",
        head: "a1",
        splice: true,
        branchLabel: "feature",
        revId: "f1",
        io: io(),
      });
      fillBodies(f1.path, "tf1");
      const f2 = await command.revision(config, {
        message: "more",
        head: "feature@head",
        revId: "f2",
        io: io(),
      });
      fillBodies(f2.path, "tf2");
      await expect(command.revision(config, { message: "x", head: "feature", io: io() })).rejects.toThrow(
        /or --head feature@head to add to the end of branch 'feature'/,
      );

      await command.upgrade(config, "heads", { io: io() });
      expect(await sorted(command.current(config, { io: io() }))).toEqual(["a2", "f2"]);
      await command.downgrade(config, "feature@f1", { io: io() });
      expect(await sorted(command.current(config, { io: io() }))).toEqual(["a2", "f1"]);
      expect(await tableNames(ctx.engine)).toEqual(["athanor_version", "ta", "tb", "tf1"]);
      await command.downgrade(config, "feature@base", { io: io() });
      expect(await command.current(config, { io: io() })).toEqual(["a2"]);

      await command.merge(config, ["a2", "feature@head"], { message: "join", revId: "m3", io: io() });
      p.localize();
      await command.upgrade(config, "feature@head", { io: io() });
      expect(await command.current(config, { io: io() })).toEqual(["m3"]);
      const hist = collector();
      await command.history(config, { io: hist });
      expect(hist.lines[0]).toBe("(a2, f2) -> m3 (feature) (head) (mergepoint), join");
      expect(hist.lines).toContain("a1 -> f1 (feature), feature");
      await command.downgrade(config, "feature@base", { io: io() });
      expect(await command.current(config, { io: io() })).toEqual(["a2"]);
      await command.downgrade(config, "base", { io: io() });
    });
  },
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);

describe("branch labels (CLI)", () => {
  test("--branch-label and label@head through `athanor migrate`", async () => {
    const p = new TestProject("labels-cli");
    writeFileSync(
      path.join(p.dir, "athanor.config.ts"),
      `export default { url: ${JSON.stringify(`sqlite:///${path.join(p.dir, "app.db")}`)}, versions: "versions" };\n`,
    );
    const run = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, p.dir);
      return { code, out: out.join("\n"), err: err.join("\n") };
    };
    let r = await run("migrate", "revision", "-m", "trunk", "--rev-id", "a1");
    expect(r.code, r.err).toBe(0);
    r = await run(
      "revision",
      "-m",
      "net",
      "--head",
      "base",
      "--branch-label",
      "networking",
      "--rev-id",
      "n1",
    );
    expect(r.code, r.err).toBe(0);
    r = await run("revision", "-m", "dns", "--head", "networking@head", "--rev-id", "n2");
    expect(r.code, r.err).toBe(0);
    p.localize();
    r = await run("heads");
    expect(r.out.split("\n")).toEqual(["a1 (head), trunk", "n2 (networking) (head), dns"]);
    r = await run("upgrade", "networking@head");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Done: the database is at n2\./);
    r = await run("downgrade", "networking@-1");
    expect(r.out).toMatch(/Done: the database is at n1\./);
    r = await run("upgrade", "nope@head");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^Error \[ATH-MIGRATE-UNKNOWN-BRANCH\]: No script has the branch label 'nope'/);
    r = await run("revision", "-m", "bad", "--branch-label", "a@b");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Error \[ATH-MIGRATE-BRANCH-LABEL\]: Branch label 'a@b' must be letters/);
    r = await run("upgrade", "head", "--branch-label", "x");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/'upgrade' takes no --branch-label option/);
  });
});
