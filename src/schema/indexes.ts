/**
 * `Index`: CREATE [UNIQUE] INDEX over columns or expressions (SQLAlchemy: `schema.Index`).
 * Given a table's columns, an index attaches itself to that table; it can also be passed to
 * `new Table(...)` with column keys.
 *
 * @example
 * Index("ix_users_lower_email", func.lower(users.c.email), { unique: true });
 * new Table("posts", metadata, { … }, Index(null, "authorId", "createdAt")); // named by the ix convention
 * Index("ix_posts_body", posts.c.body, { mysqlLength: 100 }); // MySQL needs a prefix length on TEXT
 */
import { ArgumentError } from "../util/errors.js";
import { ClauseElement, ColumnClause, ColumnElement, OrderByElement } from "../sql/elements.js";
import { TableClause } from "../sql/selectable.js";
import { text, TextClause } from "../sql/text.js";
import { findColumns, resolveColumn, type ColumnRef } from "./constraints.js";
import { resolveName, type NameableItem, type ResolvedName, type SchemaItemName } from "./naming.js";
import type { Table } from "./table.js";

export interface IndexOptions {
  unique?: boolean;
  /**
   * MySQL/MariaDB prefix length, required there for TEXT and BLOB columns: one number for every
   * such column, or lengths by column key or name (SQLAlchemy: `mysql_length`).
   */
  mysqlLength?: number | Readonly<Record<string, number>>;
  /** A partial index: `CREATE INDEX … WHERE condition` (PostgreSQL and SQLite). */
  where?: ColumnElement<any> | TextClause<any> | string;
}

/** What an index is over: a column (key or Column), an expression, or `column.desc()`. */
export type IndexExpression = ColumnRef | ColumnElement<any> | OrderByElement;

interface IndexHost {
  _addIndex(i: Index): void;
}

export class Index implements NameableItem {
  readonly conventionKey = "ix";
  readonly explicitName: SchemaItemName | null;
  readonly unique: boolean;
  readonly mysqlLength: number | Readonly<Record<string, number>> | null;
  readonly where: ClauseElement | null;
  /** The table it indexes (null until attached). */
  table: Table | null = null;
  /** Created by a column's `index: true`. @internal */
  _implicit = false;
  private readonly refs: readonly IndexExpression[];
  private _expressions: ClauseElement[] = [];
  private _columns: ColumnClause<any>[] = [];

  constructor(name: SchemaItemName | null, ...args: (IndexExpression | IndexOptions)[]) {
    const refs: IndexExpression[] = [];
    let options: IndexOptions = {};
    for (const a of args) {
      if (typeof a === "string" || a instanceof ColumnElement || a instanceof OrderByElement) refs.push(a);
      else if (a && typeof a === "object" && !(a instanceof ClauseElement)) options = { ...options, ...a };
      else
        throw new ArgumentError(
          `Index() takes columns, expressions and an options object; got ${String(a)}.`,
          "ATH-INDEX",
        );
    }
    if (refs.length === 0)
      throw new ArgumentError(
        `Index(${name === null ? "null" : `'${String(name)}'`}) needs at least one column or expression.`,
        "ATH-INDEX",
      );
    this.explicitName = name;
    this.refs = refs;
    this.unique = options.unique ?? false;
    this.mysqlLength = options.mysqlLength ?? null;
    this.where =
      options.where === undefined
        ? null
        : typeof options.where === "string"
          ? text(options.where)
          : options.where;
    // Attach to the table of the columns given, when they are already in one.
    const bound = refs
      .flatMap((r) => (typeof r === "string" ? [] : findColumns(r)))
      .filter((c) => c.table !== null);
    const t = bound[0]?.table;
    if (t instanceof TableClause && typeof (t as unknown as Partial<IndexHost>)._addIndex === "function") {
      if (bound.some((c) => c.table !== t)) {
        throw new ArgumentError(`Index(${String(name)}) mixes columns of different tables.`, "ATH-INDEX");
      }
      (t as unknown as IndexHost)._addIndex(this);
    }
  }

  /** The indexed expressions (columns resolved). */
  get expressions(): readonly ClauseElement[] {
    return this._expressions;
  }
  /** The columns involved, in order (for naming conventions and MySQL prefix lengths). */
  get columns(): readonly ColumnClause<any>[] {
    return this._columns;
  }
  /** The name: explicit, or from the `ix` naming convention; null if neither. */
  get name(): string | null {
    return this._resolvedName()?.name ?? null;
  }
  /** @internal */
  _resolvedName(): ResolvedName | null {
    if (!this.table)
      return this.explicitName === null ? null : { name: String(this.explicitName), fromConvention: false };
    return resolveName(this, this.table, this.table.metadata.namingConvention);
  }
  /** @internal */
  _setTable(table: Table): void {
    if (this.table && this.table !== table) {
      throw new ArgumentError(
        `Index '${this.name}' already belongs to table '${this.table.name}'.`,
        "ATH-INDEX",
      );
    }
    this.table = table;
    this._expressions = this.refs.map((r) =>
      typeof r === "string" || r instanceof ColumnClause ? resolveColumn(table, r, "Index") : r,
    );
    const cols: ColumnClause<any>[] = [];
    for (const e of this._expressions) findColumns(e, cols);
    for (const c of cols) resolveColumn(table, c, "Index");
    this._columns = cols;
  }
}
