/** The SQL expression language's public surface (re-exported by the package root). */
export * from "./elements.js";
export * from "./selectable.js";
export * from "./dml.js";
export * from "./text.js";
export { func } from "./functions.js";
export { SqlCompiler, type CompileOptions } from "./compiler.js";
export { TypeCompiler } from "./type-compiler.js";
export type { CompiledStatement, BindSlot, ResultColumn, StatementKind } from "./compiled.js";
export * from "./types/index.js";
export * as types from "./types/index.js";
