/**
 * The roots of the expression tree (SQLAlchemy: `sql/elements.py`): ClauseElement,
 * ColumnElement with its operators, bound parameters, columns and FROM clauses.
 *
 * Every node is immutable: builder methods return new nodes. A node compiles by calling
 * one `visit…` method on the compiler (`_compile`), and writes its structure into a cache
 * key (`_ck`), so each dialect's compiler overrides only what differs and each statement
 * shape is compiled once.
 *
 * The operator node classes live in `operators.ts`; they extend ColumnElement, so this
 * module reaches them through the registry `N` (filled when `operators.ts` loads) rather
 * than an import, which would be an evaluation-order cycle. Import the public surface from
 * `elements.ts`, which loads both.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { checkOperator, coerce, coerceAgainst, inferType } from "./coercions.js";
import {
  affix,
  arithmetic,
  compare,
  DISTINCT,
  EQ,
  GE,
  GT,
  LE,
  LT,
  NE,
  NOT_DISTINCT,
  floorDivide,
  inList,
  like,
  negate,
  trueDivide,
} from "./column-operators.js";
import type { SqlCompiler } from "./compiler.js";
import type * as Ops from "./operators.js";
import type * as Conv from "./conversions.js";
import type * as Froms from "./from-clauses.js";
import type * as Joins from "./joins.js";
import { BOOLEAN_TYPE, STRING_TYPE } from "./types/internal.js";
import { NULLTYPE, TypeEngine } from "./types/type-engine.js";

/** Node classes that base methods construct, registered by the modules that define them. @internal */
export interface NodeRegistry {
  BinaryExpression: typeof Ops.BinaryExpression;
  UnaryExpression: typeof Ops.UnaryExpression;
  InExpression: typeof Ops.InExpression;
  Between: typeof Ops.Between;
  LikeExpression: typeof Ops.LikeExpression;
  Collate: typeof Ops.Collate;
  Label: typeof Ops.Label;
  OrderByElement: typeof Ops.OrderByElement;
  Cast: typeof Conv.Cast;
  Tuple: typeof Conv.Tuple;
  Join: typeof Froms.Join;
  inferOnClause: typeof Joins.inferOnClause;
}
/** @internal */
export const N = {} as NodeRegistry;
/** @internal */
export function registerNodes(nodes: Partial<NodeRegistry>): void {
  Object.assign(N, nodes);
}

/** Base of every SQL construct. */
export abstract class ClauseElement {
  abstract readonly kind: string;
  /** @internal Renders this node by calling one `visit…` method of the compiler. */
  abstract _compile(c: SqlCompiler): string;
  /**
   * @internal Writes this node's structure (not its bound values) into a cache key and
   * hands its bound values to the builder. Nodes that cannot be cached keep this default.
   */
  _ck(k: CacheKeyBuilder): void {
    k.uncacheable(this);
  }
}

/** A value, or an expression producing a value of the same type. `bigint` columns also take JS numbers. */
export type Comparand<T> = Widen<NonNullable<T>> | ColumnElement<Widen<NonNullable<T>> | null>;
type Widen<T> = T extends bigint ? bigint | number : T;
/** A comparison operand: `null` compares with IS NULL. */
export type Operand<T> = Comparand<T> | null;
/** A value usable where an expression is expected (plain values become bound parameters). */
export type ExpressionArg<T = unknown> = T | ColumnElement<T>;
/** What `in()`/`notIn()` accept besides a list: a SELECT (or anything exposing one column). */
export interface InSubquery {
  readonly kind: string;
  /** @internal */ readonly _isSelect: true;
}
/** Values arithmetic applies to: numbers, bigints, exact decimals (as strings), dates (± intervals). */
export type Arithmetic = number | bigint | string | Date | null;
/** A frame bound for window functions and ORDER BY. */
export type Direction = "ASC" | "DESC";

/**
 * An expression that produces a value of type `T` (SQLAlchemy: `ColumnElement`).
 * `K` is the key a selected value gets in a row (the column's key or a label).
 */
export abstract class ColumnElement<T = unknown, K extends string = string> extends ClauseElement {
  /** Phantom: the JavaScript type of the value. */
  declare readonly __value?: T;
  /** Phantom: the key in a result row. */
  declare readonly __key?: K;
  abstract readonly type: TypeEngine<any>;
  /** The key this expression gets in a result row when selected without a label. */
  get key(): string {
    return "?column?";
  }

  // ---- comparison ----
  /** `=`; `eq(null)` renders `IS NULL` (SQLAlchemy: `==`). */
  eq(other: Operand<T>): ColumnElement<boolean> {
    return other === null ? this.isNull() : compare(this, "=", other, EQ);
  }
  /** `<>`; `ne(null)` renders `IS NOT NULL`. */
  ne(other: Operand<T>): ColumnElement<boolean> {
    return other === null ? this.isNotNull() : compare(this, "<>", other, NE);
  }
  lt(other: Comparand<T>): ColumnElement<boolean> {
    return compare(this, "<", other, LT);
  }
  le(other: Comparand<T>): ColumnElement<boolean> {
    return compare(this, "<=", other, LE);
  }
  gt(other: Comparand<T>): ColumnElement<boolean> {
    return compare(this, ">", other, GT);
  }
  ge(other: Comparand<T>): ColumnElement<boolean> {
    return compare(this, ">=", other, GE);
  }
  isNull(): ColumnElement<boolean> {
    return new N.UnaryExpression(this, null, "IS NULL", BOOLEAN_TYPE);
  }
  isNotNull(): ColumnElement<boolean> {
    return new N.UnaryExpression(this, null, "IS NOT NULL", BOOLEAN_TYPE);
  }
  /** NULL-safe `<>`: IS DISTINCT FROM (MySQL `NOT (a <=> b)`, SQLite `IS NOT`). */
  isDistinctFrom(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, "IS DISTINCT FROM", other, DISTINCT);
  }
  /** NULL-safe `=`: IS NOT DISTINCT FROM (MySQL `<=>`, SQLite `IS`). */
  isNotDistinctFrom(other: Operand<T>): ColumnElement<boolean> {
    return compare(this, "IS NOT DISTINCT FROM", other, NOT_DISTINCT);
  }
  /**
   * `x IN (…)` with a list of values or a subquery. An empty list is always false (and an
   * empty `notIn` always true), as in SQLAlchemy; it never renders `IN ()`.
   */
  in(values: readonly Operand<T>[] | InSubquery): ColumnElement<boolean> {
    return new N.InExpression(this, inList(this, values), false);
  }
  notIn(values: readonly Operand<T>[] | InSubquery): ColumnElement<boolean> {
    return new N.InExpression(this, inList(this, values), true);
  }
  between(low: Comparand<T>, high: Comparand<T>): ColumnElement<boolean> {
    return new N.Between(this, coerceAgainst(this, low), coerceAgainst(this, high), false);
  }
  notBetween(low: Comparand<T>, high: Comparand<T>): ColumnElement<boolean> {
    return new N.Between(this, coerceAgainst(this, low), coerceAgainst(this, high), true);
  }

  // ---- strings ----
  like(
    this: ColumnElement<string | null>,
    pattern: ExpressionArg<string>,
    escape?: string,
  ): ColumnElement<boolean> {
    return like(this, pattern, "like", false, escape);
  }
  notLike(
    this: ColumnElement<string | null>,
    pattern: ExpressionArg<string>,
    escape?: string,
  ): ColumnElement<boolean> {
    return like(this, pattern, "like", true, escape);
  }
  /** Case-insensitive LIKE: ILIKE on PostgreSQL, `lower(x) LIKE lower(y)` elsewhere. */
  ilike(
    this: ColumnElement<string | null>,
    pattern: ExpressionArg<string>,
    escape?: string,
  ): ColumnElement<boolean> {
    return like(this, pattern, "ilike", false, escape);
  }
  notIlike(
    this: ColumnElement<string | null>,
    pattern: ExpressionArg<string>,
    escape?: string,
  ): ColumnElement<boolean> {
    return like(this, pattern, "ilike", true, escape);
  }
  /** `x LIKE '%value%'`, with `%`, `_` and `/` in a string value escaped (SQLAlchemy: `contains(autoescape=True)`). */
  contains(this: ColumnElement<string | null>, value: ExpressionArg<string>): ColumnElement<boolean> {
    return affix(this, value, true, true);
  }
  /** `x LIKE 'value%'`, wildcards in `value` escaped. */
  startsWith(this: ColumnElement<string | null>, value: ExpressionArg<string>): ColumnElement<boolean> {
    return affix(this, value, false, true);
  }
  /** `x LIKE '%value'`, wildcards in `value` escaped. */
  endsWith(this: ColumnElement<string | null>, value: ExpressionArg<string>): ColumnElement<boolean> {
    return affix(this, value, true, false);
  }
  /** String concatenation: `a || b` (MySQL: `concat(a, b)`). */
  concat(this: ColumnElement<string | null>, other: ExpressionArg<string | null>): ColumnElement<string> {
    checkOperator(this, "concat", "string");
    return new N.BinaryExpression(this, "||", coerce(other, STRING_TYPE), STRING_TYPE);
  }
  /** `x COLLATE name`. */
  collate(collation: string): ColumnElement<T, K> {
    return new N.Collate<T>(this, collation) as ColumnElement<T, any>;
  }

  // ---- arithmetic ----
  add(this: ColumnElement<Arithmetic>, other: Comparand<T> | number): ColumnElement<T> {
    return arithmetic(this, "+", other);
  }
  sub(this: ColumnElement<Arithmetic>, other: Comparand<T> | number): ColumnElement<T> {
    return arithmetic(this, "-", other);
  }
  mul(this: ColumnElement<Arithmetic>, other: Comparand<T> | number): ColumnElement<T> {
    return arithmetic(this, "*", other);
  }
  /**
   * True division, as SQLAlchemy 2.0's `/`: integer by integer gives an exact quotient
   * (`a / CAST(b AS NUMERIC)`; SQLite `a / (b + 0.0)`; MySQL's `/` already divides exactly).
   */
  div(this: ColumnElement<bigint | null>, other: Comparand<T> | number): ColumnElement<string>;
  div(this: ColumnElement<Arithmetic>, other: Comparand<T> | number): ColumnElement<T>;
  div(other: Comparand<T> | number): ColumnElement<any> {
    return trueDivide(this, other);
  }
  /** Floor division, as SQLAlchemy's `//`: `a / b` for integers (MySQL `a DIV b`), else `FLOOR(a / b)`. */
  floorDiv(this: ColumnElement<Arithmetic>, other: Comparand<T> | number): ColumnElement<T> {
    return floorDivide(this, other);
  }
  mod(this: ColumnElement<Arithmetic>, other: Comparand<T> | number): ColumnElement<T> {
    return arithmetic(this, "%", other);
  }
  /** Unary minus. */
  neg(this: ColumnElement<Arithmetic>): ColumnElement<T> {
    return negate(this);
  }

  // ---- ordering, naming, typing ----
  asc(): Ops.OrderByElement {
    return new N.OrderByElement(this, "ASC", null);
  }
  desc(): Ops.OrderByElement {
    return new N.OrderByElement(this, "DESC", null);
  }
  /** `x NULLS FIRST` (MySQL: emulated with `x IS NULL DESC`). */
  nullsFirst(): Ops.OrderByElement {
    return new N.OrderByElement(this, null, "FIRST");
  }
  nullsLast(): Ops.OrderByElement {
    return new N.OrderByElement(this, null, "LAST");
  }
  /** `DISTINCT x`, for aggregates: `func.count(users.c.country.distinct())`. */
  distinct(): ColumnElement<T, K> {
    return new N.UnaryExpression<T>(this, "DISTINCT", null, this.type) as ColumnElement<T, any>;
  }
  /** Gives the expression a name in the result: the row key becomes `name`. */
  label<L extends string>(name: L): Ops.Label<T, L> {
    return new N.Label<T, L>(name, this);
  }
  /** `CAST(x AS type)`. */
  cast<U>(type: TypeEngine<U>): ColumnElement<U, K> {
    return new N.Cast<U>(this, type) as ColumnElement<U, any>;
  }
  /**
   * A custom binary operator (SQLAlchemy: `op()`), e.g. `col.op("&")(4)` or PostgreSQL's `@>`.
   * The operator text is SQL written by the programmer, never user input.
   */
  op(
    operator: string,
    options?: { returnType?: TypeEngine<any>; isComparison?: boolean },
  ): (other: unknown) => ColumnElement<any> {
    if (!/^[A-Za-z0-9_ !#$%&*+\-/<=>?@^|~]+$/.test(operator) || /--|\/\*/.test(operator)) {
      throw new ArgumentError(`op('${operator}') is not a SQL operator.`, "ATH-ARG");
    }
    return (other) =>
      new N.BinaryExpression(
        this,
        "op:" + operator,
        coerceAgainst(this, other),
        options?.returnType ?? (options?.isComparison ? BOOLEAN_TYPE : this.type),
      );
  }
}

/** A bound parameter: a value sent separately from the SQL text (SQLAlchemy: `BindParameter`). */
export class BindParameter<T = unknown> extends ColumnElement<T> {
  readonly kind = "bindparam";
  /**
   * @internal Where the cache-key builder that last met this parameter put it (`CacheKeyBuilder.bind`):
   * the builder's pass number and the position in its values. A memo, not part of the expression.
   */
  _ckPass = 0;
  /** @internal See `_ckPass`. */
  _ckPos = 0;
  /**
   * @param name  the key by which execution parameters can supply a value, or null for an anonymous value
   * @param value the value carried by the statement (undefined: must come from execution parameters)
   */
  constructor(
    readonly name: string | null,
    readonly value: T | undefined,
    readonly type: TypeEngine<any>,
  ) {
    super();
  }
  override get key(): string {
    return this.name ?? "param";
  }
  _compile(c: SqlCompiler): string {
    return c.visitBindParameter(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.bind(this);
  }
}

/**
 * A named parameter whose value is given at execution time (or a default given here).
 * @example select(users).where(users.c.id.eq(bindparam("id", Integer)))  // execute(stmt, { id: 5 })
 */
export function bindparam<T = any>(name: string, type?: TypeEngine<T>, value?: T): BindParameter<T> {
  if (typeof name !== "string" || name === "")
    throw new ArgumentError("bindparam() needs a non-empty name.", "ATH-ARG");
  return new BindParameter<T>(name, value, type ?? (value !== undefined ? inferType(value) : NULLTYPE));
}

/** A value rendered as a bound parameter, typed (SQLAlchemy: `literal`). */
export function literal<T>(value: T, type?: TypeEngine<T>): ColumnElement<T> {
  return coerce(value, type ?? inferType(value)) as ColumnElement<T>;
}

/**
 * A client-side default or onupdate value of a column (SQLAlchemy: `ColumnDefault`):
 * a constant, a function called once per row, or a SQL expression rendered inline.
 */
export type ColumnDefault =
  | { readonly kind: "value"; readonly value: unknown }
  | { readonly kind: "fn"; readonly fn: () => unknown }
  | { readonly kind: "expr"; readonly expr: ColumnElement<any> };

/** A column of a table or of a subquery (SQLAlchemy: `ColumnClause`). */
export class ColumnClause<T = unknown, K extends string = string> extends ColumnElement<T, K> {
  readonly kind: string = "column";
  /** Client-side value applied by INSERT when the statement gives none (set by `schema.Column`). */
  readonly insertDefault: ColumnDefault | null = null;
  /** Client-side value applied by UPDATE when the statement gives none (SQLAlchemy: `onupdate`). */
  readonly updateDefault: ColumnDefault | null = null;
  /**
   * @internal Keyed by identity in cache keys: set when the column joins a schema Table, which
   * is itself keyed by identity and which the column never leaves. A column of a lightweight
   * table(), an alias or a subquery is keyed by what it spells (those are often built per call).
   */
  readonly _keyedById: boolean = false;
  constructor(
    /** The name in the database. */
    readonly name: string,
    readonly type: TypeEngine<any>,
    /** The table or subquery it belongs to (null for a free-standing column). */
    readonly table: FromClause | null,
    /** The key in result rows and in `table.c` (defaults to `name`). */
    readonly columnKey: string = name,
  ) {
    super();
  }
  override get key(): string {
    return this.columnKey;
  }
  _compile(c: SqlCompiler): string {
    return c.visitColumn(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    if (this._keyedById) {
      // The column object itself is the whole token (objects never equal a tag, see cache-key.ts).
      k.id(this);
      return;
    }
    const t = this.table;
    if (t !== null) {
      k.s("c");
      k.from(t);
      k.str(this.name);
    } else {
      k.s("C");
      k.str(this.name);
      k.str(this.columnKey);
      k.type(this.type);
    }
  }
}

/** A free-standing column, not bound to a table (SQLAlchemy: `column()`). */
export function column<T = any, K extends string = string>(
  name: K,
  type?: TypeEngine<T>,
): ColumnClause<T, K> {
  return new ColumnClause<T, K>(name, type ?? NULLTYPE, null);
}

/** Anything a SELECT can read from: a table, an alias, a join, a subquery, a CTE. */
export abstract class FromClause extends ClauseElement {
  /** The columns it exposes, by key. */
  abstract readonly c: Record<string, ColumnClause<any>>;
  /** Columns in declaration order. */
  abstract readonly columns: readonly ColumnClause<any>[];
  /** Foreign keys usable to infer join conditions; none unless a table declares some. */
  get foreignKeys(): readonly { readonly parent: ColumnClause<any>; readonly column: ColumnClause<any> }[] {
    return [];
  }
  /** @internal Writes the FROM's own structure; `CacheKeyBuilder.from` calls it once per FROM per key. */
  abstract _fromKey(k: CacheKeyBuilder): void;
  /**
   * @internal Keyed by identity in cache keys (a schema Table: its columns' types, defaults
   * and constraints are part of it), rather than by what it spells.
   */
  readonly _keyedById: boolean = false;
  /** @internal Where the cache-key builder that last met this FROM put it (see `BindParameter._ckPass`). */
  _ckPass = 0;
  /** @internal See `_ckPass`. */
  _ckPos = 0;
  override _ck(k: CacheKeyBuilder): void {
    k.from(this);
  }
  /**
   * `this JOIN right ON onclause`; the ON clause is inferred from foreign keys when omitted.
   * @example select(users.c.name).selectFrom(users.join(orders))
   */
  join(
    right: FromClause,
    onclause?: ColumnElement<boolean | null>,
    options?: { isOuter?: boolean; full?: boolean },
  ): Froms.Join {
    return new N.Join(
      this,
      right,
      onclause ?? N.inferOnClause(this, right),
      options?.isOuter ?? false,
      options?.full ?? false,
    );
  }
  /** `this LEFT OUTER JOIN right` (SQLAlchemy: `outerjoin`). */
  outerJoin(
    right: FromClause,
    onclause?: ColumnElement<boolean | null>,
    options?: { full?: boolean },
  ): Froms.Join {
    return this.join(right, onclause, { isOuter: true, full: options?.full ?? false });
  }
}
