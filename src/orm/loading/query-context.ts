/**
 * Compiling an ORM SELECT (SQLAlchemy: `orm/context.py` ORMSelectCompileState, with the
 * `setup_query` / `create_row_processor` halves of each LoaderStrategy): from the statement the
 * user wrote to the Core statement that runs and the plan that turns its rows into objects.
 *
 * 1. Each entity item gets its columns: all of its table's, or those its column strategies load
 *    (`defer`, `undefer`, `loadOnly`, `mappedColumn(…, { deferred: true })`); its primary key
 *    and version counter always.
 * 2. Each other property of the entity (relationships) runs its strategy's `setup(ctx, entity,
 *    prop, element)` — the default strategy, or the loader option's for that path. Through this
 *    context a strategy joins aliased tables and selects their columns (`joinEntity`: a child
 *    entity, whose own properties are set up in turn, at the extended path), adds columns
 *    (`addColumns`), registers row processors (`addRowProcessor`) and post-load work
 *    (`addPostLoad`), and marks the result as needing `unique()`.
 * 3. The statement is assembled (`eager-nesting.ts`): joins spliced onto the parent's FROM, or,
 *    with LIMIT/OFFSET and a joined collection, onto a subquery of the original statement.
 */
import { ArgumentError } from "../../util/errors.js";
import { ColumnElement, FromClause, type ColumnClause } from "../../sql/base.js";
import { OrderByElement } from "../../sql/operators.js";
import type { Select, SelectItem } from "../../sql/select.js";
import type { Mapper } from "../mapping/mapper.js";
import { ColumnProperty, loaderStrategy, type MapperProperty } from "../mapping/properties.js";
import { mapperOf } from "../mapping/registry.js";
import {
  makeEntity,
  type EntityLoad,
  type ItemLoader,
  type JoinEntitySpec,
  type PendingJoin,
  type PostLoadWork,
  type RowProcessor,
} from "./entity-load.js";
import { LoaderOption, OnlyLoadOption, type LoadElement } from "./options.js";
import { LoadPath, targetMapperOf } from "./path.js";

export {
  EntityLoad,
  type EagerJoin,
  type ItemLoader,
  type JoinedEntity,
  type JoinEntitySpec,
  type LinkProcessor,
  type LoadContext,
  type PendingJoin,
  type PostLoadWork,
  type RowInfo,
  type RowProcessor,
} from "./entity-load.js";

/** The compile-time context strategies' `setup` receives (SQLAlchemy: `ORMSelectCompileState`). */
export class QueryCompileContext {
  /** Storage for strategies while compiling. */
  readonly attributes = new Map<unknown, unknown>();
  /** The statement's items, with entity tables replaced by their loaded columns. @internal */
  readonly items: SelectItem[] = [];
  /** Columns after the items: joined entities' and `addColumns`'. @internal */
  readonly extraColumns: ColumnElement<any>[] = [];
  /** @internal */
  readonly joins: PendingJoin[] = [];
  /** @internal */
  readonly eagerOrderBy: OrderByElement[] = [];
  /** Every entity loaded, in setup order (parents before the entities joined to them). @internal */
  readonly entities: EntityLoad[] = [];
  /** @internal */
  width = 0;
  /** @internal */
  uniqueRequired = false;
  /** Some join yields several rows per parent. @internal */
  collectionJoined = false;
  private readonly byPath = new Map<LoadPath, readonly LoadElement[]>();

  constructor(
    /** The ORM statement as written: read its limit, offset, distinct… */
    readonly statement: Select<any, any>,
    /** The loader option elements in effect (the statement's, and those a nested load inherits). */
    readonly elements: readonly LoadElement[],
    /** @internal */
    readonly only: readonly OnlyLoadOption[],
  ) {}

  /**
   * Joins an entity to `parent` for `prop`: records the joins, appends the entity's columns
   * (those its column strategies load at the extended path) to the SELECT list, and sets up its
   * own properties. Returns it: `offset`, `indexes` say where its columns are.
   */
  joinEntity(parent: EntityLoad, prop: MapperProperty, spec: JoinEntitySpec): EntityLoad {
    const path = parent.path.child(prop, spec.mapper);
    const outer = parent.outer || spec.inner !== true;
    for (const j of spec.joins) this.joins.push({ target: j.target, onclause: j.onclause, outer });
    const byKey = new Map(spec.selectable.columns.map((c) => [c.key, c]));
    const props = this.columnsToLoad(path, spec.mapper, null);
    const cols = (props ?? spec.mapper.columnProps).map((p) => {
      const c = byKey.get(p.column.key);
      if (c === undefined) {
        throw new ArgumentError(
          `joinEntity(${path}): the joined FROM has no column '${p.column.key}' of ${spec.mapper.className}. Join an alias of its table.`,
          "ATH-ORM-LOADER",
        );
      }
      return c;
    });
    const offset = this.addColumns(...cols);
    const entity = makeEntity(spec.mapper, path, spec.selectable, offset, props, parent, outer);
    parent.joined.push({ entity, link: spec.link });
    if (spec.collection) {
      this.collectionJoined = true;
      this.requireUnique();
    }
    if (spec.orderBy) this.addOrderBy(...spec.orderBy);
    this.setupEntity(entity);
    return entity;
  }

  /** Appends columns to the SELECT list; returns the row position of the first. */
  addColumns(...cols: ColumnElement<any>[]): number {
    const offset = this.width;
    this.extraColumns.push(...cols);
    this.width += cols.length;
    return offset;
  }

  /** Appends ORDER BY terms after the statement's own. */
  addOrderBy(...terms: (ColumnElement<any> | OrderByElement)[]): void {
    for (const t of terms)
      this.eagerOrderBy.push(t instanceof OrderByElement ? t : new OrderByElement(t, null, null));
  }

  addRowProcessor(entity: EntityLoad, fn: RowProcessor): void {
    entity.rowProcessors.push(fn);
  }

  /** Work to run after every row of a batch is processed, with the entity's instances (selectin, subquery loads). */
  addPostLoad(entity: EntityLoad, fn: PostLoadWork): void {
    entity.postLoads.push(fn);
  }

  /** Results must be `unique()`d: fetching rows without it raises (joined eager collections). */
  requireUnique(): void {
    this.uniqueRequired = true;
  }

  /** The loader option elements ending at a property of the entity loaded at `path`. */
  elementsAt(path: LoadPath): readonly LoadElement[] {
    let found = this.byPath.get(path);
    if (found === undefined) {
      const prefix = path.props();
      const d = prefix.length;
      found = this.elements.filter((e) => {
        const props = e.props();
        if (props.length !== d + 1 || props[d]!.mapper !== path.mapper) return false;
        for (let i = 0; i < d; i++) if (props[i] !== prefix[i]) return false;
        return true;
      });
      this.byPath.set(path, found);
    }
    return found;
  }

  /** The strategy for `prop` of the entity at `path`: the last option naming it, else its default. */
  strategyFor(path: LoadPath, prop: MapperProperty): { key: string; element: LoadElement | null } {
    const els = this.elementsAt(path);
    const d = path.depth;
    for (let i = els.length - 1; i >= 0; i--) {
      const e = els[i]!;
      if (!e.wildcard && e.props()[d] === prop) return { key: e.strategyKey, element: e };
    }
    if (prop instanceof ColumnProperty) {
      for (let i = els.length - 1; i >= 0; i--) {
        const e = els[i]!;
        if (e.wildcard) return { key: e.strategyKey, element: e };
      }
    }
    return { key: prop.strategyKey, element: null };
  }

  /** The column properties to select for the entity at `path`, or null for all of them (in table order). @internal */
  columnsToLoad(path: LoadPath, mapper: Mapper, only: OnlyLoadOption | null): ColumnProperty[] | null {
    const els = this.elementsAt(path);
    const all = mapper.columnProps;
    if (els.length === 0 && only === null && !all.some((p) => p.deferred)) return null;
    const out: ColumnProperty[] = [];
    for (const p of all) {
      // The version counter is needed to UPDATE; a refresh of named attributes leaves it alone
      // (reloading it would hide a concurrent change from the next version check).
      const load =
        p.isPrimaryKey ||
        (only !== null
          ? only.props.has(p)
          : p === mapper.versionProp || this.strategyFor(path, p).key !== "deferred");
      if (load) out.push(p);
    }
    return out.length === all.length ? null : out;
  }

  /** Runs the strategies of the entity's non-column properties. @internal */
  setupEntity(entity: EntityLoad, only: OnlyLoadOption | null = null): void {
    entity.index = this.entities.length;
    this.entities.push(entity);
    for (const prop of otherProps(entity.mapper)) {
      if (only !== null && !only.props.has(prop)) continue;
      const { key, element } = this.strategyFor(entity.path, prop);
      const strategy = loaderStrategy(key);
      if (strategy.setup === undefined && strategy.postLoad === undefined) continue;
      // A default eager load stops where its target was already loaded on the way here (cycles).
      if (element === null && revisits(entity.path, prop)) continue;
      if (strategy.setup !== undefined) strategy.setup(this, entity, prop, element);
      else {
        const legacy = strategy.postLoad!;
        this.addPostLoad(entity, (states, load) => legacy(prop, states, load.session));
      }
    }
  }
}

function revisits(path: LoadPath, prop: MapperProperty): boolean {
  const target = targetMapperOf(prop);
  if (target === null) return false;
  for (let p: LoadPath | null = path; p !== null; p = p.parent) if (p.mapper === target) return true;
  return false;
}

const others = new WeakMap<Mapper, { size: number; props: MapperProperty[] }>();

/** A mapper's properties other than columns (relationships), cached until the mapper gains one. */
function otherProps(mapper: Mapper): readonly MapperProperty[] {
  let o = others.get(mapper);
  if (o === undefined || o.size !== mapper.propsByKey.size) {
    o = {
      size: mapper.propsByKey.size,
      props: [...mapper.propsByKey.values()].filter((p) => !(p instanceof ColumnProperty)),
    };
    others.set(mapper, o);
  }
  return o.props;
}

/** Lays out the statement's items and sets up its entities; the caller assembles the statement. @internal */
export function setupQuery(
  stmt: Select<any, any>,
  path: LoadPath | null,
  inherited: readonly LoadElement[],
): { ctx: QueryCompileContext; items: ItemLoader[]; mappers: Mapper[] } {
  const opts = stmt._s.options;
  const elements = opts.length === 0 ? inherited : [...inherited, ...loaderElements(opts)];
  const only = opts.filter((o): o is OnlyLoadOption => o instanceof OnlyLoadOption);
  const ctx = new QueryCompileContext(stmt, elements, only);
  const raw = stmt._s.rawItems ?? stmt._s.items;
  const items: ItemLoader[] = [];
  const mappers: Mapper[] = [];
  const roots: [EntityLoad, OnlyLoadOption | null][] = [];
  let pathUsed = path === null;
  stmt._s.items.forEach((item, i) => {
    const mapper = mapperOf(raw[i]);
    const offset = ctx.width;
    if (mapper !== null && item instanceof FromClause) {
      let p = LoadPath.root(mapper);
      if (!pathUsed && mapper === path!.mapper) {
        p = path!;
        pathUsed = true;
      }
      const o = only.find((x) => x.mapper === mapper && p.depth === 0) ?? null;
      const props = ctx.columnsToLoad(p, mapper, o);
      if (props === null) ctx.items.push(item);
      else ctx.items.push(...props.map((q) => item.columns[q.index] as ColumnClause<any>));
      const entity = makeEntity(mapper, p, item, offset, props, null, false);
      ctx.width += entity.width;
      items.push({ kind: "entity", mapper, offset, width: entity.width, entity });
      roots.push([entity, o]);
      if (!mappers.includes(mapper)) mappers.push(mapper);
    } else if (item instanceof FromClause) {
      ctx.items.push(item);
      items.push({ kind: "from", offset, keys: item.columns.map((c) => c.key) });
      ctx.width += item.columns.length;
    } else if (item instanceof ColumnElement) {
      ctx.items.push(item);
      items.push({ kind: "column", offset });
      ctx.width += 1;
    }
  });
  if (path === null) checkOptionsApply(elements, mappers);
  for (const [entity, o] of roots) ctx.setupEntity(entity, o);
  return { ctx, items, mappers };
}

function loaderElements(opts: readonly unknown[]): LoadElement[] {
  const out: LoadElement[] = [];
  for (const o of opts) if (o instanceof LoaderOption) out.push(...o.elements);
  return out;
}

/** Every option must start at an entity of the statement (SQLAlchemy raises the same). */
function checkOptionsApply(elements: readonly LoadElement[], mappers: readonly Mapper[]): void {
  for (const e of elements) {
    const first = e.props()[0]!;
    if (!mappers.includes(first.mapper)) {
      throw new ArgumentError(
        `Loader option ${e.strategyKey}(${e.describe()}): ${first.mapper.className}.${first.key} does not apply to ` +
          `any entity of this query (${mappers.map((m) => m.className).join(", ") || "none"}). ` +
          `Give the full path from one of them, e.g. selectinload(${mappers[0]?.className ?? "Parent"}.children).${e.strategyKey === "deferred" ? "defer" : "…"}(${first.mapper.className}.${first.key}).`,
        "ATH-ORM-OPTION-PATH",
      );
    }
  }
}
