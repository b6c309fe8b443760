/**
 * What SELECT and compound SELECTs share (SQLAlchemy: `SelectBase`, `CompoundSelect`,
 * `ScalarSelect`, `Exists`): becoming a subquery, a CTE, a scalar value, EXISTS, and
 * UNION / INTERSECT / EXCEPT.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ClauseElement, ColumnClause, ColumnElement } from "./base.js";
import { coerce, describeValue } from "./coercions.js";
import type { SqlCompiler } from "./compiler.js";
import { CTE } from "./cte.js";
import { exportedKeys, Lateral, Subquery } from "./from-clauses.js";
import { OrderByElement, type Label } from "./operators.js";
import { BOOLEAN_TYPE, INTEGER_TYPE } from "./types/internal.js";
import { NULLTYPE, type TypeEngine } from "./types/type-engine.js";

export type CompoundKeyword = "UNION" | "UNION ALL" | "INTERSECT" | "INTERSECT ALL" | "EXCEPT" | "EXCEPT ALL";

/** A SELECT or a compound SELECT: something that returns rows of type `Row`. */
export abstract class SelectBase<Row = Record<string, unknown>, Scalar = unknown> extends ClauseElement {
  declare readonly __row?: Row;
  declare readonly __scalar?: Scalar;
  /** @internal Marks statements usable as IN (subquery). */
  readonly _isSelect = true as const;
  /** The selected columns, tables expanded. @internal */
  abstract exportedColumns(): readonly ColumnElement<any>[];

  /** This SELECT as a named subquery usable in FROM; its `c` is typed from the rows. */
  subquery<const Name extends string>(name?: Name): Subquery<Row> {
    return new Subquery<Row>(this, name ?? null);
  }
  /** Same as `subquery()` (SQLAlchemy: `alias`). */
  alias(name?: string): Subquery<Row> {
    return this.subquery(name);
  }
  /** `LATERAL (SELECT …)`: a subquery that may refer to FROMs on its left (PostgreSQL, MySQL 8). */
  lateral(name?: string): Lateral<Row> {
    return new Lateral<Row>(this, name ?? null);
  }
  /**
   * A common table expression, `WITH name AS (…)`, rendered at the top of the statement
   * that uses it. With `recursive`, continue it with `.unionAll(select … from the cte)`.
   */
  cte(name?: string, options?: { recursive?: boolean }): CTE<Row> {
    return new CTE<Row>(this, name ?? null, options?.recursive ?? false, null);
  }
  /** This SELECT as a value, `(SELECT …)`, for use in expressions (SQLAlchemy: `scalar_subquery`). */
  scalarSubquery(): ScalarSelect<Scalar> {
    return new ScalarSelect<Scalar>(this);
  }
  /** `EXISTS (SELECT …)`. */
  exists(): Exists {
    return new Exists(this);
  }
  /** The scalar subquery, labelled. */
  label<L extends string>(name: L): Label<Scalar, L> {
    return this.scalarSubquery().label(name);
  }
  /** @internal A SELECT given where a value is expected stands for its scalar subquery. */
  _asScalar(): ColumnElement<Scalar> {
    return this.scalarSubquery();
  }

  union(...others: SelectBase<any, any>[]): CompoundSelect<Row, Scalar> {
    return compound("UNION", [this, ...others]);
  }
  unionAll(...others: SelectBase<any, any>[]): CompoundSelect<Row, Scalar> {
    return compound("UNION ALL", [this, ...others]);
  }
  intersect(...others: SelectBase<any, any>[]): CompoundSelect<Row, Scalar> {
    return compound("INTERSECT", [this, ...others]);
  }
  intersectAll(...others: SelectBase<any, any>[]): CompoundSelect<Row, Scalar> {
    return compound("INTERSECT ALL", [this, ...others]);
  }
  /** `EXCEPT` (SQLAlchemy: `except_`). */
  except(...others: SelectBase<any, any>[]): CompoundSelect<Row, Scalar> {
    return compound("EXCEPT", [this, ...others]);
  }
  exceptAll(...others: SelectBase<any, any>[]): CompoundSelect<Row, Scalar> {
    return compound("EXCEPT ALL", [this, ...others]);
  }
}

interface CompoundState {
  readonly orderBy: readonly OrderByElement[];
  readonly limit: ColumnElement<any> | null;
  readonly offset: ColumnElement<any> | null;
}

/** `SELECT … UNION SELECT …` and friends. Rows take the first SELECT's keys. */
export class CompoundSelect<Row = Record<string, unknown>, Scalar = unknown> extends SelectBase<Row, Scalar> {
  readonly kind = "compound_select";
  constructor(
    readonly keyword: CompoundKeyword,
    readonly selects: readonly SelectBase<any, any>[],
    /** @internal */ readonly _s: CompoundState,
  ) {
    super();
  }
  exportedColumns(): readonly ColumnElement<any>[] {
    return this.selects[0]!.exportedColumns();
  }
  /**
   * The result columns, to order the compound by: `u.orderBy(u.selectedColumns.name)`.
   * Columns of the first SELECT work too; both render as the bare result name.
   */
  get selectedColumns(): Record<string, ColumnClause<any>> {
    const cols = this.exportedColumns();
    const keys = exportedKeys(cols);
    const out: Record<string, ColumnClause<any>> = {};
    cols.forEach((c, i) => (out[keys[i]!] = new ColumnClause(keys[i]!, c.type, null)));
    return out;
  }
  /** ORDER BY result columns; a string names one (`orderBy("name")`). */
  orderBy(...items: (ColumnElement<any> | OrderByElement | string)[]): CompoundSelect<Row, Scalar> {
    const ob = items.map((i) =>
      i instanceof OrderByElement ? i : new OrderByElement(resolveLabel(this, i, "orderBy"), null, null),
    );
    return new CompoundSelect(this.keyword, this.selects, {
      ...this._s,
      orderBy: [...this._s.orderBy, ...ob],
    });
  }
  limit(n: number | ColumnElement<number> | null): CompoundSelect<Row, Scalar> {
    return new CompoundSelect(this.keyword, this.selects, { ...this._s, limit: limitValue(n, "limit") });
  }
  offset(n: number | ColumnElement<number> | null): CompoundSelect<Row, Scalar> {
    return new CompoundSelect(this.keyword, this.selects, { ...this._s, offset: limitValue(n, "offset") });
  }
  _compile(c: SqlCompiler): string {
    return c.visitCompoundSelect(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("CS");
    k.s(this.keyword);
    k.list(this.selects);
    k.list(this._s.orderBy);
    k.node(this._s.limit);
    k.node(this._s.offset);
  }
}

/** A reference to a selected column by its label or key, from `orderBy("name")`. */
export class LabelReference extends ColumnElement<unknown> {
  readonly kind = "label_reference";
  readonly type = NULLTYPE;
  constructor(readonly name: string) {
    super();
  }
  override get key(): string {
    return this.name;
  }
  _compile(c: SqlCompiler): string {
    return c.visitLabelReference(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("lr");
    k.str(this.name);
  }
}

/** A column expression as given, or a string naming one of the statement's result columns. @internal */
export function resolveLabel(
  stmt: SelectBase<any, any>,
  item: ColumnElement<any> | string,
  what: string,
): ColumnElement<any> {
  if (typeof item !== "string") {
    if (!(item instanceof ColumnElement))
      throw new ArgumentError(
        `${what}() takes column expressions or label names; got ${describeValue(item)}.`,
        "ATH-ARG",
      );
    return item;
  }
  const keys = stmt.exportedColumns().map((c) => c.key);
  if (!keys.includes(item)) {
    throw new ArgumentError(
      `Can't resolve label reference '${item}' in ${what}(); the selected names are: ${keys.join(", ")}.`,
      "ATH-COLUMN",
    );
  }
  return new LabelReference(item);
}

/** A LIMIT or OFFSET value: a non-negative integer (bound), an expression, or null for none. @internal */
export function limitValue(
  n: number | ColumnElement<number> | null,
  what: string,
): ColumnElement<any> | null {
  if (n === null) return null;
  if (typeof n === "number" && (!Number.isSafeInteger(n) || n < 0)) {
    throw new ArgumentError(`${what}() takes a non-negative integer, got ${n}.`, "ATH-VALUE");
  }
  return coerce(n, INTEGER_TYPE);
}

function compound<Row, Scalar>(
  keyword: CompoundKeyword,
  selects: SelectBase<any, any>[],
): CompoundSelect<Row, Scalar> {
  if (selects.length < 2) throw new ArgumentError(`${keyword} needs at least two SELECTs.`, "ATH-ARG");
  const n = selects[0]!.exportedColumns().length;
  selects.forEach((s, i) => {
    if (!(s instanceof SelectBase))
      throw new ArgumentError(`${keyword} takes SELECT statements; argument ${i + 1} is not one.`, "ATH-ARG");
    const m = s.exportedColumns().length;
    if (m !== n) {
      throw new ArgumentError(
        `All SELECTs of a ${keyword} must have the same number of columns; SELECT #1 has ${n}, SELECT #${i + 1} has ${m}.`,
        "ATH-ARG",
      );
    }
  });
  return new CompoundSelect<Row, Scalar>(keyword, selects, { orderBy: [], limit: null, offset: null });
}

/** `a UNION b UNION …` (rows of the first). */
export function union<Row, Scalar>(
  first: SelectBase<Row, Scalar>,
  ...rest: SelectBase<any, any>[]
): CompoundSelect<Row, Scalar> {
  return compound("UNION", [first, ...rest]);
}
export function unionAll<Row, Scalar>(
  first: SelectBase<Row, Scalar>,
  ...rest: SelectBase<any, any>[]
): CompoundSelect<Row, Scalar> {
  return compound("UNION ALL", [first, ...rest]);
}
export function intersect<Row, Scalar>(
  first: SelectBase<Row, Scalar>,
  ...rest: SelectBase<any, any>[]
): CompoundSelect<Row, Scalar> {
  return compound("INTERSECT", [first, ...rest]);
}
export function intersectAll<Row, Scalar>(
  first: SelectBase<Row, Scalar>,
  ...rest: SelectBase<any, any>[]
): CompoundSelect<Row, Scalar> {
  return compound("INTERSECT ALL", [first, ...rest]);
}
/** `a EXCEPT b` (SQLAlchemy: `except_`). */
export function except_<Row, Scalar>(
  first: SelectBase<Row, Scalar>,
  ...rest: SelectBase<any, any>[]
): CompoundSelect<Row, Scalar> {
  return compound("EXCEPT", [first, ...rest]);
}
export function exceptAll<Row, Scalar>(
  first: SelectBase<Row, Scalar>,
  ...rest: SelectBase<any, any>[]
): CompoundSelect<Row, Scalar> {
  return compound("EXCEPT ALL", [first, ...rest]);
}

/** `(SELECT …)` used as a value. */
export class ScalarSelect<T> extends ColumnElement<T> {
  readonly kind = "scalar_select";
  constructor(readonly select: SelectBase<any, any>) {
    super();
  }
  get type(): TypeEngine<any> {
    return this.select.exportedColumns()[0]?.type ?? NULLTYPE;
  }
  override get key(): string {
    return this.select.exportedColumns()[0]?.key ?? super.key;
  }
  _compile(c: SqlCompiler): string {
    return c.visitScalarSelect(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("SS");
    this.select._ck(k);
  }
}

/** `EXISTS (SELECT …)`. */
export class Exists extends ColumnElement<boolean> {
  readonly kind = "exists";
  readonly type = BOOLEAN_TYPE;
  constructor(readonly select: SelectBase<any, any>) {
    super();
  }
  override get key(): string {
    return "exists";
  }
  _compile(c: SqlCompiler): string {
    return c.visitExists(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("EX");
    this.select._ck(k);
  }
}

/** `EXISTS (SELECT …)`. @example select(users.c.name).where(exists(select(orders.c.id).where(orders.c.userId.eq(users.c.id)))) */
export function exists(stmt: SelectBase<any, any>): Exists {
  if (!(stmt instanceof SelectBase)) throw new ArgumentError("exists() takes a SELECT.", "ATH-ARG");
  return new Exists(stmt);
}
