/**
 * Mapper properties (SQLAlchemy: `orm/interfaces.py` MapperProperty, `orm/properties.py`
 * ColumnProperty) and the registry of loader strategies by key (SQLAlchemy:
 * `@RelationshipProperty.strategy_for(lazy="selectin")`).
 *
 * A mapper holds its properties by key. Column properties are the only kind so far; relationships
 * are MapperProperty subclasses too, each naming a loader strategy that is looked up here by key,
 * never through an `if (lazy === …)` chain.
 */
import { ArgumentError } from "../../util/errors.js";
import type { Column } from "../../schema/column.js";
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

/** An attribute holding one column's value. `index` is its slot in each instance's value array. */
export class ColumnProperty extends MapperProperty {
  readonly kind = "column";
  readonly strategyKey = "column";
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
  }
}

/**
 * How a property loads. Column properties load with the entity's row (their strategy does
 * nothing more); relationship loaders run after a batch of instances is built.
 */
export interface LoaderStrategy {
  /** Runs once per loaded batch, after the instances are built (eager loaders issue their queries here). */
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

// Column attributes arrive with the entity's row.
registerLoaderStrategy("column", {});
