/**
 * A dialect: capability flags plus the pieces that differ per database (SQLAlchemy:
 * `DefaultDialect`). Shared code asks `dialect.capabilities.supportsReturning`, never the name.
 */
import { UnsupportedFeatureError, type DBAPIError } from "../../util/errors.js";
import type { CompiledStatement } from "../../sql/compiled.js";
import { SqlCompiler, type CompileOptions } from "../../sql/compiler.js";
import type { TypeCompiler } from "../../sql/type-compiler.js";
import type { Processor, TypeDialect, TypeEngine } from "../../sql/types/type-engine.js";
import type { Compilable, CompilerDialect } from "../../sql/visitor.js";
import type { ConnectArgs, DriverConnection, DriverExecuteOptions } from "./driver.js";
import type { CatalogReader, DialectInspector } from "./inspector.js";

export interface DialectCapabilities {
  supportsInsertReturning: boolean;
  supportsUpdateReturning: boolean;
  supportsDeleteReturning: boolean;
  supportsMultiRowInsert: boolean;
  supportsNativeBoolean: boolean;
  supportsNativeEnum: boolean;
  supportsNativeUuid: boolean;
  supportsNativeInterval: boolean;
  supportsTransactionalDdl: boolean;
  supportsSavepoints: boolean;
  supportsServerSideCursors: boolean;
  supportsDistinctOn: boolean;
  supportsIlike: boolean;
  supportsFullOuterJoin: boolean;
  supportsNullsOrdering: boolean;
  supportsForUpdate: boolean;
  supportsSchemas: boolean;
  /** ALTER TABLE … ADD CONSTRAINT for foreign keys (SQLite cannot). */
  supportsAlterAddConstraint: boolean;
  supportsCheckConstraints: boolean;
  /** The driver reports the last inserted row id (SQLAlchemy: `postfetch_lastrowid`); without it, INSERT uses RETURNING for the key. */
  postfetchLastrowid: boolean;
  maxIdentifierLength: number;
  /** Bound parameters one statement may carry (multi-row INSERT pages stay under it). */
  maxBindParameters: number;
  /** The driver's last insert id of a multi-row INSERT is its last row's (SQLite), not its first's (MySQL). */
  lastrowidIsLastOfMany: boolean;
  /**
   * At READ COMMITTED and below a plain read may run before BEGIN is sent (the engine's deferred
   * BEGIN, engine/connection.ts): each statement reads its own snapshot there.
   */
  plainReadsOutsideTransaction: boolean;
  /**
   * At the database's default isolation, with no level asked for, a plain read may run before
   * BEGIN too: the driver SQLAlchemy uses by default works that way (pysqlite begins only before
   * a write), so a session's reads may each see the latest commit, as there.
   */
  plainReadsOutsideTransactionByDefault: boolean;
  /**
   * Each statement costs a network round trip (a server database), so one statement for many
   * rows beats a statement per row even when it is larger (the ORM's batched UPDATE).
   */
  statementRoundTrip: boolean;
  [flag: string]: boolean | number;
}

/** What each dialect's `driver.ts` module provides. */
export interface DialectDriver {
  connect(args: ConnectArgs): Promise<DriverConnection>;
  setIsolationLevel(conn: DriverConnection, level: IsolationLevel): Promise<void>;
  getIsolationLevel(conn: DriverConnection): Promise<IsolationLevel>;
  hasTable(conn: DriverConnection, name: string, schema?: string | null): Promise<boolean>;
}

export type IsolationLevel =
  "READ UNCOMMITTED" | "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE" | "AUTOCOMMIT";

/** A statement or DDL element to compile: DDL elements carry `isDdl = true`. */
type CompilableNode = Compilable & { readonly isDdl?: boolean };

export abstract class Dialect implements CompilerDialect, TypeDialect {
  abstract readonly name: string;
  /** The npm package of the driver, for messages. */
  abstract readonly driverPackage: string;
  abstract readonly capabilities: DialectCapabilities;
  abstract readonly typeCompiler: TypeCompiler;
  /** The statement compiler class (SQLAlchemy: `statement_compiler`). */
  abstract readonly StatementCompiler: new (dialect: any, options?: CompileOptions) => SqlCompiler;
  /** The DDL compiler class; compiles elements with `isDdl`. */
  abstract readonly DdlCompiler: new (
    dialect: any,
    options?: CompileOptions,
  ) => { compileStatement(stmt: any): CompiledStatement };
  /** Words that must be quoted when used as identifiers. */
  protected abstract readonly reservedWords: ReadonlySet<string>;
  /** Opening and closing identifier quote. */
  protected readonly quoteChar: string = '"';
  /** Default isolation level name the server starts transactions with. */
  abstract readonly defaultIsolationLevel: IsolationLevel;

  private quoted = new Map<string, string>();
  private bindCache = new WeakMap<TypeEngine<any>, Processor | null>();
  private resultCache = new WeakMap<TypeEngine<any>, Processor | null>();

  compile(stmt: CompilableNode, options?: CompileOptions): CompiledStatement {
    if (stmt.isDdl) return new this.DdlCompiler(this, options).compileStatement(stmt);
    return new this.StatementCompiler(this, options).compileStatement(stmt as any);
  }

  /** Quotes a name when it is reserved, not lower case, or not a plain identifier. Cached. */
  quoteIdentifier(name: string): string {
    let q = this.quoted.get(name);
    if (q === undefined) {
      q = this.needsQuote(name) ? this.forceQuote(name) : name;
      this.quoted.set(name, q);
    }
    return q;
  }
  protected needsQuote(name: string): boolean {
    return !/^[a-z_][a-z0-9_$]*$/.test(name) || this.reservedWords.has(name);
  }
  /** Always quotes, doubling embedded quote characters. */
  forceQuote(name: string): string {
    const c = this.quoteChar;
    return c + name.split(c).join(c + c) + c;
  }

  /** The implementation of a generic type on this dialect (SQLAlchemy: `colspecs`); default: itself. */
  implFor(type: TypeEngine<any>): TypeEngine<any> {
    return type;
  }
  /** JS → driver conversion for a type, looked up once per type. */
  bindProcessorFor(type: TypeEngine<any>): Processor | null {
    let p = this.bindCache.get(type);
    if (p === undefined) {
      p = this.implFor(type).bindProcessor(this);
      this.bindCache.set(type, p);
    }
    return p;
  }
  /** Driver → JS conversion for a type, looked up once per type. */
  resultProcessorFor(type: TypeEngine<any>): Processor | null {
    let p = this.resultCache.get(type);
    if (p === undefined) {
      p = this.implFor(type).resultProcessor(this);
      this.resultCache.set(type, p);
    }
    return p;
  }

  /**
   * Hints for this dialect's driver for one compiled statement (e.g. SQLite's safeIntegers);
   * the engine computes them once per compiled statement and passes them to every execution.
   * `cached`: the variant for runs whose SQL came from the compiled cache (a cache hit), which
   * a driver may keep as a named prepared statement (`DriverExecuteOptions.prepare`).
   */
  driverOptionsFor(_compiled: CompiledStatement, _cached = false): DriverExecuteOptions | undefined {
    return undefined;
  }

  /** The dialect's driver module: the few calls that talk to its driver package. */
  protected abstract readonly driver: DialectDriver;
  /** Opens a driver connection; rejects with MissingDriverError when the package is absent. */
  connect(args: ConnectArgs): Promise<DriverConnection> {
    return this.driver.connect(args);
  }
  /** Wraps a driver error in the DBAPIError hierarchy. */
  abstract translateError(err: unknown, statement: string | null, params: unknown): DBAPIError;
  /** True when a driver error means the connection is no longer usable. */
  abstract isDisconnect(err: unknown): boolean;

  /** Checks that a connection still works, for the pool's pre-ping (SQLAlchemy: `do_ping`). */
  async doPing(conn: DriverConnection): Promise<void> {
    await conn.execute("SELECT 1", []);
  }

  // ---- transactions: the SQL each database wants ----
  /**
   * True when the session will begin a transaction by itself at its next statement (MySQL with
   * autocommit off and no transaction open), so BEGIN need not be sent: the first statement
   * starts the transaction, snapshot included, as after BEGIN.
   */
  beginsImplicitly(_conn: DriverConnection): boolean {
    return false;
  }
  /**
   * Whether the rows of one multi-row INSERT on this connection get consecutive auto-increment
   * keys with no other session's rows between them, so that the driver's insert id numbers them
   * all (the ORM then reads back only its first page of keys; see orm/session/insert-numbering.ts).
   */
  consecutiveInsertIds(_conn: DriverConnection): Promise<boolean> {
    return Promise.resolve(false);
  }
  doBegin(conn: DriverConnection): Promise<void> {
    return conn.run("BEGIN");
  }
  doCommit(conn: DriverConnection): Promise<void> {
    return conn.run("COMMIT");
  }
  doRollback(conn: DriverConnection): Promise<void> {
    return conn.run("ROLLBACK");
  }
  async doSavepoint(conn: DriverConnection, name: string): Promise<void> {
    await conn.run("SAVEPOINT " + this.quoteIdentifier(name));
  }
  async doReleaseSavepoint(conn: DriverConnection, name: string): Promise<void> {
    await conn.run("RELEASE SAVEPOINT " + this.quoteIdentifier(name));
  }
  async doRollbackToSavepoint(conn: DriverConnection, name: string): Promise<void> {
    await conn.run("ROLLBACK TO SAVEPOINT " + this.quoteIdentifier(name));
  }
  /** Sets the isolation level for the connection's next transactions ("AUTOCOMMIT" included). */
  setIsolationLevel(conn: DriverConnection, level: IsolationLevel): Promise<void> {
    return this.driver.setIsolationLevel(conn, level);
  }
  /** Reads the connection's current isolation level. */
  getIsolationLevel(conn: DriverConnection): Promise<IsolationLevel> {
    return this.driver.getIsolationLevel(conn);
  }
  /** Whether a table exists (for createAll's checkFirst). */
  hasTable(conn: DriverConnection, name: string, schema?: string | null): Promise<boolean> {
    return this.driver.hasTable(conn, name, schema);
  }

  /** This database's catalog reader (see `inspector.ts`); `inspect(engine)` is the public entry. */
  createInspector(_reader: CatalogReader): DialectInspector {
    throw new UnsupportedFeatureError("Reflection (inspect, metadata.reflect)", this.name);
  }
}
