/**
 * Type conversions and row values (SQLAlchemy: `Cast`, `TypeCoerce`, `Tuple`): `cast()`,
 * `typeCoerce()`, `tuple_()`.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ColumnElement, registerNodes, type ExpressionArg } from "./base.js";
import { coerce, describeValue, valueProblem } from "./coercions.js";
import type { SqlCompiler } from "./compiler.js";
import { BinaryExpression } from "./operators.js";
import { BOOLEAN_TYPE } from "./types/internal.js";
import { NULLTYPE, type TypeEngine } from "./types/type-engine.js";

/** `CAST(expr AS type)`. */
export class Cast<T> extends ColumnElement<T> {
  readonly kind = "cast";
  constructor(
    readonly element: ColumnElement<any>,
    readonly type: TypeEngine<T>,
  ) {
    super();
  }
  override get key(): string {
    return this.element.key;
  }
  _compile(c: SqlCompiler): string {
    return c.visitCast(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("cast");
    k.type(this.type);
    this.element._ck(k);
  }
}

/** An expression given another type for binding and results, with no CAST in SQL (SQLAlchemy: `type_coerce`). */
export class TypeCoerce<T> extends ColumnElement<T> {
  readonly kind = "type_coerce";
  constructor(
    readonly element: ColumnElement<any>,
    readonly type: TypeEngine<T>,
  ) {
    super();
  }
  override get key(): string {
    return this.element.key;
  }
  _compile(c: SqlCompiler): string {
    return c.visitTypeCoerce(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("tc");
    k.type(this.type);
    this.element._ck(k);
  }
}

/** `(a, b, …)`, a row value (SQLAlchemy: `tuple_`). */
export class Tuple<T extends readonly unknown[] = unknown[]> extends ColumnElement<T> {
  readonly kind = "tuple";
  readonly type = NULLTYPE;
  constructor(readonly elements: readonly ColumnElement<any>[]) {
    super();
  }
  /** Coerces one row of values to a tuple of parameters typed like this tuple's elements. @internal */
  coerceRow(row: unknown): Tuple<any> {
    if (row instanceof Tuple) return row;
    if (!Array.isArray(row) || row.length !== this.elements.length) {
      throw new ArgumentError(
        `A tuple of ${this.elements.length} elements can only be compared with arrays of ${this.elements.length} values; got ${describeValue(row)}${Array.isArray(row) ? ` of length ${row.length}` : ""}.`,
        "ATH-VALUE",
      );
    }
    return new Tuple(row.map((v, i) => coerce(v, this.elements[i]!.type, this.elements[i])));
  }
  override eq(other: any): ColumnElement<boolean> {
    return new BinaryExpression(this, "=", this.coerceRow(other), BOOLEAN_TYPE);
  }
  override ne(other: any): ColumnElement<boolean> {
    return new BinaryExpression(this, "<>", this.coerceRow(other), BOOLEAN_TYPE);
  }
  _compile(c: SqlCompiler): string {
    return c.visitTuple(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("tup");
    k.list(this.elements);
  }
}

type ValuesOfTuple<E extends readonly unknown[]> = {
  [I in keyof E]: E[I] extends ColumnElement<infer T, any> ? T : E[I];
};

/**
 * A row value, for multi-column comparisons.
 * @example tuple_(t.c.a, t.c.b).in([[1, 2], [3, 4]])
 */
export function tuple_<const E extends readonly ExpressionArg<any>[]>(
  ...elements: E
): Tuple<ValuesOfTuple<E>> {
  if (elements.length === 0) throw new ArgumentError("tuple_() needs at least one element.", "ATH-ARG");
  return new Tuple(elements.map((e) => coerce(e, NULLTYPE)));
}

/** Converts an expression to another SQL type: `CAST(expr AS type)`. */
export function cast<T>(expr: ExpressionArg<unknown>, type: TypeEngine<T>): ColumnElement<T> {
  return new Cast<T>(coerce(expr, NULLTYPE), type);
}

/** Treats an expression as another type in Athanor only (binding and results), no SQL change. */
export function typeCoerce<T>(expr: ExpressionArg<unknown>, type: TypeEngine<T>): ColumnElement<T> {
  if (!(expr instanceof ColumnElement)) {
    const problem = valueProblem(type, expr);
    if (problem) throw new ArgumentError(`Bad value ${describeValue(expr)}: ${problem}.`, "ATH-VALUE");
  }
  return new TypeCoerce<T>(coerce(expr, type), type);
}

/** `DISTINCT expr`, for aggregates: `func.count(distinct(users.c.country))`. */
export function distinct<T>(expr: ColumnElement<T>): ColumnElement<T> {
  return expr.distinct();
}

registerNodes({ Cast, Tuple });
