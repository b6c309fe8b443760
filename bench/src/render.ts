/** Re-renders results.md from results.json (after a change to the report's layout): node --import tsx bench/src/render.ts [dir] */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { RESULTS_DIR } from "./config.js";
import { renderMarkdown, type BenchReport } from "./report.js";

const dir = process.argv[2] ?? RESULTS_DIR;
const report = JSON.parse(readFileSync(path.join(dir, "results.json"), "utf8")) as BenchReport;
writeFileSync(path.join(dir, "results.md"), renderMarkdown(report));
