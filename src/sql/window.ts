/**
 * Window functions (SQLAlchemy: `Over`): `fn(...) OVER (PARTITION BY … ORDER BY … ROWS|RANGE …)`.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { ColumnElement } from "./base.js";
import type { SqlCompiler } from "./compiler.js";
import { OrderByElement } from "./operators.js";
import type { TypeEngine } from "./types/type-engine.js";

/**
 * A frame bound, as in SQLAlchemy: `null` is UNBOUNDED (PRECEDING at the start, FOLLOWING
 * at the end), `0` is CURRENT ROW, `-n` is n PRECEDING and `n` is n FOLLOWING.
 */
export type FrameBound = number | null;

export interface WindowSpec {
  partitionBy?: ColumnElement<any> | readonly ColumnElement<any>[];
  orderBy?: ColumnElement<any> | OrderByElement | readonly (ColumnElement<any> | OrderByElement)[];
  /** `ROWS BETWEEN start AND end`. */
  rows?: readonly [FrameBound, FrameBound];
  /** `RANGE BETWEEN start AND end`. */
  range?: readonly [FrameBound, FrameBound];
}

export interface WindowFrame {
  readonly mode: "ROWS" | "RANGE";
  readonly start: FrameBound;
  readonly end: FrameBound;
}

function toList<X>(v: X | readonly X[] | undefined): readonly X[] {
  return v === undefined ? [] : Array.isArray(v) ? (v as readonly X[]) : [v as X];
}

function checkBound(b: FrameBound): FrameBound {
  if (b !== null && !Number.isSafeInteger(b))
    throw new ArgumentError(`A window frame bound must be an integer or null, got ${String(b)}.`, "ATH-ARG");
  return b;
}

/** `element OVER (…)`. */
export class Over<T = unknown, K extends string = string> extends ColumnElement<T, K> {
  readonly kind = "over";
  readonly partitionBy: readonly ColumnElement<any>[];
  readonly orderBy: readonly OrderByElement[];
  readonly frame: WindowFrame | null;
  constructor(
    readonly element: ColumnElement<T, K>,
    spec: WindowSpec,
  ) {
    super();
    this.partitionBy = toList(spec.partitionBy);
    this.orderBy = toList(spec.orderBy).map((o) =>
      o instanceof OrderByElement ? o : new OrderByElement(o, null, null),
    );
    if (spec.rows && spec.range)
      throw new ArgumentError("over() takes either rows or range, not both.", "ATH-ARG");
    const f = spec.rows ?? spec.range;
    this.frame = f
      ? { mode: spec.rows ? "ROWS" : "RANGE", start: checkBound(f[0]), end: checkBound(f[1]) }
      : null;
  }
  get type(): TypeEngine<any> {
    return this.element.type;
  }
  override get key(): string {
    return this.element.key;
  }
  _compile(c: SqlCompiler): string {
    return c.visitOver(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("over");
    this.element._ck(k);
    k.list(this.partitionBy);
    k.list(this.orderBy);
    if (this.frame) {
      k.s(this.frame.mode);
      k.n(this.frame.start);
      k.n(this.frame.end);
    } else k.s("~");
  }
}
