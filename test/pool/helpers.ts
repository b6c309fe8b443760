/** Shared helpers for the pool suites. */
import { text, type Engine, type PoolStatus } from "../../src/index.js";
import type { DialectName } from "../support/targets.js";

/** SQL giving the server-side id of the current connection. */
export function serverIdSql(dialect: DialectName): string {
  return dialect === "postgresql" ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
}

/**
 * Kills one server connection by id from another connection (`killer`), and waits until the
 * server has really ended it. Only ever called with ids of connections the test opened itself.
 */
export async function killServerConnection(killer: Engine, dialect: DialectName, id: number): Promise<void> {
  if (dialect === "postgresql") {
    // The timeout form waits (up to 5 s) until the backend has exited.
    await killer.begin((c) => c.execute(text("SELECT pg_terminate_backend(:id, 5000)"), { id }));
    return;
  }
  await killer.begin((c) => c.execute(text("KILL :id"), { id }));
  for (let i = 0; i < 250; i++) {
    const alive = await killer.begin((c) =>
      c.scalar(text("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = :id"), { id }),
    );
    if (Number(alive) === 0) return;
    await sleep(20);
  }
  throw new Error(`MariaDB connection ${id} was still listed 5 s after KILL`);
}

/** Server ids of the connections of this database that are alive now. */
export async function liveServerIds(observer: Engine, dialect: DialectName): Promise<Set<number>> {
  const sql =
    dialect === "postgresql"
      ? "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
      : "SELECT ID FROM information_schema.PROCESSLIST";
  const rows = await observer.begin((c) => c.execute(text(sql)));
  return new Set(rows.all().map((r) => Number(Object.values(r as Record<string, unknown>)[0])));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Violations of the QueuePool status invariants (empty when consistent): every slot is either
 * in the pool or checked out, overflow stays within maxOverflow, the idle ones fit in poolSize.
 */
export function statusViolations(s: PoolStatus, poolSize: number, maxOverflow: number): string[] {
  const out: string[] = [];
  const st = JSON.stringify(s);
  if (s.size !== poolSize) out.push(`size ${s.size} != ${poolSize} in ${st}`);
  if (s.checkedIn < 0 || s.checkedOut < 0) out.push(`negative count in ${st}`);
  if (s.checkedOut > s.size + s.overflow) out.push(`checkedOut > size + overflow in ${st}`);
  if (s.checkedIn + s.checkedOut !== s.size + s.overflow)
    out.push(`checkedIn + checkedOut != size + overflow in ${st}`);
  if (s.overflow > maxOverflow) out.push(`overflow > maxOverflow ${maxOverflow} in ${st}`);
  if (s.overflow < -s.size) out.push(`overflow < -size in ${st}`);
  if (s.checkedIn > s.size) out.push(`checkedIn > size in ${st}`);
  return out;
}
