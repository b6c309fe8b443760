/**
 * `inspect(engine | connection)`: reads the schema of a live database (SQLAlchemy:
 * `sqlalchemy.inspect(engine)` → `Inspector`). The dialect's inspector runs the catalog
 * queries; answers are cached for the life of the Inspector (call `clearCache()` after DDL,
 * or make a new one).
 *
 * @example
 * const insp = inspect(engine);
 * await insp.getTableNames();              // ["orders", "users"]
 * await insp.getColumns("users");          // [{ name: "id", type: Integer, nullable: false, … }, …]
 * await insp.getForeignKeys("orders");     // [{ columns: ["user_id"], referredTable: "users", ondelete: "CASCADE", … }]
 */
import type { Dialect } from "../../dialects/base/dialect.js";
import type {
  CatalogReader,
  DialectInspector,
  InspectorTraits,
  ReflectedCheckConstraint,
  ReflectedColumn,
  ReflectedForeignKey,
  ReflectedIndex,
  ReflectedPrimaryKey,
  ReflectedTableOptions,
  ReflectedUniqueConstraint,
} from "../../dialects/base/inspector.js";
import { ArgumentError } from "../../util/errors.js";
import { Connection } from "../connection.js";
import { Engine } from "../engine.js";

/** A CatalogReader over a Connection: queries are logged and errors translated like any statement. */
function readerFor(conn: Connection): CatalogReader {
  return {
    async query(sql, params = []) {
      return (await conn.execDriverSql(sql, params)).all() as Record<string, unknown>[];
    },
  };
}

export class Inspector {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(readonly bind: Engine | Connection) {
    if (!(bind instanceof Engine) && !(bind instanceof Connection)) {
      throw new ArgumentError("inspect() takes an Engine or a Connection.", "ATH-INSPECT");
    }
  }

  get dialect(): Dialect {
    return this.bind.dialect;
  }

  /** What this database's catalog can't tell apart (see InspectorTraits). */
  get traits(): InspectorTraits {
    return this.dialect.createInspector({ query: async () => [] }).traits;
  }

  /** Forgets cached answers (after running DDL). */
  clearCache(): void {
    this.cache.clear();
  }

  /** Runs `fn` with the dialect inspector on a connection: the bound one, or a fresh one from the engine. */
  private async run<T>(fn: (d: DialectInspector) => Promise<T>): Promise<T> {
    if (this.bind instanceof Connection) return fn(this.dialect.createInspector(readerFor(this.bind)));
    const conn = await this.bind.connect();
    try {
      return await fn(this.dialect.createInspector(readerFor(conn)));
    } finally {
      await conn.close();
    }
  }

  private cached<T>(key: string, fn: (d: DialectInspector) => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = this.run(fn);
      this.cache.set(key, p);
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  /** The connection's default schema (PostgreSQL `current_schema()`, MySQL `DATABASE()`, SQLite "main"). */
  getDefaultSchemaName(): Promise<string | null> {
    return this.cached("schema", (d) => d.defaultSchemaName());
  }
  /** Names of the base tables in `schema` (default: the connection's), sorted. */
  getTableNames(schema: string | null = null): Promise<string[]> {
    return this.cached(`tables:${schema}`, (d) => d.tableNames(schema));
  }
  hasTable(table: string, schema: string | null = null): Promise<boolean> {
    return this.cached(`has:${schema}:${table}`, (d) => d.hasTable(table, schema));
  }
  /** Columns in order, with types normalised to Athanor types. Raises ATH-NO-SUCH-TABLE for a missing table. */
  getColumns(table: string, schema: string | null = null): Promise<ReflectedColumn[]> {
    return this.cached(`columns:${schema}:${table}`, (d) => d.columns(table, schema));
  }
  getPkConstraint(table: string, schema: string | null = null): Promise<ReflectedPrimaryKey> {
    return this.cached(`pk:${schema}:${table}`, (d) => d.primaryKey(table, schema));
  }
  getForeignKeys(table: string, schema: string | null = null): Promise<ReflectedForeignKey[]> {
    return this.cached(`fk:${schema}:${table}`, (d) => d.foreignKeys(table, schema));
  }
  getIndexes(table: string, schema: string | null = null): Promise<ReflectedIndex[]> {
    return this.cached(`ix:${schema}:${table}`, (d) => d.indexes(table, schema));
  }
  getUniqueConstraints(table: string, schema: string | null = null): Promise<ReflectedUniqueConstraint[]> {
    return this.cached(`uq:${schema}:${table}`, (d) => d.uniqueConstraints(table, schema));
  }
  getCheckConstraints(table: string, schema: string | null = null): Promise<ReflectedCheckConstraint[]> {
    return this.cached(`ck:${schema}:${table}`, (d) => d.checkConstraints(table, schema));
  }
  getTableOptions(table: string, schema: string | null = null): Promise<ReflectedTableOptions> {
    return this.cached(`opts:${schema}:${table}`, (d) => d.tableOptions(table, schema));
  }
  async getTableComment(table: string, schema: string | null = null): Promise<string | null> {
    return (await this.getTableOptions(table, schema)).comment;
  }
}

/**
 * An Inspector for an Engine (each question uses a pooled connection) or a Connection (questions
 * run on it, inside its transaction).
 */
export function inspect(bind: Engine | Connection): Inspector {
  return new Inspector(bind);
}
