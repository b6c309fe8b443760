/**
 * Declarative mapping (SQLAlchemy: `DeclarativeBase`, `orm/decl_api.py`). `declarativeBase()`
 * makes a base class holding a registry and a MetaData; `Base.model(table, columns, options)`
 * makes a class to extend, whose statics are the table's columns (typed expressions) and whose
 * instances have typed, instrumented attributes.
 *
 * @example
 * const Base = declarativeBase();
 * class User extends Base.model("users", {
 *   id: mappedColumn(Integer, { primaryKey: true }),
 *   email: mappedColumn(String(255), { unique: true }),
 *   firstName: mappedColumn(String(100), { name: "first_name", nullable: true }),
 * }, { args: [Index("ix_users_email_first", "email", "firstName")], mysqlEngine: "InnoDB" }) {
 *   toString() { return `<User ${this.id} ${this.email}>`; }
 * }
 * const u = new User({ email: "ann@x.io" });      // firstName optional, email required
 * select(User).where(User.email.eq("ann@x.io"))   // yields User instances through a Session
 */
import { ArgumentError } from "../../util/errors.js";
import type { Constraint } from "../../schema/constraints.js";
import type { Index } from "../../schema/indexes.js";
import { Table, type BoundColumns, type ColumnSpec, type TableOptions } from "../../schema/table.js";
import type { CLAUSE_ELEMENT, STATEMENT_PLUGIN } from "../../sql/roles.js";
import { attachState, InstanceState, STATE } from "../state/instance-state.js";
import { setColumnValue } from "../state/instrumentation.js";
import type { ForeignKeyed } from "./columns.js";
import type { Mapper, MapperOptions } from "./mapper.js";
import { ColumnProperty } from "./properties.js";
import { MAPPER, mapperOf, Registry, type RegistryOptions } from "./registry.js";

type AbstractCtor = abstract new (...args: any) => any;
type FunctionKey = "name" | "length" | "caller" | "arguments" | "call" | "apply" | "bind" | "toString";
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The instance attributes of a model: each column's value type, by key. Read from the value
 * phantom rather than by matching `Column<infer T, …>`: a foreign key column is an intersection
 * (`Column & ForeignKeyed`), which TypeScript would infer from member by member.
 */
export type ModelRow<C> = {
  -readonly [K in keyof C]: C[K] extends { readonly __value?: infer T } ? T : never;
};
type RequiredKeys<C, Auto> = Exclude<
  {
    [K in keyof C]-?: C[K] extends { readonly __insertOptional?: false }
      ? C[K] extends ForeignKeyed
        ? never // a relationship may fill it at flush
        : K
      : never;
  }[keyof C],
  Auto
>;
/**
 * What the constructor takes: the NOT NULL columns without a default are required, the rest
 * optional. `Auto` names columns the ORM fills itself (the version counter).
 */
export type ModelInit<C, Auto = never> = Simplify<
  { [K in RequiredKeys<C, Auto>]: ModelRow<C>[K] } & {
    [K in Exclude<keyof C, RequiredKeys<C, Auto>>]?: ModelRow<C>[K];
  }
>;
type InitArgs<C, Auto> = [RequiredKeys<C, Auto>] extends [never]
  ? [init?: ModelInit<C, Auto>]
  : [init: ModelInit<C, Auto>];
type AutoKeys<O> = O extends { versionIdCol: infer V } ? V : never;

/** The class-level attributes of a model: its columns (as typed expressions), table, mapper. */
export type ModelStatics<N extends string, C extends ColumnSpec> = {
  readonly [K in Exclude<keyof C & string, FunctionKey>]: BoundColumns<C>[K];
} & {
  readonly __table__: Table<N, BoundColumns<C>>;
  /** Every column by key, including those named like built-in function properties (`c.name`). */
  readonly c: BoundColumns<C>;
  readonly __mapper__: Mapper;
  [CLAUSE_ELEMENT](): Table<N, BoundColumns<C>>;
  readonly [STATEMENT_PLUGIN]?: string;
};

/** The settable attributes of an instance type (for `Model.create`): every non-method property, optional. */
export type ModelAttributes<T> = {
  [K in keyof T as T[K] extends (...args: any) => any ? never : K]?: T[K];
};

/** Any mapped class whose instances are `T` (for generic code: `class Repository<T> { constructor(readonly model: MappedClass<T>) {} }`). */
export type MappedClass<T = any> = (abstract new (...args: any) => T) & {
  [CLAUSE_ELEMENT](): Table<any, any>;
  readonly __table__: Table<any, any>;
  readonly __mapper__: Mapper;
};

/** The class `Base.model(...)` returns, to extend. */
export type ModelClass<B extends AbstractCtor, N extends string, C extends ColumnSpec, Auto = never> = Omit<
  B,
  "prototype"
> &
  ModelStatics<N, C> & {
    new (...args: InitArgs<C, Auto>): InstanceType<B> & ModelRow<C>;
    readonly prototype: InstanceType<B> & ModelRow<C>;
  };

/** Options of `Base.model`: table options, constraints and indexes (`args`), mapper options. */
export interface ModelOptions<C> extends TableOptions, Omit<MapperOptions, "versionIdCol"> {
  /** Constraints and indexes of the table, columns by key (SQLAlchemy: `__table_args__`). */
  args?: readonly (Constraint | Index)[];
  /** Key of the optimistic-concurrency version column (SQLAlchemy: `version_id_col`). */
  versionIdCol?: keyof C & string;
}

const MAPPER_OPTION_KEYS = ["versionIdCol", "versionIdGenerator", "eagerDefaults"] as const;

/** What every declarative base provides; `declarativeBase()` subclasses it with a registry. */
export abstract class DeclarativeRoot {
  /** The registry of this base's mapped classes. */
  static readonly registry: Registry;
  /** The MetaData holding the models' tables: `await Base.metadata.createAll(engine)`. */
  static readonly metadata: Registry["metadata"];

  /**
   * Defines a mapped class for a new table; extend the result. Columns are `mappedColumn(...)`
   * (NOT NULL by default) or Core `Column(...)`; keys are attribute names, `{ name }` sets the
   * database name.
   */
  static model<
    This extends AbstractCtor,
    const N extends string,
    C extends ColumnSpec,
    const O extends ModelOptions<C> = {},
  >(this: This, tablename: N, columns: C, options: O = {} as O): ModelClass<This, N, C, AutoKeys<O>> {
    const base = this as unknown as typeof DeclarativeRoot & { [MAPPER]?: Mapper };
    if (base[MAPPER] !== undefined) {
      throw new ArgumentError(
        `model() was called on the mapped class ${base.name}; call it on the declarative base (Base.model(...)).`,
        "ATH-ORM-MAP",
      );
    }
    const registry = base.registry;
    if (!(registry instanceof Registry)) {
      throw new ArgumentError("model() must be called on a class made by declarativeBase().", "ATH-ORM-MAP");
    }
    const { args = [], ...rest } = options as ModelOptions<C> & Record<string, unknown>;
    const mapperOptions: Record<string, unknown> = {};
    const tableOptions: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) {
      if ((MAPPER_OPTION_KEYS as readonly string[]).includes(k)) mapperOptions[k] = v;
      else tableOptions[k] = v;
    }
    const table = new Table(tablename, registry.metadata, columns, ...args, tableOptions as TableOptions);
    const Model = class extends (base as unknown as new () => object) {
      constructor(init?: Record<string, unknown>) {
        super();
        const m = mapperOf(new.target)!;
        m.registry.configure();
        const state = new InstanceState(m, this, m.emptyValues());
        state.newborn = true;
        // The private slot loading uses too (not a non-enumerable property: a runtime call each).
        attachState(this, state);
        if (m._constructedSample === null || m._constructedFor !== new.target)
          keepConstructedShape(m, new.target);
        if (init !== undefined && init !== null) assignInit(this, m, init);
      }
    };
    Object.defineProperty(Model, "name", { value: `Model(${tablename})` });
    registry.createMapper(Model, table, mapperOptions as MapperOptions, Model.prototype);
    return Model as unknown as ModelClass<This, N, C, AutoKeys<O>>;
  }

  /**
   * A new instance from any of its attributes, relationships included (SQLAlchemy:
   * `Order(user=ann, items=[...])`). The constructor is typed from the columns alone (the model's
   * relationships are declared after it); `create` is typed from the finished class, and every
   * attribute is optional: required columns are checked at flush.
   * @example const order = Order.create({ user: ann, items: [OrderItem.create({ product, quantity: 2 })] });
   */
  static create<T extends object>(this: new (...args: any) => T, init: ModelAttributes<T>): T {
    return new this(init);
  }

  /** The loaded attribute values by key (unloaded ones are left out), for `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    const s = (this as { [STATE]?: InstanceState })[STATE];
    const out: Record<string, unknown> = {};
    if (s === undefined) return out;
    for (const p of s.mapper.columnProps) {
      const v = s.values[p.index];
      if (v !== undefined) out[p.key] = v;
    }
    return out;
  }

  /** `User { id: 1, email: 'ann@x.io' }` in console.log and the Node REPL. */
  [Symbol.for("nodejs.util.inspect.custom")](
    _depth: number,
    options: unknown,
    inspect: (v: unknown, o: unknown) => string,
  ): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), options)}`;
  }
}

/**
 * Keeps an empty instance of the class as its constructor makes them (allocated the way the
 * root constructor allocates for `new cls()`, with its state slot), held by the mapper: a
 * process whose instances all die at a full GC (a benchmark forcing one between runs, a server
 * between requests) would otherwise lose their hidden class, and with it the optimized code of
 * everything that touched them (see util/shapes.ts and `Mapper._loadedSample`). No constructor
 * of the user's runs for it; a class whose constructors add fields keeps only the shape before them.
 */
function keepConstructedShape(mapper: Mapper, cls: new (...args: any) => object): void {
  mapper._constructedFor = cls;
  const sample = Reflect.construct(DeclarativeRoot, [], cls) as object;
  attachState(sample, new InstanceState(mapper, sample, mapper.emptyValues()));
  mapper._constructedSample = sample;
}

/**
 * The constructor's fields, assigned as the instrumented setters would (type check, validator).
 * Column values go to `setColumnValue` directly: a store through `obj[key]` with a different key
 * each time misses V8's inline caches and costs more than the assignment itself.
 */
function assignInit(obj: object, mapper: Mapper, init: Record<string, unknown>): void {
  if (typeof init !== "object") {
    throw new ArgumentError(
      `new ${mapper.className}(fields) takes an object of attribute values, got ${typeof init}.`,
      "ATH-ORM-INIT",
    );
  }
  const props = mapper.propsByKey;
  const direct = reachesColumnSetters(mapper, obj);
  // for-in with an own-property check: the keys of Object.keys, without allocating them.
  for (const key in init) {
    if (!hasOwn.call(init, key)) continue;
    const v = init[key];
    if (v === undefined) continue;
    const p = props.get(key);
    if (p === undefined) {
      throw new ArgumentError(
        `'${key}' is not a mapped attribute of ${mapper.className}. Its attributes are: ${[...props.keys()].join(", ")}.`,
        "ATH-ORM-INIT",
      );
    }
    if (direct && p instanceof ColumnProperty) setColumnValue(obj, p, v);
    else (obj as Record<string, unknown>)[key] = v;
  }
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Whether the object's class leaves the mapped column accessors alone (no subclass redefines one). */
function reachesColumnSetters(mapper: Mapper, obj: object): boolean {
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (mapper._initProto === proto) return mapper._initDirect;
  let direct = true;
  for (let p = proto; p !== null && p !== mapper._proto; p = Object.getPrototypeOf(p) as object | null)
    for (const c of mapper.columnProps) if (hasOwn.call(p, c.key)) direct = false;
  mapper._initProto = proto;
  mapper._initDirect = direct;
  return direct;
}

/**
 * A new declarative base: a class with its own registry and MetaData. Extend it to give every
 * model shared methods (`class Base extends declarativeBase() { toDict() { … } }`).
 * @example
 * const Base = declarativeBase({ namingConvention: { uq: "uq_%(table_name)s_%(column_0_name)s" } });
 * class User extends Base.model("users", { id: mappedColumn(Integer, { primaryKey: true }) }) {}
 * await Base.metadata.createAll(engine);
 */
export function declarativeBase(options: RegistryOptions = {}): typeof DeclarativeRoot {
  const registry = new Registry(options);
  abstract class Base extends DeclarativeRoot {
    static override readonly registry = registry;
    static override readonly metadata = registry.metadata;
  }
  return Base;
}
