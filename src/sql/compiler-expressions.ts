/**
 * The expression layer of the SQL compiler (SQLAlchemy: `SQLCompiler`'s `visit_binary`,
 * `visit_bindparam`, functions, CASE, windows …). `SelectCompiler` and `SqlCompiler` build
 * on it; dialect compilers subclass `SqlCompiler` and override only what differs.
 *
 * Bound parameters are written as tokens while compiling and turned into the dialect's
 * placeholders in text order at the end (`finish`), so parts rendered out of order (CTEs
 * hoisted to WITH, MySQL's NULLS FIRST emulation) still line up with their values.
 */
import { CompileError } from "../util/errors.js";
import { BindParameter, ClauseElement, ColumnClause, ColumnElement, FromClause } from "./base.js";
import type { Case } from "./case.js";
import type { CacheKey } from "./cache-key.js";
import { isIntegerType } from "./coercions.js";
import type {
  BindSlot,
  CompiledStatement,
  ManyValuesTemplate,
  ResultColumn,
  StatementKind,
} from "./compiled.js";
import { CTE, CteAlias } from "./cte.js";
import { Alias, Subquery, TableClause } from "./from-clauses.js";
import type { Extract, FunctionCall, FunctionFilter, StarElement } from "./functions.js";
import {
  Between,
  BinaryExpression,
  BooleanClauseList,
  BooleanConstant,
  InExpression,
  Label,
  LikeExpression,
  UnaryExpression,
  type Collate,
  type NullElement,
  type OrderByElement,
} from "./operators.js";
import type { Cast, Tuple, TypeCoerce } from "./conversions.js";
import type { TypeCompiler } from "./type-compiler.js";
import type { TypeEngine } from "./types/type-engine.js";
import type { CompilerDialect } from "./visitor.js";
import type { Over } from "./window.js";
import { COMPARISON, frameBound, PRECEDENCE, precedenceOf } from "./precedence.js";

/** What a statement compiler needs of its dialect. */
export interface StatementCompilerDialect extends CompilerDialect {
  /** Quotes an identifier if it needs quoting (reserved word, upper case, odd characters). */
  quoteIdentifier(name: string): string;
  readonly typeCompiler: TypeCompiler;
}

export interface CompileOptions {
  /** Render values inline instead of as parameters (DDL defaults, offline scripts). */
  literalBinds?: boolean;
  /** Keys of the execution parameters, for `insert(t)` / `update(t)` given values only at execution. */
  paramKeys?: readonly string[];
  /** @internal The statement's cache key: slots record where their values sit in `cacheKey.values`. */
  cacheKey?: CacheKey;
  /**
   * Add `RETURNING <primary key>` to a single-row INSERT that has no RETURNING of its own, so the
   * new key is known where the driver reports no last insert id (SQLAlchemy: `implicit_returning`).
   * The rows are for `insertedPrimaryKey`, not the caller.
   */
  implicitReturning?: boolean;
}

/** A compiled statement plus, per bind slot, the position of its value in the cache key's values (-1: none). @internal */
export interface CompiledWithLayout extends CompiledStatement {
  readonly bindIndexes: readonly number[];
}

/** Functions that SQL spells as keywords, without parentheses. */
const NIladic = new Set([
  "current_timestamp",
  "current_date",
  "current_time",
  "localtimestamp",
  "localtime",
  "current_user",
  "session_user",
]);

/**
 * Functions that neither write, lock, nor read transaction state (unlike now(), nextval(),
 * pg_advisory_xact_lock(), set_config()): a SELECT calling only these may be a plain read.
 */
const SIDE_EFFECT_FREE = new Set([
  "count",
  "sum",
  "min",
  "max",
  "avg",
  "coalesce",
  "nullif",
  "greatest",
  "least",
  "lower",
  "upper",
  "length",
  "char_length",
  "abs",
  "round",
  "floor",
  "ceil",
  "ceiling",
  "trim",
  "substr",
  "substring",
  "concat",
  "replace",
  "aggregate_strings",
  "string_agg",
  "group_concat",
  "array_agg",
  "row_number",
  "rank",
  "dense_rank",
]);

const TOKEN = "\u0000";
const TOKEN_RE = /\u0000(\d+)\u0000/g;
/**
 * Marks around an executemany INSERT's VALUES tuple, cut out by `finish` (see ManyValuesTemplate).
 * A bind token is NUL, digits, NUL: NUL followed by \u0001 or \u0002 never starts or ends one.
 */
export const MANY_VALUES_OPEN = "\u0000\u0001";
export const MANY_VALUES_CLOSE = "\u0000\u0002";

/** The `?` placeholder of most drivers. */
export const questionMark = (_index: number): string => "?";

export class ExpressionCompiler {
  private slots: BindSlot[] = [];
  private slotIndexes: number[] = [];
  private anonNames = new Map<object, string>();
  /** The statement being compiled: only it sets result columns and the statement kind. */
  protected root: ClauseElement | null = null;
  protected resultColumns: ResultColumn[] | null = null;
  /** Set when `implicitReturning` added a RETURNING clause. */
  protected implicitReturningUsed = false;
  protected statementKind: StatementKind = "select";
  /** Cleared by what may write, lock or depend on the transaction (see CompiledStatement.plainRead). */
  protected plainRead = true;
  /** Set by SQL the compiler can't see into, or that may change session settings (see CompiledStatement.opaque). */
  protected opaque = false;
  /** False while rendering names that must stand alone (ON CONFLICT targets, compound ORDER BY). */
  protected qualifyColumns = true;

  constructor(
    readonly dialect: StatementCompilerDialect,
    readonly options: CompileOptions = {},
  ) {}

  /** Parameter slots recorded so far, in compile order (before placeholders are numbered). */
  get binds(): readonly BindSlot[] {
    return this.slots;
  }

  process(node: ClauseElement): string {
    return node._compile(this as any);
  }

  /** Turns bind tokens into placeholders in text order and assembles the result. */
  protected finish(sql: string): CompiledWithLayout {
    const binds: BindSlot[] = [];
    const bindIndexes: number[] = [];
    let manyValues: ManyValuesTemplate | undefined;
    const open = sql.indexOf(MANY_VALUES_OPEN);
    if (open !== -1) {
      const close = sql.indexOf(MANY_VALUES_CLOSE, open);
      manyValues = this.manyValuesTemplate(sql, open, close);
      sql =
        sql.slice(0, open) +
        sql.slice(open + MANY_VALUES_OPEN.length, close) +
        sql.slice(close + MANY_VALUES_CLOSE.length);
    }
    if (this.slots.length) {
      sql = sql.replace(TOKEN_RE, (_m, n: string) => {
        const i = Number(n);
        binds.push(this.slots[i]!);
        bindIndexes.push(this.slotIndexes[i]!);
        return this.placeholder(binds.length - 1);
      });
    }
    return {
      sql,
      binds,
      bindIndexes,
      resultColumns: this.resultColumns,
      kind: this.statementKind,
      returnsRows:
        !this.implicitReturningUsed &&
        (this.resultColumns !== null || this.statementKind === "select" || this.statementKind === "text"),
      ...(this.implicitReturningUsed ? { implicitReturning: true } : {}),
      ...(manyValues ? { manyValues } : {}),
      ...(this.plainRead && this.statementKind === "select" ? { plainRead: true } : {}),
      ...(this.opaque ? { opaque: true } : {}),
      dialect: this.dialect.name,
    };
  }

  /** Cuts the marked VALUES tuple out of the token SQL (bind tokens are numbered in text order below). */
  private manyValuesTemplate(sql: string, open: number, close: number): ManyValuesTemplate {
    const ph = this.placeholderRenderer();
    let n = 0;
    const head = sql.slice(0, open).replace(TOKEN_RE, () => ph(n++));
    const pieces = (part: string) => part.split(TOKEN_RE).filter((_, i) => i % 2 === 0);
    return {
      head,
      headBinds: n,
      tuple: pieces(sql.slice(open + MANY_VALUES_OPEN.length, close)),
      tail: pieces(sql.slice(close + MANY_VALUES_CLOSE.length)),
      placeholder: ph,
    };
  }

  // ---- hooks for dialects ----

  /** Placeholder for the `index`-th (0-based) parameter: `?` here, `$n` on PostgreSQL. */
  placeholder(index: number): string {
    return this.placeholderRenderer()(index);
  }
  /** The placeholder function, kept by executemany INSERTs to number a multi-row statement's placeholders. */
  placeholderRenderer(): (index: number) => string {
    return questionMark;
  }
  quote(name: string): string {
    return this.dialect.quoteIdentifier(name);
  }
  /** A literal value inlined in SQL (literalBinds mode and DDL). */
  renderLiteral(value: unknown, _type: TypeEngine<any> | null): string {
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "number") {
      if (!Number.isFinite(value)) throw new CompileError(`Can't render ${value} as a SQL literal.`);
      return String(value);
    }
    if (typeof value === "bigint") return String(value);
    if (typeof value === "boolean") return this.renderBoolean(value);
    if (value instanceof Date)
      return this.renderString(value.toISOString().replace("T", " ").replace("Z", ""));
    if (typeof value === "string") return this.renderString(value);
    throw new CompileError(
      `Don't know how to render a literal ${typeof value} value; pass it as a bound parameter instead.`,
    );
  }
  protected renderString(s: string): string {
    if (s.includes("\u0000")) throw new CompileError("A string literal can't contain a NUL character.");
    return "'" + s.replace(/'/g, "''") + "'";
  }
  protected renderBoolean(value: boolean): string {
    return value ? "true" : "false";
  }
  /** Text after a bind placeholder, e.g. PostgreSQL's `::INTEGER` for values whose type the server can't infer. */
  protected bindCast(_b: BindParameter<any>): string {
    return "";
  }

  // ---- binds ----

  /** Records a parameter slot and returns its token. */
  protected bindToken(slot: BindSlot, extractIndex: number): string {
    this.slots.push(slot);
    this.slotIndexes.push(extractIndex);
    return TOKEN + (this.slots.length - 1) + TOKEN;
  }
  /** Position of a parameter's value in the cache key's values, or -1. */
  protected extractIndex(b: BindParameter<any>): number {
    return this.options.cacheKey?.bindIndex.get(b) ?? -1;
  }
  /** A parameter; `key` names anonymous ones (INSERT/UPDATE name them after their column). */
  renderBind(b: BindParameter<any>, key?: string): string {
    const hasValue = b.value !== undefined;
    if (this.options.literalBinds && hasValue) return this.renderLiteral(b.value, b.type);
    const slotKey = b.name ?? key ?? `param_${this.slots.length + 1}`;
    const slot: BindSlot = { key: slotKey, value: b.value, hasValue, type: b.type };
    return this.bindToken(slot, this.extractIndex(b)) + this.bindCast(b);
  }
  /** A slot with no node behind it (column defaults, executemany values). */
  protected rawBind(slot: BindSlot): string {
    return this.bindToken(slot, -1);
  }
  visitBindParameter(b: BindParameter<any>): string {
    return this.renderBind(b);
  }

  // ---- leaves ----

  visitColumn(c: ColumnClause<any>): string {
    const t = c.table;
    if (t === null || !this.qualifyColumns) return this.quote(c.name);
    return this.fromPrefix(t) + "." + this.quote(c.name);
  }
  /** The name a column is qualified with: the table (with schema) or the alias. */
  protected fromPrefix(t: FromClause): string {
    if (t instanceof TableClause)
      return t.schema ? this.quote(t.schema) + "." + this.quote(t.name) : this.quote(t.name);
    if (t instanceof Alias || t instanceof Subquery || t instanceof CteAlias)
      return this.quote(this.aliasName(t));
    if (t instanceof CTE) return this.quote(this.cteName(t));
    if (t.kind === "proposed_row")
      throw new CompileError(
        "Columns of an upsert's proposed row can only be used in its SET or WHERE clause.",
      );
    throw new CompileError(`Cannot qualify a column with a ${t.kind}.`);
  }
  /** The name of an alias, subquery or CTE alias; anonymous ones get `anon_N` in compile order. */
  protected aliasName(a: Alias<any> | Subquery<any> | CteAlias<any>): string {
    return a.name ?? this.anonName(a);
  }
  protected cteName(cte: CTE<any>): string {
    const root = cte.root;
    return root.name ?? this.anonName(root);
  }
  protected anonName(obj: object): string {
    let n = this.anonNames.get(obj);
    if (!n) {
      n = `anon_${this.anonNames.size + 1}`;
      this.anonNames.set(obj, n);
    }
    return n;
  }
  visitNull(_n: NullElement): string {
    return "NULL";
  }
  visitBooleanConstant(b: BooleanConstant): string {
    return this.renderBoolean(b.value);
  }
  visitStar(_s: StarElement): string {
    return "*";
  }

  // ---- operators ----

  /** Compiles `e`, parenthesised if it binds looser than `outer`. */
  protected operand(e: ColumnElement<any>, outer: number): string {
    const s = this.process(e);
    const p = precedenceOf(e);
    return p !== null && p < outer ? "(" + s + ")" : s;
  }
  visitBinary(b: BinaryExpression<any>): string {
    const op = b.operator;
    switch (op) {
      case "||":
        return this.renderConcat(b);
      case "/int":
        return this.renderTrueDivision(b);
      case "//":
        return this.renderFloorDivision(b);
      case "IS DISTINCT FROM":
      case "IS NOT DISTINCT FROM":
        return this.renderIsDistinct(b, op === "IS DISTINCT FROM");
    }
    if (op.startsWith("op:"))
      return this.operand(b.left, 9) + " " + op.slice(3) + " " + this.operand(b.right, 9);
    const p = PRECEDENCE[op] ?? COMPARISON;
    // Comparisons don't chain; the right side of - and / must keep its own grouping.
    const leftP = p === COMPARISON ? p + 1 : p;
    return this.operand(b.left, leftP) + " " + op + " " + this.operand(b.right, p + 1);
  }
  /** String concatenation; MySQL overrides with concat(). */
  protected renderConcat(b: BinaryExpression<any>): string {
    return this.operand(b.left, 6) + " || " + this.operand(b.right, 7);
  }
  /** Integer / integer with an exact result (SQLAlchemy 2.0 true division). */
  protected renderTrueDivision(b: BinaryExpression<any>): string {
    return this.operand(b.left, 8) + " / CAST(" + this.process(b.right) + " AS NUMERIC)";
  }
  /** Floor division: plain `/` between integers (it truncates), FLOOR(a / b) otherwise. */
  protected renderFloorDivision(b: BinaryExpression<any>): string {
    const ints = isIntegerType(b.left.type) && isIntegerType(b.right.type);
    const div = this.operand(b.left, 8) + " / " + this.operand(b.right, 9);
    return ints ? div : "FLOOR(" + div + ")";
  }
  protected renderIsDistinct(b: BinaryExpression<any>, distinct: boolean): string {
    return (
      this.operand(b.left, 6) +
      (distinct ? " IS DISTINCT FROM " : " IS NOT DISTINCT FROM ") +
      this.operand(b.right, 6)
    );
  }
  visitUnary(u: UnaryExpression<any>): string {
    if (u.operator === "NOT") return "NOT " + this.operand(u.element, 9);
    if (u.operator === "DISTINCT") return "DISTINCT " + this.operand(u.element, 9);
    if (u.operator !== null) {
      // `- -x` must not become the comment `--x`.
      const inner = this.operand(u.element, 9);
      return u.operator + (inner.startsWith("-") ? "(" + inner + ")" : inner);
    }
    return this.operand(u.element, 6) + " " + u.modifier;
  }
  visitBooleanList(l: BooleanClauseList): string {
    // and() of nothing is true, or() of nothing is false.
    if (l.clauses.length === 0) return this.renderBoolean(l.operator === "AND");
    const p = PRECEDENCE[l.operator]!;
    return l.clauses.map((c) => this.operand(c, p + 1)).join(" " + l.operator + " ");
  }
  visitIn(e: InExpression): string {
    const left = this.operand(e.left, 6);
    const kw = e.negate ? " NOT IN " : " IN ";
    if (Array.isArray(e.right)) {
      const items = e.right as readonly ColumnElement<any>[];
      if (items.length === 0) return this.emptyIn(e.negate);
      return left + kw + "(" + items.map((i) => this.process(i)).join(", ") + ")";
    }
    return left + kw + "(" + this.processNested(e.right as ClauseElement) + ")";
  }
  /** Compiles a SELECT nested in an expression (correlating); `SelectCompiler` implements it. */
  protected processNested(e: ClauseElement): string {
    return this.process(e);
  }
  /** An empty IN list: always false (NOT IN: always true), as SQLAlchemy's empty-set expression. */
  protected emptyIn(negate: boolean): string {
    return negate ? "(1 = 1)" : "(1 != 1)";
  }
  visitBetween(b: Between): string {
    return (
      this.operand(b.element, 6) +
      (b.negate ? " NOT BETWEEN " : " BETWEEN ") +
      this.operand(b.low, 6) +
      " AND " +
      this.operand(b.high, 6)
    );
  }
  visitLike(l: LikeExpression): string {
    let s =
      l.mode === "ilike"
        ? this.renderIlike(l)
        : this.operand(l.left, 6) + (l.negate ? " NOT LIKE " : " LIKE ") + this.operand(l.pattern, 6);
    if (l.escape !== null) s += " ESCAPE " + this.renderString(l.escape);
    return s;
  }
  /** Case-insensitive LIKE where the database has no ILIKE: lower() on both sides. */
  protected renderIlike(l: LikeExpression): string {
    return (
      "lower(" +
      this.process(l.left) +
      ")" +
      (l.negate ? " NOT LIKE " : " LIKE ") +
      "lower(" +
      this.process(l.pattern) +
      ")"
    );
  }
  visitCollate(c: Collate<any>): string {
    return this.operand(c.element, 10) + " COLLATE " + this.quote(c.collation);
  }
  visitLabel(l: Label<any, any>): string {
    return this.qualifyColumns ? this.process(l.element) : this.quote(l.name);
  }
  visitCast(c: Cast<any>): string {
    return "CAST(" + this.process(c.element) + " AS " + this.castType(c.type) + ")";
  }
  /** The type spelled in CAST; MySQL casts to a few target names only. */
  protected castType(type: TypeEngine<any>): string | null {
    return this.dialect.typeCompiler.castSpelling(type);
  }
  visitTypeCoerce(t: TypeCoerce<any>): string {
    return this.process(t.element);
  }
  visitTuple(t: Tuple<any>): string {
    return "(" + t.elements.map((e) => this.process(e)).join(", ") + ")";
  }
  visitOrderBy(o: OrderByElement): string {
    let s = this.process(o.element);
    if (o.direction) s += " " + o.direction;
    if (o.nulls) s += " NULLS " + o.nulls;
    return s;
  }

  // ---- functions, CASE, windows ----

  visitFunction(f: FunctionCall<any, any>): string {
    if (!SIDE_EFFECT_FREE.has(f.name)) {
      this.plainRead = false;
      if (f.name.toLowerCase() === "set_config") this.opaque = true;
    }
    const special = this.renderSpecialFunction(f);
    if (special !== null) return special;
    if (NIladic.has(f.name) && f.args.length === 0) return f.name.toUpperCase();
    return this.functionCall(f.name, f);
  }
  /** `name([DISTINCT ]args…)`. */
  protected functionCall(name: string, f: FunctionCall<any, any>): string {
    return (
      name + "(" + (f.distinct_ ? "DISTINCT " : "") + f.args.map((a) => this.process(a)).join(", ") + ")"
    );
  }
  /** Functions a dialect spells differently (now, random, length, aggregate_strings…); null: the default call. */
  protected renderSpecialFunction(f: FunctionCall<any, any>): string | null {
    if (f.name === "aggregate_strings")
      return "string_agg(" + f.args.map((a) => this.process(a)).join(", ") + ")";
    return null;
  }
  visitFunctionFilter(f: FunctionFilter<any, any>): string {
    return this.process(f.func) + " FILTER (WHERE " + this.process(f.criterion) + ")";
  }
  visitOver(o: Over<any, any>): string {
    const parts: string[] = [];
    if (o.partitionBy.length)
      parts.push("PARTITION BY " + o.partitionBy.map((p) => this.process(p)).join(", "));
    if (o.orderBy.length) parts.push("ORDER BY " + o.orderBy.map((p) => this.process(p)).join(", "));
    if (o.frame)
      parts.push(
        o.frame.mode +
          " BETWEEN " +
          frameBound(o.frame.start, true) +
          " AND " +
          frameBound(o.frame.end, false),
      );
    return this.process(o.element) + " OVER (" + parts.join(" ") + ")";
  }
  visitCase(c: Case<any>): string {
    let s = "CASE";
    if (c.value) s += " " + this.process(c.value);
    for (const [when, then] of c.whens) s += " WHEN " + this.process(when) + " THEN " + this.process(then);
    if (c.else_) s += " ELSE " + this.process(c.else_);
    return s + " END";
  }
  visitExtract(e: Extract): string {
    return "EXTRACT(" + e.field.toUpperCase() + " FROM " + this.process(e.expr) + ")";
  }
}
