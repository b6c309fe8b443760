/**
 * Runs an operation object through a dialect's implementation (Alembic: `operations/toimpl.py`).
 * Operations SQLite's ALTER can't do become a one-operation table rebuild there.
 */
import type { Table } from "../../schema/table.js";
import { MigrateError } from "../errors.js";
import type { MigrateImpl } from "../impl/impl.js";
import { copyColumn } from "../impl/sqlite-table-model.js";
import { CommentOp, MigrateOperation, ModifyTableOps, OpContainer } from "./base.js";
import { AddConstraintOp, CreateIndexOp, DropConstraintOp, DropIndexOp } from "./constraint-ops.js";
import { BatchAlterTableOp, BulkInsertOp, ExecuteSqlOp } from "./misc-ops.js";
import type { SchemaObjects } from "./schema-objects.js";
import {
  AddColumnOp,
  AlterColumnOp,
  CreateTableOp,
  DropColumnOp,
  DropTableOp,
  RenameTableOp,
} from "./table-ops.js";

/** The table an operation changes, for wrapping it in a rebuild. */
function tableOf(op: MigrateOperation): { name: string; schema: string | null } {
  const o = op as { tableName?: string | null; schema?: string | null };
  if (!o.tableName) throw new MigrateError(`${op.describe()} names no table.`, "ATH-MIGRATE");
  return { name: o.tableName, schema: o.schema ?? null };
}

export async function runOperation(
  impl: MigrateImpl,
  objects: SchemaObjects,
  op: MigrateOperation,
): Promise<void> {
  if (op instanceof BatchAlterTableOp) {
    if (impl.batchNeedsRebuild(op)) await impl.rebuildTable(op);
    else for (const sub of op.ops) await runOperation(impl, objects, sub);
    return;
  }
  if (op instanceof OpContainer) {
    for (const sub of op.ops) await runOperation(impl, objects, sub);
    return;
  }
  if (impl.needsRebuild(op)) {
    const { name, schema } = tableOf(op);
    await impl.rebuildTable(new BatchAlterTableOp(name, [op], { schema }));
    return;
  }
  await runLeaf(impl, objects, op);
  impl.afterOperation(op);
}

async function runLeaf(impl: MigrateImpl, objects: SchemaObjects, op: MigrateOperation): Promise<void> {
  if (op instanceof CreateTableOp) {
    if (op.table.metadata === objects.metadata) objects.ensureForeignKeyTargets(op.table);
    await impl.createTable(op.table);
  } else if (op instanceof DropTableOp) {
    await impl.dropTable(op.tableName, op.schema, op.table);
  } else if (op instanceof RenameTableOp) {
    await impl.renameTable(op.tableName, op.newName, op.schema);
  } else if (op instanceof AddColumnOp) {
    // A column of another Table (autogenerate's ops hold the model's) is copied: a Column belongs to one table.
    const column = op.column.table === null ? op.column : copyColumn(op.column, op.columnName);
    const table: Table = objects.columnTable(op.tableName, op.columnName, column, op.schema);
    await impl.addColumn(table, column);
  } else if (op instanceof DropColumnOp) {
    await impl.dropColumn(op.tableName, op.columnName, op.schema);
  } else if (op instanceof AlterColumnOp) {
    await impl.alterColumn(op);
  } else if (op instanceof CreateIndexOp) {
    await impl.createIndex(objects.index(op));
  } else if (op instanceof DropIndexOp) {
    await impl.dropIndex(objects.namedIndex(op.indexName, op.tableName, op.schema));
  } else if (op instanceof AddConstraintOp) {
    await impl.addConstraint(objects.constraint(op));
  } else if (op instanceof DropConstraintOp) {
    const type = await impl.constraintType(op);
    await impl.dropConstraint(objects.namedConstraint(op.constraintName, op.tableName, type, op.schema));
  } else if (op instanceof ExecuteSqlOp) {
    await impl.execute(op.sql);
  } else if (op instanceof BulkInsertOp) {
    await impl.bulkInsert(op.table, op.rows);
  } else if (op instanceof CommentOp) {
    // A note for the reader of a generated script: nothing to run.
  } else if (op instanceof ModifyTableOps) {
    for (const sub of op.ops) await runOperation(impl, objects, sub);
  } else {
    throw new MigrateError(`Don't know how to run ${op.describe()}.`, "ATH-MIGRATE");
  }
}
