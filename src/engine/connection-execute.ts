/**
 * How a Connection (connection.ts) runs a statement once it is compiled: the driver call with
 * its cursor events and statement log, executemany INSERTs sent as multi-row pages
 * (insertmanyvalues.ts), the Result built from what the driver returned, and streams.
 * Functions taking the connection rather than methods or per-execution objects, so that the
 * hot path allocates nothing it did not before.
 */
import type { DriverResult } from "../dialects/base/driver.js";
import type { CompiledStatement } from "../sql/compiled.js";
import { Insert } from "../sql/dml.js";
import type { Compilable } from "../sql/visitor.js";
import { ArgumentError } from "../util/errors.js";
import type { Connection, StreamOptions } from "./connection.js";
import { checkUsable, handleError } from "./connection-errors.js";
import { autobegin } from "./connection-transactions.js";
import type { CursorParameters, EventStatement } from "./events/engine-events.js";
import {
  fireAfterCursorExecute,
  fireAfterExecute,
  fireBeforeExecute,
  prepareCursorCall,
  type CursorCall,
  type GivenParams,
} from "./events/execution-events.js";
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
import { Result, RowBuffer, type ResultMeta } from "./result.js";
import { openStream, StreamResult } from "./stream-result.js";

const EMPTY_KEYS: readonly string[] = [];

/** The statement object execute() needs (textual SQL must be wrapped in text()). */
export function checkStatement(stmt: EventStatement): Executable {
  if (typeof stmt === "string" || stmt === null || typeof (stmt as Compilable)._compile !== "function") {
    throw new ArgumentError(
      `execute() takes a statement object, got ${typeof stmt === "string" ? `the string '${String(stmt).slice(0, 60)}'` : String(stmt)}. ` +
        "Wrap textual SQL in text(): conn.execute(text('SELECT …')).",
      "ATH-EXECUTE",
    );
  }
  return stmt;
}

/**
 * A single-row INSERT on a database whose driver reports no new row id gets `RETURNING <pk>`
 * added, so `insertedPrimaryKey` is known (SQLAlchemy: `implicit_returning`).
 */
export function wantsImplicitReturning(conn: Connection, stmt: unknown): boolean {
  const caps = conn.engine.dialect.capabilities;
  if (caps.postfetchLastrowid || !caps.supportsInsertReturning) return false;
  return stmt instanceof Insert && stmt._returning.length === 0;
}

/** An executemany INSERT as multi-row pages where that changes nothing observable (insertmanyvalues.ts). */
export function runInsertManyValues(
  conn: Connection,
  statement: Executable,
  plan: ExecutionPlan,
  sets: readonly Params[],
  values: CursorParameters,
  cached: boolean,
): Promise<DriverResult> {
  const caps = conn.engine.dialect.capabilities;
  const batch = planManyValues(plan, sets, (statement as Insert).table, {
    pageSize: conn._options.insertmanyvaluesPageSize ?? conn.engine.insertmanyvaluesPageSize,
    maxParameters: caps.maxBindParameters,
    lastRowId: caps.lastrowidIsLastOfMany,
  });
  if (batch === null) return runOnDriver(conn, plan.compiled, plan.compiled.sql, values, true, plan, cached);
  return runManyValues(batch, plan, values as readonly (readonly unknown[])[], (sql, v, page, pages) =>
    runOnDriver(conn, plan.compiled, sql, v, false, plan, cached, `[insertmanyvalues ${page}/${pages}]`),
  );
}

/**
 * `runOnDriver` for one statement, without promise steps where the driver runs it synchronously
 * (`DriverConnection.executeNow`) and no cursor event is listened to: the DriverResult itself,
 * else a promise of it.
 */
export function runNow(
  conn: Connection,
  compiled: CompiledStatement,
  values: CursorParameters,
  plan: ExecutionPlan,
  cached: boolean,
): DriverResult | Promise<DriverResult> {
  const driver = conn._record.driver;
  const d = conn.engine.dispatch;
  if (
    driver.executeNow === undefined ||
    d.has("beforeCursorExecute") ||
    d.has("afterCursorExecute") ||
    d.has("handleError")
  )
    return runOnDriver(conn, compiled, compiled.sql, values, false, plan, cached);
  const sql = compiled.sql;
  conn.engine._log.statement(sql, values, cached, false);
  if (compiled.opaque === true) conn._record.sessionIsolation = null;
  if (compiled.plainRead !== true) conn._txWrote = true;
  try {
    return driver.executeNow(
      sql,
      values as readonly unknown[],
      cached ? plan.cachedDriverOptions : plan.driverOptions,
    );
  } catch (err) {
    return handleError(conn, err, sql, values, null).then((e) => Promise.reject(e));
  }
}

/**
 * Sends SQL text and values to the driver: `beforeCursorExecute` (which may replace them),
 * the statement log, the driver call, `afterCursorExecute`; driver errors go through
 * `handleError` and invalidate the connection on a disconnect.
 */
export async function runOnDriver(
  conn: Connection,
  compiled: CompiledStatement | null,
  sql: string,
  values: CursorParameters,
  many: boolean,
  plan: ExecutionPlan | null,
  cached: boolean,
  note?: string,
): Promise<DriverResult> {
  const d = conn.engine.dispatch;
  let call: CursorCall | null = null;
  if (d.has("beforeCursorExecute") || d.has("afterCursorExecute") || d.has("handleError")) {
    call = await prepareCursorCall(
      conn.engine,
      conn,
      () => conn._record.dbapiConnection,
      compiled,
      sql,
      values,
      many,
      conn._options,
    );
    sql = call.sql;
    values = call.params;
  }
  conn.engine._log.statement(sql, values, cached, many, note);
  const driver = conn._record.driver;
  // SQL the engine can't see into may have changed the session's isolation level.
  if (compiled === null || compiled.opaque === true) conn._record.sessionIsolation = null;
  if (compiled === null || compiled.plainRead !== true) conn._txWrote = true;
  const options = plan === null ? undefined : cached ? plan.cachedDriverOptions : plan.driverOptions;
  let dr: DriverResult;
  try {
    dr = many
      ? await driver.executeMany(sql, values as readonly (readonly unknown[])[], options)
      : await driver.execute(sql, values as readonly unknown[], options);
  } catch (err) {
    throw await handleError(conn, err, sql, values, call);
  }
  if (call !== null)
    await fireAfterCursorExecute(conn.engine, conn, conn._record.dbapiConnection, call, many);
  return dr;
}

/** The Result of a driver call: rows processed by the plan's result processors, keys, execution facts. */
export function buildResult(
  conn: Connection,
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
  if (returnsRows) conn.engine._log.rows(keys, dr.rows);
  const buffer = new RowBuffer(dr.rows, returnsRows);
  return new Result(buffer, keys, new ExecutionFacts(stmt, plan, dr, many, first, raw, keys));
}

/** What a Result reports beside its rows; `insertedPrimaryKey` is worked out only when asked. */
export class ExecutionFacts implements ResultMeta {
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

/** `conn.stream()`: the statement compiled and sent, its rows read from the driver in batches. */
export async function openStreamResult<S extends Executable>(
  conn: Connection,
  stmt: S,
  params: Params | undefined,
  options: StreamOptions,
): Promise<StreamResult<RowOfStatement<S>, ScalarOfStatement<S>>> {
  checkUsable(conn);
  const batchSize = options.batchSize ?? 1000;
  if (!(batchSize >= 1))
    throw new ArgumentError(`stream() batchSize must be at least 1, got ${batchSize}.`, "ATH-ARG");
  const events = conn.engine.dispatch;
  let statement: Executable = stmt;
  let given: GivenParams = params;
  if (events.has("beforeExecute")) {
    const r = await fireBeforeExecute(conn.engine, conn, stmt, params, false, conn._options);
    statement = checkStatement(r.statement);
    given = r.params;
  }
  const single = (Array.isArray(given) ? given[0] : given) as Params | undefined;
  const { plan, cached } = conn.engine.compileCached(statement, paramKeysFor(statement, single));
  await autobegin(conn, null);
  conn._txWrote = true;
  let sql = plan.compiled.sql;
  let values: CursorParameters = assembleParams(plan, single);
  let call: CursorCall | null = null;
  if (events.has("beforeCursorExecute") || events.has("afterCursorExecute") || events.has("handleError")) {
    call = await prepareCursorCall(
      conn.engine,
      conn,
      () => conn._record.dbapiConnection,
      plan.compiled,
      sql,
      values,
      false,
      conn._options,
    );
    sql = call.sql;
    values = call.params;
  }
  conn.engine._log.statement(sql, values, cached, false);
  if (plan.compiled.opaque === true) conn._record.sessionIsolation = null;
  const { source, keys } = await openStream(
    conn._record.driver.stream(sql, values as readonly unknown[], batchSize, plan.driverOptions),
    plan.resultPlan,
    {
      wrapError: (err) => handleError(conn, err, sql, values, call),
      onEnd: (src) => {
        if (conn._activeStream === src) conn._activeStream = null;
      },
    },
  );
  conn._activeStream = source;
  if (call !== null)
    await fireAfterCursorExecute(conn.engine, conn, conn._record.dbapiConnection, call, false);
  const result = new StreamResult<RowOfStatement<S>, ScalarOfStatement<S>>(source, keys);
  if (events.has("afterExecute"))
    await fireAfterExecute(conn.engine, conn, statement, given, false, conn._options, result);
  return result;
}
