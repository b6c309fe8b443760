/**
 * The migration commands (Alembic: `command.py`): init, revision (with autogenerate), upgrade,
 * downgrade, history, current, heads, stamp, merge, check. The CLI parses arguments and calls
 * these; they can be called from code too.
 *
 * @example
 * const config = await loadConfig();
 * await upgrade(config, "head");
 * await revision(config, { message: "add orders", autogenerate: true });
 */
// The package root registers the dialects with the engine.
import { createEngine, type Connection, type Engine } from "../index.js";
import { autogenerate } from "./autogenerate/api.js";
import { loadMetadata, type ResolvedConfig } from "./config.js";
import { DatabaseAheadError, MigrateError } from "./errors.js";
import { MigrationContext, SqlScript } from "./runtime/migration-context.js";
import type { RevisionMap, Step } from "./script/revision-map.js";
import { ScriptDirectory } from "./script/script-directory.js";

export { init } from "./init.js";

/** Where commands write what they report (default: the console). */
export interface CommandIO {
  out(line: string): void;
}
const consoleIO: CommandIO = { out: (l) => console.log(l) };

function engineFor(config: ResolvedConfig): Engine {
  if (!config.url) {
    throw new MigrateError(
      "No database URL: set `url` in athanor.config.ts or the DATABASE_URL environment variable.",
      "ATH-MIGRATE-CONFIG",
    );
  }
  return createEngine(config.url, config.engineOptions);
}

async function withConnection<T>(config: ResolvedConfig, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const engine = engineFor(config);
  try {
    const conn = await engine.connect();
    try {
      return await fn(conn);
    } finally {
      await conn.close();
    }
  } finally {
    await engine.dispose();
  }
}

function contextFor(
  config: ResolvedConfig,
  conn: Connection | null,
  io: CommandIO,
  output?: SqlScript,
): MigrationContext {
  return new MigrationContext({
    ...(conn ? { connection: conn } : { dialect: engineFor(config).dialect, output: output! }),
    versionTable: config.versionTable,
    versionTableSchema: config.versionTableSchema ?? null,
    transactionPerMigration: config.transactionPerMigration ?? false,
    // Offline, stdout is the SQL script: progress lines are already in it as comments.
    log: conn ? (l) => io.out(l) : () => undefined,
  });
}

/** The database's heads, each checked against the scripts. */
async function knownHeads(ctx: MigrationContext, scripts: ScriptDirectory): Promise<string[]> {
  const heads = await ctx.currentHeads();
  const unknown = heads.filter((h) => !scripts.map.has(h));
  if (unknown.length) throw new DatabaseAheadError(unknown, scripts.dir);
  return heads;
}

/** `fn` under the database's migration run lock, unless the config turns it off. */
function locked(config: ResolvedConfig, ctx: MigrationContext, fn: () => Promise<void>): Promise<void> {
  const timeout = config.runLockTimeout ?? 300;
  return timeout === false ? fn() : ctx.withRunLock(timeout, fn);
}

const label = (heads: readonly string[]): string => (heads.length ? heads.join(", ") : "<base>");

/** Runs steps online, or writes them as SQL (`sql`: "from:to" or a target from base). */
async function migrate(
  config: ResolvedConfig,
  direction: "up" | "down",
  target: string,
  options: { sql?: boolean; io?: CommandIO },
): Promise<string | void> {
  const io = options.io ?? consoleIO;
  const scripts = await ScriptDirectory.load(config.versionsDir);
  const plan = (map: RevisionMap, from: string[], to: string): Step[] =>
    direction === "up" ? map.upgradeSteps(from, to) : map.downgradeSteps(from, to);
  if (options.sql) {
    const [fromArg, toArg] = target.includes(":") ? target.split(":", 2) : [null, target];
    if (direction === "down" && fromArg === null) {
      throw new MigrateError(
        "downgrade --sql needs the revision to start from: `downgrade <from>:<to> --sql`.",
        "ATH-MIGRATE-OFFLINE",
      );
    }
    const from = fromArg ? scripts.map.stampHeads(fromArg) : [];
    const script = new SqlScript();
    await contextFor(config, null, io, script).run(plan(scripts.map, from, toArg!), scripts);
    io.out(script.toString());
    return script.toString();
  }
  await withConnection(config, async (conn) => {
    const ctx = contextFor(config, conn, io);
    await locked(config, ctx, async () => {
      const current = await knownHeads(ctx, scripts);
      const steps = plan(scripts.map, current, target);
      if (steps.length === 0) {
        io.out(`Nothing to do: the database is at ${label(current)}.`);
        return;
      }
      await ctx.run(steps, scripts);
      io.out(`Done: the database is at ${label(steps[steps.length - 1]!.toHeads)}.`);
    });
  });
}

/**
 * `upgrade TARGET`: head, heads, +N, a revision id, prefix or branch label, or `label@head`,
 * `label@heads`, `label@+N`, `label@<revision>`. With `sql`, prints the SQL instead.
 */
export function upgrade(
  config: ResolvedConfig,
  target: string,
  options: { sql?: boolean; io?: CommandIO } = {},
) {
  return migrate(config, "up", target, options);
}

/** `downgrade TARGET`: base, -N, a revision id, prefix or label, or `label@base`, `label@-N`, `label@<revision>`. */
export function downgrade(
  config: ResolvedConfig,
  target: string,
  options: { sql?: boolean; io?: CommandIO } = {},
) {
  return migrate(config, "down", target, options);
}

/** `stamp REV`: records revisions without running migrations (also to repair a half-applied one). */
export async function stamp(
  config: ResolvedConfig,
  target: string,
  options: { sql?: boolean; io?: CommandIO } = {},
) {
  const io = options.io ?? consoleIO;
  const scripts = await ScriptDirectory.load(config.versionsDir);
  if (options.sql) {
    const script = new SqlScript();
    await contextFor(config, null, io, script).stamp([], scripts.map.stampHeads(target));
    io.out(script.toString());
    return;
  }
  await withConnection(config, async (conn) => {
    const ctx = contextFor(config, conn, io);
    await locked(config, ctx, async () => {
      const from = await ctx.currentHeads();
      // `label@…` moves only that branch's heads, so it depends on the current ones.
      const to = scripts.map.stampHeads(target, from);
      await ctx.stamp(from, to);
      io.out(`Stamped ${label(to)} (was ${label(from)}).`);
    });
  });
}

/** `current`: the revisions the database is at. */
export async function current(config: ResolvedConfig, options: { io?: CommandIO } = {}): Promise<string[]> {
  const io = options.io ?? consoleIO;
  const scripts = await ScriptDirectory.load(config.versionsDir);
  return withConnection(config, async (conn) => {
    const heads = await knownHeads(contextFor(config, conn, io), scripts);
    if (heads.length === 0) io.out("<base> (no revision applied)");
    const scriptHeads = scripts.map.heads;
    // As `heads` prints them: the branch labels the revision is on, then whether it is a head.
    for (const h of heads)
      io.out(
        `${h}${scripts.map.has(h) ? labelsMark(scripts.map, h) : ""}${scriptHeads.includes(h) ? " (head)" : ""}`,
      );
    return heads;
  });
}

/** `heads`: the scripts' head revisions. */
export async function heads(config: ResolvedConfig, options: { io?: CommandIO } = {}): Promise<string[]> {
  const io = options.io ?? consoleIO;
  const scripts = await ScriptDirectory.load(config.versionsDir);
  for (const h of scripts.map.heads)
    io.out(`${h}${labelsMark(scripts.map, h)} (head), ${scripts.get(h).message}`);
  return scripts.map.heads;
}

/** " (feature)" for a revision on labeled branches. */
function labelsMark(map: RevisionMap, id: string): string {
  const labels = map.labelsOf(id);
  return labels.length ? ` (${labels.join(", ")})` : "";
}

/** `history`: every revision, newest first, with head / branch point / merge point marks. */
export async function history(config: ResolvedConfig, options: { verbose?: boolean; io?: CommandIO } = {}) {
  const io = options.io ?? consoleIO;
  const scripts = await ScriptDirectory.load(config.versionsDir);
  const map = scripts.map;
  for (const s of [...scripts.all()].reverse()) {
    const down =
      s.downRevisions.length === 0
        ? "<base>"
        : s.downRevisions.length === 1
          ? s.downRevisions[0]!
          : `(${s.downRevisions.join(", ")})`;
    const marks = [
      labelsMark(map, s.revision),
      map.children(s.revision).length === 0 ? " (head)" : "",
      map.isBranchPoint(s.revision) ? " (branchpoint)" : "",
      s.downRevisions.length > 1 ? " (mergepoint)" : "",
    ].join("");
    io.out(`${down} -> ${s.revision}${marks}, ${s.message}`);
    if (options.verbose) io.out(`    ${s.path}${s.createDate ? `  (${s.createDate})` : ""}`);
  }
}

/**
 * The revision a new script builds on, from `--head` (default: the single head): `base` starts
 * a new independent branch, `label@head` adds to the end of a labeled branch.
 */
function parentFor(map: RevisionMap, head: string, splice: boolean): string | null {
  if (head === "base") return null;
  if (head === "head" && map.size === 0) return null;
  const r = map.revisionFor(head);
  if (map.children(r).length > 0 && !splice) {
    const label = map.branchLabels.includes(head)
      ? ` or --head ${head}@head to add to the end of branch '${head}'`
      : "";
    throw new MigrateError(
      `Revision ${r} is not a head: a new revision on it starts a branch. Pass --splice to do that on purpose${label}.`,
      "ATH-MIGRATE-NOT-HEAD",
    );
  }
  return r;
}

const asList = (v: string | readonly string[] | undefined): string[] =>
  v === undefined ? [] : typeof v === "string" ? [v] : [...v];

export interface RevisionOptions {
  message?: string;
  autogenerate?: boolean;
  /** What to build on: head (default), base (a new independent branch), a revision, `label@head`. */
  head?: string;
  splice?: boolean;
  /** Branch label(s) for the new revision (Alembic: `--branch-label`). */
  branchLabel?: string | readonly string[];
  revId?: string;
  io?: CommandIO;
}

/** `revision -m MSG [--autogenerate]`: writes a new script (with the model changes when autogenerating). */
export async function revision(
  config: ResolvedConfig,
  options: RevisionOptions = {},
): Promise<{ path: string; revision: string }> {
  const io = options.io ?? consoleIO;
  const scripts = await ScriptDirectory.load(config.versionsDir);
  const branchLabels = asList(options.branchLabel);
  scripts.checkNewBranchLabels(branchLabels);
  const parent = parentFor(scripts.map, options.head ?? "head", options.splice ?? false);
  let body: Pick<Parameters<ScriptDirectory["writeRevision"]>[0], "upgrade" | "downgrade" | "imports"> = {};
  if (options.autogenerate) {
    const metadata = await loadMetadata(config);
    body = await withConnection(config, async (conn) => {
      const ctx = contextFor(config, conn, io);
      const at = await knownHeads(ctx, scripts);
      const expected = scripts.map.heads;
      if (at.length !== expected.length || at.some((h) => !expected.includes(h))) {
        throw new MigrateError(
          `The database is not up to date (at ${label(at)}; the scripts' head is ${label(expected)}). ` +
            "Run `athanor migrate upgrade head` first, so autogenerate compares the models with the latest schema.",
          "ATH-MIGRATE-NOT-UP-TO-DATE",
        );
      }
      const result = await autogenerate(conn, metadata, {
        compareType: config.compareType ?? true,
        compareServerDefault: config.compareServerDefault ?? false,
        ...(config.includeTable ? { includeTable: config.includeTable } : {}),
        versionTable: config.versionTable ?? "athanor_version",
        ...(config.renderAsBatch !== undefined ? { renderAsBatch: config.renderAsBatch } : {}),
      });
      for (const op of result.ops.ops) io.out(`Detected ${op.describe()}`);
      if (result.isEmpty) io.out("No changes detected.");
      return result;
    });
  }
  const written = scripts.writeRevision({
    message: options.message ?? "",
    downRevision: parent,
    branchLabels,
    ...(options.revId ? { revision: options.revId } : {}),
    ...body,
  });
  io.out(`Generated ${written.path}`);
  return written;
}

/** `merge [REVS…] -m MSG`: a revision joining several heads (default: all of them). */
export async function merge(
  config: ResolvedConfig,
  revisions: readonly string[] = ["heads"],
  options: {
    message?: string;
    revId?: string;
    branchLabel?: string | readonly string[];
    io?: CommandIO;
  } = {},
): Promise<{ path: string; revision: string }> {
  const io = options.io ?? consoleIO;
  const scripts = await ScriptDirectory.load(config.versionsDir);
  const parents = [
    ...new Set(revisions.flatMap((r) => (r === "heads" ? scripts.map.heads : [scripts.map.revisionFor(r)]))),
  ];
  if (parents.length < 2) {
    throw new MigrateError(
      `A merge joins two or more revisions; got ${label(parents)}. There is nothing to merge.`,
      "ATH-MIGRATE-MERGE",
    );
  }
  const written = scripts.writeRevision({
    message: options.message ?? "merge heads",
    downRevision: parents,
    branchLabels: asList(options.branchLabel),
    ...(options.revId ? { revision: options.revId } : {}),
  });
  io.out(`Generated ${written.path}`);
  return written;
}

/** `check`: true when the models and the database match (exit status 1 otherwise in the CLI). */
export async function check(config: ResolvedConfig, options: { io?: CommandIO } = {}): Promise<boolean> {
  const io = options.io ?? consoleIO;
  const metadata = await loadMetadata(config);
  return withConnection(config, async (conn) => {
    const result = await autogenerate(conn, metadata, {
      compareType: config.compareType ?? true,
      compareServerDefault: config.compareServerDefault ?? false,
      versionTable: config.versionTable ?? "athanor_version",
      ...(config.includeTable ? { includeTable: config.includeTable } : {}),
    });
    for (const op of result.ops.ops) io.out(`Detected ${op.describe()}`);
    io.out(
      result.isEmpty
        ? "No changes detected: the database matches the models."
        : "The database differs from the models.",
    );
    return result.isEmpty;
  });
}
