import type { CompiledStatement } from "./compiled.js";

/**
 * The contract between expression nodes and compilers. Each node's `_compile` calls
 * exactly one `visit…` method on the compiler it is given (double dispatch: no `kind`
 * switch, no string-built method names on the hot path).
 */
export interface Compilable {
  readonly kind: string;
  /** @internal */
  _compile(compiler: any): string;
}

/** What `sql/` needs of a dialect to compile. `dialects/base` implements it. */
export interface CompilerDialect {
  readonly name: string;
  readonly capabilities: Readonly<Record<string, boolean | number>>;
  /** Compiles a statement (or DDL element) to SQL for this dialect. */
  compile(stmt: Compilable, options?: { literalBinds?: boolean }): CompiledStatement;
}
