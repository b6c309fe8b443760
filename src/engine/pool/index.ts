export {
  Pool,
  type ConnectionCreator,
  type PingFunction,
  type PoolClass,
  type PoolDispatcher,
  type PoolOptions,
  type PoolStatus,
  type ResetFunction,
} from "./base.js";
export { PooledConnection } from "./record.js";
export { DbapiConnection, DbapiCursor, type CursorColumn } from "./dbapi.js";
export { QueuePool } from "./queue-pool.js";
export { StaticPool } from "./static-pool.js";
export { NullPool } from "./null-pool.js";
