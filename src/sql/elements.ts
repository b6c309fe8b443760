/**
 * Expression nodes (SQLAlchemy: `sql/elements.py`). Every node is immutable: builder
 * methods return new nodes. A node compiles by calling one `visit…` method on the
 * compiler (`_compile`), so each dialect's compiler overrides only what differs.
 */
import { ArgumentError } from "../util/errors.js";
import type { SqlCompiler } from "./compiler.js";
import { NULLTYPE, TypeEngine } from "./types/type-engine.js";
import { BOOLEAN_TYPE, INTEGER_TYPE, STRING_TYPE } from "./types/internal.js";

/** Base of every SQL construct. */
export abstract class ClauseElement {
  abstract readonly kind: string;
  /** @internal */
  abstract _compile(c: SqlCompiler): string;
}

/** A value, or an expression producing a value of the same type. `null` compares with IS NULL. */
export type Operand<T> = T | null | ColumnElement<T | null>;

/** A value usable where an expression is expected (SQLAlchemy coerces plain values to bound parameters). */
export type ExpressionArg<T = unknown> = T | ColumnElement<T>;

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
  eq(other: Operand<T>): ColumnElement<boolean> {
    if (other === null) return new UnaryExpression(this, null, "IS NULL", BOOLEAN_TYPE);
    return binary(this, "=", other);
  }
  ne(other: Operand<T>): ColumnElement<boolean> {
    if (other === null) return new UnaryExpression(this, null, "IS NOT NULL", BOOLEAN_TYPE);
    return binary(this, "<>", other);
  }
  lt(other: ExpressionArg<T>): ColumnElement<boolean> {
    return binary(this, "<", other);
  }
  le(other: ExpressionArg<T>): ColumnElement<boolean> {
    return binary(this, "<=", other);
  }
  gt(other: ExpressionArg<T>): ColumnElement<boolean> {
    return binary(this, ">", other);
  }
  ge(other: ExpressionArg<T>): ColumnElement<boolean> {
    return binary(this, ">=", other);
  }
  isNull(): ColumnElement<boolean> {
    return new UnaryExpression(this, null, "IS NULL", BOOLEAN_TYPE);
  }
  isNotNull(): ColumnElement<boolean> {
    return new UnaryExpression(this, null, "IS NOT NULL", BOOLEAN_TYPE);
  }
  /** `x IN (…)`. An empty list renders an always-false expression, as SQLAlchemy does. */
  in(values: readonly ExpressionArg<T>[] | ClauseElement): ColumnElement<boolean> {
    return new InExpression(this, toInList(this, values), false);
  }
  notIn(values: readonly ExpressionArg<T>[] | ClauseElement): ColumnElement<boolean> {
    return new InExpression(this, toInList(this, values), true);
  }
  between(low: ExpressionArg<T>, high: ExpressionArg<T>): ColumnElement<boolean> {
    return new Between(this, coerce(low, this.type), coerce(high, this.type), false);
  }
  notBetween(low: ExpressionArg<T>, high: ExpressionArg<T>): ColumnElement<boolean> {
    return new Between(this, coerce(low, this.type), coerce(high, this.type), true);
  }

  // ---- strings ----
  like(this: ColumnElement<string | null>, pattern: ExpressionArg<string>, escape?: string): ColumnElement<boolean> {
    return new LikeExpression(this, coerce(pattern, STRING_TYPE), "like", false, escape ?? null);
  }
  notLike(this: ColumnElement<string | null>, pattern: ExpressionArg<string>, escape?: string): ColumnElement<boolean> {
    return new LikeExpression(this, coerce(pattern, STRING_TYPE), "like", true, escape ?? null);
  }
  /** Case-insensitive LIKE: ILIKE on PostgreSQL, `lower(x) LIKE lower(y)` elsewhere. */
  ilike(this: ColumnElement<string | null>, pattern: ExpressionArg<string>, escape?: string): ColumnElement<boolean> {
    return new LikeExpression(this, coerce(pattern, STRING_TYPE), "ilike", false, escape ?? null);
  }
  notIlike(this: ColumnElement<string | null>, pattern: ExpressionArg<string>, escape?: string): ColumnElement<boolean> {
    return new LikeExpression(this, coerce(pattern, STRING_TYPE), "ilike", true, escape ?? null);
  }
  /** `x LIKE '%' || value || '%'` with `%`, `_` and the escape character in `value` escaped. */
  contains(this: ColumnElement<string | null>, value: string): ColumnElement<boolean> {
    return new LikeExpression(this, coerce("%" + escapeLike(value) + "%", STRING_TYPE), "like", false, "/");
  }
  startsWith(this: ColumnElement<string | null>, value: string): ColumnElement<boolean> {
    return new LikeExpression(this, coerce(escapeLike(value) + "%", STRING_TYPE), "like", false, "/");
  }
  endsWith(this: ColumnElement<string | null>, value: string): ColumnElement<boolean> {
    return new LikeExpression(this, coerce("%" + escapeLike(value), STRING_TYPE), "like", false, "/");
  }
  /** String concatenation: `||` (CONCAT() on MySQL). */
  concat(this: ColumnElement<string | null>, other: ExpressionArg<string | null>): ColumnElement<string> {
    return new BinaryExpression(this, "||", coerce(other, STRING_TYPE), this.type);
  }
  collate(collation: string): ColumnElement<T> {
    return new Collate<T>(this, collation);
  }

  // ---- arithmetic ----
  add(other: ExpressionArg<T>): ColumnElement<T> {
    return new BinaryExpression(this, "+", coerce(other, this.type), this.type);
  }
  sub(other: ExpressionArg<T>): ColumnElement<T> {
    return new BinaryExpression(this, "-", coerce(other, this.type), this.type);
  }
  mul(other: ExpressionArg<T>): ColumnElement<T> {
    return new BinaryExpression(this, "*", coerce(other, this.type), this.type);
  }
  div(other: ExpressionArg<T>): ColumnElement<T> {
    return new BinaryExpression(this, "/", coerce(other, this.type), this.type);
  }
  mod(other: ExpressionArg<T>): ColumnElement<T> {
    return new BinaryExpression(this, "%", coerce(other, this.type), this.type);
  }
  neg(): ColumnElement<T> {
    return new UnaryExpression(this, "-", null, this.type);
  }

  // ---- ordering and naming ----
  asc(): OrderByElement {
    return new OrderByElement(this, "ASC", null);
  }
  desc(): OrderByElement {
    return new OrderByElement(this, "DESC", null);
  }
  /** Gives the expression a name in the result: the row key becomes `name`. */
  label<N extends string>(name: N): Label<T, N> {
    return new Label<T, N>(name, this);
  }
}

/** Escapes LIKE wildcards with `/` (the escape character `contains`/`startsWith`/`endsWith` declare). */
export function escapeLike(value: string): string {
  return value.replace(/[/%_]/g, (ch) => "/" + ch);
}

/** Turns a plain value into a bound parameter typed like `like`; expressions pass through. */
export function coerce(value: unknown, type: TypeEngine<any>): ColumnElement<any> {
  if (value instanceof ColumnElement) return value;
  if (value instanceof ClauseElement) {
    throw new ArgumentError(`Expected a column expression or a value, got a ${value.kind} construct.`);
  }
  if (value === undefined) {
    throw new ArgumentError("undefined is not a SQL value. Use null for SQL NULL.");
  }
  return new BindParameter(null, value, type === NULLTYPE ? inferType(value) : type);
}

/** The type of a plain value with no column to take it from (SQLAlchemy: `_resolve_value_to_type`). */
export function inferType(value: unknown): TypeEngine<any> {
  switch (typeof value) {
    case "string":
      return STRING_TYPE;
    case "number":
      return INTEGER_TYPE;
    case "boolean":
      return BOOLEAN_TYPE;
    default:
      return NULLTYPE;
  }
}

function binary(left: ColumnElement<any>, op: string, right: unknown): ColumnElement<boolean> {
  return new BinaryExpression(left, op, coerce(right, left.type), BOOLEAN_TYPE);
}

function toInList(left: ColumnElement<any>, values: readonly unknown[] | ClauseElement): ClauseElement | ColumnElement<any>[] {
  if (values instanceof ClauseElement) return values;
  if (!Array.isArray(values)) throw new ArgumentError("in()/notIn() take an array of values or a subquery.");
  return values.map((v) => coerce(v, left.type));
}

/** A bound parameter: a value sent separately from the SQL text (SQLAlchemy: `BindParameter`). */
export class BindParameter<T = unknown> extends ColumnElement<T> {
  readonly kind = "bindparam";
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
}

/**
 * A named parameter whose value is given at execution time.
 * @example select(users).where(users.c.id.eq(bindparam("id", Integer)))  // execute(stmt, { id: 5 })
 */
export function bindparam<T = unknown>(name: string, type?: TypeEngine<T>, value?: T): BindParameter<T> {
  return new BindParameter<T>(name, value, type ?? NULLTYPE);
}

/** A value rendered as a bound parameter, typed (SQLAlchemy: `literal`). */
export function literal<T>(value: T, type?: TypeEngine<T>): ColumnElement<T> {
  return new BindParameter<T>(null, value, type ?? inferType(value));
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
}

/** A free-standing column, not bound to a table (SQLAlchemy: `column()`). */
export function column<T = unknown, K extends string = string>(name: K, type?: TypeEngine<T>): ColumnClause<T, K> {
  return new ColumnClause<T, K>(name, type ?? NULLTYPE, null);
}

/** Anything a SELECT can read from: a table, an alias, a join, a subquery. */
export abstract class FromClause extends ClauseElement {
  /** The columns it exposes, by key. */
  abstract readonly c: Record<string, ColumnClause<any>>;
  /** Columns in declaration order. */
  abstract readonly columns: readonly ColumnClause<any>[];
}

/** `left op right`. */
export class BinaryExpression<T = unknown> extends ColumnElement<T> {
  readonly kind = "binary";
  constructor(
    readonly left: ColumnElement<any>,
    readonly operator: string,
    readonly right: ColumnElement<any>,
    readonly type: TypeEngine<any>,
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitBinary(this);
  }
}

/** A prefix (`NOT x`, `-x`) or postfix (`x IS NULL`) operator. */
export class UnaryExpression<T = unknown> extends ColumnElement<T> {
  readonly kind = "unary";
  constructor(
    readonly element: ColumnElement<any>,
    readonly operator: string | null,
    readonly modifier: string | null,
    readonly type: TypeEngine<any>,
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitUnary(this);
  }
}

/** `x [NOT] IN (…)`; `right` is a list of expressions or a subquery. */
export class InExpression extends ColumnElement<boolean> {
  readonly kind = "in";
  readonly type = BOOLEAN_TYPE;
  constructor(
    readonly left: ColumnElement<any>,
    readonly right: ClauseElement | readonly ColumnElement<any>[],
    readonly negate: boolean,
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitIn(this);
  }
}

export class Between extends ColumnElement<boolean> {
  readonly kind = "between";
  readonly type = BOOLEAN_TYPE;
  constructor(
    readonly element: ColumnElement<any>,
    readonly low: ColumnElement<any>,
    readonly high: ColumnElement<any>,
    readonly negate: boolean,
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitBetween(this);
  }
}

export class LikeExpression extends ColumnElement<boolean> {
  readonly kind = "like";
  readonly type = BOOLEAN_TYPE;
  constructor(
    readonly left: ColumnElement<any>,
    readonly pattern: ColumnElement<any>,
    readonly mode: "like" | "ilike",
    readonly negate: boolean,
    readonly escape: string | null,
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitLike(this);
  }
}

export class Collate<T> extends ColumnElement<T> {
  readonly kind = "collate";
  constructor(
    readonly element: ColumnElement<any>,
    readonly collation: string,
  ) {
    super();
  }
  get type(): TypeEngine<any> {
    return this.element.type;
  }
  _compile(c: SqlCompiler): string {
    return c.visitCollate(this);
  }
}

/** `a AND b AND …` / `a OR b OR …` (SQLAlchemy: `BooleanClauseList`). */
export class BooleanClauseList extends ColumnElement<boolean> {
  readonly kind = "boolean_list";
  readonly type = BOOLEAN_TYPE;
  constructor(
    readonly operator: "AND" | "OR",
    readonly clauses: readonly ColumnElement<any>[],
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitBooleanList(this);
  }
}

/** `true` / `false` constants, rendered per dialect (`1`/`0` where there is no boolean literal). */
export class BooleanConstant extends ColumnElement<boolean> {
  readonly kind = "boolean_constant";
  readonly type = BOOLEAN_TYPE;
  constructor(readonly value: boolean) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitBooleanConstant(this);
  }
}

/** SQL NULL. */
export class NullElement extends ColumnElement<null> {
  readonly kind = "null";
  readonly type = NULLTYPE;
  _compile(c: SqlCompiler): string {
    return c.visitNull(this);
  }
}

/** `expr AS name`. */
export class Label<T = unknown, N extends string = string> extends ColumnElement<T, N> {
  readonly kind = "label";
  constructor(
    readonly name: N,
    readonly element: ColumnElement<any>,
  ) {
    super();
  }
  get type(): TypeEngine<any> {
    return this.element.type;
  }
  override get key(): string {
    return this.name;
  }
  _compile(c: SqlCompiler): string {
    return c.visitLabel(this);
  }
}

/** An ORDER BY item: `expr ASC|DESC [NULLS FIRST|LAST]`. */
export class OrderByElement extends ClauseElement {
  readonly kind = "order_by";
  constructor(
    readonly element: ColumnElement<any>,
    readonly direction: "ASC" | "DESC" | null,
    readonly nulls: "FIRST" | "LAST" | null,
  ) {
    super();
  }
  nullsFirst(): OrderByElement {
    return new OrderByElement(this.element, this.direction, "FIRST");
  }
  nullsLast(): OrderByElement {
    return new OrderByElement(this.element, this.direction, "LAST");
  }
  _compile(c: SqlCompiler): string {
    return c.visitOrderBy(this);
  }
}

/** `CAST(expr AS type)`. */
export class Cast<T> extends ColumnElement<T> {
  readonly kind = "cast";
  constructor(
    readonly element: ColumnElement<any>,
    readonly type: TypeEngine<T>,
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitCast(this);
  }
}

/** Converts an expression to another SQL type. */
export function cast<T>(expr: ExpressionArg<unknown>, type: TypeEngine<T>): ColumnElement<T> {
  return new Cast<T>(coerce(expr, NULLTYPE), type);
}

/** A function call, `name(args…)` (SQLAlchemy: `Function`). */
export class FunctionCall<T = unknown, N extends string = string> extends ColumnElement<T, N> {
  readonly kind = "function";
  constructor(
    readonly name: N,
    readonly args: readonly ColumnElement<any>[],
    readonly type: TypeEngine<any>,
    readonly distinct = false,
  ) {
    super();
  }
  override get key(): string {
    return this.name;
  }
  _compile(c: SqlCompiler): string {
    return c.visitFunction(this);
  }
}

/** Joins conditions with AND; `undefined` entries are skipped so filters can be built conditionally. */
export function and(...clauses: (ColumnElement<boolean | null> | undefined)[]): ColumnElement<boolean> {
  return booleanList("AND", clauses);
}

/** Joins conditions with OR. */
export function or(...clauses: (ColumnElement<boolean | null> | undefined)[]): ColumnElement<boolean> {
  return booleanList("OR", clauses);
}

function booleanList(op: "AND" | "OR", clauses: (ColumnElement<any> | undefined)[]): ColumnElement<boolean> {
  const flat: ColumnElement<any>[] = [];
  for (const c of clauses) {
    if (c === undefined) continue;
    if (c instanceof BooleanClauseList && c.operator === op) flat.push(...c.clauses);
    else flat.push(c);
  }
  if (flat.length === 1) return flat[0]!;
  return new BooleanClauseList(op, flat);
}

/** `NOT expr`. */
export function not(clause: ColumnElement<boolean | null>): ColumnElement<boolean> {
  return new UnaryExpression(clause, "NOT", null, BOOLEAN_TYPE);
}

export const true_ = (): ColumnElement<boolean> => new BooleanConstant(true);
export const false_ = (): ColumnElement<boolean> => new BooleanConstant(false);
export const null_ = (): NullElement => new NullElement();

/** Sort helpers usable as `orderBy(desc(users.c.createdAt))`. */
export const asc = (e: ColumnElement<any>): OrderByElement => e.asc();
export const desc = (e: ColumnElement<any>): OrderByElement => e.desc();
