/**
 * Loader options (SQLAlchemy: `orm/strategy_options.py` Load, `_LoadElement`,
 * `_AttributeStrategyLoad`): how a query loads attributes, overriding each property's default.
 *
 * An option is a list of LoadElements. Each element is a path from a root entity of the query
 * to one property, with the strategy to use for it (a key of the LoaderStrategy registry) and
 * the strategy's arguments (`extra`). Chaining extends the path:
 *
 *   selectinload(User.orders).joinedload(Order.items).defer(Item.notes)
 *   → [User.orders: "selectin"], [User.orders, Order.items: "joined"],
 *     [User.orders, Order.items, Item.notes: "deferred"]
 *
 * Paths are kept as given (class attributes) and resolved to MapperProperties when a query is
 * compiled, so options can be built before every class is configured.
 */
import { ArgumentError } from "../../util/errors.js";
import { ClauseElement } from "../../sql/base.js";
import type { CacheKeyBuilder } from "../../sql/cache-key.js";
import type { ExecutableOption } from "../../sql/select.js";
import type { Mapper } from "../mapping/mapper.js";
import { ColumnProperty, type MapperProperty } from "../mapping/properties.js";
import { resolvePathElement, targetMapperOf, type PathElement } from "./path.js";

/** One path and the strategy for its last property (SQLAlchemy: `_LoadElement`). */
export class LoadElement {
  private resolved: readonly MapperProperty[] | null = null;
  constructor(
    /** From a root entity to the property, as given. For a wildcard: to any column of the entity it covers. */
    readonly path: readonly PathElement[],
    /** The strategy key ("column", "deferred", "selectin", "joined", …). */
    readonly strategyKey: string,
    /** Arguments for the strategy (`{ innerjoin: true }`, …). */
    readonly extra: Readonly<Record<string, unknown>> = {},
    /** Applies to every column of the entity at `path` minus its last element (loadOnly's "the rest"). */
    readonly wildcard = false,
  ) {}

  /** The path's properties, resolved: each one's mapper is the previous one's target. */
  props(): readonly MapperProperty[] {
    if (this.resolved !== null) return this.resolved;
    const out: MapperProperty[] = [];
    let parent: Mapper | undefined;
    for (const x of this.path) {
      const prop = resolvePathElement(x, parent);
      if (parent !== undefined && prop.mapper !== parent) {
        const prev = out[out.length - 1]!;
        throw new ArgumentError(
          `Loader option path ${this.describe()}: ${prop.mapper.className}.${prop.key} is not an attribute of ` +
            `${parent.className}, the class ${prev.mapper.className}.${prev.key} loads.`,
          "ATH-ORM-OPTION-PATH",
        );
      }
      out.push(prop);
      const target = targetMapperOf(prop);
      parent = target ?? undefined;
      if (target === null && out.length < this.path.length) {
        throw new ArgumentError(
          `Loader option path ${this.describe()}: ${prop.mapper.className}.${prop.key} is not a relationship, ` +
            "so the path can't continue past it.",
          "ATH-ORM-OPTION-PATH",
        );
      }
    }
    this.resolved = out;
    return out;
  }

  /** `User.orders → Order.items` (names of the path's attributes, for messages). */
  describe(): string {
    return this.path
      .map((x) => {
        try {
          const p = resolvePathElement(x);
          return `${p.mapper.className}.${p.key}`;
        } catch {
          return String(x);
        }
      })
      .join(" → ");
  }
}

/** A column attribute given to defer/undefer/loadOnly. */
type ColumnAttr = PathElement;

/**
 * The base of loader options: a list of LoadElements and the relationship path further
 * chained options start from. Subclasses keep the `(elements, chainPath)` constructor, which
 * `chain()` uses to make the next option of the same class.
 */
export abstract class LoaderOption implements ExecutableOption {
  readonly isExecutableOption = true as const;
  constructor(
    readonly elements: readonly LoadElement[],
    /** Where chained options continue: the path of the last relationship chained. */
    readonly chainPath: readonly PathElement[],
  ) {}

  /**
   * A new option with one more element: `strategyKey` for `attr`, at the end of this option's
   * chain path, which it extends (relationship options: `.selectinload(Order.items)`).
   */
  chain(strategyKey: string, attr: PathElement, extra: Readonly<Record<string, unknown>> = {}): this {
    const path = [...this.chainPath, attr];
    return this.next([new LoadElement(path, strategyKey, extra)], path);
  }

  /** Then loads `attr` with a SELECT … IN per batch (SQLAlchemy: `.selectinload()`). */
  selectinload(attr: PathElement): this {
    return this.chain("selectin", attr);
  }
  /** Then loads `attr` with a LEFT OUTER JOIN (INNER with `{ innerjoin: true }`) in the same statement. */
  joinedload(attr: PathElement, options: { innerjoin?: boolean } = {}): this {
    return this.chain("joined", attr, options.innerjoin ? { innerjoin: true } : {});
  }
  /** Then loads `attr` with a SELECT whose parent keys come from the original query as a subquery. */
  subqueryload(attr: PathElement): this {
    return this.chain("subquery", attr);
  }
  /** Then leaves `attr` unloaded (SQLAlchemy: `lazyload`; reading it says how to load it). */
  lazyload(attr: PathElement): this {
    return this.chain("select", attr);
  }
  /** Then makes `attr` read as empty on the loaded objects. */
  noload(attr: PathElement): this {
    return this.chain("noload", attr);
  }
  /** Then leaves `attr` unloaded, reporting lazy: "raise" when read. */
  raiseload(attr: PathElement): this {
    return this.chain("raise", attr);
  }
  /** Then fills `attr` from the statement's own join to its target (or `alias`). */
  containsEager(attr: PathElement, options: { alias?: object } = {}): this {
    return this.chain("containsEager", attr, options.alias ? { alias: options.alias } : {});
  }
  /** Then continues the path through `attr` without changing how it loads. */
  defaultload(attr: PathElement): this {
    return this.chain("default", attr);
  }

  /** Leaves columns out of the query (`selectinload(User.orders).defer(Order.notes)`). */
  defer(...attrs: ColumnAttr[]): this {
    return this.next(columnElements(this.chainPath, attrs, "deferred", "defer"), this.chainPath);
  }
  /** Loads deferred columns. */
  undefer(...attrs: ColumnAttr[]): this {
    return this.next(columnElements(this.chainPath, attrs, "column", "undefer"), this.chainPath);
  }
  /** Loads only these columns of their entity (and its primary key); the others are deferred. */
  loadOnly(...attrs: ColumnAttr[]): this {
    const els = columnElements(this.chainPath, attrs, "column", "loadOnly");
    oneEntity(attrs, "loadOnly");
    els.push(new LoadElement([...this.chainPath, attrs[0]!], "deferred", {}, true));
    return this.next(els, this.chainPath);
  }

  /** @internal part of the statement's cache key: the strategies and paths (by identity). */
  _cacheKey(k: CacheKeyBuilder): void {
    k.s("LO");
    k.n(this.elements.length);
    for (const e of this.elements) {
      k.str(e.strategyKey);
      k.n(e.wildcard);
      k.n(e.path.length);
      for (const x of e.path) k.id(x as object);
      keyExtra(k, e.extra);
    }
  }

  toString(): string {
    return this.elements.map((e) => `${e.strategyKey}(${e.describe()})`).join(", ");
  }

  private next(add: readonly LoadElement[], chainPath: readonly PathElement[]): this {
    const Ctor = this.constructor as new (e: readonly LoadElement[], p: readonly PathElement[]) => this;
    return new Ctor([...this.elements, ...add], chainPath);
  }
}

/** A loader option (SQLAlchemy: `Load`); made by `defer()`, `undefer()`, `loadOnly()` and the relationship loaders. */
export class Load extends LoaderOption {}

function columnElements(
  chainPath: readonly PathElement[],
  attrs: readonly ColumnAttr[],
  strategyKey: string,
  what: string,
): LoadElement[] {
  if (attrs.length === 0)
    throw new ArgumentError(`${what}() needs at least one column attribute.`, "ATH-ARG");
  return attrs.map((a) => {
    // Resolvable now only from the root; under a relationship it is checked when compiled.
    if (chainPath.length === 0) checkColumn(resolvePathElement(a), what);
    return new LoadElement([...chainPath, a], strategyKey);
  });
}

function checkColumn(prop: MapperProperty, what: string): void {
  if (!(prop instanceof ColumnProperty)) {
    throw new ArgumentError(
      `${what}() takes column attributes; ${prop.mapper.className}.${prop.key} is a ${prop.kind}. ` +
        "Use a relationship loader option (selectinload, joinedload, noload, raiseload) for it.",
      "ATH-ORM-OPTION",
    );
  }
  if (prop.isPrimaryKey && what !== "undefer") {
    throw new ArgumentError(
      `${what}(${prop.mapper.className}.${prop.key}): primary key columns are always loaded; the ORM identifies rows by them.`,
      "ATH-ORM-OPTION",
    );
  }
}

function oneEntity(attrs: readonly ColumnAttr[], what: string): void {
  let mapper: Mapper | null = null;
  for (const a of attrs) {
    let m: Mapper;
    try {
      m = resolvePathElement(a).mapper;
    } catch {
      continue; // a column under a relationship path of an unconfigured class: checked at compile
    }
    if (mapper !== null && m !== mapper) {
      throw new ArgumentError(
        `${what}() takes columns of one class; got ${mapper.className} and ${m.className}. Use one ${what}() per class.`,
        "ATH-ORM-OPTION",
      );
    }
    mapper = m;
  }
}

function keyExtra(k: CacheKeyBuilder, extra: Readonly<Record<string, unknown>>): void {
  const keys = Object.keys(extra).sort();
  k.n(keys.length);
  for (const key of keys) {
    k.str(key);
    const v = extra[key];
    if (v instanceof ClauseElement) k.node(v);
    else if (Array.isArray(v) && v.every((x) => x instanceof ClauseElement)) k.list(v as ClauseElement[]);
    else if (v !== null && (typeof v === "object" || typeof v === "function")) k.id(v);
    else k.str(typeof v + ":" + String(v));
  }
}

/**
 * Loads a relationship with one more SELECT per 500 parents: `WHERE key IN (…)` (SQLAlchemy:
 * `selectinload`). Chain to go deeper: `selectinload(User.orders).selectinload(Order.items)`.
 * @example select(User).options(selectinload(User.orders))
 */
export function selectinload(attr: PathElement): Load {
  return new Load([], []).selectinload(attr);
}
/**
 * Loads a relationship in the same statement through a LEFT OUTER JOIN (SQLAlchemy:
 * `joinedload`). Results with joined collections need `.unique()`.
 * @example (await session.scalars(select(Order).options(joinedload(Order.items)))).unique().all()
 */
export function joinedload(attr: PathElement, options: { innerjoin?: boolean } = {}): Load {
  return new Load([], []).joinedload(attr, options);
}
/**
 * Loads a relationship with one more SELECT whose parent keys come from the original query
 * as a subquery (SQLAlchemy: `subqueryload`).
 * @example select(User).where(User.isActive.eq(true)).options(subqueryload(User.orders))
 */
export function subqueryload(attr: PathElement): Load {
  return new Load([], []).subqueryload(attr);
}
/** Leaves a relationship unloaded whatever its default (SQLAlchemy: `lazyload`). @example select(User).options(lazyload(User.roles)) */
export function lazyload(attr: PathElement): Load {
  return new Load([], []).lazyload(attr);
}
/** Makes a relationship read as empty on the objects loaded (SQLAlchemy: `noload`). @example select(User).options(noload(User.orders)) */
export function noload(attr: PathElement): Load {
  return new Load([], []).noload(attr);
}
/** Leaves a relationship unloaded; reading it reports lazy: "raise" (SQLAlchemy: `raiseload`). @example select(User).options(raiseload(User.orders)) */
export function raiseload(attr: PathElement): Load {
  return new Load([], []).raiseload(attr);
}
/**
 * Fills a relationship from the statement's own join (SQLAlchemy: `contains_eager`); the
 * target's columns are added to the SELECT.
 * @example select(Order).join(Order.user).where(User.isActive.eq(true)).options(containsEager(Order.user))
 */
export function containsEager(attr: PathElement, options: { alias?: object } = {}): Load {
  return new Load([], []).containsEager(attr, options);
}
/** Continues a path through a relationship without changing how it loads (SQLAlchemy: `defaultload`). @example defaultload(User.orders).selectinload(Order.items) */
export function defaultload(attr: PathElement): Load {
  return new Load([], []).defaultload(attr);
}

/**
 * Leaves columns out of the query: the attributes stay unloaded on the objects loaded, and
 * reading one raises until `await session.refresh(obj, ["bio"])` (SQLAlchemy: `defer`).
 * @example select(User).options(defer(User.bio))
 */
export function defer(...attrs: ColumnAttr[]): Load {
  return new Load([], []).defer(...attrs);
}

/**
 * Loads columns that are deferred by default (`mappedColumn(Text, { deferred: true })`) or by
 * another option (SQLAlchemy: `undefer`).
 * @example select(User).options(undefer(User.bio))
 */
export function undefer(...attrs: ColumnAttr[]): Load {
  return new Load([], []).undefer(...attrs);
}

/**
 * Loads only these columns of a class (its primary key always); the rest are deferred
 * (SQLAlchemy: `load_only`).
 * @example select(User).options(loadOnly(User.email, User.name))
 */
export function loadOnly(...attrs: ColumnAttr[]): Load {
  return new Load([], []).loadOnly(...attrs);
}

/**
 * Restricts the load of some mapper's root entities to a set of properties (columns outside it
 * are not selected; other properties' strategies don't run). Used by `refresh(obj, ["a", "b"])`
 * (SQLAlchemy: `only_load_props`). @internal
 */
export class OnlyLoadOption implements ExecutableOption {
  readonly isExecutableOption = true as const;
  constructor(
    readonly mapper: Mapper,
    readonly props: ReadonlySet<MapperProperty>,
  ) {}
  _cacheKey(k: CacheKeyBuilder): void {
    k.s("ONLY");
    k.id(this.mapper);
    k.n(this.props.size);
    for (const p of this.props) k.id(p);
  }
}
