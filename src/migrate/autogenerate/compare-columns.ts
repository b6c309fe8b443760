/**
 * Columns of a table present in both the models and the database (Alembic:
 * `autogenerate/compare/columns.py`): added, removed, and changed nullability, type, server
 * default (opt-in) and comment. A type the database has that Athanor can't read is not judged;
 * the script says so in a comment.
 */
import type { ReflectedColumn } from "../../dialects/base/inspector.js";
import type { Column } from "../../schema/column.js";
import type { Table } from "../../schema/table.js";
import { literalColumn } from "../../sql/text.js";
import { CommentOp, type MigrateOperation } from "../operations/base.js";
import {
  AddColumnOp,
  AlterColumnOp,
  DropColumnOp,
  type AlterColumnOptions,
} from "../operations/table-ops.js";
import { serverDefaultArg } from "../impl/sqlite-table-model.js";
import type { AutogenContext } from "./context.js";

export interface ColumnDiff {
  readonly adds: MigrateOperation[];
  readonly alters: MigrateOperation[];
  readonly drops: MigrateOperation[];
  readonly notes: MigrateOperation[];
}

const sameComment = (a: string | null, b: string | null): boolean => (a ?? "") === (b ?? "");

export async function compareColumns(
  ctx: AutogenContext,
  model: Table,
  connCols: readonly ReflectedColumn[],
): Promise<ColumnDiff> {
  const diff: ColumnDiff = { adds: [], alters: [], drops: [], notes: [] };
  const schema = model.schema;
  const byName = new Map(connCols.map((c) => [c.name, c]));
  const modelCols = model.columns as Column[];
  for (const col of modelCols) {
    if (!byName.has(col.name)) diff.adds.push(new AddColumnOp(model.name, col.name, col, schema));
  }
  const removed = connCols.filter((c) => !modelCols.some((m) => m.name === c.name));
  if (removed.length) {
    const reflected = await ctx.reflectedTable(model.name, schema);
    for (const c of removed) {
      const column = reflected.columns.find((x) => x.name === c.name) as Column;
      diff.drops.push(new DropColumnOp(model.name, c.name, { schema, column }));
    }
  }
  for (const col of modelCols) {
    const conn = byName.get(col.name);
    if (!conn) continue;
    const change = compareColumn(ctx, model, col, conn, diff.notes);
    if (change) diff.alters.push(change);
  }
  return diff;
}

function compareColumn(
  ctx: AutogenContext,
  model: Table,
  col: Column,
  conn: ReflectedColumn,
  notes: MigrateOperation[],
): AlterColumnOp | null {
  const o = ctx.options;
  const changes: AlterColumnOptions = {};
  if (col.nullable !== conn.nullable) changes.nullable = col.nullable;
  if (o.compareType ?? true) {
    const verdict = ctx.impl.compareType(col, conn);
    if (verdict === "different") changes.type = col.type;
    else if (verdict === "unknown") {
      notes.push(
        new CommentOp(
          `The type of ${model.name}.${col.name} in the database (${conn.rawType}) can't be compared with the model's ` +
            `(${col.type.toString()}); check it by hand.`,
        ),
      );
    }
  }
  if ((o.compareServerDefault ?? false) && !conn.autoincrement && !conn.computed) {
    if (ctx.impl.compareServerDefault(col, conn) === "different")
      changes.serverDefault = serverDefaultArg(col.serverDefault) ?? null;
  }
  if ((o.compareComments ?? true) && ctx.traits.supportsComments && !sameComment(col.comment, conn.comment)) {
    changes.comment = col.comment;
  }
  if (Object.keys(changes).length === 0) return null;
  return new AlterColumnOp(model.name, col.name, {
    ...changes,
    existingType: conn.type,
    existingNullable: conn.nullable,
    existingServerDefault: conn.default === null ? null : literalColumn(conn.default),
    ...(ctx.traits.supportsComments ? { existingComment: conn.comment } : {}),
    ...(conn.autoincrement && ctx.impl.alterRestatesColumn ? { existingAutoincrement: true } : {}),
    schema: model.schema,
  });
}
