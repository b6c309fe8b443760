/**
 * `describeEachDialect` runs one suite body once per target database. Each run gets a fresh
 * engine; PostgreSQL and MySQL start from an empty `test` database.
 *
 * @example
 * describeEachDialect("results", (ctx) => {
 *   test("one() raises on two rows", async () => {
 *     const conn = await ctx.engine.connect(); ...
 *   });
 * });
 */
import { afterAll, beforeAll, describe, test } from "vitest";
import { createEngine, text, type Engine, type EngineOptions } from "../../src/index.js";
import { IN_CI, TARGETS, UNREACHABLE, type DialectName, type Target } from "./targets.js";

export interface DialectContext {
  readonly target: Target;
  /** The engine for this target; valid inside tests and hooks. */
  readonly engine: Engine;
}

export interface EachDialectOptions {
  /** Limit to some dialects (e.g. features that exist only on PostgreSQL). */
  only?: readonly DialectName[];
  /** Limit to some targets by label (e.g. ["sqlite-file", "postgresql", "mysql"]). */
  labels?: readonly string[];
  engineOptions?: EngineOptions;
}

/** Drops every table (and PostgreSQL type) in the test database. */
export async function resetDatabase(engine: Engine): Promise<void> {
  const d = engine.dialect.name;
  await engine.begin(async (conn) => {
    if (d === "postgresql") {
      await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"));
      await conn.execute(text("CREATE SCHEMA public"));
    } else if (d === "mysql") {
      const rows = (
        await conn.execute(
          text("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()"),
        )
      ).all();
      await conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"));
      for (const r of rows as { name: string }[])
        await conn.execute(text("DROP TABLE IF EXISTS `" + r.name.replace(/`/g, "``") + "`"));
      await conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"));
    }
  });
  if (d === "sqlite") {
    // PRAGMA foreign_keys is a no-op inside a transaction: run in AUTOCOMMIT so drops ignore FK order.
    const conn = await engine.connect();
    try {
      conn.executionOptions({ isolationLevel: "AUTOCOMMIT" });
      await conn.execute(text("PRAGMA foreign_keys = OFF"));
      const rows = (
        await conn.execute(
          text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"),
        )
      ).all();
      for (const r of rows as { name: string }[])
        await conn.execute(text('DROP TABLE IF EXISTS "' + r.name.replace(/"/g, '""') + '"'));
      await conn.execute(text("PRAGMA foreign_keys = ON"));
    } finally {
      await conn.close();
    }
  }
}

export function describeEachDialect(
  title: string,
  body: (ctx: DialectContext) => void,
  options: EachDialectOptions = {},
): void {
  for (const target of TARGETS) {
    if (options.only && !options.only.includes(target.dialect)) continue;
    if (options.labels && !options.labels.includes(target.label)) continue;
    const unreachable = UNREACHABLE.get(target.label) ?? null;
    const suiteTitle = `${title} [${target.label}]`;
    if (unreachable) {
      const msg = `${target.label} is not reachable at ${target.url.replace(/:[^:@/]*@/, ":***@")}: ${unreachable}`;
      if (IN_CI) {
        // CI never skips a database: the suite fails, loudly.
        describe(suiteTitle, () => {
          test("database is reachable", () => {
            throw new Error(msg + " (CI=true: database suites never skip)");
          });
        });
      } else {
        console.warn(`SKIPPED ${suiteTitle}: ${msg}`);
        describe.skipIf(!IN_CI)(suiteTitle, () => body({ target, engine: undefined as never }));
      }
      continue;
    }
    describe(suiteTitle, () => {
      let engine: Engine | undefined;
      const ctx: DialectContext = {
        target,
        get engine(): Engine {
          if (!engine) throw new Error(`engine for ${target.label} is not ready (used outside a test?)`);
          return engine;
        },
      };
      beforeAll(async () => {
        engine = createEngine(target.url, options.engineOptions);
        await resetDatabase(engine);
      });
      afterAll(async () => {
        if (engine) await engine.dispose();
      });
      body(ctx);
    });
  }
}
