/**
 * SQL functions (SQLAlchemy: `sql/functions.py`, `func`). Any name works
 * (`func.json_extract(...)`); the common ones are typed, and camelCase names of known
 * functions map to their SQL names (`func.rowNumber()` → `row_number()`).
 * @example select(func.count(users.c.id).label("n"), func.max(users.c.createdAt))
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ColumnElement, type ExpressionArg } from "./base.js";
import { checkSqlName, coerce, commonType, inferType, isIntegerType } from "./coercions.js";
import type { SqlCompiler } from "./compiler.js";
import { and, type OrderByElement } from "./operators.js";
import { BigIntegerType, DateTimeType, DateType, FloatType, NumericType } from "./types/generic.js";
import { INTEGER_TYPE, STRING_TYPE } from "./types/internal.js";
import { NULLTYPE, type TypeEngine } from "./types/type-engine.js";
import { Over, type WindowSpec } from "./window.js";

const DATETIME_TYPE = new DateTimeType();
const DATE_TYPE = new DateType();
/** Counts come back as 64-bit integers on PostgreSQL and MySQL; read them as JS numbers. */
const COUNT_TYPE = new BigIntegerType<number>("number");
const NUMERIC_TYPE = new NumericType();
const FLOAT_TYPE = new FloatType();

/** A function call, `name(args…)` (SQLAlchemy: `Function`). `name` is the SQL name and the row key. */
export class FunctionCall<T = unknown, K extends string = string> extends ColumnElement<T, K> {
  readonly kind = "function";
  constructor(
    readonly name: K,
    readonly args: readonly ColumnElement<any>[],
    readonly type: TypeEngine<any>,
    readonly distinct_ = false,
  ) {
    super();
  }
  override get key(): string {
    return this.name;
  }
  /** A window function call: `fn(...) OVER (PARTITION BY … ORDER BY … ROWS …)`. */
  over(spec: WindowSpec = {}): Over<T, K> {
    return new Over<T, K>(this, spec);
  }
  /** An aggregate restricted to some rows: `count(*) FILTER (WHERE …)` (not on MySQL). */
  filter(...criteria: ColumnElement<boolean | null>[]): FunctionFilter<T, K> {
    return new FunctionFilter<T, K>(this, and(...criteria));
  }
  _compile(c: SqlCompiler): string {
    return c.visitFunction(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("fn");
    k.str(this.name);
    k.n(this.distinct_);
    k.list(this.args);
    k.type(this.type);
  }
}

/** `fn(...) FILTER (WHERE criterion)` (SQLAlchemy: `FunctionFilter`). */
export class FunctionFilter<T = unknown, K extends string = string> extends ColumnElement<T, K> {
  readonly kind = "function_filter";
  constructor(
    readonly func: FunctionCall<T, K>,
    readonly criterion: ColumnElement<any>,
  ) {
    super();
  }
  get type(): TypeEngine<any> {
    return this.func.type;
  }
  override get key(): string {
    return this.func.key;
  }
  over(spec: WindowSpec = {}): Over<T, K> {
    return new Over<T, K>(this, spec);
  }
  _compile(c: SqlCompiler): string {
    return c.visitFunctionFilter(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("ff");
    this.func._ck(k);
    this.criterion._ck(k);
  }
}

/** `*` inside `count(*)`. @internal */
export class StarElement extends ColumnElement<never> {
  readonly kind = "star";
  readonly type = NULLTYPE;
  _compile(c: SqlCompiler): string {
    return c.visitStar(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("*");
  }
}

/** `EXTRACT(field FROM expr)` (SQLite: `CAST(strftime(…) AS INTEGER)`). */
export class Extract extends ColumnElement<number> {
  readonly kind = "extract";
  readonly type = INTEGER_TYPE;
  constructor(
    readonly field: ExtractField,
    readonly expr: ColumnElement<any>,
  ) {
    super();
  }
  override get key(): string {
    return this.field;
  }
  _compile(c: SqlCompiler): string {
    return c.visitExtract(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("ext");
    k.str(this.field);
    this.expr._ck(k);
  }
}
export type ExtractField =
  "year" | "month" | "day" | "hour" | "minute" | "second" | "dow" | "doy" | "week" | "quarter" | "epoch";
const EXTRACT_FIELDS = new Set<string>([
  "year",
  "month",
  "day",
  "hour",
  "minute",
  "second",
  "dow",
  "doy",
  "week",
  "quarter",
  "epoch",
]);

/** A date part as an integer. @example extract("year", orders.c.createdAt) */
export function extract(
  field: ExtractField,
  expr: ColumnElement<Date | string | null>,
): ColumnElement<number> {
  if (!EXTRACT_FIELDS.has(field))
    throw new ArgumentError(
      `extract() field must be one of ${[...EXTRACT_FIELDS].join(", ")}; got '${field}'.`,
      "ATH-ARG",
    );
  return new Extract(field, expr);
}

function args(list: readonly unknown[]): ColumnElement<any>[] {
  return list.map((a) => coerce(a, inferType(a)));
}
function call<T, K extends string>(
  name: K,
  list: readonly unknown[],
  type: TypeEngine<any>,
): FunctionCall<T, K> {
  return new FunctionCall<T, K>(name, args(list), type);
}
function typeOf(a: unknown): TypeEngine<any> {
  return a instanceof ColumnElement ? a.type : inferType(a);
}
/** SUM of integers comes back as a 64-bit integer or decimal; read it as a JS number like count(). */
function sumType(t: TypeEngine<any>): TypeEngine<any> {
  return isIntegerType(t) && t.kind !== "biginteger" ? COUNT_TYPE : t;
}

type Str<T> = string | Extract_<T, null>;
type Extract_<T, U> = T extends U ? T : never;
type Num = number | string | bigint | null;

/** The typed functions; any other name is callable too (untyped unless given a type argument). */
export interface KnownFunctions {
  /**
   * Any function by name: `func.call("json_extract", doc, "$.a")` is `func.json_extract(doc, "$.a")`,
   * usable where `noUncheckedIndexedAccess` makes `func.anything` possibly undefined.
   */
  call<T = unknown>(name: string, ...args: unknown[]): FunctionCall<T, string>;
  /** `count(*)` or `count(expr)`. */
  count(expr?: ColumnElement<any>): FunctionCall<number, "count">;
  /** `count(DISTINCT expr)`. */
  countDistinct(expr: ColumnElement<any>): FunctionCall<number, "count">;
  /** Sum; integer sums read as JS numbers, exact decimals as strings. NULL over no rows. */
  sum<T extends Num>(
    expr: ColumnElement<T>,
  ): FunctionCall<(T extends bigint ? bigint : T extends string ? string : number) | null, "sum">;
  /** Average, as exact decimal text (PostgreSQL/MySQL compute NUMERIC). */
  avg(expr: ColumnElement<Num>): FunctionCall<string | null, "avg">;
  min<T>(expr: ColumnElement<T>): FunctionCall<T | null, "min">;
  max<T>(expr: ColumnElement<T>): FunctionCall<T | null, "max">;
  coalesce<T>(
    first: ColumnElement<T>,
    ...rest: ExpressionArg<NonNullable<T> | null>[]
  ): FunctionCall<NonNullable<T>, "coalesce">;
  nullif<T>(a: ColumnElement<T>, b: ExpressionArg<NonNullable<T>>): FunctionCall<T | null, "nullif">;
  /** Current timestamp (SQLite: CURRENT_TIMESTAMP, in UTC). */
  now(): FunctionCall<Date, "now">;
  currentTimestamp(): FunctionCall<Date, "current_timestamp">;
  currentDate(): FunctionCall<string, "current_date">;
  lower<T extends string | null>(expr: ExpressionArg<T>): FunctionCall<Str<T>, "lower">;
  upper<T extends string | null>(expr: ExpressionArg<T>): FunctionCall<Str<T>, "upper">;
  trim<T extends string | null>(expr: ExpressionArg<T>): FunctionCall<Str<T>, "trim">;
  /** Length in characters (MySQL: char_length, since its length() counts bytes). */
  length(expr: ExpressionArg<string | null>): FunctionCall<number, "length">;
  charLength(expr: ExpressionArg<string | null>): FunctionCall<number, "char_length">;
  substr<T extends string | null>(
    expr: ExpressionArg<T>,
    start: ExpressionArg<number>,
    length?: ExpressionArg<number>,
  ): FunctionCall<Str<T>, "substr">;
  replace<T extends string | null>(
    expr: ExpressionArg<T>,
    from: ExpressionArg<string>,
    to: ExpressionArg<string>,
  ): FunctionCall<Str<T>, "replace">;
  concat(...parts: ExpressionArg<unknown>[]): FunctionCall<string, "concat">;
  abs<T extends Num>(expr: ColumnElement<T>): FunctionCall<T, "abs">;
  /** Rounds; PostgreSQL needs NUMERIC for digits, so floats are cast there. */
  round<T extends Num>(expr: ColumnElement<T>, digits?: number): FunctionCall<T, "round">;
  floor<T extends Num>(expr: ColumnElement<T>): FunctionCall<T, "floor">;
  ceil<T extends Num>(expr: ColumnElement<T>): FunctionCall<T, "ceil">;
  /** A random float in [0, 1) where the database gives one (MySQL: rand()). */
  random(): FunctionCall<number, "random">;
  /** Joins strings of a group with a separator (SQLAlchemy: `aggregate_strings`): string_agg / group_concat. */
  aggregateStrings(
    expr: ColumnElement<string | null>,
    separator: string,
  ): FunctionCall<string | null, "aggregate_strings">;
  rowNumber(): FunctionCall<number, "row_number">;
  rank(): FunctionCall<number, "rank">;
  denseRank(): FunctionCall<number, "dense_rank">;
  percentRank(): FunctionCall<number, "percent_rank">;
  cumeDist(): FunctionCall<number, "cume_dist">;
  ntile(buckets: number): FunctionCall<number, "ntile">;
  lag<T>(
    expr: ColumnElement<T>,
    offset?: number,
    defaultValue?: ExpressionArg<NonNullable<T>>,
  ): FunctionCall<T | null, "lag">;
  lead<T>(
    expr: ColumnElement<T>,
    offset?: number,
    defaultValue?: ExpressionArg<NonNullable<T>>,
  ): FunctionCall<T | null, "lead">;
  firstValue<T>(expr: ColumnElement<T>): FunctionCall<T | null, "first_value">;
  lastValue<T>(expr: ColumnElement<T>): FunctionCall<T | null, "last_value">;
  nthValue<T>(expr: ColumnElement<T>, n: number): FunctionCall<T | null, "nth_value">;
}

const optional = (list: unknown[]) => list.filter((a) => a !== undefined);

const known: KnownFunctions = {
  call: (name, ...a) => call(checkSqlName(name, "Function name"), a, NULLTYPE),
  count: (expr) => new FunctionCall("count", expr ? [expr] : [new StarElement()], COUNT_TYPE),
  countDistinct: (expr) => new FunctionCall("count", [expr], COUNT_TYPE, true),
  sum: (expr) => call("sum", [expr], sumType(expr.type)),
  avg: (expr) => call("avg", [expr], NUMERIC_TYPE),
  min: (expr) => call("min", [expr], expr.type),
  max: (expr) => call("max", [expr], expr.type),
  coalesce: (first, ...rest) => {
    const args = [first, ...rest.map((r) => coerce(r, first.type, first))];
    return new FunctionCall("coalesce", args, commonType(args.map((a) => a.type)));
  },
  nullif: (a, b) => new FunctionCall("nullif", [a, coerce(b, a.type, a)], a.type),
  now: () => call("now", [], DATETIME_TYPE),
  currentTimestamp: () => call("current_timestamp", [], DATETIME_TYPE),
  currentDate: () => call("current_date", [], DATE_TYPE),
  lower: (e) => call("lower", [e], STRING_TYPE),
  upper: (e) => call("upper", [e], STRING_TYPE),
  trim: (e) => call("trim", [e], STRING_TYPE),
  length: (e) => call("length", [e], INTEGER_TYPE),
  charLength: (e) => call("char_length", [e], INTEGER_TYPE),
  substr: (e, start, len) => call("substr", optional([e, start, len]), STRING_TYPE),
  replace: (e, from, to) => call("replace", [e, from, to], STRING_TYPE),
  concat: (...parts) => call("concat", parts, STRING_TYPE),
  abs: (e) => call("abs", [e], e.type),
  round: (e, digits) => call("round", digits === undefined ? [e] : [e, digits], typeOf(e)),
  floor: (e) => call("floor", [e], e.type),
  ceil: (e) => call("ceil", [e], e.type),
  random: () => call("random", [], FLOAT_TYPE),
  aggregateStrings: (e, sep) => call("aggregate_strings", [e, sep], STRING_TYPE),
  rowNumber: () => call("row_number", [], COUNT_TYPE),
  rank: () => call("rank", [], COUNT_TYPE),
  denseRank: () => call("dense_rank", [], COUNT_TYPE),
  percentRank: () => call("percent_rank", [], FLOAT_TYPE),
  cumeDist: () => call("cume_dist", [], FLOAT_TYPE),
  ntile: (n) => call("ntile", [n], COUNT_TYPE),
  lag: (e, offset, dflt) => new FunctionCall("lag", windowArgs(e, offset, dflt), e.type),
  lead: (e, offset, dflt) => new FunctionCall("lead", windowArgs(e, offset, dflt), e.type),
  firstValue: (e) => call("first_value", [e], e.type),
  lastValue: (e) => call("last_value", [e], e.type),
  nthValue: (e, n) => call("nth_value", [e, n], e.type),
};

function windowArgs(e: ColumnElement<any>, offset: number | undefined, dflt: unknown): ColumnElement<any>[] {
  const out: ColumnElement<any>[] = [e];
  if (offset !== undefined || dflt !== undefined) out.push(coerce(offset ?? 1, INTEGER_TYPE));
  if (dflt !== undefined) out.push(coerce(dflt, e.type, e));
  return out;
}

/** Any function by its SQL name; give the result type as a type argument, or cast it. */
type AnyFunc = <T = unknown>(...args: unknown[]) => FunctionCall<T, string>;

/** The function namespace: known functions typed, any other name callable. */
export const func: KnownFunctions & { readonly [name: string]: AnyFunc } = new Proxy(known as any, {
  get(target, name) {
    if (typeof name !== "string") return undefined;
    if (Object.prototype.hasOwnProperty.call(target, name)) return target[name];
    checkSqlName(name, "Function name");
    return (...a: unknown[]) => call(name, a, NULLTYPE);
  },
});

export type { OrderByElement };
