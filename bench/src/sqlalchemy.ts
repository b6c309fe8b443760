/**
 * The SQLAlchemy column: bench/sqlalchemy/bench_sqlalchemy.py run with the system's python3 when
 * SQLAlchemy and its drivers (psycopg2, pymysql) are installed (Debian: python3-sqlalchemy
 * python3-psycopg2 python3-pymysql); otherwise the report says it was left out and why.
 */
import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { existsSync } from "node:fs";
import { BENCH_DIR, SQLITE_PRAGMAS, targetFor, type DbKind, type Sizes } from "./config.js";
import type { WorkloadResult } from "./child.js";
import type { WorkloadId } from "./adapter.js";

export interface SqlAlchemyResult {
  available: boolean;
  version?: string;
  reason?: string;
  results: { db: DbKind; workloads: Partial<Record<WorkloadId, WorkloadResult>>; error?: string }[];
}

/** Debian's python3 (where python3-sqlalchemy installs), unless BENCH_PYTHON says otherwise. */
const PYTHON = process.env.BENCH_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");

/** W6b (build only) is Athanor's cache-hit reference; like the peers, SQLAlchemy skips it to keep the run short. */
const WORKLOADS: WorkloadId[] = ["W6", "W2e", "W2r", "W3", "W4", "W5", "W1"];

function saUrl(kind: DbKind): string {
  const t = targetFor(kind);
  if (kind === "sqlite") return `sqlite:///${t.file}`;
  const auth = `${encodeURIComponent(t.user)}${t.password ? ":" + encodeURIComponent(t.password) : ""}`;
  return kind === "postgresql"
    ? `postgresql+psycopg2://${auth}@${t.host}:${t.port}/${t.database}`
    : `mysql+pymysql://${auth}@${t.host}:${t.port}/${t.database}?charset=utf8mb4`;
}

export async function runSqlAlchemy(
  dbs: DbKind[],
  sizes: Sizes,
  runs: number,
  warmup: number,
  warmupMs: number,
  budgetMs = 2500,
): Promise<SqlAlchemyResult> {
  const probe = spawnSync(
    PYTHON,
    ["-c", "import sqlalchemy, psycopg2, pymysql; print(sqlalchemy.__version__)"],
    { encoding: "utf8" },
  );
  if (probe.status !== 0) {
    return {
      available: false,
      reason:
        "python3 with SQLAlchemy, psycopg2 and pymysql is not installed on this machine, so the SQLAlchemy column is left out " +
        "(Debian: `apt-get install -y python3-sqlalchemy python3-psycopg2 python3-pymysql`).",
      results: [],
    };
  }
  const version = probe.stdout.trim();
  const out: SqlAlchemyResult = {
    available: true,
    version: `SQLAlchemy ${version} (Debian's python3-sqlalchemy), Python ${spawnSync(PYTHON, ["-c", "import sys; print(sys.version.split()[0])"], { encoding: "utf8" }).stdout.trim()}`,
    reason:
      "ORM path for W1–W5 (Session.add_all + flush/commit, select(Customer), Session.get, joinedload + selectinload, dirty objects + commit), " +
      "Core for W2 rows and W6 (stmt.compile(dialect=…), no cache). Drivers: sqlite3, psycopg2, pymysql. SQLAlchemy 1.4 (what Debian ships), not 2.0.",
    results: [],
  };
  for (const db of dbs) {
    const args = {
      kind: db,
      url: saUrl(db),
      sizes,
      runs,
      warmup,
      warmupMs,
      budgetMs,
      minRuns: Math.min(3, runs),
      workloads: WORKLOADS,
      pragmas: [...SQLITE_PRAGMAS],
    };
    process.stderr.write(`${db} sqlalchemy\n`);
    const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(
        PYTHON,
        [path.join(BENCH_DIR, "sqlalchemy", "bench_sqlalchemy.py"), JSON.stringify(args)],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let stdout = "";
      child.stdout.on("data", (d) => (stdout += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), 600_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout });
      });
    });
    try {
      const parsed = JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as {
        workloads: Partial<Record<WorkloadId, WorkloadResult>>;
      };
      out.results.push({ db, workloads: parsed.workloads });
    } catch {
      out.results.push({ db, workloads: {}, error: `exited with code ${r.code}` });
    }
  }
  return out;
}
