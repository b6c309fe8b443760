/**
 * A connection checked out of the engine's pool (SQLAlchemy 2.0: `engine/base.py` Connection).
 * The first statement begins a transaction (autobegin); it lasts until `commit()` or
 * `rollback()`. Closing the connection rolls back what was not committed and returns it to the pool.
 * A leading plain read at READ COMMITTED may run before BEGIN is sent: see DEFERRED BEGIN in
 * connection-transactions.ts.
 *
 * The class holds the connection's state and its public methods; the work is done by functions
 * taking the connection, in connection-execute.ts (driver calls, results, streams),
 * connection-transactions.ts (BEGIN, COMMIT, ROLLBACK, SAVEPOINTs, isolation, the rollback on
 * close) and connection-errors.ts (guards, driver errors, reconnect).
 *
 * @example
 * await using conn = await engine.connect();
 * await conn.execute(insert(users).values({ name: "ann" }));
 * await conn.commit();
 */
import type { Dialect, IsolationLevel } from "../dialects/base/dialect.js";
import type { DriverResult } from "../dialects/base/driver.js";
import { ArgumentError, InvalidRequestError } from "../util/errors.js";
import { keepShapes } from "../util/shapes.js";
import type { Engine } from "./engine.js";
import { checkOpen, checkUsable, handleError, reconnect } from "./connection-errors.js";
import {
  buildResult,
  checkStatement,
  ExecutionFacts,
  openStreamResult,
  runInsertManyValues,
  runNow,
  runOnDriver,
  wantsImplicitReturning,
} from "./connection-execute.js";
import {
  applyIsolation,
  autobegin,
  beginSavepoint,
  closeFully,
  closeQuickly,
  commitRoot,
  releaseSavepoint,
  rollbackRoot,
  rollbackToSavepoint,
  startRoot,
} from "./connection-transactions.js";
import type { CursorParameters } from "./events/engine-events.js";
import { fireAfterExecute, fireBeforeExecute } from "./events/execution-events.js";
import {
  assembleParams,
  paramKeysFor,
  type Executable,
  type Params,
  type RowOfStatement,
  type ScalarOfStatement,
} from "./execution.js";
import type { PooledConnection } from "./pool/record.js";
import { Result, RowBuffer } from "./result.js";
import type { BatchSource, StreamResult } from "./stream-result.js";
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

const NO_OPTIONS: Readonly<ExecutionOptions> = Object.freeze({});

export class Connection implements TransactionHost {
  // State shared with the connection-*.ts modules (@internal: not part of the published types).
  /** @internal The root transaction, begun explicitly or by autobegin. */
  _transaction: RootTransaction | null = null;
  /** @internal A BEGIN being sent; statements that follow wait for it. */
  _beginning: Promise<void> | null = null;
  /** @internal The root transaction began without sending BEGIN (see DEFERRED BEGIN in connection-transactions.ts). */
  _beginDeferred = false;
  /**
   * @internal Something other than plain reads ran in the root transaction (a write, a locking
   * read, text(), a SAVEPOINT, a stream), so the ROLLBACK of close() is awaited; after plain
   * reads only it is left to the pool's reset on return (connection-transactions.ts, closeQuickly).
   */
  _txWrote = false;
  /** @internal SAVEPOINTs in progress, outermost first. */
  _nested: NestedTransaction[] = [];
  /** @internal */
  _savepointSeq = 0;
  /** @internal The isolation level set with executionOptions(), applied before the next BEGIN. */
  _pendingIsolation: IsolationLevel | null = null;
  /** @internal */
  _closed = false;
  /** @internal */
  _closing: Promise<void> | null = null;
  /** @internal The stream being read; nothing else runs on the connection meanwhile. */
  _activeStream: BatchSource | null = null;
  /** @internal True once `_record` went back to the pool (closed, or given up for a reconnect that failed). */
  _released = false;
  /** @internal True after the driver connection was lost; cleared by the reconnect after rollback(). */
  _invalidated = false;
  /** @internal Options set with executionOptions(), as passed to execution events. */
  _options: Readonly<ExecutionOptions> = NO_OPTIONS;

  /** @internal */
  constructor(
    readonly engine: Engine,
    /** @internal The pooled connection in use; replaced by a reconnect. */
    public _record: PooledConnection,
  ) {}

  get dialect(): Dialect {
    return this.engine.dialect;
  }
  /** The driver's own connection object (SQLAlchemy: `connection.driver_connection`). */
  get driverConnection(): unknown {
    return this._record.driver.native;
  }
  get isClosed(): boolean {
    return this._closed;
  }
  /** True once the driver connection was lost or `invalidate()`d, until the reconnect (SQLAlchemy: `invalidated`). */
  get isInvalidated(): boolean {
    return this._invalidated;
  }
  /**
   * Free-form state of the underlying pooled connection (SQLAlchemy: `Connection.info`): the
   * same object pool listeners see as `connectionRecord.info`.
   */
  get info(): Record<string, unknown> {
    return this._record.info;
  }
  /** Whether a transaction (begun explicitly or by autobegin) is in progress. */
  inTransaction(): boolean {
    return this._transaction !== null && this._transaction.isActive;
  }
  /** Whether a SAVEPOINT is in progress. */
  inNestedTransaction(): boolean {
    return this._nested.length > 0;
  }
  /** The current root transaction, or null. */
  getTransaction(): RootTransaction | null {
    return this.inTransaction() ? this._transaction : null;
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
    checkUsable(this);
    checkStatement(stmt);
    const events = this.engine.dispatch;
    let statement: Executable = stmt;
    if (events.has("beforeExecute")) {
      const r = await fireBeforeExecute(this.engine, this, stmt, params, false, this._options);
      statement = checkStatement(r.statement);
      params = r.params as Params | readonly Params[] | undefined;
    }
    const many = Array.isArray(params) && params.length > 1;
    const first: Params | undefined = Array.isArray(params) ? params[0] : (params as Params | undefined);
    const { plan, cached } = this.engine.compileCached(
      statement,
      paramKeysFor(statement, first),
      !many && wantsImplicitReturning(this, statement),
    );
    const begun = autobegin(this, plan.compiled);
    if (begun !== undefined) await begun;
    const isInsert = plan.compiled.kind === "insert";
    const raw = isInsert && !many ? new Array<unknown>(plan.bindProcessors.length) : undefined;
    const values: CursorParameters = many
      ? (params as readonly Params[]).map((p) => assembleParams(plan, p))
      : assembleParams(plan, first, raw);
    let dr: DriverResult;
    if (!many) {
      const out = runNow(this, plan.compiled, values, plan, cached);
      dr = out instanceof Promise ? await out : out;
    } else if (plan.compiled.manyValues !== undefined) {
      dr = await runInsertManyValues(this, statement, plan, params as readonly Params[], values, cached);
    } else {
      dr = await runOnDriver(this, plan.compiled, plan.compiled.sql, values, many, plan, cached);
    }
    const result = buildResult(this, statement, plan, dr, many, first, raw ?? null);
    if (events.has("afterExecute"))
      await fireAfterExecute(this.engine, this, statement, params, false, this._options, result);
    return result as Result<RowOfStatement<S>, ScalarOfStatement<S>>;
  }

  /**
   * Runs SQL text in the driver's own parameter style (`?` or `$1`), without compiling
   * (SQLAlchemy: `exec_driver_sql`). Values are still sent separately, never spliced in.
   */
  async execDriverSql(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<Result<Record<string, unknown>>> {
    checkUsable(this);
    const events = this.engine.dispatch;
    if (events.has("beforeExecute")) {
      const r = await fireBeforeExecute(this.engine, this, sql, params, true, this._options);
      if (typeof r.statement !== "string")
        throw new ArgumentError(
          "A beforeExecute listener must return SQL text for execDriverSql().",
          "ATH-EVENT",
        );
      sql = r.statement;
      params = (r.params ?? []) as readonly unknown[];
    }
    await autobegin(this, null);
    const dr = await runOnDriver(this, null, sql, params, false, null, false);
    const result = buildResult(this, null, null, dr, false, undefined, null);
    if (events.has("afterExecute"))
      await fireAfterExecute(this.engine, this, sql, params, true, this._options, result);
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
  stream<S extends Executable>(
    stmt: S,
    params?: Params,
    options: StreamOptions = {},
  ): Promise<StreamResult<RowOfStatement<S>, ScalarOfStatement<S>>> {
    return openStreamResult(this, stmt, params, options);
  }

  /** Whether a table (or view) exists, as seen by this connection (used by MetaData.createAll). */
  async hasTable(name: string, schema?: string | null): Promise<boolean> {
    checkUsable(this);
    if (this._invalidated) await reconnect(this);
    try {
      return await this.dialect.hasTable(this._record.driver, name, schema ?? null);
    } catch (err) {
      throw await handleError(this, err, null, null, null);
    }
  }

  // ---- transactions (connection-transactions.ts) ----

  /** Begins a transaction explicitly; fails if one is already in progress (autobegun included). */
  async begin(): Promise<RootTransaction> {
    checkUsable(this);
    if (this.inTransaction()) {
      throw new InvalidRequestError(
        "A transaction is already begun on this Connection (explicitly or by autobegin). " +
          "Call commit() or rollback() first, or use beginNested() for a SAVEPOINT.",
        "ATH-TX-BEGUN",
      );
    }
    return startRoot(this, false);
  }

  /** Begins a SAVEPOINT, autobeginning the outer transaction if needed. */
  beginNested(): Promise<NestedTransaction> {
    return beginSavepoint(this);
  }

  /** Commits the current transaction, if any (SAVEPOINTs within it are released with it). */
  async commit(): Promise<void> {
    checkOpen(this);
    if (this._transaction?.isActive) await commitRoot(this, this._transaction);
  }
  /** Rolls back the current transaction, if any. */
  async rollback(): Promise<void> {
    checkOpen(this);
    if (this._transaction?.isActive) await rollbackRoot(this, this._transaction, true);
    else if (this._invalidated) await reconnect(this);
  }

  /** @internal */
  _commitRoot(tx: RootTransaction): Promise<void> {
    return commitRoot(this, tx);
  }
  /** @internal */
  _rollbackRoot(tx: RootTransaction, reconnectAfter = true): Promise<void> {
    return rollbackRoot(this, tx, reconnectAfter);
  }
  /** @internal */
  _releaseSavepoint(sp: NestedTransaction): Promise<void> {
    return releaseSavepoint(this, sp);
  }
  /** @internal */
  _rollbackToSavepoint(sp: NestedTransaction): Promise<void> {
    return rollbackToSavepoint(this, sp);
  }

  // ---- isolation ----

  /**
   * Sets options for this connection; `isolationLevel` applies from the next transaction and is
   * reset when the connection goes back to the pool. Returns the connection.
   * @example await conn.executionOptions({ isolationLevel: "SERIALIZABLE" }).execute(stmt)
   */
  executionOptions(options: ExecutionOptions): this {
    checkOpen(this);
    if (options.isolationLevel !== undefined) {
      if (this.inTransaction()) {
        throw new InvalidRequestError(
          "This connection has already begun a transaction (explicitly or by autobegin); its isolation level " +
            "can't be changed until commit() or rollback() is called.",
          "ATH-ISOLATION",
        );
      }
      this._pendingIsolation = normalizeIsolationLevel(options.isolationLevel);
    }
    this._options = Object.freeze({ ...this._options, ...options });
    return this;
  }

  /** The isolation level the database reports for this connection ("AUTOCOMMIT" when in that mode). */
  async getIsolationLevel(): Promise<IsolationLevel> {
    checkUsable(this);
    if (this._invalidated) await reconnect(this);
    await applyIsolation(this);
    try {
      return await this.dialect.getIsolationLevel(this._record.driver);
    } catch (err) {
      throw await handleError(this, err, null, null, null);
    }
  }

  // ---- lifecycle ----

  /** Rolls back what was not committed and returns the connection to the pool. Idempotent. */
  close(): Promise<void> {
    this._closing ??= closeQuickly(this) ?? closeFully(this);
    return this._closing;
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
    checkOpen(this);
    if (!this._invalidated) {
      this._invalidated = true;
      if (!this._released) await this._record.invalidate(exception);
    }
    if (!this.inTransaction()) await reconnect(this);
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
