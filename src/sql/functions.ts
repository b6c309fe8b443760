/**
 * SQL functions (SQLAlchemy: `func`). Any name works (`func.json_extract(...)`); the
 * common ones are typed.
 * @example select(func.count(users.c.id).label("n"), func.max(users.c.createdAt))
 */
import { coerce, ColumnElement, FunctionCall, inferType, type ExpressionArg } from "./elements.js";
import { BigIntegerType, DateTimeType, NumericType } from "./types/generic.js";
import { INTEGER_TYPE, STRING_TYPE } from "./types/internal.js";
import { NULLTYPE, type TypeEngine } from "./types/type-engine.js";

const DATETIME_TYPE = new DateTimeType();
/** Counts come back as 64-bit integers on PostgreSQL and MySQL; read them as JS numbers. */
const COUNT_TYPE = new BigIntegerType<number>("number");
const NUMERIC_TYPE = new NumericType();

function args(list: readonly unknown[]): ColumnElement<any>[] {
  return list.map((a) => coerce(a, inferType(a)));
}
function call<T, N extends string>(name: N, list: readonly unknown[], type: TypeEngine<any>): FunctionCall<T, N> {
  return new FunctionCall<T, N>(name, args(list), type);
}
function typeOf(a: unknown): TypeEngine<any> {
  return a instanceof ColumnElement ? a.type : inferType(a);
}

type Known = {
  /** `count(*)` or `count(expr)`. */
  count(expr?: ColumnElement<any>): FunctionCall<number, "count">;
  /** `count(DISTINCT expr)`. */
  countDistinct(expr: ColumnElement<any>): FunctionCall<number, "count">;
  sum<T extends number | string | bigint | null>(expr: ColumnElement<T>): FunctionCall<T | null, "sum">;
  /** Average; exact decimal text (PostgreSQL/MySQL return NUMERIC), as a string. */
  avg(expr: ColumnElement<number | string | bigint | null>): FunctionCall<string | null, "avg">;
  min<T>(expr: ColumnElement<T>): FunctionCall<T | null, "min">;
  max<T>(expr: ColumnElement<T>): FunctionCall<T | null, "max">;
  coalesce<T>(first: ColumnElement<T>, ...rest: ExpressionArg<NonNullable<T>>[]): FunctionCall<NonNullable<T>, "coalesce">;
  now(): FunctionCall<Date, "now">;
  lower(expr: ExpressionArg<string | null>): FunctionCall<string, "lower">;
  upper(expr: ExpressionArg<string | null>): FunctionCall<string, "upper">;
  length(expr: ExpressionArg<string | null>): FunctionCall<number, "length">;
  abs<T extends number | string | null>(expr: ColumnElement<T>): FunctionCall<T, "abs">;
  round<T extends number | string | null>(expr: ColumnElement<T>, digits?: number): FunctionCall<T, "round">;
};

const known: Known = {
  count: (expr) => (expr ? call("count", [expr], COUNT_TYPE) : new FunctionCall("count", [new StarElement()], COUNT_TYPE)),
  countDistinct: (expr) => new FunctionCall("count", [expr], COUNT_TYPE, true),
  sum: (expr) => call("sum", [expr], expr.type),
  avg: (expr) => call("avg", [expr], NUMERIC_TYPE),
  min: (expr) => call("min", [expr], expr.type),
  max: (expr) => call("max", [expr], expr.type),
  coalesce: (first, ...rest) => call("coalesce", [first, ...rest], first.type),
  now: () => call("now", [], DATETIME_TYPE),
  lower: (e) => call("lower", [e], STRING_TYPE),
  upper: (e) => call("upper", [e], STRING_TYPE),
  length: (e) => call("length", [e], INTEGER_TYPE),
  abs: (e) => call("abs", [e], e.type),
  round: (e, digits) => call("round", digits === undefined ? [e] : [e, digits], typeOf(e)),
};

/** `*` inside `count(*)`. @internal */
export class StarElement extends ColumnElement<never> {
  readonly kind = "star";
  readonly type = NULLTYPE;
  _compile(c: import("./compiler.js").SqlCompiler): string {
    return c.visitStar(this);
  }
}

type AnyFunc = (...args: unknown[]) => FunctionCall<unknown, string>;

/** The function namespace: known functions typed, any other name callable. */
export const func: Known & { [name: string]: AnyFunc } = new Proxy(known as any, {
  get(target, name) {
    if (typeof name !== "string") return undefined;
    if (name in target) return target[name];
    return (...a: unknown[]) => call(name, a, NULLTYPE);
  },
});
