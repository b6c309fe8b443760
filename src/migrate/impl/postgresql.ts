/**
 * PostgreSQL migrations (Alembic: `ddl/postgresql.py`): `ALTER COLUMN … TYPE … [USING …]`,
 * `SET/DROP NOT NULL`, `SET/DROP DEFAULT`, `COMMENT ON COLUMN`, `RENAME COLUMN`; named enum
 * types are created before the tables and columns that use them, and dropped with the last
 * table that used them.
 */
import type { NamedEnumType } from "../../schema/ddl-compiler.js";
import { Column } from "../../schema/column.js";
import { CreateEnumTypeElement, DropEnumTypeElement, SetColumnCommentElement } from "../../schema/ddl.js";
import { MetaData } from "../../schema/metadata.js";
import { Table } from "../../schema/table.js";
import { EnumType, IntegerType } from "../../sql/types/generic.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import { func } from "../../sql/functions.js";
import { select } from "../../sql/select.js";
import type { AlterColumnOp } from "../operations/table-ops.js";
import { MigrateImpl } from "./impl.js";

/** The advisory lock's two int4 keys: a constant for Athanor's migrations, a hash of the version table. */
function advisoryKey(key: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return [0x41544831, h | 0];
}

export class PostgresImpl extends MigrateImpl {
  /** A session-level advisory lock, tried every 250 ms (a blocked pg_advisory_lock can't time out by itself). */
  override async lockRuns(key: string, timeoutSeconds: number): Promise<boolean> {
    const conn = this.connection!;
    const [a, b] = advisoryKey(key);
    const deadline = Date.now() + timeoutSeconds * 1000;
    for (;;) {
      const got = await conn.scalar(select(func.pg_try_advisory_lock!<boolean>(a, b)));
      await conn.commit();
      if (got === true) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(250, Math.max(0, deadline - Date.now()))));
    }
  }
  override async unlockRuns(key: string): Promise<void> {
    const conn = this.connection!;
    const [a, b] = advisoryKey(key);
    await conn.scalar(select(func.pg_advisory_unlock!(a, b)));
    await conn.commit();
  }

  /** Creates a named enum type unless it exists (offline: creates it). */
  private async ensureEnumTypes(types: readonly NamedEnumType[]): Promise<void> {
    for (const e of types) {
      if (this.connection) {
        const q = this.compiler.typeExistsQuery(e);
        if (q && (await this.connection.execute(q)).scalar() != null) continue;
      }
      await this.execElement(new CreateEnumTypeElement(e.type, { schema: e.schema }));
    }
  }

  private enumTypesOf(table: Table): NamedEnumType[] {
    return this.compiler.namedEnumTypes(table);
  }

  override async createTable(table: Table): Promise<void> {
    await this.ensureEnumTypes(this.enumTypesOf(table));
    await super.createTable(table);
  }

  /** Drops the table, then the enum types it was the last user of. */
  override async dropTable(name: string, schema: string | null, definition: Table | null): Promise<void> {
    let enums: string[] = [];
    if (this.connection) {
      const cols = await this.inspector("dropTable")
        .getColumns(name, schema)
        .catch(() => []);
      enums = cols.flatMap((c) => (c.type instanceof EnumType && c.type.name ? [c.type.name] : []));
    } else if (definition) {
      enums = this.enumTypesOf(definition).flatMap((e) => (e.type.name ? [e.type.name] : []));
    }
    await super.dropTable(name, schema, definition);
    for (const typeName of [...new Set(enums)]) {
      if (this.connection && (await this.enumInUse(typeName, schema))) continue;
      await this.execElement(
        new DropEnumTypeElement(new EnumType(["x"], typeName), {
          schema,
          ifExists: this.connection === null,
        }),
      );
    }
  }

  private async enumInUse(typeName: string, schema: string | null): Promise<boolean> {
    const rows = await this.connection!.execDriverSql(
      "SELECT 1 AS x FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid " +
        "JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace JOIN pg_catalog.pg_class c ON c.oid = a.attrelid " +
        "WHERE t.typname = $1 AND n.nspname = COALESCE(CAST($2 AS TEXT), current_schema()) AND a.attnum > 0 " +
        "AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm') LIMIT 1",
      [typeName, schema],
    );
    return rows.all().length > 0;
  }

  override async addColumn(table: Table, column: Column): Promise<void> {
    await this.ensureEnumTypes(this.enumTypesOf(table));
    await super.addColumn(table, column);
  }

  /** A column in a throwaway table, for compiling pieces of an ALTER. */
  private scratch(op: AlterColumnOp, type: TypeEngine<any>, extra: Record<string, unknown> = {}): Column {
    const col = new Column(type, extra);
    new Table(op.tableName, new MetaData(), { [op.columnName]: col }, { schema: op.schema });
    return col;
  }

  override async alterColumn(op: AlterColumnOp): Promise<void> {
    const o = op.options;
    const c = this.compiler;
    const prefix = `ALTER TABLE ${c.tableNameSql(op.tableName, op.schema)} ALTER COLUMN ${c.quote(op.columnName)} `;
    if (o.nullable !== undefined) await this.exec(prefix + (o.nullable ? "DROP NOT NULL" : "SET NOT NULL"));
    if (o.serverDefault !== undefined) {
      if (o.serverDefault === null) await this.exec(prefix + "DROP DEFAULT");
      else {
        const col = this.scratch(op, o.type ?? o.existingType ?? new IntegerType(), {
          serverDefault: o.serverDefault,
        });
        await this.exec(prefix + "SET DEFAULT " + c.defaultSql(col));
      }
    }
    if (o.type !== undefined) {
      const col = this.scratch(op, o.type);
      await this.ensureEnumTypes(this.enumTypesOf(col.table as Table));
      // An explicit cast lets text become a number and the like, where PostgreSQL casts nothing implicitly.
      const typeSql = c.columnTypeSql(col);
      const using = o.postgresqlUsing ?? `${c.quote(op.columnName)}::${typeSql}`;
      await this.exec(prefix + "TYPE " + typeSql + " USING " + using);
    }
    if (o.comment !== undefined) {
      const col = this.scratch(
        op,
        o.type ?? o.existingType ?? new IntegerType(),
        o.comment === null ? {} : { comment: o.comment },
      );
      await this.execElement(new SetColumnCommentElement(col));
    }
    if (o.newColumnName !== undefined)
      await this.renameColumn(op.tableName, op.columnName, o.newColumnName, op.schema);
  }

  /** PostgreSQL's catalog spellings (format_type) and the DDL's, reduced to one. */
  override normalizeTypeSpelling(spelling: string): string {
    let t = super.normalizeTypeSpelling(spelling).replace(/"/g, "");
    t = t.replace(/^[a-z_][a-z0-9_$]*\.(?=[a-z_])/, "");
    const rules: [RegExp, string | ((...m: string[]) => string)][] = [
      [/^character varying/, "varchar"],
      [/^character(?=\(|$|\[)/, "char"],
      [/^(int|int4)(?=$|\[)/, "integer"],
      [/^int8(?=$|\[)/, "bigint"],
      [/^int2(?=$|\[)/, "smallint"],
      [/^(float8|float|double precision)(?=$|\[)/, "double precision"],
      [/^float\((\d+)\)/, (_m, p) => (Number(p) <= 24 ? "real" : "double precision")],
      [/^float4(?=$|\[)/, "real"],
      [/^decimal/, "numeric"],
      [/^bool(?=$|\[)/, "boolean"],
      [/^timestamp(\(\d+\))? without time zone/, "timestamp$1"],
      [/^timestamp(\(\d+\))? with time zone/, "timestamptz$1"],
      [/^time(\(\d+\))? without time zone/, "time$1"],
      [/^time(\(\d+\))? with time zone/, "timetz$1"],
    ];
    for (const [re, to] of rules) t = t.replace(re, to as any);
    // PostgreSQL doesn't keep an array's number of dimensions: INTEGER[][] reads back as integer[].
    return t.replace(/(\[\])+$/, "[]");
  }

  /** Strips the casts PostgreSQL adds to stored defaults (`'abc'::character varying`). */
  override normalizeDefaultSql(sql: string): string {
    let s = sql.trim();
    for (let prev = ""; prev !== s;) {
      prev = s;
      s = s.replace(/::[a-z_][a-z0-9_ ]*(\(\d+(,\s*\d+)?\))?(\[\])*$/i, "").trim();
    }
    return super.normalizeDefaultSql(s);
  }
}
