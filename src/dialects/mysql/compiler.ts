import { SqlCompiler } from "../../sql/compiler.js";
import type { BinaryExpression, ColumnElement, OrderByElement } from "../../sql/elements.js";
import type { Join } from "../../sql/selectable.js";
import type { ForUpdateOptions } from "../../sql/selectable.js";
import { UnsupportedFeatureError } from "../../util/errors.js";

/** MySQL/MariaDB's statement compiler (SQLAlchemy: `MySQLCompiler`). */
export class MysqlCompiler extends SqlCompiler {
  // `||` is logical OR in MySQL's default sql_mode.
  protected override visitConcat(b: BinaryExpression<any>): string {
    return "concat(" + this.process(b.left) + ", " + this.process(b.right) + ")";
  }
  override limitClause(limit: ColumnElement<any> | null, offset: ColumnElement<any> | null): string {
    // MySQL needs a LIMIT with OFFSET; this is the documented "no limit" value.
    if (offset && !limit) return " LIMIT 18446744073709551615 OFFSET " + this.process(offset);
    return super.limitClause(limit, offset);
  }
  override visitOrderBy(o: OrderByElement): string {
    // No NULLS FIRST/LAST: sort on "is null" first (NULL sorts lowest in MySQL).
    let prefix = "";
    if (o.nulls) prefix = this.process(o.element) + (o.nulls === "FIRST" ? " IS NULL DESC, " : " IS NULL, ");
    let s = this.process(o.element);
    if (o.direction) s += " " + o.direction;
    return prefix + s;
  }
  override visitJoin(j: Join): string {
    if (j.full) throw new UnsupportedFeatureError("FULL OUTER JOIN", "mysql", "Use a UNION of a LEFT and a RIGHT join.");
    return super.visitJoin(j);
  }
  override forUpdateClause(o: ForUpdateOptions): string {
    let s = o.read ? " LOCK IN SHARE MODE" : " FOR UPDATE";
    if (o.read) return s;
    if (o.nowait) s += " NOWAIT";
    if (o.skipLocked) s += " SKIP LOCKED";
    return s;
  }
  protected override defaultValues(): string {
    return " () VALUES ()";
  }
}
