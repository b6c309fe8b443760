/**
 * `Table`: a named table in a MetaData, with columns, constraints and indexes (SQLAlchemy:
 * `schema.Table`). Signature:
 *
 *   new Table(name, metadata, { key: Column(...), … }, ...constraintsAndIndexes, options?)
 *
 * - columns: an object; each key is the column's key in `table.c` and in result rows, and its
 *   database name unless the Column gives `name`;
 * - then any number of PrimaryKeyConstraint / UniqueConstraint / CheckConstraint /
 *   ForeignKeyConstraint / Index, with columns given by key;
 * - an options object (conventionally last): `{ schema, comment, extendExisting, mysqlEngine,
 *   mysqlCharset, mysqlCollate, sqliteAutoincrement }`.
 *
 * @example
 * const users = new Table("users", metadata, {
 *   id: Column(Integer, { primaryKey: true }),
 *   email: Column(String(255), { nullable: false, unique: true }),
 *   createdAt: Column(DateTime, { name: "created_at", serverDefault: func.now() }),
 * }, Index("ix_users_created", "createdAt"), { comment: "registered users" });
 */
import { ArgumentError } from "../util/errors.js";
import { ClauseElement } from "../sql/elements.js";
import { strictColumns, TableClause, type ColumnMap } from "../sql/selectable.js";
import { EnumType } from "../sql/types/generic.js";
import { Column, isIntegerType } from "./column.js";
import { setField } from "./constructible.js";
import {
  CheckConstraint,
  Constraint,
  ForeignKeyConstraint,
  PrimaryKeyConstraint,
  UniqueConstraint,
} from "./constraints.js";
import type { ForeignKey } from "./foreign-key.js";
import { Index } from "./indexes.js";
import type { MetaData } from "./metadata.js";

export interface TableOptions {
  /** Schema (PostgreSQL schema, MySQL database); defaults to the MetaData's schema. */
  schema?: string | null;
  /** Table comment (COMMENT ON TABLE on PostgreSQL, COMMENT= on MySQL; ignored by SQLite). */
  comment?: string;
  /** Redefine a table already in the MetaData: the same Table object gets the new columns and options. */
  extendExisting?: boolean;
  /** MySQL storage engine, e.g. "InnoDB" (SQLAlchemy: `mysql_engine`). */
  mysqlEngine?: string;
  /** MySQL default character set, e.g. "utf8mb4" (SQLAlchemy: `mysql_charset`). */
  mysqlCharset?: string;
  /** MySQL default collation, e.g. "utf8mb4_unicode_ci" (SQLAlchemy: `mysql_collate`). */
  mysqlCollate?: string;
  /** SQLite: `INTEGER PRIMARY KEY AUTOINCREMENT`, so ids of deleted rows are never reused (SQLAlchemy: `sqlite_autoincrement`). */
  sqliteAutoincrement?: boolean;
}

/** What may follow the columns: constraints, indexes, options. */
export type TableArg = Constraint | Index | TableOptions;

/** Columns of a table definition, by key. */
export type ColumnSpec = Record<string, Column<any, any, any>>;

/** The bound columns of a table: each Column gets its key as its row key. */
export type BoundColumns<S> = {
  [P in keyof S & string]: S[P] extends Column<infer T, any, infer O> ? Column<T, P, O> : never;
};

interface MetaDataHost {
  _lookup(key: string): Table | undefined;
  _addTable(t: Table): void;
}

export class Table<N extends string = string, C extends ColumnMap = ColumnMap> extends TableClause<N, C> {
  // Definitely assigned unless the constructor returns the existing table (extendExisting).
  readonly metadata!: MetaData;
  readonly comment!: string | null;
  /** Dialect-specific and other options given at construction. */
  readonly options!: Readonly<TableOptions>;
  private _pk!: PrimaryKeyConstraint;
  private _constraints!: Constraint[];
  private _indexes!: Index[];

  constructor(name: N, metadata: MetaData, columns: ColumnSpec, ...args: TableArg[]) {
    const { options, items } = splitTableArgs(name, args);
    if (!metadata || typeof (metadata as unknown as Partial<MetaDataHost>)._addTable !== "function") {
      throw new ArgumentError(
        `new Table('${name}', metadata, columns): the second argument must be a MetaData.`,
        "ATH-TABLE",
      );
    }
    super(name, [], options.schema !== undefined ? options.schema : metadata.schema);
    if (typeof name !== "string" || name === "")
      throw new ArgumentError("A Table needs a non-empty name.", "ATH-TABLE");
    if (!columns || typeof columns !== "object" || columns instanceof ClauseElement) {
      throw new ArgumentError(
        `new Table('${name}', metadata, columns): columns must be an object of Column(...) by key.`,
        "ATH-TABLE",
      );
    }
    const host = metadata as unknown as MetaDataHost;
    const existing = host._lookup(tableKey(name, this.schema));
    if (existing) {
      if (!options.extendExisting) {
        throw new ArgumentError(
          `Table '${tableKey(name, this.schema)}' is already defined in this MetaData. Pass { extendExisting: true } to add ` +
            "columns and options to the existing Table, or remove it first with metadata.remove(table).",
          "ATH-TABLE-EXISTS",
        );
      }
      // Statements cached while it had fewer columns are keyed by the table's identity: from now
      // on key it by what it spells, so `select(table)` compiled before the extension isn't reused.
      setField(existing as Table, "_keyedById", false);
      existing._extend(columns, items, options);
      return existing as any;
    }
    this.metadata = metadata;
    this.comment = options.comment ?? null;
    this.options = options;
    this._constraints = [];
    this._indexes = [];
    this._pk = new PrimaryKeyConstraint();
    this._pk._implicit = true;
    this._extend(columns, items, {});
    host._addTable(this);
  }

  /** `schema.name`, or `name` (the key in `metadata.tables`). */
  get key(): string {
    return tableKey(this.name, this.schema);
  }
  /** `schema.name` or `name` (SQLAlchemy: `fullname`). */
  get fullname(): string {
    return this.key;
  }
  /** The primary key (possibly with no columns). */
  get primaryKey(): PrimaryKeyConstraint {
    return this._pk;
  }
  /** Every constraint: primary key, unique, check, foreign key. */
  get constraints(): readonly Constraint[] {
    return this._pk.columns.length ? [this._pk, ...this._constraints] : [...this._constraints];
  }
  get foreignKeyConstraints(): readonly ForeignKeyConstraint[] {
    return this._constraints.filter((c): c is ForeignKeyConstraint => c instanceof ForeignKeyConstraint);
  }
  /** Every foreign key (one per column pair); join() infers ON clauses from these. */
  override get foreignKeys(): readonly ForeignKey[] {
    return this.foreignKeyConstraints.flatMap((c) => c.elements);
  }
  get indexes(): readonly Index[] {
    return this._indexes;
  }

  /**
   * The column that gets autoincrement semantics (SERIAL, AUTO_INCREMENT, INTEGER PRIMARY KEY),
   * or null (SQLAlchemy: `_autoincrement_column`): a column with `autoincrement: true`, else a
   * single-column integer primary key with no foreign key and no default.
   */
  get autoincrementColumn(): Column | null {
    const pk = this._pk.columns as Column[];
    const forced = pk.filter((c) => c.autoincrement === true);
    if (forced.length > 1) {
      throw new ArgumentError(
        `Table '${this.name}': only one column may have autoincrement: true (got ${forced.map((c) => c.key).join(", ")}).`,
        "ATH-AUTOINCREMENT",
      );
    }
    const col = forced[0];
    if (col) {
      if (!isIntegerType(col.type)) {
        throw new ArgumentError(
          `Column '${this.name}.${col.name}' has autoincrement: true but type ${col.type.toString()}; autoincrement needs an integer type.`,
          "ATH-AUTOINCREMENT",
        );
      }
      return col;
    }
    if (pk.length !== 1) return null;
    const only = pk[0]!;
    const hasFk = this.foreignKeys.some((fk) => fk.parent === only);
    if (
      only.autoincrement === "auto" &&
      isIntegerType(only.type) &&
      !hasFk &&
      !only.insertDefault &&
      !only.serverDefault
    )
      return only;
    return null;
  }

  /** Adds a constraint (SQLAlchemy: `append_constraint`). A PrimaryKeyConstraint replaces the primary key. */
  appendConstraint(c: Constraint): void {
    if (!(c instanceof Constraint))
      throw new ArgumentError(`appendConstraint() takes a constraint, got ${String(c)}.`, "ATH-TABLE");
    if (c instanceof PrimaryKeyConstraint) {
      if (this._pk === c) return;
      c._setTable(this);
      for (const col of c.columns as Column[]) if (col instanceof Column) col._markPrimaryKey();
      this._pk = c;
      return;
    }
    if (this._constraints.includes(c)) return;
    c._setTable(this);
    this._constraints.push(c);
  }

  /** @internal (indexes attach themselves) */
  _addIndex(i: Index): void {
    if (this._indexes.includes(i)) return;
    i._setTable(this);
    this._indexes.push(i);
  }

  /** Adds or replaces columns, then constraints and indexes. @internal */
  _extend(spec: ColumnSpec, items: readonly (Constraint | Index)[], options: TableOptions): void {
    if (Object.keys(options).length) {
      const { extendExisting: _e, ...rest } = options;
      setField(this as Table, "options", { ...this.options, ...rest });
      if (options.comment !== undefined) setField(this as Table, "comment", options.comment);
    }
    const added = this.addColumns(spec);
    const explicitPk = items.filter((i): i is PrimaryKeyConstraint => i instanceof PrimaryKeyConstraint);
    if (explicitPk.length > 1)
      throw new ArgumentError(
        `Table '${this.name}' got ${explicitPk.length} PrimaryKeyConstraints; a table has one.`,
        "ATH-TABLE",
      );
    if (explicitPk[0]) {
      const pk = explicitPk[0];
      this.appendConstraint(pk);
      const stray = this.columns.filter((c) => (c as Column).primaryKey && !pk.columns.includes(c));
      if (stray.length) {
        throw new ArgumentError(
          `Table '${this.name}': columns ${stray.map((c) => `'${c.key}'`).join(", ")} are declared primaryKey: true but are not in ` +
            "the PrimaryKeyConstraint given. Declare the key one way: column flags, or the constraint.",
          "ATH-TABLE",
        );
      }
    } else if (this._pk._implicit) {
      const pkCols = this.columns.filter((c) => (c as Column).primaryKey);
      const pk = new PrimaryKeyConstraint(...pkCols);
      pk._implicit = true;
      this.appendConstraint(pk);
    }
    for (const col of added) this.addColumnConstraints(col);
    for (const item of items) {
      if (item instanceof Index) this._addIndex(item);
      else if (!(item instanceof PrimaryKeyConstraint)) this.appendConstraint(item);
    }
  }

  private addColumns(spec: ColumnSpec): Column[] {
    const columns = [...this.columns] as Column[];
    const added: Column[] = [];
    for (const [key, col] of Object.entries(spec)) {
      if (!(col instanceof Column)) {
        throw new ArgumentError(
          `Column '${key}' of table '${this.name}' must be a Column(type, options), got ${String(col)}.`,
          "ATH-TABLE",
        );
      }
      col._attach(this, key);
      const at = columns.findIndex((x) => x.key === key);
      if (at >= 0) columns[at] = col;
      else columns.push(col);
      added.push(col);
    }
    const names = new Map<string, string>();
    for (const col of columns) {
      const other = names.get(col.name);
      if (other !== undefined) {
        throw new ArgumentError(
          `Table '${this.name}': columns '${other}' and '${col.key}' both have the database name '${col.name}'.`,
          "ATH-TABLE",
        );
      }
      names.set(col.name, col.key);
    }
    setField(this as TableClause<any, any>, "columns", columns);
    setField(this as TableClause<any, any>, "c", strictColumns("Table", this, columns));
    return added;
  }

  /** Constraints and indexes implied by column options. */
  private addColumnConstraints(col: Column): void {
    if (col.index) {
      const ix = new Index(null, col, { unique: col.unique });
      ix._implicit = true;
      this._addIndex(ix);
    } else if (col.unique) {
      const uq = new UniqueConstraint(col);
      uq._implicit = true;
      this.appendConstraint(uq);
    }
    for (const fk of col.foreignKeys) this.appendConstraint(ForeignKeyConstraint._forColumnKey(fk, col));
    const type = col.type;
    if (type instanceof EnumType && type.createConstraint) {
      const ck = new CheckConstraint(col.in(type.values as string[]), type.name ? { name: type.name } : {});
      ck._implicit = true;
      ck._enumColumn = col;
      ck.defaultConstraintName = col.name;
      this.appendConstraint(ck);
    }
  }

  override toString(): string {
    return this.key;
  }
}

/** The key of a table in its MetaData: `schema.name` or `name`. */
export function tableKey(name: string, schema: string | null): string {
  return schema ? `${schema}.${name}` : name;
}

function splitTableArgs(
  name: string,
  args: readonly TableArg[],
): { options: TableOptions; items: (Constraint | Index)[] } {
  let options: TableOptions = {};
  const items: (Constraint | Index)[] = [];
  for (const a of args) {
    if (a instanceof Constraint || a instanceof Index) items.push(a);
    else if (a instanceof Column) {
      throw new ArgumentError(
        `Table '${name}': columns go in the columns object (third argument), e.g. { id: Column(Integer) }.`,
        "ATH-TABLE",
      );
    } else if (a && typeof a === "object" && !(a instanceof ClauseElement)) options = { ...options, ...a };
    else
      throw new ArgumentError(
        `Table '${name}': unexpected argument ${String(a)}; expected a constraint, an index or an options object.`,
        "ATH-TABLE",
      );
  }
  return { options, items };
}
