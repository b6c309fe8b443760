/** Installed versions of the packages an adapter uses, read from node_modules (bench's first, then the root's). */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { BENCH_DIR, ROOT_DIR } from "./config.js";

export function packageVersion(name: string): string {
  if (name === "athanor") {
    const v = JSON.parse(readFileSync(path.join(ROOT_DIR, "package.json"), "utf8")).version as string;
    let rev = "";
    try {
      rev = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
        cwd: ROOT_DIR,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim();
      const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], {
        cwd: ROOT_DIR,
        encoding: "utf8",
      }).trim();
      if (dirty) rev += "+local changes";
    } catch {
      // Not a git checkout: the version alone.
    }
    return rev ? `${v} (${rev})` : v;
  }
  for (const dir of [BENCH_DIR, ROOT_DIR]) {
    const p = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(p)) return JSON.parse(readFileSync(p, "utf8")).version as string;
  }
  return "not installed";
}

export function packageVersions(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, packageVersion(n)]));
}
