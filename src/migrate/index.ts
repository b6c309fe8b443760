/**
 * `athanor/migrate`: schema migrations in the manner of Alembic. Versioned TypeScript scripts
 * whose `upgrade(op)`/`downgrade(op)` call operations; autogenerate compares the models with
 * the database and writes them; commands run them (also from the `athanor migrate` CLI).
 *
 * @example
 * // migrations/versions/ae1027a6acf_create_users.ts
 * import type { Operations } from "athanor/migrate";
 * import { Column, Integer, String } from "athanor";
 * export const revision = "ae1027a6acf";
 * export const downRevision: string | string[] | null = null;
 * export const message = "create users";
 * export const createDate = "2024-01-15T10:00:00.000Z";
 * export async function upgrade(op: Operations) {
 *   await op.createTable("users", { id: Column(Integer, { primaryKey: true }), email: Column(String(255)) });
 * }
 * export async function downgrade(op: Operations) {
 *   await op.dropTable("users");
 * }
 */
export { Operations } from "./operations/operations.js";
export { BatchOperations } from "./operations/batch.js";
export * from "./operations/base.js";
export * from "./operations/table-ops.js";
export * from "./operations/constraint-ops.js";
export * from "./operations/misc-ops.js";
export { MigrateImpl, type ImplContext } from "./impl/impl.js";
export { implFor, registerImpl } from "./impl/registry.js";
export {
  compareMetadata,
  renderMigration,
  autogenerate,
  type CompareOptions,
  type RenderedMigration,
} from "./autogenerate/api.js";
export {
  MigrationContext,
  SqlScript,
  type MigrationContextOptions,
  type SqlOutput,
} from "./runtime/migration-context.js";
export { VersionTable, DEFAULT_VERSION_TABLE } from "./runtime/version-table.js";
export { RevisionMap, type Revision, type Step } from "./script/revision-map.js";
export {
  ScriptDirectory,
  newRevisionId,
  type MigrationModule,
  type Script,
} from "./script/script-directory.js";
export {
  defineConfig,
  loadConfig,
  loadMetadata,
  resolveConfig,
  type AthanorConfig,
  type ResolvedConfig,
} from "./config.js";
export * as command from "./command.js";
export {
  MigrateError,
  UnknownRevisionError,
  MultipleHeadsError,
  UnknownBranchError,
  NotOnBranchError,
  BranchLabelError,
  RevisionGraphError,
  DatabaseAheadError,
  MigrationFailedError,
  MigrationLockedError,
} from "./errors.js";
export { RawType, rawType } from "../dialects/base/raw-type.js";
