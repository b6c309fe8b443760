/** The results as Markdown: one table per database, then the targets, W6, T1, how and versions. */
import type { Sizes, DbKind } from "./config.js";
import type { ChildResult, WorkloadResult } from "./child.js";
import type { WorkloadId } from "./adapter.js";
import type { T1Result } from "./t1/run.js";
import type { SqlAlchemyResult } from "./sqlalchemy.js";
import { explainMisses } from "./miss-notes.js";

export interface BenchReport {
  startedAt: string;
  durationSeconds?: number;
  machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; loadAverage: number[] };
  sizes: Sizes;
  runs: number;
  warmup: number;
  /** Warm-up time (ms): fast workloads run untimed until it has passed (absent in older reports). */
  warmupMs?: number;
  servers: Partial<Record<DbKind, string>>;
  results: ChildResult[];
  t1: T1Result | null;
  sqlalchemy: SqlAlchemyResult | null;
  notes: string[];
}

const DB_TITLES: Record<DbKind, string> = {
  sqlite: "SQLite (file, WAL)",
  postgresql: "PostgreSQL",
  mariadb: "MariaDB",
};
const LIB_TITLES: Record<string, string> = {
  raw: "raw driver",
  "athanor-core": "Athanor Core",
  "athanor-orm": "Athanor ORM",
  drizzle: "Drizzle",
  kysely: "Kysely",
  typeorm: "TypeORM",
  mikroorm: "MikroORM",
  sequelize: "Sequelize",
  prisma: "Prisma",
  sqlalchemy: "SQLAlchemy ORM (Python)",
};
const ATHANOR = ["athanor-core", "athanor-orm"];
const PEERS = ["drizzle", "kysely", "typeorm", "mikroorm", "sequelize", "prisma"];

function workloadTitle(w: WorkloadId, s: Sizes): string {
  const n = (x: number) => x.toLocaleString("en-US").replace(/,/g, " ");
  switch (w) {
    case "W1":
      return `W1 bulk insert (${n(s.insert)})`;
    case "W2e":
      return `W2 large select as entities (${n(s.customers)})`;
    case "W2r":
      return `W2 large select as plain rows (${n(s.customers)})`;
    case "W3":
      return `W3 short selects by PK (${n(s.lookups)}, fresh session each)`;
    case "W4":
      return `W4 eager graph (${n(s.orders)} orders × ${s.itemsPerOrder} items + ${s.products} products)`;
    case "W5":
      return `W5 dirty update (${n(s.updates)})`;
    case "W6":
      return `W6 build + compile, no cache (${n(s.compiles)})`;
    case "W6c":
      return `W6 build + compile, cache hit (${n(s.compiles)})`;
    case "W6b":
      return `W6 build only, for reference (${n(s.compiles)})`;
  }
}

const ROW_ORDER: WorkloadId[] = ["W1", "W2e", "W2r", "W3", "W4", "W5", "W6", "W6c", "W6b"];

export function fmtMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

/** Median of a result, or null. */
function med(r: WorkloadResult | undefined): number | null {
  return r && r.status === "ok" && r.median !== undefined ? r.median : null;
}

/** The median for (db, lib, workload), SQLAlchemy included. */
function lookup(report: BenchReport, db: DbKind, lib: string, w: WorkloadId): WorkloadResult | undefined {
  if (lib === "sqlalchemy") return report.sqlalchemy?.results.find((r) => r.db === db)?.workloads[w];
  return report.results.find((r) => r.db === db && r.lib === lib)?.workloads[w];
}

function baseline(report: BenchReport, db: DbKind, w: WorkloadId): number | null {
  if (w.startsWith("W6")) return null;
  return med(lookup(report, db, "raw", w));
}

export function renderMarkdown(report: BenchReport): string {
  const out: string[] = [];
  const m = report.machine;
  const s = report.sizes;
  out.push("# Athanor benchmarks", "");
  out.push(
    `Run ${report.startedAt}${report.durationSeconds !== undefined ? `, ${report.durationSeconds} s` : ""} on ${m.cpu} (${m.cores} cores), ` +
      `${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; load average at start ${m.loadAverage.join(" / ")}.`,
  );
  out.push(
    `Each cell: median of up to ${report.runs} timed runs after a warm-up (at least ${report.warmup} run${report.warmup === 1 ? "" : "s"}${report.warmupMs ? `, and at least ${report.warmupMs} ms` : ""}), in milliseconds, and (×) the ratio to the raw driver on the ` +
      "same database and workload. Every run is verified (counts and sums of what was loaded or written). " +
      "`—`: the library has no such path (the reasons are listed after the tables).",
    "",
  );
  const libs = [...new Set(report.results.map((r) => r.lib))];
  const withSa = report.sqlalchemy?.available ? [...libs, "sqlalchemy"] : libs;
  for (const db of Object.keys(report.servers) as DbKind[]) {
    if (!report.results.some((r) => r.db === db)) continue;
    out.push(`## ${DB_TITLES[db]} — ${report.servers[db]}`, "");
    out.push(`| workload | ${withSa.map((l) => LIB_TITLES[l] ?? l).join(" | ")} |`);
    out.push(`|---|${withSa.map(() => "--:").join("|")}|`);
    const footnotes: string[] = [];
    for (const w of ROW_ORDER) {
      const cells = withSa.map((lib) => {
        const r = lookup(report, db, lib, w);
        const base = baseline(report, db, w);
        if (!r) return "";
        if (r.status === "ok") {
          const ms = fmtMs(r.median!);
          return base && lib !== "raw" ? `${ms} (${(r.median! / base).toFixed(2)}×)` : ms;
        }
        if (r.status === "missing") return "—";
        footnotes.push(
          `${LIB_TITLES[lib] ?? lib}, ${w}: ${r.status === "failed" ? "FAILED: " : ""}${(r.note ?? "").split("\n")[0]}`,
        );
        return `${r.status === "failed" ? "failed" : "n/a"} [${footnotes.length}]`;
      });
      if (cells.every((c) => c === "" || c === "—")) continue;
      out.push(`| ${workloadTitle(w, s)} | ${cells.join(" | ")} |`);
    }
    const errors = report.results.filter((r) => r.db === db && r.error);
    for (const e of errors)
      footnotes.push(`${LIB_TITLES[e.lib] ?? e.lib}: did not run: ${e.error!.split("\n")[0]}`);
    if (footnotes.length) {
      out.push("");
      footnotes.forEach((f, i) => out.push(`[${i + 1}] ${f}  `));
    }
    out.push("");
  }
  out.push(...renderMissing(report));
  out.push(...renderTargets(report));
  out.push(...renderW6(report));
  out.push(...renderT1(report.t1));
  if (report.sqlalchemy && !report.sqlalchemy.available) {
    out.push("## SQLAlchemy", "", `Not measured: ${report.sqlalchemy.reason}`, "");
  } else if (report.sqlalchemy?.available) {
    out.push(
      "## SQLAlchemy",
      "",
      `${report.sqlalchemy.version ?? ""}: ${report.sqlalchemy.reason ?? ""}`,
      "",
    );
  }
  out.push(...renderHow(report));
  out.push("## Versions", "");
  const versions = new Map<string, string>();
  for (const r of report.results) for (const [k, v] of Object.entries(r.versions)) versions.set(k, v);
  out.push([...versions].map(([k, v]) => `\`${k}\` ${v}`).join(", ") + ".", "");
  if (report.notes.length) out.push("## Notes", "", ...report.notes.map((n) => `- ${n}`), "");
  return out.join("\n");
}

interface TargetLine {
  ok: boolean;
  text: string;
  /** What the line checks, for the notes on misses (miss-notes.ts): `ratio:<db>:<lib>:<w>`, `peer:<db>:<w>`, `sqlalchemy:<db>:<w>[:floor]`, `w6:<db>`, `t1:<lib>`. */
  key: string;
}

export function targetLines(report: BenchReport): TargetLine[] {
  const lines: TargetLine[] = [];
  const x = (a: number, b: number) => (a / b).toFixed(2) + "×";
  for (const db of Object.keys(report.servers) as DbKind[]) {
    const t = DB_TITLES[db];
    const ratio = (lib: string, w: WorkloadId, limit: number) => {
      const v = med(lookup(report, db, lib, w));
      const base = baseline(report, db, w);
      if (v === null || base === null) {
        const r = lookup(report, db, lib, w);
        lines.push({
          ok: false,
          key: `ratio:${db}:${lib}:${w}`,
          text: `${t}: ${LIB_TITLES[lib]} ${w} ≤ ${limit}× raw — not measured${r?.note ? ` (${r.note.split("\n")[0]})` : ""}`,
        });
        return;
      }
      const ok = v / base <= limit;
      lines.push({
        ok,
        key: `ratio:${db}:${lib}:${w}`,
        text: `${t}: ${LIB_TITLES[lib]} ${w} ≤ ${limit}× raw — ${x(v, base)}${ok ? "" : ` (missed by ${((v / base / limit - 1) * 100).toFixed(0)} %)`}`,
      });
    };
    ratio("athanor-core", "W2r", 1.15);
    ratio("athanor-core", "W3", 1.15);
    for (const w of ["W1", "W2e", "W3", "W5"] as WorkloadId[]) ratio("athanor-orm", w, 1.5);
    ratio("athanor-orm", "W4", 2);
    for (const w of ["W1", "W2e", "W2r", "W3", "W4", "W5", "W6"] as WorkloadId[]) {
      const ath = ATHANOR.map((l) => med(lookup(report, db, l, w))).filter((v): v is number => v !== null);
      if (ath.length === 0) continue;
      const best = Math.min(...ath);
      const slower = PEERS.map((p) => [p, med(lookup(report, db, p, w))] as const).filter(
        ([, v]) => v !== null && v < best,
      );
      if (slower.length === 0)
        lines.push({
          ok: true,
          key: `peer:${db}:${w}`,
          text: `${t}: ${w} Athanor (${fmtMs(best)} ms) faster than every peer measured`,
        });
      else
        for (const [p, v] of slower)
          lines.push({
            ok: false,
            key: `peer:${db}:${w}`,
            text: `${t}: ${w} Athanor (${fmtMs(best)} ms) slower than ${LIB_TITLES[p]} (${fmtMs(v!)} ms) by ${x(best, v!)}`,
          });
    }
    if (report.sqlalchemy?.available) {
      for (const w of ["W1", "W2e", "W3", "W4", "W5"] as WorkloadId[]) {
        const sa = med(lookup(report, db, "sqlalchemy", w));
        const orm = med(lookup(report, db, "athanor-orm", w));
        if (sa === null || orm === null) continue;
        const how =
          sa >= orm
            ? `${(sa / orm).toFixed(1)}× faster`
            : `SLOWER: SQLAlchemy is ${(orm / sa).toFixed(1)}× faster (${fmtMs(sa)} vs ${fmtMs(orm)} ms)`;
        // Where the driver's round trips dominate, even the raw driver is not 5× faster than SQLAlchemy.
        const raw = baseline(report, db, w);
        const floor =
          sa / orm < 5 && raw !== null && sa / raw < 5
            ? ` (out of reach here: the raw driver itself is only ${(sa / raw).toFixed(1)}× faster than SQLAlchemy)`
            : "";
        lines.push({
          ok: sa / orm >= 5,
          key: `sqlalchemy:${db}:${w}${floor ? ":floor" : ""}`,
          text: `${t}: ${w} Athanor ORM ≥ 5× faster than SQLAlchemy ORM — ${how}${floor}`,
        });
      }
    }
    const c = med(lookup(report, db, "athanor-core", "W6"));
    const h = med(lookup(report, db, "athanor-core", "W6c"));
    const b = med(lookup(report, db, "athanor-core", "W6b"));
    if (c !== null && h !== null && b !== null) {
      const pct = (Math.max(0, h - b) / Math.max(1e-9, c - b)) * 100;
      lines.push({
        ok: pct < 5,
        key: `w6:${db}`,
        text: `${t}: W6 a cache hit costs < 5 % of a full compile — ${pct.toFixed(1)} %`,
      });
    }
  }
  const t1 = report.t1;
  if (t1 && t1.entries.length) {
    const get = (n: string) => t1.entries.find((e) => t1Library(e.library) === n);
    const peers = ["drizzle", "kysely"].map(get).filter((e) => e && e.ok);
    for (const lib of ["athanor-core", "athanor-orm"]) {
      const a = get(lib);
      if (a === undefined) continue; // results from before the ORM project
      if (a.ok && peers.length) {
        const fastest = Math.min(...peers.map((p) => p!.seconds));
        lines.push({
          ok: a.seconds <= fastest,
          key: `t1:${lib}`,
          text: `T1: ${LIB_TITLES[lib]} tsc time ≤ the faster of Drizzle and Kysely — ${a.seconds.toFixed(2)} s vs ${fastest.toFixed(2)} s`,
        });
      } else
        lines.push({
          ok: false,
          key: `t1:${lib}`,
          text: `T1: ${LIB_TITLES[lib]} not measured (see T1 below)`,
        });
    }
  }
  return lines;
}

function renderTargets(report: BenchReport): string[] {
  const lines = targetLines(report);
  if (!lines.length) return [];
  const out = ["## Targets", "", ...lines.map((l) => `- ${l.ok ? "met" : "**MISSED**"}: ${l.text}`), ""];
  const explained = explainMisses(lines.filter((l) => !l.ok));
  if (explained.length) {
    out.push("### The misses: what the profiles and measurements show", "");
    for (const { note, lines: missed } of explained)
      out.push(`- ${note} (${missed.map((l) => l.text.split(" — ")[0]).join("; ")})`);
    out.push("");
  }
  return out;
}

function renderW6(report: BenchReport): string[] {
  const out = ["## W6: the compiled-statement cache", ""];
  let any = false;
  for (const db of Object.keys(report.servers) as DbKind[]) {
    const c = med(lookup(report, db, "athanor-core", "W6"));
    const h = med(lookup(report, db, "athanor-core", "W6c"));
    const b = med(lookup(report, db, "athanor-core", "W6b"));
    if (c === null || h === null || b === null) continue;
    any = true;
    const n = report.sizes.compiles;
    const us = (ms: number) => ((ms * 1000) / n).toFixed(2);
    out.push(
      `- ${DB_TITLES[db]}: building the statement ${us(b)} µs; build + full compile ${us(c)} µs; build + cache hit ${us(h)} µs. ` +
        `Compile alone ${us(c - b)} µs, cache hit alone ${us(Math.max(0, h - b))} µs: ${((Math.max(0, h - b) / (c - b)) * 100).toFixed(1)} % of a compile.`,
    );
  }
  out.push("");
  return any ? out : [];
}

/** T1's project names; results written before the ORM project call Core's "athanor". */
function t1Library(name: string): string {
  return name === "athanor" ? "athanor-core" : name;
}

function renderT1(t1: T1Result | null): string[] {
  if (!t1) return [];
  const out = ["## T1: type-check cost", ""];
  if (t1.error) out.push(`T1 failed: ${t1.error.split("\n")[0]}`, "");
  if (t1.description) out.push(t1.description, "");
  if (t1.entries.length) {
    out.push(
      "| library | `tsc --noEmit` (s, median) | check time (s) | instantiations | types | memory (MB) | errors |",
      "|---|--:|--:|--:|--:|--:|--:|",
    );
    for (const e of t1.entries)
      out.push(
        `| ${LIB_TITLES[t1Library(e.library)] ?? e.library} | ${e.ok ? e.seconds.toFixed(2) : "failed"} | ${e.checkSeconds?.toFixed(2) ?? ""} | ${e.instantiations ?? ""} | ${e.types ?? ""} | ${e.memoryMB ?? ""} | ${e.errors ?? ""} |`,
      );
    out.push("");
  }
  return out;
}

/** Why cells are empty ("—"), once per library and workload (the same on every database). */
function renderMissing(report: BenchReport): string[] {
  const seen = new Map<string, string>();
  for (const r of report.results)
    for (const [w, res] of Object.entries(r.workloads))
      if (res?.status === "missing" && res.note && w !== "W6b")
        seen.set(`${LIB_TITLES[r.lib] ?? r.lib}, ${w}`, res.note);
  if (!seen.size) return [];
  return ["Empty cells (—): " + [...seen].map(([k, v]) => `${k}: ${v}`).join("; ") + ".", ""];
}

function renderHow(report: BenchReport): string[] {
  const out = ["## How each library runs each workload", ""];
  const seen = new Set<string>();
  for (const r of report.results) {
    if (seen.has(r.lib)) continue;
    seen.add(r.lib);
    const entries = Object.entries(r.how);
    if (!entries.length) continue;
    out.push(`- **${LIB_TITLES[r.lib] ?? r.lib}**: ${entries.map(([w, h]) => `${w}: ${h}`).join("; ")}.`);
  }
  out.push("");
  return out;
}
