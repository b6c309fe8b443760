import { ANSI_RESERVED } from "../base/reserved.js";
import { Dialect, type DialectCapabilities, type IsolationLevel } from "../base/dialect.js";
import type { ConnectArgs, DriverConnection } from "../base/driver.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import { MysqlCompiler } from "./compiler.js";
import { MysqlDdlCompiler } from "./ddl-compiler.js";
import { MysqlDriverConnection } from "./driver.js";
import * as session from "./session.js";
import { MysqlInspector } from "./inspector.js";
import type { CatalogReader, DialectInspector } from "../base/inspector.js";
import { isDisconnect, translateError } from "./errors.js";
import { implFor, MysqlTypeCompiler } from "./types.js";

const RESERVED = new Set([
  ...ANSI_RESERVED,
  ...(
    "accessible add alter before bigint blob by call cascade change char character condition continue convert " +
    "database databases day_hour dec decimal declare delayed describe div double each elseif enclosed escaped exit " +
    "explain float force fulltext generated get high_priority if ignore infile inout int integer interval iterate " +
    "keys kill leave linear lines load lock long loop low_priority match maxvalue mod modifies numeric optimize option " +
    "optionally out outfile partition precision procedure purge range read reads real regexp release rename repeat " +
    "replace require resignal restrict return revoke rlike schema schemas separator show signal smallint spatial " +
    "specific sql sqlexception sqlstate sqlwarning ssl starting stored straight_join terminated tinyint trigger undo " +
    "unlock unsigned usage use utc_date utc_time utc_timestamp varbinary varchar varying virtual while write xor " +
    "year_month zerofill"
  ).split(" "),
]);

/** MySQL and MariaDB through mysql2 (SQLAlchemy: `MySQLDialect_pymysql`). */
const consecutiveIds = new WeakMap<DriverConnection, boolean>();

export class MysqlDialect extends Dialect {
  readonly name = "mysql";
  readonly driverPackage = "mysql2";
  readonly capabilities: DialectCapabilities = {
    supportsInsertReturning: true,
    supportsUpdateReturning: false,
    supportsDeleteReturning: true,
    supportsMultiRowInsert: true,
    supportsNativeBoolean: false,
    supportsNativeEnum: true,
    supportsNativeUuid: false,
    supportsNativeInterval: false,
    supportsTransactionalDdl: false,
    supportsSavepoints: true,
    supportsServerSideCursors: true,
    supportsDistinctOn: false,
    supportsIlike: false,
    supportsFullOuterJoin: false,
    supportsNullsOrdering: false,
    supportsForUpdate: true,
    supportsSchemas: true,
    supportsAlterAddConstraint: true,
    postfetchLastrowid: true,
    supportsCheckConstraints: true,
    maxIdentifierLength: 64,
    // Values are inlined by the driver (text protocol); pages stay well under max_allowed_packet.
    maxBindParameters: 65535,
    lastrowidIsLastOfMany: false,
    plainReadsOutsideTransaction: true,
    plainReadsOutsideTransactionByDefault: false,
    statementRoundTrip: true,
  };
  readonly typeCompiler = new MysqlTypeCompiler("mysql");
  readonly StatementCompiler = MysqlCompiler;
  readonly DdlCompiler = MysqlDdlCompiler as any;
  protected readonly reservedWords = RESERVED;
  protected readonly driver = session;
  readonly defaultIsolationLevel: IsolationLevel = "REPEATABLE READ";
  protected override readonly quoteChar = "`";
  /** True once connected to MariaDB (RETURNING on INSERT/DELETE since 10.5); set by the driver at first connect. */
  isMariaDB = true;

  override implFor(type: TypeEngine<any>): TypeEngine<any> {
    return implFor(type);
  }
  /** The server's version numbers, known after the first connection. */
  serverVersion: readonly number[] | null = null;

  /**
   * Opens a connection; the first one detects MariaDB vs MySQL and sets the capabilities. The
   * session's autocommit follows its isolation level (session.ts), set with the time zone.
   */
  override async connect(args: ConnectArgs): Promise<DriverConnection> {
    const known = this.serverVersion !== null;
    const conn = await session.connect(args, known ? this.isolationVariable() : undefined);
    try {
      if (!known) {
        await this.initializeServer(conn);
        if (conn instanceof MysqlDriverConnection) {
          conn.isolationVariable = this.isolationVariable();
          await conn.run("SET " + session.autocommitForLevel(conn));
        }
      }
    } catch (err) {
      await conn.close();
      throw err;
    }
    return conn;
  }
  /** No BEGIN is needed when the session begins its transaction at the next statement (driver.ts). */
  override beginsImplicitly(conn: DriverConnection): boolean {
    return conn instanceof MysqlDriverConnection && conn.beginsImplicitly;
  }
  /**
   * InnoDB numbers one INSERT's rows without other sessions' rows between them in lock modes 0
   * and 1 (the default); 2 ("interleaved") may not. Asked once per connection, without beginning
   * a transaction.
   */
  override async consecutiveInsertIds(conn: DriverConnection): Promise<boolean> {
    let ok = consecutiveIds.get(conn);
    if (ok === undefined) {
      const sql = "SELECT @@innodb_autoinc_lock_mode AS mode";
      const rows =
        conn instanceof MysqlDriverConnection
          ? await conn.catalogQuery(sql, [])
          : (await conn.execute(sql, [])).rows;
      const mode = Number(rows[0]?.[0]);
      ok = mode === 0 || mode === 1;
      consecutiveIds.set(conn, ok);
    }
    return ok;
  }
  /** A ping that reads no table, so it begins no transaction in a session without autocommit. */
  override async doPing(conn: DriverConnection): Promise<void> {
    if (conn instanceof MysqlDriverConnection) await conn.catalogQuery("SELECT 1", []);
    else await conn.execute("SELECT 1", []);
  }
  private async initializeServer(conn: DriverConnection): Promise<void> {
    const info = await session.serverInfo(conn);
    this.isMariaDB = info.isMariaDB;
    // RETURNING: MariaDB 10.5+ on INSERT and DELETE; MySQL not at all.
    const returning = info.isMariaDB && atLeast(info.version, [10, 5]);
    this.capabilities.supportsInsertReturning = returning;
    this.capabilities.supportsDeleteReturning = returning;
    this.capabilities.supportsUpdateReturning = false;
    this.serverVersion = info.version;
  }
  /** `@@transaction_isolation` where it exists (MySQL 5.7.20+, MariaDB 11.1+), else `@@tx_isolation`. */
  private isolationVariable(): string {
    const v = this.serverVersion ?? [];
    const modern = this.isMariaDB ? atLeast(v, [11, 1]) : atLeast(v, [5, 7, 20]);
    return modern ? "@@transaction_isolation" : "@@tx_isolation";
  }
  translateError = translateError;
  isDisconnect = isDisconnect;
  override createInspector(reader: CatalogReader): DialectInspector {
    return new MysqlInspector(reader, () => this.isMariaDB);
  }
}

function atLeast(version: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    const a = version[i] ?? 0;
    if (a !== min[i]) return a > min[i]!;
  }
  return true;
}
