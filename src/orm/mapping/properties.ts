/**
 * Mapper properties (SQLAlchemy: `orm/interfaces.py` MapperProperty, `orm/properties.py`
 * ColumnProperty) and the registry of loader strategies by key (SQLAlchemy:
 * `@RelationshipProperty.strategy_for(lazy="selectin")`).
 *
 * A mapper holds its properties by key: column properties, and relationships (MapperProperty
 * subclasses too). Each names its default loader strategy, looked up here by key, never through
 * an `if (lazy === …)` chain; loader options (`loading/options.ts`) name another per query.
 */
import { ArgumentError } from "../../util/errors.js";
import type { Column } from "../../schema/column.js";
import type { EntityLoad, QueryCompileContext } from "../loading/query-context.js";
import type { LoadElement } from "../loading/options.js";
import { isDeferredColumn } from "./columns.js";
import type { Mapper } from "./mapper.js";

/** A validator: gets the value being assigned (in the constructor too) and returns the value to store. */
export type Validator<T = any, V = any, K extends string = string> = (this: T, value: V, key: K) => V;

/**
 * Validators of a mapped class, by attribute (SQLAlchemy: `@validates`). Declare them as a static
 * map; `this` is the instance.
 * @example
 * class User extends Base.model("users", { email: mappedColumn(String(255)) }) {
 *   static validators: Validators<User> = {
 *     email(value) { if (!value.includes("@")) throw new Error("bad email"); return value.toLowerCase(); },
 *   };
 * }
 */
export type Validators<T> = {
  [K in keyof T & string as T[K] extends (...args: any) => any ? never : K]?: Validator<T, T[K], K>;
};

/** A mapped attribute of a class. */
export abstract class MapperProperty {
  abstract readonly kind: string;
  /** The loader strategy used unless a statement option says otherwise. */
  abstract readonly strategyKey: string;
  constructor(
    readonly mapper: Mapper,
    readonly key: string,
  ) {}
}

const propsByColumn = new WeakMap<Column<any, any, any>, ColumnProperty>();

/**
 * An attribute holding one column's value. `index` is its slot in each instance's value array.
 * Its strategy is "column" (loaded with the entity), or "deferred" for a column declared
 * `mappedColumn(…, { deferred: true })`; `defer()`/`undefer()`/`loadOnly()` choose per query.
 */
export class ColumnProperty extends MapperProperty {
  readonly kind = "column";
  readonly strategyKey: "column" | "deferred";
  /** Not loaded unless a query option undefers it (SQLAlchemy: `deferred=True`). */
  readonly deferred: boolean;
  /** Runs on assignment (constructor included); set when the class's validators are read. */
  validator: Validator | null = null;
  constructor(
    mapper: Mapper,
    key: string,
    readonly column: Column<any, any, any>,
    readonly index: number,
    readonly isPrimaryKey: boolean,
  ) {
    super(mapper, key);
    this.deferred = isDeferredColumn(column);
    this.strategyKey = this.deferred ? "deferred" : "column";
    if (!propsByColumn.has(column)) propsByColumn.set(column, this);
  }
}

/** The column property mapping a table column (`User.email` is the column), or undefined. */
export function columnPropertyOf(col: Column<any, any, any>): ColumnProperty | undefined {
  return propsByColumn.get(col);
}

/**
 * How a property loads (SQLAlchemy: `LoaderStrategy`, `setup_query` + `create_row_processor`).
 * Column properties are handled by the ORM's compile step itself ("column" selects the column,
 * "deferred" leaves it out). Relationship loaders hook in with `setup`, which runs once when an
 * ORM SELECT is compiled, for every entity loaded at some path whose property uses this
 * strategy: it may join and select more columns, register row processors and post-load work
 * (see `QueryCompileContext` in `loading/query-context.ts`).
 */
export interface LoaderStrategy {
  /**
   * Compile time: `prop` of the entity loaded at `entity.path` uses this strategy. `element` is
   * the loader option that chose it (with its `extra` arguments), or null for the default.
   */
  setup?(
    ctx: QueryCompileContext,
    entity: EntityLoad,
    prop: MapperProperty,
    element: LoadElement | null,
  ): void;
  /**
   * Runs once per loaded batch, after its instances are built, with the states of the root
   * entities of `prop`'s mapper (`context` is the Session). Superseded by `setup` +
   * `ctx.addPostLoad` (which works at any depth); kept for strategies written against it.
   */
  postLoad?(prop: MapperProperty, states: readonly unknown[], context: unknown): Promise<void>;
}

const strategies = new Map<string, LoaderStrategy>();

/** Registers a loader strategy under a key (relationship loaders register "select", "selectin", …). */
export function registerLoaderStrategy(key: string, strategy: LoaderStrategy): void {
  strategies.set(key, strategy);
}

/** The strategy registered under `key`. */
export function loaderStrategy(key: string): LoaderStrategy {
  const s = strategies.get(key);
  if (!s) {
    throw new ArgumentError(
      `No loader strategy '${key}' is registered. Known strategies: ${[...strategies.keys()].join(", ")}.`,
      "ATH-ORM-STRATEGY",
    );
  }
  return s;
}

// Column attributes arrive with the entity's row, or not at all (the compile step chooses).
registerLoaderStrategy("column", {});
registerLoaderStrategy("deferred", {});
