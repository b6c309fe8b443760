/**
 * Inferring a join's ON clause from foreign keys (SQLAlchemy: `Join._join_condition`).
 */
import { ArgumentError } from "../util/errors.js";
import { ColumnClause, FromClause, registerNodes, type ColumnElement } from "./base.js";
import { Alias, Join, Subquery, TableClause, type ForeignKeyLike } from "./from-clauses.js";
import { and } from "./operators.js";

/** The FROM clauses a join stands for (every table or subquery inside it, not the joins). */
export function joinLeaves(from: FromClause, out: FromClause[] = []): FromClause[] {
  if (from instanceof Join) {
    joinLeaves(from.left, out);
    joinLeaves(from.right, out);
  } else out.push(from);
  return out;
}

/** A readable name of a FROM for messages. */
export function fromName(f: FromClause): string {
  if (f instanceof TableClause) return f.name;
  if (f instanceof Alias) return f.name ?? `alias of ${fromName(f.element)}`;
  if (f instanceof Subquery) return f.name ?? "anonymous subquery";
  if (f instanceof Join) return `${fromName(f.left)} JOIN ${fromName(f.right)}`;
  const named = f as { name?: unknown };
  return typeof named.name === "string" ? named.name : f.kind;
}

function qualified(c: ColumnClause<any>): string {
  return c.table ? `${fromName(c.table)}.${c.name}` : c.name;
}

/** The table an alias or FROM stands for, to match foreign keys that point at the original. */
function original(f: FromClause): FromClause {
  return f instanceof Alias ? original(f.element) : f;
}

/** Pairs (referencing column in `from`, referenced column in `target`) for every FK from → target. */
function fkPairs(fks: readonly ForeignKeyLike[], _from: FromClause, target: FromClause): Pair[] {
  const out: Pair[] = [];
  if (fks.length === 0) return out;
  const targetOriginal = original(target);
  for (const fk of fks) {
    const ref = fk.column.table;
    if (ref === target || (ref !== null && ref === targetOriginal)) {
      const col = (target.c as Record<string, ColumnClause<any> | undefined>)[fk.column.key];
      if (col) out.push([fk.parent, col]);
    }
  }
  return out;
}

/**
 * Infers `ON a.x = b.y` from the foreign keys between two FROM clauses. Exactly one
 * foreign key path is required (a composite key counts as one path); none or several raise
 * an error that says what was found and what to pass instead.
 */
export function inferOnClause(left: FromClause, right: FromClause): ColumnElement<boolean> {
  const paths = joinPaths(left, right);
  if (paths.length === 0) {
    throw new ArgumentError(
      `Can't find any foreign key relationships between '${fromName(left)}' and '${fromName(right)}'. ` +
        `Pass the ON clause explicitly: .join(${fromName(right)}, onclause).`,
      "ATH-JOIN-NOPATH",
    );
  }
  if (paths.length > 1) {
    const describe = paths
      .map((p) => p.map(([a, b]) => `${qualified(a)} = ${qualified(b)}`).join(" AND "))
      .join("; ");
    throw new ArgumentError(
      `Can't determine the join between '${fromName(left)}' and '${fromName(right)}'; ` +
        `there are ${paths.length} foreign key paths (${describe}). Pass the ON clause explicitly.`,
      "ATH-JOIN-AMBIGUOUS",
    );
  }
  // Referenced = referencing, as SQLAlchemy writes it.
  const conds = paths[0]!.map(([parent, referenced]) => referenced.eq(parent as ColumnElement<any>));
  return and(...conds);
}

type Pair = [ColumnClause<any>, ColumnClause<any>];

/**
 * The foreign key paths between two FROMs, each a list of (referencing, referenced) column
 * pairs; the leftmost table of `left` with a path wins (SQLAlchemy's rule). Never throws.
 */
export function joinPaths(left: FromClause, right: FromClause): Pair[][] {
  const rightFks = right.foreignKeys;
  for (const l of joinLeaves(left)) {
    const leftFks = l.foreignKeys;
    // Columns of one foreign key constraint are one path.
    const found = [
      ...groupByConstraint(leftFks, fkPairs(leftFks, l, right)),
      ...groupByConstraint(rightFks, fkPairs(rightFks, right, l)),
    ];
    if (found.length) return found;
  }
  return [];
}

/** Groups FK column pairs by constraint when the table tells which constraint a column belongs to. */
function groupByConstraint(allFks: readonly ForeignKeyLike[], pairs: Pair[]): Pair[][] {
  if (pairs.length === 0) return [];
  const byConstraint = new Map<unknown, Pair[]>();
  const fks = allFks as readonly (ForeignKeyLike & { constraint?: unknown })[];
  for (const pair of pairs) {
    const fk = fks.find(
      (f) => (f.parent === pair[0] || f.parent.key === pair[0].key) && f.column.key === pair[1].key,
    );
    const group = fk?.constraint ?? pair;
    const list = byConstraint.get(group) ?? [];
    list.push(pair);
    byConstraint.set(group, list);
  }
  return [...byConstraint.values()];
}

registerNodes({ inferOnClause });
