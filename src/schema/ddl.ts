/**
 * DDL statements as objects (SQLAlchemy: `sql/ddl.py`). Execute them like any statement, or
 * compile them for a dialect:
 *
 * @example
 * await conn.execute(CreateTable(users));
 * new PostgresDialect().compile(CreateIndex(ix)).sql;  // "CREATE INDEX ix_users_email ON users (email)"
 *
 * Each element has `isDdl = true`, so `dialect.compile()` hands it to the dialect's DDL compiler,
 * and compiles by calling one `visit…` method on it.
 */
import { CompileError } from "../util/errors.js";
import { ClauseElement } from "../sql/elements.js";
import type { SqlCompiler } from "../sql/compiler.js";
import type { EnumType } from "../sql/types/generic.js";
import type { Column } from "./column.js";
import type { Constraint, ForeignKeyConstraint } from "./constraints.js";
import { constructible, type Constructible } from "./constructible.js";
import type { DdlCompiler } from "./ddl-compiler.js";
import type { Index } from "./indexes.js";
import type { Table } from "./table.js";

/** Base of DDL statements. */
export abstract class DdlElement extends ClauseElement {
  readonly isDdl = true;
  /** @internal */
  _compile(c: SqlCompiler | DdlCompiler): string {
    if (typeof (c as Partial<DdlCompiler>).visitCreateTable !== "function") {
      throw new CompileError(
        `${this.kind} is a DDL statement; execute it on its own, not inside another statement.`,
        "ATH-DDL",
      );
    }
    return this.visit(c as DdlCompiler);
  }
  protected abstract visit(c: DdlCompiler): string;
}

export class CreateTableElement extends DdlElement {
  readonly kind = "create_table";
  constructor(
    readonly table: Table<any, any>,
    readonly options: {
      ifNotExists?: boolean;
      /** The foreign key constraints to render inline (default: all but `useAlter` ones where ALTER is supported). */
      includeForeignKeyConstraints?: readonly ForeignKeyConstraint[];
    } = {},
  ) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitCreateTable(this);
  }
}

export class DropTableElement extends DdlElement {
  readonly kind = "drop_table";
  constructor(
    readonly table: Table<any, any>,
    readonly options: { ifExists?: boolean } = {},
  ) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitDropTable(this);
  }
}

export class CreateIndexElement extends DdlElement {
  readonly kind = "create_index";
  constructor(
    readonly index: Index,
    readonly options: { ifNotExists?: boolean } = {},
  ) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitCreateIndex(this);
  }
}

export class DropIndexElement extends DdlElement {
  readonly kind = "drop_index";
  constructor(
    readonly index: Index,
    readonly options: { ifExists?: boolean } = {},
  ) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitDropIndex(this);
  }
}

/** `ALTER TABLE … ADD CONSTRAINT …` (not on SQLite). */
export class AddConstraintElement extends DdlElement {
  readonly kind = "add_constraint";
  constructor(readonly constraint: Constraint) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitAddConstraint(this);
  }
}

/** `ALTER TABLE … DROP CONSTRAINT name` (MySQL: DROP FOREIGN KEY / DROP INDEX / DROP CHECK); needs a name. */
export class DropConstraintElement extends DdlElement {
  readonly kind = "drop_constraint";
  constructor(
    readonly constraint: Constraint,
    readonly options: { ifExists?: boolean; cascade?: boolean } = {},
  ) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitDropConstraint(this);
  }
}

/** PostgreSQL `CREATE TYPE name AS ENUM (…)` for an Enum with a name. */
export class CreateEnumTypeElement extends DdlElement {
  readonly kind = "create_enum_type";
  constructor(
    readonly type: EnumType<any>,
    readonly options: { schema?: string | null } = {},
  ) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitCreateEnumType(this);
  }
}

/** PostgreSQL `DROP TYPE [IF EXISTS] name`. */
export class DropEnumTypeElement extends DdlElement {
  readonly kind = "drop_enum_type";
  constructor(
    readonly type: EnumType<any>,
    readonly options: { schema?: string | null; ifExists?: boolean } = {},
  ) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitDropEnumType(this);
  }
}

/** Sets the table's comment (`COMMENT ON TABLE`, MySQL `ALTER TABLE … COMMENT`). */
export class SetTableCommentElement extends DdlElement {
  readonly kind = "set_table_comment";
  constructor(readonly table: Table<any, any>) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitSetTableComment(this);
  }
}

/** Sets a column's comment (`COMMENT ON COLUMN`, MySQL `ALTER TABLE … MODIFY COLUMN`). */
export class SetColumnCommentElement extends DdlElement {
  readonly kind = "set_column_comment";
  constructor(readonly column: Column<any, any, any>) {
    super();
  }
  protected visit(c: DdlCompiler): string {
    return c.visitSetColumnComment(this);
  }
}

/** `CREATE TABLE` with columns, inline constraints and table options (SQLAlchemy: `CreateTable`). */
export const CreateTable: Constructible<typeof CreateTableElement> = constructible(CreateTableElement) as any;
export type CreateTable = CreateTableElement;
/** `DROP TABLE [IF EXISTS]`. */
export const DropTable: Constructible<typeof DropTableElement> = constructible(DropTableElement) as any;
export type DropTable = DropTableElement;
/** `CREATE [UNIQUE] INDEX`. */
export const CreateIndex: Constructible<typeof CreateIndexElement> = constructible(CreateIndexElement) as any;
export type CreateIndex = CreateIndexElement;
/** `DROP INDEX` (MySQL: `DROP INDEX … ON table`). */
export const DropIndex: Constructible<typeof DropIndexElement> = constructible(DropIndexElement) as any;
export type DropIndex = DropIndexElement;
/** `ALTER TABLE … ADD <constraint>`. */
export const AddConstraint: Constructible<typeof AddConstraintElement> = constructible(
  AddConstraintElement,
) as any;
export type AddConstraint = AddConstraintElement;
/** `ALTER TABLE … DROP CONSTRAINT`. */
export const DropConstraint: Constructible<typeof DropConstraintElement> = constructible(
  DropConstraintElement,
) as any;
export type DropConstraint = DropConstraintElement;
/** PostgreSQL `CREATE TYPE … AS ENUM`. */
export const CreateEnumType: Constructible<typeof CreateEnumTypeElement> = constructible(
  CreateEnumTypeElement,
) as any;
export type CreateEnumType = CreateEnumTypeElement;
/** PostgreSQL `DROP TYPE`. */
export const DropEnumType: Constructible<typeof DropEnumTypeElement> = constructible(
  DropEnumTypeElement,
) as any;
export type DropEnumType = DropEnumTypeElement;
export const SetTableComment: Constructible<typeof SetTableCommentElement> = constructible(
  SetTableCommentElement,
) as any;
export type SetTableComment = SetTableCommentElement;
export const SetColumnComment: Constructible<typeof SetColumnCommentElement> = constructible(
  SetColumnCommentElement,
) as any;
export type SetColumnComment = SetColumnCommentElement;
