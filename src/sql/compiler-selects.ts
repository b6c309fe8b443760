/**
 * The SELECT layer of the SQL compiler: FROM lists with correlation, joins, subqueries,
 * CTEs, compound SELECTs, LIMIT/OFFSET and locking.
 *
 * Correlation follows SQLAlchemy (`_display_froms_for_select`): a SELECT nested in an
 * expression drops the FROMs its enclosing SELECT already has when it has more than one
 * FROM (or when told to with `correlate()`); a subquery in FROM never correlates
 * implicitly, a LATERAL one does.
 */
import { CompileError, UnsupportedFeatureError } from "../util/errors.js";
import { ClauseElement, ColumnClause, ColumnElement, FromClause } from "./base.js";
import { ExpressionCompiler } from "./compiler-expressions.js";
import type { CTE, CteAlias } from "./cte.js";
import { exportedKeys, Join, Lateral, TableClause, type Alias, type Subquery } from "./from-clauses.js";
import { joinLeaves } from "./joins.js";
import { Label } from "./operators.js";
import {
  CompoundSelect,
  SelectBase,
  type CompoundKeyword,
  type Exists,
  type ScalarSelect,
} from "./select-base.js";
import { Select, type ForUpdateOptions } from "./select.js";
import type { LabelReference } from "./select-base.js";

/** How a SELECT is being compiled: it decides correlation and column labels. */
type SelectMode = "top" | "expr" | "from" | "lateral" | "insert";

interface StackEntry {
  /** FROMs of the immediately enclosing SELECT (implicit correlation). */
  readonly asfrom: ReadonlySet<FromClause>;
  /** FROMs of every enclosing SELECT (explicit correlation). */
  readonly correlate: ReadonlySet<FromClause>;
}

interface CteEntry {
  readonly cte: CTE<any>;
  readonly sql: string;
}

const EMPTY: StackEntry = { asfrom: new Set(), correlate: new Set() };

export class SelectCompiler extends ExpressionCompiler {
  private stack: StackEntry[] = [];
  private pendingMode: SelectMode | null = null;
  /** CTEs of each statement level, rendered as its WITH clause; innermost last. */
  private cteScopes: Map<CTE<any>, CteEntry>[] = [];
  private ctesInProgress = new Set<CTE<any>>();

  /** Compiles a SELECT or compound SELECT in a given role. */
  protected compileSelectable(stmt: ClauseElement, mode: SelectMode): string {
    this.pendingMode = mode;
    try {
      return this.process(stmt);
    } finally {
      this.pendingMode = null;
    }
  }
  private takeMode(): SelectMode {
    const m = this.pendingMode ?? (this.stack.length === 0 ? "top" : "expr");
    this.pendingMode = null;
    return m;
  }
  protected override processNested(e: ClauseElement): string {
    return e instanceof SelectBase ? this.compileSelectable(e, "expr") : this.process(e);
  }

  // ---- WITH ----

  /** Opens a statement level that collects CTEs; `close` returns the WITH prefix for them. */
  protected openCteScope(): void {
    this.cteScopes.push(new Map());
  }
  protected closeCteScope(): string {
    const scope = this.cteScopes.pop();
    if (!scope || scope.size === 0) return "";
    const recursive = [...scope.values()].some((e) => e.cte.recursive);
    return "WITH " + (recursive ? "RECURSIVE " : "") + [...scope.values()].map((e) => e.sql).join(", ") + " ";
  }
  /** Registers a CTE with the current statement level (compiling its newest definition once) and returns its name. */
  protected registerCte(cte: CTE<any>): string {
    const name = this.cteName(cte);
    const scope = this.cteScopes[this.cteScopes.length - 1];
    if (!scope) throw new CompileError(`CTE '${name}' is used outside of a statement.`);
    const root = cte.root;
    const existing = this.findCte(root);
    if (this.ctesInProgress.has(root) && (!existing || existing.cte.generation >= cte.generation))
      return name;
    if (existing && existing.cte.generation >= cte.generation) return name;
    this.ctesInProgress.add(root);
    const savedStack = this.stack;
    this.stack = [];
    try {
      let head = this.quote(name);
      if (cte.recursive) head += "(" + cte.columns.map((c) => this.quote(c.name)).join(", ") + ")";
      const sql = head + " AS (" + this.compileSelectable(cte.element, "from") + ")";
      // Dependencies registered while compiling the body come first in WITH.
      scope.delete(root);
      scope.set(root, { cte, sql });
    } finally {
      this.stack = savedStack;
      this.ctesInProgress.delete(root);
    }
    return name;
  }
  private findCte(root: CTE<any>): CteEntry | undefined {
    for (let i = this.cteScopes.length - 1; i >= 0; i--) {
      const e = this.cteScopes[i]!.get(root);
      if (e) return e;
    }
    return undefined;
  }
  visitCte(cte: CTE<any>): string {
    return this.quote(this.registerCte(cte));
  }
  visitCteAlias(a: CteAlias<any>): string {
    return this.quote(this.registerCte(a.cte)) + " AS " + this.quote(this.aliasName(a));
  }

  // ---- FROM ----

  visitTable(t: TableClause<any, any>): string {
    return this.fromPrefix(t);
  }
  visitAlias(a: Alias<any>): string {
    return this.process(a.element) + " AS " + this.quote(this.aliasName(a));
  }
  visitSubquery(s: Subquery<any>): string {
    const lateral = s instanceof Lateral;
    if (lateral) this.checkLateral();
    const body = this.compileSelectable(s.element, lateral ? "lateral" : "from");
    return (lateral ? "LATERAL " : "") + "(" + body + ") AS " + this.quote(this.aliasName(s));
  }
  /** LATERAL is refused where the database has none (SQLite). */
  protected checkLateral(): void {}
  visitJoin(j: Join): string {
    const kw = j.full ? " FULL OUTER JOIN " : j.isOuter ? " LEFT OUTER JOIN " : " JOIN ";
    const right = j.right instanceof Join ? "(" + this.process(j.right) + ")" : this.process(j.right);
    return this.process(j.left) + kw + right + " ON " + this.process(j.onclause);
  }
  visitProposedRow(_p: FromClause): string {
    throw new CompileError("An upsert's proposed row (excluded/inserted) is not a FROM clause.");
  }
  visitScalarSelect(s: ScalarSelect<any>): string {
    return "(" + this.compileSelectable(s.select, "expr") + ")";
  }
  visitExists(e: Exists): string {
    return "EXISTS (" + this.compileSelectable(e.select, "expr") + ")";
  }

  /** The FROMs a SELECT renders, after correlation (SQLAlchemy: `_get_display_froms`). */
  protected displayFroms(sel: Select<any, any>, mode: SelectMode): FromClause[] {
    let froms = sel.froms;
    const entry = this.stack[this.stack.length - 1] ?? EMPTY;
    const asFrom = mode === "from";
    const explicitCorrelate = asFrom ? difference(entry.correlate, entry.asfrom) : entry.correlate;
    const correlate = sel._s.correlate;
    if (correlate) {
      const wanted = new Set(correlate);
      froms = froms.filter((f) => !(explicitCorrelate.has(f) && wanted.has(f)));
    } else if (!asFrom && mode !== "insert" && entry.asfrom.size && froms.length > 1) {
      const kept = froms.filter((f) => !entry.asfrom.has(f));
      if (kept.length === 0) {
        throw new CompileError(
          "A SELECT nested in another returned no FROM clauses due to auto-correlation; " +
            "specify correlate(<tables>) to control correlation manually.",
          "ATH-CORRELATE",
        );
      }
      froms = kept;
    }
    return froms;
  }

  // ---- SELECT ----

  visitSelect(sel: Select<any, any>): string {
    const mode = this.takeMode();
    const isRoot = sel === this.root;
    const s = sel._s;
    const froms = this.displayFroms(sel, mode);
    const leaves = new Set<FromClause>();
    for (const f of froms) {
      leaves.add(f);
      for (const l of joinLeaves(f)) leaves.add(l);
    }
    const entry = this.stack[this.stack.length - 1] ?? EMPTY;
    this.stack.push({ asfrom: leaves, correlate: union(entry.correlate, leaves) });
    let sql: string;
    try {
      const cols = sel.exportedColumns();
      const keys = exportedKeys(cols);
      if (isRoot) {
        this.statementKind = "select";
        this.resultColumns = cols.map((c, i) => ({ key: keys[i]!, type: c.type }));
      }
      // Outer queries refer to a FROM subquery's columns by name; elsewhere names don't matter.
      const label = mode === "from" || mode === "lateral";
      sql = "SELECT ";
      if (s.distinct) sql += this.distinctClause(s.distinctOn);
      sql += cols.map((c, i) => this.selectColumn(c, keys[i]!, label)).join(", ");
      if (froms.length) sql += " FROM " + froms.map((f) => this.process(f)).join(", ");
      if (s.where) sql += " WHERE " + this.process(s.where);
      if (s.groupBy.length) sql += " GROUP BY " + s.groupBy.map((g) => this.process(g)).join(", ");
      if (s.having) sql += " HAVING " + this.process(s.having);
      if (s.orderBy.length) sql += " ORDER BY " + s.orderBy.map((o) => this.process(o)).join(", ");
      sql += this.limitClause(s.limit, s.offset);
      if (s.forUpdate) {
        this.plainRead = false;
        sql += this.forUpdateClause(s.forUpdate);
      }
    } finally {
      this.stack.pop();
    }
    return sql;
  }
  /** `DISTINCT ` or PostgreSQL's `DISTINCT ON (…) `. */
  protected distinctClause(on: readonly ColumnElement<any>[]): string {
    if (on.length)
      throw new UnsupportedFeatureError(
        "DISTINCT ON",
        this.dialect.name,
        "Use GROUP BY or a window function instead.",
      );
    return "DISTINCT ";
  }
  /**
   * A selected column. Where the outer query refers to it by name (subqueries, CTEs) it is
   * labelled with its key unless it already has that name; labels are always rendered.
   */
  protected selectColumn(c: ColumnElement<any>, key: string, label: boolean): string {
    const s = this.process(c);
    if (c instanceof Label) return s + " AS " + this.quote(label ? key : c.name);
    if (label && !(c instanceof ColumnClause && c.name === key)) return s + " AS " + this.quote(key);
    return s;
  }
  visitLabelReference(r: LabelReference): string {
    return this.quote(r.name);
  }
  protected limitClause(limit: ColumnElement<any> | null, offset: ColumnElement<any> | null): string {
    let s = "";
    if (limit) s += " LIMIT " + this.process(limit);
    if (offset) s += " OFFSET " + this.process(offset);
    return s;
  }
  /** PostgreSQL's locking clause; MySQL and SQLite override. */
  protected forUpdateClause(o: ForUpdateOptions): string {
    let s = o.read
      ? o.keyShare
        ? " FOR KEY SHARE"
        : " FOR SHARE"
      : o.keyShare
        ? " FOR NO KEY UPDATE"
        : " FOR UPDATE";
    if (o.of?.length) s += " OF " + this.lockTargets(o.of).join(", ");
    if (o.nowait) s += " NOWAIT";
    if (o.skipLocked) s += " SKIP LOCKED";
    return s;
  }
  /** The tables named by FOR UPDATE OF: tables as given, or the tables of given columns. */
  protected lockTargets(of: readonly (FromClause | ColumnElement<any>)[]): string[] {
    const names: string[] = [];
    for (const x of of) {
      const t = x instanceof FromClause ? x : x instanceof ColumnClause ? x.table : null;
      if (!t) throw new CompileError("FOR UPDATE OF takes tables or their columns.");
      const name = t instanceof TableClause ? this.quote(t.name) : this.fromPrefix(t);
      if (!names.includes(name)) names.push(name);
    }
    return names;
  }

  // ---- compound SELECT ----

  visitCompoundSelect(cs: CompoundSelect<any, any>): string {
    const mode = this.takeMode();
    const isRoot = cs === this.root;
    if (isRoot) {
      const cols = cs.exportedColumns();
      const keys = exportedKeys(cols);
      this.statementKind = "select";
      this.resultColumns = cols.map((c, i) => ({ key: keys[i]!, type: c.type }));
    }
    this.checkCompoundKeyword(cs.keyword);
    const memberMode: SelectMode = mode === "top" || mode === "insert" ? "insert" : mode;
    const parts = cs.selects.map((m) => this.compoundMember(m, memberMode));
    let sql = parts.join(" " + cs.keyword + " ");
    const s = cs._s;
    if (s.orderBy.length) {
      const saved = this.qualifyColumns;
      this.qualifyColumns = false;
      try {
        sql += " ORDER BY " + s.orderBy.map((o) => this.process(o)).join(", ");
      } finally {
        this.qualifyColumns = saved;
      }
    }
    sql += this.limitClause(s.limit, s.offset);
    return sql;
  }
  /** Refuses a compound keyword the database lacks (SQLite has no INTERSECT ALL / EXCEPT ALL). */
  protected checkCompoundKeyword(_keyword: CompoundKeyword): void {}
  /** A member of UNION & co.; one with its own ORDER BY/LIMIT, or a compound, is parenthesised. */
  protected compoundMember(m: SelectBase<any, any>, mode: SelectMode): string {
    const sql = this.compileSelectable(m, mode);
    return needsGrouping(m) ? this.groupCompoundMember(sql) : sql;
  }
  /** SQLite overrides: it has no parenthesised compound members. */
  protected groupCompoundMember(sql: string): string {
    return "(" + sql + ")";
  }
}

function needsGrouping(m: SelectBase<any, any>): boolean {
  if (m instanceof CompoundSelect) return true;
  if (m instanceof Select) return m._s.orderBy.length > 0 || m._s.limit !== null || m._s.offset !== null;
  return false;
}

function difference<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): Set<T> {
  const out = new Set<T>();
  for (const x of a) if (!b.has(x)) out.add(x);
  return out;
}
function union<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): Set<T> {
  const out = new Set(a);
  for (const x of b) out.add(x);
  return out;
}
