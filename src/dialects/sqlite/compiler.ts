import { SqlCompiler } from "../../sql/compiler.js";
import type { BooleanConstant, ColumnElement } from "../../sql/elements.js";
import type { ForUpdateOptions } from "../../sql/selectable.js";

/** SQLite's statement compiler (SQLAlchemy: `SQLiteCompiler`). */
export class SqliteCompiler extends SqlCompiler {
  // SQLite has had TRUE/FALSE only since 3.23; 1/0 works everywhere.
  override visitBooleanConstant(b: BooleanConstant): string {
    return b.value ? "1" : "0";
  }
  override limitClause(limit: ColumnElement<any> | null, offset: ColumnElement<any> | null): string {
    // OFFSET needs a LIMIT in SQLite; -1 means "no limit".
    if (offset && !limit) return " LIMIT -1 OFFSET " + this.process(offset);
    return super.limitClause(limit, offset);
  }
  // SQLite locks the whole database; FOR UPDATE is accepted and ignored, as SQLAlchemy does.
  override forUpdateClause(_o: ForUpdateOptions): string {
    return "";
  }
  protected override functionName(name: string): string {
    return name === "now" ? "CURRENT_TIMESTAMP" : name;
  }
  override visitFunction(f: import("../../sql/elements.js").FunctionCall<any, any>): string {
    // CURRENT_TIMESTAMP is a keyword, not a call.
    if (f.name === "now") return "CURRENT_TIMESTAMP";
    return super.visitFunction(f);
  }
}
