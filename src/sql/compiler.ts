/**
 * The base SQL compiler (SQLAlchemy: `SQLCompiler`): the statement entry point, textual
 * SQL, INSERT / UPDATE / DELETE and upserts. Expressions and SELECT are compiled by the
 * layers it extends (`compiler-expressions.ts`, `compiler-selects.ts`); each dialect
 * subclasses this class and overrides only what differs.
 *
 * One compiler instance compiles one statement; it is cheap to create.
 */
import { CompileError, UnsupportedFeatureError } from "../util/errors.js";
import {
  BindParameter,
  ClauseElement,
  ColumnClause,
  ColumnElement,
  FromClause,
  type ColumnDefault,
} from "./base.js";
import { MANY_VALUES_CLOSE, MANY_VALUES_OPEN, type CompiledWithLayout } from "./compiler-expressions.js";
import { SelectCompiler } from "./compiler-selects.js";
import type { Delete, Insert, Update, ValuesRow } from "./dml.js";
import type { TableClause } from "./from-clauses.js";
import { joinLeaves } from "./joins.js";
import type { Identifier, RawSql, SqlFragment, TextClause, ValueList, LiteralColumn } from "./text.js";
import type {
  OnConflictDoNothing,
  OnConflictDoUpdate,
  OnDuplicateKeyUpdate,
  ResolvedTarget,
} from "./upsert.js";
import { collectBindNames, collectFroms } from "./visitor.js";

export type { CompileOptions, StatementCompilerDialect, CompiledWithLayout } from "./compiler-expressions.js";
export { PRECEDENCE, precedenceOf } from "./precedence.js";

export class SqlCompiler extends SelectCompiler {
  /** Compiles a whole statement. */
  compileStatement(stmt: ClauseElement): CompiledWithLayout {
    this.root = stmt;
    this.openCteScope();
    const body = this.process(stmt);
    return this.finish(this.closeCteScope() + body);
  }

  // ---- textual SQL ----

  visitText(t: TextClause<any>): string {
    this.opaque = true;
    this.plainRead = false;
    if (t === this.root) {
      this.statementKind = "text";
      if (t.resultTypes)
        this.resultColumns = Object.entries(t.resultTypes).map(([key, type]) => ({ key, type }));
    }
    const { chunks, names } = t._parsed;
    let s = chunks[0]!;
    for (let i = 0; i < names.length; i++) s += this.renderBind(t._binds.get(names[i]!)!) + chunks[i + 1]!;
    return s;
  }
  visitSqlFragment(f: SqlFragment<any>): string {
    this.opaque = true;
    this.plainRead = false;
    if (f === this.root) {
      this.statementKind = "text";
      if (f.resultTypes)
        this.resultColumns = Object.entries(f.resultTypes).map(([key, type]) => ({ key, type }));
    }
    let s = f.strings[0]!;
    for (let i = 0; i < f.values.length; i++) s += this.processNested(f.values[i]!) + f.strings[i + 1]!;
    return s;
  }
  visitValueList(v: ValueList): string {
    return "(" + v.items.map((i) => this.process(i)).join(", ") + ")";
  }
  visitIdentifier(i: Identifier): string {
    return i.parts.map((p) => this.quote(p)).join(".");
  }
  visitRaw(r: RawSql | LiteralColumn<any>): string {
    this.opaque = true;
    this.plainRead = false;
    return r.sqlText;
  }

  // ---- columns of an upsert's proposed row ----

  override visitColumn(c: ColumnClause<any>): string {
    if (c.table !== null && c.table.kind === "proposed_row") return this.proposedColumn(c);
    return super.visitColumn(c);
  }
  /** A column of the row an INSERT proposed: `excluded.col` (PostgreSQL, SQLite). */
  protected proposedColumn(c: ColumnClause<any>): string {
    return "excluded." + this.quote(c.name);
  }

  // ---- INSERT ----

  visitInsert(ins: Insert<any, any>): string {
    this.plainRead = false;
    if (ins === this.root) this.statementKind = "insert";
    const st = ins._state;
    const table = ins.table;
    let sql = "INSERT INTO " + this.process(table);
    if (st.fromSelect) {
      sql += " (" + st.fromSelect.columns.map((c) => this.quote(c.name)).join(", ") + ") ";
      this.openCteScope();
      const select = this.compileSelectable(st.fromSelect.select, "insert");
      sql += this.closeCteScope() + select;
    } else if (st.rows.length === 0) {
      sql += this.executemanyValues(table, ins === this.root && this.manyValuesAllowed(ins));
    } else {
      sql += this.rowValues(table, st.rows);
    }
    if (st.onConflict) sql += " " + this.process(st.onConflict);
    sql += this.returningClause(ins);
    if (
      this.options.implicitReturning &&
      ins === this.root &&
      ins._returning.length === 0 &&
      !st.fromSelect &&
      st.rows.length <= 1
    ) {
      const pk = (table.columns as readonly ColumnClause<any>[]).filter(
        (c) => (c as { primaryKey?: boolean }).primaryKey === true,
      );
      if (pk.length) {
        this.implicitReturningUsed = true;
        this.resultColumns = pk.map((c) => ({ key: c.key, type: c.type }));
        sql += " RETURNING " + pk.map((c) => this.quote(c.name)).join(", ");
      }
    }
    return sql;
  }
  /**
   * Values from the execution parameters (one set, or many: executemany), by column key. With
   * `markTuple`, the VALUES tuple is marked so that `finish` records it for multi-row batching.
   */
  private executemanyValues(table: TableClause<any, any>, markTuple: boolean): string {
    const given = (this.options.paramKeys ?? []).map((k) => this.columnFor(table, k, "insert"));
    const defaulted = (table.columns as readonly ColumnClause<any>[]).filter(
      (c) => c.insertDefault && !given.includes(c),
    );
    const cols = [...given, ...defaulted];
    if (cols.length === 0) return this.defaultValues();
    const values = cols.map((c) =>
      given.includes(c) ? this.paramFor(c) : this.renderDefault(c, c.insertDefault!),
    );
    const tuple = "(" + values.join(", ") + ")";
    return (
      " (" +
      cols.map((c) => this.quote(c.name)).join(", ") +
      ") VALUES " +
      (markTuple ? MANY_VALUES_OPEN + tuple + MANY_VALUES_CLOSE : tuple)
    );
  }
  /**
   * Whether an executemany of this INSERT may be sent as multi-row statements (the engine's
   * insertmanyvalues). Dialects refuse it where one multi-row statement behaves differently from
   * the same rows one statement each (PostgreSQL's ON CONFLICT DO UPDATE fails on a repeated key).
   */
  protected manyValuesAllowed(_ins: Insert<any, any>): boolean {
    return true;
  }
  /** VALUES for rows given on the statement: every column a row sets or that has a client-side default, in table order. */
  private rowValues(table: TableClause<any, any>, rows: readonly ValuesRow[]): string {
    const all = table.columns as readonly ColumnClause<any>[];
    const used = all.filter((c) => c.insertDefault || rows.some((r) => r.has(c)));
    if (used.length === 0) {
      if (rows.length === 1) return this.defaultValues();
      throw new CompileError(
        `A multi-row INSERT into '${table.name}' must give at least one column.`,
        "ATH-INSERT",
      );
    }
    const multi = rows.length > 1;
    const tuples = rows.map((r, ri) => {
      const values = used.map((c) => {
        const v = r.get(c);
        if (v) return this.rowValue(v, multi ? `${c.key}_m${ri}` : c.key);
        return c.insertDefault ? this.renderDefault(c, c.insertDefault) : this.defaultKeyword(c, ri);
      });
      return "(" + values.join(", ") + ")";
    });
    return " (" + used.map((c) => this.quote(c.name)).join(", ") + ") VALUES " + tuples.join(", ");
  }
  /** A value in VALUES or SET: an anonymous parameter is named after its column (`:name`, SQLAlchemy's naming). */
  protected rowValue(v: ColumnElement<any>, key: string): string {
    return v instanceof BindParameter && v.name === null ? this.renderBind(v, key) : this.process(v);
  }
  /** The DEFAULT keyword for a column a row of a multi-row VALUES leaves out. */
  protected defaultKeyword(_c: ColumnClause<any>, _row: number): string {
    return "DEFAULT";
  }
  /** Renders a column's client-side default: a constant or per-row function as a parameter, an expression inline. */
  protected renderDefault(c: ColumnClause<any>, d: ColumnDefault): string {
    if (d.kind === "expr") return this.process(d.expr);
    if (d.kind === "value") {
      if (this.options.literalBinds) return this.renderLiteral(d.value, c.type);
      return this.rawBind({ key: c.key, value: d.value, hasValue: true, type: c.type });
    }
    return this.rawBind({ key: c.key, value: undefined, hasValue: false, type: c.type, compute: d.fn });
  }
  /** An INSERT with no column values. */
  protected defaultValues(): string {
    return " DEFAULT VALUES";
  }
  protected columnFor(t: TableClause<any, any>, key: string, what: string): ColumnClause<any> {
    const col = (t.columns as readonly ColumnClause<any>[]).find((c) => c.key === key);
    if (!col) {
      const known = (t.columns as readonly ColumnClause<any>[]).map((c) => c.key).join(", ");
      throw new CompileError(
        `Unconsumed column name '${key}' in the ${what} parameters for table '${t.name}'. Known columns: ${known}.`,
        "ATH-COLUMN",
      );
    }
    return col;
  }
  /** A parameter filled from execution parameters by the column's key. */
  protected paramFor(c: ColumnClause<any>): string {
    return this.rawBind({ key: c.key, value: undefined, hasValue: false, type: c.type });
  }

  // ---- UPDATE / DELETE ----

  visitUpdate(u: Update<any, any>): string {
    this.plainRead = false;
    if (u === this.root) this.statementKind = "update";
    const table = u.table;
    const values = u._state.values;
    const where = u._state.where;
    const extra = this.extraFroms(table, [where, ...(values ? values.values() : [])]);
    const multi = extra.length > 0;
    const sets: string[] = [];
    const setCols = new Set<ColumnClause<any>>();
    if (values && values.size) {
      for (const [c, v] of values) {
        sets.push(this.updateSetColumn(c, multi) + " = " + this.rowValue(v, c.key));
        setCols.add(c);
      }
    } else if (this.options.paramKeys?.length) {
      // executemany: keys naming a bindparam in WHERE select rows, the others are SET (SQLAlchemy's rule).
      const inWhere = where ? collectBindNames(where) : new Set<string>();
      for (const k of this.options.paramKeys) {
        if (inWhere.has(k)) continue;
        const c = this.columnFor(table, k, "update");
        sets.push(this.updateSetColumn(c, multi) + " = " + this.paramFor(c));
        setCols.add(c);
      }
    }
    if (sets.length === 0) {
      throw new CompileError(
        `update() on table '${table.name}' has no values to SET. Call .values({...}) or pass column values at execution.`,
        "ATH-UPDATE-EMPTY",
      );
    }
    for (const c of table.columns as readonly ColumnClause<any>[]) {
      if (c.updateDefault && !setCols.has(c))
        sets.push(this.updateSetColumn(c, multi) + " = " + this.renderDefault(c, c.updateDefault));
    }
    let sql =
      "UPDATE " + this.updateTargets(table, extra) + " SET " + sets.join(", ") + this.updateFrom(extra);
    if (where) sql += " WHERE " + this.process(where);
    sql += this.returningClause(u);
    return sql;
  }
  /** FROMs other than the target that WHERE or SET values refer to (UPDATE … FROM, DELETE … USING). */
  protected extraFroms(
    table: TableClause<any, any>,
    exprs: readonly (ColumnElement<any> | null)[],
  ): FromClause[] {
    const out: FromClause[] = [];
    for (const e of exprs) {
      if (!e) continue;
      collectFroms(e, (f) => {
        if (
          f !== table &&
          f.kind !== "proposed_row" &&
          !out.includes(f) &&
          !out.some((o) => joinLeaves(o).includes(f))
        )
          out.push(f);
      });
    }
    return out;
  }
  /** The UPDATE target(s); MySQL lists the extra tables here. */
  protected updateTargets(table: TableClause<any, any>, _extra: readonly FromClause[]): string {
    return this.process(table);
  }
  /** A SET column: unqualified, except in MySQL's multi-table UPDATE. */
  protected updateSetColumn(c: ColumnClause<any>, _multiTable: boolean): string {
    return this.quote(c.name);
  }
  /** `FROM …` for extra tables (PostgreSQL, SQLite 3.33+); MySQL has none. */
  protected updateFrom(extra: readonly FromClause[]): string {
    return extra.length ? " FROM " + extra.map((f) => this.process(f)).join(", ") : "";
  }
  visitDelete(d: Delete<any, any>): string {
    this.plainRead = false;
    if (d === this.root) this.statementKind = "delete";
    const extra = this.extraFroms(d.table, [d._state.where]);
    let sql =
      "DELETE FROM " + this.process(d.table) + (extra.length ? this.deleteExtraFroms(d.table, extra) : "");
    if (d._state.where) sql += " WHERE " + this.process(d._state.where);
    sql += this.returningClause(d);
    return sql;
  }
  /** DELETE with other tables in WHERE: PostgreSQL's `USING …`. */
  protected deleteExtraFroms(_table: TableClause<any, any>, extra: readonly FromClause[]): string {
    return " USING " + extra.map((f) => this.process(f)).join(", ");
  }
  protected returningClause(stmt: Insert<any, any> | Update<any, any> | Delete<any, any>): string {
    if (stmt._returning.length === 0) return "";
    const kind = stmt.kind as "insert" | "update" | "delete";
    const flag =
      kind === "insert"
        ? "supportsInsertReturning"
        : kind === "update"
          ? "supportsUpdateReturning"
          : "supportsDeleteReturning";
    if (!this.dialect.capabilities[flag]) {
      throw new UnsupportedFeatureError(
        `RETURNING on ${kind.toUpperCase()}`,
        this.dialect.name,
        "Select the rows in a separate statement instead.",
      );
    }
    const cols = stmt.returningColumns();
    const keys = cols.map((c) => c.key);
    if (stmt === this.root) this.resultColumns = cols.map((c, i) => ({ key: keys[i]!, type: c.type }));
    return " RETURNING " + cols.map((c, i) => this.selectColumn(c, keys[i]!, false)).join(", ");
  }

  // ---- upserts: refused here, rendered by the dialects that have them ----

  visitOnConflictDoNothing(_c: OnConflictDoNothing): string {
    throw new UnsupportedFeatureError(
      "ON CONFLICT DO NOTHING",
      this.dialect.name,
      "Use the insert() of this dialect's package.",
    );
  }
  visitOnConflictDoUpdate(_c: OnConflictDoUpdate): string {
    throw new UnsupportedFeatureError(
      "ON CONFLICT DO UPDATE",
      this.dialect.name,
      "Use the insert() of this dialect's package.",
    );
  }
  visitOnDuplicateKeyUpdate(_c: OnDuplicateKeyUpdate): string {
    throw new UnsupportedFeatureError(
      "ON DUPLICATE KEY UPDATE",
      this.dialect.name,
      "Use the insert() of this dialect's package.",
    );
  }
  /** `ON CONFLICT [target] DO NOTHING`, for dialects that have it. */
  protected renderOnConflictDoNothing(c: OnConflictDoNothing): string {
    const target = this.conflictTarget(c.target);
    return "ON CONFLICT " + (target ? target + " " : "") + "DO NOTHING";
  }
  /** `ON CONFLICT target DO UPDATE SET … [WHERE …]`, for dialects that have it. */
  protected renderOnConflictDoUpdate(c: OnConflictDoUpdate): string {
    const target = this.conflictTarget(c.target);
    if (!target)
      throw new CompileError(
        "onConflictDoUpdate() needs a conflict target: indexElements or constraint.",
        "ATH-UPSERT",
      );
    let s = "ON CONFLICT " + target + " DO UPDATE SET " + this.upsertSets(c.set);
    if (c.where) s += " WHERE " + this.process(c.where);
    return s;
  }
  protected upsertSets(set: ValuesRow): string {
    return [...set].map(([col, v]) => this.quote(col.name) + " = " + this.process(v)).join(", ");
  }
  protected conflictTarget(t: ResolvedTarget | null): string {
    if (!t) return "";
    if (t.constraint) return "ON CONSTRAINT " + this.quote(t.constraint);
    const saved = this.qualifyColumns;
    this.qualifyColumns = false;
    try {
      let s = "(" + t.elements.map((e) => this.process(e)).join(", ") + ")";
      if (t.where) s += " WHERE " + this.process(t.where);
      return s;
    } finally {
      this.qualifyColumns = saved;
    }
  }
}
