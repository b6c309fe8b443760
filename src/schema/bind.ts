/**
 * What createAll/dropAll need of an Engine or a Connection, described structurally: the schema
 * layer sits below the engine and does not import it. `Engine` and `Connection` from the
 * engine satisfy these interfaces.
 */
import type { CompiledStatement } from "../sql/compiled.js";
import type { Compilable } from "../sql/visitor.js";
import type { DdlDialect } from "./ddl-compiler.js";

/** A dialect as the DDL runner uses it: it compiles DDL with its `DdlCompiler`. */
export interface DdlRunnerDialect extends DdlDialect {
  readonly DdlCompiler: new (
    dialect: any,
    options?: any,
  ) => { compileStatement(stmt: any): CompiledStatement };
}

/** The slice of `Connection` the DDL runner uses. */
export interface DdlConnection {
  readonly dialect: DdlRunnerDialect;
  execute(stmt: Compilable, params?: any): Promise<{ scalar(): unknown }>;
  hasTable(name: string, schema?: string | null): Promise<boolean>;
}

/** The slice of `Engine` the DDL runner uses. */
export interface DdlEngine {
  readonly dialect: DdlRunnerDialect;
  begin<T>(fn: (conn: DdlConnection) => Promise<T>): Promise<T>;
  connect(): Promise<unknown>;
}

/** An Engine (DDL runs in its own transaction) or a Connection (DDL runs in the caller's transaction). */
export type DdlBind = DdlEngine | DdlConnection;

/** Connections have `execute`; engines don't (SQLAlchemy 2.0 removed `Engine.execute`). */
export function isConnection(bind: DdlBind): bind is DdlConnection {
  return typeof (bind as Partial<DdlConnection>).execute === "function";
}
