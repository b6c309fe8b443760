/**
 * MySQL/MariaDB's statement compiler (SQLAlchemy: `MySQLCompiler`).
 */
import { SqlCompiler } from "../../sql/compiler.js";
import type {
  BinaryExpression,
  Cast,
  ColumnClause,
  ColumnElement,
  Extract,
  FunctionCall,
  FunctionFilter,
  OrderByElement,
} from "../../sql/elements.js";
import { isIntegerType } from "../../sql/coercions.js";
import type { FromClause, ForUpdateOptions, Join, TableClause } from "../../sql/selectable.js";
import type { DateTimeType, NumericType } from "../../sql/types/generic.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import type { OnDuplicateKeyUpdate } from "../../sql/upsert.js";
import { UnsupportedFeatureError } from "../../util/errors.js";

/**
 * CAST targets where this compiler departs from the type compiler's `castSpelling`: no CAST
 * for booleans and JSON (MySQL has neither target; SQLAlchemy leaves the value as is), and a
 * wide DECIMAL for an unsized Numeric (MySQL's bare DECIMAL is DECIMAL(10,0) and would round).
 */
function castOverride(type: TypeEngine<any>): string | null | undefined {
  switch (type.kind) {
    case "boolean":
    case "json":
      return null;
    case "numeric":
      return (type as NumericType<any>).precision == null ? "DECIMAL(65, 30)" : undefined;
    case "datetime":
      return (type as DateTimeType).fsp != null ? `DATETIME(${(type as DateTimeType).fsp})` : "DATETIME(6)";
  }
  return undefined;
}

export class MysqlCompiler extends SqlCompiler {
  // Backslash escapes in MySQL string literals (default sql_mode).
  protected override renderString(s: string): string {
    return super.renderString(s.replace(/\\/g, "\\\\"));
  }
  // `||` is logical OR in MySQL's default sql_mode.
  protected override renderConcat(b: BinaryExpression<any>): string {
    const parts: string[] = [];
    const flatten = (e: ColumnElement<any>) => {
      if ((e as BinaryExpression<any>).operator === "||" && e.kind === "binary") {
        flatten((e as BinaryExpression<any>).left);
        flatten((e as BinaryExpression<any>).right);
      } else parts.push(this.process(e));
    };
    flatten(b);
    return "concat(" + parts.join(", ") + ")";
  }
  /** MySQL's `/` already divides exactly. */
  protected override renderTrueDivision(b: BinaryExpression<any>): string {
    return this.operand(b.left, 8) + " / " + this.operand(b.right, 9);
  }
  protected override renderFloorDivision(b: BinaryExpression<any>): string {
    if (isIntegerType(b.left.type) && isIntegerType(b.right.type))
      return this.operand(b.left, 8) + " DIV " + this.operand(b.right, 9);
    return "FLOOR(" + this.operand(b.left, 8) + " / " + this.operand(b.right, 9) + ")";
  }
  protected override renderIsDistinct(b: BinaryExpression<any>, distinct: boolean): string {
    const s = this.operand(b.left, 6) + " <=> " + this.operand(b.right, 6);
    return distinct ? "NOT (" + s + ")" : s;
  }
  override visitCast(c: Cast<any>): string {
    const target = this.castType(c.type);
    return target === null
      ? this.process(c.element)
      : "CAST(" + this.process(c.element) + " AS " + target + ")";
  }
  protected override castType(type: TypeEngine<any>): string | null {
    const o = castOverride(type);
    return o === undefined ? super.castType(type) : o;
  }
  protected override renderSpecialFunction(f: FunctionCall<any, any>): string | null {
    switch (f.name) {
      case "random":
        return this.functionCall("rand", f);
      case "length":
        // length() counts bytes in MySQL; characters is what the other databases count.
        return this.functionCall("char_length", f);
      case "aggregate_strings":
        return "group_concat(" + this.process(f.args[0]!) + " SEPARATOR " + this.process(f.args[1]!) + ")";
    }
    return null;
  }
  override visitFunctionFilter(_f: FunctionFilter<any, any>): string {
    throw new UnsupportedFeatureError(
      "FILTER (WHERE …) on aggregates",
      "mysql",
      "Use an aggregate of a CASE expression instead.",
    );
  }
  override visitExtract(e: Extract): string {
    const inner = this.process(e.expr);
    switch (e.field) {
      case "dow":
        return "(DAYOFWEEK(" + inner + ") - 1)";
      case "doy":
        return "DAYOFYEAR(" + inner + ")";
      case "epoch":
        return "UNIX_TIMESTAMP(" + inner + ")";
    }
    return super.visitExtract(e);
  }
  protected override limitClause(
    limit: ColumnElement<any> | null,
    offset: ColumnElement<any> | null,
  ): string {
    // MySQL needs a LIMIT with OFFSET; this is the documented "no limit" value.
    if (offset && !limit) return " LIMIT 18446744073709551615 OFFSET " + this.process(offset);
    return super.limitClause(limit, offset);
  }
  override visitOrderBy(o: OrderByElement): string {
    // No NULLS FIRST/LAST: sort on "is null" first (NULL sorts lowest in MySQL).
    let s = this.process(o.element);
    if (o.direction) s += " " + o.direction;
    if (!o.nulls) return s;
    const desc = o.direction === "DESC";
    // Already MySQL's order (NULLs first ascending, last descending)? Then nothing to add.
    if ((o.nulls === "FIRST") !== desc) return s;
    return this.process(o.element) + (o.nulls === "FIRST" ? " IS NULL DESC, " : " IS NULL, ") + s;
  }
  /** MySQL 8.0.14+ has LATERAL; MariaDB has none. */
  protected override checkLateral(): void {
    if ((this.dialect as { isMariaDB?: boolean }).isMariaDB) {
      throw new UnsupportedFeatureError(
        "LATERAL",
        "mysql (MariaDB)",
        "Use a correlated scalar subquery instead.",
      );
    }
  }
  override visitJoin(j: Join): string {
    if (j.full)
      throw new UnsupportedFeatureError(
        "FULL OUTER JOIN",
        "mysql",
        "Use a UNION of a LEFT and a RIGHT join.",
      );
    return super.visitJoin(j);
  }
  protected override forUpdateClause(o: ForUpdateOptions): string {
    if (o.read) return " LOCK IN SHARE MODE";
    let s = " FOR UPDATE";
    // MariaDB has no FOR UPDATE OF; locking every table read is the safe superset.
    if (o.of?.length && !(this.dialect as { isMariaDB?: boolean }).isMariaDB)
      s += " OF " + this.lockTargets(o.of).join(", ");
    if (o.nowait) s += " NOWAIT";
    if (o.skipLocked) s += " SKIP LOCKED";
    return s;
  }
  protected override defaultValues(): string {
    return " () VALUES ()";
  }
  /** The proposed row's column in ON DUPLICATE KEY UPDATE: `VALUES(col)`. */
  protected override proposedColumn(c: ColumnClause<any>): string {
    return "VALUES(" + this.quote(c.name) + ")";
  }
  override visitOnDuplicateKeyUpdate(c: OnDuplicateKeyUpdate): string {
    return "ON DUPLICATE KEY UPDATE " + this.upsertSets(c.set);
  }
  // Multi-table UPDATE: `UPDATE a, b SET a.x = … WHERE …`.
  protected override updateTargets(table: TableClause<any, any>, extra: readonly FromClause[]): string {
    return [table, ...extra].map((f) => this.process(f)).join(", ");
  }
  protected override updateSetColumn(c: ColumnClause<any>, multiTable: boolean): string {
    return multiTable ? this.visitColumn(c) : this.quote(c.name);
  }
  protected override updateFrom(_extra: readonly FromClause[]): string {
    return "";
  }
  protected override deleteExtraFroms(table: TableClause<any, any>, extra: readonly FromClause[]): string {
    return " USING " + [table, ...extra].map((f) => this.process(f)).join(", ");
  }
}
