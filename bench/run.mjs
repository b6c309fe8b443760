#!/usr/bin/env node
// `npm run bench` from the repository root lands here. It makes sure the dependencies are
// installed (the root's for tsx and Athanor's drivers, bench/'s own for the peers — from the npm
// registry only, no engine downloads), generates the Prisma clients, then runs src/main.ts.
// Arguments are passed through: npm run bench -- --db=postgresql --lib=raw,athanor-core --runs=7
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const rootDir = path.resolve(benchDir, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", ...opts });
  if (r.status !== 0) {
    console.error(`\n${cmd} ${args.join(" ")} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status ?? 1);
  }
}

const newer = (a, b) => !existsSync(b) || statSync(a).mtimeMs > statSync(b).mtimeMs;

const dataDir = path.join(benchDir, ".data");
mkdirSync(dataDir, { recursive: true });
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
};

// Runs started from this checkout at the same time would reinstall and regenerate under each
// other: steps 1–3 hold a lock (a directory: mkdir is atomic); a lock whose process is gone is taken over.
const lockDir = path.join(dataDir, "install.lock");
const pidFile = path.join(lockDir, "pid");
for (let waited = 0; ; waited++) {
  try {
    mkdirSync(lockDir);
    writeFileSync(pidFile, String(process.pid));
    break;
  } catch (err) {
    if (err.code !== "EEXIST") throw err;
    const holder = Number(existsSync(pidFile) ? readFileSync(pidFile, "utf8") : NaN);
    if (Number.isInteger(holder) && !alive(holder)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (waited === 0) console.error(`Waiting for another bench run (pid ${holder}) to finish installing…`);
    if (waited > 1200) {
      console.error(`Gave up waiting after 10 minutes; remove ${lockDir} if no bench run is installing.`);
      process.exit(1);
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
  }
}
const unlock = () => rmSync(lockDir, { recursive: true, force: true });
process.on("exit", unlock);

// 1. The root's dependencies (tsx runs the TypeScript; Athanor's drivers; typescript for T1).
if (
  !existsSync(path.join(rootDir, "node_modules", "tsx")) ||
  !existsSync(path.join(rootDir, "node_modules", "better-sqlite3"))
) {
  console.error("Installing the root dependencies (npm ci)…");
  run(npm, ["ci", "--no-audit", "--no-fund"], { cwd: rootDir });
}

// 2. bench/'s own dependencies, pinned by bench/package-lock.json (better-sqlite3 is linked to the root's build).
const installed = path.join(benchDir, "node_modules", ".package-lock.json");
if (!existsSync(installed) || newer(path.join(benchDir, "package-lock.json"), installed)) {
  console.error("Installing bench/ dependencies (npm ci in bench/)…");
  run(npm, ["ci", "--no-audit", "--no-fund"], { cwd: benchDir });
}

// 3. Prisma clients. `prisma generate` doesn't use the schema engine, but the CLI would try to
// download it first: point it at a stub that fails if it were ever run (no engine downloads here).
const stub = path.join(benchDir, ".data", "no-schema-engine");
mkdirSync(path.dirname(stub), { recursive: true });
if (!existsSync(stub)) {
  writeFileSync(
    stub,
    '#!/bin/sh\necho "the Prisma schema engine is not installed (no engine downloads)" >&2\nexit 1\n',
  );
  chmodSync(stub, 0o755);
}
for (const provider of ["sqlite", "postgresql", "mysql"]) {
  const schema = path.join(benchDir, "prisma", `${provider}.prisma`);
  const client = path.join(benchDir, ".data", "prisma", provider, "client.ts");
  if (newer(schema, client)) {
    console.error(`Generating the Prisma client for ${provider}…`);
    run(
      process.execPath,
      [path.join(benchDir, "node_modules", "prisma", "build", "index.js"), "generate", "--schema", schema],
      {
        cwd: benchDir,
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: stub,
          PRISMA_HIDE_UPDATE_MESSAGE: "1",
          CHECKPOINT_DISABLE: "1",
        },
      },
    );
  }
}

unlock();

// 4. The benchmark. Timed runs sharing the machine disturb each other: say so (the report's
// load average shows it too), but don't refuse (smoke runs and single workloads are fine).
const runsDir = path.join(dataDir, "runs");
mkdirSync(runsDir, { recursive: true });
const others = [];
for (const name of readdirSync(runsDir)) {
  const pid = Number(name);
  if (!Number.isInteger(pid) || pid === process.pid) continue;
  if (alive(pid)) others.push(pid);
  else rmSync(path.join(runsDir, name), { force: true }); // left by a run that was killed
}
if (others.length > 0)
  console.error(`Note: other bench runs are running (pid ${others.join(", ")}); timings will be noisier.`);
const marker = path.join(runsDir, String(process.pid));
writeFileSync(marker, "");
process.on("exit", () => rmSync(marker, { force: true }));
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", path.join(benchDir, "src", "main.ts"), ...process.argv.slice(2)],
  {
    cwd: rootDir,
    stdio: "inherit",
  },
);
process.exit(r.status ?? 1);
