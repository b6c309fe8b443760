/**
 * Load paths and path elements (SQLAlchemy: `orm/path_registry.py` PathRegistry, and the
 * coercion of `User.orders` to its `MapperProperty` in `strategy_options.py`).
 *
 * A LoadPath says where an entity is loaded in a query: `User` (a root entity), `User.orders`
 * (the Orders loaded through that relationship), `User.orders → Order.items`. Paths are
 * interned: the same path is the same object, so it serves as a Map key and compares with ===.
 *
 * Path elements are what users pass to loader options: the class-level attributes. A column
 * attribute is the Core Column itself (`User.email`); a relationship attribute implements
 * `[PROPERTY_OF]()` (or exposes `.property`) giving its MapperProperty.
 */
import { ArgumentError } from "../../util/errors.js";
import { ColumnClause } from "../../sql/base.js";
import { describeValue } from "../../sql/coercions.js";
import type { Column } from "../../schema/column.js";
import type { Mapper } from "../mapping/mapper.js";
import { columnPropertyOf, MapperProperty } from "../mapping/properties.js";

/** The method a class-level attribute implements to name its mapped property (`User.orders`). */
export const PROPERTY_OF: unique symbol = Symbol.for("athanor.orm.propertyOf");

/** A class-level attribute standing for a mapped property (a relationship attribute). */
export interface HasMapperProperty {
  [PROPERTY_OF](): MapperProperty;
}

/** What loader options take as path elements: class attributes, or properties themselves. */
export type PathElement =
  MapperProperty | HasMapperProperty | ColumnClause<any> | { readonly property: MapperProperty };

/**
 * The mapped property a path element stands for. A Column resolves through `parent` when given
 * (the mapper the path has reached), else through the mapper of its table.
 */
export function resolvePathElement(x: unknown, parent?: Mapper): MapperProperty {
  if (x instanceof MapperProperty) return x;
  if (x !== null && (typeof x === "object" || typeof x === "function")) {
    const f = (x as Partial<HasMapperProperty>)[PROPERTY_OF];
    if (typeof f === "function") return f.call(x);
    if (x instanceof ColumnClause) {
      const col = x as Column<any, any, any>;
      const own = parent?.columnProps.find((p) => p.column === col);
      const prop = own ?? columnPropertyOf(col);
      if (prop !== undefined) return prop;
      throw new ArgumentError(
        `Column '${col.table ? describeTable(col) : col.name}' is not mapped by any class, so it can't be a loader option path. ` +
          "Pass a mapped class's attribute, such as User.email.",
        "ATH-ORM-OPTION-PATH",
      );
    }
    const p = (x as { property?: unknown }).property;
    if (p instanceof MapperProperty) return p;
  }
  throw new ArgumentError(
    `Loader option paths take mapped class attributes (User.email, User.orders); got ${describeValue(x)}.`,
    "ATH-ORM-OPTION-PATH",
  );
}

function describeTable(col: ColumnClause<any>): string {
  const t = col.table as { name?: string } | null;
  return t?.name ? `${t.name}.${col.name}` : col.name;
}

/** The mapper a property leads to when it relates entities (a relationship's target), else null. */
export function targetMapperOf(prop: MapperProperty): Mapper | null {
  const t = (prop as { target?: unknown }).target;
  return t !== undefined && t !== null && typeof t === "object" && "propsByKey" in t ? (t as Mapper) : null;
}

const roots = new WeakMap<Mapper, LoadPath>();

/** Where an entity is loaded: a root mapper, then the properties leading to it. Interned. */
export class LoadPath {
  private readonly children = new Map<MapperProperty, LoadPath>();
  /** The number of properties from the root (0 for a root entity). */
  readonly depth: number;
  private constructor(
    /** The entity loaded here. */
    readonly mapper: Mapper,
    readonly parent: LoadPath | null,
    /** The property of the parent's entity leading here; null at the root. */
    readonly prop: MapperProperty | null,
  ) {
    this.depth = parent === null ? 0 : parent.depth + 1;
  }

  /** The path of a root entity. */
  static root(mapper: Mapper): LoadPath {
    let p = roots.get(mapper);
    if (p === undefined) {
      p = new LoadPath(mapper, null, null);
      roots.set(mapper, p);
    }
    return p;
  }

  /** The path of the entities `prop` (of this path's entity) loads, whose mapper is `target`. */
  child(prop: MapperProperty, target: Mapper): LoadPath {
    let p = this.children.get(prop);
    if (p === undefined) {
      if (prop.mapper !== this.mapper) {
        throw new ArgumentError(
          `${prop.mapper.className}.${prop.key} is not an attribute of ${this.mapper.className}, the entity at ${this}.`,
          "ATH-ORM-OPTION-PATH",
        );
      }
      p = new LoadPath(target, this, prop);
      this.children.set(prop, p);
    }
    return p;
  }

  /** The root's mapper. */
  get rootMapper(): Mapper {
    return this.parent === null ? this.mapper : this.parent.rootMapper;
  }

  /** The properties from the root, in order. */
  props(): MapperProperty[] {
    if (this.parent === null || this.prop === null) return [];
    const out = this.parent.props();
    out.push(this.prop);
    return out;
  }

  /** `User`, `User.orders → Order.items`. */
  toString(): string {
    const props = this.props();
    if (props.length === 0) return this.mapper.className;
    return props.map((p) => `${p.mapper.className}.${p.key}`).join(" → ");
  }
}
