/**
 * `athanor migrate init` (Alembic: `alembic init`): writes `athanor.config.ts` and creates the
 * versions folder.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { CONFIG_FILES } from "./config.js";
import { MigrateError } from "./errors.js";

export interface InitOptions {
  url?: string;
  models?: string;
  versions?: string;
  io?: { out(line: string): void };
}

function configText(o: Required<Pick<InitOptions, "url" | "models" | "versions">>): string {
  return `import { defineConfig } from "athanor/migrate";

export default defineConfig({
  // The database to migrate. The DATABASE_URL environment variable, when set, wins over it.
  url: ${JSON.stringify(o.url)},
  // The module exporting your models' MetaData (as \`metadata\`, or a Base with \`.metadata\`),
  // which \`revision --autogenerate\` compares with the database.
  models: ${JSON.stringify(o.models)},
  // Where migration scripts are written and read.
  versions: ${JSON.stringify(o.versions)},
  // Autogenerate options (Alembic's defaults):
  // compareType: true,
  // compareServerDefault: false,
});
`;
}

/** Creates the config file and the versions folder in `dir`; returns the paths written. */
export async function init(dir: string, options: InitOptions = {}): Promise<string[]> {
  const root = path.resolve(dir);
  const existing = CONFIG_FILES.map((f) => path.join(root, f)).find((f) => existsSync(f));
  if (existing) {
    throw new MigrateError(`${existing} already exists; init writes a new project only.`, "ATH-MIGRATE-INIT");
  }
  const o = {
    url: options.url ?? "sqlite:///app.db",
    models: options.models ?? "./src/models.ts",
    versions: options.versions ?? "./migrations/versions",
  };
  mkdirSync(root, { recursive: true });
  const configFile = path.join(root, "athanor.config.ts");
  writeFileSync(configFile, configText(o));
  const versions = path.resolve(root, o.versions);
  mkdirSync(versions, { recursive: true });
  const keep = path.join(versions, ".gitkeep");
  if (!existsSync(keep)) writeFileSync(keep, "");
  const io = options.io ?? { out: (l: string) => console.log(l) };
  io.out(`Created ${configFile}`);
  io.out(`Created ${versions}`);
  io.out(
    'Next: point `models` at your MetaData, then run `athanor migrate revision --autogenerate -m "first"`.',
  );
  return [configFile, versions];
}
