/**
 * Operations → TypeScript statements for a migration script (Alembic: `autogenerate/render.py`
 * `render_op`). Each operation renders as one `await op.…(…)` statement; a table's changes
 * render as a `batchAlterTable` block where the database rebuilds tables (SQLite).
 */
import type { Column } from "../../schema/column.js";
import type { Table } from "../../schema/table.js";
import { ColumnClause, ColumnElement } from "../../sql/elements.js";
import { CommentOp, ModifyTableOps, type MigrateOperation } from "../operations/base.js";
import {
  CreateCheckConstraintOp,
  CreateForeignKeyOp,
  CreateIndexOp,
  CreatePrimaryKeyOp,
  CreateUniqueConstraintOp,
  DropConstraintOp,
  DropIndexOp,
} from "../operations/constraint-ops.js";
import { BatchAlterTableOp, ExecuteSqlOp } from "../operations/misc-ops.js";
import {
  AddColumnOp,
  AlterColumnOp,
  CreateTableOp,
  DropColumnOp,
  DropTableOp,
  RenameTableOp,
} from "../operations/table-ops.js";
import { MigrateError } from "../errors.js";
import { createIndexOps } from "./compare-constraints.js";
import {
  key,
  objectLiteral,
  renderColumn,
  renderConstraint,
  renderServerDefault,
  renderSqlText,
  renderType,
  str,
  type RenderContext,
} from "./render-schema.js";

const list = (items: readonly string[]): string => `[${items.map(str).join(", ")}]`;

/** An options object kept as entries, so a long call can write it one property per line. */
class Options {
  constructor(readonly entries: readonly [string, string][]) {}
  inline(): string {
    return objectLiteral(this.entries);
  }
  block(): string {
    return `{\n${this.entries.map(([k, v]) => `  ${key(k)}: ${v.replace(/\n/g, "\n  ")},`).join("\n")}\n}`;
  }
}
type Arg = string | Options;

/**
 * `fn(a, b)` on one line when short; else a trailing options object one property per line,
 * or, when that is not enough, one argument per line.
 */
function call(fn: string, args: readonly Arg[]): string {
  const inline = args.map((a) => (typeof a === "string" ? a : a.inline()));
  const one = `${fn}(${inline.join(", ")})`;
  if (one.length <= 96 && !one.includes("\n")) return one;
  const last = args[args.length - 1];
  if (last instanceof Options) {
    const head = `${fn}(${inline.slice(0, -1).join(", ")}, `;
    if (head.length <= 80 && !head.includes("\n")) return `${head}${last.block()})`;
  }
  const lines = args.map((a) =>
    typeof a === "string" ? a : a.inline().length <= 80 ? a.inline() : a.block(),
  );
  return `${fn}(\n${lines.map((a) => "  " + a.replace(/\n/g, "\n  ") + ",").join("\n")}\n)`;
}

function schemaOpt(schema: string | null): [string, string][] {
  return schema ? [["schema", str(schema)]] : [];
}
function withOpts(args: Arg[], entries: [string, string][]): Arg[] {
  return entries.length ? [...args, new Options(entries)] : args;
}

function renderCreateTable(table: Table, ctx: RenderContext): string {
  const pk = table.primaryKey;
  const inlinePk = pk.columns.length === 1 && pk.name === null;
  const cols = (table.columns as Column[]).map(
    (c) => `${key(c.name)}: ${renderColumn(c, ctx, { primaryKey: inlinePk && pk.columns[0] === c })}`,
  );
  const args: Arg[] = [str(table.name), `{\n${cols.map((c) => "  " + c + ",").join("\n")}\n}`];
  for (const c of table.constraints) {
    if (c === pk && inlinePk) continue;
    const r = renderConstraint(c, ctx);
    if (r) args.push(r);
  }
  const o = table.options;
  const opts: [string, string][] = [
    ...schemaOpt(table.schema),
    ...(table.comment !== null ? ([["comment", str(table.comment)]] as [string, string][]) : []),
    ...(["mysqlEngine", "mysqlCharset", "mysqlCollate"] as const)
      .filter((k) => o[k])
      .map((k) => [k, str(o[k]!)] as [string, string]),
    ...(o.sqliteAutoincrement ? ([["sqliteAutoincrement", "true"]] as [string, string][]) : []),
  ];
  const indexes = createIndexOps(table).map((ix) => renderOperation(ix, ctx));
  return [`await op.${call("createTable", withOpts(args, opts))};`, ...indexes].join("\n");
}

function renderIndexColumns(columns: CreateIndexOp["columns"], ctx: RenderContext): string {
  return `[${columns
    .map((c) => {
      if (typeof c === "string") return str(c);
      if (c instanceof ColumnClause) return str(c.name);
      return `${ctx.imports.use("athanor", "literalColumn")}(${str(ctx.compiler.expressionSql(c as ColumnElement<any>))})`;
    })
    .join(", ")}]`;
}

function renderAlterOptions(op: AlterColumnOp, ctx: RenderContext, withSchema: boolean): Options {
  const o = op.options;
  const e: [string, string][] = [];
  const dflt = (d: AlterColumnOp["options"]["serverDefault"]) =>
    d === null ? "null" : renderServerDefault(d!, ctx);
  if (o.nullable !== undefined) e.push(["nullable", String(o.nullable)]);
  if (o.type !== undefined) e.push(["type", renderType(o.type, ctx)]);
  if (o.serverDefault !== undefined) e.push(["serverDefault", dflt(o.serverDefault)]);
  if (o.comment !== undefined) e.push(["comment", o.comment === null ? "null" : str(o.comment)]);
  if (o.newColumnName !== undefined) e.push(["newColumnName", str(o.newColumnName)]);
  if (o.existingType !== undefined) e.push(["existingType", renderType(o.existingType, ctx)]);
  if (o.existingNullable !== undefined) e.push(["existingNullable", String(o.existingNullable)]);
  // A missing existing default or comment matters only when that attribute changes (the reverse removes it).
  const ed = o.existingServerDefault;
  if (ed !== undefined && (ed !== null || o.serverDefault !== undefined))
    e.push(["existingServerDefault", dflt(ed)]);
  const ec = o.existingComment;
  if (ec !== undefined && (ec !== null || o.comment !== undefined))
    e.push(["existingComment", ec === null ? "null" : str(ec)]);
  if (o.existingAutoincrement) e.push(["existingAutoincrement", "true"]);
  return new Options([...e, ...(withSchema ? schemaOpt(o.schema ?? null) : [])]);
}

/** One operation as a statement on `op`, or (`batch`) on the batch of its table. */
export function renderOperation(op: MigrateOperation, ctx: RenderContext, batch = false): string {
  const on = batch ? "batch" : "await op";
  const table = (name: string) => (batch ? [] : [str(name)]);
  if (op instanceof CommentOp) return `// ${op.text.replace(/\n/g, "\n// ")}`;
  if (op instanceof CreateTableOp) return renderCreateTable(op.table, ctx);
  if (op instanceof DropTableOp)
    return `await op.${call("dropTable", withOpts([str(op.tableName)], schemaOpt(op.schema)))};`;
  if (op instanceof RenameTableOp)
    return `await op.${call("renameTable", withOpts([str(op.tableName), str(op.newName)], schemaOpt(op.schema)))};`;
  if (op instanceof AddColumnOp) {
    const args = [...table(op.tableName), str(op.columnName), renderColumn(op.column, ctx)];
    return `${on}.${call("addColumn", batch ? args : withOpts(args, schemaOpt(op.schema)))};`;
  }
  if (op instanceof DropColumnOp) {
    const args = [...table(op.tableName), str(op.columnName)];
    return `${on}.${call("dropColumn", batch ? args : withOpts(args, schemaOpt(op.schema)))};`;
  }
  if (op instanceof AlterColumnOp) {
    const opts = renderAlterOptions(op, ctx, !batch);
    return `${on}.${call("alterColumn", [...table(op.tableName), str(op.columnName), opts])};`;
  }
  if (op instanceof CreateIndexOp) {
    const o = op.options;
    const entries: [string, string][] = [
      ...(o.unique ? ([["unique", "true"]] as [string, string][]) : []),
      ...(o.where !== undefined
        ? ([
            [
              "where",
              typeof o.where === "string"
                ? str(o.where)
                : renderSqlText(ctx.compiler.expressionSql(o.where), ctx),
            ],
          ] as [string, string][])
        : []),
      ...(o.mysqlLength !== undefined
        ? ([["mysqlLength", JSON.stringify(o.mysqlLength)]] as [string, string][])
        : []),
      ...(batch ? [] : schemaOpt(op.schema)),
    ];
    const args = batch
      ? [str(op.indexName), renderIndexColumns(op.columns, ctx)]
      : [str(op.indexName), str(op.tableName), renderIndexColumns(op.columns, ctx)];
    return `${on}.${call("createIndex", withOpts(args, entries))};`;
  }
  if (op instanceof DropIndexOp) {
    if (batch) return `batch.dropIndex(${str(op.indexName)});`;
    const entries: [string, string][] = [
      ...(op.tableName ? ([["tableName", str(op.tableName)]] as [string, string][]) : []),
      ...schemaOpt(op.schema),
    ];
    return `await op.${call("dropIndex", withOpts([str(op.indexName)], entries))};`;
  }
  if (op instanceof CreateUniqueConstraintOp || op instanceof CreatePrimaryKeyOp) {
    const fn = op instanceof CreateUniqueConstraintOp ? "createUniqueConstraint" : "createPrimaryKey";
    const name = op.constraintName === null ? "null" : str(op.constraintName);
    const args = [name, ...table(op.tableName), list(op.columns)];
    return `${on}.${call(fn, batch ? args : withOpts(args, schemaOpt(op.schema)))};`;
  }
  if (op instanceof CreateForeignKeyOp) {
    const o = op.options;
    const name = op.constraintName === null ? "null" : str(op.constraintName);
    const entries: [string, string][] = [
      ...(o.ondelete ? ([["ondelete", str(o.ondelete)]] as [string, string][]) : []),
      ...(o.onupdate ? ([["onupdate", str(o.onupdate)]] as [string, string][]) : []),
      ...(o.referentSchema ? ([["referentSchema", str(o.referentSchema)]] as [string, string][]) : []),
      ...(!batch && o.sourceSchema ? ([["sourceSchema", str(o.sourceSchema)]] as [string, string][]) : []),
    ];
    const args = [
      name,
      ...table(op.sourceTable),
      str(op.referentTable),
      list(op.localColumns),
      list(op.remoteColumns),
    ];
    return `${on}.${call("createForeignKey", withOpts(args, entries))};`;
  }
  if (op instanceof CreateCheckConstraintOp) {
    const c = op.condition;
    const sql = typeof c === "string" ? c : ctx.compiler.expressionSql(c);
    const name = op.constraintName === null ? "null" : str(op.constraintName);
    const args = [name, ...table(op.tableName), str(sql)];
    return `${on}.${call("createCheckConstraint", batch ? args : withOpts(args, schemaOpt(op.schema)))};`;
  }
  if (op instanceof DropConstraintOp) {
    const entries: [string, string][] = [
      ...(op.type ? ([["type", str(op.type)]] as [string, string][]) : []),
      ...(batch ? [] : schemaOpt(op.schema)),
    ];
    return `${on}.${call("dropConstraint", withOpts([str(op.constraintName), ...table(op.tableName)], entries))};`;
  }
  if (op instanceof ExecuteSqlOp && typeof op.sql === "string") return `await op.execute(${str(op.sql)});`;
  if (op instanceof ModifyTableOps || op instanceof BatchAlterTableOp) {
    return op.ops.map((o) => renderOperation(o, ctx, batch)).join("\n");
  }
  throw new MigrateError(`Autogenerate can't render ${op.describe()}.`, "ATH-MIGRATE-RENDER");
}

/** A table's changes as one `batchAlterTable` block (comments stay outside it). */
export function renderBatch(group: ModifyTableOps, ctx: RenderContext): string {
  const comments = group.ops.filter((o) => o instanceof CommentOp).map((o) => renderOperation(o, ctx));
  const inner = group.ops.filter((o) => !(o instanceof CommentOp));
  if (inner.length === 0) return comments.join("\n");
  const body = inner.map((o) => "  " + renderOperation(o, ctx, true).replace(/\n/g, "\n  ")).join("\n");
  const opts = group.schema ? `, { schema: ${str(group.schema)} }` : "";
  return [
    ...comments,
    `await op.batchAlterTable(${str(group.tableName)}, (batch) => {\n${body}\n}${opts});`,
  ].join("\n");
}

/** Statements for a list of operations; `asBatch` renders table changes as batches. */
export function renderOperations(
  ops: readonly MigrateOperation[],
  ctx: RenderContext,
  asBatch: boolean,
): string[] {
  return ops.map((o) =>
    asBatch && o instanceof ModifyTableOps ? renderBatch(o, ctx) : renderOperation(o, ctx),
  );
}
