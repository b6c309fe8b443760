/**
 * TypeScript source for schema pieces in generated migrations (Alembic: `autogenerate/render.py`
 * `_repr_type`, `_render_column`, `_render_constraint`): types, server defaults, columns and
 * table-level constraints, with the imports they need collected on the way.
 */
import { RawType } from "../../dialects/base/raw-type.js";
import { isIntegerType, type Column, type ServerDefaultArg } from "../../schema/column.js";
import type { Table } from "../../schema/table.js";
import {
  CheckConstraint,
  ForeignKeyConstraint,
  PrimaryKeyConstraint,
  UniqueConstraint,
  type Constraint,
} from "../../schema/constraints.js";
import { ColumnElement, FunctionCall } from "../../sql/elements.js";
import { LiteralColumn, TextClause } from "../../sql/text.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import type { MigrateCompiler } from "../impl/compiler.js";

/** Collects the names a generated script imports, by module. */
export class Imports {
  readonly modules = new Map<string, Set<string>>();
  use(module: string, name: string): string {
    let set = this.modules.get(module);
    if (!set) this.modules.set(module, (set = new Set()));
    set.add(name);
    return name;
  }
}

export interface RenderContext {
  readonly imports: Imports;
  readonly compiler: MigrateCompiler;
}

/** A JS string literal. */
export const str = (s: string): string => JSON.stringify(s);

/** An object key: bare when it is an identifier. */
export const key = (k: string): string => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : str(k));

/** `{ a: 1, b: "x" }` from entries (empty → ""). */
export function objectLiteral(entries: readonly [string, string][]): string {
  return entries.length ? `{ ${entries.map(([k, v]) => `${key(k)}: ${v}`).join(", ")} }` : "";
}

const A = "athanor";
const PG = "athanor/dialects/postgresql";
const MY = "athanor/dialects/mysql";

/** A type as the expression that builds it: `String(50)`, `Enum(["a", "b"], { name: "s" })`, `JSONB()`. */
export function renderType(t: TypeEngine<any>, ctx: RenderContext): string {
  const use = (name: string, mod = A) => ctx.imports.use(mod, name);
  const x = t as any;
  const opts = (e: [string, string | null | false][]) =>
    objectLiteral(e.filter((p): p is [string, string] => typeof p[1] === "string"));
  switch (t.kind) {
    case "raw":
      return `${use("rawType")}(${str((t as RawType).spelling)})`;
    case "integer":
      return use("Integer");
    case "smallinteger":
      return use("SmallInteger");
    case "biginteger":
      return x.mode === "number" ? `${use("BigInteger")}({ mode: "number" })` : use("BigInteger");
    case "boolean":
      return use("Boolean");
    case "string": {
      const o = opts([["collation", x.collation ? str(x.collation) : null]]);
      return `${use("String")}(${x.length ?? (o ? "undefined" : "")}${o ? ", " + o : ""})`;
    }
    case "text":
      return use("Text");
    case "numeric": {
      const args = [x.precision, x.scale].filter((v) => v != null).map(String);
      if (x.asNumber)
        return `${use("Numeric")}(${[x.precision ?? "undefined", x.scale ?? "undefined"].join(", ")}, { asNumber: true })`;
      return `${use("Numeric")}(${args.join(", ")})`;
    }
    case "float":
      return x.precision == null ? use("Float") : `${use("Float")}(${x.precision})`;
    case "double":
      return use("Double");
    case "date":
      return use("Date");
    case "time":
      return x.timezone ? `${use("Time")}({ timezone: true })` : use("Time");
    case "datetime": {
      const o = opts([
        ["timezone", x.timezone ? "true" : null],
        ["fsp", x.fsp != null ? String(x.fsp) : null],
      ]);
      return o ? `${use("DateTime")}(${o})` : use("DateTime");
    }
    case "interval":
      return use("Interval");
    case "enum": {
      const o = opts([
        ["name", x.name ? str(x.name) : null],
        ["nativeEnum", x.nativeEnum ? null : "false"],
        ["createConstraint", x.createConstraint ? null : "false"],
      ]);
      return `${use("Enum")}([${(x.values as string[]).map(str).join(", ")}]${o ? ", " + o : ""})`;
    }
    case "json":
      return `${use("JSON")}()`;
    case "largebinary":
      return x.length == null ? use("LargeBinary") : `${use("LargeBinary")}(${x.length})`;
    case "uuid":
      return x.nativeUuid ? use("Uuid") : `${use("Uuid")}({ nativeUuid: false })`;
    case "pg_jsonb":
      return `${use("JSONB", PG)}()`;
    case "pg_uuid":
      return use("UUID", PG);
    case "pg_timestamptz":
      return x.fsp == null ? use("TIMESTAMPTZ", PG) : `${use("TIMESTAMPTZ", PG)}({ precision: ${x.fsp} })`;
    case "pg_array":
      return `${use("ARRAY", PG)}(${renderType(x.itemType, ctx)}${x.dimensions ? ", " + x.dimensions : ""})`;
    case "mysql_tinyint":
    case "mysql_mediumint": {
      const name = t.kind === "mysql_tinyint" ? "TINYINT" : "MEDIUMINT";
      return x.unsigned ? `${use(name, MY)}({ unsigned: true })` : use(name, MY);
    }
    case "mysql_longtext":
      return use("LONGTEXT", MY);
    case "mysql_double":
      return use("DOUBLE", MY);
    case "mysql_timestamp":
      return x.fsp == null ? use("TIMESTAMP", MY) : `${use("TIMESTAMP", MY)}({ fsp: ${x.fsp} })`;
  }
  // A type this renderer doesn't know (a user's own): write what it compiles to.
  let spelling: string;
  try {
    spelling = ctx.compiler.dialect.typeCompiler.process(t);
  } catch {
    spelling = t.toString();
  }
  return `${use("rawType")}(${str(spelling)})`;
}

/** SQL text as `text("…")`, a `:name` that text() would read as a parameter escaped as `\\:name`. */
export function renderSqlText(sql: string, ctx: RenderContext): string {
  return `${ctx.imports.use(A, "text")}(${str(sql.replace(/(?<![:\w\\]):(?=[A-Za-z_])/g, "\\:"))})`;
}

/** A server default as a Column option value. */
export function renderServerDefault(d: ServerDefaultArg, ctx: RenderContext): string {
  if (typeof d === "string") return str(d);
  if (typeof d === "number" || typeof d === "boolean") return String(d);
  if (d instanceof FunctionCall && d.args.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(d.name)) {
    return `${ctx.imports.use(A, "func")}.${d.name}()`;
  }
  if (d instanceof TextClause) return renderSqlText(d.text, ctx);
  if (d instanceof LiteralColumn) return renderSqlText(d.sqlText, ctx);
  return renderSqlText(ctx.compiler.expressionSql(d as ColumnElement<any>), ctx);
}

/** Whether "auto" would make this column autoincrement (a lone integer primary key, no FK, no default). */
function autoByDefault(col: Column): boolean {
  const t = col.table as Table | null;
  if (!t || t.primaryKey.columns.length !== 1 || t.primaryKey.columns[0] !== col) return false;
  return (
    isIntegerType(col.type) &&
    col.foreignKeys.length === 0 &&
    !t.foreignKeys.some((f) => f.parent === col) &&
    !col.serverDefault
  );
}

/** `Column(Type, { … })`; `extra` adds options (e.g. primaryKey). */
export function renderColumn(
  col: Column,
  ctx: RenderContext,
  options: { primaryKey?: boolean } = {},
): string {
  const o: [string, string][] = [];
  if (options.primaryKey) o.push(["primaryKey", "true"]);
  else if (!col.nullable) o.push(["nullable", "false"]);
  if (col.autoincrement !== "auto" && col.autoincrement !== autoByDefault(col)) {
    o.push(["autoincrement", String(col.autoincrement)]);
  }
  const d = col.serverDefault;
  if (d)
    o.push([
      "serverDefault",
      renderServerDefault(d.kind === "literal" ? d.value : (d.expr as ServerDefaultArg), ctx),
    ]);
  if (col.serverOnupdate) {
    const u = col.serverOnupdate;
    o.push([
      "serverOnupdate",
      renderServerDefault(u.kind === "literal" ? u.value : (u.expr as ServerDefaultArg), ctx),
    ]);
  }
  if (col.comment !== null) o.push(["comment", str(col.comment)]);
  const type = renderType(col.type, ctx);
  const lit = objectLiteral(o);
  return `${ctx.imports.use(A, "Column")}(${type}${lit ? ", " + lit : ""})`;
}

const nameOpt = (c: { name: string | null }): [string, string][] => (c.name ? [["name", str(c.name)]] : []);

/** A table-level constraint for createTable's arguments (null: nothing to write). */
export function renderConstraint(c: Constraint, ctx: RenderContext): string | null {
  const use = (n: string) => ctx.imports.use(A, n);
  const cols = c.columns.map((x) => str(x.name));
  const deferrable: [string, string][] = [
    ...(c.deferrable !== null ? ([["deferrable", String(c.deferrable)]] as [string, string][]) : []),
    ...(c.initially !== null ? ([["initially", str(c.initially)]] as [string, string][]) : []),
  ];
  if (c instanceof PrimaryKeyConstraint) {
    const o = objectLiteral(nameOpt(c));
    return `${use("PrimaryKeyConstraint")}(${[...cols, ...(o ? [o] : [])].join(", ")})`;
  }
  if (c instanceof UniqueConstraint) {
    const o = objectLiteral([...nameOpt(c), ...deferrable]);
    return `${use("UniqueConstraint")}(${[...cols, ...(o ? [o] : [])].join(", ")})`;
  }
  if (c instanceof CheckConstraint) {
    if (c._enumColumn) return null; // the Enum type writes its own CHECK
    const sql = ctx.compiler.expressionSql(c.sqltext);
    const o = objectLiteral(nameOpt(c));
    return `${use("CheckConstraint")}(${str(sql)}${o ? ", " + o : ""})`;
  }
  if (c instanceof ForeignKeyConstraint) {
    const ref = c.referredTable;
    const prefix = (ref.schema ? ref.schema + "." : "") + ref.name + ".";
    const targets = c.referredColumns().map((x) => str(prefix + x.name));
    const o = objectLiteral([
      ...nameOpt(c),
      ...(c.ondelete ? ([["ondelete", str(c.ondelete)]] as [string, string][]) : []),
      ...(c.onupdate ? ([["onupdate", str(c.onupdate)]] as [string, string][]) : []),
      ...deferrable,
    ]);
    return `${use("ForeignKeyConstraint")}([${cols.join(", ")}], [${targets.join(", ")}]${o ? ", " + o : ""})`;
  }
  return null;
}
