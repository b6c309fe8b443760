/**
 * A relationship's join as statement pieces (SQLAlchemy: `RelationshipProperty._join_condition`
 * and `_create_joins`), onto the tables themselves or onto aliases: `select(User).join(User.orders)`,
 * `any()`/`has()`, and the joined eager loader (which aliases every table it joins).
 *
 * Columns of a self-referential relationship live in one table on both sides; the remote
 * columns (the foreign key for one-to-many, the key for many-to-one) belong to the target side.
 */
import { ArgumentError } from "../../util/errors.js";
import { ColumnClause, FromClause, type ColumnElement } from "../../sql/base.js";
import { replaceColumns } from "../loading/clause-adapter.js";
import type { RelationshipProperty } from "./property.js";

/** One join of a relationship path: the FROM to join and its ON clause. */
export interface JoinStep {
  readonly target: FromClause;
  readonly onclause: ColumnElement<boolean>;
}

export interface JoinFroms {
  /** The parent's FROM (its table, or an alias of it). */
  readonly parent?: FromClause;
  /** The target's FROM (its table, or an alias of it). */
  readonly target?: FromClause;
  /** The secondary table's FROM, for many-to-many. */
  readonly secondary?: FromClause;
}

/**
 * The joins from the parent to the target: one step, or two through the secondary table.
 * @example select(User).join(User.orders) // uses relationshipJoinSteps(prop) underneath
 */
export function relationshipJoinSteps(prop: RelationshipProperty, froms: JoinFroms = {}): JoinStep[] {
  const parentTable = prop.mapper.table;
  const targetTable = prop.target.table;
  const parent = froms.parent ?? parentTable;
  const target = froms.target ?? targetTable;
  const secondaryTable = prop.secondary;
  if (secondaryTable !== null) {
    const secondary = froms.secondary ?? secondaryTable;
    const toParent = sideMapper(prop, parentTable, parent, secondaryTable, secondary, true);
    const toTarget = sideMapper(prop, targetTable, target, secondaryTable, secondary, false);
    return [
      { target: secondary, onclause: adaptColumns(prop.primaryjoin, toParent) },
      { target, onclause: adaptColumns(prop.secondaryjoin!, toTarget) },
    ];
  }
  if (parentTable === targetTable && parent === target) {
    throw new ArgumentError(
      `${prop.where} relates ${prop.mapper.className} to itself; joining it needs an alias for one side: ` +
        `const child = ${prop.mapper.className}.__table__.alias("child"); select(${prop.mapper.className}).join(${prop.where}.ofType(child)).`,
      "ATH-ORM-REL-SELF-JOIN",
    );
  }
  return [
    {
      target,
      onclause: adaptColumns(
        prop.primaryjoin,
        sideMapper(prop, parentTable, parent, targetTable, target, true),
      ),
    },
  ];
}

/**
 * Maps columns of the two tables of one join to the FROMs standing for them. With one table on
 * both sides (self-reference), remote columns go to the target side.
 */
function sideMapper(
  prop: RelationshipProperty,
  aTable: FromClause,
  a: FromClause,
  bTable: FromClause,
  b: FromClause,
  aIsParent: boolean,
): (c: ColumnClause<any>) => ColumnClause<any> {
  const remote = new Set<ColumnClause<any>>(prop.secondary === null ? prop.remoteKeyColumns : []);
  const onto = (from: FromClause, c: ColumnClause<any>) =>
    from === c.table ? c : ((from.c as Record<string, ColumnClause<any>>)[c.key] ?? c);
  return (c) => {
    if (aTable === bTable && c.table === aTable) {
      const isTargetSide = remote.has(c);
      return onto(isTargetSide === aIsParent ? b : a, c);
    }
    if (c.table === aTable) return onto(a, c);
    if (c.table === bTable) return onto(b, c);
    return c;
  };
}

/** A copy of a join condition with its columns replaced (SQLAlchemy: `ClauseAdapter`). */
export function adaptColumns(
  expr: ColumnElement<any>,
  map: (c: ColumnClause<any>) => ColumnClause<any>,
): ColumnElement<any> {
  return replaceColumns(expr, (c) => {
    const r = map(c);
    return r === c ? undefined : r;
  });
}
