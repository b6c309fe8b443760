/**
 * Database URLs (SQLAlchemy: `engine/url.py`, `make_url`).
 *
 *     dialect[+driver]://[user[:password]@][host][:port]/[database][?key=value&…]
 *
 * The password is never shown: `toString()` masks it as `***` (SQLAlchemy:
 * `render_as_string(hide_password=True)`); `renderAsString({ hidePassword: false })` gives it.
 */
import { ArgumentError } from "../util/errors.js";

const EXPECTED_FORMS =
  "Expected one of: sqlite:///relative/path.db, sqlite:////absolute/path.db, sqlite:///:memory:, sqlite://, " +
  "postgresql://user:password@host:5432/dbname, postgresql+pg://…, mysql://user:password@host:3306/dbname, " +
  "mysql+mysql2://…, mariadb://user:password@host:3306/dbname.";

/** Dialect names accepted as aliases (`postgres://` is what many hosting services hand out). */
const BACKEND_ALIASES: Readonly<Record<string, string>> = { postgres: "postgresql" };

export interface URLParts {
  /** `backend` or `backend+driver`, e.g. "postgresql" or "mysql+mysql2". */
  drivername: string;
  username?: string | null;
  password?: string | null;
  host?: string | null;
  port?: number | null;
  database?: string | null;
  query?: Readonly<Record<string, string>>;
}

/**
 * A parsed, immutable database URL.
 * @example
 * const url = makeUrl("postgresql://scott:tiger@localhost/test");
 * String(url);            // "postgresql://scott:***@localhost/test"
 * url.set({ database: "other" }).database; // "other"
 */
export class URL {
  readonly drivername: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly database: string | null;
  readonly query: Readonly<Record<string, string>>;

  constructor(parts: URLParts) {
    this.drivername = parts.drivername;
    this.username = parts.username ?? null;
    this.password = parts.password ?? null;
    this.host = parts.host ?? null;
    this.port = parts.port ?? null;
    this.database = parts.database ?? null;
    this.query = Object.freeze({ ...(parts.query ?? {}) });
  }

  /** Builds a URL from its parts (SQLAlchemy: `URL.create`). */
  static create(parts: URLParts): URL {
    return new URL(parts);
  }

  /** The database backend, e.g. "postgresql" (SQLAlchemy: `get_backend_name()`). */
  get backend(): string {
    const name = this.drivername.split("+")[0]!;
    return BACKEND_ALIASES[name] ?? name;
  }
  /** The driver named after `+`, or null (SQLAlchemy: `get_driver_name()` without the default). */
  get driver(): string | null {
    return this.drivername.split("+")[1] ?? null;
  }

  /** A copy with some parts replaced (SQLAlchemy: `URL.set`). */
  set(parts: Partial<URLParts>): URL {
    return new URL({ ...this.parts(), ...parts });
  }
  /** A copy with query parameters added or replaced (SQLAlchemy: `update_query_dict`). */
  updateQuery(query: Readonly<Record<string, string>>): URL {
    return new URL({ ...this.parts(), query: { ...this.query, ...query } });
  }

  private parts(): URLParts {
    return {
      drivername: this.drivername,
      username: this.username,
      password: this.password,
      host: this.host,
      port: this.port,
      database: this.database,
      query: this.query,
    };
  }

  /** The URL as text; the password is `***` unless `hidePassword` is false. */
  renderAsString(options: { hidePassword?: boolean } = {}): string {
    const hide = options.hidePassword ?? true;
    let s = this.drivername + "://";
    if (this.username !== null) {
      s += encodePart(this.username);
      if (this.password !== null) s += ":" + (hide ? "***" : encodePart(this.password));
      s += "@";
    }
    if (this.host !== null) s += this.host.includes(":") ? `[${this.host}]` : this.host;
    if (this.port !== null) s += ":" + this.port;
    if (this.database !== null) s += "/" + this.database;
    const keys = Object.keys(this.query).sort();
    if (keys.length)
      s += "?" + keys.map((k) => encodeURIComponent(k) + "=" + encodeURIComponent(this.query[k]!)).join("&");
    return s;
  }
  toString(): string {
    return this.renderAsString({ hidePassword: true });
  }
  toJSON(): string {
    return this.toString();
  }
  /** Node's util.inspect (console.log) shows the masked form too. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `URL(${this.toString()})`;
  }
}

/** `@`, `:` and `/` must be escaped inside user and password. */
function encodePart(s: string): string {
  return s.replace(/[%@:/?#[\]\s]/g, (c) => encodeURIComponent(c));
}

function decode(s: string, what: string, raw: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new ArgumentError(
      `Bad percent-encoding in the ${what} of the database URL '${maskRaw(raw)}'. ${EXPECTED_FORMS}`,
      "ATH-URL",
    );
  }
}

/** Masks the password of a URL string that could not be parsed. */
function maskRaw(raw: string): string {
  return raw.replace(/^([^:/]*:\/\/[^:/@]*:)[^@]*@/, "$1***@");
}

const SCHEME_RE = /^([A-Za-z][\w+.-]*):\/\/(.*)$/s;

/**
 * Parses a database URL string (SQLAlchemy: `make_url`). A `URL` is returned as is.
 * @example makeUrl("sqlite:///app.db").database // "app.db"
 */
export function makeUrl(input: string | URL): URL {
  if (input instanceof URL) return input;
  if (typeof input !== "string")
    throw new ArgumentError(
      `A database URL must be a string or URL, got ${typeof input}. ${EXPECTED_FORMS}`,
      "ATH-URL",
    );
  const m = SCHEME_RE.exec(input.trim());
  if (!m)
    throw new ArgumentError(
      `Could not parse a database URL from '${maskRaw(input)}'. ${EXPECTED_FORMS}`,
      "ATH-URL",
    );
  const drivername = m[1]!.toLowerCase();
  let rest = m[2]!;

  let queryString = "";
  const qi = rest.indexOf("?");
  if (qi !== -1) {
    queryString = rest.slice(qi + 1);
    rest = rest.slice(0, qi);
  }
  const query: Record<string, string> = {};
  if (queryString) {
    for (const pair of queryString.split("&")) {
      if (!pair) continue;
      const eq = pair.indexOf("=");
      const k = decode((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, " "), "query", input);
      query[k] = decode((eq === -1 ? "" : pair.slice(eq + 1)).replace(/\+/g, " "), "query", input);
    }
  }

  // authority = everything up to the first "/" (the database path follows it).
  const slash = rest.indexOf("/");
  const authority = slash === -1 ? rest : rest.slice(0, slash);
  const database = slash === -1 ? null : decode(rest.slice(slash + 1), "database", input);

  let username: string | null = null;
  let password: string | null = null;
  let hostPort = authority;
  const at = authority.lastIndexOf("@");
  if (at !== -1) {
    const userinfo = authority.slice(0, at);
    hostPort = authority.slice(at + 1);
    const colon = userinfo.indexOf(":");
    username = decode(colon === -1 ? userinfo : userinfo.slice(0, colon), "user name", input);
    password = colon === -1 ? null : decode(userinfo.slice(colon + 1), "password", input);
  }

  let host: string | null = null;
  let port: number | null = null;
  if (hostPort) {
    let portText: string | null = null;
    if (hostPort.startsWith("[")) {
      const close = hostPort.indexOf("]");
      if (close === -1)
        throw new ArgumentError(
          `Unclosed '[' in the host of the database URL '${maskRaw(input)}'. ${EXPECTED_FORMS}`,
          "ATH-URL",
        );
      host = hostPort.slice(1, close);
      const after = hostPort.slice(close + 1);
      if (after.startsWith(":")) portText = after.slice(1);
      else if (after)
        throw new ArgumentError(
          `Could not parse the host of the database URL '${maskRaw(input)}'. ${EXPECTED_FORMS}`,
          "ATH-URL",
        );
    } else {
      const colon = hostPort.lastIndexOf(":");
      host = colon === -1 ? hostPort : hostPort.slice(0, colon);
      if (colon !== -1) portText = hostPort.slice(colon + 1);
      host = host ? decode(host, "host", input) : null;
    }
    if (portText !== null && portText !== "") {
      if (!/^\d+$/.test(portText) || Number(portText) > 65535) {
        throw new ArgumentError(
          `Bad port '${portText}' in the database URL '${maskRaw(input)}': give a number from 1 to 65535.`,
          "ATH-URL",
        );
      }
      port = Number(portText);
    }
  }

  const url = new URL({ drivername, username, password, host, port, database, query });
  if (url.backend === "sqlite") {
    if (host !== null || username !== null) {
      throw new ArgumentError(
        `A SQLite URL has no host or user: '${maskRaw(input)}'. Use three slashes for a relative path (sqlite:///app.db), four for an absolute one (sqlite:////var/data/app.db).`,
        "ATH-URL",
      );
    }
    // sqlite:// and sqlite:///:memory: are both in-memory databases.
    if (database === "" || database === null) return url.set({ database: null });
  } else if (database === "") {
    return url.set({ database: null });
  }
  return url;
}
