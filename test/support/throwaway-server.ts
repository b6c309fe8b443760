/**
 * Private, throwaway database servers for tests that stop and start a server (restart
 * recovery). They never touch the shared servers on 5432/3306: each gets a fresh data directory
 * under .tmp/, a free port, trust / skip-grant-tables auth, and is killed and deleted by
 * `destroy()` (call it in afterAll; a process exit hook kills leftovers too).
 *
 * PostgreSQL: `initdb` + `pg_ctl` from /usr/lib/postgresql/<version>/bin, run as the `postgres`
 * OS user when the tests run as root (initdb refuses root). MariaDB: `mariadb-install-db` +
 * `mariadbd`, run with `--user=mysql` when root.
 *
 * @example
 * const server = await startThrowawayPostgres();
 * try { await server.stop(); await server.start(); } finally { await server.destroy(); }
 */
import { execFile, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface ThrowawayServer {
  readonly kind: "postgresql" | "mysql";
  /** Connection URL for Athanor (database created and empty). */
  readonly url: string;
  readonly port: number;
  /** The directory holding the data, sockets and logs (removed by destroy()). */
  readonly dir: string;
  /** Starts the (stopped) server and waits until it accepts connections. */
  start(): Promise<void>;
  /** Shuts the server down (its clients' connections are cut) and waits until it is gone. */
  stop(): Promise<void>;
  /** Kills the server if running and deletes its directory. Safe to call more than once. */
  destroy(): Promise<void>;
  /** The server's log, for failure messages. */
  log(): string;
}

const TMP = path.resolve(".tmp");
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
/** pids to kill if the test process exits without destroy() (crash, timeout). */
const leftovers = new Set<number>();
process.on("exit", () => {
  for (const pid of leftovers) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function osUserUid(name: string): { uid: number; gid: number } {
  const r = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const g = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (r.status !== 0 || g.status !== 0) {
    throw new Error(
      `Throwaway server: the OS user '${name}' does not exist (needed to run the server as non-root).`,
    );
  }
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** Runs a command, as `user` when we are root. */
function asUser(user: string, cmd: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", user, "--", cmd, ...args]] : [cmd, args];
}

function makeDir(prefix: string, owner: string): string {
  mkdirSync(TMP, { recursive: true });
  const dir = mkdtempSync(path.join(TMP, prefix));
  if (isRoot) {
    const { uid, gid } = osUserUid(owner);
    chownSync(dir, uid, gid);
  }
  return dir;
}

async function waitFor(
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`Throwaway server: ${what} did not happen within ${timeoutMs} ms.\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-30).join("\n");
  } catch {
    return "(no log)";
  }
}

// ---- PostgreSQL ----

function pgBinDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
    : [];
  if (versions.length === 0)
    throw new Error(`Throwaway server: no PostgreSQL binaries (initdb) under ${root}.`);
  versions.sort((a, b) => Number(b) - Number(a));
  return path.join(root, versions[0]!, "bin");
}

export async function startThrowawayPostgres(): Promise<ThrowawayServer> {
  const bin = pgBinDir();
  const dir = makeDir("throwaway-pg-", "postgres");
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  const port = await freePort();
  const log = () => readLog(logFile);
  const pgCtl = (args: string[]) => {
    const [cmd, a] = asUser("postgres", path.join(bin, "pg_ctl"), ["-D", data, ...args]);
    return run(cmd, a, { timeout: 20_000 });
  };
  const pidOf = (): number | null => {
    try {
      return Number(readFileSync(path.join(data, "postmaster.pid"), "utf8").split("\n")[0]);
    } catch {
      return null;
    }
  };
  let destroyed = false;
  const server: ThrowawayServer = {
    kind: "postgresql",
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    log,
    async start() {
      await pgCtl([
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=50`,
        "-l",
        logFile,
        "-w",
        "-t",
        "20",
        "start",
      ]);
      const pid = pidOf();
      if (pid) leftovers.add(pid);
    },
    async stop() {
      const pid = pidOf();
      // "fast": clients are told "terminating connection due to administrator command", as in a restart.
      await pgCtl(["-m", "fast", "-w", "-t", "20", "stop"]);
      if (pid) leftovers.delete(pid);
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      const pid = pidOf();
      if (pid) {
        await pgCtl(["-m", "immediate", "-w", "-t", "10", "stop"]).catch(() => {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // already gone
          }
        });
        leftovers.delete(pid);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const [cmd, args] = asUser("postgres", path.join(bin, "initdb"), [
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      "postgres",
      "-E",
      "UTF8",
      "--no-sync",
    ]);
    await run(cmd, args, { timeout: 30_000 });
    await server.start();
  } catch (err) {
    await server.destroy();
    throw new Error(`Throwaway PostgreSQL could not be started: ${(err as Error).message}\n${log()}`);
  }
  return server;
}

// ---- MariaDB ----

export async function startThrowawayMariadb(): Promise<ThrowawayServer> {
  const dir = makeDir("throwaway-my-", "mysql");
  const data = path.join(dir, "data");
  const logFile = path.join(dir, "server.log");
  const socket = path.join(dir, "mysqld.sock");
  const port = await freePort();
  const log = () => readLog(logFile);
  let child: ChildProcess | null = null;
  let exited: Promise<void> | null = null;
  const accepts = async (): Promise<boolean> => {
    const mysql = (await import("mysql2/promise")).default;
    const c = await mysql.createConnection({ host: "127.0.0.1", port, user: "root", connectTimeout: 1000 });
    await c.query("CREATE DATABASE IF NOT EXISTS throwaway");
    await c.end();
    return true;
  };
  let destroyed = false;
  const server: ThrowawayServer = {
    kind: "mysql",
    url: `mysql://root@127.0.0.1:${port}/throwaway`,
    port,
    dir,
    log,
    async start() {
      const args = [
        "--no-defaults",
        `--datadir=${data}`,
        `--port=${port}`,
        "--bind-address=127.0.0.1",
        `--socket=${socket}`,
        `--pid-file=${path.join(dir, "mysqld.pid")}`,
        `--log-error=${logFile}`,
        // Its own tmpdir: internal temp tables never share /tmp with the machine's server.
        `--tmpdir=${dir}`,
        "--skip-grant-tables",
        "--skip-name-resolve",
        "--skip-log-bin",
        "--innodb-buffer-pool-size=16M",
        "--innodb-flush-log-at-trx-commit=0",
        "--max-connections=50",
        ...(isRoot ? ["--user=mysql"] : []),
      ];
      const proc = spawn("mariadbd", args, { stdio: "ignore" });
      child = proc;
      exited = new Promise((resolve) => proc.once("exit", () => resolve()));
      if (proc.pid) leftovers.add(proc.pid);
      await waitFor("MariaDB start", accepts, 20_000, log);
    },
    async stop() {
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      proc.kill("SIGTERM"); // a normal shutdown: clients' connections are closed by the server
      await exited;
      if (proc.pid) leftovers.delete(proc.pid);
      child = null;
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      const proc = child;
      if (proc && proc.exitCode === null) {
        proc.kill("SIGKILL");
        await exited;
        if (proc.pid) leftovers.delete(proc.pid);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await run(
      "mariadb-install-db",
      [
        "--no-defaults",
        `--datadir=${data}`,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
        ...(isRoot ? ["--user=mysql"] : []),
      ],
      { timeout: 30_000 },
    );
    await server.start();
  } catch (err) {
    await server.destroy();
    throw new Error(`Throwaway MariaDB could not be started: ${(err as Error).message}\n${log()}`);
  }
  return server;
}
