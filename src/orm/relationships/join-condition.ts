/**
 * Working out how a relationship joins (SQLAlchemy: `orm/relationships.py` JoinCondition): the
 * direction (many-to-one, one-to-many, many-to-many), the ON clauses, and the column pairs whose
 * values the flush copies from the referenced side to the foreign key side.
 *
 * From foreign keys when they tell one story; from `primaryjoin`/`secondaryjoin` (with
 * `foreignKeys` naming the foreign side when the schema has no ForeignKey) otherwise; a
 * self-referential relationship is one-to-many unless `remoteSide` names the parent's key.
 */
import { ArgumentError } from "../../util/errors.js";
import { ColumnClause, type ColumnElement } from "../../sql/base.js";
import { and, BinaryExpression, BooleanClauseList } from "../../sql/operators.js";
import type { Column } from "../../schema/column.js";
import type { Table } from "../../schema/table.js";

export type Direction = "manyToOne" | "oneToMany" | "manyToMany";

/** `[source, dest]`: at flush, dest (a foreign key column) gets source's value (a referenced column). */
export type SyncPair = readonly [source: Column<any, any, any>, dest: Column<any, any, any>];

export interface JoinCondition {
  readonly direction: Direction;
  /** Parent ↔ target (or parent ↔ secondary for many-to-many). */
  readonly primaryjoin: ColumnElement<boolean>;
  /** Secondary ↔ target (many-to-many only). */
  readonly secondaryjoin: ColumnElement<boolean> | null;
  /**
   * Many-to-one: [target col, parent fk]; one-to-many: [parent col, target fk]; many-to-many:
   * [parent col, secondary fk].
   */
  readonly syncPairs: readonly SyncPair[];
  /** Many-to-many: [target col, secondary fk]. */
  readonly secondarySyncPairs: readonly SyncPair[];
}

export interface JoinSpec {
  /** `Parent.attr`, for messages. */
  readonly where: string;
  readonly parentName: string;
  readonly targetName: string;
  readonly parent: Table<any, any>;
  readonly target: Table<any, any>;
  readonly secondary: Table<any, any> | null;
  readonly primaryjoin: ColumnElement<boolean> | null;
  readonly secondaryjoin: ColumnElement<boolean> | null;
  readonly foreignKeys: ReadonlySet<ColumnElement<any>> | null;
  readonly remoteSide: ReadonlySet<ColumnElement<any>> | null;
}

/** Analyses a relationship's join; errors name both classes and the fix. */
export function joinCondition(spec: JoinSpec): JoinCondition {
  if (spec.secondary !== null) return manyToMany(spec, spec.secondary);
  const pairs =
    spec.primaryjoin !== null
      ? pairsFromExpression(spec, spec.primaryjoin, spec.parent, spec.target)
      : pairsFromForeignKeys(spec, spec.parent, spec.target);
  // Each pair is [referenced, referencing]; which table holds the referencing side says the direction.
  let direction: Direction;
  if (spec.parent === spec.target) {
    const remote = spec.remoteSide;
    if (remote !== null && remote.size > 0) {
      // remoteSide names the parent's key (children point at it): many-to-one; else one-to-many.
      direction = pairs.every(([ref]) => remote.has(ref)) ? "manyToOne" : "oneToMany";
    } else direction = "oneToMany";
  } else {
    const referencingInParent = pairs.filter(([, fk]) => fk.table === spec.parent);
    direction = referencingInParent.length === pairs.length ? "manyToOne" : "oneToMany";
    if (referencingInParent.length > 0 && referencingInParent.length < pairs.length) {
      throw new ArgumentError(
        `${spec.where}: the join between ${spec.parentName} and ${spec.targetName} has foreign keys in both directions ` +
          `(${describePairs(pairs)}). Name the foreign key side with foreignKeys: [...].`,
        "ATH-ORM-REL-DIRECTION",
      );
    }
  }
  const primaryjoin = spec.primaryjoin ?? and(...pairs.map(([ref, fk]) => ref.eq(fk)));
  const syncPairs: SyncPair[] = pairs.map(([ref, fk]) => [ref, fk]);
  return { direction, primaryjoin, secondaryjoin: null, syncPairs, secondarySyncPairs: [] };
}

function manyToMany(spec: JoinSpec, secondary: Table<any, any>): JoinCondition {
  const parentPairs =
    spec.primaryjoin !== null
      ? pairsFromExpression(spec, spec.primaryjoin, spec.parent, secondary)
      : pairsFromForeignKeys(spec, spec.parent, secondary, "primaryjoin");
  const targetPairs =
    spec.secondaryjoin !== null
      ? pairsFromExpression(spec, spec.secondaryjoin, spec.target, secondary)
      : pairsFromForeignKeys(spec, spec.target, secondary, "secondaryjoin", parentPairs);
  for (const [, fk] of [...parentPairs, ...targetPairs]) {
    if (fk.table !== secondary) {
      throw new ArgumentError(
        `${spec.where}: in a many-to-many relationship the foreign keys must be on the secondary table '${secondary.name}', ` +
          `but ${describeColumn(fk)} is not. Check primaryjoin/secondaryjoin and foreignKeys.`,
        "ATH-ORM-REL-M2M",
      );
    }
  }
  return {
    direction: "manyToMany",
    primaryjoin: spec.primaryjoin ?? and(...parentPairs.map(([ref, fk]) => ref.eq(fk))),
    secondaryjoin: spec.secondaryjoin ?? and(...targetPairs.map(([ref, fk]) => ref.eq(fk))),
    syncPairs: parentPairs,
    secondarySyncPairs: targetPairs,
  };
}

/**
 * The foreign key pairs between two tables, one path only: `[referenced, referencing]`. With the
 * same table on both sides (self-reference) each foreign key to itself counts once.
 */
function pairsFromForeignKeys(
  spec: JoinSpec,
  a: Table<any, any>,
  b: Table<any, any>,
  what = "primaryjoin",
  exclude: readonly SyncPair[] = [],
): SyncPair[] {
  const paths = new Map<unknown, SyncPair[]>();
  const collect = (from: Table<any, any>, to: Table<any, any>) => {
    for (const fk of from.foreignKeys) {
      let ref: ColumnClause<any>;
      try {
        ref = fk.column;
      } catch {
        continue; // a key to a table not in this MetaData yet can't be part of this join
      }
      if (ref.table !== to) continue;
      const parent = fk.parent as Column<any, any, any>;
      if (spec.foreignKeys !== null && !spec.foreignKeys.has(parent)) continue;
      if (exclude.some(([, x]) => x === parent)) continue;
      const group = fk.constraint ?? fk;
      const list = paths.get(group) ?? [];
      list.push([ref as Column<any, any, any>, parent]);
      paths.set(group, list);
    }
  };
  collect(a, b);
  if (a !== b) collect(b, a);
  const found = [...paths.values()];
  if (found.length === 0) {
    throw new ArgumentError(
      `${spec.where}: could not determine the join condition between ${spec.parentName} ('${a.name}') and ` +
        `${describeTable(spec, b)}: there are no foreign keys linking them` +
        (spec.foreignKeys !== null ? " among the columns named in foreignKeys" : "") +
        `. Add a ForeignKey to the column that refers to the other table, or pass ${what} (with foreignKeys: [...] when the schema has no ForeignKey).`,
      "ATH-ORM-REL-NOFK",
    );
  }
  if (found.length > 1) {
    throw new ArgumentError(
      `${spec.where}: could not determine the join condition between ${spec.parentName} ('${a.name}') and ` +
        `${describeTable(spec, b)}: there are ${found.length} foreign key paths (${found.map(describePairs).join("; ")}). ` +
        `Pass foreignKeys: [the column to use] (e.g. foreignKeys: [${suggest(found[0]!)}]), or an explicit ${what}.`,
      "ATH-ORM-REL-AMBIGUOUS",
    );
  }
  return found[0]!;
}

/** Pairs from an explicit join expression: each `a = b` between the two tables, foreign side first-class. */
function pairsFromExpression(
  spec: JoinSpec,
  expr: ColumnElement<boolean>,
  a: Table<any, any>,
  b: Table<any, any>,
): SyncPair[] {
  const out: SyncPair[] = [];
  const visit = (e: ColumnElement<any>) => {
    if (e instanceof BooleanClauseList && e.operator === "AND") {
      for (const c of e.clauses) visit(c);
      return;
    }
    if (!(e instanceof BinaryExpression) || e.operator !== "=") return;
    const l = e.left;
    const r = e.right;
    if (!(l instanceof ColumnClause) || !(r instanceof ColumnClause)) return;
    const inPair = (c: ColumnClause<any>) => c.table === a || c.table === b;
    if (!inPair(l) || !inPair(r)) return;
    const fkSide = foreignSide(spec, l as Column<any, any, any>, r as Column<any, any, any>);
    if (fkSide === null) return;
    out.push(
      fkSide === l
        ? [r as Column<any, any, any>, l as Column<any, any, any>]
        : [l as Column<any, any, any>, r as Column<any, any, any>],
    );
  };
  visit(expr);
  if (out.length === 0) {
    throw new ArgumentError(
      `${spec.where}: could not find which columns of the join condition between ${spec.parentName} and ` +
        `${spec.targetName} are foreign keys. Name them with foreignKeys: [...] (the columns that refer to the other side).`,
      "ATH-ORM-REL-NOFK",
    );
  }
  return out;
}

function foreignSide(
  spec: JoinSpec,
  l: Column<any, any, any>,
  r: Column<any, any, any>,
): Column<any, any, any> | null {
  if (spec.foreignKeys !== null) {
    if (spec.foreignKeys.has(l)) return l;
    if (spec.foreignKeys.has(r)) return r;
    return null;
  }
  const refers = (x: Column<any, any, any>, y: Column<any, any, any>) =>
    (x.foreignKeys ?? []).some((fk) => {
      try {
        return fk.column === y;
      } catch {
        return false;
      }
    });
  if (refers(l, r)) return l;
  if (refers(r, l)) return r;
  if (spec.remoteSide !== null && l.table === r.table) {
    // Self-referential without ForeignKey objects: the remote side is the key, the other the foreign side.
    if (spec.remoteSide.has(l)) return r;
    if (spec.remoteSide.has(r)) return l;
  }
  return null;
}

function describeColumn(c: ColumnClause<any>): string {
  const t = c.table as { name?: string } | null;
  return t?.name ? `${t.name}.${c.name}` : c.name;
}

function describePairs(pairs: readonly SyncPair[]): string {
  return pairs.map(([ref, fk]) => `${describeColumn(fk)} → ${describeColumn(ref)}`).join(" AND ");
}

function describeTable(spec: JoinSpec, t: Table<any, any>): string {
  return t === spec.target ? `${spec.targetName} ('${t.name}')` : `the secondary table '${t.name}'`;
}

function suggest(pairs: readonly SyncPair[]): string {
  const fk = pairs[0]![1];
  return `${(fk.table as unknown as { name: string }).name}.c.${fk.key}`;
}
