/**
 * The version table (Alembic: `alembic_version`): one row per head the database is at, in the
 * column `version_num`. Created on first use; read and written with Core statements, so
 * offline runs write the same statements with their values inline.
 */
import type { Connection } from "../../engine/connection.js";
import { Column } from "../../schema/column.js";
import { PrimaryKeyConstraint } from "../../schema/constraints.js";
import { MetaData } from "../../schema/metadata.js";
import { Table } from "../../schema/table.js";
import { delete_, insert, update } from "../../sql/dml.js";
import { select } from "../../sql/select.js";
import { StringType } from "../../sql/types/generic.js";
import type { MigrateImpl } from "../impl/impl.js";

export const DEFAULT_VERSION_TABLE = "athanor_version";

export class VersionTable {
  readonly table: Table;
  private readonly column: Column<string>;

  constructor(
    readonly name: string = DEFAULT_VERSION_TABLE,
    readonly schema: string | null = null,
  ) {
    this.table = new Table(
      name,
      new MetaData(),
      { version_num: new Column(new StringType(32), { nullable: false }) },
      new PrimaryKeyConstraint("version_num", { name: `${name}_pkc` }),
      { schema },
    );
    this.column = this.table.columns[0] as Column<string>;
  }

  async exists(conn: Connection): Promise<boolean> {
    return conn.hasTable(this.name, this.schema);
  }

  /** The heads recorded in the database (none when the table doesn't exist yet). */
  async read(conn: Connection): Promise<string[]> {
    if (!(await this.exists(conn))) return [];
    const rows = await conn.scalars(select(this.column));
    return (rows as string[]).sort();
  }

  /** Creates the table if it doesn't exist (offline: always writes the CREATE TABLE). */
  async ensure(impl: MigrateImpl): Promise<void> {
    if (impl.connection && (await this.exists(impl.connection))) return;
    await impl.createTable(this.table);
  }

  /** Records the change of heads from `from` to `to`. */
  async write(impl: MigrateImpl, from: readonly string[], to: readonly string[]): Promise<void> {
    const gone = from.filter((h) => !to.includes(h));
    const added = to.filter((h) => !from.includes(h));
    const c = this.column;
    // One head replaced by another is an UPDATE, as Alembic writes it.
    if (gone.length === 1 && added.length === 1) {
      await impl.execStatement(update(this.table).values({ version_num: added[0]! }).where(c.eq(gone[0]!)));
      return;
    }
    for (const h of gone) await impl.execStatement(delete_(this.table).where(c.eq(h)));
    for (const h of added) await impl.execStatement(insert(this.table).values({ version_num: h }));
  }
}
