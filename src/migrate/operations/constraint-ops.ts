/**
 * Index and constraint operations (Alembic: `CreateIndexOp`, `DropIndexOp`,
 * `CreateUniqueConstraintOp`, `CreateForeignKeyOp`, `CreateCheckConstraintOp`,
 * `CreatePrimaryKeyOp`, `DropConstraintOp`).
 */
import type { ReferentialAction } from "../../schema/foreign-key.js";
import type { IndexExpression } from "../../schema/indexes.js";
import type { ColumnElement } from "../../sql/elements.js";
import type { TextClause } from "../../sql/text.js";
import { irreversible, MigrateOperation } from "./base.js";

export interface CreateIndexOptions {
  unique?: boolean;
  schema?: string | null;
  /** Partial index condition (PostgreSQL, SQLite). */
  where?: ColumnElement<any> | TextClause<any> | string;
  /** MySQL prefix lengths (see Index). */
  mysqlLength?: number | Readonly<Record<string, number>>;
}

export class CreateIndexOp extends MigrateOperation {
  readonly kind = "create_index";
  constructor(
    readonly indexName: string,
    readonly tableName: string,
    /** Column names, or expressions (`literalColumn("lower(email)")`, `col.desc()`). */
    readonly columns: readonly IndexExpression[],
    readonly options: Readonly<CreateIndexOptions> = {},
  ) {
    super();
  }
  get schema(): string | null {
    return this.options.schema ?? null;
  }
  reverse(): DropIndexOp {
    return new DropIndexOp(this.indexName, {
      tableName: this.tableName,
      schema: this.schema,
      recreate: this,
    });
  }
  describe(): string {
    return `createIndex(${this.indexName} on ${this.tableName})`;
  }
}

export class DropIndexOp extends MigrateOperation {
  readonly kind = "drop_index";
  readonly tableName: string | null;
  readonly schema: string | null;
  readonly recreate: CreateIndexOp | null;
  constructor(
    readonly indexName: string,
    options: { tableName?: string | null; schema?: string | null; recreate?: CreateIndexOp | null } = {},
  ) {
    super();
    this.tableName = options.tableName ?? null;
    this.schema = options.schema ?? null;
    this.recreate = options.recreate ?? null;
  }
  reverse(): CreateIndexOp {
    if (!this.recreate) throw irreversible(this, "the index's definition is not known.");
    return this.recreate;
  }
  describe(): string {
    return `dropIndex(${this.indexName}${this.tableName ? " on " + this.tableName : ""})`;
  }
}

/** The kinds `dropConstraint` takes (MySQL drops each kind with its own syntax). */
export type ConstraintType = "unique" | "foreignkey" | "check" | "primary";

interface DeferrableOptions {
  deferrable?: boolean;
  initially?: "DEFERRED" | "IMMEDIATE";
}

/** Base of the operations that add a constraint with ALTER TABLE. */
export abstract class AddConstraintOp extends MigrateOperation {
  abstract readonly constraintType: ConstraintType;
  constructor(
    readonly constraintName: string | null,
    readonly tableName: string,
    readonly schema: string | null,
  ) {
    super();
  }
  reverse(): DropConstraintOp {
    if (this.constraintName === null) {
      throw irreversible(this, "it has no name, and a constraint is dropped by name. Give it a name.");
    }
    return new DropConstraintOp(this.constraintName, this.tableName, {
      type: this.constraintType,
      schema: this.schema,
      recreate: this,
    });
  }
}

export class CreateUniqueConstraintOp extends AddConstraintOp {
  readonly kind = "create_unique_constraint";
  readonly constraintType = "unique";
  constructor(
    name: string | null,
    tableName: string,
    readonly columns: readonly string[],
    readonly options: Readonly<DeferrableOptions & { schema?: string | null }> = {},
  ) {
    super(name, tableName, options.schema ?? null);
  }
  describe(): string {
    return `createUniqueConstraint(${this.constraintName ?? "unnamed"} on ${this.tableName}(${this.columns.join(", ")}))`;
  }
}

export interface CreateForeignKeyOptions extends DeferrableOptions {
  ondelete?: ReferentialAction | Lowercase<ReferentialAction> | null;
  onupdate?: ReferentialAction | Lowercase<ReferentialAction> | null;
  sourceSchema?: string | null;
  referentSchema?: string | null;
}

export class CreateForeignKeyOp extends AddConstraintOp {
  readonly kind = "create_foreign_key";
  readonly constraintType = "foreignkey";
  constructor(
    name: string | null,
    readonly sourceTable: string,
    readonly referentTable: string,
    readonly localColumns: readonly string[],
    readonly remoteColumns: readonly string[],
    readonly options: Readonly<CreateForeignKeyOptions> = {},
  ) {
    super(name, sourceTable, options.sourceSchema ?? null);
  }
  describe(): string {
    return `createForeignKey(${this.constraintName ?? "unnamed"}: ${this.sourceTable}(${this.localColumns.join(", ")}) → ${this.referentTable}(${this.remoteColumns.join(", ")}))`;
  }
}

export class CreateCheckConstraintOp extends AddConstraintOp {
  readonly kind = "create_check_constraint";
  readonly constraintType = "check";
  constructor(
    name: string | null,
    tableName: string,
    /** The condition: SQL text or a boolean expression. */
    readonly condition: string | ColumnElement<any> | TextClause<any>,
    readonly options: Readonly<{ schema?: string | null }> = {},
  ) {
    super(name, tableName, options.schema ?? null);
  }
  describe(): string {
    return `createCheckConstraint(${this.constraintName ?? "unnamed"} on ${this.tableName})`;
  }
}

export class CreatePrimaryKeyOp extends AddConstraintOp {
  readonly kind = "create_primary_key";
  readonly constraintType = "primary";
  constructor(
    name: string | null,
    tableName: string,
    readonly columns: readonly string[],
    readonly options: Readonly<{ schema?: string | null }> = {},
  ) {
    super(name, tableName, options.schema ?? null);
  }
  describe(): string {
    return `createPrimaryKey(${this.constraintName ?? "unnamed"} on ${this.tableName}(${this.columns.join(", ")}))`;
  }
}

export class DropConstraintOp extends MigrateOperation {
  readonly kind = "drop_constraint";
  readonly type: ConstraintType | null;
  readonly schema: string | null;
  readonly recreate: AddConstraintOp | null;
  constructor(
    readonly constraintName: string,
    readonly tableName: string,
    options: { type?: ConstraintType | null; schema?: string | null; recreate?: AddConstraintOp | null } = {},
  ) {
    super();
    this.type = options.type ?? options.recreate?.constraintType ?? null;
    this.schema = options.schema ?? null;
    this.recreate = options.recreate ?? null;
  }
  reverse(): AddConstraintOp {
    if (!this.recreate) throw irreversible(this, "the constraint's definition is not known.");
    return this.recreate;
  }
  describe(): string {
    return `dropConstraint(${this.constraintName} on ${this.tableName})`;
  }
}
