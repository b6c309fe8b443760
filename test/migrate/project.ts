/**
 * A throwaway migration project for in-process tests: a versions folder under .tmp/, scripts
 * written by hand or by autogenerate. Scripts import the package by name ("athanor",
 * "athanor/migrate"); here, in the test process, those names are rewritten to this repository's
 * sources (the CLI suite runs the real thing, resolving them through the project's tsconfig).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { resolveConfig, type AthanorConfig, type ResolvedConfig } from "../../src/migrate/config.js";

const SRC = path.resolve("src");

export function sourceImports(text: string): string {
  return text
    .replace(/from "athanor"/g, `from ${JSON.stringify(path.join(SRC, "index.js"))}`)
    .replace(/from "athanor\/migrate"/g, `from ${JSON.stringify(path.join(SRC, "migrate/index.js"))}`)
    .replace(
      /from "athanor\/dialects\/(\w+)"/g,
      (_m, d: string) => `from ${JSON.stringify(path.join(SRC, "dialects", d, "index.js"))}`,
    );
}

export class TestProject {
  readonly dir: string;
  readonly versions: string;
  constructor(name: string) {
    this.dir = path.resolve(".tmp", "migrate-projects", name);
    rmSync(this.dir, { recursive: true, force: true });
    this.versions = path.join(this.dir, "versions");
    mkdirSync(this.versions, { recursive: true });
  }
  config(url: string, extra: AthanorConfig = {}): ResolvedConfig {
    return resolveConfig(
      { url, versions: "versions", models: "models.ts", ...extra },
      path.join(this.dir, "athanor.config.ts"),
      {},
    );
  }
  /** Writes a script by hand. */
  script(
    rev: string,
    down: string | string[] | null,
    body: { upgrade: string; downgrade: string; message?: string },
  ): void {
    const text = `import type { Operations } from "athanor/migrate";
import { Column, Integer, String, Boolean, DateTime, Index, ForeignKey, func, text } from "athanor";
export const revision = ${JSON.stringify(rev)};
export const downRevision: string | string[] | null = ${JSON.stringify(down)};
export const message = ${JSON.stringify(body.message ?? `rev ${rev}`)};
export async function upgrade(op: Operations) {
${body.upgrade}
}
export async function downgrade(op: Operations) {
${body.downgrade}
}
`;
    writeFileSync(path.join(this.versions, `${rev}_test.ts`), sourceImports(text));
  }
  /** Writes the models module (a function body returning a MetaData from `models(md)`). */
  models(code: string): void {
    writeFileSync(path.join(this.dir, "models.ts"), sourceImports(code));
  }
  /** Rewrites package imports of every script (after autogenerate wrote one). */
  localize(): void {
    for (const f of readdirSync(this.versions)) {
      const file = path.join(this.versions, f);
      writeFileSync(file, sourceImports(readFileSync(file, "utf8")));
    }
  }
  read(file: string): string {
    return readFileSync(file, "utf8");
  }
}

/** Collects what a command writes. */
export function collector(): { out(line: string): void; lines: string[]; text(): string } {
  const lines: string[] = [];
  return { out: (l: string) => lines.push(l), lines, text: () => lines.join("\n") };
}
