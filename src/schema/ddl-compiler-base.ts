/**
 * The vocabulary shared by every DDL statement: quoting and fitting names to the database's
 * identifier limit, compiling embedded expressions and literals. `DdlCompiler` builds the
 * statements on top of it.
 */
import { CompileError } from "../util/errors.js";
import type { CompileOptions, SqlCompiler, StatementCompilerDialect } from "../sql/compiler.js";
import type { ClauseElement, ColumnClause } from "../sql/elements.js";
import { TableClause } from "../sql/selectable.js";
import type { Column } from "./column.js";
import type { Constraint } from "./constraints.js";
import type { Index } from "./indexes.js";
import { truncateName, type ResolvedName } from "./naming.js";
import type { Table } from "./table.js";

/** What the DDL compiler needs of a dialect. */
export interface DdlDialect extends StatementCompilerDialect {
  readonly StatementCompiler: new (dialect: any, options?: CompileOptions) => SqlCompiler;
}

type StatementCompilerClass = new (dialect: any, options?: CompileOptions) => SqlCompiler;
const unqualifiedClasses = new WeakMap<StatementCompilerClass, StatementCompilerClass>();

/** The dialect's statement compiler, rendering columns without their table (DDL context). */
function unqualifiedCompiler(Base: StatementCompilerClass): StatementCompilerClass {
  let cls = unqualifiedClasses.get(Base);
  if (!cls) {
    cls = class extends Base {
      override visitColumn(c: ColumnClause<any>): string {
        return this.quote(c.name);
      }
    };
    unqualifiedClasses.set(Base, cls);
  }
  return cls;
}

export abstract class DdlCompilerBase {
  constructor(
    readonly dialect: DdlDialect,
    readonly options: CompileOptions = {},
  ) {}

  // ---- names ----

  quote(name: string): string {
    return this.dialect.quoteIdentifier(name);
  }
  /** `schema.table`, quoted; with `check`, a name longer than the database allows is an error. */
  formatTable(t: TableClause<any, any>, check = false): string {
    if (check) this.checkIdentifier(t.name, "table");
    return (t.schema ? this.quote(t.schema) + "." : "") + this.quote(t.name);
  }
  formatColumnName(col: ColumnClause<any>): string {
    this.checkIdentifier(col.name, "column");
    return this.quote(col.name);
  }
  /** The constraint's quoted name (a convention name truncated to fit), or null. */
  constraintName(c: Constraint): string | null {
    const r = c._resolvedName();
    return r === null ? null : this.quote(this.fitName(r, "constraint"));
  }
  protected requiredConstraintName(c: Constraint, what: string): string {
    const name = this.constraintName(c);
    if (name === null) {
      throw new CompileError(
        `Can't emit ${what} for the ${c.describe()} of table '${c.table?.name}': it has no name. ` +
          "Give it a name, or add a naming convention for its kind to the MetaData.",
        "ATH-DDL-NONAME",
      );
    }
    return name;
  }
  indexName(ix: Index): string {
    const r = ix._resolvedName();
    if (r === null) {
      throw new CompileError(
        `The index on ${ix.table?.name}(${ix.columns.map((c) => c.name).join(", ")}) has no name. ` +
          "Give it one: Index(\"ix_name\", …), or add an 'ix' naming convention to the MetaData.",
        "ATH-DDL-NONAME",
      );
    }
    return this.quote(this.fitName(r, "index"));
  }
  /** The length of an identifier as the database counts it. */
  protected identifierLength(name: string): number {
    return name.length;
  }
  protected get maxIdentifierLength(): number {
    return Number(this.dialect.capabilities.maxIdentifierLength) || 63;
  }
  /** Convention names are truncated with a hash (SQLAlchemy's `conv`); explicit names must fit. */
  protected fitName(r: ResolvedName, what: string): string {
    if (r.fromConvention)
      return truncateName(r.name, this.maxIdentifierLength, (s) => this.identifierLength(s));
    this.checkIdentifier(r.name, what);
    return r.name;
  }
  protected checkIdentifier(name: string, what: string): void {
    const len = this.identifierLength(name);
    const max = this.maxIdentifierLength;
    if (len > max) {
      throw new CompileError(
        `The ${what} name '${name}' is ${len} characters long; ${this.dialect.name} allows ${max}. ` +
          "Shorten it (names made by a naming convention are shortened automatically).",
        "ATH-IDENTIFIER-LENGTH",
      );
    }
  }

  // ---- expressions and literals ----

  /** A statement compiler that inlines values and leaves columns unqualified. */
  protected sqlCompiler(): SqlCompiler {
    const Cls = unqualifiedCompiler(this.dialect.StatementCompiler);
    return new Cls(this.dialect, { literalBinds: true });
  }
  /** An expression in DDL: literal values, unqualified columns. */
  expression(e: ClauseElement): string {
    const c = this.sqlCompiler();
    const s = c.process(e);
    if (c.binds.length) {
      throw new CompileError(
        `An expression in DDL has a parameter without a value (${c.binds.map((b) => b.key).join(", ")}); DDL takes literal values only.`,
        "ATH-DDL",
      );
    }
    return s;
  }
  /** A string literal (comments, string defaults, enum values), escaped as the dialect's type compiler does. */
  literal(value: string): string {
    const tc = this.dialect.typeCompiler as { stringLiteral?: (v: string) => string };
    return typeof tc.stringLiteral === "function"
      ? tc.stringLiteral(value)
      : this.sqlCompiler().renderLiteral(value, null);
  }

  // ---- helpers ----

  protected indexTable(ix: Index): Table<any, any> {
    if (!ix.table)
      throw new CompileError(`Index '${String(ix.explicitName)}' is not attached to a table.`, "ATH-DDL");
    return ix.table;
  }
  protected constraintTable(c: Constraint): Table<any, any> {
    if (!c.table) throw new CompileError(`The ${c.describe()} is not attached to a table.`, "ATH-DDL");
    return c.table;
  }
  protected columnTable(col: Column): Table<any, any> {
    const t = col.table;
    if (!(t instanceof TableClause))
      throw new CompileError(`Column '${col.name}' is not part of a table.`, "ATH-DDL");
    return t as Table<any, any>;
  }
}
