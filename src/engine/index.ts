/** The engine layer's public surface (re-exported by the package root). */
export { createEngine, Engine, type EngineOptions } from "./engine.js";
export { Connection, type ExecutionOptions, type StreamOptions } from "./connection.js";
export { Transaction, RootTransaction, NestedTransaction, normalizeIsolationLevel } from "./transaction.js";
export { Result, ScalarResult, MappingResult, TupleResult } from "./result.js";
export { StreamResult, StreamScalarResult, StreamTupleResult } from "./stream-result.js";
export { URL, makeUrl, type URLParts } from "./url.js";
export { registerDialect, registeredDialects, dialectForUrl, type DialectFactory } from "./registry.js";
export { consoleLogger, type Logger, type EchoSetting } from "./logging.js";
export {
  Pool,
  PooledConnection,
  QueuePool,
  StaticPool,
  NullPool,
  DbapiConnection,
  DbapiCursor,
  type CursorColumn,
  type PoolClass,
  type PoolOptions,
  type PoolStatus,
} from "./pool/index.js";
export {
  event,
  type CursorParameters,
  type EngineEventMap,
  type EventParams,
  type EventStatement,
  type ExceptionContext,
  type ExecutionContext,
  type ListenOptions,
  type PoolEventMap,
  type PoolResetState,
} from "./events/index.js";
export type { Executable, Params, RowOfStatement, ScalarOfStatement } from "./execution.js";
// reflection: inspect(engine), Inspector, metadata.reflect(engine) (registered on load)
export * from "./reflection/index.js";
