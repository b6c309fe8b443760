/**
 * PostgreSQL's statement compiler (SQLAlchemy: `PGCompiler`).
 */
import { SqlCompiler } from "../../sql/compiler.js";
import type {
  BindParameter,
  ColumnElement,
  Extract,
  FunctionCall,
  LikeExpression,
} from "../../sql/elements.js";
import type { OnConflictDoNothing, OnConflictDoUpdate } from "../../sql/upsert.js";
import type { Insert } from "../../sql/dml.js";
import type { DateTimeType, TimeType } from "../../sql/types/generic.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";

/**
 * Casts for parameters whose type the server can't infer from context (`SELECT $1`,
 * `$1 + $2`, CASE results, coalesce arguments): the generic spelling of the value's type,
 * never with a length or precision (an explicit cast would truncate or round silently).
 * Types that a column may spell differently (enums, JSON/JSONB, UUID) get no cast.
 */
const BIND_CASTS: Record<string, (t: TypeEngine<any>) => string> = {
  integer: () => "INTEGER",
  smallinteger: () => "SMALLINT",
  biginteger: () => "BIGINT",
  float: () => "FLOAT",
  double: () => "DOUBLE PRECISION",
  numeric: () => "NUMERIC",
  string: () => "VARCHAR",
  text: () => "VARCHAR",
  boolean: () => "BOOLEAN",
  date: () => "DATE",
  datetime: (t) =>
    (t as DateTimeType).timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE",
  time: (t) => ((t as TimeType).timezone ? "TIME WITH TIME ZONE" : "TIME WITHOUT TIME ZONE"),
};

/** `$1`, `$2`, … */
const dollarNumbered = (index: number): string => "$" + (index + 1);

export class PostgresCompiler extends SqlCompiler {
  override placeholderRenderer(): (index: number) => string {
    return dollarNumbered;
  }
  protected override bindCast(b: BindParameter<any>): string {
    const cast = BIND_CASTS[b.type.kind];
    return cast ? "::" + cast(b.type) : "";
  }
  protected override renderIlike(l: LikeExpression): string {
    return this.operand(l.left, 6) + (l.negate ? " NOT ILIKE " : " ILIKE ") + this.operand(l.pattern, 6);
  }
  protected override distinctClause(on: readonly ColumnElement<any>[]): string {
    if (on.length === 0) return "DISTINCT ";
    return "DISTINCT ON (" + on.map((c) => this.process(c)).join(", ") + ") ";
  }
  protected override renderSpecialFunction(f: FunctionCall<any, any>): string | null {
    // round(x, n) exists for NUMERIC only.
    if (
      f.name === "round" &&
      f.args.length === 2 &&
      (f.args[0]!.type.kind === "float" || f.args[0]!.type.kind === "double")
    ) {
      return "round(CAST(" + this.process(f.args[0]!) + " AS NUMERIC), " + this.process(f.args[1]!) + ")";
    }
    return super.renderSpecialFunction(f);
  }
  /** EXTRACT gives NUMERIC on PostgreSQL 14+; the construct is an integer. */
  override visitExtract(e: Extract): string {
    return "CAST(" + super.visitExtract(e) + " AS INTEGER)";
  }
  /** ON CONFLICT DO UPDATE can't touch one row twice in one statement: such executemanys run row by row. */
  protected override manyValuesAllowed(ins: Insert<any, any>): boolean {
    return ins._state.onConflict?.kind !== "on_conflict_do_update";
  }
  override visitOnConflictDoNothing(c: OnConflictDoNothing): string {
    return this.renderOnConflictDoNothing(c);
  }
  override visitOnConflictDoUpdate(c: OnConflictDoUpdate): string {
    return this.renderOnConflictDoUpdate(c);
  }
}
