/**
 * Runs one library on one database, every selected workload, in its own process (so no
 * library's JIT state, caches or heap affect another's). Prints one JSON line on stdout.
 *
 * Per workload: data set up outside the timing, a warm-up (at least one run, and runs until
 * `warmupMs` have passed), then `runs` timed runs (GC forced before each), each verified; the
 * median is what the report shows. W6's modes (build only, cache hit, full compile) run
 * interleaved, round by round, since the report compares them.
 */
import { performance } from "node:perf_hooks";
import { Session } from "node:inspector/promises";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findSourceMap } from "node:module";
import { fileURLToPath } from "node:url";
import { targetFor, type DbKind, type Sizes } from "./config.js";
import {
  expectedCustomers,
  expectedGraph,
  lookupIds,
  newCustomers,
  range,
  updatedScore,
  type CustomerChecksum,
} from "./dataset.js";
import { SetupDb } from "./setup-db.js";
import { loadAdapter, type LibraryId } from "./adapters/index.js";
import type { Adapter, CompileMode, WorkloadId } from "./adapter.js";
import { packageVersions } from "./versions.js";

export interface ChildArgs {
  db: DbKind;
  lib: LibraryId;
  workloads: WorkloadId[];
  sizes: Sizes;
  runs: number;
  /** Warm-up: at least this many untimed runs… */
  warmup: number;
  /** …and, for fast workloads, runs until this many ms have passed (JIT tiers need time, not one run). */
  warmupMs: number;
  /** Time (ms) the timed runs of one workload should take: runs = clamp(budgetMs / warm-up time, minRuns, runs). */
  budgetMs: number;
  minRuns: number;
  /** Profile mode: a .cpuprofile of each workload's timed runs (warm-up and setup excluded) is written here. */
  profileDir?: string;
}

export interface WorkloadResult {
  status: "ok" | "missing" | "failed";
  note?: string;
  samples?: number[];
  median?: number;
  min?: number;
}

export interface ChildResult {
  db: DbKind;
  lib: LibraryId;
  versions: Record<string, string>;
  how: Partial<Record<WorkloadId, string>>;
  workloads: Partial<Record<WorkloadId, WorkloadResult>>;
  error?: string;
}

class VerificationError extends Error {}

function same(what: string, got: object, want: object, keys?: string[]): void {
  for (const k of keys ?? Object.keys(want)) {
    const g = (got as Record<string, unknown>)[k];
    const w = (want as Record<string, unknown>)[k];
    if (g !== w) throw new VerificationError(`${what}: ${k} is ${String(g)}, expected ${String(w)}`);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A bound on warm-up runs for very fast workloads. */
const MAX_WARMUP_RUNS = 200;

/**
 * Whether the warm-up goes on after `runs` untimed runs that took `warmedMs` in all: at least
 * `warmup` runs, and, for a fast workload, more until `warmupMs` (per step timed) have passed, so
 * the timed runs measure code the JIT has optimized (one 5 ms run leaves most of it interpreted).
 */
function stillWarming(args: ChildArgs, runs: number, warmedMs: number, steps = 1): boolean {
  return runs < args.warmup || (warmedMs < args.warmupMs * steps && runs < MAX_WARMUP_RUNS);
}

type Step = { before?: (run: number) => Promise<void>; run: (run: number) => Promise<void> };

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

export async function runChild(args: ChildArgs): Promise<ChildResult> {
  const { sizes } = args;
  const target = targetFor(args.db);
  const result: ChildResult = { db: args.db, lib: args.lib, versions: {}, how: {}, workloads: {} };
  const setup = new SetupDb(target);
  await setup.open();
  let adapter: Adapter;
  try {
    adapter = await loadAdapter(args.lib);
    result.versions = packageVersions(adapter.packages);
    result.how = adapter.how ?? {};
    await setup.loadDataSet(sizes);
    await adapter.open(target, sizes);
  } catch (err) {
    result.error = `could not start: ${(err as Error).stack ?? String(err)}`;
    await setup.close();
    return result;
  }
  let state: "loaded" | "dirty" = "loaded";
  const ensureLoaded = async () => {
    if (state !== "loaded") await setup.loadDataSet(sizes);
    state = "loaded";
  };

  const objects = newCustomers(sizes.insert);
  const ids = lookupIds(sizes);
  const allCustomers = expectedCustomers(range(1, sizes.customers));
  const idKeys = ["count", "sumId", "sumNameLength", "sumDescriptionLength"];

  const steps: Record<WorkloadId, Step | null> = {
    W1: adapter.w1
      ? {
          before: async () => {
            await setup.truncateAll();
            state = "dirty";
          },
          run: async () => {
            const r = await adapter.w1!(objects);
            const n = sizes.insert;
            if (r.count !== n) throw new VerificationError(`W1: inserted ${r.count} objects, expected ${n}`);
            if (r.sumId !== 0 && r.sumId !== (n * (n + 1)) / 2)
              throw new VerificationError(
                `W1: ids assigned sum to ${r.sumId}, expected ${(n * (n + 1)) / 2}`,
              );
            same("W1 (table after commit)", await setup.customerChecksum(), expectedCustomers(range(1, n)));
          },
        }
      : null,
    W2e: adapter.w2e
      ? { before: ensureLoaded, run: async () => same("W2e", await adapter.w2e!(), allCustomers) }
      : null,
    W2r: adapter.w2r
      ? { before: ensureLoaded, run: async () => same("W2r", await adapter.w2r!(), allCustomers) }
      : null,
    W3: adapter.w3
      ? { before: ensureLoaded, run: async () => same("W3", await adapter.w3!(ids), expectedCustomers(ids)) }
      : null,
    W4: adapter.w4
      ? { before: ensureLoaded, run: async () => same("W4", await adapter.w4!(), expectedGraph(sizes)) }
      : null,
    W5: adapter.w5
      ? {
          before: async (run) => {
            if (run === 0) await ensureLoaded();
          },
          run: async (run) => {
            const n = sizes.updates;
            const loaded: CustomerChecksum = await adapter.w5!(n, (id) => updatedScore(id, run));
            same("W5 (objects loaded)", loaded, expectedCustomers(range(1, n)), idKeys);
            const want = {
              ...expectedCustomers(range(1, n)),
              sumScore: range(1, n).reduce((a, id) => a + updatedScore(id, run), 0),
            };
            same("W5 (table after flush)", await setup.customerChecksum(n), want);
            state = "dirty";
          },
        }
      : null,
    W6: adapter.w6 ? compileStep("compile") : null,
    W6c: adapter.w6 ? compileStep("cached") : null,
    W6b: adapter.w6 ? compileStep("build") : null,
  };
  function compileStep(mode: CompileMode): Step {
    return {
      run: async () => {
        const len = await adapter.w6!(sizes.compiles, mode);
        if (mode === "build" ? len !== 0 : !(len > sizes.compiles * 100))
          throw new VerificationError(`W6 (${mode}): SQL length sum ${len} is not plausible`);
      },
    };
  }

  // W6's three modes are compared with one another (the cache-hit target is their ratio), so
  // their runs are interleaved: each round times build, cache hit and full compile back to back,
  // under the same machine conditions, instead of three series minutes apart.
  const compileGroup = (["W6b", "W6c", "W6"] as const).filter(
    (w) => args.workloads.includes(w) && steps[w] !== null && !(w === "W6c" && adapter.missing?.W6c),
  );
  if (compileGroup.length > 1 && !args.profileDir) {
    try {
      const samples = await timeInterleaved(
        compileGroup.map((w) => steps[w]!),
        args,
      );
      compileGroup.forEach((w, i) => {
        const xs = samples[i]!;
        result.workloads[w] = { status: "ok", samples: xs, median: median(xs), min: Math.min(...xs) };
      });
    } catch (err) {
      for (const w of compileGroup)
        result.workloads[w] = { status: "failed", note: describeError(err as Error) };
    }
    for (const w of compileGroup)
      process.stderr.write(`  ${args.db} ${args.lib} ${w}: ${fmt(result.workloads[w]!)}\n`);
  }

  for (const w of args.workloads) {
    if (result.workloads[w] !== undefined) continue;
    const step = steps[w];
    if (!step) {
      const note = adapter.missing?.[w] ?? (w.startsWith("W6") ? adapter.missing?.W6 : undefined);
      result.workloads[w] = { status: "missing", note: note ?? "not implemented" };
      continue;
    }
    if (w === "W6c" && adapter.missing?.W6c) {
      result.workloads[w] = { status: "missing", note: adapter.missing.W6c };
      continue;
    }
    const samples: number[] = [];
    const profiler = args.profileDir
      ? new Profiler(path.join(args.profileDir, `${args.db}-${args.lib}-${w}.cpuprofile`))
      : null;
    try {
      let r = 0;
      let warmed = 0;
      let last = 0;
      while (stillWarming(args, r, warmed)) {
        await step.before?.(r);
        gc();
        const t0 = performance.now();
        await step.run(r);
        last = performance.now() - t0;
        warmed += last;
        r++;
      }
      const runs = Math.max(
        args.minRuns,
        Math.min(args.runs, Math.floor(args.budgetMs / Math.max(last, 1e-3))),
      );
      await profiler?.start();
      for (let i = 0; i < runs; i++, r++) {
        await step.before?.(r);
        gc();
        await profiler?.resume();
        const t0 = performance.now();
        await step.run(r);
        const dt = performance.now() - t0;
        await profiler?.pause();
        samples.push(dt);
      }
      await profiler?.stop();
      result.workloads[w] = { status: "ok", samples, median: median(samples), min: Math.min(...samples) };
    } catch (err) {
      const e = err as Error;
      result.workloads[w] = {
        status: "failed",
        note: e instanceof VerificationError ? `verification failed: ${e.message}` : describeError(e),
      };
      state = "dirty";
    }
    process.stderr.write(`  ${args.db} ${args.lib} ${w}: ${fmt(result.workloads[w]!)}\n`);
  }
  try {
    await adapter.close();
  } finally {
    await setup.close();
  }
  return result;
}

/**
 * Times steps that take no setup round-robin: the warm-up of each, then rounds of one timed run
 * of each (GC forced before each run). Rounds: as many as fit the steps' joint budget, clamped
 * to [minRuns, runs]. Returns the samples of each step.
 */
async function timeInterleaved(group: Step[], args: ChildArgs): Promise<number[][]> {
  const samples = group.map((): number[] => []);
  let round = 0;
  let warmed = 0;
  let w = 0;
  while (stillWarming(args, w, warmed, group.length)) {
    round = 0;
    for (const step of group) {
      gc();
      const t0 = performance.now();
      await step.run(w);
      round += performance.now() - t0;
    }
    warmed += round;
    w++;
  }
  const budget = args.budgetMs * group.length;
  const rounds = Math.max(args.minRuns, Math.min(args.runs, Math.floor(budget / Math.max(round, 1e-3))));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < group.length; i++) {
      gc();
      const t0 = performance.now();
      await group[i]!.run(w + r);
      samples[i]!.push(performance.now() - t0);
    }
  }
  return samples;
}

/**
 * The V8 sampling profiler over the timed runs only: started after the warm-up; between runs
 * (setup, verification) the samples are dropped by pausing — V8 has no pause, so each run is
 * profiled separately and the profiles are merged into one .cpuprofile.
 */
class Profiler {
  private session: Session | null = null;
  private parts: any[] = [];
  constructor(private readonly file: string) {}
  async start(): Promise<void> {
    this.session = new Session();
    this.session.connect();
    await this.session.post("Profiler.enable");
    await this.session.post("Profiler.setSamplingInterval", { interval: 200 });
  }
  async resume(): Promise<void> {
    await this.session!.post("Profiler.start");
  }
  async pause(): Promise<void> {
    const { profile } = (await this.session!.post("Profiler.stop")) as { profile: any };
    this.parts.push(profile);
  }
  async stop(): Promise<void> {
    if (!this.session) return;
    await this.session.post("Profiler.disable");
    this.session.disconnect();
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify(toOriginalPositions(mergeProfiles(this.parts))));
  }
}

/**
 * tsx hands V8 whitespace-minified code (one line per file), so profile positions are mapped back
 * to the .ts sources through the inline source maps Node keeps (the child runs with --enable-source-maps).
 */
function toOriginalPositions(profile: any): any {
  for (const n of profile.nodes) {
    const f = n.callFrame;
    if (!f.url?.startsWith("file://") || f.url.includes("/node_modules/")) continue;
    const map = findSourceMap(f.url) ?? findSourceMap(fileURLToPath(f.url));
    const e = map?.findEntry(f.lineNumber, f.columnNumber) as
      { originalLine?: number; originalColumn?: number } | undefined;
    if (e?.originalLine !== undefined) {
      f.lineNumber = e.originalLine;
      f.columnNumber = e.originalColumn ?? 0;
    }
  }
  return profile;
}

/** Concatenates V8 profiles (node ids renumbered) into one whose samples are all of theirs. */
function mergeProfiles(parts: any[]): any {
  const nodes: any[] = [];
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let offset = 0;
  for (const p of parts) {
    let max = 0;
    for (const n of p.nodes) {
      max = Math.max(max, n.id);
      nodes.push({ ...n, id: n.id + offset, children: (n.children ?? []).map((c: number) => c + offset) });
    }
    for (const s of p.samples) samples.push(s + offset);
    timeDeltas.push(...p.timeDeltas);
    offset += max;
  }
  return {
    nodes,
    startTime: parts[0]?.startTime ?? 0,
    endTime: parts.at(-1)?.endTime ?? 0,
    samples,
    timeDeltas,
  };
}

function describeError(e: Error): string {
  const cause = (e as { parent?: Error; cause?: Error }).parent ?? (e as { cause?: Error }).cause;
  const head = `${e.name}: ${e.message || cause?.message || "(no message)"}`;
  return [head, ...(e.stack ?? "").split("\n").slice(1, 6)].join("\n");
}

function fmt(r: WorkloadResult): string {
  if (r.status !== "ok") return `${r.status}${r.note ? ` (${r.note.split("\n")[0]})` : ""}`;
  return `${r.median!.toFixed(1)} ms (runs: ${r.samples!.map((s) => s.toFixed(1)).join(", ")})`;
}

// Entry point when spawned by main.ts: argv[2] is the JSON of ChildArgs; the result is the last stdout line.
if (process.argv[1] && /child\.[tj]s$/.test(process.argv[1])) {
  const args = JSON.parse(process.argv[2]!) as ChildArgs;
  runChild(args).then(
    (r) => {
      process.stdout.write("\n" + JSON.stringify(r) + "\n");
      process.exit(0);
    },
    (err) => {
      process.stderr.write(String((err as Error).stack ?? err) + "\n");
      process.exit(1);
    },
  );
}
