import { SqlCompiler } from "../../sql/compiler.js";
import type { LikeExpression } from "../../sql/elements.js";

/** PostgreSQL's statement compiler (SQLAlchemy: `PGCompiler`). */
export class PostgresCompiler extends SqlCompiler {
  override placeholder(index: number): string {
    return "$" + (index + 1);
  }
  protected override renderIlike(l: LikeExpression): string {
    return this.process(l.left) + (l.negate ? " NOT ILIKE " : " ILIKE ") + this.process(l.pattern);
  }
}
