/**
 * `ForeignKey`: one referencing column → one referenced column (SQLAlchemy: `schema.ForeignKey`).
 * The target is resolved lazily, so tables may be declared in any order.
 *
 * @example
 * new Table("orders", metadata, {
 *   id: Column(Integer, { primaryKey: true }),
 *   userId: Column(Integer, { name: "user_id", foreignKey: ForeignKey("users.id", { ondelete: "CASCADE" }) }),
 * });
 */
import { ArgumentError, InvalidRequestError } from "../util/errors.js";
import { ColumnClause } from "../sql/elements.js";
import type { ForeignKeyLike } from "../sql/selectable.js";
import { TableClause } from "../sql/selectable.js";
import type { SchemaItemName } from "./naming.js";
import type { ForeignKeyConstraint } from "./constraints.js";
import type { Table } from "./table.js";

/** What happens to referencing rows when the referenced row is deleted or its key updated. */
export type ReferentialAction = "CASCADE" | "SET NULL" | "SET DEFAULT" | "RESTRICT" | "NO ACTION";

export interface ForeignKeyOptions {
  /** Constraint name (else the `fk` naming convention's, else the database's). */
  name?: SchemaItemName;
  ondelete?: ReferentialAction | Lowercase<ReferentialAction>;
  onupdate?: ReferentialAction | Lowercase<ReferentialAction>;
  /**
   * Create the constraint with ALTER TABLE after all tables, and drop it before them
   * (for cycles; createAll finds cycles by itself). Ignored by SQLite, which keeps it inline.
   */
  useAlter?: boolean;
  /** DEFERRABLE / NOT DEFERRABLE (PostgreSQL, SQLite; ignored by MySQL). */
  deferrable?: boolean;
  /** INITIALLY DEFERRED / IMMEDIATE (PostgreSQL, SQLite; ignored by MySQL). */
  initially?: "DEFERRED" | "IMMEDIATE" | "deferred" | "immediate";
}

/** `"table.column"`, `"schema.table.column"`, a column, or a function returning one (for tables declared later). */
export type ForeignKeyTarget = string | ColumnClause<any> | (() => ColumnClause<any>);

const ACTIONS = new Set<string>(["CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION"]);

/** Checks and normalises an ON DELETE / ON UPDATE action (it is rendered into DDL). @internal */
export function referentialAction(v: string | undefined, what: string): ReferentialAction | null {
  if (v === undefined || v === null) return null;
  const up = String(v).toUpperCase().replace(/\s+/g, " ").trim();
  if (!ACTIONS.has(up)) {
    throw new ArgumentError(
      `Unknown ${what} action '${v}'. Use one of: ${[...ACTIONS].join(", ")}.`,
      "ATH-FK",
    );
  }
  return up as ReferentialAction;
}

export class ForeignKey implements ForeignKeyLike {
  readonly target: ForeignKeyTarget;
  readonly options: Readonly<ForeignKeyOptions>;
  readonly ondelete: ReferentialAction | null;
  readonly onupdate: ReferentialAction | null;
  /** The constraint this key belongs to (set when its table is built). */
  constraint: ForeignKeyConstraint | null = null;
  private _parent: ColumnClause<any> | null = null;
  private _column: ColumnClause<any> | null = null;

  constructor(target: ForeignKeyTarget, options: ForeignKeyOptions = {}) {
    if (typeof target === "string") {
      if (target.split(".").length < 2 || target.split(".").some((p) => p === "")) {
        throw new ArgumentError(
          `ForeignKey('${target}') needs "table.column" or "schema.table.column".`,
          "ATH-FK",
        );
      }
    } else if (!(target instanceof ColumnClause) && typeof target !== "function") {
      throw new ArgumentError(
        'ForeignKey() takes "table.column", a column, or a function returning a column.',
        "ATH-FK",
      );
    }
    this.target = target;
    this.options = options;
    this.ondelete = referentialAction(options.ondelete, "ondelete");
    this.onupdate = referentialAction(options.onupdate, "onupdate");
    if (options.initially !== undefined && !/^(deferred|immediate)$/i.test(options.initially)) {
      throw new ArgumentError(
        `ForeignKey initially must be "DEFERRED" or "IMMEDIATE", got '${options.initially}'.`,
        "ATH-FK",
      );
    }
  }

  /** The referencing column. */
  get parent(): ColumnClause<any> {
    if (!this._parent)
      throw new InvalidRequestError(
        `ForeignKey(${this.describeTarget()}) is not attached to a column yet.`,
        "ATH-FK",
      );
    return this._parent;
  }

  /** @internal */
  _setParent(col: ColumnClause<any>): void {
    if (this._parent && this._parent !== col) {
      throw new ArgumentError(
        `ForeignKey(${this.describeTarget()}) is already attached to column '${String(this._parent)}'.`,
        "ATH-FK",
      );
    }
    this._parent = col;
  }

  /** The referenced column, resolved on first use. */
  get column(): ColumnClause<any> {
    if (!this._column) this._column = this.resolve();
    return this._column;
  }

  /** The referenced table's name, without resolving when the target is a string. */
  referredTableName(): string {
    if (typeof this.target === "string") {
      const parts = this.target.split(".");
      return parts[parts.length - 2]!;
    }
    const t = this.column.table;
    return t instanceof TableClause ? t.name : String(t);
  }

  /** The referenced table, resolved. */
  get referredTable(): TableClause<any, any> {
    const t = this.column.table;
    if (!(t instanceof TableClause)) {
      throw new ArgumentError(
        `ForeignKey target ${this.describeTarget()} is not a column of a table.`,
        "ATH-FK",
      );
    }
    return t;
  }

  private describeTarget(): string {
    if (typeof this.target === "string") return `'${this.target}'`;
    if (this.target instanceof ColumnClause) return `'${String(this.target)}'`;
    return "<function>";
  }

  private resolve(): ColumnClause<any> {
    const t = this.target;
    if (t instanceof ColumnClause) return t;
    if (typeof t === "function") {
      const col = t();
      if (!(col instanceof ColumnClause)) {
        throw new ArgumentError(
          `The function given to ForeignKey() on '${String(this._parent)}' must return a column, e.g. () => users.c.id.`,
          "ATH-FK",
        );
      }
      return col;
    }
    const parts = t.split(".");
    const colName = parts.pop()!;
    const tableName = parts.pop()!;
    const schema = parts.length ? parts.join(".") : null;
    const parentTable = this.parent.table as Table | null;
    if (!parentTable || !("metadata" in parentTable)) {
      throw new InvalidRequestError(
        `ForeignKey('${t}') on a column outside a Table can't be resolved by name; pass the column itself.`,
        "ATH-FK",
      );
    }
    const md = parentTable.metadata;
    const effSchema = schema ?? md.schema;
    const key = effSchema ? `${effSchema}.${tableName}` : tableName;
    const table = md.tables[key] ?? (schema === null ? md.tables[tableName] : undefined);
    if (!table) {
      const known = Object.keys(md.tables).sort().join(", ") || "(none)";
      throw new InvalidRequestError(
        `Foreign key '${String(this.parent)}' → '${t}' could not find table '${key}' in its MetaData (tables: ${known}). ` +
          `Declare table '${tableName}' in the same MetaData, or pass the column: ForeignKey(() => ${tableName}.c.${colName}).`,
        "ATH-FK-TABLE",
      );
    }
    const cols = table.columns as readonly ColumnClause<any>[];
    const byKey = table.c as Record<string, ColumnClause<any>>;
    const col =
      (Object.prototype.hasOwnProperty.call(byKey, colName) ? byKey[colName] : undefined) ??
      cols.find((c) => c.name === colName);
    if (!col) {
      throw new InvalidRequestError(
        `Foreign key '${String(this.parent)}' → '${t}': table '${key}' has no column '${colName}' ` +
          `(columns: ${cols.map((c) => c.key).join(", ")}).`,
        "ATH-FK-COLUMN",
      );
    }
    return col;
  }
}
