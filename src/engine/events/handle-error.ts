/**
 * What happens to an error raised by the driver (SQLAlchemy: `Connection._handle_dbapi_exception`):
 * it is wrapped in the DBAPIError family, `handleError` listeners may inspect it, replace it or
 * change whether it counts as a disconnect, and the caller learns whether to invalidate the
 * connection (and the pool).
 */
import type { DBAPIError } from "../../util/errors.js";
import { AthanorError } from "../../util/errors.js";
import type { Connection } from "../connection.js";
import type { Engine } from "../engine.js";
import type { PooledConnection } from "../pool/record.js";
import type { ExceptionContext, ExecutionContext } from "./engine-events.js";

export interface DbapiErrorInput {
  readonly err: unknown;
  readonly connection: Connection | null;
  /** The pooled connection the error happened on, if any (its driver's `broken` flag counts). */
  readonly record: PooledConnection | null;
  readonly statement: string | null;
  readonly parameters: unknown;
  readonly context: ExecutionContext | null;
  readonly isPrePing?: boolean;
  /** The wrapped error when the caller already built it (connect errors add the URL). */
  readonly wrapped?: DBAPIError | null;
}

export interface DbapiErrorOutcome {
  /** The error to throw. */
  readonly error: Error;
  /** The connection is lost: invalidate it. */
  readonly isDisconnect: boolean;
  /** On a disconnect, also recycle the pool's older connections. */
  readonly invalidatePool: boolean;
}

export async function handleDbapiError(engine: Engine, input: DbapiErrorInput): Promise<DbapiErrorOutcome> {
  const { err, record } = input;
  const wrapped =
    input.wrapped !== undefined
      ? input.wrapped
      : err instanceof AthanorError
        ? null
        : engine.dialect.translateError(err, input.statement, input.parameters);
  let isDisconnect =
    (wrapped?.connectionInvalidated ?? false) ||
    (record !== null && !record.invalidated && record.driver.broken);
  let error: Error = wrapped ?? (err instanceof Error ? err : new Error(String(err)));
  let invalidatePool = true;
  const dispatch = engine.dispatch;
  if (dispatch.has("handleError")) {
    const ctx: ExceptionContext = {
      connection: input.connection,
      engine,
      dialect: engine.dialect,
      cursor: record !== null && !record.invalidated ? record.dbapiConnection : null,
      statement: input.statement,
      parameters: input.parameters,
      originalException: err,
      athanorException: wrapped,
      chainedException: null,
      executionContext: input.context,
      isDisconnect,
      invalidatePoolOnDisconnect: true,
      isPrePing: input.isPrePing ?? false,
    };
    for (const fn of dispatch.listeners("handleError")) {
      try {
        const returned = await fn(ctx);
        if (returned instanceof Error) {
          ctx.chainedException = returned;
          error = returned;
        }
      } catch (raised) {
        // A listener that throws ends the chain with its error.
        error = raised instanceof Error ? raised : new Error(String(raised));
        break;
      }
    }
    isDisconnect = ctx.isDisconnect;
    invalidatePool = ctx.invalidatePoolOnDisconnect;
  }
  if (wrapped !== null && wrapped.connectionInvalidated !== isDisconnect) {
    (wrapped as { connectionInvalidated: boolean }).connectionInvalidated = isDisconnect;
  }
  return { error, isDisconnect, invalidatePool };
}
