/**
 * A connection checked out of the engine's pool (SQLAlchemy 2.0: `engine/base.py` Connection).
 * The first statement begins a transaction (autobegin); it lasts until `commit()` or
 * `rollback()`. Closing the connection rolls back what was not committed and returns it to the pool.
 *
 * DEFERRED BEGIN. At READ COMMITTED (PostgreSQL's default; MySQL when configured so) every
 * statement reads its own snapshot, so a leading plain read (`CompiledStatement.plainRead`: a
 * SELECT that locks nothing and calls nothing with side effects) sees the same data outside a
 * transaction as inside one. Autobegin then sends no BEGIN until a statement that needs the
 * transaction comes (a write, a locking read, text(), a SAVEPOINT, a stream); if none comes,
 * COMMIT / ROLLBACK send nothing. A lone lookup costs one round trip instead of three, as with
 * the raw driver. Not done at REPEATABLE READ or SERIALIZABLE (the first read fixes the
 * transaction's snapshot), nor on SQLite (serializable; its BEGIN costs no round trip), nor after
 * explicit `begin()`. What still differs: the table locks a read takes (PostgreSQL's ACCESS
 * SHARE) end with the statement, so DDL of another session may run between two such reads.
 * The level is the one the engine set or read at connect; after SQL the engine can't see into
 * (text(), execDriverSql, pool listeners' SQL) it is read from the session again first.
 * (psycopg always sends BEGIN; PyMySQL/pysqlite start transactions implicitly; the Node peers
 * run single statements in autocommit.)
 *
 * @example
 * await using conn = await engine.connect();
 * await conn.execute(insert(users).values({ name: "ann" }));
 * await conn.commit();
 */
import type { Dialect, IsolationLevel } from "../dialects/base/dialect.js";
import type { DriverConnection, DriverResult } from "../dialects/base/driver.js";
import type { Compilable } from "../sql/visitor.js";
import { ArgumentError, InvalidRequestError, ResourceClosedError } from "../util/errors.js";
import type { Engine } from "./engine.js";
import type { CursorParameters, EventStatement } from "./events/engine-events.js";
import {
  fireAfterCursorExecute,
  fireAfterExecute,
  fireBeforeExecute,
  prepareCursorCall,
  type CursorCall,
  type GivenParams,
} from "./events/execution-events.js";
import { handleDbapiError } from "./events/handle-error.js";
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
import { planManyValues, runManyValues } from "./insertmanyvalues.js";
import type { CompiledStatement } from "../sql/compiled.js";
import { Insert } from "../sql/dml.js";
import type { PooledConnection } from "./pool/record.js";
import { Result, RowBuffer, type ResultMeta } from "./result.js";
import { keepShapes } from "../util/shapes.js";
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
  /** Rows per batched executemany INSERT on this connection (overrides the engine's `insertmanyvaluesPageSize`). */
  insertmanyvaluesPageSize?: number;
}

export interface StreamOptions {
  /** Rows fetched from the server per round trip (default 1000; SQLAlchemy: `yield_per`). */
  batchSize?: number;
}

const EMPTY_KEYS: readonly string[] = [];
const NO_OPTIONS: Readonly<ExecutionOptions> = Object.freeze({});

export class Connection implements TransactionHost {
  private transaction: RootTransaction | null = null;
  private beginning: Promise<void> | null = null;
  /** The root transaction began without sending BEGIN (see DEFERRED BEGIN above). */
  private beginDeferred = false;
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
  /** Options set with executionOptions(), as passed to execution events. */
  private options: Readonly<ExecutionOptions> = NO_OPTIONS;

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
  /** True once the driver connection was lost or `invalidate()`d, until the reconnect (SQLAlchemy: `invalidated`). */
  get isInvalidated(): boolean {
    return this.invalidated;
  }
  /**
   * Free-form state of the underlying pooled connection (SQLAlchemy: `Connection.info`): the
   * same object pool listeners see as `connectionRecord.info`.
   */
  get info(): Record<string, unknown> {
    return this.record.info;
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
    checkStatement(stmt);
    const events = this.engine.dispatch;
    let statement: Executable = stmt;
    if (events.has("beforeExecute")) {
      const r = await fireBeforeExecute(this.engine, this, stmt, params, false, this.options);
      statement = checkStatement(r.statement);
      params = r.params as Params | readonly Params[] | undefined;
    }
    const many = Array.isArray(params) && params.length > 1;
    const first: Params | undefined = Array.isArray(params) ? params[0] : (params as Params | undefined);
    const { plan, cached } = this.engine.compileCached(
      statement,
      paramKeysFor(statement, first),
      !many && this.wantsImplicitReturning(statement),
    );
    const begun = this.autobegin(plan.compiled);
    if (begun !== undefined) await begun;
    const isInsert = plan.compiled.kind === "insert";
    const raw = isInsert && !many ? new Array<unknown>(plan.compiled.binds.length) : undefined;
    const values: CursorParameters = many
      ? (params as readonly Params[]).map((p) => assembleParams(plan, p))
      : assembleParams(plan, first, raw);
    const dr =
      many && plan.compiled.manyValues !== undefined
        ? await this.runInsertManyValues(statement, plan, params as readonly Params[], values, cached)
        : await this.runOnDriver(plan.compiled, plan.compiled.sql, values, many, plan, cached);
    const result = this.buildResult(statement, plan, dr, many, first, raw ?? null);
    if (events.has("afterExecute"))
      await fireAfterExecute(this.engine, this, statement, params, false, this.options, result);
    return result as Result<RowOfStatement<S>, ScalarOfStatement<S>>;
  }

  /** An executemany INSERT as multi-row pages where that changes nothing observable (insertmanyvalues.ts). */
  private runInsertManyValues(
    statement: Executable,
    plan: ExecutionPlan,
    sets: readonly Params[],
    values: CursorParameters,
    cached: boolean,
  ): Promise<DriverResult> {
    const caps = this.engine.dialect.capabilities;
    const batch = planManyValues(plan, sets, (statement as Insert).table, {
      pageSize: this.options.insertmanyvaluesPageSize ?? this.engine.insertmanyvaluesPageSize,
      maxParameters: caps.maxBindParameters,
      lastRowId: caps.lastrowidIsLastOfMany,
    });
    if (batch === null) return this.runOnDriver(plan.compiled, plan.compiled.sql, values, true, plan, cached);
    return runManyValues(batch, plan, values as readonly (readonly unknown[])[], (sql, v, page, pages) =>
      this.runOnDriver(plan.compiled, sql, v, false, plan, cached, `[insertmanyvalues ${page}/${pages}]`),
    );
  }

  /**
   * Sends SQL text and values to the driver: `beforeCursorExecute` (which may replace them),
   * the statement log, the driver call, `afterCursorExecute`; driver errors go through
   * `handleError` and invalidate the connection on a disconnect.
   */
  private async runOnDriver(
    compiled: CompiledStatement | null,
    sql: string,
    values: CursorParameters,
    many: boolean,
    plan: ExecutionPlan | null,
    cached: boolean,
    note?: string,
  ): Promise<DriverResult> {
    const d = this.engine.dispatch;
    let call: CursorCall | null = null;
    if (d.has("beforeCursorExecute") || d.has("afterCursorExecute") || d.has("handleError")) {
      call = await prepareCursorCall(
        this.engine,
        this,
        () => this.record.dbapiConnection,
        compiled,
        sql,
        values,
        many,
        this.options,
      );
      sql = call.sql;
      values = call.params;
    }
    this.engine._log.statement(sql, values, cached, many, note);
    const driver = this.record.driver;
    // SQL the engine can't see into may have changed the session's isolation level.
    if (compiled === null || compiled.opaque === true) this.record.sessionIsolation = null;
    let dr: DriverResult;
    try {
      dr = many
        ? await driver.executeMany(sql, values as readonly (readonly unknown[])[], plan?.driverOptions)
        : await driver.execute(sql, values as readonly unknown[], plan?.driverOptions);
    } catch (err) {
      throw await this.handleError(err, sql, values, call);
    }
    if (call !== null)
      await fireAfterCursorExecute(this.engine, this, this.record.dbapiConnection, call, many);
    return dr;
  }

  /**
   * A single-row INSERT on a database whose driver reports no new row id gets `RETURNING <pk>`
   * added, so `insertedPrimaryKey` is known (SQLAlchemy: `implicit_returning`).
   */
  private wantsImplicitReturning(stmt: unknown): boolean {
    const caps = this.engine.dialect.capabilities;
    if (caps.postfetchLastrowid || !caps.supportsInsertReturning) return false;
    return stmt instanceof Insert && stmt._returning.length === 0;
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
      processRows(dr.rows, resultPlan);
      // Rows of an implicit RETURNING only serve insertedPrimaryKey.
      returnsRows = plan!.compiled.implicitReturning !== true;
    } else {
      const columns = dr.columns;
      returnsRows = columns !== null;
      keys = columns ? keysFromDriverColumns(columns) : EMPTY_KEYS;
    }
    if (returnsRows) this.engine._log.rows(keys, dr.rows);
    const buffer = new RowBuffer(dr.rows, returnsRows);
    return new Result(buffer, keys, new ExecutionFacts(stmt, plan, dr, many, first, raw, keys));
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
    const events = this.engine.dispatch;
    if (events.has("beforeExecute")) {
      const r = await fireBeforeExecute(this.engine, this, sql, params, true, this.options);
      if (typeof r.statement !== "string")
        throw new ArgumentError(
          "A beforeExecute listener must return SQL text for execDriverSql().",
          "ATH-EVENT",
        );
      sql = r.statement;
      params = (r.params ?? []) as readonly unknown[];
    }
    await this.autobegin(null);
    const dr = await this.runOnDriver(null, sql, params, false, null, false);
    const result = this.buildResult(null, null, dr, false, undefined, null);
    if (events.has("afterExecute"))
      await fireAfterExecute(this.engine, this, sql, params, true, this.options, result);
    return result;
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
    const events = this.engine.dispatch;
    let statement: Executable = stmt;
    let given: GivenParams = params;
    if (events.has("beforeExecute")) {
      const r = await fireBeforeExecute(this.engine, this, stmt, params, false, this.options);
      statement = checkStatement(r.statement);
      given = r.params;
    }
    const single = (Array.isArray(given) ? given[0] : given) as Params | undefined;
    const { plan, cached } = this.engine.compileCached(statement, paramKeysFor(statement, single));
    await this.autobegin(null);
    let sql = plan.compiled.sql;
    let values: CursorParameters = assembleParams(plan, single);
    let call: CursorCall | null = null;
    if (events.has("beforeCursorExecute") || events.has("afterCursorExecute") || events.has("handleError")) {
      call = await prepareCursorCall(
        this.engine,
        this,
        () => this.record.dbapiConnection,
        plan.compiled,
        sql,
        values,
        false,
        this.options,
      );
      sql = call.sql;
      values = call.params;
    }
    this.engine._log.statement(sql, values, cached, false);
    if (plan.compiled.opaque === true) this.record.sessionIsolation = null;
    const { source, keys } = await openStream(
      this.record.driver.stream(sql, values as readonly unknown[], batchSize, plan.driverOptions),
      plan.resultPlan,
      {
        wrapError: (err) => this.handleError(err, sql, values, call),
        onEnd: (src) => {
          if (this.activeStream === src) this.activeStream = null;
        },
      },
    );
    this.activeStream = source;
    if (call !== null)
      await fireAfterCursorExecute(this.engine, this, this.record.dbapiConnection, call, false);
    const result = new StreamResult<RowOfStatement<S>, ScalarOfStatement<S>>(source, keys);
    if (events.has("afterExecute"))
      await fireAfterExecute(this.engine, this, statement, given, false, this.options, result);
    return result;
  }

  /** Whether a table (or view) exists, as seen by this connection (used by MetaData.createAll). */
  async hasTable(name: string, schema?: string | null): Promise<boolean> {
    this.checkUsable();
    if (this.invalidated) await this.reconnect();
    try {
      return await this.dialect.hasTable(this.record.driver, name, schema ?? null);
    } catch (err) {
      throw await this.handleError(err, null, null, null);
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
    await this.autobegin(null);
    const name = `sa_savepoint_${++this.savepointSeq}`;
    const sp = new NestedTransaction(this, name);
    if (this.engine.dispatch.has("savepoint")) await this.engine.dispatch.fire("savepoint", this, name);
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

  /**
   * Begins the root transaction if none is active, or sends a deferred BEGIN when `first` (the
   * statement about to run; null for anything else) needs it. Undefined when nothing is to wait for.
   */
  private autobegin(first: CompiledStatement | null): Promise<void> | undefined {
    const current = this.transaction;
    if (current !== null && current.isActive) {
      if (this.beginning !== null) return this.beginning;
      if (this.beginDeferred && !this.mayReadOutside(first)) return this.sendDeferredBegin(current);
      return undefined;
    }
    if (
      this.invalidated ||
      this.pendingIsolation !== null ||
      this.engine.dispatch.has("begin") ||
      (first?.plainRead === true && this.record.sessionIsolation === null)
    )
      return this.startRoot(true, first).then(() => undefined);
    // The common case, without the event and isolation steps of startRoot().
    const tx = new RootTransaction(this, true);
    this.transaction = tx;
    if (this.record.driver.autocommit) {
      this.engine._log.info("BEGIN (implicit; autocommit mode, no BEGIN sent)");
      return undefined;
    }
    if (this.mayReadOutside(first)) {
      this.beginDeferred = true;
      this.engine._log.info("BEGIN (implicit; deferred until a statement needs it)");
      return undefined;
    }
    this.engine._log.info("BEGIN (implicit)");
    return this.sendBegin(tx);
  }

  /** Whether `stmt` may run before BEGIN is sent (see DEFERRED BEGIN in the module comment). */
  private mayReadOutside(stmt: CompiledStatement | null): boolean {
    if (stmt === null || stmt.plainRead !== true) return false;
    const record = this.record;
    if (record.driver.autocommit || !this.dialect.capabilities.plainReadsOutsideTransaction) return false;
    const level = this.engine._sessionIsolation(record);
    return level === "READ COMMITTED" || level === "READ UNCOMMITTED";
  }

  private sendDeferredBegin(tx: RootTransaction): Promise<void> {
    this.beginDeferred = false;
    this.engine._log.info("BEGIN (implicit)");
    return this.sendBegin(tx);
  }

  /** Sends BEGIN for `tx`; on failure the transaction is over and the error is translated. */
  private sendBegin(tx: RootTransaction): Promise<void> {
    let sent: Promise<void>;
    try {
      sent = this.dialect.doBegin(this.record.driver);
    } catch (err) {
      sent = Promise.reject(err);
    }
    return (this.beginning = sent.then(
      () => {
        this.beginning = null;
        this.record.transactionOpen = true;
      },
      async (err: unknown) => {
        this.beginning = null;
        tx.isActive = false;
        if (this.transaction === tx) this.transaction = null;
        throw await this.handleError(err, "BEGIN", null, null);
      },
    ));
  }

  private async startRoot(
    implicit: boolean,
    first: CompiledStatement | null = null,
  ): Promise<RootTransaction> {
    if (this.invalidated) await this.reconnect();
    const tx = new RootTransaction(this, implicit);
    this.transaction = tx;
    const begin = async () => {
      if (this.engine.dispatch.has("begin")) await this.engine.dispatch.fire("begin", this);
      await this.applyIsolation();
      const driver = this.record.driver;
      if (driver.autocommit) {
        this.engine._log.info("BEGIN (implicit; autocommit mode, no BEGIN sent)");
        return;
      }
      if (implicit && first?.plainRead === true && this.record.sessionIsolation === null) {
        // SQL the engine couldn't see into ran here: ask the session for its level again.
        await this.dialectCall(null, async (d) => {
          this.record.sessionIsolation = await this.dialect.getIsolationLevel(d);
        });
      }
      if (implicit && this.mayReadOutside(first)) {
        this.beginDeferred = true;
        this.engine._log.info("BEGIN (implicit; deferred until a statement needs it)");
        return;
      }
      this.engine._log.info("BEGIN (implicit)");
      await this.dialectCall("BEGIN", (d) => this.dialect.doBegin(d));
      this.record.transactionOpen = true;
    };
    this.beginning = begin();
    try {
      await this.beginning;
    } catch (err) {
      tx.isActive = false;
      this.transaction = null;
      this.beginDeferred = false;
      throw err;
    } finally {
      this.beginning = null;
    }
    return tx;
  }

  private endRoot(tx: RootTransaction): void {
    tx.isActive = false;
    this.beginDeferred = false;
    for (const sp of this.nested) sp.isActive = false;
    this.nested = [];
    if (this.transaction === tx) this.transaction = null;
    if (!this.released) this.record.transactionOpen = false;
  }

  /** @internal */
  async _commitRoot(tx: RootTransaction): Promise<void> {
    this.checkNotStreaming();
    if (this.engine.dispatch.has("commit")) await this.engine.dispatch.fire("commit", this);
    const autocommit = this.record.driver.autocommit;
    const deferred = this.beginDeferred;
    this.engine._log.info(
      autocommit
        ? "COMMIT (autocommit mode, nothing sent)"
        : deferred
          ? "COMMIT (no BEGIN was sent, nothing sent)"
          : "COMMIT",
    );
    try {
      if (!autocommit && !deferred && !this.invalidated)
        await this.dialectCall("COMMIT", (d) => this.dialect.doCommit(d));
    } catch (err) {
      // A failed COMMIT (e.g. SQLITE_BUSY) can leave the database transaction open; end it here so
      // the connection never goes back to the pool mid-transaction, and discard it if that fails too.
      if (!this.invalidated) {
        try {
          await this.dialect.doRollback(this.record.driver);
        } catch {
          this.invalidated = true;
          if (!this.released) await this.record.invalidate(err);
        }
      }
      throw err;
    } finally {
      this.endRoot(tx);
    }
  }
  /** @internal */
  async _rollbackRoot(tx: RootTransaction, reconnect = true): Promise<void> {
    if (this.activeStream) await this.activeStream.close().catch(() => undefined);
    if (this.engine.dispatch.has("rollback")) await this.engine.dispatch.fire("rollback", this);
    const autocommit = this.record.driver.autocommit;
    const deferred = this.beginDeferred;
    this.engine._log.info(
      autocommit
        ? "ROLLBACK (autocommit mode, nothing sent)"
        : deferred
          ? "ROLLBACK (no BEGIN was sent, nothing sent)"
          : "ROLLBACK",
    );
    try {
      if (!autocommit && !deferred && !this.invalidated)
        await this.dialectCall("ROLLBACK", (d) => this.dialect.doRollback(d));
    } finally {
      this.endRoot(tx);
    }
    if (this.invalidated && reconnect) await this.reconnect();
  }
  /** @internal */
  async _releaseSavepoint(sp: NestedTransaction): Promise<void> {
    this.checkUsable();
    if (this.engine.dispatch.has("releaseSavepoint"))
      await this.engine.dispatch.fire("releaseSavepoint", this, sp.savepointName, null);
    this.engine._log.info(`RELEASE SAVEPOINT ${sp.savepointName}`);
    await this.dialectCall(`RELEASE SAVEPOINT ${sp.savepointName}`, (d) =>
      this.dialect.doReleaseSavepoint(d, sp.savepointName),
    );
    this.popSavepoint(sp);
  }
  /** @internal */
  async _rollbackToSavepoint(sp: NestedTransaction): Promise<void> {
    this.checkUsable();
    if (this.engine.dispatch.has("rollbackSavepoint"))
      await this.engine.dispatch.fire("rollbackSavepoint", this, sp.savepointName, null);
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
    this.options = Object.freeze({ ...this.options, ...options });
    return this;
  }

  /** The isolation level the database reports for this connection ("AUTOCOMMIT" when in that mode). */
  async getIsolationLevel(): Promise<IsolationLevel> {
    this.checkUsable();
    if (this.invalidated) await this.reconnect();
    await this.applyIsolation();
    try {
      return await this.dialect.getIsolationLevel(this.record.driver);
    } catch (err) {
      throw await this.handleError(err, null, null, null);
    }
  }

  private async applyIsolation(): Promise<void> {
    const level = this.pendingIsolation;
    if (level === null) return;
    this.pendingIsolation = null;
    await this.dialectCall(null, (d) => this.dialect.setIsolationLevel(d, level));
    this.record.isolationChanged = true;
    this.record.sessionIsolation = level;
  }

  // ---- lifecycle ----

  /** Rolls back what was not committed and returns the connection to the pool. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.closeQuickly() ?? this.doClose();
    return this.closing;
  }
  /**
   * The common close, without the steps only streams and rollback listeners need; undefined
   * when those are needed (doClose then does everything).
   */
  private closeQuickly(): Promise<void> | undefined {
    if (this.activeStream !== null || this.invalidated || this.engine.dispatch.has("rollback"))
      return undefined;
    const tx = this.transaction;
    if (tx === null || !tx.isActive) return this.giveBack();
    const autocommit = this.record.driver.autocommit;
    if (autocommit || this.beginDeferred) {
      this.engine._log.info(
        autocommit
          ? "ROLLBACK (autocommit mode, nothing sent)"
          : "ROLLBACK (no BEGIN was sent, nothing sent)",
      );
      this.endRoot(tx);
      return this.giveBack();
    }
    this.engine._log.info("ROLLBACK");
    const record = this.record;
    let sent: Promise<void>;
    try {
      sent = this.dialect.doRollback(record.driver);
    } catch (err) {
      sent = Promise.reject(err);
    }
    return sent.then(
      () => {
        this.endRoot(tx);
        return this.giveBack();
      },
      async (err: unknown) => {
        this.endRoot(tx);
        // A ROLLBACK that fails leaves the connection in an unknown state: it is not reused.
        const wrapped = await this.handleError(err, "ROLLBACK", null, null);
        if (!this.released) await record.invalidate(wrapped).catch(() => undefined);
        return this.giveBack();
      },
    );
  }
  /** Marks the connection closed and returns its pooled connection. */
  private giveBack(): Promise<void> {
    this.closed = true;
    if (this.released) return Promise.resolve();
    this.released = true;
    return this.record.pool.checkin(this.record);
  }
  private async doClose(): Promise<void> {
    try {
      if (this.activeStream) await this.activeStream.close().catch(() => undefined);
      if (this.transaction?.isActive) {
        const record = this.record;
        // A ROLLBACK that fails leaves the connection in an unknown state: it is not reused.
        await this._rollbackRoot(this.transaction, false).catch((err: unknown) =>
          this.released ? undefined : record.invalidate(err).catch(() => undefined),
        );
      }
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

  /**
   * Discards the underlying driver connection now (the pool's `invalidate` event fires, the
   * connection is closed); outside a transaction a fresh one is checked out at once, inside one
   * after `rollback()` (SQLAlchemy: `Connection.invalidate`).
   */
  async invalidate(exception?: unknown): Promise<void> {
    this.checkOpen();
    if (!this.invalidated) {
      this.invalidated = true;
      if (!this.released) await this.record.invalidate(exception);
    }
    if (!this.inTransaction()) await this.reconnect();
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
      throw await this.handleError(err, statement, null, null);
    }
  }

  /**
   * A driver error, wrapped and shown to `handleError` listeners. On a disconnect the pool's
   * older connections are marked stale and this connection is invalidated: closed now, replaced
   * on next use (after rollback() if a transaction was open).
   */
  private async handleError(
    err: unknown,
    sql: string | null,
    params: unknown,
    call: CursorCall | null,
  ): Promise<Error> {
    const record = this.released ? null : this.record;
    const out = await handleDbapiError(this.engine, {
      err,
      connection: this,
      record,
      statement: sql,
      parameters: params,
      context: call?.context ?? null,
    });
    if (out.isDisconnect && !this.invalidated && record !== null) {
      this.invalidated = true;
      if (out.invalidatePool) record.pool._invalidate(record);
      // The error being thrown matters more than one from an invalidate listener.
      await record.invalidate(out.error).catch(() => undefined);
    }
    return out.error;
  }
}

/** The statement object execute() needs (textual SQL must be wrapped in text()). */
function checkStatement(stmt: EventStatement): Executable {
  if (typeof stmt === "string" || stmt === null || typeof (stmt as Compilable)._compile !== "function") {
    throw new ArgumentError(
      `execute() takes a statement object, got ${typeof stmt === "string" ? `the string '${String(stmt).slice(0, 60)}'` : String(stmt)}. ` +
        "Wrap textual SQL in text(): conn.execute(text('SELECT …')).",
      "ATH-EXECUTE",
    );
  }
  return stmt;
}

/** What a Result reports beside its rows; `insertedPrimaryKey` is worked out only when asked. */
class ExecutionFacts implements ResultMeta {
  readonly rowcount: number;
  readonly lastInsertId: number | bigint | null;
  constructor(
    private readonly statement: unknown,
    private readonly plan: ExecutionPlan | null,
    private readonly dr: DriverResult,
    private readonly many: boolean,
    private readonly params: Params | undefined,
    private readonly rawValues: unknown[] | null,
    private readonly keys: readonly string[],
  ) {
    this.rowcount = dr.rowCount;
    this.lastInsertId = dr.lastInsertId;
  }
  insertedPrimaryKey(): unknown[] | null {
    return insertedPrimaryKey({
      statement: this.statement,
      plan: this.plan!,
      many: this.many,
      params: this.params,
      rawValues: this.rawValues,
      keys: this.keys,
      firstRow: this.dr.rows[0],
      lastInsertId: this.dr.lastInsertId,
    });
  }
}

// Samples that keep these classes' hidden classes alive across major GCs (util/shapes.ts).
{
  const conn = new Connection(null as never, null as never);
  const buffer = new RowBuffer([[1]], true);
  const dr: DriverResult = { rows: [[1]], columns: ["k"], rowCount: 1, lastInsertId: null };
  const result = new Result(buffer, ["k"], new ExecutionFacts(null, null, dr, false, undefined, null, ["k"]));
  keepShapes(
    conn,
    new RootTransaction(conn, true),
    buffer,
    result,
    result.scalars(),
    result.mappings(),
    result.tuples(),
  );
}
