/**
 * Literal SQL with named parameters (SQLAlchemy: `text()`), the `sql` tagged template,
 * identifiers, raw fragments and `literalColumn`.
 */
import { ArgumentError } from "../util/errors.js";
import type { CacheKeyBuilder } from "./cache-key.js";
import { BindParameter, ClauseElement, ColumnElement } from "./base.js";
import { inferType, valueProblem, describeValue } from "./coercions.js";
import type { SqlCompiler } from "./compiler.js";
import type { TypeEngine, TypeValue } from "./types/type-engine.js";
import { NULLTYPE } from "./types/type-engine.js";

/** A `:name` placeholder, not preceded by another colon (so PostgreSQL's `::cast` is left alone). */
const PARAM_RE = /(?<![:\w\\]):([A-Za-z_][A-Za-z0-9_]*)(?![:\w])/g;

interface ParsedText {
  readonly chunks: readonly string[];
  readonly names: readonly string[];
}
const parsedCache = new Map<string, ParsedText>();

/** Splits text once into literal chunks and parameter names; chunks alternate with names. @internal */
export function parseTextParams(sqlText: string): ParsedText {
  let p = parsedCache.get(sqlText);
  if (p) return p;
  const chunks: string[] = [];
  const names: string[] = [];
  let last = 0;
  for (const m of sqlText.matchAll(PARAM_RE)) {
    chunks.push(sqlText.slice(last, m.index));
    names.push(m[1]!);
    last = m.index! + m[0].length;
  }
  chunks.push(sqlText.slice(last));
  // `\:` escapes a literal colon, as in SQLAlchemy.
  p = { chunks: chunks.map((c) => c.replace(/\\:/g, ":")), names };
  if (parsedCache.size >= 1000) parsedCache.delete(parsedCache.keys().next().value as string);
  parsedCache.set(sqlText, p);
  return p;
}

type ResultTypes = Readonly<Record<string, TypeEngine<unknown>>>;

/**
 * A textual SQL statement or fragment. `:name` marks a bound parameter; values are always
 * sent separately from the SQL, never spliced in. A parameter left without a value must be
 * given at execution, or execution raises before anything is sent. It can also stand as a
 * WHERE criterion: `select(users).where(text("id > :n"))`.
 * @example
 * const stmt = text("SELECT id, name FROM users WHERE is_active = :active").columns({ id: Integer, name: String() });
 * (await conn.execute(stmt, { active: true })).all(); // { id: number | null; name: string | null }[]
 */
export class TextClause<Row = Record<string, unknown>> extends ClauseElement {
  readonly kind = "text";
  declare readonly __row?: Row;
  constructor(
    readonly text: string,
    /** @internal One parameter object per distinct name, bound or not. */
    readonly _binds: ReadonlyMap<string, BindParameter<any>>,
    /** Declared result columns, in order; null: use the driver's column names untyped. */
    readonly resultTypes: ResultTypes | null,
    /** @internal */ readonly _parsed: ParsedText,
  ) {
    super();
  }
  /** Values bound on the statement itself (`bindparams`), by name. */
  get boundValues(): Readonly<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [k, b] of this._binds) if (b.value !== undefined) out[k] = b.value;
    return out;
  }
  /** Parameter names, in order of first appearance. */
  get paramNames(): readonly string[] {
    return [...this._binds.keys()];
  }
  /**
   * Binds values (and optionally types) on the statement (SQLAlchemy: `bindparams`). A type
   * converts the value like a column of that type would (JSON, DateTime, Boolean on MySQL…).
   * @example text("SELECT * FROM t WHERE created > :since").bindparams({ since: date }, { since: DateTime })
   */
  bindparams(values: Record<string, unknown>, types?: Record<string, TypeEngine<any>>): TextClause<Row> {
    const binds = new Map(this._binds);
    for (const k of [...Object.keys(values), ...Object.keys(types ?? {})]) {
      const old = binds.get(k);
      if (!old) {
        throw new ArgumentError(
          `This text() construct doesn't define a bound parameter '${k}'. Its parameters are: ${[...this._binds.keys()].join(", ") || "(none)"}.`,
          "ATH-BIND",
        );
      }
      const value = Object.prototype.hasOwnProperty.call(values, k) ? values[k] : old.value;
      const type =
        types?.[k] ?? (old.type !== NULLTYPE ? old.type : value !== undefined ? inferType(value) : NULLTYPE);
      if (value !== undefined && value !== null) {
        const problem = valueProblem(type, value);
        if (problem)
          throw new ArgumentError(`Bad value for text() parameter '${k}': ${problem}.`, "ATH-VALUE");
      }
      binds.set(k, new BindParameter(k, value, type));
    }
    return new TextClause<Row>(this.text, binds, this.resultTypes, this._parsed);
  }
  /** Declares the result columns and their types, which types the rows (SQLAlchemy: `TextClause.columns`). */
  columns<const Cols extends ResultTypes>(
    cols: Cols,
  ): TextClause<{ -readonly [K in keyof Cols]: TypeValue<Cols[K]> | null }> {
    return new TextClause<any>(this.text, this._binds, cols, this._parsed);
  }
  _compile(c: SqlCompiler): string {
    return c.visitText(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("txt");
    k.str(this.text);
    for (const b of this._binds.values()) b._ck(k);
    resultTypesKey(k, this.resultTypes);
  }
}

function resultTypesKey(k: CacheKeyBuilder, types: ResultTypes | null): void {
  if (types === null) {
    k.s("~");
    return;
  }
  const keys = Object.keys(types);
  k.n(keys.length);
  for (const key of keys) {
    k.str(key);
    k.type(types[key]!);
  }
}

/** A textual statement or fragment with `:name` parameters. */
export function text(sqlText: string): TextClause {
  if (typeof sqlText !== "string") throw new ArgumentError("text() takes a string of SQL.", "ATH-ARG");
  const parsed = parseTextParams(sqlText);
  const binds = new Map<string, BindParameter<any>>();
  for (const name of parsed.names)
    if (!binds.has(name)) binds.set(name, new BindParameter(name, undefined, NULLTYPE));
  return new TextClause(sqlText, binds, null, parsed);
}

/** An identifier to be quoted, for the `sql` template (values are never identifiers). */
export class Identifier extends ClauseElement {
  readonly kind = "identifier";
  constructor(readonly parts: readonly string[]) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitIdentifier(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("id");
    k.n(this.parts.length);
    for (const p of this.parts) k.str(p);
  }
}

/** Marks a string as an identifier (table or column name) in a `sql` template; it is quoted, never bound. */
export function identifier(...parts: string[]): Identifier {
  if (parts.length === 0 || parts.some((p) => typeof p !== "string" || p === "")) {
    throw new ArgumentError(
      "identifier() takes one or more non-empty names, e.g. identifier('public', 'users').",
      "ATH-ARG",
    );
  }
  return new Identifier(parts);
}

/** Raw SQL text spliced into a `sql` template; only for trusted, constant text. */
export class RawSql extends ClauseElement {
  readonly kind = "raw";
  constructor(readonly sqlText: string) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitRaw(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("raw");
    k.str(this.sqlText);
  }
}
/** Trusted SQL text for a `sql` template (never user input: it is not escaped). */
export function raw(sqlText: string): RawSql {
  return new RawSql(sqlText);
}

/** A column expression given as SQL text (SQLAlchemy: `literal_column`); its row key is the text. */
export class LiteralColumn<T = unknown> extends ColumnElement<T> {
  readonly kind = "literal_column";
  constructor(
    readonly sqlText: string,
    readonly type: TypeEngine<any>,
  ) {
    super();
  }
  override get key(): string {
    return this.sqlText;
  }
  _compile(c: SqlCompiler): string {
    return c.visitRaw(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("lc");
    k.str(this.sqlText);
    k.type(this.type);
  }
}
/** Trusted SQL text used as a column expression. @example select(literalColumn("1", Integer).label("one")) */
export function literalColumn<T = unknown>(sqlText: string, type?: TypeEngine<T>): LiteralColumn<T> {
  return new LiteralColumn<T>(sqlText, type ?? NULLTYPE);
}

/** A parenthesised list of values in a `sql` template: `${[1, 2, 3]}` → `(?, ?, ?)`. @internal */
export class ValueList extends ClauseElement {
  readonly kind = "value_list";
  constructor(readonly items: readonly ColumnElement<any>[]) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitValueList(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("vl");
    k.list(this.items);
  }
}

/** A statement or fragment built by the `sql` tagged template. */
export class SqlFragment<Row = Record<string, unknown>> extends ColumnElement<unknown> {
  readonly kind = "sql_fragment";
  readonly type = NULLTYPE;
  declare readonly __row?: Row;
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly ClauseElement[],
    readonly resultTypes: ResultTypes | null = null,
  ) {
    super();
  }
  /** Declares the result columns and their types, as `text().columns()`. */
  columns<const Cols extends ResultTypes>(
    cols: Cols,
  ): SqlFragment<{ -readonly [K in keyof Cols]: TypeValue<Cols[K]> | null }> {
    return new SqlFragment<any>(this.strings, this.values, cols);
  }
  _compile(c: SqlCompiler): string {
    return c.visitSqlFragment(this);
  }
  override _ck(k: CacheKeyBuilder): void {
    k.s("sql");
    k.n(this.strings.length);
    for (const s of this.strings) k.str(s);
    k.list(this.values);
    resultTypesKey(k, this.resultTypes);
  }
}

function templateValue(v: unknown): ClauseElement {
  if (v instanceof ClauseElement) return v;
  if (v === undefined)
    throw new ArgumentError("A sql`` template got undefined; use null for SQL NULL.", "ATH-VALUE");
  if (Array.isArray(v)) {
    if (v.length === 0)
      throw new ArgumentError(
        "A sql`` template got an empty array; an empty list has no SQL form.",
        "ATH-VALUE",
      );
    return new ValueList(v.map((x) => templateValue(x) as ColumnElement<any>));
  }
  if (typeof v === "function" || typeof v === "symbol")
    throw new ArgumentError(`A sql\`\` template can't bind ${describeValue(v)}.`, "ATH-VALUE");
  return new BindParameter(null, v, inferType(v));
}

/**
 * Tagged template: every interpolated value is a bound parameter (an array becomes a
 * parenthesised list of parameters); identifiers must be marked with `identifier()`;
 * expressions and nested `sql` fragments are compiled in place.
 * @example await conn.execute(sql`SELECT * FROM ${identifier("users")} WHERE name = ${name}`)
 */
export function sql<Row = Record<string, unknown>>(
  strings: TemplateStringsArray,
  ...values: unknown[]
): SqlFragment<Row> {
  return new SqlFragment<Row>([...strings], values.map(templateValue));
}
