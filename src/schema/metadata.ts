/**
 * `MetaData`: a collection of tables and the naming convention of their constraints
 * (SQLAlchemy: `schema.MetaData`).
 *
 * @example
 * const metadata = new MetaData({ namingConvention: { pk: "pk_%(table_name)s", fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s" } });
 * const users = new Table("users", metadata, { id: Column(Integer, { primaryKey: true }) });
 * await metadata.createAll(engine);   // CREATE TABLE for the tables that don't exist yet
 * await metadata.dropAll(engine);
 */
import { ArgumentError } from "../util/errors.js";
import type { DdlBind } from "./bind.js";
import { createAll, dropAll } from "./ddl-runner.js";
import { DEFAULT_NAMING_CONVENTION, type NamingConvention } from "./naming.js";
import { runReflector, type ReflectOptions } from "./reflect-hook.js";
import { sortTablesAndConstraints } from "./sort.js";
import type { Table } from "./table.js";

export interface MetaDataOptions {
  /**
   * Templates that name constraints and indexes, by kind (`ix`, `uq`, `ck`, `fk`, `pk`); merged
   * over the default `{ ix: "ix_%(column_0_label)s" }`. See `NamingConvention`.
   */
  namingConvention?: NamingConvention;
  /** Default schema of the tables (PostgreSQL schema, MySQL database). */
  schema?: string | null;
}

export interface CreateDropOptions {
  /** Check the catalog first and skip tables that already exist (create) or don't (drop). Default true. */
  checkFirst?: boolean;
  /** Only these tables (default: all of the MetaData's). */
  tables?: readonly Table<any, any>[];
}

export class MetaData {
  readonly namingConvention: Readonly<NamingConvention>;
  readonly schema: string | null;
  private readonly _tables = new Map<string, Table<any, any>>();
  private _snapshot: Readonly<Record<string, Table<any, any>>> | null = null;

  constructor(options: MetaDataOptions = {}) {
    this.namingConvention = Object.freeze({ ...DEFAULT_NAMING_CONVENTION, ...options.namingConvention });
    this.schema = options.schema ?? null;
  }

  /** The tables, by key (`name`, or `schema.name` for a table with a schema). */
  get tables(): Readonly<Record<string, Table<any, any>>> {
    if (!this._snapshot) {
      const o: Record<string, Table<any, any>> = Object.create(null);
      for (const [k, t] of this._tables) o[k] = t;
      this._snapshot = Object.freeze(o);
    }
    return this._snapshot;
  }

  /**
   * The tables in foreign key dependency order: referenced tables before the tables that
   * reference them; ties by key. Cycles are broken as createAll breaks them.
   */
  get sortedTables(): Table<any, any>[] {
    return sortTablesAndConstraints([...this._tables.values()]).tables;
  }

  /** Removes one table (SQLAlchemy: `MetaData.remove`). */
  remove(table: Table<any, any>): void {
    if (this._tables.get(table.key) !== table) {
      throw new ArgumentError(`Table '${table.key}' is not in this MetaData.`, "ATH-TABLE");
    }
    this._tables.delete(table.key);
    this._snapshot = null;
  }

  /** Removes every table. */
  clear(): void {
    this._tables.clear();
    this._snapshot = null;
  }

  /**
   * Creates the tables, their indexes and (PostgreSQL) enum types, in dependency order, in one
   * transaction when given an Engine. Given a Connection, runs in its transaction; commit it.
   */
  async createAll(bind: DdlBind, options: CreateDropOptions = {}): Promise<void> {
    await createAll(this.pick(options.tables), bind, options.checkFirst ?? true);
  }

  /** Drops the tables (and PostgreSQL enum types they use) in reverse dependency order. */
  async dropAll(bind: DdlBind, options: CreateDropOptions = {}): Promise<void> {
    const tables = this.pick(options.tables);
    const others = [...this._tables.values()].filter((t) => !tables.includes(t));
    await dropAll(tables, others, bind, options.checkFirst ?? true);
  }

  /**
   * Loads the tables of a live database into this MetaData (SQLAlchemy: `MetaData.reflect`):
   * columns with their types, defaults and comments, primary and foreign keys, unique and
   * check constraints, indexes. Tables already in the MetaData are kept as they are.
   * @example const md = new MetaData(); await md.reflect(engine, { only: ["users"] }); md.tables.users
   */
  async reflect(bind: DdlBind, options: ReflectOptions = {}): Promise<void> {
    await runReflector(this, bind, options);
  }

  private pick(tables: readonly Table<any, any>[] | undefined): Table<any, any>[] {
    if (!tables) return [...this._tables.values()];
    for (const t of tables) {
      if (this._tables.get(t.key) !== t)
        throw new ArgumentError(`Table '${t.key}' is not in this MetaData.`, "ATH-TABLE");
    }
    return [...tables];
  }

  /** @internal */
  _lookup(key: string): Table<any, any> | undefined {
    return this._tables.get(key);
  }
  /** @internal */
  _addTable(t: Table<any, any>): void {
    this._tables.set(t.key, t);
    this._snapshot = null;
  }
}
