/**
 * SQLite's statement compiler (SQLAlchemy: `SQLiteCompiler`). SQLite 3.35+ is assumed
 * (RETURNING, FULL OUTER JOIN from 3.39, UPDATE … FROM from 3.33).
 */
import { SqlCompiler } from "../../sql/compiler.js";
import { isIntegerType } from "../../sql/coercions.js";
import type {
  BinaryExpression,
  ColumnClause,
  ColumnElement,
  Extract,
  FunctionCall,
} from "../../sql/elements.js";
import type { CompoundKeyword, FromClause, ForUpdateOptions, TableClause } from "../../sql/selectable.js";
import type { OnConflictDoNothing, OnConflictDoUpdate } from "../../sql/upsert.js";
import { CompileError, UnsupportedFeatureError } from "../../util/errors.js";

const STRFTIME: Record<string, string> = {
  year: "%Y",
  month: "%m",
  day: "%d",
  hour: "%H",
  minute: "%M",
  second: "%S",
  dow: "%w",
  doy: "%j",
  week: "%W",
  epoch: "%s",
};

export class SqliteCompiler extends SqlCompiler {
  // SQLite has had TRUE/FALSE only since 3.23; 1/0 works everywhere (SQLAlchemy renders 1/0).
  protected override renderBoolean(value: boolean): string {
    return value ? "1" : "0";
  }
  protected override limitClause(
    limit: ColumnElement<any> | null,
    offset: ColumnElement<any> | null,
  ): string {
    // OFFSET needs a LIMIT in SQLite; -1 means "no limit".
    if (offset && !limit) return " LIMIT -1 OFFSET " + this.process(offset);
    return super.limitClause(limit, offset);
  }
  // SQLite locks the whole database; FOR UPDATE is accepted and ignored, as SQLAlchemy does.
  protected override forUpdateClause(_o: ForUpdateOptions): string {
    return "";
  }
  protected override renderSpecialFunction(f: FunctionCall<any, any>): string | null {
    switch (f.name) {
      case "now":
        // CURRENT_TIMESTAMP is a keyword, not a call; UTC 'YYYY-MM-DD HH:MM:SS'.
        return "CURRENT_TIMESTAMP";
      case "char_length":
        return this.functionCall("length", f);
      case "aggregate_strings":
        return this.functionCall("group_concat", f);
    }
    return null;
  }
  /** Integer true division: `a / (b + 0.0)` (SQLAlchemy's SQLite rendering). */
  protected override renderTrueDivision(b: BinaryExpression<any>): string {
    return this.operand(b.left, 8) + " / (" + this.process(b.right) + " + 0.0)";
  }
  /**
   * Integer floor division. better-sqlite3 binds JS numbers as REAL, so `a / ?` would not
   * divide as integers: truncate explicitly, as integer division does on the other databases.
   */
  protected override renderFloorDivision(b: BinaryExpression<any>): string {
    if (isIntegerType(b.left.type) && isIntegerType(b.right.type)) {
      return "CAST(" + this.operand(b.left, 8) + " / " + this.operand(b.right, 9) + " AS INTEGER)";
    }
    return super.renderFloorDivision(b);
  }
  protected override renderIsDistinct(b: BinaryExpression<any>, distinct: boolean): string {
    return this.operand(b.left, 6) + (distinct ? " IS NOT " : " IS ") + this.operand(b.right, 6);
  }
  override visitExtract(e: Extract): string {
    const inner = this.process(e.expr);
    if (e.field === "quarter") return "((CAST(STRFTIME('%m', " + inner + ") AS INTEGER) + 2) / 3)";
    return "CAST(STRFTIME('" + STRFTIME[e.field] + "', " + inner + ") AS INTEGER)";
  }
  protected override checkLateral(): void {
    throw new UnsupportedFeatureError("LATERAL", "sqlite", "Use a correlated scalar subquery instead.");
  }
  protected override checkCompoundKeyword(keyword: CompoundKeyword): void {
    if (keyword === "INTERSECT ALL" || keyword === "EXCEPT ALL") {
      throw new UnsupportedFeatureError(
        keyword,
        "sqlite",
        "Use INTERSECT / EXCEPT, which remove duplicates.",
      );
    }
  }
  /** SQLite has no parenthesised compound members: wrap them as a subquery. */
  protected override groupCompoundMember(sql: string): string {
    return "SELECT * FROM (" + sql + ")";
  }
  protected override defaultKeyword(c: ColumnClause<any>, row: number): string {
    throw new CompileError(
      `Row ${row + 1} of a multi-row INSERT gives no value for column '${c.name}', and SQLite has no DEFAULT keyword in VALUES. Give every row the same columns.`,
      "ATH-INSERT",
    );
  }
  protected override deleteExtraFroms(_table: TableClause<any, any>, extra: readonly FromClause[]): string {
    throw new UnsupportedFeatureError(
      `DELETE with other tables in WHERE (${extra.map((f) => f.kind).join(", ")})`,
      "sqlite",
      "Use a subquery: .where(t.c.id.in(select(...))).",
    );
  }
  override visitOnConflictDoNothing(c: OnConflictDoNothing): string {
    return this.renderOnConflictDoNothing(c);
  }
  override visitOnConflictDoUpdate(c: OnConflictDoUpdate): string {
    return this.renderOnConflictDoUpdate(c);
  }
  protected override conflictTarget(t: Parameters<SqlCompiler["conflictTarget"]>[0]): string {
    if (t?.constraint)
      throw new UnsupportedFeatureError(
        "ON CONFLICT ON CONSTRAINT",
        "sqlite",
        "Name the columns with indexElements.",
      );
    return super.conflictTarget(t);
  }
}
