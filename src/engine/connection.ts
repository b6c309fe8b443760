/**
 * A connection checked out of the engine's pool (SQLAlchemy 2.0: `engine/base.py` Connection).
 * The first statement begins a transaction (autobegin); it lasts until `commit()` or
 * `rollback()`. Closing the connection rolls back what was not committed and returns it to the pool.
 *
 * @example
 * await using conn = await engine.connect();
 * await conn.execute(insert(users).values({ name: "ann" }));
 * await conn.commit();
 */
import type { Dialect, IsolationLevel } from "../dialects/base/dialect.js";
import type { DriverConnection, DriverResult } from "../dialects/base/driver.js";
import type { Compilable } from "../sql/visitor.js";
import { ArgumentError, AthanorError, InvalidRequestError, ResourceClosedError } from "../util/errors.js";
import type { Engine } from "./engine.js";
import {
  assembleParams,
  keysFromDriverColumns,
  paramKeysFor,
  processRows,
  type Executable,
  type ExecutionPlan,
  type Params,
  type RowOfStatement,
  type ScalarOfStatement,
} from "./execution.js";
import { insertedPrimaryKey } from "./inserted-pk.js";
import type { PooledConnection } from "./pool/base.js";
import { Result, RowBuffer } from "./result.js";
import { openStream, StreamResult, type BatchSource } from "./stream-result.js";
import {
  NestedTransaction,
  normalizeIsolationLevel,
  RootTransaction,
  type TransactionHost,
} from "./transaction.js";

export interface ExecutionOptions {
  /** Isolation level for this connection's next transactions, "AUTOCOMMIT" included. */
  isolationLevel?: IsolationLevel;
}

export interface StreamOptions {
  /** Rows fetched from the server per round trip (default 1000; SQLAlchemy: `yield_per`). */
  batchSize?: number;
}

const EMPTY_KEYS: readonly string[] = [];

export class Connection implements TransactionHost {
  private transaction: RootTransaction | null = null;
  private beginning: Promise<void> | null = null;
  private nested: NestedTransaction[] = [];
  private savepointSeq = 0;
  private pendingIsolation: IsolationLevel | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private activeStream: BatchSource | null = null;
  /** True once `record` went back to the pool (closed, or given up for a reconnect that failed). */
  private released = false;
  /** True after the driver connection was lost; cleared by the reconnect after rollback(). */
  private invalidated = false;

  /** @internal */
  constructor(
    readonly engine: Engine,
    private record: PooledConnection,
  ) {}

  get dialect(): Dialect {
    return this.engine.dialect;
  }
  /** The driver's own connection object (SQLAlchemy: `connection.driver_connection`). */
  get driverConnection(): unknown {
    return this.record.driver.native;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  /** Whether a transaction (begun explicitly or by autobegin) is in progress. */
  inTransaction(): boolean {
    return this.transaction !== null && this.transaction.isActive;
  }
  /** Whether a SAVEPOINT is in progress. */
  inNestedTransaction(): boolean {
    return this.nested.length > 0;
  }
  /** The current root transaction, or null. */
  getTransaction(): RootTransaction | null {
    return this.inTransaction() ? this.transaction : null;
  }

  // ---- execution ----

  /**
   * Runs a statement. `params` is one parameter object, or an array of them (executemany).
   * Rows are typed from the statement (`select(...)`, `text(...).columns(...)`, `.returning(...)`).
   */
  async execute<S extends Executable>(
    stmt: S,
    params?: Params | readonly Params[],
  ): Promise<Result<RowOfStatement<S>, ScalarOfStatement<S>>> {
    this.checkUsable();
    if (typeof stmt === "string" || stmt === null || typeof (stmt as Compilable)._compile !== "function") {
      throw new ArgumentError(
        `execute() takes a statement object, got ${typeof stmt === "string" ? `the string '${String(stmt).slice(0, 60)}'` : String(stmt)}. ` +
          "Wrap textual SQL in text(): conn.execute(text('SELECT …')).",
        "ATH-EXECUTE",
      );
    }
    const many = Array.isArray(params) && params.length > 1;
    const first: Params | undefined = Array.isArray(params) ? params[0] : (params as Params | undefined);
    const { plan, cached } = this.engine.compileCached(stmt, paramKeysFor(stmt, first));
    await this.autobegin();
    const sql = plan.compiled.sql;
    const isInsert = plan.compiled.kind === "insert";
    const raw = isInsert && !many ? new Array<unknown>(plan.compiled.binds.length) : undefined;
    let dr: DriverResult;
    if (many) {
      const sets = (params as readonly Params[]).map((p) => assembleParams(plan, p));
      this.engine._log.statement(sql, sets, cached, true);
      try {
        dr = await this.record.driver.executeMany(sql, sets, plan.driverOptions);
      } catch (err) {
        throw this.wrapError(err, sql, sets);
      }
    } else {
      const values = assembleParams(plan, first, raw);
      this.engine._log.statement(sql, values, cached, false);
      try {
        dr = await this.record.driver.execute(sql, values, plan.driverOptions);
      } catch (err) {
        throw this.wrapError(err, sql, values);
      }
    }
    return this.buildResult(stmt, plan, dr, many, first, raw ?? null) as Result<
      RowOfStatement<S>,
      ScalarOfStatement<S>
    >;
  }

  private buildResult(
    stmt: unknown,
    plan: ExecutionPlan | null,
    dr: DriverResult,
    many: boolean,
    first: Params | undefined,
    raw: unknown[] | null,
  ): Result<any, any> {
    const resultPlan = plan?.resultPlan ?? null;
    let keys: readonly string[];
    let returnsRows: boolean;
    if (resultPlan !== null) {
      // The compiled statement knows its columns: the driver's names are not needed.
      keys = resultPlan.keys;
      returnsRows = true;
      processRows(dr.rows, resultPlan);
    } else {
      const columns = dr.columns;
      returnsRows = columns !== null;
      keys = columns ? keysFromDriverColumns(columns) : EMPTY_KEYS;
    }
    if (returnsRows) this.engine._log.rows(keys, dr.rows);
    const buffer = new RowBuffer(dr.rows, returnsRows);
    const firstRow = dr.rows[0];
    return new Result(buffer, keys, {
      rowcount: dr.rowCount,
      lastInsertId: dr.lastInsertId,
      insertedPrimaryKey: () =>
        insertedPrimaryKey({
          statement: stmt,
          plan: plan!,
          many,
          params: first,
          rawValues: raw,
          keys,
          firstRow,
          lastInsertId: dr.lastInsertId,
        }),
    });
  }

  /**
   * Runs SQL text in the driver's own parameter style (`?` or `$1`), without compiling
   * (SQLAlchemy: `exec_driver_sql`). Values are still sent separately, never spliced in.
   */
  async execDriverSql(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<Result<Record<string, unknown>>> {
    this.checkUsable();
    await this.autobegin();
    this.engine._log.statement(sql, params, false, false);
    let dr: DriverResult;
    try {
      dr = await this.record.driver.execute(sql, params);
    } catch (err) {
      throw this.wrapError(err, sql, params);
    }
    return this.buildResult(null, null, dr, false, undefined, null);
  }

  /** The first column of the first row, or null (SQLAlchemy: `Connection.scalar`). */
  async scalar<S extends Executable>(stmt: S, params?: Params): Promise<ScalarOfStatement<S> | null> {
    return (await this.execute(stmt, params)).scalar();
  }
  /** The first column of every row (SQLAlchemy: `Connection.scalars`). */
  async scalars<S extends Executable>(stmt: S, params?: Params): Promise<ScalarOfStatement<S>[]> {
    return (await this.execute(stmt, params)).scalars().all();
  }

  /**
   * Streams a query's rows in batches (PostgreSQL server-side cursor, MySQL unbuffered result,
   * SQLite iterator). Consume or `close()` the result before running anything else here.
   */
  async stream<S extends Executable>(
    stmt: S,
    params?: Params,
    options: StreamOptions = {},
  ): Promise<StreamResult<RowOfStatement<S>, ScalarOfStatement<S>>> {
    this.checkUsable();
    const batchSize = options.batchSize ?? 1000;
    if (!(batchSize >= 1))
      throw new ArgumentError(`stream() batchSize must be at least 1, got ${batchSize}.`, "ATH-ARG");
    const { plan, cached } = this.engine.compileCached(stmt, paramKeysFor(stmt, params));
    await this.autobegin();
    const sql = plan.compiled.sql;
    const values = assembleParams(plan, params);
    this.engine._log.statement(sql, values, cached, false);
    const { source, keys } = await openStream(
      this.record.driver.stream(sql, values, batchSize, plan.driverOptions),
      plan.resultPlan,
      {
        wrapError: (err) => this.wrapError(err, sql, values),
        onEnd: (src) => {
          if (this.activeStream === src) this.activeStream = null;
        },
      },
    );
    this.activeStream = source;
    return new StreamResult<RowOfStatement<S>, ScalarOfStatement<S>>(source, keys);
  }

  /** Whether a table (or view) exists, as seen by this connection (used by MetaData.createAll). */
  async hasTable(name: string, schema?: string | null): Promise<boolean> {
    this.checkUsable();
    try {
      return await this.dialect.hasTable(this.record.driver, name, schema ?? null);
    } catch (err) {
      throw this.wrapError(err, null, null);
    }
  }

  // ---- transactions ----

  /** Begins a transaction explicitly; fails if one is already in progress (autobegun included). */
  async begin(): Promise<RootTransaction> {
    this.checkUsable();
    if (this.inTransaction()) {
      throw new InvalidRequestError(
        "A transaction is already begun on this Connection (explicitly or by autobegin). " +
          "Call commit() or rollback() first, or use beginNested() for a SAVEPOINT.",
        "ATH-TX-BEGUN",
      );
    }
    return this.startRoot(false);
  }

  /** Begins a SAVEPOINT, autobeginning the outer transaction if needed. */
  async beginNested(): Promise<NestedTransaction> {
    this.checkUsable();
    await this.autobegin();
    const name = `sa_savepoint_${++this.savepointSeq}`;
    const sp = new NestedTransaction(this, name);
    this.engine._log.info(`SAVEPOINT ${name}`);
    await this.dialectCall(`SAVEPOINT ${name}`, (d) => this.dialect.doSavepoint(d, name));
    this.nested.push(sp);
    return sp;
  }

  /** Commits the current transaction, if any (SAVEPOINTs within it are released with it). */
  async commit(): Promise<void> {
    this.checkOpen();
    if (this.transaction?.isActive) await this._commitRoot(this.transaction);
  }
  /** Rolls back the current transaction, if any. */
  async rollback(): Promise<void> {
    this.checkOpen();
    if (this.transaction?.isActive) await this._rollbackRoot(this.transaction);
    else if (this.invalidated) await this.reconnect();
  }

  private autobegin(): Promise<void> {
    if (this.transaction?.isActive) return this.beginning ?? Promise.resolve();
    return this.startRoot(true).then(() => undefined);
  }

  private async startRoot(implicit: boolean): Promise<RootTransaction> {
    if (this.invalidated) await this.reconnect();
    const tx = new RootTransaction(this, implicit);
    this.transaction = tx;
    const begin = async () => {
      await this.applyIsolation();
      const driver = this.record.driver;
      if (driver.autocommit) {
        this.engine._log.info("BEGIN (implicit; autocommit mode, no BEGIN sent)");
        return;
      }
      this.engine._log.info("BEGIN (implicit)");
      await this.dialectCall("BEGIN", (d) => this.dialect.doBegin(d));
      this.record.info.transactionOpen = true;
    };
    this.beginning = begin();
    try {
      await this.beginning;
    } catch (err) {
      tx.isActive = false;
      this.transaction = null;
      throw err;
    } finally {
      this.beginning = null;
    }
    return tx;
  }

  private endRoot(tx: RootTransaction): void {
    tx.isActive = false;
    for (const sp of this.nested) sp.isActive = false;
    this.nested = [];
    if (this.transaction === tx) this.transaction = null;
    this.record.info.transactionOpen = false;
  }

  /** @internal */
  async _commitRoot(tx: RootTransaction): Promise<void> {
    this.checkNotStreaming();
    const autocommit = this.record.driver.autocommit;
    this.engine._log.info(autocommit ? "COMMIT (autocommit mode, nothing sent)" : "COMMIT");
    try {
      if (!autocommit && !this.invalidated) await this.dialectCall("COMMIT", (d) => this.dialect.doCommit(d));
    } finally {
      this.endRoot(tx);
    }
  }
  /** @internal */
  async _rollbackRoot(tx: RootTransaction, reconnect = true): Promise<void> {
    if (this.activeStream) await this.activeStream.close().catch(() => undefined);
    const autocommit = this.record.driver.autocommit;
    this.engine._log.info(autocommit ? "ROLLBACK (autocommit mode, nothing sent)" : "ROLLBACK");
    try {
      if (!autocommit && !this.invalidated)
        await this.dialectCall("ROLLBACK", (d) => this.dialect.doRollback(d));
    } finally {
      this.endRoot(tx);
    }
    if (this.invalidated && reconnect) await this.reconnect();
  }
  /** @internal */
  async _releaseSavepoint(sp: NestedTransaction): Promise<void> {
    this.checkUsable();
    this.engine._log.info(`RELEASE SAVEPOINT ${sp.savepointName}`);
    await this.dialectCall(`RELEASE SAVEPOINT ${sp.savepointName}`, (d) =>
      this.dialect.doReleaseSavepoint(d, sp.savepointName),
    );
    this.popSavepoint(sp);
  }
  /** @internal */
  async _rollbackToSavepoint(sp: NestedTransaction): Promise<void> {
    this.checkUsable();
    this.engine._log.info(`ROLLBACK TO SAVEPOINT ${sp.savepointName}`);
    await this.dialectCall(`ROLLBACK TO SAVEPOINT ${sp.savepointName}`, (d) =>
      this.dialect.doRollbackToSavepoint(d, sp.savepointName),
    );
    this.popSavepoint(sp);
  }
  /** Ends a savepoint and every savepoint begun inside it. */
  private popSavepoint(sp: NestedTransaction): void {
    const i = this.nested.indexOf(sp);
    if (i === -1) return;
    for (const inner of this.nested.slice(i)) inner.isActive = false;
    this.nested.length = i;
  }

  // ---- isolation ----

  /**
   * Sets options for this connection; `isolationLevel` applies from the next transaction and is
   * reset when the connection goes back to the pool. Returns the connection.
   * @example await conn.executionOptions({ isolationLevel: "SERIALIZABLE" }).execute(stmt)
   */
  executionOptions(options: ExecutionOptions): this {
    this.checkOpen();
    if (options.isolationLevel !== undefined) {
      if (this.inTransaction()) {
        throw new InvalidRequestError(
          "This connection has already begun a transaction (explicitly or by autobegin); its isolation level " +
            "can't be changed until commit() or rollback() is called.",
          "ATH-ISOLATION",
        );
      }
      this.pendingIsolation = normalizeIsolationLevel(options.isolationLevel);
    }
    return this;
  }

  /** The isolation level the database reports for this connection ("AUTOCOMMIT" when in that mode). */
  async getIsolationLevel(): Promise<IsolationLevel> {
    this.checkUsable();
    await this.applyIsolation();
    try {
      return await this.dialect.getIsolationLevel(this.record.driver);
    } catch (err) {
      throw this.wrapError(err, null, null);
    }
  }

  private async applyIsolation(): Promise<void> {
    const level = this.pendingIsolation;
    if (level === null) return;
    this.pendingIsolation = null;
    await this.dialectCall(null, (d) => this.dialect.setIsolationLevel(d, level));
    this.record.info.isolationChanged = true;
  }

  // ---- lifecycle ----

  /** Rolls back what was not committed and returns the connection to the pool. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.doClose();
    return this.closing;
  }
  private async doClose(): Promise<void> {
    try {
      if (this.activeStream) await this.activeStream.close().catch(() => undefined);
      if (this.transaction?.isActive)
        await this._rollbackRoot(this.transaction, false).catch(() => (this.record.invalidated = true));
    } finally {
      this.closed = true;
      if (!this.released) {
        this.released = true;
        await this.record.pool.checkin(this.record);
      }
    }
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Discards the underlying driver connection; the next use (after rollback) gets a fresh one. */
  async invalidate(): Promise<void> {
    this.checkOpen();
    this.markInvalid();
    if (!this.inTransaction()) await this.reconnect();
  }

  private markInvalid(): void {
    this.invalidated = true;
    this.record.invalidated = true;
  }
  private async reconnect(): Promise<void> {
    if (!this.released) {
      this.released = true;
      await this.record.pool.checkin(this.record);
    }
    // If this fails (server still down) the connection stays invalidated and retries next time.
    this.record = await this.engine._checkout();
    this.released = false;
    this.invalidated = false;
  }

  private checkOpen(): void {
    if (this.closed || this.closing)
      throw new ResourceClosedError("This Connection is closed. Get a new one with engine.connect().");
  }
  private checkNotStreaming(): void {
    if (this.activeStream) {
      throw new InvalidRequestError(
        "This connection is busy streaming a result. Consume it fully or call close() on it before running another statement.",
        "ATH-STREAM-BUSY",
      );
    }
  }
  private checkUsable(): void {
    this.checkOpen();
    this.checkNotStreaming();
    if (this.invalidated && this.inTransaction()) {
      throw new InvalidRequestError(
        "Can't reconnect until the invalid transaction is rolled back: the database connection was lost. Call rollback() first.",
        "ATH-TX-INVALID",
      );
    }
  }

  /** Runs a dialect transaction/setup call, translating driver errors. */
  private async dialectCall(
    statement: string | null,
    fn: (d: DriverConnection) => Promise<void>,
  ): Promise<void> {
    try {
      await fn(this.record.driver);
    } catch (err) {
      throw this.wrapError(err, statement, null);
    }
  }

  /** Translates a driver error; a disconnect invalidates the connection. */
  private wrapError(err: unknown, sql: string | null, params: unknown): Error {
    if (err instanceof AthanorError) return err;
    const e = this.dialect.translateError(err, sql, params);
    if (e.connectionInvalidated || this.record.driver.broken) this.markInvalid();
    return e;
  }
}
