/**
 * The base SQL compiler (SQLAlchemy: `SQLCompiler`). It walks an expression tree and
 * writes ANSI-ish SQL; each dialect subclasses it and overrides only what differs
 * (placeholders, quoting, ILIKE, boolean literals, LIMIT syntax, …).
 *
 * One compiler instance compiles one statement; it is cheap to create.
 */
import { CompileError, UnsupportedFeatureError } from "../util/errors.js";
import type { BindSlot, CompiledStatement, ResultColumn, StatementKind } from "./compiled.js";
import {
  Between,
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  BooleanConstant,
  Cast,
  Collate,
  ColumnClause,
  ColumnElement,
  FunctionCall,
  type ColumnDefault,
  InExpression,
  Label,
  LikeExpression,
  NullElement,
  OrderByElement,
  UnaryExpression,
  type ClauseElement,
} from "./elements.js";
import type { Delete, Insert, Update } from "./dml.js";
import type { StarElement } from "./functions.js";
import { Alias, Exists, Join, ScalarSelect, Select, SelectAsFrom, TableClause, type ForUpdateOptions } from "./selectable.js";
import type { Identifier, RawSql, SqlFragment, TextClause } from "./text.js";
import type { TypeCompiler } from "./type-compiler.js";
import type { TypeEngine } from "./types/type-engine.js";
import type { CompilerDialect } from "./visitor.js";

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
}

/** Precedence of binary operators, to parenthesise only where needed. */
const PRECEDENCE: Record<string, number> = {
  OR: 1,
  AND: 2,
  NOT: 3,
  "=": 5,
  "<>": 5,
  "<": 5,
  ">": 5,
  "<=": 5,
  ">=": 5,
  "IS NULL": 5,
  "IS NOT NULL": 5,
  "||": 6,
  "+": 7,
  "-": 7,
  "*": 8,
  "/": 8,
  "%": 8,
};

export class SqlCompiler {
  /** Bound parameters in positional order. */
  readonly binds: BindSlot[] = [];
  /** Counter for anonymous alias names. */
  private anonAliases = new Map<Alias<any>, string>();
  /** Nesting depth of SELECTs; > 0 inside subqueries. */
  protected selectDepth = 0;
  protected resultColumns: ResultColumn[] | null = null;
  protected statementKind: StatementKind = "select";

  constructor(
    readonly dialect: StatementCompilerDialect,
    readonly options: CompileOptions = {},
  ) {}

  /** Compiles a whole statement. */
  compileStatement(stmt: ClauseElement): CompiledStatement {
    const sql = this.process(stmt);
    return {
      sql,
      binds: this.binds,
      resultColumns: this.resultColumns,
      kind: this.statementKind,
      returnsRows: this.resultColumns !== null || this.statementKind === "select" || this.statementKind === "text",
      dialect: this.dialect.name,
    };
  }

  process(node: ClauseElement): string {
    return node._compile(this);
  }

  // ---- hooks for dialects ----

  /** Placeholder for the `index`-th (0-based) parameter: `?` here, `$n` on PostgreSQL. */
  placeholder(_index: number): string {
    return "?";
  }
  quote(name: string): string {
    return this.dialect.quoteIdentifier(name);
  }
  /** A literal value inlined in SQL (literalBinds mode and DDL). */
  renderLiteral(value: unknown, _type: TypeEngine<any> | null): string {
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "number" || typeof value === "bigint") return String(value);
    if (typeof value === "boolean") return value ? "true" : "false";
    if (value instanceof Date) return "'" + value.toISOString().replace("T", " ").replace("Z", "") + "'";
    if (typeof value === "string") return "'" + value.replace(/'/g, "''") + "'";
    throw new CompileError(`Don't know how to render a literal ${typeof value} value; pass it as a bound parameter instead.`);
  }

  // ---- leaves ----

  visitBindParameter(b: BindParameter<any>): string {
    if (this.options.literalBinds && b.value !== undefined) return this.renderLiteral(b.value, b.type);
    const key = b.name ?? `param_${this.binds.length + 1}`;
    this.binds.push({ key, value: b.value, hasValue: b.value !== undefined, type: b.type });
    return this.placeholder(this.binds.length - 1);
  }
  visitColumn(c: ColumnClause<any>): string {
    const t = c.table;
    if (t === null) return this.quote(c.name);
    return this.fromPrefix(t) + "." + this.quote(c.name);
  }
  /** The name a column is qualified with: the table (with schema) or the alias. */
  protected fromPrefix(t: ClauseElement): string {
    if (t instanceof TableClause) return t.schema ? this.quote(t.schema) + "." + this.quote(t.name) : this.quote(t.name);
    if (t instanceof Alias) return this.quote(this.aliasName(t));
    throw new CompileError(`Cannot qualify a column with a ${t.kind}.`);
  }
  visitTable(t: TableClause<any, any>): string {
    return this.fromPrefix(t);
  }
  visitAlias(a: Alias<any>): string {
    const inner = a.element instanceof TableClause ? this.process(a.element) : this.process(a.element);
    return inner + " AS " + this.quote(this.aliasName(a));
  }
  protected aliasName(a: Alias<any>): string {
    if (a.name) return a.name;
    let n = this.anonAliases.get(a);
    if (!n) {
      n = `anon_${this.anonAliases.size + 1}`;
      this.anonAliases.set(a, n);
    }
    return n;
  }
  visitNull(_n: NullElement): string {
    return "NULL";
  }
  visitBooleanConstant(b: BooleanConstant): string {
    return b.value ? "true" : "false";
  }
  visitStar(_s: StarElement): string {
    return "*";
  }
  visitIdentifier(i: Identifier): string {
    return i.parts.map((p) => this.quote(p)).join(".");
  }
  visitRaw(r: RawSql): string {
    return r.sqlText;
  }

  // ---- expressions ----

  /** Compiles `e`, parenthesised if it binds looser than `outer`. */
  protected operand(e: ColumnElement<any>, outer: number): string {
    const s = this.process(e);
    const p = precedenceOf(e);
    return p !== null && p < outer ? "(" + s + ")" : s;
  }
  visitBinary(b: BinaryExpression<any>): string {
    const p = PRECEDENCE[b.operator] ?? 5;
    if (b.operator === "||") return this.visitConcat(b);
    // Right operand at p+1 keeps `a - (b - c)` correct.
    return this.operand(b.left, p) + " " + b.operator + " " + this.operand(b.right, p + 1);
  }
  /** String concatenation; MySQL overrides with CONCAT(). */
  protected visitConcat(b: BinaryExpression<any>): string {
    return this.operand(b.left, 6) + " || " + this.operand(b.right, 7);
  }
  visitUnary(u: UnaryExpression<any>): string {
    if (u.operator === "NOT") return "NOT " + this.operand(u.element, 3);
    if (u.operator !== null) return u.operator + this.operand(u.element, 9);
    return this.operand(u.element, 6) + " " + u.modifier;
  }
  visitBooleanList(l: BooleanClauseList): string {
    if (l.clauses.length === 0) {
      // and() of nothing is true, or() of nothing is false (SQLAlchemy renders these too).
      return this.visitBooleanConstant(new BooleanConstant(l.operator === "AND"));
    }
    const p = PRECEDENCE[l.operator]!;
    return l.clauses.map((c) => this.operand(c, p + 1)).join(" " + l.operator + " ");
  }
  visitIn(e: InExpression): string {
    const left = this.operand(e.left, 5);
    if (Array.isArray(e.right)) {
      const items = e.right as readonly ColumnElement<any>[];
      if (items.length === 0) return this.emptyIn(e.negate);
      return left + (e.negate ? " NOT IN (" : " IN (") + items.map((i) => this.process(i)).join(", ") + ")";
    }
    return left + (e.negate ? " NOT IN (" : " IN (") + this.processSubquery(e.right as ClauseElement) + ")";
  }
  /** An empty IN list: always false (NOT IN: always true), as SQLAlchemy renders it. */
  protected emptyIn(negate: boolean): string {
    return negate ? "(1 = 1)" : "(1 != 1)";
  }
  visitBetween(b: Between): string {
    return (
      this.operand(b.element, 5) + (b.negate ? " NOT BETWEEN " : " BETWEEN ") + this.operand(b.low, 6) + " AND " + this.operand(b.high, 6)
    );
  }
  visitLike(l: LikeExpression): string {
    let s: string;
    if (l.mode === "ilike") s = this.renderIlike(l);
    else s = this.operand(l.left, 5) + (l.negate ? " NOT LIKE " : " LIKE ") + this.operand(l.pattern, 6);
    if (l.escape !== null) s += " ESCAPE " + this.renderLiteral(l.escape, null);
    return s;
  }
  /** Case-insensitive LIKE where the database has no ILIKE: lower() on both sides. */
  protected renderIlike(l: LikeExpression): string {
    return "lower(" + this.process(l.left) + ")" + (l.negate ? " NOT LIKE " : " LIKE ") + "lower(" + this.process(l.pattern) + ")";
  }
  visitCollate(c: Collate<any>): string {
    return this.operand(c.element, 9) + " COLLATE " + this.quote(c.collation);
  }
  visitLabel(l: Label<any, any>): string {
    return this.process(l.element);
  }
  visitCast(c: Cast<any>): string {
    return "CAST(" + this.process(c.element) + " AS " + this.dialect.typeCompiler.process(c.type) + ")";
  }
  visitFunction(f: FunctionCall<any, any>): string {
    return this.functionName(f.name) + "(" + (f.distinct ? "DISTINCT " : "") + f.args.map((a) => this.process(a)).join(", ") + ")";
  }
  /** The SQL name of a function (dialects map `now` → `CURRENT_TIMESTAMP`, etc.). */
  protected functionName(name: string): string {
    return name;
  }
  visitOrderBy(o: OrderByElement): string {
    let s = this.process(o.element);
    if (o.direction) s += " " + o.direction;
    if (o.nulls) s += " NULLS " + o.nulls;
    return s;
  }
  visitText(t: TextClause<any>): string {
    if (this.selectDepth === 0) {
      this.statementKind = "text";
      if (t.resultTypes) this.resultColumns = Object.entries(t.resultTypes).map(([key, type]) => ({ key, type }));
    }
    const { chunks, names } = t._parsed;
    let s = chunks[0]!;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const has = Object.prototype.hasOwnProperty.call(t.boundValues, name);
      const type = t.bindTypes[name] ?? null;
      if (this.options.literalBinds && has) s += this.renderLiteral(t.boundValues[name], type);
      else {
        this.binds.push({ key: name, value: has ? t.boundValues[name] : undefined, hasValue: has, type });
        s += this.placeholder(this.binds.length - 1);
      }
      s += chunks[i + 1]!;
    }
    return s;
  }
  visitSqlFragment(f: SqlFragment<any>): string {
    if (this.selectDepth === 0 && this.statementKind === "select") this.statementKind = "text";
    let s = f.strings[0]!;
    for (let i = 0; i < f.values.length; i++) s += this.process(f.values[i]!) + f.strings[i + 1]!;
    return s;
  }

  // ---- SELECT ----

  protected processSubquery(e: ClauseElement): string {
    this.selectDepth++;
    try {
      return this.process(e);
    } finally {
      this.selectDepth--;
    }
  }
  visitScalarSelect(s: ScalarSelect<any>): string {
    return "(" + this.processSubquery(s.select) + ")";
  }
  visitExists(e: Exists): string {
    return "EXISTS (" + this.processSubquery(e.select) + ")";
  }
  visitSelectAsFrom(s: SelectAsFrom): string {
    return "(" + this.processSubquery(s.select) + ")";
  }
  visitJoin(j: Join): string {
    const kw = j.full ? " FULL OUTER JOIN " : j.isOuter ? " LEFT OUTER JOIN " : " JOIN ";
    return this.process(j.left) + kw + this.process(j.right) + " ON " + this.process(j.onclause);
  }
  visitSelect(sel: Select<any, any>): string {
    const s = sel._s;
    const top = this.selectDepth === 0;
    const cols = sel.selectedColumns();
    if (top) {
      this.statementKind = "select";
      this.resultColumns = resultColumnsFor(cols);
    }
    let sql = "SELECT ";
    if (s.distinct) sql += "DISTINCT ";
    sql += cols.map((c) => this.selectColumn(c, top)).join(", ");
    const froms = [...s.froms, ...sel.implicitFroms()];
    if (froms.length) sql += " FROM " + froms.map((f) => this.process(f)).join(", ");
    else sql += this.emptyFrom();
    if (s.where) sql += " WHERE " + this.process(s.where);
    if (s.groupBy.length) sql += " GROUP BY " + s.groupBy.map((g) => this.process(g)).join(", ");
    if (s.having) sql += " HAVING " + this.process(s.having);
    if (s.orderBy.length) sql += " ORDER BY " + s.orderBy.map((o) => this.process(o)).join(", ");
    sql += this.limitClause(s.limit, s.offset);
    if (s.forUpdate) sql += this.forUpdateClause(s.forUpdate);
    return sql;
  }
  /** A selected column; in a subquery it is labelled with its key so the outer query can name it. */
  protected selectColumn(c: ColumnElement<any>, top: boolean): string {
    const s = this.process(c);
    if (c instanceof Label) return s + " AS " + this.quote(c.name);
    if (!top && !(c instanceof ColumnClause && c.name === c.key)) return s + " AS " + this.quote(c.key);
    return s;
  }
  /** FROM-less SELECT: nothing in standard SQL; MySQL's old versions want nothing either. */
  protected emptyFrom(): string {
    return "";
  }
  protected limitClause(limit: ColumnElement<any> | null, offset: ColumnElement<any> | null): string {
    let s = "";
    if (limit) s += " LIMIT " + this.process(limit);
    if (offset) s += " OFFSET " + this.process(offset);
    return s;
  }
  protected forUpdateClause(o: ForUpdateOptions): string {
    let s = o.read ? " FOR SHARE" : " FOR UPDATE";
    if (o.of?.length) s += " OF " + o.of.map((x) => (x instanceof TableClause ? this.process(x) : this.process(x))).join(", ");
    if (o.nowait) s += " NOWAIT";
    if (o.skipLocked) s += " SKIP LOCKED";
    return s;
  }

  // ---- DML ----

  visitInsert(ins: Insert<any, any>): string {
    this.statementKind = "insert";
    const st = ins._state;
    const table = ins.table;
    let sql = "INSERT INTO " + this.process(table);
    if (st.fromSelect) {
      sql += " (" + st.fromSelect.columns.map((c) => this.quote(c.name)).join(", ") + ") " + this.processSubquery(st.fromSelect.select);
    } else if (st.rows.length === 0) {
      // Values come from the execution parameters (one set, or many: executemany).
      const given = (this.options.paramKeys ?? []).map((k) => this.columnFor(table, k, "insert"));
      const defaulted = table.columns.filter((c: ColumnClause<any>) => c.insertDefault && !given.includes(c));
      const cols = [...given, ...defaulted];
      if (cols.length === 0) sql += this.defaultValues();
      else {
        sql += " (" + cols.map((c) => this.quote(c.name)).join(", ") + ") VALUES (";
        sql += cols.map((c) => (given.includes(c) ? this.paramFor(c) : this.renderDefault(c, c.insertDefault!))).join(", ") + ")";
      }
    } else {
      // Column list: every column that any row sets or that has a client-side default, in table order.
      const used = table.columns.filter((c: ColumnClause<any>) => c.insertDefault || st.rows.some((r) => r.has(c)));
      if (used.length === 0) sql += this.defaultValues();
      else {
        sql += " (" + used.map((c: ColumnClause<any>) => this.quote(c.name)).join(", ") + ") VALUES ";
        sql += st.rows
          .map(
            (r) =>
              "(" +
              used
                .map((c: ColumnClause<any>) => {
                  const v = r.get(c);
                  if (v) return this.process(v);
                  return c.insertDefault ? this.renderDefault(c, c.insertDefault) : "DEFAULT";
                })
                .join(", ") +
              ")",
          )
          .join(", ");
      }
    }
    sql += this.returningClause(ins);
    return sql;
  }
  /** Renders a column's client-side default: a constant or per-row function as a parameter, an expression inline. */
  protected renderDefault(c: ColumnClause<any>, d: ColumnDefault): string {
    if (d.kind === "expr") return this.process(d.expr);
    if (d.kind === "value") {
      if (this.options.literalBinds) return this.renderLiteral(d.value, c.type);
      this.binds.push({ key: c.key, value: d.value, hasValue: true, type: c.type });
    } else {
      this.binds.push({ key: c.key, value: undefined, hasValue: false, type: c.type, compute: d.fn });
    }
    return this.placeholder(this.binds.length - 1);
  }
  /** An INSERT with no column values. */
  protected defaultValues(): string {
    return " DEFAULT VALUES";
  }
  protected columnFor(t: TableClause<any, any>, key: string, what: string): ColumnClause<any> {
    const col = (t.c as Record<string, ColumnClause<any>>)[key];
    if (!col) throw new CompileError(`Unconsumed column name '${key}' in the ${what} parameters for table '${t.name}'.`, "ATH-COLUMN");
    return col;
  }
  /** A parameter filled from execution parameters by the column's key. */
  protected paramFor(c: ColumnClause<any>): string {
    this.binds.push({ key: c.key, value: undefined, hasValue: false, type: c.type });
    return this.placeholder(this.binds.length - 1);
  }
  visitUpdate(u: Update<any, any>): string {
    this.statementKind = "update";
    let sets: string[];
    if (u._state.values && u._state.values.size) {
      sets = [...u._state.values].map(([c, v]) => this.quote(c.name) + " = " + this.process(v));
    } else if (this.options.paramKeys?.length) {
      sets = this.options.paramKeys.map((k) => {
        const c = this.columnFor(u.table, k, "update");
        return this.quote(c.name) + " = " + this.paramFor(c);
      });
    } else throw new CompileError(`update() on table '${u.table.name}' has no values to SET. Call .values({...}).`, "ATH-UPDATE-EMPTY");
    // Columns with an onupdate default that the statement does not set.
    const setCols = new Set<ColumnClause<any>>(u._state.values ? u._state.values.keys() : []);
    for (const k of this.options.paramKeys ?? []) {
      const c = (u.table.c as Record<string, ColumnClause<any>>)[k];
      if (c) setCols.add(c);
    }
    for (const c of u.table.columns as readonly ColumnClause<any>[]) {
      if (c.updateDefault && !setCols.has(c)) sets.push(this.quote(c.name) + " = " + this.renderDefault(c, c.updateDefault));
    }
    let sql = "UPDATE " + this.process(u.table) + " SET " + sets.join(", ");
    if (u._state.where) sql += " WHERE " + this.process(u._state.where);
    sql += this.returningClause(u);
    return sql;
  }
  visitDelete(d: Delete<any, any>): string {
    this.statementKind = "delete";
    let sql = "DELETE FROM " + this.process(d.table);
    if (d._state.where) sql += " WHERE " + this.process(d._state.where);
    sql += this.returningClause(d);
    return sql;
  }
  protected returningClause(stmt: Insert<any, any> | Update<any, any> | Delete<any, any>): string {
    if (stmt._returning.length === 0) return "";
    const kind = stmt.kind as "insert" | "update" | "delete";
    const flag = kind === "insert" ? "supportsInsertReturning" : kind === "update" ? "supportsUpdateReturning" : "supportsDeleteReturning";
    if (!this.dialect.capabilities[flag]) {
      throw new UnsupportedFeatureError(`RETURNING on ${kind.toUpperCase()}`, this.dialect.name, "Select the rows in a separate statement instead.");
    }
    const cols = stmt.returningColumns();
    this.resultColumns = resultColumnsFor(cols);
    return " RETURNING " + cols.map((c) => this.selectColumn(c, true)).join(", ");
  }
}

function precedenceOf(e: ColumnElement<any>): number | null {
  if (e instanceof BinaryExpression) return PRECEDENCE[e.operator] ?? 5;
  if (e instanceof BooleanClauseList) return e.clauses.length > 1 ? PRECEDENCE[e.operator]! : null;
  if (e instanceof UnaryExpression) return e.operator === "NOT" ? 3 : e.modifier ? 5 : null;
  if (e instanceof InExpression || e instanceof Between || e instanceof LikeExpression) return 5;
  return null;
}

/** Result keys for selected columns; a repeated key gets `_1`, `_2`… (SQLAlchemy's disambiguation). */
export function resultColumnsFor(cols: readonly ColumnElement<any>[]): ResultColumn[] {
  const seen = new Map<string, number>();
  return cols.map((c) => {
    let key = c.key;
    const n = seen.get(key);
    if (n !== undefined) {
      seen.set(key, n + 1);
      key = `${key}_${n + 1}`;
    } else seen.set(key, 0);
    return { key, type: c.type };
  });
}
