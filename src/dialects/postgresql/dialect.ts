import { ANSI_RESERVED } from "../base/reserved.js";
import { Dialect, type DialectCapabilities, type IsolationLevel } from "../base/dialect.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import type { CompiledStatement } from "../../sql/compiled.js";
import type { DriverExecuteOptions } from "../base/driver.js";
import { PostgresCompiler } from "./compiler.js";
import { PostgresDdlCompiler } from "./ddl-compiler.js";
import * as driver from "./driver.js";
import { PostgresInspector } from "./inspector.js";
import type { CatalogReader, DialectInspector } from "../base/inspector.js";
import { isDisconnect, translateError } from "./errors.js";
import { implFor, PostgresTypeCompiler } from "./types.js";

const RESERVED = new Set([
  ...ANSI_RESERVED,
  "current_catalog",
  "fetch",
  "freeze",
  "grant",
  "ilike",
  "isnull",
  "notnull",
  "similar",
  "verbose",
]);

/** SQL from the compiled cache runs as a named prepared statement (driver.ts, prepared.ts). */
const PREPARE: DriverExecuteOptions = Object.freeze({ prepare: true });

/** PostgreSQL through pg (SQLAlchemy: `PGDialect_psycopg2`). */
export class PostgresDialect extends Dialect {
  readonly name = "postgresql";
  readonly driverPackage = "pg";
  readonly capabilities: DialectCapabilities = {
    supportsInsertReturning: true,
    supportsUpdateReturning: true,
    supportsDeleteReturning: true,
    supportsMultiRowInsert: true,
    supportsNativeBoolean: true,
    supportsNativeEnum: true,
    supportsNativeUuid: true,
    supportsNativeInterval: true,
    supportsTransactionalDdl: true,
    supportsSavepoints: true,
    supportsServerSideCursors: true,
    supportsDistinctOn: true,
    supportsIlike: true,
    supportsFullOuterJoin: true,
    supportsNullsOrdering: true,
    supportsForUpdate: true,
    supportsSchemas: true,
    supportsAlterAddConstraint: true,
    postfetchLastrowid: false,
    supportsCheckConstraints: true,
    maxIdentifierLength: 63,
    // The wire protocol counts parameters in 16 bits.
    maxBindParameters: 65535,
    lastrowidIsLastOfMany: false,
    plainReadsOutsideTransaction: true,
    plainReadsOutsideTransactionByDefault: false,
    statementRoundTrip: true,
  };
  readonly typeCompiler = new PostgresTypeCompiler("postgresql");
  readonly StatementCompiler = PostgresCompiler;
  readonly DdlCompiler = PostgresDdlCompiler as any;
  protected readonly reservedWords = RESERVED;
  protected readonly driver = driver;
  readonly defaultIsolationLevel: IsolationLevel = "READ COMMITTED";

  override implFor(type: TypeEngine<any>): TypeEngine<any> {
    return implFor(type);
  }
  /** Compiler output taken from the cache is prepared; text() is not (it may hold several statements). */
  override driverOptionsFor(compiled: CompiledStatement, cached = false): DriverExecuteOptions | undefined {
    return cached && compiled.opaque !== true ? PREPARE : undefined;
  }
  translateError = translateError;
  isDisconnect = isDisconnect;
  override createInspector(reader: CatalogReader): DialectInspector {
    return new PostgresInspector(reader);
  }
}
