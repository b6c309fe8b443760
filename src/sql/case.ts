/**
 * `CASE` expressions (SQLAlchemy: `case()`); named `case_` since `case` is a keyword.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ColumnElement } from "./base.js";
import { coerce, commonType, inferType } from "./coercions.js";
import type { SqlCompiler } from "./compiler.js";
import { NULLTYPE, type TypeEngine } from "./types/type-engine.js";

/** `CASE [value] WHEN … THEN … [ELSE …] END`. */
export class Case<T = unknown> extends ColumnElement<T> {
  readonly kind = "case";
  constructor(
    readonly value: ColumnElement<any> | null,
    readonly whens: readonly (readonly [ColumnElement<any>, ColumnElement<any>])[],
    readonly else_: ColumnElement<any> | null,
    readonly type: TypeEngine<any>,
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitCase(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("case");
    k.node(this.value);
    k.n(this.whens.length);
    for (const [w, t] of this.whens) {
      w._ck(k);
      t._ck(k);
    }
    k.node(this.else_);
    k.type(this.type);
  }
}

type ResultOf<R> = R extends ColumnElement<infer T, any> ? T : R;
type WhenResults<W extends readonly (readonly [unknown, unknown])[]> = ResultOf<W[number][1]>;
type ElseResult<O> = O extends { else: infer E } ? ResultOf<E> : null;

/** The result type: that of the typed result expressions (see `commonType`), else the first value's own type. */
function resultType(results: readonly unknown[]): TypeEngine<any> {
  const exprTypes = results
    .filter((r): r is ColumnElement<any> => r instanceof ColumnElement)
    .map((r) => r.type);
  const t = commonType(exprTypes);
  if (t !== NULLTYPE) return t;
  for (const r of results)
    if (!(r instanceof ColumnElement) && r !== null && r !== undefined) return inferType(r);
  return NULLTYPE;
}

/**
 * A searched CASE: the first true condition's result, else `else` (NULL when omitted).
 * @example case_([[orders.c.total.gt(100), "big"], [orders.c.total.gt(10), "medium"]], { else: "small" })
 */
export function case_<
  const W extends readonly (readonly [ColumnElement<boolean | null>, unknown])[],
  const O extends { else?: unknown } = {},
>(whens: W, options?: O): ColumnElement<WhenResults<W> | ElseResult<O>>;
/**
 * A simple CASE on a value: the result of the first match.
 * @example case_(users.c.role, [["admin", 1], ["staff", 2]], { else: 3 })
 */
export function case_<
  V,
  const W extends readonly (readonly [unknown, unknown])[],
  const O extends { else?: unknown } = {},
>(value: ColumnElement<V>, whens: W, options?: O): ColumnElement<WhenResults<W> | ElseResult<O>>;
export function case_(a: unknown, b?: unknown, c?: unknown): ColumnElement<any> {
  const simple = a instanceof ColumnElement;
  const value = simple ? (a as ColumnElement<any>) : null;
  const whens = (simple ? b : a) as readonly (readonly [unknown, unknown])[];
  const options = ((simple ? c : b) ?? {}) as { else?: unknown };
  if (!Array.isArray(whens) || whens.length === 0) {
    throw new ArgumentError("case_() needs at least one [condition, result] pair.", "ATH-ARG");
  }
  for (const w of whens) {
    if (!Array.isArray(w) || w.length !== 2)
      throw new ArgumentError("Each case_() branch is a [condition, result] pair.", "ATH-ARG");
  }
  const hasElse = Object.prototype.hasOwnProperty.call(options, "else") && options.else !== undefined;
  const type = resultType([...whens.map((w) => w[1]), ...(hasElse ? [options.else] : [])]);
  const pairs = whens.map(([cond, result]) => {
    const w = value ? coerce(cond, value.type, value) : coerce(cond, NULLTYPE);
    return [w, coerce(result, type)] as const;
  });
  return new Case(value, pairs, hasElse ? coerce(options.else, type) : null, type);
}
