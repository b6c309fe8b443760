import { ANSI_RESERVED } from "../base/reserved.js";
import { Dialect, type DialectCapabilities, type IsolationLevel } from "../base/dialect.js";
import type { DriverConnection, DriverExecuteOptions } from "../base/driver.js";
import type { CompiledStatement } from "../../sql/compiled.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import { SqliteCompiler } from "./compiler.js";
import { SqliteDdlCompiler } from "./ddl-compiler.js";
import * as driver from "./driver.js";
import { SqliteInspector } from "./inspector.js";
import type { CatalogReader, DialectInspector } from "../base/inspector.js";
import { isDisconnect, translateError } from "./errors.js";
import { implFor, SqliteTypeCompiler } from "./types.js";

const RESERVED = new Set([
  ...ANSI_RESERVED,
  "abort",
  "autoincrement",
  "glob",
  "indexed",
  "regexp",
  "transaction",
  "vacuum",
  "view",
]);

const SAFE_INTEGERS: DriverExecuteOptions = Object.freeze({ safeIntegers: true });

/** SQLite through better-sqlite3 (SQLAlchemy: `SQLiteDialect_pysqlite`). */
export class SqliteDialect extends Dialect {
  readonly name = "sqlite";
  readonly driverPackage = "better-sqlite3";
  readonly capabilities: DialectCapabilities = {
    supportsInsertReturning: true,
    supportsUpdateReturning: true,
    supportsDeleteReturning: true,
    supportsMultiRowInsert: true,
    supportsNativeBoolean: false,
    supportsNativeEnum: false,
    supportsNativeUuid: false,
    supportsNativeInterval: false,
    supportsTransactionalDdl: true,
    supportsSavepoints: true,
    supportsServerSideCursors: true,
    supportsDistinctOn: false,
    supportsIlike: false,
    supportsFullOuterJoin: true,
    supportsNullsOrdering: true,
    supportsForUpdate: false,
    supportsSchemas: false,
    supportsAlterAddConstraint: false,
    postfetchLastrowid: true,
    supportsCheckConstraints: true,
    maxIdentifierLength: 1024,
    // SQLITE_MAX_VARIABLE_NUMBER since 3.32 (better-sqlite3 bundles a newer SQLite).
    maxBindParameters: 32766,
    lastrowidIsLastOfMany: true,
    // Serializable only, and its BEGIN costs no round trip: BEGIN is never deferred.
    plainReadsOutsideTransaction: false,
    plainReadsOutsideTransactionByDefault: true,
    statementRoundTrip: false,
  };
  readonly typeCompiler = new SqliteTypeCompiler("sqlite");
  readonly StatementCompiler = SqliteCompiler;
  readonly DdlCompiler = SqliteDdlCompiler as any;
  protected readonly reservedWords = RESERVED;
  protected readonly driver = driver;
  readonly defaultIsolationLevel: IsolationLevel = "SERIALIZABLE";

  override implFor(type: TypeEngine<any>): TypeEngine<any> {
    return implFor(type);
  }
  /** One writer at a time: a new rowid is the largest plus one (what else writes meanwhile, a trigger, shows in the keys). */
  override consecutiveInsertIds(_conn: DriverConnection): Promise<boolean> {
    return Promise.resolve(true);
  }
  /** safeIntegers for statements that read a BigInteger column (see the note atop driver.ts). */
  override driverOptionsFor(compiled: CompiledStatement): DriverExecuteOptions | undefined {
    const cols = compiled.resultColumns;
    if (cols === null) return undefined;
    for (const c of cols) {
      if (c.type && (c.type.kind === "biginteger" || this.implFor(c.type).kind === "biginteger"))
        return SAFE_INTEGERS;
    }
    return undefined;
  }
  translateError = translateError;
  isDisconnect = isDisconnect;
  override createInspector(reader: CatalogReader): DialectInspector {
    return new SqliteInspector(reader);
  }
}
