/**
 * The mapper registry (SQLAlchemy: `orm/decl_api.py` `registry`): a MetaData and the mappers of
 * its classes, imperative mapping, and finding the mapper of a class or an instance.
 *
 * A declarative model is created by `Base.model(...)` before the user's subclass exists
 * (`class User extends Base.model(…) {}`); the mapper adopts that subclass the first time it
 * is used (constructed, selected, given to a Session), reading its static `validators` then.
 */
import { ArgumentError } from "../../util/errors.js";
import { MetaData, type MetaDataOptions } from "../../schema/metadata.js";
import { Table } from "../../schema/table.js";
import { CLAUSE_ELEMENT, STATEMENT_PLUGIN } from "../../sql/roles.js";
import { describeClass, UnmappedClassError } from "../errors.js";
import { STATE, type InstanceState } from "../state/instance-state.js";
import { instrumentClass } from "../state/instrumentation.js";
import { Mapper, type MapperOptions } from "./mapper.js";
import { ColumnProperty, type Validator } from "./properties.js";
import { bindRelationships } from "../relationships/setup.js";
import type { Relationship } from "../relationships/relationship.js";

/** The static slot holding a mapped class's Mapper (inherited by subclasses until they are adopted). */
export const MAPPER: unique symbol = Symbol("athanor.orm.mapper");

/**
 * Keys every JavaScript function already has: a column with one of these keys is reachable
 * statically as `Model.c.<key>` only (`User.name` stays the class's name), on instances as usual.
 */
export const FUNCTION_KEYS = new Set([
  "name",
  "length",
  "caller",
  "arguments",
  "call",
  "apply",
  "bind",
  "toString",
]);
/** Keys a mapped class uses for itself (SQLAlchemy reserves `metadata` and `registry` too). */
const RESERVED_STATIC = new Set([
  "metadata",
  "registry",
  "model",
  "create",
  "c",
  "__table__",
  "__mapper__",
  "validators",
  "prototype",
]);
const RESERVED_INSTANCE = new Set(["constructor", "__proto__", "toJSON"]);

export interface RegistryOptions extends MetaDataOptions {
  /** Use this MetaData instead of a new one. */
  metadata?: MetaData;
}

export class Registry {
  readonly metadata: MetaData;
  readonly mappers = new Set<Mapper>();
  /** Some relationship is not configured yet. @internal */
  _needsConfigure = false;
  constructor(options: RegistryOptions = {}) {
    const { metadata, ...rest } = options;
    this.metadata = metadata ?? new MetaData(rest);
  }

  /**
   * Maps a plain class to an existing Table (SQLAlchemy: `registry.map_imperatively`). The class
   * keeps its own constructor; declare its attributes with `declare` so class fields don't hide
   * the instrumented accessors. Returns the class, typed with its static columns.
   * @example
   * class User { declare id: number; declare email: string; constructor(email: string) { this.email = email; } }
   * const MappedUser = registry.mapImperatively(User, usersTable);
   * select(MappedUser).where(MappedUser.email.eq("a@x.io"))
   */
  mapImperatively<Cls extends abstract new (...args: any) => object, T extends Table<any, any>>(
    cls: Cls,
    table: T,
    options: MapperOptions & {
      validators?: Record<string, Validator>;
      /** Relationships by attribute name (statics holding `relationship()` are picked up too). */
      properties?: Record<string, Relationship>;
    } = {},
  ): Cls & MappedStatics<T> {
    if (typeof cls !== "function")
      throw new ArgumentError("mapImperatively() takes a class first.", "ATH-ORM-MAP");
    if (!(table instanceof Table)) {
      throw new ArgumentError(
        `mapImperatively(${describeClass(cls)}, table): table must be a Table.`,
        "ATH-ORM-MAP",
      );
    }
    if (Object.prototype.hasOwnProperty.call(cls, MAPPER)) {
      throw new ArgumentError(`Class ${describeClass(cls)} is already mapped.`, "ATH-ORM-MAP");
    }
    const { properties, ...mapperOptions } = options;
    if (properties !== undefined) {
      for (const [k, rel] of Object.entries(properties))
        Object.defineProperty(cls, k, { value: rel, configurable: true });
    }
    const mapper = this.createMapper(cls, table, mapperOptions, cls.prototype);
    adopt(mapper, cls, options.validators);
    return cls as Cls & MappedStatics<T>;
  }

  /**
   * Configures every relationship of the classes used so far: targets, join conditions,
   * backPopulates (SQLAlchemy: `registry.configure()` / `configure_mappers()`). Runs by itself
   * on first use of a mapped class with a Session; call it to see mapping errors early.
   */
  configure(): void {
    if (!this._needsConfigure) return;
    for (;;) {
      const pending = [...this.mappers].flatMap((m) => m.relationships.filter((r) => !r.isConfigured));
      if (pending.length === 0) break;
      for (const r of pending) r.configure();
    }
    this._needsConfigure = false;
  }

  /** Builds a mapper, instruments `proto` and puts the class-level attributes on `cls`. @internal */
  createMapper(
    cls: abstract new (...args: any) => any,
    table: Table<any, any>,
    options: MapperOptions,
    proto: object,
  ): Mapper {
    for (const col of table.columns) {
      if (RESERVED_INSTANCE.has(col.key) || RESERVED_STATIC.has(col.key)) {
        throw new ArgumentError(
          `Attribute name '${col.key}' is reserved on mapped classes (table '${table.name}'). Give the column another key ` +
            `and keep its database name with { name: "${col.name}" }.`,
          "ATH-ORM-RESERVED",
        );
      }
    }
    const mapper = new Mapper(this, cls, table, options);
    mapper._proto = proto;
    instrumentClass(mapper, proto);
    const statics: PropertyDescriptorMap = {
      __table__: { value: table },
      __mapper__: { value: mapper },
      c: { value: table.c },
      [MAPPER]: { value: mapper },
      [STATEMENT_PLUGIN]: { value: "orm" },
      [CLAUSE_ELEMENT]: {
        value: function (this: unknown) {
          requireMapper(this);
          return table;
        },
      },
    };
    // Getters, so that touching `User.id` adopts the user's subclass (and its relationships).
    const adoptOnAccess = (self: unknown) => {
      if (!mapper._final && self !== cls) mapperOf(self);
    };
    for (const col of table.columns) {
      if (!FUNCTION_KEYS.has(col.key))
        statics[col.key] = {
          get(this: unknown) {
            adoptOnAccess(this);
            return col;
          },
          enumerable: true,
        };
    }
    Object.defineProperties(cls, statics);
    this.mappers.add(mapper);
    return mapper;
  }
}

/** Static attributes an imperatively mapped class gets. */
export type MappedStatics<T extends Table<any, any>> = {
  [CLAUSE_ELEMENT](): T;
  readonly __table__: T;
  readonly __mapper__: Mapper;
  readonly c: T["c"];
} & {
  readonly [
    K in Exclude<
      keyof T["c"] & string,
      "name" | "length" | "caller" | "arguments" | "call" | "apply" | "bind" | "toString"
    >
  ]: T["c"][K];
};

/** The class's final mapper setup: its validators, and a direct slot for fast lookups. */
function adopt(
  mapper: Mapper,
  cls: abstract new (...args: any) => any,
  validators?: Record<string, Validator>,
): void {
  mapper.class_ = cls as abstract new (...args: any) => any;
  mapper._loadedSample = null;
  bindRelationships(mapper, cls);
  if (!Object.prototype.hasOwnProperty.call(cls, MAPPER))
    Object.defineProperty(cls, MAPPER, { value: mapper });
  const v = validators ?? (cls as { validators?: Record<string, Validator> }).validators;
  if (v !== undefined && v !== null) {
    if (typeof v !== "object")
      throw new ArgumentError(
        `${mapper.className}.validators must be an object of functions by attribute.`,
        "ATH-ORM-VALIDATOR",
      );
    for (const [key, fn] of Object.entries(v)) {
      const prop = mapper.propsByKey.get(key);
      if (!(prop instanceof ColumnProperty)) {
        throw new ArgumentError(
          `${mapper.className}.validators names '${key}', which is not a mapped column. Columns: ${mapper.columnProps.map((p) => p.key).join(", ")}.`,
          "ATH-ORM-VALIDATOR",
        );
      }
      if (typeof fn !== "function")
        throw new ArgumentError(
          `${mapper.className}.validators.${key} must be a function.`,
          "ATH-ORM-VALIDATOR",
        );
      prop.validator = fn;
    }
  }
  mapper._final = true;
}

/** The mapper of a class, or null when it is not mapped. Adopts a declarative model's subclass on first use. */
export function mapperOf(target: unknown): Mapper | null {
  if (typeof target !== "function") return null;
  const cls = target as abstract new (...args: any) => any;
  const m = (cls as unknown as { [MAPPER]?: Mapper })[MAPPER];
  if (m === undefined) return null;
  if (m.class_ === cls) {
    if (!m._final) adopt(m, cls);
    return m;
  }
  if (!m._final && Object.getPrototypeOf(cls) === m.class_) {
    adopt(m, cls);
    return m;
  }
  throw new ArgumentError(
    `Class ${describeClass(cls)} extends the mapped class ${describeClass(m.class_)}; mapping a subclass of a mapped class ` +
      "(inheritance mapping) is not supported. Extend a Base.model(...) result with exactly one class.",
    "ATH-ORM-INHERIT",
  );
}

/** The mapper of a class, or UnmappedClassError. */
export function requireMapper(cls: unknown): Mapper {
  const m = mapperOf(cls);
  if (m === null) throw new UnmappedClassError(cls);
  return m;
}

/** The mapper of an instance (its state's, or its class's), or null. */
export function mapperOfInstance(obj: unknown): Mapper | null {
  if (obj === null || typeof obj !== "object") return null;
  const s = (obj as { [STATE]?: InstanceState })[STATE];
  if (s !== undefined) return s.mapper;
  return mapperOf((obj as object).constructor);
}
