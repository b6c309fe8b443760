/**
 * Reading a live database's schema (SQLAlchemy: `engine/reflection.py` and each dialect's
 * `get_columns`, `get_pk_constraint`, … methods). Each dialect folder has an `inspector.ts`
 * implementing `DialectInspector` with its catalog queries; the engine's `Inspector`
 * (`inspect(engine)`) runs them through a `CatalogReader`, caches the answers and builds
 * `Table` objects from them (`metadata.reflect(engine)`).
 *
 * Types are normalised back to Athanor types (`VARCHAR(50)` → `String(50)`, MariaDB
 * `TINYINT(1)` → `Boolean`); a type Athanor has no class for comes back as a `RawType`
 * holding the database's own spelling, and `rawType` always holds that spelling.
 */
import { InvalidRequestError } from "../../util/errors.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import type { ReferentialAction } from "../../schema/foreign-key.js";

/**
 * Runs one catalog query in the driver's own parameter style (`?`, or `$1` on PostgreSQL)
 * and returns the rows keyed by column name. The engine implements it over a Connection,
 * so queries are logged and driver errors are translated as usual.
 */
export interface CatalogReader {
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
}

/** A column as the database describes it (SQLAlchemy: `ReflectedColumn`). */
export interface ReflectedColumn {
  readonly name: string;
  /** The Athanor type (a `RawType` when Athanor has no class for it). */
  readonly type: TypeEngine<any>;
  /** The type as the database spells it, e.g. `character varying(50)`, `int(11)`. */
  readonly rawType: string;
  readonly nullable: boolean;
  /** The server default as SQL text (`'abc'::character varying`, `CURRENT_TIMESTAMP`), or null. */
  readonly default: string | null;
  /** The column is filled by the database (SERIAL/IDENTITY, AUTO_INCREMENT, INTEGER PRIMARY KEY). */
  readonly autoincrement: boolean;
  readonly comment: string | null;
  /** A generated column's expression (not compared by autogenerate). */
  readonly computed?: string | null;
  /** MySQL `ON UPDATE …` of the column, as SQL text. */
  readonly onUpdate?: string | null;
}

export interface ReflectedPrimaryKey {
  /** The constraint's name (null where the database has none: SQLite without CONSTRAINT, MySQL's PRIMARY). */
  readonly name: string | null;
  readonly columns: readonly string[];
}

export interface ReflectedForeignKey {
  readonly name: string | null;
  readonly columns: readonly string[];
  /** The referenced table's schema when it is not the default one. */
  readonly referredSchema: string | null;
  readonly referredTable: string;
  readonly referredColumns: readonly string[];
  /** null when the database reports its default (NO ACTION; RESTRICT on MySQL). */
  readonly ondelete: ReferentialAction | null;
  readonly onupdate: ReferentialAction | null;
  readonly deferrable?: boolean | null;
  readonly initially?: "DEFERRED" | "IMMEDIATE" | null;
}

export interface ReflectedIndex {
  readonly name: string;
  /** Column names in order; null where that key part is an expression (see `expressions`). */
  readonly columns: readonly (string | null)[];
  /** Each key part's SQL: the quoted column name or the expression. */
  readonly expressions: readonly string[];
  readonly unique: boolean;
  /** Partial index condition (PostgreSQL, SQLite), as SQL text. */
  readonly where?: string | null;
  /** MySQL prefix lengths by column name. */
  readonly mysqlLength?: Readonly<Record<string, number>> | null;
  /** True when some key part is an expression or ordering Athanor's comparison can't read. */
  readonly hasExpressions: boolean;
}

export interface ReflectedUniqueConstraint {
  /** null for SQLite's unnamed inline UNIQUE. */
  readonly name: string | null;
  readonly columns: readonly string[];
}

export interface ReflectedCheckConstraint {
  readonly name: string | null;
  /** The condition, without the surrounding CHECK ( ). */
  readonly sqltext: string;
}

/** Table-level options: comment and MySQL storage options. */
export interface ReflectedTableOptions {
  readonly comment: string | null;
  readonly mysqlEngine?: string | null;
  readonly mysqlCharset?: string | null;
  readonly mysqlCollate?: string | null;
  /** SQLite `AUTOINCREMENT` on the rowid alias. */
  readonly sqliteAutoincrement?: boolean;
}

/** What every dialect's inspector answers. `schema` null means the connection's default schema. */
export interface DialectInspector {
  /** The connection's default schema (PostgreSQL current_schema(), MySQL DATABASE(), SQLite "main"). */
  defaultSchemaName(): Promise<string | null>;
  /** Base tables (not views), sorted by name. */
  tableNames(schema: string | null): Promise<string[]>;
  hasTable(table: string, schema: string | null): Promise<boolean>;
  columns(table: string, schema: string | null): Promise<ReflectedColumn[]>;
  primaryKey(table: string, schema: string | null): Promise<ReflectedPrimaryKey>;
  foreignKeys(table: string, schema: string | null): Promise<ReflectedForeignKey[]>;
  /** Indexes that are not the database's own backing of a constraint (primary key, UNIQUE). */
  indexes(table: string, schema: string | null): Promise<ReflectedIndex[]>;
  /** UNIQUE constraints. MySQL has no separate kind: its unique indexes are reported here and in `indexes`. */
  uniqueConstraints(table: string, schema: string | null): Promise<ReflectedUniqueConstraint[]>;
  checkConstraints(table: string, schema: string | null): Promise<ReflectedCheckConstraint[]>;
  tableOptions(table: string, schema: string | null): Promise<ReflectedTableOptions>;
  /**
   * What reflection of this database cannot tell apart; autogenerate reads these to avoid
   * reporting differences that are only the catalog's way of storing things.
   */
  readonly traits: InspectorTraits;
}

export interface InspectorTraits {
  /** UNIQUE constraints are unique indexes (MySQL): one can't be told from the other. */
  readonly uniqueConstraintsAreIndexes: boolean;
  /** The database adds an index of its own for each foreign key that has none (MySQL, named after the key). */
  readonly foreignKeysCreateIndexes: boolean;
  /** The catalog keeps column and table comments. */
  readonly supportsComments: boolean;
  /** Inline UNIQUE constraints may have no name (SQLite). */
  readonly unnamedConstraints: boolean;
  /** ON DELETE/UPDATE actions the catalog reports for "no action given" (reflected as null). */
  readonly defaultReferentialActions: readonly string[];
}

/** Why a table can't be read: it does not exist. */
export function noSuchTable(table: string, schema: string | null): InvalidRequestError {
  return new InvalidRequestError(
    `Table '${schema ? schema + "." : ""}${table}' does not exist in the database (reflection found no columns). ` +
      "Check the name and schema, or list what exists with inspector.getTableNames().",
    "ATH-NO-SUCH-TABLE",
  );
}

/** Maps the words catalogs use for ON DELETE/ON UPDATE to ours; the database's default becomes null. */
export function normalizeAction(
  v: unknown,
  defaults: readonly string[] = ["NO ACTION"],
): ReferentialAction | null {
  if (v === null || v === undefined) return null;
  const up = String(v).toUpperCase().replace(/_/g, " ").trim();
  if (up === "" || defaults.includes(up)) return null;
  if (["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"].includes(up))
    return up as ReferentialAction;
  return null;
}
