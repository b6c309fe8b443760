/**
 * Opening a mysql2 connection and the session settings Athanor manages on it: time zone,
 * isolation level and, with it, the server's `autocommit` (see "SESSIONS WITHOUT AUTOCOMMIT"
 * in driver.ts). These are the dialect's `DialectDriver` functions.
 */
import type { IsolationLevel } from "../base/dialect.js";
import { loadDriverPackage, queryFlag, type ConnectArgs, type DriverConnection } from "../base/driver.js";
import { ArgumentError } from "../../util/errors.js";
import { readFileSync } from "node:fs";
import { MysqlDriverConnection, type MysqlCore } from "./driver.js";

function sslOptions(q: Readonly<Record<string, string>>): unknown {
  const files = () => {
    const o: Record<string, unknown> = {};
    if (q.ssl_ca) o.ca = readFileSync(q.ssl_ca, "utf8");
    if (q.ssl_cert) o.cert = readFileSync(q.ssl_cert, "utf8");
    if (q.ssl_key) o.key = readFileSync(q.ssl_key, "utf8");
    return o;
  };
  const mode = q["ssl-mode"] ?? q.ssl_mode ?? q.sslmode;
  if (mode !== undefined) {
    switch (mode.toUpperCase().replace(/-/g, "_")) {
      case "DISABLED":
      case "DISABLE":
        return undefined;
      case "PREFERRED":
      case "PREFER":
      case "REQUIRED":
      case "REQUIRE":
        return { rejectUnauthorized: false, ...files() };
      case "VERIFY_CA":
      case "VERIFY_IDENTITY":
      case "VERIFY_FULL":
        return { rejectUnauthorized: true, ...files() };
      default:
        throw new ArgumentError(
          `Bad ssl_mode '${mode}' in the MySQL URL. Use one of: DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY.`,
          "ATH-URL",
        );
    }
  }
  if (q.ssl !== undefined && queryFlag(q.ssl, false))
    return { rejectUnauthorized: queryFlag(q.ssl_verify_cert, true), ...files() };
  if (q.ssl_ca) return { rejectUnauthorized: true, ...files() };
  return undefined;
}

/**
 * Opens a connection. `isolationVariable` (known once the server's version is) lets the time
 * zone and the autocommit mode for the server's default level be set in one statement.
 */
export async function connect(args: ConnectArgs, isolationVariable?: string): Promise<DriverConnection> {
  const mod = await loadDriverPackage("mysql", "mysql2");
  const mysql = mod.default ?? mod;
  const q = args.query;
  const config: Record<string, unknown> = {
    host: args.host ?? "localhost",
    port: args.port ?? 3306,
    user: args.username ?? undefined,
    password: args.password ?? undefined,
    database: args.database ?? undefined,
    charset: q.charset ?? "utf8mb4",
    rowsAsArray: true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    flags: ["FOUND_ROWS"],
    timezone: "Z",
    multipleStatements: false,
  };
  if (q.unix_socket) config.socketPath = q.unix_socket;
  if (q.connect_timeout) config.connectTimeout = Number(q.connect_timeout) * 1000;
  const ssl = sslOptions(q);
  if (ssl !== undefined) config.ssl = ssl;
  const core: MysqlCore = mysql.createConnection({ ...config, ...args.driverOptions });
  const conn = new MysqlDriverConnection(core);
  await new Promise<void>((resolve, reject) => core.connect((err) => (err ? reject(err) : resolve())));
  try {
    if (isolationVariable !== undefined) conn.isolationVariable = isolationVariable;
    await conn.run(
      "SET time_zone = '+00:00'" + (isolationVariable !== undefined ? ", " + autocommitForLevel(conn) : ""),
    );
  } catch (err) {
    await conn.close();
    throw err;
  }
  return conn;
}

/** What the server is: MariaDB or MySQL, and its version numbers. */
export async function serverInfo(
  conn: DriverConnection,
): Promise<{ isMariaDB: boolean; version: number[]; versionString: string }> {
  const rows =
    conn instanceof MysqlDriverConnection
      ? await conn.catalogQuery("SELECT VERSION()", [])
      : (await conn.execute("SELECT VERSION()", [])).rows;
  const versionString = String(rows[0]![0]);
  const version = (versionString.match(/^(\d+)\.(\d+)\.(\d+)/) ?? []).slice(1).map(Number);
  return { isMariaDB: /mariadb/i.test(versionString), version, versionString };
}

const LEVELS = new Set(["READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE"]);

/** Levels at which the session runs with autocommit off (see driver.ts). */
const IMPLICIT_BEGIN_LEVELS = new Set(["REPEATABLE READ", "SERIALIZABLE"]);

/**
 * The `autocommit = …` assignment that follows the session's current level, for the SET run
 * at connect (the level is read on the server, in the same statement).
 */
export function autocommitForLevel(conn: MysqlDriverConnection): string {
  const v = conn.isolationVariable.replace(/^@@/, "@@SESSION.");
  return `autocommit = IF(${v} IN ('REPEATABLE-READ', 'SERIALIZABLE'), 0, 1)`;
}

/**
 * AUTOCOMMIT sends no BEGIN and turns the server's autocommit on; other levels apply to the
 * session, with autocommit off at REPEATABLE READ and SERIALIZABLE (one SET for both).
 */
export async function setIsolationLevel(conn: DriverConnection, level: IsolationLevel): Promise<void> {
  const mysql = conn instanceof MysqlDriverConnection ? conn : null;
  if (level === "AUTOCOMMIT") {
    conn.autocommit = true;
    if (mysql !== null && !mysql.serverAutocommit) await conn.run("SET autocommit = 1");
    return;
  }
  if (!LEVELS.has(level)) {
    throw new ArgumentError(
      `Invalid isolation level '${level}' for mysql. Valid levels: READ UNCOMMITTED, READ COMMITTED, REPEATABLE READ, SERIALIZABLE, AUTOCOMMIT.`,
      "ATH-ISOLATION",
    );
  }
  if (mysql === null) await conn.run(`SET SESSION TRANSACTION ISOLATION LEVEL ${level}`);
  else {
    const variable = mysql.isolationVariable.replace(/^@@/, "");
    const autocommit = IMPLICIT_BEGIN_LEVELS.has(level) ? 0 : 1;
    await conn.run(`SET SESSION ${variable} = '${level.replace(/ /g, "-")}', autocommit = ${autocommit}`);
  }
  conn.autocommit = false;
}

export async function getIsolationLevel(conn: DriverConnection): Promise<IsolationLevel> {
  if (conn.autocommit) return "AUTOCOMMIT";
  const variable = conn instanceof MysqlDriverConnection ? conn.isolationVariable : "@@transaction_isolation";
  const rows =
    conn instanceof MysqlDriverConnection
      ? await conn.catalogQuery(`SELECT ${variable}`, [])
      : (await conn.execute(`SELECT ${variable}`, [])).rows;
  return String(rows[0]![0]).replace(/-/g, " ").toUpperCase() as IsolationLevel;
}

export async function hasTable(
  conn: DriverConnection,
  name: string,
  schema?: string | null,
): Promise<boolean> {
  const sql = schema
    ? "SELECT 1 FROM information_schema.tables WHERE table_name = ? AND table_schema = ?"
    : "SELECT 1 FROM information_schema.tables WHERE table_name = ? AND table_schema = DATABASE()";
  const params = schema ? [name, schema] : [name];
  const rows =
    conn instanceof MysqlDriverConnection
      ? await conn.catalogQuery(sql, params)
      : (await conn.execute(sql, params)).rows;
  return rows.length > 0;
}
