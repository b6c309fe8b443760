/**
 * `npm run bench` (via bench/run.mjs): every library on every database, one child process per
 * (database, library), sequentially; then T1 (type-check cost) and, when Python's SQLAlchemy is
 * installed, the SQLAlchemy script. Writes bench/results/results.{json,md}.
 *
 * Options: --db=sqlite,postgresql,mariadb  --lib=raw,athanor-core,…  --workloads=W1,W2e,…
 *          --runs=15 (at most; fewer for slow workloads, at least 3: see --budget) --budget=1000 (ms of timed
 *          runs per workload) --warmup=1 (runs, at least) --warmup-ms=250 (warm-up time, at least) --scale=1 --smoke (tiny sizes, results under .data/smoke)
 *          --cpu-prof / --profile (Athanor adapters by default: a V8 CPU profile of each workload's timed
 *          runs, written to <out>/profiles/*.cpuprofile and summarized in <out>/profile.md)
 *          --no-t1 --no-sqlalchemy --out=DIR
 *          --only-t1 (T1 alone: no database workloads, no SQLAlchemy; results under .data/t1-only unless --out)
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  BENCH_DIR,
  DATA_DIR,
  DB_KINDS,
  DEFAULT_SIZES,
  RESULTS_DIR,
  ROOT_DIR,
  SMOKE_SIZES,
  scaled,
  targetFor,
  type DbKind,
  type Sizes,
} from "./config.js";
import { LIBRARIES, type LibraryId } from "./adapters/index.js";
import type { WorkloadId } from "./adapter.js";
import type { ChildArgs, ChildResult } from "./child.js";
import { SetupDb } from "./setup-db.js";
import { renderMarkdown, type BenchReport } from "./report.js";
import { runT1, type T1Result } from "./t1/run.js";
import { runSqlAlchemy, type SqlAlchemyResult } from "./sqlalchemy.js";
import { summarizeProfiles } from "./profile-summary.js";

export const WORKLOADS: readonly WorkloadId[] = ["W6b", "W6", "W6c", "W2e", "W2r", "W3", "W4", "W5", "W1"];

interface Options {
  dbs: DbKind[];
  libs: LibraryId[];
  workloads: WorkloadId[];
  runs: number;
  warmup: number;
  warmupMs: number;
  budgetMs: number;
  sizes: Sizes;
  smoke: boolean;
  profile: boolean;
  t1: boolean;
  sqlalchemy: boolean;
  out: string;
}

function parseArgs(argv: string[]): Options {
  const get = (name: string): string | undefined => {
    const a = argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
    if (a === undefined) return undefined;
    return a.includes("=") ? a.slice(a.indexOf("=") + 1) : "true";
  };
  const list = <T extends string>(name: string, all: readonly T[]): T[] => {
    const v = get(name);
    if (!v) return [...all];
    const items = v.split(",").map((s) => s.trim()) as T[];
    for (const i of items)
      if (!all.includes(i)) throw new Error(`--${name}: unknown '${i}'; known: ${all.join(", ")}`);
    return items;
  };
  const smoke = get("smoke") === "true";
  const onlyT1 = get("only-t1") === "true";
  const profile = get("profile") === "true" || get("cpu-prof") === "true";
  const scale = Number(get("scale") ?? 1);
  let libs = list("lib", LIBRARIES);
  if (profile && !get("lib")) libs = ["raw", "athanor-core", "athanor-orm"];
  return {
    dbs: onlyT1 ? [] : list("db", DB_KINDS),
    libs: onlyT1 ? [] : libs,
    workloads: list("workloads", WORKLOADS),
    runs: Number(get("runs") ?? (smoke ? 1 : 15)),
    budgetMs: Number(get("budget") ?? 1000),
    warmup: Number(get("warmup") ?? 1),
    warmupMs: Number(get("warmup-ms") ?? (smoke ? 0 : 250)),
    sizes: smoke ? SMOKE_SIZES : scaled(DEFAULT_SIZES, scale),
    smoke,
    profile,
    t1: onlyT1 || (get("no-t1") !== "true" && !profile && (get("t1") !== undefined || !get("lib"))),
    sqlalchemy:
      !onlyT1 &&
      get("no-sqlalchemy") !== "true" &&
      !profile &&
      (get("sqlalchemy") !== undefined || !get("lib")),
    out:
      get("out") ??
      (smoke
        ? path.join(DATA_DIR, "smoke")
        : profile
          ? path.join(DATA_DIR, "profile")
          : onlyT1
            ? path.join(DATA_DIR, "t1-only")
            : RESULTS_DIR),
  };
}

/** W6b (build only) is the reference for Athanor's cache-hit cost; the peers skip it to keep the run short. */
function workloadsFor(lib: LibraryId, ws: WorkloadId[]): WorkloadId[] {
  return lib.startsWith("athanor") ? ws : ws.filter((w) => w !== "W6b");
}

function runChildProcess(args: ChildArgs, extraNodeArgs: string[] = []): Promise<ChildResult> {
  return new Promise((resolve) => {
    const script = path.join(BENCH_DIR, "src", "child.ts");
    const child = spawn(
      process.execPath,
      [
        "--expose-gc",
        ...(args.profileDir ? ["--enable-source-maps"] : []),
        ...extraNodeArgs,
        "--import",
        "tsx",
        script,
        JSON.stringify(args),
      ],
      {
        cwd: ROOT_DIR,
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, NODE_ENV: "production" },
      },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 240_000);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line) as ChildResult);
      } catch {
        resolve({
          db: args.db,
          lib: args.lib,
          versions: {},
          how: {},
          workloads: {},
          error: signal ? `killed (${signal}) after 240 s` : `exited with code ${code}: ${out.slice(-500)}`,
        });
      }
    });
  });
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  mkdirSync(o.out, { recursive: true });
  const started = Date.now();
  const report: BenchReport = {
    startedAt: new Date().toISOString(),
    machine: machineInfo(),
    sizes: o.sizes,
    runs: o.runs,
    warmup: o.warmup,
    warmupMs: o.warmupMs,
    servers: {},
    results: [],
    t1: null,
    sqlalchemy: null,
    notes: [],
  };
  if (o.libs.includes("prisma"))
    report.notes.push(
      "Prisma 7 runs with its driver adapters (@prisma/adapter-better-sqlite3, -pg, -mariadb) and the generated `prisma-client` " +
        "(TypeScript query compiler, no Rust query engine). Nothing downloads engines: @prisma/engines' postinstall is not run " +
        "(bench/package.json allowScripts), and `prisma generate`, which would fetch the schema engine it doesn't use, runs with " +
        "PRISMA_SCHEMA_ENGINE_BINARY pointing at a stub that fails if called. The tables are created by the harness.",
    );
  report.notes.push(
    "Peers that need Node 22 in their latest major (Kysely 0.29, MikroORM 7) are at their latest Node 20 release (Kysely 0.28, MikroORM 6.6).",
  );
  for (const db of o.dbs) {
    const setup = new SetupDb(targetFor(db));
    try {
      await setup.open();
      report.servers[db] = await setup.serverVersion();
      await setup.createSchema();
      await setup.close();
    } catch (err) {
      const msg = `${db}: not reachable (${(err as Error).message}); its table is left out. Start the server and create the database test_bench.`;
      report.notes.push(msg);
      process.stderr.write(msg + "\n");
      continue;
    }
    for (const lib of o.libs) {
      const profileDir = o.profile && lib.startsWith("athanor") ? path.join(o.out, "profiles") : undefined;
      process.stderr.write(`${db} ${lib}\n`);
      const childStarted = Date.now();
      report.results.push(
        await runChildProcess({
          db,
          lib,
          workloads: workloadsFor(lib, o.workloads),
          sizes: o.sizes,
          runs: o.runs,
          warmup: o.warmup,
          warmupMs: o.warmupMs,
          budgetMs: o.budgetMs,
          minRuns: Math.min(3, o.runs),
          profileDir,
        }),
      );
      process.stderr.write(`  (${((Date.now() - childStarted) / 1000).toFixed(1)} s)\n`);
    }
  }
  if (o.t1) {
    process.stderr.write("T1: type-check cost\n");
    report.t1 = await runT1(o.smoke).catch((err): T1Result => ({
      error: String((err as Error).stack ?? err),
      entries: [],
    }));
  }
  if (o.sqlalchemy) {
    process.stderr.write("SQLAlchemy\n");
    report.sqlalchemy = await runSqlAlchemy(
      Object.keys(report.servers) as DbKind[],
      o.sizes,
      o.runs,
      o.warmup,
      o.warmupMs,
      o.budgetMs,
    ).catch((err): SqlAlchemyResult => ({
      available: false,
      reason: String((err as Error).message ?? err),
      results: [],
    }));
  }
  report.durationSeconds = Math.round((Date.now() - started) / 1000);
  const name = o.profile ? "profile" : "results";
  writeFileSync(path.join(o.out, `${name}.json`), JSON.stringify(report, null, 2) + "\n");
  let md = renderMarkdown(report);
  if (o.profile) md += "\n" + summarizeProfiles(path.join(o.out, "profiles"));
  writeFileSync(path.join(o.out, `${name}.md`), md);
  process.stderr.write(`\nwrote ${path.join(o.out, name)}.{json,md} in ${report.durationSeconds} s\n`);
  process.stdout.write(md + "\n");
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

if (!existsSync(path.join(BENCH_DIR, "node_modules"))) {
  process.stderr.write(
    "bench/node_modules is missing: run `npm run bench` from the root (it installs them).\n",
  );
  process.exit(1);
}
main().catch((err) => {
  process.stderr.write(String((err as Error).stack ?? err) + "\n");
  process.exit(1);
});
