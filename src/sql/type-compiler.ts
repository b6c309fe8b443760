/**
 * Spells types in DDL and CAST (SQLAlchemy: `GenericTypeCompiler`). A method per type
 * `kind`, named `visit_<kind>`; dialects subclass and override what differs.
 * Used only when compiling DDL and CAST, never per row.
 */
import { CompileError } from "../util/errors.js";
import type {
  DateTimeType,
  EnumType,
  FloatType,
  LargeBinaryType,
  NumericType,
  StringType,
  TimeType,
} from "./types/generic.js";
import type { TypeEngine } from "./types/type-engine.js";

export class TypeCompiler {
  constructor(readonly dialectName: string) {}

  process(type: TypeEngine<any>): string {
    const visit = (this as any)["visit_" + type.kind] as ((t: TypeEngine<any>) => string) | undefined;
    if (!visit) {
      throw new CompileError(
        `The ${this.dialectName} dialect can't render type '${type.kind}' (${type.toString()}). Use a type this database supports.`,
        "ATH-TYPE",
      );
    }
    return visit.call(this, type);
  }

  visit_integer(): string {
    return "INTEGER";
  }
  visit_smallinteger(): string {
    return "SMALLINT";
  }
  visit_biginteger(): string {
    return "BIGINT";
  }
  visit_boolean(): string {
    return "BOOLEAN";
  }
  visit_string(t: StringType): string {
    return t.length == null ? "VARCHAR" : `VARCHAR(${t.length})`;
  }
  visit_text(): string {
    return "TEXT";
  }
  visit_numeric(t: NumericType<any>): string {
    if (t.precision == null) return "NUMERIC";
    return t.scale == null ? `NUMERIC(${t.precision})` : `NUMERIC(${t.precision}, ${t.scale})`;
  }
  visit_float(t: FloatType): string {
    return t.precision == null ? "FLOAT" : `FLOAT(${t.precision})`;
  }
  visit_double(): string {
    return "DOUBLE PRECISION";
  }
  visit_date(): string {
    return "DATE";
  }
  visit_time(_t: TimeType): string {
    return "TIME";
  }
  visit_datetime(t: DateTimeType): string {
    return t.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
  }
  visit_enum(t: EnumType<any>): string {
    const longest = Math.max(1, ...t.values.map((v) => v.length));
    return `VARCHAR(${longest})`;
  }
  visit_json(): string {
    return "JSON";
  }
  visit_largebinary(_t: LargeBinaryType): string {
    return "BLOB";
  }
  visit_uuid(): string {
    return "CHAR(36)";
  }
}
