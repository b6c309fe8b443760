/**
 * MySQL/MariaDB migrations (Alembic: `ddl/mysql.py`). `ALTER TABLE … MODIFY` (or `CHANGE`, to
 * rename too) restates the whole column, so what the operation doesn't change is taken from
 * its `existing…` options, or read from the database when online. A default alone changes
 * with `ALTER COLUMN … SET/DROP DEFAULT`, a name alone with `RENAME COLUMN`.
 * Constraints are dropped by kind (`DROP FOREIGN KEY`, `DROP INDEX`, `DROP CONSTRAINT`): an
 * operation that doesn't say which kind is looked up in the catalog.
 */
import { RawType } from "../../dialects/base/raw-type.js";
import { Column, type ServerDefaultArg } from "../../schema/column.js";
import { ForeignKeyConstraint, type Constraint } from "../../schema/constraints.js";
import type { Index } from "../../schema/indexes.js";
import { func } from "../../sql/functions.js";
import { select } from "../../sql/select.js";
import { literalColumn } from "../../sql/text.js";
import { IntegerType } from "../../sql/types/generic.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import { MigrateError } from "../errors.js";
import type { ConstraintType, DropConstraintOp } from "../operations/constraint-ops.js";
import type { AlterColumnOp } from "../operations/table-ops.js";
import { MigrateImpl } from "./impl.js";

/** GET_LOCK's name (server-wide, at most 64 characters): the database and the version table. */
function lockName(database: string | null, key: string): string {
  const name = `athanor_migrate:${database ?? ""}.${key}`;
  if (name.length <= 64) return name;
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return `${name.slice(0, 55)}:${(h >>> 0).toString(16).padStart(8, "0")}`;
}

export class MysqlImpl extends MigrateImpl {
  /** A named lock of the session (GET_LOCK waits on the server up to the timeout). */
  override async lockRuns(key: string, timeoutSeconds: number): Promise<boolean> {
    const conn = this.connection!;
    const name = lockName(conn.engine.url.database, key);
    const got = await conn.scalar(select(func.get_lock!(name, Math.max(0, Math.ceil(timeoutSeconds)))));
    await conn.commit();
    return Number(got) === 1;
  }
  override async unlockRuns(key: string): Promise<void> {
    const conn = this.connection!;
    await conn.scalar(select(func.release_lock!(lockName(conn.engine.url.database, key))));
    await conn.commit();
  }

  override get alterRestatesColumn(): boolean {
    return true;
  }

  override async alterColumn(op: AlterColumnOp): Promise<void> {
    const o = op.options;
    const c = this.compiler;
    const table = c.tableNameSql(op.tableName, op.schema);
    const changes = op.changes;
    if (changes.length === 1 && changes[0] === "serverDefault") {
      const prefix = `ALTER TABLE ${table} ALTER COLUMN ${c.quote(op.columnName)} `;
      if (o.serverDefault === null) await this.exec(prefix + "DROP DEFAULT");
      else {
        const col = new Column(o.type ?? o.existingType ?? new IntegerType(), {
          name: op.columnName,
          serverDefault: o.serverDefault!,
        });
        await this.exec(prefix + "SET DEFAULT " + c.defaultSql(col));
      }
      return;
    }
    if (changes.length === 1 && changes[0] === "newColumnName") {
      await this.renameColumn(op.tableName, op.columnName, o.newColumnName!, op.schema);
      return;
    }
    let type: TypeEngine<any> | undefined = o.type ?? o.existingType;
    let nullable = o.nullable ?? o.existingNullable;
    let serverDefault: ServerDefaultArg | null | undefined =
      o.serverDefault !== undefined ? o.serverDefault : o.existingServerDefault;
    let comment = o.comment !== undefined ? o.comment : o.existingComment;
    let autoincrement = o.existingAutoincrement;
    let onUpdate: string | null = null;
    if (this.connection) {
      const r = await this.reflectedColumn(op.tableName, op.columnName, op.schema);
      type ??= new RawType(r.rawType);
      nullable ??= r.nullable;
      if (serverDefault === undefined) serverDefault = r.default === null ? null : literalColumn(r.default);
      if (comment === undefined) comment = r.comment;
      autoincrement ??= r.autoincrement;
      onUpdate = r.onUpdate ?? null;
    } else if (type === undefined || nullable === undefined) {
      throw new MigrateError(
        `${op.describe()}: MySQL restates the whole column in ALTER TABLE … MODIFY, and an offline (--sql) run can't ` +
          "read it from the database. Give existingType and existingNullable (and existingServerDefault, " +
          "existingComment when the column has them).",
        "ATH-MIGRATE-MYSQL-EXISTING",
      );
    }
    const name = o.newColumnName ?? op.columnName;
    const col = new Column(type!, {
      name,
      nullable: nullable!,
      ...(serverDefault !== null && serverDefault !== undefined ? { serverDefault } : {}),
      ...(onUpdate ? { serverOnupdate: literalColumn(onUpdate) } : {}),
    });
    let spec = c.columnSpecification(col);
    if (autoincrement) spec += " AUTO_INCREMENT";
    if (comment) spec += " COMMENT " + c.literal(comment);
    await this.exec(
      o.newColumnName !== undefined
        ? `ALTER TABLE ${table} CHANGE COLUMN ${c.quote(op.columnName)} ${spec}`
        : `ALTER TABLE ${table} MODIFY ${spec}`,
    );
  }

  override async dropIndex(ix: Index): Promise<void> {
    if (!ix.table || ix.table.name === "_unknown_table") {
      throw new MigrateError(
        `dropIndex('${ix.name}'): MySQL drops an index of a table (DROP INDEX … ON table); give it: ` +
          `op.dropIndex("${ix.name}", { tableName: "…" }).`,
        "ATH-MIGRATE-MYSQL-INDEX",
      );
    }
    await super.dropIndex(ix);
  }

  /**
   * After DROP FOREIGN KEY, the index InnoDB made for the key (named after it) stays behind;
   * drop it too, so dropping a key undoes adding it (online only: offline the catalog can't be read).
   */
  override async dropConstraint(c: Constraint): Promise<void> {
    await super.dropConstraint(c);
    if (!(c instanceof ForeignKeyConstraint) || !this.connection || !c.name || !c.table) return;
    const rows = await this.connection.execDriverSql(
      "SELECT 1 AS x FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) " +
        "AND TABLE_NAME = ? AND INDEX_NAME = ?",
      [c.table.schema, c.table.name, c.name],
    );
    if (rows.all().length) {
      await this.exec(`DROP INDEX ${this.compiler.quote(c.name)} ON ${this.compiler.tableSql(c.table)}`);
    }
  }

  /** Looks the constraint up by name when the operation doesn't say its kind. */
  override async constraintType(op: DropConstraintOp): Promise<ConstraintType | null> {
    if (op.type) return op.type;
    if (op.constraintName.toUpperCase() === "PRIMARY") return "primary";
    if (!this.connection) {
      throw new MigrateError(
        `${op.describe()}: MySQL drops each kind of constraint with its own statement; say which: ` +
          `op.dropConstraint("${op.constraintName}", "${op.tableName}", { type: "foreignkey" | "unique" | "check" | "primary" }).`,
        "ATH-MIGRATE-MYSQL-CONSTRAINT",
      );
    }
    const insp = this.inspector("dropConstraint");
    const rows = await this.connection.execDriverSql(
      "SELECT CONSTRAINT_TYPE AS t FROM information_schema.TABLE_CONSTRAINTS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) " +
        "AND TABLE_NAME = ? AND CONSTRAINT_NAME = ?",
      [op.schema, op.tableName, op.constraintName],
    );
    const t = String((rows.all()[0] as { t?: string } | undefined)?.t ?? "");
    insp.clearCache();
    const kinds: Record<string, ConstraintType> = {
      "FOREIGN KEY": "foreignkey",
      UNIQUE: "unique",
      CHECK: "check",
      "PRIMARY KEY": "primary",
    };
    const kind = kinds[t];
    if (!kind) {
      throw new MigrateError(
        `Table '${op.tableName}' has no constraint named '${op.constraintName}'.`,
        "ATH-MIGRATE-NO-CONSTRAINT",
      );
    }
    return kind;
  }

  /** COLUMN_TYPE spellings (display widths, TINYINT(1)) and the DDL's, reduced to one. */
  override normalizeTypeSpelling(spelling: string): string {
    let t = super.normalizeTypeSpelling(spelling).replace(/ (collate|character set|charset) \S+/g, "");
    t = t.replace(/^(tinyint|smallint|mediumint|int|integer|bigint)\((\d+)\)/, (_m, n: string, w: string) =>
      n === "tinyint" && w === "1" ? "boolean" : n,
    );
    const blob = (n: number) =>
      n <= 255 ? "tinyblob" : n <= 65535 ? "blob" : n <= 16777215 ? "mediumblob" : "longblob";
    const rules: [RegExp, string | ((...m: string[]) => string)][] = [
      [/^integer\b/, "int"],
      [/^(bool|boolean)$/, "boolean"],
      [/^numeric/, "decimal"],
      [/^(double precision|real)$/, "double"],
      [/^float\((\d+)\)$/, (_m, p) => (Number(p) <= 24 ? "float" : "double")],
      [/^blob\((\d+)\)$/, (_m, n) => blob(Number(n))],
      [/^(datetime|timestamp|time)\(0\)$/, "$1"],
    ];
    for (const [re, to] of rules) t = t.replace(re, to as any);
    return t;
  }

  /** Booleans are stored as 0/1. */
  override normalizeDefaultSql(sql: string): string {
    const s = sql.trim().toLowerCase();
    return super.normalizeDefaultSql(s === "false" ? "0" : s === "true" ? "1" : sql);
  }
}
