/**
 * The hook API of loader strategies (SQLAlchemy: `create_row_processor`'s populators, `PostLoad`,
 * `QueryContext`): what a strategy registers on an EntityLoad while a query compiles, and what it
 * is given when rows load. `query-context.ts` is the compile side.
 */
import type { Connection } from "../../engine/connection.js";
import type { Params } from "../../engine/execution.js";
import type { ColumnElement, FromClause } from "../../sql/base.js";
import type { OrderByElement } from "../../sql/operators.js";
import type { Select } from "../../sql/select.js";
import type { Mapper } from "../mapping/mapper.js";
import type { ColumnProperty } from "../mapping/properties.js";
import type { InstanceState } from "../state/instance-state.js";
import type { LoadingSession } from "./instances.js";
import type { LoadPath } from "./path.js";

/** What a row processor is told about the instance it runs for. */
export interface RowInfo {
  /** The whole row: read columns added with `addColumns` at the offsets it returned. */
  readonly row: readonly unknown[];
  /**
   * The first row of this load in which this instance appears at this path. Later rows repeat
   * it (a joined collection has one row per member).
   */
  readonly first: boolean;
  /**
   * The instance was made by this load, or overwritten by it (refresh, populateExisting); false
   * when it was already in the Session (then only its unloaded attributes were filled: check
   * whether yours is loaded before replacing it).
   */
  readonly populated: boolean;
  readonly load: LoadContext;
}

/** Runs for each row in which an instance of the entity appears. */
export type RowProcessor = (state: InstanceState, info: RowInfo) => void;
/**
 * Runs for each row with a parent instance: the child built from the joined columns (from the
 * identity map, or new), or null when they are all NULL (no related row). `info` is the parent's.
 * Deeper joined collections repeat a child on several rows for the same parent: append it once
 * (SQLAlchemy keeps a set per collection; `info.load.attributes` is the place for it).
 */
export type LinkProcessor = (parent: InstanceState, child: object | null, info: RowInfo) => void;
/** Runs once per batch after every row is processed, with the entity's distinct instances in row order. */
export type PostLoadWork = (states: readonly InstanceState[], load: LoadContext) => Promise<void>;

/** One execution of a compiled ORM SELECT (SQLAlchemy: `QueryContext`). */
export interface LoadContext {
  readonly session: LoadingSession;
  readonly connection: Connection;
  /** Loaded values overwrite the instances' (refresh; SQLAlchemy: `populate_existing`). */
  readonly populateExisting: boolean;
  /** Storage for strategies, for this execution (SQLAlchemy: `QueryContext.attributes`). */
  readonly attributes: Map<unknown, unknown>;
  /**
   * Runs an ORM SELECT whose entity of `path.mapper` is loaded at `path` (the first such item),
   * under the loader options of the statement being loaded: `selectinload(User.orders)
   * .joinedload(Order.items)` reaches Order.items through here. Builds the instances, runs
   * their row processors and post-load work, and resolves to the rows (tuples of items; each
   * once when joined collections repeat them).
   */
  loadAt(stmt: Select<any, any>, path: LoadPath, params?: Params): Promise<unknown[][]>;
}

/** A joined entity and how its instances attach to the parent's. */
export interface JoinedEntity {
  readonly entity: EntityLoad;
  readonly link: LinkProcessor;
}

/** One entity loaded by a query at some path, and where its columns sit in each row. */
export class EntityLoad {
  /** Entities joined to this one (their columns are in the same row). */
  readonly joined: JoinedEntity[] = [];
  readonly rowProcessors: RowProcessor[] = [];
  readonly postLoads: PostLoadWork[] = [];
  /** Its position in its plan's `entities` (loading keeps per-entity state in arrays by it). @internal */
  index = -1;
  constructor(
    readonly mapper: Mapper,
    readonly path: LoadPath,
    /** The FROM its columns come from: its table, or the alias a strategy joined. Write ON clauses against it. */
    readonly selectable: FromClause,
    /** Row position of its first column. */
    readonly offset: number,
    /** Value index of each of its columns, in row order; null: every column, in table order. */
    readonly indexes: readonly number[] | null,
    /** The number of its columns in the row. */
    readonly width: number,
    /** Row positions of its primary key columns. */
    readonly pkOffsets: readonly number[],
    /** The entity it is joined to; null for a statement item. */
    readonly parent: EntityLoad | null,
    /** Reached through an outer join: its columns may all be NULL. */
    readonly outer: boolean,
  ) {}

  /** Building its instances is all there is to do (no joins, row processors or post loads). */
  get simple(): boolean {
    return this.joined.length === 0 && this.rowProcessors.length === 0 && this.postLoads.length === 0;
  }
}

/** A join a strategy asks for. */
export interface EagerJoin {
  readonly target: FromClause;
  readonly onclause: ColumnElement<boolean | null>;
}

/** What `joinEntity` takes. */
export interface JoinEntitySpec {
  /** The joined entity's mapper (a relationship's target). */
  readonly mapper: Mapper;
  /**
   * The FROM its columns come from: an alias of its table (`mapper.table.alias()`), so that it
   * never clashes with the statement's own FROMs. Its columns are matched to the mapper's by key.
   */
  readonly selectable: FromClause;
  /**
   * The joins to add, in order, each spliced onto the FROM holding the other side of its ON
   * clause. Write the first ON clause against `parent.selectable` (and the aliases).
   */
  readonly joins: readonly EagerJoin[];
  /** INNER JOIN instead of LEFT OUTER JOIN (ignored under an outer-joined parent). */
  readonly inner?: boolean;
  /**
   * Several rows per parent (a collection): results then require `unique()`, and a statement
   * with LIMIT/OFFSET is nested as a subquery the joins attach to.
   */
  readonly collection: boolean;
  /** ORDER BY after the statement's own (a collection's order, against the alias). */
  readonly orderBy?: readonly (ColumnElement<any> | OrderByElement)[];
  /** Attaches each row's child to its parent. */
  readonly link: LinkProcessor;
}

/** A join recorded by `joinEntity`, applied when the statement is assembled. */
export interface PendingJoin extends EagerJoin {
  readonly outer: boolean;
}

/** An EntityLoad whose columns are `props` (null: all) starting at `offset`. @internal */
export function makeEntity(
  mapper: Mapper,
  path: LoadPath,
  selectable: FromClause,
  offset: number,
  props: readonly ColumnProperty[] | null,
  parent: EntityLoad | null,
  outer: boolean,
): EntityLoad {
  const indexes = props === null ? null : props.map((p) => p.index);
  const width = props === null ? mapper.columnProps.length : props.length;
  const pkOffsets = mapper.pkProps.map(
    (p) => offset + (indexes === null ? p.index : indexes.indexOf(p.index)),
  );
  return new EntityLoad(mapper, path, selectable, offset, indexes, width, pkOffsets, parent, outer);
}

/** Where one statement item's values sit in a row, and what it yields. */
export type ItemLoader =
  | {
      readonly kind: "entity";
      readonly mapper: Mapper;
      readonly offset: number;
      readonly width: number;
      readonly entity: EntityLoad;
    }
  | { readonly kind: "column"; readonly offset: number }
  | { readonly kind: "from"; readonly offset: number; readonly keys: readonly string[] };
