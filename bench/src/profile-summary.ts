/**
 * Reads the .cpuprofile files of a profile run and lists, per workload, where the time went:
 * the hottest functions by self time, and Athanor's own functions (src/) by inclusive time —
 * which is what points at a slow path. Open a .cpuprofile in Chrome DevTools for the full tree.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { ROOT_DIR } from "./config.js";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

function label(n: Node): string {
  const f = n.callFrame;
  let url = f.url.replace(/^file:\/\//, "");
  if (url.startsWith(ROOT_DIR)) url = path.relative(ROOT_DIR, url);
  url = url.replace(/^.*node_modules\//, "");
  return `${f.functionName || "(anonymous)"} ${url ? `${url}:${f.lineNumber + 1}` : ""}`.trim();
}

export interface ProfileSummary {
  totalMs: number;
  self: [string, number][];
  athanorInclusive: [string, number][];
}

export function summarizeProfile(file: string, top = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as {
    nodes: Node[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map<number, Node>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) byId.set(n.id, n);
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    let id: number | undefined = p.samples[i]!;
    const leaf = byId.get(id)!;
    const name = label(leaf);
    // Idle time, and the inspector's own work when a run's profile is taken ("dispatch", no script), aren't the code's.
    if (name.startsWith("(idle)") || name === "dispatch") continue;
    total += dt;
    self.set(name, (self.get(name) ?? 0) + dt);
    const seen = new Set<string>();
    while (id !== undefined) {
      const n = byId.get(id)!;
      const l = label(n);
      if (!seen.has(l) && n.callFrame.url.includes("/src/") && !n.callFrame.url.includes("/bench/")) {
        seen.add(l);
        incl.set(l, (incl.get(l) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { totalMs: total, self: sorted(self), athanorInclusive: sorted(incl) };
}

export function summarizeProfiles(dir: string): string {
  if (!existsSync(dir)) return "";
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .sort();
  const out = [
    "## Profiles",
    "",
    `CPU profiles of the timed runs (warm-up, setup and verification excluded) in \`${path.relative(ROOT_DIR, dir)}\`; open one in Chrome DevTools (Performance → Load profile) for the full tree.`,
    "",
  ];
  for (const f of files) {
    const s = summarizeProfile(path.join(dir, f));
    out.push(`### ${f.replace(/\.cpuprofile$/, "")} — ${s.totalMs.toFixed(0)} ms of CPU sampled`, "");
    out.push("Self time (top 15):", "", "| ms | % | function |", "|--:|--:|---|");
    for (const [n, ms] of s.self)
      out.push(`| ${ms.toFixed(1)} | ${((ms / s.totalMs) * 100).toFixed(1)} | \`${n}\` |`);
    out.push(
      "",
      "Athanor src/ functions by inclusive time (top 15):",
      "",
      "| ms | % | function |",
      "|--:|--:|---|",
    );
    for (const [n, ms] of s.athanorInclusive)
      out.push(`| ${ms.toFixed(1)} | ${((ms / s.totalMs) * 100).toFixed(1)} | \`${n}\` |`);
    out.push("");
  }
  return out.join("\n");
}
