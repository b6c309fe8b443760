/**
 * Common table expressions (SQLAlchemy: `CTE`): `WITH [RECURSIVE] name(cols) AS (…)`.
 * A CTE is a FROM clause; the compiler renders its definition once, at the top of the
 * statement that uses it, however deeply it is referenced.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ColumnClause, FromClause } from "./base.js";
import type { SqlCompiler } from "./compiler.js";
import {
  exportedColumns,
  rebind,
  strictColumns,
  type ColumnsOf,
  type SelectableStatement,
} from "./from-clauses.js";
import type { SelectBase } from "./select-base.js";
import { CompoundSelect, type CompoundKeyword } from "./select-base.js";

/**
 * `WITH name AS (SELECT …)`. Recursive CTEs continue with `.unionAll(…)`, whose SELECT may
 * refer to the CTE itself (or an alias of it), as in SQLAlchemy:
 * @example
 * const tree = select(nodes.c.id, nodes.c.parentId).where(nodes.c.id.eq(1)).cte("tree", { recursive: true });
 * const t = tree.alias("t");
 * const full = tree.unionAll(select(nodes.c.id, nodes.c.parentId).join(t, nodes.c.parentId.eq(t.c.id)));
 * select(full.c.id)
 */
export class CTE<Row = Record<string, unknown>> extends FromClause {
  readonly kind = "cte";
  declare readonly __row?: Row;
  readonly c: ColumnsOf<Row>;
  readonly columns: readonly ColumnClause<any>[];
  constructor(
    readonly element: SelectableStatement,
    /** null: an anonymous name is generated at compile time. */
    readonly name: string | null,
    readonly recursive: boolean,
    /** The CTE this one extends with a UNION (the recursive part); they share a name. @internal */
    readonly _restates: CTE<any> | null,
  ) {
    super();
    this.columns = exportedColumns(element.exportedColumns(), this);
    this.c = strictColumns<ColumnsOf<Row>>("CTE", this, this.columns);
  }
  /** The first CTE of a chain of `union` restatements: it owns the name. @internal */
  get root(): CTE<any> {
    return this._restates ? this._restates.root : this;
  }
  /** How many restatements precede this one; the compiler renders the newest definition. @internal */
  get generation(): number {
    let n = 0;
    for (let c = this._restates; c; c = c._restates) n++;
    return n;
  }
  /** Another name for this CTE in one FROM list (self-joins, the recursive part). */
  alias(name?: string): CteAlias<Row> {
    return new CteAlias<Row>(this, name ?? null);
  }
  union(...others: SelectBase<any, any>[]): CTE<Row> {
    return this.extend("UNION", others);
  }
  unionAll(...others: SelectBase<any, any>[]): CTE<Row> {
    return this.extend("UNION ALL", others);
  }
  private extend(keyword: CompoundKeyword, others: SelectBase<any, any>[]): CTE<Row> {
    if (others.length === 0)
      throw new ArgumentError(
        `cte.${keyword === "UNION" ? "union" : "unionAll"}() needs a SELECT.`,
        "ATH-ARG",
      );
    const n = this.columns.length;
    for (const o of others) {
      if (o.exportedColumns().length !== n) {
        throw new ArgumentError(
          `A CTE's ${keyword} part must select ${n} columns, like its first part; got ${o.exportedColumns().length}.`,
          "ATH-ARG",
        );
      }
    }
    const compound = new CompoundSelect(keyword, [this.element as SelectBase<any, any>, ...others], {
      orderBy: [],
      limit: null,
      offset: null,
    });
    return new CTE<Row>(compound, this.name, this.recursive, this);
  }
  _compile(c: SqlCompiler): string {
    return c.visitCte(this);
  }
  _fromKey(k: CacheKeyBuilder): void {
    k.s("CTE");
    k.str(this.name ?? "");
    k.n(this.recursive);
    if (this._restates) k.from(this._restates);
    else k.s("~");
    this.element._ck(k);
  }
}

/** A CTE under another name, `name AS alias`. */
export class CteAlias<Row = Record<string, unknown>> extends FromClause {
  readonly kind = "cte_alias";
  readonly c: ColumnsOf<Row>;
  readonly columns: readonly ColumnClause<any>[];
  constructor(
    readonly cte: CTE<Row>,
    readonly name: string | null,
  ) {
    super();
    this.columns = rebind(cte.columns, this);
    this.c = strictColumns<ColumnsOf<Row>>("CTE alias", this, this.columns);
  }
  _compile(c: SqlCompiler): string {
    return c.visitCteAlias(this);
  }
  _fromKey(k: CacheKeyBuilder): void {
    k.s("CA");
    k.str(this.name ?? "");
    k.from(this.cte);
  }
}
