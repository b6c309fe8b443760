import { expectTypeOf, test } from "vitest";
import {
  event,
  type Connection,
  type CursorParameters,
  type DbapiConnection,
  type Engine,
  type ExceptionContext,
  type ExecutionContext,
  type PooledConnection,
  type PoolResetState,
} from "../../src/index.js";

declare const engine: Engine;

test("pool listeners are typed from the event name, on the engine and on the pool", () => {
  engine.on("connect", (dbapi, record) => {
    expectTypeOf(dbapi).toEqualTypeOf<DbapiConnection>();
    expectTypeOf(record).toEqualTypeOf<PooledConnection>();
    expectTypeOf(record.info).toEqualTypeOf<Record<string, unknown>>();
  });
  event.listen(engine.pool, "checkin", (dbapi) => {
    expectTypeOf(dbapi).toEqualTypeOf<DbapiConnection | null>();
  });
  event.listen(engine, "reset", async (_dbapi, _record, state) => {
    expectTypeOf(state).toEqualTypeOf<PoolResetState>();
  });
  // @ts-expect-error engine events are not pool events
  event.listen(engine.pool, "beforeExecute", () => undefined);
  // @ts-expect-error SQLAlchemy's snake_case names are spelled in camelCase
  engine.on("first_connect", () => undefined);
});

test("engine listeners are typed too", () => {
  engine.on("beforeCursorExecute", (conn, cursor, statement, parameters, context, many) => {
    expectTypeOf(conn).toEqualTypeOf<Connection>();
    expectTypeOf(cursor).toEqualTypeOf<DbapiConnection>();
    expectTypeOf(statement).toEqualTypeOf<string>();
    expectTypeOf(parameters).toEqualTypeOf<CursorParameters>();
    expectTypeOf(context).toEqualTypeOf<ExecutionContext>();
    expectTypeOf(many).toEqualTypeOf<boolean>();
  });
  engine.on("handleError", (ctx) => {
    expectTypeOf(ctx).toEqualTypeOf<ExceptionContext>();
    return new Error("replacement");
  });
  // @ts-expect-error a handleError listener returns an Error or nothing
  engine.on("handleError", () => 42);
});
