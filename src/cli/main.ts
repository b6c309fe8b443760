/**
 * `athanor migrate <command>`: parses the arguments, loads the config and calls the command.
 * Returns the exit status: 0 on success, 1 on an error (printed to stderr with its code) or
 * when `check` finds differences, 2 on a usage error.
 */
import { AthanorError } from "../util/errors.js";
import * as command from "../migrate/command.js";
import { loadConfig } from "../migrate/config.js";
import { parseCliArgs, usage, UsageError } from "./args.js";

export interface CliIO {
  out(line: string): void;
  err(line: string): void;
}

const consoleIO: CliIO = {
  out: (l) => process.stdout.write(l + "\n"),
  err: (l) => process.stderr.write(l + "\n"),
};

function need(arg: string | undefined, what: string, cmd: string): string {
  if (arg === undefined)
    throw new UsageError(
      `'${cmd}' needs ${what}, e.g. \`athanor migrate ${cmd} ${what === "TARGET" ? "head" : "<revision>"}\`.`,
    );
  return arg;
}

export async function main(
  argv: readonly string[],
  io: CliIO = consoleIO,
  cwd = process.cwd(),
): Promise<number> {
  try {
    const args = parseCliArgs(argv);
    const v = args.values;
    if (v.version) {
      io.out("athanor migrate");
      return 0;
    }
    if (v.help || args.command === null) {
      io.out(usage());
      return args.command === null && !v.help ? 2 : 0;
    }
    const out = { out: io.out };
    const [first] = args.positionals;
    if (args.command === "init") {
      await command.init(first ?? cwd, {
        ...(v.url ? { url: v.url } : {}),
        ...(v.models ? { models: v.models } : {}),
        ...(v.versions ? { versions: v.versions } : {}),
        io: out,
      });
      return 0;
    }
    const config = await loadConfig({ cwd, ...(v.config ? { file: v.config } : {}) });
    switch (args.command) {
      case "revision":
        await command.revision(config, {
          ...(v.message !== undefined ? { message: v.message } : {}),
          autogenerate: v.autogenerate ?? false,
          ...(v.head ? { head: v.head } : {}),
          splice: v.splice ?? false,
          ...(v["branch-label"] ? { branchLabel: v["branch-label"] } : {}),
          ...(v["rev-id"] ? { revId: v["rev-id"] } : {}),
          io: out,
        });
        return 0;
      case "upgrade":
        await command.upgrade(config, need(first, "TARGET", "upgrade"), { sql: v.sql ?? false, io: out });
        return 0;
      case "downgrade":
        await command.downgrade(config, need(first, "TARGET", "downgrade"), { sql: v.sql ?? false, io: out });
        return 0;
      case "stamp":
        await command.stamp(config, need(first, "REV", "stamp"), { sql: v.sql ?? false, io: out });
        return 0;
      case "history":
        await command.history(config, { verbose: v.verbose ?? false, io: out });
        return 0;
      case "current":
        await command.current(config, { io: out });
        return 0;
      case "heads":
        await command.heads(config, { io: out });
        return 0;
      case "merge":
        await command.merge(config, args.positionals.length ? args.positionals : ["heads"], {
          ...(v.message !== undefined ? { message: v.message } : {}),
          ...(v["rev-id"] ? { revId: v["rev-id"] } : {}),
          ...(v["branch-label"] ? { branchLabel: v["branch-label"] } : {}),
          io: out,
        });
        return 0;
      case "check":
        return (await command.check(config, { io: out })) ? 0 : 1;
    }
    return 2;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`Usage error: ${err.message}\nRun \`athanor migrate --help\` for the commands and options.`);
      return 2;
    }
    if (err instanceof AthanorError) {
      io.err(`Error [${err.code}]: ${err.message}`);
      return 1;
    }
    io.err(`Error: ${(err as Error)?.stack ?? String(err)}`);
    return 1;
  }
}
