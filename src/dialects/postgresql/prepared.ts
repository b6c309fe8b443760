/**
 * Named prepared statements per PostgreSQL connection (asyncpg's statement cache, which
 * SQLAlchemy's asyncpg dialect relies on; Drizzle's `prepare()`). SQL the engine took from its
 * compiled cache (`DriverExecuteOptions.prepare`: compiler output, never text()) gets a name on
 * this connection: pg sends Parse for it once, then only Bind and Execute, and the server
 * reuses the parsed statement and, after a few runs, its generic plan. One round trip either way;
 * the saving is the server's parse and plan work, most of the cost of a short query.
 *
 * Bounded (`preparedStatementCacheSize`, default 100; 0 turns this off, e.g. behind pgbouncer in
 * transaction mode): past the bound the least recently used statement is closed. Closing uses
 * the protocol's Close message, sent just before the next query, which never fails, not even
 * for a name the server no longer has or inside an aborted transaction, so it can't disturb
 * the transaction in progress.
 *
 * INVALIDATION. A schema change can make a prepared statement unusable:
 * - "cached plan must not change result type" (SQLSTATE 0A000): e.g. ALTER TABLE changed the
 *   type of a column a prepared SELECT returns;
 * - "prepared statement … does not exist" (26000): DISCARD ALL or DEALLOCATE dropped it.
 * The name is then forgotten (and a statement the server still has is closed). Outside a
 * transaction block the statement is prepared again under a new name and run once more, which
 * is invisible to the caller. Inside one the server has aborted the transaction, so the error is
 * marked stale: the dialect raises InvalidCachedStatementError, which says to roll back and run
 * the work again in a new transaction (SQLAlchemy's asyncpg dialect does the same).
 */
import { markStaleStatement, withCallerStack } from "./errors.js";
import type { PgQueryResult, PgSend } from "./row-query.js";

/** pg's "Submittable": an object `client.query()` queues and drives like its own queries. */
export interface PgSubmittable {
  submit(connection: PgWire): Error | null | void;
  handleReadyForQuery(connection: PgWire): void;
  handleError(err: Error, connection: PgWire): void;
}

/** The slice of pg's Connection (the wire protocol writer) used here. */
interface PgWire {
  close(msg: { type: "S"; name: string }): void;
  sync(): void;
  parsedStatements?: Record<string, string>;
}

interface PgClientLike {
  query(submittable: PgSubmittable): PgSubmittable;
  getTransactionStatus?(): string | null;
  readonly connection?: PgWire;
}

/** Close messages for statements dropped from the cache, then Sync; errors are of no interest. */
class CloseStatements implements PgSubmittable {
  constructor(private readonly names: readonly string[]) {}
  submit(connection: PgWire): null {
    for (const name of this.names) {
      connection.close({ type: "S", name });
      if (connection.parsedStatements) delete connection.parsedStatements[name];
    }
    connection.sync();
    return null;
  }
  handleReadyForQuery(): void {}
  handleError(): void {}
}

let statementCounter = 0;

export class PreparedStatements {
  /** Statement names by SQL text, least recently used first. */
  private readonly names = new Map<string, string>();
  /** Names to close before the next query. */
  private toClose: string[] = [];

  constructor(
    private readonly client: PgClientLike,
    readonly size: number,
    /** How queries are sent (row-query.ts). */
    private readonly send: PgSend,
  ) {}

  /** How many statements this connection keeps prepared (for tests and diagnostics). */
  get count(): number {
    return this.names.size;
  }

  /** Runs `sql` as this connection's named statement for it, preparing it on first use. */
  async execute(sql: string, values: readonly unknown[]): Promise<PgQueryResult> {
    let name = this.names.get(sql);
    if (name === undefined) name = this.add(sql);
    else if (this.names.size > 1) {
      // Most recently used last.
      this.names.delete(sql);
      this.names.set(sql, name);
    }
    if (this.toClose.length > 0) this.flushCloses();
    // A statement outside a transaction block can be run again after a failure; inside one it can't.
    const idle = this.client.getTransactionStatus?.() === "I";
    try {
      return last(await this.send({ name, text: sql, values }));
    } catch (err) {
      const stale = staleKind(err);
      if (stale === null) throw withCallerStack(err);
      this.forget(sql, name, stale === "changed");
      if (!idle) throw markStaleStatement(withCallerStack(err));
      const again = this.add(sql);
      if (this.toClose.length > 0) this.flushCloses();
      try {
        return last(await this.send({ name: again, text: sql, values }));
      } catch (err2) {
        throw withCallerStack(err2);
      }
    }
  }

  /**
   * Forgets every statement: after SQL that drops them all on the server (DISCARD ALL,
   * DEALLOCATE ALL), which the driver sees pass as text.
   */
  forgetAll(): void {
    const wire = this.client.connection;
    for (const name of this.names.values()) if (wire?.parsedStatements) delete wire.parsedStatements[name];
    this.names.clear();
  }

  private add(sql: string): string {
    const name = `athanor_${++statementCounter}`;
    this.names.set(sql, name);
    if (this.names.size > this.size) {
      const [oldSql, oldName] = this.names.entries().next().value as [string, string];
      this.names.delete(oldSql);
      this.toClose.push(oldName);
    }
    return name;
  }

  /** Drops a statement that failed as stale; one the server still has is closed. */
  private forget(sql: string, name: string, stillExists: boolean): void {
    if (this.names.get(sql) === name) this.names.delete(sql);
    if (stillExists) this.toClose.push(name);
    else {
      const wire = this.client.connection;
      if (wire?.parsedStatements) delete wire.parsedStatements[name];
    }
  }

  private flushCloses(): void {
    const names = this.toClose;
    this.toClose = [];
    // Queued ahead of the query about to be sent; pg runs its queue in order.
    this.client.query(new CloseStatements(names));
  }
}

function last(r: PgQueryResult | PgQueryResult[]): PgQueryResult {
  return Array.isArray(r) ? r[r.length - 1]! : r;
}

/** "changed": the statement exists but its result type changed; "gone": the server dropped it. */
function staleKind(err: unknown): "changed" | "gone" | null {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e?.code === "26000") return "gone";
  if (e?.code === "0A000" && /cached plan must not change result type/.test(String(e.message)))
    return "changed";
  return null;
}
