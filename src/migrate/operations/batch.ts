/**
 * `batch`, the object `op.batchAlterTable(table, (batch) => { … })` hands to its callback
 * (Alembic: `BatchOperations`): the same operations as `op`, on one table, collected and run
 * together — on SQLite as one table rebuild.
 */
import type { Column } from "../../schema/column.js";
import type { IndexExpression } from "../../schema/indexes.js";
import type { ColumnElement } from "../../sql/elements.js";
import type { TextClause } from "../../sql/text.js";
import type { MigrateOperation } from "./base.js";
import {
  CreateCheckConstraintOp,
  CreateForeignKeyOp,
  CreateIndexOp,
  CreatePrimaryKeyOp,
  CreateUniqueConstraintOp,
  DropConstraintOp,
  DropIndexOp,
  type ConstraintType,
  type CreateForeignKeyOptions,
  type CreateIndexOptions,
} from "./constraint-ops.js";
import { AddColumnOp, AlterColumnOp, DropColumnOp, type AlterColumnOptions } from "./table-ops.js";

export class BatchOperations {
  /** The operations collected so far, in order. */
  readonly ops: MigrateOperation[] = [];
  constructor(
    readonly tableName: string,
    readonly schema: string | null = null,
  ) {}

  addColumn(name: string, column: Column): this {
    this.ops.push(new AddColumnOp(this.tableName, name, column, this.schema));
    return this;
  }
  dropColumn(name: string): this {
    this.ops.push(new DropColumnOp(this.tableName, name, { schema: this.schema }));
    return this;
  }
  alterColumn(name: string, options: Omit<AlterColumnOptions, "schema">): this {
    this.ops.push(new AlterColumnOp(this.tableName, name, { ...options, schema: this.schema }));
    return this;
  }
  createIndex(
    name: string,
    columns: readonly IndexExpression[],
    options: Omit<CreateIndexOptions, "schema"> = {},
  ): this {
    this.ops.push(new CreateIndexOp(name, this.tableName, columns, { ...options, schema: this.schema }));
    return this;
  }
  dropIndex(name: string): this {
    this.ops.push(new DropIndexOp(name, { tableName: this.tableName, schema: this.schema }));
    return this;
  }
  createUniqueConstraint(name: string | null, columns: readonly string[]): this {
    this.ops.push(new CreateUniqueConstraintOp(name, this.tableName, columns, { schema: this.schema }));
    return this;
  }
  createPrimaryKey(name: string | null, columns: readonly string[]): this {
    this.ops.push(new CreatePrimaryKeyOp(name, this.tableName, columns, { schema: this.schema }));
    return this;
  }
  createForeignKey(
    name: string | null,
    referentTable: string,
    localColumns: readonly string[],
    remoteColumns: readonly string[],
    options: Omit<CreateForeignKeyOptions, "sourceSchema"> = {},
  ): this {
    this.ops.push(
      new CreateForeignKeyOp(name, this.tableName, referentTable, localColumns, remoteColumns, {
        ...options,
        sourceSchema: this.schema,
      }),
    );
    return this;
  }
  createCheckConstraint(name: string | null, condition: string | ColumnElement<any> | TextClause<any>): this {
    this.ops.push(new CreateCheckConstraintOp(name, this.tableName, condition, { schema: this.schema }));
    return this;
  }
  dropConstraint(name: string, options: { type?: ConstraintType } = {}): this {
    this.ops.push(
      new DropConstraintOp(name, this.tableName, { type: options.type ?? null, schema: this.schema }),
    );
    return this;
  }
}
