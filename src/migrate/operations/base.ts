/**
 * Migration operations as objects (Alembic: `operations/ops.py` MigrateOperation). Each one
 * knows its inverse (`reverse()`), so autogenerate writes `downgrade` from `upgrade`; the same
 * objects are rendered to TypeScript (autogenerate/render) or run through a dialect's impl
 * (operations/toimpl).
 */
import { MigrateError } from "../errors.js";

export abstract class MigrateOperation {
  abstract readonly kind: string;
  /** The operation that undoes this one. Raises when this one can't be undone (raw SQL, data). */
  abstract reverse(): MigrateOperation;
  /** A short description for progress and error messages, e.g. `addColumn(users.nickname)`. */
  abstract describe(): string;
}

/** Raised by `reverse()` of operations that can't be undone mechanically. */
export function irreversible(op: MigrateOperation, why: string): MigrateError {
  return new MigrateError(`Can't reverse ${op.describe()}: ${why}`, "ATH-MIGRATE-IRREVERSIBLE");
}

/** A list of operations (Alembic: `OpContainer`). Reversed: each reversed, in reverse order. */
export abstract class OpContainer extends MigrateOperation {
  constructor(readonly ops: MigrateOperation[] = []) {
    super();
  }
  get isEmpty(): boolean {
    return this.ops.every((o) => (o instanceof OpContainer ? o.isEmpty : false));
  }
  protected reversedOps(): MigrateOperation[] {
    return [...this.ops].reverse().map((o) => o.reverse());
  }
  describe(): string {
    return `${this.kind}(${this.ops.length} operations)`;
  }
}

/** The operations on one table, grouped (Alembic: `ModifyTableOps`); rendered as a batch on SQLite. */
export class ModifyTableOps extends OpContainer {
  readonly kind = "modify_table";
  constructor(
    readonly tableName: string,
    ops: MigrateOperation[],
    readonly schema: string | null = null,
  ) {
    super(ops);
  }
  reverse(): ModifyTableOps {
    return new ModifyTableOps(this.tableName, this.reversedOps(), this.schema);
  }
  override describe(): string {
    return `modifyTable(${this.tableName}: ${this.ops.map((o) => o.describe()).join(", ")})`;
  }
}

export class UpgradeOps extends OpContainer {
  readonly kind = "upgrade_ops";
  reverse(): DowngradeOps {
    return new DowngradeOps(this.reversedOps());
  }
}

export class DowngradeOps extends OpContainer {
  readonly kind = "downgrade_ops";
  reverse(): UpgradeOps {
    return new UpgradeOps(this.reversedOps());
  }
}

/** A `// comment` autogenerate writes where it could not judge something (no effect when run). */
export class CommentOp extends MigrateOperation {
  readonly kind = "comment";
  constructor(readonly text: string) {
    super();
  }
  reverse(): CommentOp {
    return this;
  }
  describe(): string {
    return `comment(${this.text})`;
  }
}
