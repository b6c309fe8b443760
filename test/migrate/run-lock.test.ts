/**
 * The migration run lock (MigrationContext.withRunLock; PostgreSQL advisory lock, MySQL/MariaDB
 * GET_LOCK, SQLite a write transaction on a side database): two `upgrade` runs started together (two deploys) must not both apply a revision;
 * the second waits, then finds the database at head. A lock held too long fails with
 * MigrationLockedError; `runLockTimeout: false` takes no lock.
 */
import { expect, test } from "vitest";
import { createEngine } from "../../src/index.js";
import * as command from "../../src/migrate/command.js";
import { MigrationLockedError } from "../../src/migrate/errors.js";
import { MigrationContext } from "../../src/migrate/runtime/migration-context.js";
import { describeEachDialect } from "../support/dialects.js";
import { emptyDatabase } from "./fixtures.js";
import { collector, TestProject } from "./project.js";
import { tableNames } from "./support.js";

/** A project whose first revision takes a while (so runs started together overlap). */
function slowProject(name: string): TestProject {
  const p = new TestProject(name);
  p.script("001", null, {
    upgrade: `  await op.createTable("locked_a", { id: Column(Integer, { primaryKey: true }) });
  await new Promise((r) => setTimeout(r, 400));`,
    downgrade: `  await op.dropTable("locked_a");`,
  });
  p.script("002", "001", {
    upgrade: `  await op.createTable("locked_b", { id: Column(Integer, { primaryKey: true }) });`,
    downgrade: `  await op.dropTable("locked_b");`,
  });
  return p;
}

describeEachDialect(
  "migration run lock",
  (ctx) => {
    test("two upgrades started together: one applies the revisions, the other waits and finds nothing to do", async () => {
      await emptyDatabase(ctx.engine);
      const config = slowProject(`lock-race-${ctx.target.label}`).config(ctx.target.url);
      const a = collector();
      const b = collector();
      await Promise.all([
        command.upgrade(config, "head", { io: a }),
        command.upgrade(config, "head", { io: b }),
      ]);
      const [applied, waited] = /^Nothing/.test(a.text()) ? [b.text(), a.text()] : [a.text(), b.text()];
      expect(applied).toMatch(/Running upgrade <base> -> 001[\s\S]*Running upgrade 001 -> 002/);
      expect(waited).toBe("Nothing to do: the database is at 002.");
      expect(await tableNames(ctx.engine)).toEqual(["athanor_version", "locked_a", "locked_b"]);
      expect(await command.current(config, { io: collector() })).toEqual(["002"]);
      await command.downgrade(config, "base", { io: collector() });
    });

    test("a lock held past runLockTimeout fails with MigrationLockedError; released, the run goes ahead", async () => {
      await emptyDatabase(ctx.engine);
      const config = slowProject(`lock-held-${ctx.target.label}`).config(ctx.target.url, {
        runLockTimeout: 1,
      });
      const holderEngine = createEngine(ctx.target.url);
      try {
        const holder = await holderEngine.connect();
        const other = new MigrationContext({ connection: holder });
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        let entered!: () => void;
        const holding = new Promise<void>((r) => (entered = r));
        const held = other.withRunLock(5, async () => {
          entered();
          await released;
        });
        await holding;
        const started = Date.now();
        const err = await command.upgrade(config, "head", { io: collector() }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(MigrationLockedError);
        expect((err as MigrationLockedError).code).toBe("ATH-MIGRATE-LOCKED");
        expect((err as Error).message).toMatch(
          /Another migration run holds the lock .*athanor_version.*waited 1 s/,
        );
        expect(Date.now() - started).toBeGreaterThanOrEqual(900);
        expect(await tableNames(ctx.engine)).toEqual([]);

        // runLockTimeout: false takes no lock, so it runs even now.
        const unlocked = slowProject(`lock-off-${ctx.target.label}`).config(ctx.target.url, {
          runLockTimeout: false,
        });
        await command.upgrade(unlocked, "001", { io: collector() });
        expect(await command.current(config, { io: collector() })).toEqual(["001"]);

        release();
        await held;
        await holder.close();
        await command.upgrade(config, "head", { io: collector() });
        expect(await command.current(config, { io: collector() })).toEqual(["002"]);
        await command.downgrade(config, "base", { io: collector() });
      } finally {
        await holderEngine.dispose();
      }
    });
  },
  // Not the in-memory SQLite target: each engine there is a database of its own.
  { labels: ["sqlite-file", "postgresql", "mysql"] },
);
