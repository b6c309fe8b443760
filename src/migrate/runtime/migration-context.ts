/**
 * Runs migration steps against one database (Alembic: `runtime/migration.py` MigrationContext).
 *
 * - Online, on a Connection. Where DDL is transactional (PostgreSQL, SQLite) the whole run is
 *   one transaction, or each migration its own with `transactionPerMigration`; a failure rolls
 *   back and says where the database is. On MySQL/MariaDB, where each DDL statement commits
 *   at once, each migration's version row is committed after it; a failure reports exactly
 *   which operations of which revision took effect and how to recover.
 * - Offline (`--sql`), for a dialect: writes the SQL script instead, with BEGIN/COMMIT where
 *   DDL is transactional.
 */
import type { Dialect } from "../../dialects/base/dialect.js";
import type { Connection } from "../../engine/connection.js";
import { MigrationFailedError, MigrationLockedError } from "../errors.js";
import type { MigrateImpl } from "../impl/impl.js";
import { implFor } from "../impl/registry.js";
import { Operations } from "../operations/operations.js";
import type { Step } from "../script/revision-map.js";
import type { ScriptDirectory } from "../script/script-directory.js";
import { DEFAULT_VERSION_TABLE, VersionTable } from "./version-table.js";

export interface MigrationContextOptions {
  /** Online: the connection migrations run on. */
  connection?: Connection;
  /** Offline: the dialect to write SQL for, and where each statement goes. */
  dialect?: Dialect;
  output?: SqlOutput;
  versionTable?: string;
  versionTableSchema?: string | null;
  /** Commit after each migration instead of once for the run (transactional DDL only). */
  transactionPerMigration?: boolean;
  /** Progress lines ("Running upgrade a -> b, message"). */
  log?: (line: string) => void;
}

/** Where an offline run writes: statements (terminated by the writer) and comments. */
export interface SqlOutput {
  statement(sql: string): void;
  comment(text: string): void;
}

/** An SqlOutput collecting the script's text. */
export class SqlScript implements SqlOutput {
  private readonly parts: string[] = [];
  statement(sql: string): void {
    this.parts.push(sql.trimEnd() + ";\n");
  }
  comment(text: string): void {
    this.parts.push(`-- ${text}\n`);
  }
  toString(): string {
    return this.parts.join("\n");
  }
}

const label = (heads: readonly string[]): string => (heads.length ? heads.join(", ") : "<base>");

export class MigrationContext {
  readonly impl: MigrateImpl;
  readonly versionTable: VersionTable;
  private readonly log: (line: string) => void;
  private readonly output: SqlOutput | null;

  constructor(private readonly options: MigrationContextOptions) {
    const connection = options.connection ?? null;
    const dialect = connection?.dialect ?? options.dialect;
    if (!dialect) throw new Error("MigrationContext needs a connection (online) or a dialect (offline).");
    this.output = connection ? null : (options.output ?? new SqlScript());
    this.impl = implFor({ dialect, connection, emit: (sql) => this.output?.statement(sql) });
    this.versionTable = new VersionTable(
      options.versionTable ?? DEFAULT_VERSION_TABLE,
      options.versionTableSchema ?? null,
    );
    this.log = options.log ?? (() => undefined);
  }

  get connection(): Connection | null {
    return this.impl.connection;
  }

  /** The revisions the database is at (empty: base, or no version table yet). Offline: empty. */
  async currentHeads(): Promise<string[]> {
    const conn = this.connection;
    if (!conn) return [];
    const heads = await this.versionTable.read(conn);
    if (conn.inTransaction()) await conn.commit();
    return heads;
  }

  /**
   * Runs `fn` holding the run lock (`MigrateImpl.lockRuns`): a second run waits up to
   * `timeoutSeconds`, then reads the version table afresh. Offline, `fn` just runs.
   */
  async withRunLock<T>(timeoutSeconds: number, fn: () => Promise<T>): Promise<T> {
    if (!this.connection) return fn();
    const v = this.versionTable;
    const key = v.schema ? `${v.schema}.${v.name}` : v.name;
    if (!(await this.impl.lockRuns(key, timeoutSeconds))) throw new MigrationLockedError(key, timeoutSeconds);
    try {
      return await fn();
    } finally {
      if (this.connection.inTransaction()) await this.connection.rollback().catch(() => undefined);
      await this.impl.unlockRuns(key).catch(() => undefined);
    }
  }

  /** Records `to` as the database's revisions without running anything (Alembic: `stamp`). */
  async stamp(from: readonly string[], to: readonly string[]): Promise<void> {
    await this.inTransaction(async () => {
      await this.versionTable.ensure(this.impl);
      await this.versionTable.write(this.impl, from, to);
    });
  }

  private async inTransaction(fn: () => Promise<void>): Promise<void> {
    const conn = this.connection;
    const transactional = this.impl.transactionalDdl;
    if (!conn) {
      if (transactional) this.output!.statement("BEGIN");
      await fn();
      if (transactional) this.output!.statement("COMMIT");
      return;
    }
    await this.impl.beforeRun();
    try {
      await fn();
      await this.impl.beforeCommit();
      await conn.commit();
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    } finally {
      await this.impl.afterRun();
    }
  }

  /** Runs the steps in order (see the module comment for transactions and failures). */
  async run(steps: readonly Step[], scripts: ScriptDirectory): Promise<void> {
    if (steps.length === 0) return;
    const conn = this.connection;
    const transactional = this.impl.transactionalDdl;
    const perMigration = !transactional || (this.options.transactionPerMigration ?? false);
    const out = this.output;
    await this.impl.beforeRun();
    if (!conn) {
      if (steps[0]!.fromHeads.length === 0 && steps[0]!.direction === "up")
        await this.versionTable.ensure(this.impl);
      if (transactional) out!.statement("BEGIN");
    } else if (conn.inTransaction()) await conn.commit();
    let committed = steps[0]!.fromHeads;
    try {
      if (conn) await this.versionTable.ensure(this.impl);
      for (const [i, step] of steps.entries()) {
        const r = step.revision;
        const what =
          step.direction === "up"
            ? `upgrade ${label(step.fromHeads)} -> ${r.revision}`
            : `downgrade ${r.revision} -> ${label(r.downRevisions)}`;
        const line = `Running ${what}${r.message ? ", " + r.message : ""}`;
        const started = Date.now();
        this.log(steps.length > 1 ? `[${i + 1}/${steps.length}] ${line}` : line);
        out?.comment(line);
        const op = new Operations(this.impl);
        try {
          const mod = scripts.get(r.revision).module;
          await (step.direction === "up" ? mod.upgrade(op) : mod.downgrade(op));
          await this.versionTable.write(this.impl, step.fromHeads, step.toHeads);
          if (conn && perMigration) {
            await this.impl.beforeCommit();
            await conn.commit();
            committed = step.toHeads;
          }
        } catch (err) {
          if (conn) await conn.rollback().catch(() => undefined);
          throw this.failure(err, step, op.applied, committed, perMigration);
        }
        if (conn) this.log(`  done in ${Date.now() - started} ms`);
      }
      if (!conn) {
        if (transactional) out!.statement("COMMIT");
      } else if (!perMigration) {
        await this.impl.beforeCommit();
        await conn.commit();
      }
    } finally {
      await this.impl.afterRun();
    }
  }

  private failure(
    err: unknown,
    step: Step,
    applied: readonly string[],
    committed: readonly string[],
    perMigration: boolean,
  ): unknown {
    if (!this.connection) return err;
    const r = step.revision;
    const name = `${step.direction === "up" ? "Upgrade" : "Downgrade"} ${r.revision}${r.message ? ` (${r.message})` : ""}`;
    const cause = (err as Error)?.message ?? String(err);
    const at = label(committed);
    if (this.impl.transactionalDdl) {
      const scope = perMigration ? "This migration was rolled back" : "The whole run was rolled back";
      return new MigrationFailedError(
        `${name} failed: ${cause}\n${scope}: the database is at revision ${at}. Fix the migration and run the command again.`,
        r.revision,
        applied,
        err,
      );
    }
    const target = step.direction === "up" ? r.revision : label(step.toHeads);
    const list = applied.length ? applied.map((a, i) => `  ${i + 1}. ${a}`).join("\n") : "  (none)";
    return new MigrationFailedError(
      `${name} failed at operation ${applied.length + 1}: ${cause}\n` +
        `${this.impl.dialect.name === "mysql" ? "MySQL/MariaDB" : this.impl.dialect.name} commits each DDL statement at once, so revision ` +
        `${r.revision} is HALF-APPLIED. These operations of it took effect:\n${list}\n` +
        `The version table still says ${at}.\nTo recover: undo those operations by hand (or make the migration skip ` +
        `what is already done), fix the cause, and run the command again; or finish the migration by hand and record ` +
        `it with \`athanor migrate stamp ${target}\`.`,
      r.revision,
      applied,
      err,
    );
  }
}
