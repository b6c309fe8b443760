/**
 * Constraint and index naming conventions (SQLAlchemy: `sql/naming.py`), and the
 * deterministic truncation of generated names that are longer than a database allows.
 *
 * @example
 * const metadata = new MetaData({
 *   namingConvention: {
 *     ix: "ix_%(column_0_label)s",
 *     uq: "uq_%(table_name)s_%(column_0_name)s",
 *     ck: "ck_%(table_name)s_%(constraint_name)s",
 *     fk: "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
 *     pk: "pk_%(table_name)s",
 *   },
 * });
 */
import { createHash } from "node:crypto";
import { ArgumentError, InvalidRequestError } from "../util/errors.js";
import type { ColumnClause } from "../sql/elements.js";

/**
 * A name that is final: no naming convention is applied to it (SQLAlchemy: `conv`).
 * Names made by a convention are of this kind too, so a too-long one is truncated with a hash.
 */
export class Conv {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Marks a constraint or index name as already converted: conventions leave it alone. */
export function conv(name: string): Conv {
  return new Conv(name);
}

/** A constraint or index name as the user gives it. */
export type SchemaItemName = string | Conv;

/** The kinds a convention can name: index, unique, check, foreign key, primary key. */
export type ConventionKey = "ix" | "uq" | "ck" | "fk" | "pk";

/** What a naming convention can read of a constraint or index. */
export interface NameableItem {
  readonly conventionKey: ConventionKey;
  /** The name given by the user (null: none). */
  readonly explicitName: SchemaItemName | null;
  /** What `%(constraint_name)s` stands for when no name was given (an Enum's CHECK: the enum or column name). */
  readonly defaultConstraintName?: string | null;
  /** The constrained columns (for a foreign key: the referencing ones), in order. */
  readonly columns: readonly ColumnClause<any>[];
  /** Foreign keys only: the referenced table's name and columns. */
  referredTableName?(): string;
  referredColumns?(): readonly ColumnClause<any>[];
}

/** What a naming convention reads of the table. */
export interface NameableTable {
  readonly name: string;
  readonly schema: string | null;
}

/** A custom token: computes the text of `%(token)s` for one constraint. */
export type ConventionToken = (item: NameableItem, table: NameableTable) => string;

/**
 * Templates per kind (`ix`, `uq`, `ck`, `fk`, `pk`) using SQLAlchemy's `%(token)s` syntax, plus
 * custom tokens as functions. Tokens: `table_name`, `constraint_name`, `referred_table_name`,
 * `column_0_name` / `_key` / `_label`, `column_0N_name` (all columns joined), `column_0_N_name`
 * (joined with `_`), `referred_column_0_name` (and its N forms).
 */
export interface NamingConvention {
  ix?: string;
  uq?: string;
  ck?: string;
  fk?: string;
  pk?: string;
  [token: string]: string | ConventionToken | undefined;
}

/** SQLAlchemy's default: indexes made by `index: true` get `ix_<table>_<column>`. */
export const DEFAULT_NAMING_CONVENTION: Readonly<NamingConvention> = Object.freeze({
  ix: "ix_%(column_0_label)s",
});

/** A resolved name; `fromConvention` names may be truncated to fit the database. */
export interface ResolvedName {
  readonly name: string;
  readonly fromConvention: boolean;
}

/** The name a constraint or index gets on `table` under `convention` (null: unnamed). */
export function resolveName(
  item: NameableItem,
  table: NameableTable,
  convention: Readonly<NamingConvention>,
): ResolvedName | null {
  const explicit = item.explicitName;
  if (explicit instanceof Conv) return { name: explicit.value, fromConvention: true };
  const template = convention[item.conventionKey];
  if (typeof template === "string" && (explicit === null || template.includes("%(constraint_name)s"))) {
    return { name: applyTemplate(template, item, table, convention), fromConvention: true };
  }
  return explicit === null ? null : { name: explicit, fromConvention: false };
}

const TOKEN_RE = /%\((\w+)\)s|%%/g;
const COLUMN_TOKEN_RE = /^(referred_)?column_(\d+)(_?N)?_(name|key|label)$/;

function applyTemplate(
  template: string,
  item: NameableItem,
  table: NameableTable,
  convention: Readonly<NamingConvention>,
): string {
  return template.replace(TOKEN_RE, (whole, token: string | undefined) => {
    if (token === undefined) return "%";
    const custom = convention[token];
    if (typeof custom === "function") return custom(item, table);
    return tokenValue(token, item, table, template);
  });
}

function tokenValue(token: string, item: NameableItem, table: NameableTable, template: string): string {
  switch (token) {
    case "table_name":
      return table.name;
    case "constraint_name":
      if (item.explicitName === null && item.defaultConstraintName) return item.defaultConstraintName;
      if (item.explicitName === null) {
        throw new InvalidRequestError(
          `Naming convention '${template}' includes the %(constraint_name)s token, which requires that the ` +
            `${describeKind(item.conventionKey)} on table '${table.name}' is explicitly named. Give it a name: { name: "…" }.`,
          "ATH-NAMING",
        );
      }
      return String(item.explicitName);
    case "referred_table_name":
      if (!item.referredTableName) throw unknownToken(token, item, template);
      return item.referredTableName();
  }
  const m = COLUMN_TOKEN_RE.exec(token);
  if (!m) throw unknownToken(token, item, template);
  const [, referred, index, multiple, attr] = m;
  if (referred && !item.referredColumns) throw unknownToken(token, item, template);
  const cols = referred ? item.referredColumns!() : item.columns;
  const render = (c: ColumnClause<any>): string =>
    attr === "name" ? c.name : attr === "key" ? c.key : columnLabel(c);
  if (multiple) return cols.map(render).join(multiple.startsWith("_") ? "_" : "");
  const col = cols[Number(index)];
  return col ? render(col) : "";
}

/** `<table>_<column>` (with `<schema>_` first when the table has a schema), SQLAlchemy's column label. */
function columnLabel(c: ColumnClause<any>): string {
  const t = c.table as unknown as NameableTable | null;
  if (!t || typeof t.name !== "string") return c.name;
  return (t.schema ? t.schema.replace(/\./g, "_") + "_" : "") + t.name + "_" + c.name;
}

function unknownToken(token: string, item: NameableItem, template: string): ArgumentError {
  return new ArgumentError(
    `Naming convention '${template}' for ${describeKind(item.conventionKey)}s uses an unknown token '%(${token})s'. ` +
      `Known tokens: table_name, constraint_name, column_0_name, column_0_key, column_0_label, column_0N_name, ` +
      `column_0_N_name` +
      (item.conventionKey === "fk" ? ", referred_table_name, referred_column_0_name" : "") +
      `; or add a function for '${token}' to the naming convention.`,
    "ATH-NAMING",
  );
}

function describeKind(key: ConventionKey): string {
  return {
    ix: "index",
    uq: "unique constraint",
    ck: "check constraint",
    fk: "foreign key constraint",
    pk: "primary key constraint",
  }[key];
}

/**
 * Shortens a generated name to `max` units (as measured by `measure`) deterministically:
 * the start of the name, `_`, and the last 4 hex digits of its MD5 (SQLAlchemy's scheme).
 */
export function truncateName(
  name: string,
  max: number,
  measure: (s: string) => number = (s) => s.length,
): string {
  if (measure(name) <= max) return name;
  const suffix = "_" + createHash("md5").update(name).digest("hex").slice(-4);
  let head = name.slice(0, Math.max(0, max - 8));
  while (head.length > 0 && measure(head + suffix) > max) head = head.slice(0, -1);
  return head + suffix;
}
