/**
 * Spells types in DDL and CAST (SQLAlchemy: `GenericTypeCompiler`). A method per type
 * `kind`, named `visit_<kind>`; dialects subclass and override what differs.
 * Used only when compiling DDL and CAST, never per row.
 * (CHECK constraints of non-native enums and PostgreSQL's CREATE TYPE are the DDL compiler's.)
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
  UuidType,
} from "./types/generic.js";
import type { TypeEngine } from "./types/type-engine.js";

/** A dialect-specific type may name the generic type to use instead, for the error message. */
interface PortableHint {
  readonly portableAlternative?: string;
}

export class TypeCompiler {
  constructor(readonly dialectName: string) {}

  /** The DDL spelling of a type. Raises a CompileError for another dialect's type or a type this dialect lacks. */
  process(type: TypeEngine<any>): string {
    const owner = type.dialectName;
    if (owner !== null && owner !== this.dialectName) {
      const alt = (type as PortableHint).portableAlternative;
      throw new CompileError(
        `${type.toString()} is a ${owner} type (from athanor/dialects/${owner}); the ${this.dialectName} dialect can't render it.` +
          (alt ? ` For a column that works on every database use ${alt}.` : ""),
        "ATH-TYPE-DIALECT",
      );
    }
    const visit = (this as any)["visit_" + type.kind] as ((t: TypeEngine<any>) => string) | undefined;
    if (!visit) {
      throw new CompileError(
        `The ${this.dialectName} dialect can't render type '${type.kind}' (${type.toString()}). Use a type this database supports.`,
        "ATH-TYPE",
      );
    }
    return visit.call(this, type);
  }

  /** The spelling in `CAST(x AS …)`; the same as in DDL except where the database differs (MySQL). */
  castSpelling(type: TypeEngine<any>): string {
    return this.process(type);
  }

  /** A string literal in DDL (enum values). */
  stringLiteral(value: string): string {
    return "'" + value.replace(/'/g, "''") + "'";
  }

  /** Quotes a name (a collation, an enum type) unless it is a plain lower-case identifier. */
  quoteName(name: string): string {
    return /^[a-z_][a-z0-9_]*$/.test(name) ? name : '"' + name.replace(/"/g, '""') + '"';
  }

  protected withCollation(spelling: string, collation: string | null): string {
    return collation ? `${spelling} COLLATE ${this.quoteName(collation)}` : spelling;
  }

  visit_null(): string {
    throw new CompileError(
      `A column or CAST needs a type; this expression has none (NullType). Give it one, e.g. Column(String(50)) or cast(x, Integer).`,
      "ATH-TYPE",
    );
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
    return this.withCollation(t.length == null ? "VARCHAR" : `VARCHAR(${t.length})`, t.collation);
  }
  visit_text(t: StringType): string {
    return this.withCollation("TEXT", t.collation);
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
  /** Intervals are a count of microseconds where the database has no INTERVAL type. */
  visit_interval(): string {
    return "BIGINT";
  }
  visit_enum(t: EnumType<any>): string {
    return `VARCHAR(${t.length})`;
  }
  visit_json(): string {
    return "JSON";
  }
  visit_largebinary(_t: LargeBinaryType): string {
    return "BLOB";
  }
  visit_uuid(_t: UuidType): string {
    return "CHAR(36)";
  }
}
