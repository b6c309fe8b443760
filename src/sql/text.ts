/**
 * Literal SQL with named parameters (SQLAlchemy: `text()`), and the `sql` tagged template.
 */
import { ArgumentError } from "../util/errors.js";
import type { SqlCompiler } from "./compiler.js";
import { ClauseElement, coerce, ColumnElement, inferType } from "./elements.js";
import type { TypeEngine, TypeValue } from "./types/type-engine.js";
import { NULLTYPE } from "./types/type-engine.js";

/** A `:name` placeholder, not preceded by another colon (so PostgreSQL's `::cast` is left alone). */
const PARAM_RE = /(?<![:\w\\]):([A-Za-z_][A-Za-z0-9_]*)(?![:\w])/g;

/** Splits text once into literal chunks and parameter names; chunks alternate with names. @internal */
export function parseTextParams(sqlText: string): { chunks: string[]; names: string[] } {
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
  return { chunks: chunks.map((c) => c.replace(/\\:/g, ":")), names };
}

/**
 * A textual SQL statement. `:name` marks a bound parameter; values are always sent
 * separately from the SQL, never spliced in.
 * @example
 * const stmt = text("SELECT id, name FROM users WHERE is_active = :active").columns({ id: Integer, name: String() });
 * (await conn.execute(stmt, { active: true })).all(); // { id: number; name: string }[]
 */
export class TextClause<Row = Record<string, unknown>> extends ClauseElement {
  readonly kind = "text";
  declare readonly __row?: Row;
  /** @internal */ readonly _parsed: { chunks: string[]; names: string[] };
  constructor(
    readonly text: string,
    /** Values bound on the statement itself (`bindparams`). */
    readonly boundValues: Readonly<Record<string, unknown>> = {},
    /** Types of bound parameters, by name. */
    readonly bindTypes: Readonly<Record<string, TypeEngine<any>>> = {},
    /** Declared result columns, in order; null: use the driver's column names untyped. */
    readonly resultTypes: Readonly<Record<string, TypeEngine<any>>> | null = null,
    parsed?: { chunks: string[]; names: string[] },
  ) {
    super();
    this._parsed = parsed ?? parseTextParams(text);
  }
  /** Binds values (and optionally types) on the statement (SQLAlchemy: `bindparams`). */
  bindparams(values: Record<string, unknown>, types?: Record<string, TypeEngine<any>>): TextClause<Row> {
    for (const k of Object.keys(values)) {
      if (!this._parsed.names.includes(k)) {
        throw new ArgumentError(
          `This text() construct doesn't define a bound parameter '${k}'. Its parameters are: ${[...new Set(this._parsed.names)].join(", ") || "(none)"}.`,
          "ATH-BIND",
        );
      }
    }
    return new TextClause<Row>(this.text, { ...this.boundValues, ...values }, { ...this.bindTypes, ...types }, this.resultTypes, this._parsed);
  }
  /** Declares the result columns and their types, which types the rows (SQLAlchemy: `TextClause.columns`). */
  columns<const Cols extends Record<string, TypeEngine<any>>>(cols: Cols): TextClause<{ [K in keyof Cols]: TypeValue<Cols[K]> | null }> {
    return new TextClause<any>(this.text, this.boundValues, this.bindTypes, cols, this._parsed);
  }
  _compile(c: SqlCompiler): string {
    return c.visitText(this);
  }
}

export function text(sqlText: string): TextClause {
  return new TextClause(sqlText);
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
}

/** Marks a string as an identifier (table or column name) in a `sql` template; it is quoted, never bound. */
export function identifier(...parts: string[]): Identifier {
  if (parts.length === 0 || parts.some((p) => typeof p !== "string" || p === "")) {
    throw new ArgumentError("identifier() takes one or more non-empty names, e.g. identifier('public', 'users').");
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
}
export function raw(sqlText: string): RawSql {
  return new RawSql(sqlText);
}

/** A statement built by the `sql` tagged template. */
export class SqlFragment<Row = Record<string, unknown>> extends ColumnElement<unknown> {
  readonly kind = "sql_fragment";
  readonly type = NULLTYPE;
  declare readonly __row?: Row;
  constructor(
    readonly strings: readonly string[],
    readonly values: readonly ClauseElement[],
  ) {
    super();
  }
  _compile(c: SqlCompiler): string {
    return c.visitSqlFragment(this);
  }
}

/**
 * Tagged template: every interpolated value is a bound parameter; identifiers must be
 * marked with `identifier()`, expressions and nested `sql` fragments are compiled in place.
 * @example await conn.execute(sql`SELECT * FROM ${identifier("users")} WHERE name = ${name}`)
 */
export function sql<Row = Record<string, unknown>>(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment<Row> {
  const nodes = values.map((v) => (v instanceof ClauseElement ? v : coerce(v, inferType(v))));
  return new SqlFragment<Row>([...strings], nodes);
}
