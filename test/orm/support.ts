/**
 * ORM test support: a logger that records the statements an engine runs (to count them), and
 * `ormSuite`, which runs a suite on every dialect with that logger attached.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Logger, MetaData } from "../../src/index.js";
import { describeEachDialect, type DialectContext } from "../support/dialects.js";

/** Records each executed statement (the engine logs its SQL, then a `[cached]`/`[generated]` parameter line). */
export class SqlLog implements Logger {
  readonly statements: string[] = [];
  /** BEGIN / COMMIT / ROLLBACK lines. */
  readonly transactions: string[] = [];
  private last = "";
  info(message: string): void {
    if (message.startsWith("[cached]") || message.startsWith("[generated]")) {
      this.statements.push(this.last);
      return;
    }
    if (/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/.test(message)) this.transactions.push(message);
    this.last = message;
  }
  reset(): void {
    this.statements.length = 0;
    this.transactions.length = 0;
  }
  /** Statements run so far, optionally only those starting with a verb ("INSERT", "SELECT", …). */
  count(verb?: string): number {
    return verb
      ? this.statements.filter((s) => s.trimStart().toUpperCase().startsWith(verb)).length
      : this.statements.length;
  }
  /** Runs `fn` and returns what it ran. */
  async during<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
    const from = this.statements.length;
    const result = await fn();
    return { result, statements: this.statements.slice(from) };
  }
}

export interface OrmContext extends DialectContext {
  readonly log: SqlLog;
}

/**
 * `describeEachDialect` with a statement log, reset before each test; the tables of `metadata`
 * are created before the suite and dropped after it (in dependency order).
 */
export function ormSuite(title: string, metadata: MetaData, body: (ctx: OrmContext) => void): void {
  const log = new SqlLog();
  describeEachDialect(
    title,
    (ctx) => {
      beforeAll(() => metadata.createAll(ctx.engine));
      afterAll(() => metadata.dropAll(ctx.engine));
      beforeEach(() => log.reset());
      body(Object.assign(Object.create(ctx) as DialectContext, { log }) as OrmContext);
    },
    { engineOptions: { echo: true, logger: log } },
  );
}
