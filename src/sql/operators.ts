/**
 * Operator nodes and the free functions that build them (SQLAlchemy: `sql/elements.py`
 * `BinaryExpression`, `UnaryExpression`, `BooleanClauseList`, … and `sql/operators.py`).
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { BindParameter, ClauseElement, ColumnElement, registerNodes, type Direction } from "./base.js";
import { describeValue } from "./coercions.js";
import type { SqlCompiler } from "./compiler.js";
import { BOOLEAN_TYPE } from "./types/internal.js";
import { NULLTYPE, type TypeEngine } from "./types/type-engine.js";

/** `left op right`. `op:` prefixes a custom operator; `/int` and `//` are the division variants. */
export class BinaryExpression<T = unknown> extends ColumnElement<T> {
  readonly kind = "binary";
  constructor(
    readonly left: ColumnElement<any>,
    readonly operator: string,
    readonly right: ColumnElement<any>,
    readonly type: TypeEngine<any>,
    /**
     * @internal A comparison's cache-key tag, standing for its operator and its boolean type
     * (given by the comparison methods, see `column-operators.ts`); null: keyed in full.
     */
    readonly _ckTag: string | null = null,
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitBinary(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    const tag = this._ckTag;
    if (tag !== null) {
      // A comparison: the tag stands for the operator and the boolean type. Its commonest sides,
      // a schema column and a value, are keyed here: a call through `_ck` from this one site,
      // which sees every node class, is a megamorphic call dearer than keying them.
      k.s(tag);
      const left = this.left;
      if ((left as { _keyedById?: boolean })._keyedById === true) k.id(left);
      else left._ck(k);
      const right = this.right;
      if (right instanceof BindParameter) k.bind(right);
      else right._ck(k);
      return;
    }
    k.s("(");
    k.str(this.operator);
    this.left._ck(k);
    this.right._ck(k);
    k.type(this.type);
  }
}

/** A prefix (`NOT x`, `-x`, `DISTINCT x`) or postfix (`x IS NULL`) operator. */
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
  override get key(): string {
    return this.operator === "DISTINCT" ? this.element.key : super.key;
  }
  _compile(c: SqlCompiler): string {
    return c.visitUnary(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("u");
    k.str(this.operator ?? "");
    k.str(this.modifier ?? "");
    this.element._ck(k);
    k.type(this.type);
  }
}

/** `x [NOT] IN (…)`; `right` is a list of expressions (tuples for a tuple) or a subquery. */
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
  override _ck(k: CacheKeyBuilder): void {
    k.s("in");
    k.n(this.negate);
    this.left._ck(k);
    if (Array.isArray(this.right)) k.list(this.right as readonly ColumnElement<any>[]);
    else k.node(this.right as ClauseElement);
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
  override _ck(k: CacheKeyBuilder): void {
    k.s("btw");
    k.n(this.negate);
    this.element._ck(k);
    this.low._ck(k);
    this.high._ck(k);
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
  override _ck(k: CacheKeyBuilder): void {
    k.s(this.mode);
    k.n(this.negate);
    k.str(this.escape ?? "");
    this.left._ck(k);
    this.pattern._ck(k);
  }
}

export class Collate<T> extends ColumnElement<T> {
  readonly kind = "collate";
  constructor(
    readonly element: ColumnElement<any>,
    readonly collation: string,
  ) {
    super();
    if (typeof collation !== "string" || collation === "")
      throw new ArgumentError("collate() needs a collation name.", "ATH-ARG");
  }
  get type(): TypeEngine<any> {
    return this.element.type;
  }
  override get key(): string {
    return this.element.key;
  }
  _compile(c: SqlCompiler): string {
    return c.visitCollate(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("coll");
    k.str(this.collation);
    this.element._ck(k);
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
  override _ck(k: CacheKeyBuilder): void {
    k.s(this.operator);
    const cs = this.clauses;
    k.n(cs.length);
    // Written out rather than `k.list`: see `CacheKeyBuilder.list`.
    for (let i = 0; i < cs.length; i++) cs[i]!._ck(k);
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
  override _ck(k: CacheKeyBuilder): void {
    k.s(this.value ? "TRUE" : "FALSE");
  }
}

/** SQL NULL. */
export class NullElement extends ColumnElement<null> {
  readonly kind = "null";
  readonly type = NULLTYPE;
  _compile(c: SqlCompiler): string {
    return c.visitNull(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("NULL");
  }
}

/** `expr AS name`. */
export class Label<T = unknown, L extends string = string> extends ColumnElement<T, L> {
  readonly kind = "label";
  constructor(
    readonly name: L,
    readonly element: ColumnElement<any>,
  ) {
    super();
    if (typeof name !== "string" || name === "")
      throw new ArgumentError("label() needs a non-empty name.", "ATH-ARG");
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
  override _ck(k: CacheKeyBuilder): void {
    k.s("lbl");
    k.str(this.name);
    this.element._ck(k);
  }
}

/** An ORDER BY item: `expr [ASC|DESC] [NULLS FIRST|LAST]`. */
export class OrderByElement extends ClauseElement {
  readonly kind = "order_by";
  constructor(
    readonly element: ColumnElement<any>,
    readonly direction: Direction | null,
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
  override _ck(k: CacheKeyBuilder): void {
    k.s("ob");
    k.str(this.direction ?? "");
    k.str(this.nulls ?? "");
    this.element._ck(k);
  }
}

/** A WHERE criterion: a boolean expression, or a `text()` fragment. */
export type Criterion = ColumnElement<boolean | null> | (ClauseElement & { readonly kind: "text" });

/** A `text()` fragment standing as a boolean expression (SQLAlchemy coerces text in WHERE). */
export class TextCriterion extends ColumnElement<boolean> {
  readonly kind = "text_criterion";
  readonly type = BOOLEAN_TYPE;
  constructor(readonly text: ClauseElement) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return "(" + c.process(this.text) + ")";
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("tcr");
    this.text._ck(k);
  }
}

/** Accepts a boolean expression or a text() fragment as a criterion. @internal */
export function criterion(c: unknown, what: string): ColumnElement<any> {
  if (c instanceof ColumnElement) return c;
  if (c instanceof ClauseElement && c.kind === "text") return new TextCriterion(c);
  throw new ArgumentError(`${what} takes SQL expressions (or text()), got ${describeValue(c)}.`, "ATH-ARG");
}

/** Joins conditions with AND; `undefined` entries are skipped so filters can be built conditionally. */
export function and(...clauses: (Criterion | undefined)[]): ColumnElement<boolean> {
  return booleanList("AND", clauses);
}

/** Joins conditions with OR. */
export function or(...clauses: (Criterion | undefined)[]): ColumnElement<boolean> {
  return booleanList("OR", clauses);
}

function booleanList(op: "AND" | "OR", clauses: readonly (Criterion | undefined)[]): ColumnElement<boolean> {
  const flat: ColumnElement<any>[] = [];
  const what = op === "AND" ? "and()" : "or()";
  for (const raw of clauses) if (raw !== undefined) addFlat(flat, op, criterion(raw, what));
  if (flat.length === 1) return flat[0]!;
  return new BooleanClauseList(op, flat);
}

function addFlat(flat: ColumnElement<any>[], op: "AND" | "OR", c: ColumnElement<any>): void {
  // `kind` rather than instanceof: a field the few criterion classes share, read without
  // walking each criterion's prototype chain (a measurable part of building a WHERE).
  if (c.kind === "boolean_list" && (c as BooleanClauseList).operator === op)
    for (const x of (c as BooleanClauseList).clauses) flat.push(x);
  else flat.push(c);
}

/**
 * `prior AND criteria…` (what `where()` and `having()` add up), or null when every criterion
 * is `undefined`. @internal
 */
export function andWith(
  prior: ColumnElement<any> | null,
  criteria: readonly (Criterion | undefined)[],
): ColumnElement<boolean> | null {
  let any = false;
  for (const c of criteria) if (c !== undefined) any = true;
  if (!any) return null;
  if (prior === null) return booleanList("AND", criteria);
  const flat: ColumnElement<any>[] = [];
  addFlat(flat, "AND", prior);
  for (const raw of criteria) if (raw !== undefined) addFlat(flat, "AND", criterion(raw, "and()"));
  return flat.length === 1 ? flat[0]! : new BooleanClauseList("AND", flat);
}

/** `NOT expr`. */
export function not(clause: Criterion): ColumnElement<boolean> {
  return new UnaryExpression(criterion(clause, "not()"), "NOT", null, BOOLEAN_TYPE);
}

/** The SQL `true` constant (rendered `1` on SQLite). */
export const true_ = (): ColumnElement<boolean> => new BooleanConstant(true);
/** The SQL `false` constant (rendered `0` on SQLite). */
export const false_ = (): ColumnElement<boolean> => new BooleanConstant(false);
/** SQL NULL as an expression. */
export const null_ = (): NullElement => new NullElement();

/** Sort helpers usable as `orderBy(desc(users.c.createdAt))`. */
export const asc = (e: ColumnElement<any>): OrderByElement => e.asc();
export const desc = (e: ColumnElement<any>): OrderByElement => e.desc();
/** `nullsFirst(desc(x))` → `x DESC NULLS FIRST`. */
export const nullsFirst = (e: ColumnElement<any> | OrderByElement): OrderByElement => e.nullsFirst();
export const nullsLast = (e: ColumnElement<any> | OrderByElement): OrderByElement => e.nullsLast();

registerNodes({
  BinaryExpression,
  UnaryExpression,
  InExpression,
  Between,
  LikeExpression,
  Collate,
  Label,
  OrderByElement,
});
