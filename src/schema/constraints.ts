/**
 * Table constraints (SQLAlchemy: `PrimaryKeyConstraint`, `UniqueConstraint`, `CheckConstraint`,
 * `ForeignKeyConstraint`). Columns may be given as keys (strings) or Column objects. A constraint
 * built from columns already in a table attaches itself to that table, as in SQLAlchemy.
 *
 * @example
 * new Table("line_items", metadata, {
 *   orderId: Column(Integer, { name: "order_id" }),
 *   productId: Column(Integer, { name: "product_id" }),
 *   quantity: Column(Integer, { nullable: false }),
 * },
 *   PrimaryKeyConstraint("orderId", "productId"),
 *   ForeignKeyConstraint(["orderId"], ["orders.id"], { ondelete: "CASCADE" }),
 *   CheckConstraint(sql`quantity > 0`, { name: "positive_quantity" }),
 * );
 */
import { ArgumentError } from "../util/errors.js";
import { ClauseElement, ColumnClause, ColumnElement } from "../sql/elements.js";
import { Select, TableClause } from "../sql/selectable.js";
import { text, TextClause } from "../sql/text.js";
import {
  ForeignKey,
  referentialAction,
  type ForeignKeyOptions,
  type ForeignKeyTarget,
  type ReferentialAction,
} from "./foreign-key.js";
import {
  resolveName,
  type ConventionKey,
  type NameableItem,
  type ResolvedName,
  type SchemaItemName,
} from "./naming.js";
import type { Table } from "./table.js";

/** A column given by key (or database name), or the Column itself. */
export type ColumnRef = string | ColumnClause<any>;

export interface ConstraintOptions {
  /** Constraint name; with a naming convention for this kind, the convention's name wins unless it uses %(constraint_name)s. */
  name?: SchemaItemName;
  /** DEFERRABLE / NOT DEFERRABLE (PostgreSQL, SQLite; ignored by MySQL). */
  deferrable?: boolean;
  /** INITIALLY DEFERRED / IMMEDIATE. */
  initially?: "DEFERRED" | "IMMEDIATE" | "deferred" | "immediate";
}

/** A schema Table, seen structurally (constraints are built before tables import them). */
interface AttachableTable {
  appendConstraint(c: Constraint): void;
}
function isAttachable(t: unknown): t is AttachableTable & TableClause<any, any> {
  return t instanceof TableClause && typeof (t as Partial<AttachableTable>).appendConstraint === "function";
}

export abstract class Constraint implements NameableItem {
  abstract readonly conventionKey: ConventionKey;
  readonly explicitName: SchemaItemName | null;
  readonly deferrable: boolean | null;
  readonly initially: "DEFERRED" | "IMMEDIATE" | null;
  /** The table it constrains (null until attached). */
  table: Table | null = null;
  /** Created from a column flag (`unique: true`, `foreignKey`, `primaryKey`) rather than given. @internal */
  _implicit = false;
  protected _columns: ColumnClause<any>[] = [];
  /** Columns as given, resolved against the table on attach. @internal */
  protected readonly _columnRefs: readonly ColumnRef[];

  constructor(columns: readonly ColumnRef[], options: ConstraintOptions = {}) {
    this._columnRefs = columns;
    this.explicitName = options.name ?? null;
    this.deferrable = options.deferrable ?? null;
    if (options.initially !== undefined && !/^(deferred|immediate)$/i.test(options.initially)) {
      throw new ArgumentError(
        `initially must be "DEFERRED" or "IMMEDIATE", got '${options.initially}'.`,
        "ATH-CONSTRAINT",
      );
    }
    this.initially = options.initially ? (options.initially.toUpperCase() as "DEFERRED" | "IMMEDIATE") : null;
  }

  /** The constrained columns, in order. */
  get columns(): readonly ColumnClause<any>[] {
    return this._columns;
  }

  /** The name: explicit, or from the MetaData's naming convention (before any truncation); null if unnamed. */
  get name(): string | null {
    return this._resolvedName()?.name ?? null;
  }

  /** @internal */
  _resolvedName(): ResolvedName | null {
    if (!this.table)
      return this.explicitName === null ? null : { name: String(this.explicitName), fromConvention: false };
    return resolveName(this, this.table, this.table.metadata.namingConvention);
  }

  /** Attaches to `table`, resolving column keys. @internal */
  _setTable(table: Table): void {
    if (this.table && this.table !== table) {
      throw new ArgumentError(
        `This ${this.describe()} already belongs to table '${this.table.name}'.`,
        "ATH-CONSTRAINT",
      );
    }
    this.table = table;
    this._columns = this._columnRefs.map((ref) => resolveColumn(table, ref, this.describe()));
  }

  /** Attaches to the table its columns belong to when they all belong to one (SQLAlchemy's autoattach). */
  protected autoAttach(cols: readonly unknown[]): void {
    if (cols.length === 0 || !cols.every((c) => c instanceof ColumnClause)) return;
    const t = (cols[0] as ColumnClause<any>).table;
    if (isAttachable(t) && cols.every((c) => (c as ColumnClause<any>).table === t)) t.appendConstraint(this);
  }

  /** A short description for messages. */
  abstract describe(): string;
}

/** Finds a column of `table` by key, by database name, or checks a Column belongs to it. @internal */
export function resolveColumn(table: Table, ref: ColumnRef, what: string): ColumnClause<any> {
  if (ref instanceof ColumnClause) {
    if (ref.table !== (table as unknown)) {
      const owner = ref.table instanceof TableClause ? `table '${ref.table.name}'` : "no table";
      throw new ArgumentError(
        `${what} on table '${table.name}' names column '${ref.name}' of ${owner}.`,
        "ATH-CONSTRAINT",
      );
    }
    return ref;
  }
  const col = columnByKey(table, ref) ?? table.columns.find((x) => x.name === ref);
  if (!col) {
    throw new ArgumentError(
      `${what} on table '${table.name}' names column '${ref}', which the table does not have ` +
        `(columns: ${table.columns.map((x) => x.key).join(", ")}).`,
      "ATH-CONSTRAINT",
    );
  }
  return col;
}

/** `table.c[key]` without tripping a strict column collection on an unknown key. @internal */
export function columnByKey(table: TableClause<any, any>, key: string): ColumnClause<any> | undefined {
  const c = table.c as Record<string, ColumnClause<any>>;
  return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : undefined;
}

/** Splits variadic arguments into column references and a trailing options object. */
function splitArgs<O extends object>(args: readonly (ColumnRef | O)[]): [ColumnRef[], O] {
  const cols: ColumnRef[] = [];
  let options = {} as O;
  for (const a of args) {
    if (typeof a === "string" || a instanceof ColumnClause) cols.push(a);
    else if (a && typeof a === "object" && !(a instanceof ClauseElement)) options = { ...options, ...a };
    else
      throw new ArgumentError(
        `Expected a column (key or Column) or an options object, got ${String(a)}.`,
        "ATH-CONSTRAINT",
      );
  }
  return [cols, options];
}

/**
 * PRIMARY KEY over one or more columns. Columns declared with `primaryKey: true` form one
 * implicitly; give this to name it or to set a composite key's column order.
 * @example PrimaryKeyConstraint("orderId", "productId", { name: "pk_line_items" })
 */
export class PrimaryKeyConstraint extends Constraint {
  readonly conventionKey = "pk";
  constructor(...args: (ColumnRef | ConstraintOptions)[]) {
    const [cols, options] = splitArgs<ConstraintOptions>(args);
    super(cols, options);
    this.autoAttach(cols);
  }
  describe(): string {
    return "PrimaryKeyConstraint";
  }
}

/**
 * UNIQUE over one or more columns.
 * @example UniqueConstraint("tenantId", "email", { name: "uq_user_email_per_tenant" })
 */
export class UniqueConstraint extends Constraint {
  readonly conventionKey = "uq";
  constructor(...args: (ColumnRef | ConstraintOptions)[]) {
    const [cols, options] = splitArgs<ConstraintOptions>(args);
    if (cols.length === 0)
      throw new ArgumentError("UniqueConstraint() needs at least one column.", "ATH-CONSTRAINT");
    super(cols, options);
    this.autoAttach(cols);
  }
  describe(): string {
    return `UniqueConstraint(${this._columnRefs.map((c) => (typeof c === "string" ? c : c.name)).join(", ")})`;
  }
}

/**
 * CHECK (condition): a boolean expression, `text("…")`, the sql`…` template, or a string of SQL.
 * Columns in the expression are rendered unqualified.
 * @example CheckConstraint(products.c.price.ge(0), { name: "price_not_negative" })
 */
export class CheckConstraint extends Constraint {
  readonly conventionKey = "ck";
  readonly sqltext: ClauseElement;
  /** For the CHECK guarding an Enum column: that column (the constraint is skipped where the enum is native). @internal */
  _enumColumn: ColumnClause<any> | null = null;
  /** @internal */
  defaultConstraintName: string | null = null;
  constructor(sqltext: ColumnElement<any> | TextClause<any> | string, options: ConstraintOptions = {}) {
    const expr = typeof sqltext === "string" ? text(sqltext) : sqltext;
    if (!(expr instanceof ColumnElement) && !(expr instanceof TextClause)) {
      throw new ArgumentError(
        "CheckConstraint() takes a boolean expression, text(…), sql`…` or a string of SQL.",
        "ATH-CONSTRAINT",
      );
    }
    const cols = findColumns(expr);
    super(cols, options);
    this.sqltext = expr;
    this.autoAttach(cols);
  }
  describe(): string {
    return "CheckConstraint";
  }
}

/** The distinct columns an expression refers to, in order of appearance (not inside subqueries). */
export function findColumns(e: unknown, out: ColumnClause<any>[] = []): ColumnClause<any>[] {
  if (e instanceof ColumnClause) {
    if (!out.includes(e)) out.push(e);
    return out;
  }
  if (!(e instanceof ClauseElement) || e instanceof Select) return out;
  for (const v of Object.values(e)) {
    if (Array.isArray(v)) for (const x of v) findColumns(x, out);
    else if (v instanceof ClauseElement) findColumns(v, out);
  }
  return out;
}

export interface ForeignKeyConstraintOptions extends ForeignKeyOptions {}

/**
 * FOREIGN KEY (columns) REFERENCES table (refcolumns), composite or single.
 * @example ForeignKeyConstraint(["orderId", "lineNo"], ["order_lines.order_id", "order_lines.line_no"], { ondelete: "CASCADE" })
 */
export class ForeignKeyConstraint extends Constraint {
  readonly conventionKey = "fk";
  /** One ForeignKey per column pair. */
  readonly elements: readonly ForeignKey[];
  readonly ondelete: ReferentialAction | null;
  readonly onupdate: ReferentialAction | null;
  readonly useAlter: boolean;

  constructor(
    columns: readonly ColumnRef[],
    refColumns: readonly ForeignKeyTarget[],
    options: ForeignKeyConstraintOptions = {},
  ) {
    if (columns.length === 0 || columns.length !== refColumns.length) {
      throw new ArgumentError(
        `ForeignKeyConstraint() needs as many referenced columns as columns (got ${columns.length} and ${refColumns.length}).`,
        "ATH-FK",
      );
    }
    super(columns, options);
    this.ondelete = referentialAction(options.ondelete, "ondelete");
    this.onupdate = referentialAction(options.onupdate, "onupdate");
    this.useAlter = options.useAlter ?? false;
    this.elements = refColumns.map((r) => (r instanceof ForeignKey ? r : new ForeignKey(r, options)));
    for (const fk of this.elements) fk.constraint = this;
    this.autoAttach(columns);
  }

  /** The constraint of a column-level ForeignKey. @internal */
  static _forColumnKey(fk: ForeignKey, column: ColumnClause<any>): ForeignKeyConstraint {
    const c = new ForeignKeyConstraint([column], [fk as unknown as ForeignKeyTarget], fk.options);
    c._implicit = true;
    return c;
  }

  override _setTable(table: Table): void {
    super._setTable(table);
    this._columns.forEach((col, i) => this.elements[i]!._setParent(col));
  }

  referredTableName(): string {
    return this.elements[0]!.referredTableName();
  }
  referredColumns(): readonly ColumnClause<any>[] {
    return this.elements.map((e) => e.column);
  }
  /** The referenced table, resolved. */
  get referredTable(): TableClause<any, any> {
    return this.elements[0]!.referredTable;
  }
  describe(): string {
    const target = this.elements.map((e) => (typeof e.target === "string" ? e.target : "…")).join(", ");
    return `ForeignKeyConstraint(→ ${target})`;
  }
}
