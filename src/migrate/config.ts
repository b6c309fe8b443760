/**
 * `athanor.config.ts` (Alembic: `alembic.ini` + `env.py`): the database URL (the `DATABASE_URL`
 * environment variable overrides it), the module exporting the models' MetaData, the versions
 * folder and autogenerate's options. Loaded as a module, so it may compute values.
 *
 * @example
 * // athanor.config.ts
 * import { defineConfig } from "athanor/migrate";
 * export default defineConfig({
 *   url: "postgresql://app@localhost/app",
 *   models: "./src/models.ts",
 *   versions: "./migrations/versions",
 * });
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { EngineOptions } from "../engine/engine.js";
import type { MetaData } from "../schema/metadata.js";
import { MigrateError } from "./errors.js";

export interface AthanorConfig {
  /** Database URL; `DATABASE_URL` in the environment wins over it. */
  url?: string;
  /** Module (path relative to the config file) exporting the models' MetaData, for autogenerate. */
  models?: string;
  /** Name of that export: a MetaData, or an object with `.metadata` (an ORM base). Default: "metadata", else the default export. */
  metadataExport?: string;
  /** Folder of the migration scripts (relative to the config file). Default "migrations/versions". */
  versions?: string;
  /** The version table's name (default "athanor_version") and schema. */
  versionTable?: string;
  versionTableSchema?: string | null;
  /** Autogenerate: compare column types (default true). */
  compareType?: boolean;
  /** Autogenerate: compare server defaults (default false, as in Alembic). */
  compareServerDefault?: boolean;
  /** Autogenerate: write table changes as batchAlterTable blocks (default: on SQLite). */
  renderAsBatch?: boolean;
  /** Autogenerate: only tables for which this returns true. */
  includeTable?: (name: string, schema: string | null) => boolean;
  /** Commit after each migration instead of once per run, where DDL is transactional. */
  transactionPerMigration?: boolean;
  /**
   * Seconds `upgrade`, `downgrade` and `stamp` wait for another run's lock on the database
   * (PostgreSQL advisory lock, MySQL/MariaDB GET_LOCK, SQLite a write transaction on a `<file>-<version
   * table>.runlock` side database) before failing. Default 300; `false` takes no lock.
   */
  runLockTimeout?: number | false;
  /** Options for the engine migrations run on. */
  engineOptions?: EngineOptions;
}

/** Types the config object (it is returned as is). */
export function defineConfig(config: AthanorConfig): AthanorConfig {
  return config;
}

export interface ResolvedConfig extends AthanorConfig {
  /** The config file, or null when commands run from options alone. */
  readonly file: string | null;
  /** The folder paths are relative to. */
  readonly root: string;
  readonly versionsDir: string;
  readonly modelsPath: string | null;
}

export const CONFIG_FILES = [
  "athanor.config.ts",
  "athanor.config.mts",
  "athanor.config.js",
  "athanor.config.mjs",
];

/** Finds and loads the config file (`file`, else athanor.config.* in `cwd`). */
export async function loadConfig(
  options: { cwd?: string; file?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ResolvedConfig> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const file = options.file
    ? path.resolve(cwd, options.file)
    : CONFIG_FILES.map((f) => path.join(cwd, f)).find((f) => existsSync(f));
  if (!file || !existsSync(file)) {
    throw new MigrateError(
      options.file
        ? `Config file ${options.file} not found.`
        : `No athanor.config.ts in ${cwd}. Create one with \`athanor migrate init\`, or name it with --config.`,
      "ATH-MIGRATE-CONFIG",
    );
  }
  let mod: { default?: AthanorConfig } & AthanorConfig;
  try {
    mod = await import(pathToFileURL(file).href);
  } catch (err) {
    throw new MigrateError(
      `Can't load ${path.basename(file)}: ${(err as Error).message}`,
      "ATH-MIGRATE-CONFIG",
      { cause: err },
    );
  }
  return resolveConfig(mod.default ?? mod, file, env);
}

/** Resolves paths against the config file's folder and applies DATABASE_URL. */
export function resolveConfig(
  config: AthanorConfig,
  file: string | null,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedConfig {
  const root = file ? path.dirname(file) : process.cwd();
  return {
    ...config,
    url: env.DATABASE_URL || config.url,
    file,
    root,
    versionsDir: path.resolve(root, config.versions ?? "migrations/versions"),
    modelsPath: config.models ? path.resolve(root, config.models) : null,
  };
}

function isMetaData(x: unknown): x is MetaData {
  const m = x as Partial<MetaData> | null;
  return !!m && typeof m === "object" && typeof m.createAll === "function" && typeof m.tables === "object";
}

/** Imports the models module and finds its MetaData. */
export async function loadMetadata(config: ResolvedConfig): Promise<MetaData> {
  if (!config.modelsPath) {
    throw new MigrateError(
      "Autogenerate needs the models: set `models` in athanor.config.ts to the module that exports your MetaData.",
      "ATH-MIGRATE-CONFIG",
    );
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(pathToFileURL(config.modelsPath).href);
  } catch (err) {
    throw new MigrateError(
      `Can't load the models module ${config.models}: ${(err as Error).message}`,
      "ATH-MIGRATE-CONFIG",
      {
        cause: err,
      },
    );
  }
  const pick = (v: unknown): MetaData | null =>
    isMetaData(v)
      ? v
      : isMetaData((v as { metadata?: unknown } | null)?.metadata)
        ? (v as { metadata: MetaData }).metadata
        : null;
  const named = config.metadataExport ?? "metadata";
  const found = pick(mod[named]) ?? pick(mod.default) ?? pick(mod.Base);
  if (found) return found;
  const all = Object.values(mod)
    .map(pick)
    .filter((m): m is MetaData => m !== null);
  if (all.length === 1) return all[0]!;
  throw new MigrateError(
    `${config.models} exports no MetaData as '${named}' (nor as default, nor a Base with .metadata)` +
      (all.length > 1 ? `, and ${all.length} other exports are MetaData objects` : "") +
      ". Export it, or set metadataExport in athanor.config.ts.",
    "ATH-MIGRATE-CONFIG",
  );
}
