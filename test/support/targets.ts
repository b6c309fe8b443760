/**
 * The databases every dialect-parameterised suite runs on. URLs come from the environment,
 * defaulting to this machine's services:
 * - ATHANOR_SQLITE_FILE_URL (default: a file under .tmp/)
 * - ATHANOR_PG_URL          (default: postgresql://postgres@127.0.0.1:5432/test)
 * - ATHANOR_MYSQL_URL       (default: mysql://root@127.0.0.1:3306/test)
 *
 * Reachability is probed once with the raw drivers. Locally an unreachable server skips its
 * suites with a message; with CI=true it fails them — a CI run never skips a database.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";

export type DialectName = "sqlite" | "postgresql" | "mysql";

export interface Target {
  /** Suite label: sqlite-memory, sqlite-file, postgresql, mysql. */
  readonly label: string;
  readonly dialect: DialectName;
  readonly url: string;
}

const tmpDir = path.resolve(".tmp");
mkdirSync(tmpDir, { recursive: true });

export const TARGETS: readonly Target[] = [
  { label: "sqlite-memory", dialect: "sqlite", url: "sqlite:///:memory:" },
  {
    label: "sqlite-file",
    dialect: "sqlite",
    url:
      process.env.ATHANOR_SQLITE_FILE_URL ??
      `sqlite:///${path.relative(process.cwd(), path.join(tmpDir, `test-${process.pid}.db`))}`,
  },
  {
    label: "postgresql",
    dialect: "postgresql",
    url: process.env.ATHANOR_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test",
  },
  {
    label: "mysql",
    dialect: "mysql",
    url: process.env.ATHANOR_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test",
  },
];

export const IN_CI = process.env.CI === "true" || process.env.CI === "1";

async function probe(t: Target): Promise<string | null> {
  try {
    if (t.dialect === "sqlite") return null;
    const u = new URL(t.url);
    if (t.dialect === "postgresql") {
      const pg = (await import("pg")).default;
      const c = new pg.Client({ connectionString: t.url, connectionTimeoutMillis: 3000 });
      await c.connect();
      await c.end();
    } else {
      const mysql = await import("mysql2/promise");
      const c = await mysql.createConnection({
        host: u.hostname,
        port: Number(u.port || 3306),
        user: decodeURIComponent(u.username),
        password: decodeURIComponent(u.password),
        database: u.pathname.slice(1),
        connectTimeout: 3000,
      });
      await c.end();
    }
    return null;
  } catch (e) {
    return (e as Error).message || String(e);
  }
}

/** Why each target is unreachable (null: reachable), probed once when a test file loads. */
export const UNREACHABLE: ReadonlyMap<string, string | null> = new Map(
  await Promise.all(TARGETS.map(async (t) => [t.label, await probe(t)] as const)),
);
