/**
 * Command-line arguments of `athanor migrate …`: the command, its positional arguments and its
 * options, checked against what each command takes.
 */
import { parseArgs } from "node:util";

export interface ParsedArgs {
  readonly command: string | null;
  readonly positionals: string[];
  readonly values: {
    message?: string;
    autogenerate?: boolean;
    sql?: boolean;
    head?: string;
    splice?: boolean;
    "branch-label"?: string[];
    "rev-id"?: string;
    config?: string;
    verbose?: boolean;
    help?: boolean;
    version?: boolean;
    url?: string;
    models?: string;
    versions?: string;
  };
}

const OPTIONS = {
  message: { type: "string", short: "m" },
  autogenerate: { type: "boolean" },
  sql: { type: "boolean" },
  head: { type: "string" },
  splice: { type: "boolean" },
  "branch-label": { type: "string", multiple: true },
  "rev-id": { type: "string" },
  config: { type: "string", short: "c" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean" },
  url: { type: "string" },
  models: { type: "string" },
  versions: { type: "string" },
} as const;

/** Options each command accepts (besides --config, --help, --verbose). */
export const COMMANDS: Record<string, { args: string; options: readonly string[]; summary: string }> = {
  init: {
    args: "[DIR]",
    options: ["url", "models", "versions"],
    summary: "create athanor.config.ts and the versions folder",
  },
  revision: {
    args: "",
    options: ["message", "autogenerate", "head", "splice", "branch-label", "rev-id"],
    summary: "write a new migration script (--autogenerate: from the models' changes)",
  },
  upgrade: {
    args: "TARGET",
    options: ["sql"],
    summary: "apply migrations up to TARGET (head, heads, +N, revision, label@head)",
  },
  downgrade: {
    args: "TARGET",
    options: ["sql"],
    summary: "revert migrations down to TARGET (base, -N, revision, label@base)",
  },
  history: { args: "", options: [], summary: "list the revisions, newest first" },
  current: { args: "", options: [], summary: "show the revision(s) the database is at" },
  heads: { args: "", options: [], summary: "show the head revision(s) of the scripts" },
  stamp: {
    args: "REV",
    options: ["sql"],
    summary: "record REV in the version table without running migrations",
  },
  merge: {
    args: "[REV...]",
    options: ["message", "branch-label", "rev-id"],
    summary: "write a revision joining several heads (default: all)",
  },
  check: { args: "", options: [], summary: "exit 1 if the models and the database differ" },
};

export class UsageError extends Error {}

const GLOBAL = new Set(["config", "help", "verbose", "version"]);

/** Parses `migrate <command> …` (the leading "migrate" is optional). */
export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  // A relative target such as -1 is an argument, not an option: pass it after "--".
  const relative = argv.filter((a) => /^-\d+$/.test(a));
  const rest = argv.filter((a) => !/^-\d+$/.test(a));
  const args = relative.length ? [...rest, ...(rest.includes("--") ? [] : ["--"]), ...relative] : [...rest];
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const positionals = [...parsed.positionals];
  if (positionals[0] === "migrate") positionals.shift();
  const command = positionals.shift() ?? null;
  const values = parsed.values as ParsedArgs["values"];
  if (command !== null) {
    const spec = COMMANDS[command];
    if (!spec)
      throw new UsageError(`Unknown command '${command}'. Commands: ${Object.keys(COMMANDS).join(", ")}.`);
    for (const k of Object.keys(values)) {
      if (!GLOBAL.has(k) && !spec.options.includes(k))
        throw new UsageError(`'${command}' takes no --${k} option.`);
    }
  }
  return { command, positionals, values };
}

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(
    ([name, c]) => `  ${(name + " " + c.args).padEnd(22)} ${c.summary}`,
  );
  return [
    "Usage: athanor migrate <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  -c, --config FILE      config file (default: athanor.config.ts in the current folder)",
    "  -m, --message MSG      revision message (revision, merge)",
    "  --autogenerate         compare the models with the database (revision)",
    "  --head REV             revision to build on (revision; default: head; base: a new independent",
    "                         branch; LABEL@head: the end of a labeled branch)",
    "  --splice               allow a revision on a non-head revision (starts a branch)",
    "  --branch-label NAME    label the new revision's branch, for targets like NAME@head (revision, merge)",
    "  --rev-id ID            revision id to use instead of a random one",
    "  --sql                  print the SQL instead of running it (upgrade, downgrade, stamp); FROM:TO ranges allowed",
    "  -v, --verbose          more detail (history)",
    "",
    "Targets on a labeled branch: LABEL (its first revision), LABEL@head, LABEL@heads, LABEL@base,",
    "LABEL@+N, LABEL@-N, LABEL@REV (a revision on that branch).",
    "",
    "The database URL comes from the config file, or the DATABASE_URL environment variable.",
  ].join("\n");
}
