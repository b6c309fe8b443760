export {
  Pool,
  PooledConnection,
  type ConnectionCreator,
  type PoolClass,
  type PoolOptions,
  type PoolStatus,
  type ResetFunction,
} from "./base.js";
export { QueuePool } from "./queue-pool.js";
export { StaticPool } from "./static-pool.js";
export { NullPool } from "./null-pool.js";
