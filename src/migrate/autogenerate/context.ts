/**
 * What the comparators share (Alembic: `AutogenContext`): the connection's inspector, the
 * dialect's implementation (which says what counts as the same type or default there), the
 * database's tables reflected as Table objects (for operations that must be reversible), and
 * the options.
 */
import type { InspectorTraits } from "../../dialects/base/inspector.js";
import type { Connection } from "../../engine/connection.js";
import { Inspector } from "../../engine/reflection/inspector.js";
import { reflectTable } from "../../engine/reflection/reflect-table.js";
import { MetaData } from "../../schema/metadata.js";
import { tableKey, type Table } from "../../schema/table.js";
import type { MigrateImpl } from "../impl/impl.js";
import { implFor } from "../impl/registry.js";

export interface CompareOptions {
  /** Compare column types (default true, as Alembic 1.12+). */
  compareType?: boolean;
  /** Compare server defaults (default false, as Alembic: catalogs rewrite defaults in ways that are hard to judge). */
  compareServerDefault?: boolean;
  /** Compare column comments where the database keeps them (default true). */
  compareComments?: boolean;
  /** Only tables for which this returns true take part (both sides). */
  includeTable?: (name: string, schema: string | null) => boolean;
  /** The version table, never compared (default "athanor_version"). */
  versionTable?: string;
}

export class AutogenContext {
  readonly inspector: Inspector;
  readonly impl: MigrateImpl;
  readonly traits: InspectorTraits;
  /** The database's tables as Table objects, reflected on demand. */
  readonly reflected = new MetaData();

  constructor(
    readonly connection: Connection,
    readonly options: CompareOptions,
  ) {
    this.inspector = new Inspector(connection);
    this.impl = implFor({ dialect: connection.dialect, connection });
    this.traits = this.inspector.traits;
  }

  get versionTable(): string {
    return this.options.versionTable ?? "athanor_version";
  }

  includes(name: string, schema: string | null): boolean {
    if (name === this.versionTable) return false;
    return this.options.includeTable ? this.options.includeTable(name, schema) : true;
  }

  /** The database's table as a Table (its foreign key targets reflected too). */
  async reflectedTable(name: string, schema: string | null): Promise<Table> {
    return (
      this.reflected.tables[tableKey(name, schema)] ??
      reflectTable(this.inspector, this.reflected, name, { schema })
    );
  }
}
