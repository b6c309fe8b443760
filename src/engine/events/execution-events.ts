/**
 * Firing the execution events of a Connection (SQLAlchemy: `_invoke_before_exec_event`,
 * `_cursor_execute` with its before/after_cursor_execute). Kept apart from connection.ts so the
 * hot path there reads as one check per event kind.
 */
import type { CompiledStatement } from "../../sql/compiled.js";
import type { Connection, ExecutionOptions } from "../connection.js";
import type { Engine } from "../engine.js";
import type { DbapiConnection } from "../pool/dbapi.js";
import type { Result } from "../result.js";
import type { StreamResult } from "../stream-result.js";
import type { CursorParameters, EventParams, EventStatement, ExecutionContext } from "./engine-events.js";

/** What execute() was given: one parameter set, several (executemany), or none. */
export type GivenParams = EventParams | readonly EventParams[] | undefined;

const NO_PARAMS: EventParams = Object.freeze({});
const NO_MULTI: readonly EventParams[] = Object.freeze([]);

/** SQLAlchemy's split: several sets go in `multiparams` (and `params` is empty), one set in `params`. */
function distill(params: GivenParams, positional: boolean): [readonly EventParams[], EventParams] {
  if (params === undefined) return [NO_MULTI, NO_PARAMS];
  if (positional || !Array.isArray(params)) return [NO_MULTI, params as EventParams];
  const sets = params as readonly EventParams[];
  if (sets.length === 1) return [NO_MULTI, sets[0]!];
  return [sets, NO_PARAMS];
}

/**
 * Runs `beforeExecute`; `retval` listeners may replace the statement and parameters.
 * `positional`: the parameters are one positional list (execDriverSql), not a list of sets.
 */
export async function fireBeforeExecute(
  engine: Engine,
  conn: Connection,
  statement: EventStatement,
  params: GivenParams,
  positional: boolean,
  options: Readonly<ExecutionOptions>,
): Promise<{ statement: EventStatement; params: GivenParams }> {
  const [multi, single] = distill(params, positional);
  let changed = false;
  const [, stmt, newMulti, newSingle] = await engine.dispatch.fireWithRetval(
    "beforeExecute",
    [conn, statement, multi, single, options],
    (args, returned) => {
      const [s, m, p] = returned as readonly [EventStatement, readonly EventParams[], EventParams];
      changed = true;
      return [args[0], s, m ?? NO_MULTI, p ?? NO_PARAMS, args[4]];
    },
  );
  if (!changed) return { statement: stmt, params };
  return { statement: stmt, params: newMulti.length > 0 ? newMulti : newSingle };
}

export async function fireAfterExecute(
  engine: Engine,
  conn: Connection,
  statement: EventStatement,
  params: GivenParams,
  positional: boolean,
  options: Readonly<ExecutionOptions>,
  result: Result<any, any> | StreamResult<any, any>,
): Promise<void> {
  const [multi, single] = distill(params, positional);
  await engine.dispatch.fire(
    "afterExecute",
    conn,
    statement,
    multi,
    single,
    options,
    result as Result<any, any>,
  );
}

/** The SQL and values about to go to the driver, with the context the cursor events share. */
export interface CursorCall {
  sql: string;
  params: CursorParameters;
  context: ExecutionContext;
}

/**
 * Builds the execution context and runs `beforeCursorExecute` (retval listeners may replace
 * the SQL and values). Called only when a cursor event or handleError listener exists.
 */
export async function prepareCursorCall(
  engine: Engine,
  conn: Connection,
  cursor: () => DbapiConnection,
  compiled: CompiledStatement | null,
  sql: string,
  params: CursorParameters,
  many: boolean,
  options: Readonly<ExecutionOptions>,
): Promise<CursorCall> {
  const d = engine.dispatch;
  const context: ExecutionContext = {
    connection: conn,
    engine,
    dialect: engine.dialect,
    compiled,
    statement: sql,
    parameters: params,
    executemany: many,
    executionOptions: options,
    info: {},
  };
  if (d.has("beforeCursorExecute")) {
    const args = await d.fireWithRetval(
      "beforeCursorExecute",
      [conn, cursor(), sql, params, context, many],
      (a, returned) => {
        const [s, p] = returned as readonly [string, CursorParameters];
        return [a[0], a[1], s, p, a[4], a[5]];
      },
    );
    context.statement = args[2];
    context.parameters = args[3];
  }
  return { sql: context.statement, params: context.parameters, context };
}

export async function fireAfterCursorExecute(
  engine: Engine,
  conn: Connection,
  cursor: DbapiConnection,
  call: CursorCall,
  many: boolean,
): Promise<void> {
  if (!engine.dispatch.has("afterCursorExecute")) return;
  await engine.dispatch.fire("afterCursorExecute", conn, cursor, call.sql, call.params, call.context, many);
}
