/**
 * T1: what the types cost. Emits Athanor's declarations (as a user gets them from the package),
 * generates the same schema + 100 queries for Athanor Core, Athanor ORM, Drizzle and Kysely, and runs
 * `tsc --noEmit --extendedDiagnostics` on each (median wall time of several runs).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { DATA_DIR, ROOT_DIR } from "../config.js";
import { COLUMNS_PER_TABLE, QUERIES, RELATIONSHIPS, TABLES, writeProjects } from "./generate.js";

export interface T1Entry {
  library: string;
  ok: boolean;
  seconds: number;
  checkSeconds?: number;
  instantiations?: number;
  types?: number;
  memoryMB?: number;
  errors?: number;
  firstError?: string;
}
export interface T1Result {
  description?: string;
  error?: string;
  entries: T1Entry[];
}

const TSC = path.join(ROOT_DIR, "node_modules", "typescript", "lib", "tsc.js");

function tsc(args: string[]): { out: string; seconds: number; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [TSC, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return {
    out: (r.stdout ?? "") + (r.stderr ?? ""),
    seconds: (performance.now() - t0) / 1000,
    status: r.status,
  };
}

const stat = (out: string, label: string): number | undefined => {
  const m = new RegExp(`^${label}:\\s+([\\d.]+)`, "m").exec(out);
  return m ? Number(m[1]) : undefined;
};

export async function runT1(smoke: boolean): Promise<T1Result> {
  const root = path.join(DATA_DIR, "t1");
  const typesDir = path.join(root, "athanor-types");
  // Athanor's .d.ts as `npm run build` would make them (emitted even if a colleague's file has a type error).
  tsc([
    "-p",
    path.join(ROOT_DIR, "tsconfig.build.json"),
    "--noEmit",
    "false",
    "--declaration",
    "--emitDeclarationOnly",
    "--declarationMap",
    "false",
    "--outDir",
    typesDir,
  ]);
  const projects = writeProjects(path.join(root, "projects"), typesDir);
  const runs = smoke ? 1 : 3;
  const entries: T1Entry[] = [];
  for (const p of projects) {
    const times: number[] = [];
    let last = { out: "", seconds: 0, status: 0 as number | null };
    for (let i = 0; i < runs; i++) {
      last = tsc(["-p", path.join(p.dir, "tsconfig.json"), "--extendedDiagnostics"]);
      times.push(last.seconds);
      // A check slower than 10 s is measured once (the run's time budget); its instantiation count is exact anyway.
      if (last.seconds > 10) break;
    }
    times.sort((a, b) => a - b);
    const errors = (last.out.match(/error TS\d+/g) ?? []).length;
    entries.push({
      library: p.library,
      ok: errors === 0,
      seconds: times[times.length >> 1]!,
      checkSeconds: stat(last.out, "Check time"),
      instantiations: stat(last.out, "Instantiations"),
      types: stat(last.out, "Types"),
      memoryMB: Math.round((stat(last.out, "Memory used") ?? 0) / 1024),
      errors,
      firstError: errors ? last.out.split("\n").find((l) => l.includes("error TS")) : undefined,
    });
    process.stderr.write(
      `  T1 ${p.library}: ${times[times.length >> 1]!.toFixed(2)} s, ${stat(last.out, "Instantiations")} instantiations, ${errors} errors\n`,
    );
  }
  return {
    description:
      `A generated schema of ${TABLES} tables (${TABLES * COLUMNS_PER_TABLE} columns, ${RELATIONSHIPS} foreign-key relationships) and ${QUERIES} typed ` +
      `queries (a join, two conditions, the row type read back), checked with \`tsc --noEmit --extendedDiagnostics\` (TypeScript ` +
      `${tsc(["--version"]).out.trim().replace("Version ", "")}, strict, skipLibCheck; median of ${runs} runs, one if a run takes over 10 s). Athanor is checked against its emitted ` +
      "declarations (as installed from the package), Drizzle (pg-core tables + relations()) and Kysely (a Database interface) against theirs. " +
      "Athanor Core: Tables, `select(columns).join(table, on).where(…)` run on a Connection. Athanor ORM: the tables as declarative " +
      "models (`mappedColumn`), each foreign key a `relationship()` on both sides (many-to-one and the collection, backPopulates, " +
      "`declare`d instance types), queries `select(Model).join(Model.rel).where(…).options(selectinload(Model.rel))` run through " +
      "`session.scalars()`, reading the instance's attributes and the loaded related object's.",
    entries,
  };
}
