/**
 * A relationship between two mapped classes (SQLAlchemy: `orm/relationships.py`
 * RelationshipProperty). Made when its class is mapped, from the `relationship()` the class
 * declared as a static; configured on first use (SQLAlchemy: `configure_mappers()`), when the
 * target class exists: target mapper, direction, join condition, synchronised columns,
 * `backPopulates` partner, cascades. Every mistake is reported then, naming both classes.
 */
import { ArgumentError } from "../../util/errors.js";
import type { ColumnElement } from "../../sql/base.js";
import { OrderByElement } from "../../sql/operators.js";
import type { Column } from "../../schema/column.js";
import { Table } from "../../schema/table.js";
import type { Mapper } from "../mapping/mapper.js";
import { ColumnProperty, MapperProperty } from "../mapping/properties.js";
import { mapperOf } from "../mapping/registry.js";
import { joinCondition, type Direction, type SyncPair } from "./join-condition.js";
import {
  parseCascade,
  resolveThunk,
  type CascadeName,
  type LazyStrategy,
  type RelationshipOptions,
} from "./options.js";

/** What `relationship()` was given as its target: a thunk (`() => Order`), a class, or a class name. */
export type TargetRef = (() => unknown) | (abstract new (...args: any) => any) | string;

export class RelationshipProperty extends MapperProperty {
  readonly kind = "relationship";
  /** The default loader strategy (`lazy`). */
  readonly strategyKey: LazyStrategy;
  /** Slot of this relationship in each instance's `related` array. */
  readonly index: number;
  readonly cascade: ReadonlySet<CascadeName>;
  readonly passiveDeletes: boolean | "all";
  readonly viewonly: boolean;
  private configured = false;
  private configuring = false;
  // Set by configure():
  private _target: Mapper | null = null;
  private _direction: Direction = "oneToMany";
  private _uselist = true;
  private _secondary: Table<any, any> | null = null;
  private _primaryjoin: ColumnElement<boolean> | null = null;
  private _secondaryjoin: ColumnElement<boolean> | null = null;
  private _syncPairs: readonly SyncPair[] = [];
  private _secondarySyncPairs: readonly SyncPair[] = [];
  private _reverse: RelationshipProperty | null = null;
  private _orderBy: readonly OrderByElement[] = [];

  constructor(
    mapper: Mapper,
    key: string,
    index: number,
    readonly targetRef: TargetRef,
    readonly options: RelationshipOptions,
  ) {
    super(mapper, key);
    this.index = index;
    this.strategyKey = options.lazy ?? "select";
    this.cascade = parseCascade(options.cascade, this.where);
    this.passiveDeletes = options.passiveDeletes ?? false;
    this.viewonly = options.viewonly ?? false;
  }

  /** True once configure() succeeded. */
  get isConfigured(): boolean {
    return this.configured;
  }
  /** `User.orders`, for messages. */
  get where(): string {
    return `${this.mapper.className}.${this.key}`;
  }
  /** The mapper of the related class. */
  get target(): Mapper {
    this.configure();
    return this._target!;
  }
  get direction(): Direction {
    this.configure();
    return this._direction;
  }
  /** A collection (true) or a single object (false). */
  get uselist(): boolean {
    this.configure();
    return this._uselist;
  }
  /** Write-only / dynamic collections: never loaded whole. */
  get writeOnly(): boolean {
    return this.strategyKey === "writeOnly" || this.strategyKey === "dynamic";
  }
  get secondary(): Table<any, any> | null {
    this.configure();
    return this._secondary;
  }
  /** Parent ↔ target (or parent ↔ secondary). */
  get primaryjoin(): ColumnElement<boolean> {
    this.configure();
    return this._primaryjoin!;
  }
  /** Secondary ↔ target, for many-to-many. */
  get secondaryjoin(): ColumnElement<boolean> | null {
    this.configure();
    return this._secondaryjoin;
  }
  /**
   * `[source, dest]` column pairs copied at flush. Many-to-one: [target col, parent fk];
   * one-to-many: [parent col, target fk]; many-to-many: [parent col, secondary fk].
   */
  get syncPairs(): readonly SyncPair[] {
    this.configure();
    return this._syncPairs;
  }
  /** Many-to-many: [target col, secondary fk]. */
  get secondarySyncPairs(): readonly SyncPair[] {
    this.configure();
    return this._secondarySyncPairs;
  }
  /** The other side named by `backPopulates` (either side may name it), or null. */
  get reverse(): RelationshipProperty | null {
    this.configure();
    return this._reverse;
  }
  /** ORDER BY of a loaded collection. */
  get orderBy(): readonly OrderByElement[] {
    this.configure();
    return this._orderBy;
  }
  /**
   * The columns of the parent whose values identify its related rows: the referenced key for
   * one-to-many and many-to-many, the foreign key for many-to-one.
   */
  get parentKeyColumns(): readonly Column<any, any, any>[] {
    return (this._keys ??= this.computeKeys()).parentColumns;
  }
  /** The target-side columns matched against parentKeyColumns (the secondary's for many-to-many). */
  get remoteKeyColumns(): readonly Column<any, any, any>[] {
    return (this._keys ??= this.computeKeys()).remoteColumns;
  }
  /** Value indexes in the parent's value array of parentKeyColumns. */
  get parentKeyIndexes(): readonly number[] {
    return (this._keys ??= this.computeKeys()).parentIndexes;
  }
  /** Many-to-one / one-to-many: value indexes in the target's value array of remoteKeyColumns. */
  get targetKeyIndexes(): readonly number[] {
    return (this._keys ??= this.computeKeys()).targetIndexes;
  }
  /** A many-to-one whose remote columns are its target's primary key, in order (identity map lookups work). */
  get remoteIsTargetPk(): boolean {
    return (this._keys ??= this.computeKeys()).remoteIsTargetPk;
  }

  private _keys: {
    parentColumns: readonly Column<any, any, any>[];
    remoteColumns: readonly Column<any, any, any>[];
    parentIndexes: readonly number[];
    targetIndexes: readonly number[];
    remoteIsTargetPk: boolean;
  } | null = null;

  private computeKeys() {
    const d = this.direction;
    const pairs = this.syncPairs;
    const parentColumns = pairs.map(([src, dest]) => (d === "manyToOne" ? dest : src));
    const remoteColumns = pairs.map(([src, dest]) => (d === "manyToOne" ? src : dest));
    const target = this.target;
    const pk = target.pkProps;
    return {
      parentColumns,
      remoteColumns,
      parentIndexes: parentColumns.map((c) => columnIndex(this.mapper, c, this.where)),
      targetIndexes:
        d === "manyToMany"
          ? this.secondarySyncPairs.map(([src]) => columnIndex(target, src, this.where))
          : remoteColumns.map((c) => columnIndex(target, c, this.where)),
      remoteIsTargetPk:
        d === "manyToOne" &&
        pk.length === remoteColumns.length &&
        pk.every((p, i) => p.column === remoteColumns[i]),
    };
  }

  /** Resolves the target and works out the join; idempotent. Errors name both classes. */
  configure(): void {
    if (this.configured) return;
    if (this.configuring) return; // backPopulates partners configure each other
    this.configuring = true;
    try {
      const target = this.resolveTarget();
      this._target = target;
      const o = this.options;
      const secondary = o.secondary === undefined ? null : resolveThunk(o.secondary);
      if (secondary !== null && !(secondary instanceof Table)) {
        throw new ArgumentError(
          `${this.where}: secondary must be a Table (the association table).`,
          "ATH-ORM-REL",
        );
      }
      const cols = (v: readonly ColumnElement<any>[] | (() => readonly ColumnElement<any>[]) | undefined) =>
        v === undefined ? null : new Set(resolveThunk(v));
      const jc = joinCondition({
        where: this.where,
        parentName: this.mapper.className,
        targetName: target.className,
        parent: this.mapper.table,
        target: target.table,
        secondary,
        primaryjoin: o.primaryjoin === undefined ? null : resolveThunk(o.primaryjoin),
        secondaryjoin: o.secondaryjoin === undefined ? null : resolveThunk(o.secondaryjoin),
        foreignKeys: cols(o.foreignKeys),
        remoteSide: cols(o.remoteSide),
      });
      this._secondary = secondary;
      this._direction = jc.direction;
      this._primaryjoin = jc.primaryjoin;
      this._secondaryjoin = jc.secondaryjoin;
      this._syncPairs = jc.syncPairs;
      this._secondarySyncPairs = jc.secondarySyncPairs;
      this._uselist = o.uselist ?? jc.direction !== "manyToOne";
      if (o.orderBy !== undefined) {
        const ob = resolveThunk(o.orderBy);
        const list = Array.isArray(ob) ? ob : [ob];
        this._orderBy = list.map((x) =>
          x instanceof OrderByElement ? x : new OrderByElement(x as ColumnElement<any>, null, null),
        );
      }
      this.checkCascades();
      this.configured = true;
      this.linkBackPopulates();
    } finally {
      this.configuring = false;
    }
  }

  private resolveTarget(): Mapper {
    const ref = this.targetRef;
    let cls: unknown = ref;
    if (typeof ref === "string") {
      const found = [...this.mapper.registry.mappers].find(
        (m) => m.className === ref || m.table.name === ref,
      );
      if (!found) {
        throw new ArgumentError(
          `${this.where}: relationship('${ref}') names no mapped class of this registry. ` +
            `Pass the class through a function instead: relationship(() => ${ref}, …).`,
          "ATH-ORM-REL-TARGET",
        );
      }
      return found;
    }
    if (typeof ref === "function" && !isClass(ref)) {
      try {
        cls = (ref as () => unknown)();
      } catch (err) {
        throw new ArgumentError(
          `${this.where}: the relationship's target function failed: ${err instanceof Error ? err.message : String(err)}. ` +
            "Pass the class through a function that returns it: relationship(() => Order, …).",
          "ATH-ORM-REL-TARGET",
        );
      }
    }
    const m = mapperOf(cls);
    if (m === null) {
      throw new ArgumentError(
        `${this.where}: the relationship's target ${describe(cls)} is not a mapped class. ` +
          `Map it (class X extends Base.model(…)) before ${this.mapper.className} is used, and pass it as relationship(() => X).`,
        "ATH-ORM-REL-TARGET",
      );
    }
    return m;
  }

  private checkCascades(): void {
    const c = this.cascade;
    if (c.has("delete-orphan") && this._direction !== "oneToMany" && !this.options.singleParent) {
      throw new ArgumentError(
        `${this.where}: delete-orphan cascade is for the "one" side of a one-to-many relationship; ` +
          `${this.mapper.className} → ${this._target!.className} is ${this._direction}. ` +
          "Put it on the other side, or pass singleParent: true if each child has only one parent.",
        "ATH-ORM-CASCADE",
      );
    }
    if (this.viewonly && [...c].some((n) => n !== "merge" && n !== "expunge" && n !== "refresh-expire")) {
      if (this.options.cascade !== undefined)
        throw new ArgumentError(
          `${this.where}: a viewonly relationship can't cascade writes (cascade "${this.options.cascade}").`,
          "ATH-ORM-CASCADE",
        );
    }
  }

  private linkBackPopulates(): void {
    const name = this.options.backPopulates;
    if (name === undefined) return;
    const target = this._target!;
    const other = target.propsByKey.get(name);
    if (!(other instanceof RelationshipProperty)) {
      const rels = target.relationships.map((r) => r.key);
      throw new ArgumentError(
        `${this.where}: backPopulates '${name}' names no relationship of ${target.className}` +
          (other instanceof ColumnProperty ? ` ('${name}' is a column)` : "") +
          `. ${target.className}'s relationships: ${rels.length ? rels.join(", ") : "none"}. ` +
          `Declare it: static ${name} = relationship(() => ${this.mapper.className}, { backPopulates: "${this.key}" }).`,
        "ATH-ORM-BACKPOPULATES",
      );
    }
    other.configure();
    if (other._target !== this.mapper) {
      throw new ArgumentError(
        `${this.where}: backPopulates '${name}' names ${target.className}.${name}, which relates to ${other._target?.className} ` +
          `rather than ${this.mapper.className}.`,
        "ATH-ORM-BACKPOPULATES",
      );
    }
    if (other.options.backPopulates !== undefined && other.options.backPopulates !== this.key) {
      throw new ArgumentError(
        `${this.where}: backPopulates '${name}', but ${target.className}.${name} has backPopulates '${other.options.backPopulates}'. ` +
          "Both sides must name each other.",
        "ATH-ORM-BACKPOPULATES",
      );
    }
    this._reverse = other;
    other._reverse = this;
  }

  override toString(): string {
    return `RelationshipProperty[${this.where}]`;
  }
}

function columnIndex(mapper: Mapper, col: Column<any, any, any>, where: string): number {
  const p = mapper.columnProps.find((cp) => cp.column === col);
  if (p === undefined) {
    throw new ArgumentError(
      `${where}: column '${col.name}' is not a column of ${mapper.className}'s table '${mapper.table.name}'.`,
      "ATH-ORM-REL",
    );
  }
  return p.index;
}

function isClass(v: unknown): boolean {
  return typeof v === "function" && /^class[\s{]/.test(Function.prototype.toString.call(v));
}

function describe(v: unknown): string {
  if (typeof v === "function") return `'${(v as { name?: string }).name || "(anonymous)"}'`;
  return `${String(v)} (${typeof v})`;
}
