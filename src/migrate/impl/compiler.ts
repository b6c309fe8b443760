/**
 * The DDL compiler migrations use: the dialect's own DDL compiler, extended to spell RawType
 * columns as written and to expose the pieces ALTER statements are made of (Alembic:
 * `ddl/base.py`, whose `@compiles` functions play this part).
 */
import type { Dialect } from "../../dialects/base/dialect.js";
import { RawType } from "../../dialects/base/raw-type.js";
import type { Column } from "../../schema/column.js";
import type { DdlElement } from "../../schema/ddl.js";
import { DdlCompiler } from "../../schema/ddl-compiler.js";
import type { ClauseElement } from "../../sql/elements.js";
import type { TableClause } from "../../sql/selectable.js";

export interface MigrateCompiler extends DdlCompiler {
  /** The SQL of a DDL element. */
  sql(el: DdlElement): string;
  /** The column's type as in its CREATE TABLE (enum type names and raw spellings included). */
  columnTypeSql(col: Column): string;
  /** The column's DEFAULT expression, or null. */
  defaultSql(col: Column): string | null;
  /** `schema.table`, quoted. */
  tableSql(t: TableClause<any, any>): string;
  /** `schema.name`, quoted, for a table known by name. */
  tableNameSql(name: string, schema: string | null): string;
  expressionSql(e: ClauseElement): string;
}

const classes = new WeakMap<object, new (d: Dialect) => MigrateCompiler>();

export function migrateCompiler(dialect: Dialect): MigrateCompiler {
  const Base = dialect.DdlCompiler as unknown as typeof DdlCompiler;
  let Cls = classes.get(Base);
  if (!Cls) {
    class Compiler extends Base implements MigrateCompiler {
      protected override columnType(col: Column): string {
        return col.type instanceof RawType ? col.type.spelling : super.columnType(col);
      }
      sql(el: DdlElement): string {
        return this.compileStatement(el).sql;
      }
      columnTypeSql(col: Column): string {
        return this.columnType(col);
      }
      defaultSql(col: Column): string | null {
        return this.defaultClause(col);
      }
      tableSql(t: TableClause<any, any>): string {
        return this.formatTable(t);
      }
      tableNameSql(name: string, schema: string | null): string {
        return (schema ? this.quote(schema) + "." : "") + this.quote(name);
      }
      expressionSql(e: ClauseElement): string {
        return this.expression(e);
      }
    }
    Cls = Compiler as unknown as new (d: Dialect) => MigrateCompiler;
    classes.set(Base, Cls);
  }
  return new Cls(dialect);
}
