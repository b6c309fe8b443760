/** The SQL expression language's public surface (re-exported by the package root). */
export * from "./elements.js";
export * from "./selectable.js";
export * from "./dml.js";
export * from "./text.js";
export {
  func,
  FunctionCall,
  FunctionFilter,
  Extract,
  extract,
  type ExtractField,
  type KnownFunctions,
} from "./functions.js";
export {
  ProposedRow,
  OnConflictDoNothing,
  OnConflictDoUpdate,
  OnDuplicateKeyUpdate,
  type ConflictTarget,
} from "./upsert.js";
export { SqlCompiler, type CompileOptions, type StatementCompilerDialect } from "./compiler.js";
export { StatementCache, type StatementCacheStats, type CompilingDialect } from "./cache.js";
export { generateCacheKey, type CacheKey } from "./cache-key.js";
export { TypeCompiler } from "./type-compiler.js";
export type { CompiledStatement, BindSlot, ResultColumn, StatementKind } from "./compiled.js";
export * from "./types/index.js";
export * from "./roles.js";
export * as types from "./types/index.js";
