/**
 * The Mapper: how one class maps to one table (SQLAlchemy: `orm/mapper.py`). It owns the
 * mapped properties by key (columns now; relationships register here too), the primary key,
 * the version counter, identity keys, and a cache of the statements the ORM builds for it
 * (get by primary key, batched UPDATE/DELETE), so each is built and compiled once.
 */
import { ArgumentError } from "../../util/errors.js";
import type { Column } from "../../schema/column.js";
import type { Table } from "../../schema/table.js";
import { MapperEvents } from "../events.js";
import { ColumnProperty, type MapperProperty } from "./properties.js";
import type { Registry } from "./registry.js";
import type { DependencyProcessor } from "../session/unit-of-work.js";
import type { RelationshipProperty } from "../relationships/property.js";

/** Per-class mapping options (SQLAlchemy: `__mapper_args__`). */
export interface MapperOptions {
  /**
   * Key of an integer column used as an optimistic-concurrency version counter (SQLAlchemy:
   * `version_id_col`): every UPDATE and DELETE checks it, and a row changed by someone else
   * raises StaleDataError.
   */
  versionIdCol?: string;
  /** Next version from the current one (default: `n + 1`, starting at 1); `false`: the database sets it. */
  versionIdGenerator?: ((current: any) => unknown) | false;
  /**
   * Fetch server-generated values (server defaults, SQL-expression defaults, `serverOnupdate`)
   * at flush: `"auto"` (default) through RETURNING when the database has it, else they are
   * expired until refreshed; `true` also with an extra SELECT where RETURNING is missing;
   * `false` never (SQLAlchemy: `eager_defaults`).
   */
  eagerDefaults?: boolean | "auto";
}

/** The key of an instance in a Session's identity map (per mapper): primary key values, normalised. */
export type IdentityKey = string | number;

export class Mapper<T extends object = any> {
  /** The mapped class; for a declarative model, the user's subclass once it is first used. */
  class_: abstract new (...args: any) => T;
  /** The mapped class's properties by key, in table column order for columns. */
  readonly propsByKey = new Map<string, MapperProperty>();
  /** Column properties by value index. */
  readonly columnProps: ColumnProperty[] = [];
  /** Relationships by `index` (their slot in each instance's `related` array). */
  readonly relationships: RelationshipProperty[] = [];
  /** The prototype carrying the instrumented accessors. @internal */
  _proto: object | null = null;
  readonly pkProps: ColumnProperty[];
  /** The column the database numbers itself (SERIAL, AUTO_INCREMENT, INTEGER PRIMARY KEY), if any. */
  readonly autoincrementProp: ColumnProperty | null;
  readonly versionProp: ColumnProperty | null;
  readonly versionIdGenerator: ((current: any) => unknown) | false;
  readonly eagerDefaults: boolean | "auto";
  /** Listeners for this class's flush events (beforeInsert, afterUpdate, …). */
  readonly events = new MapperEvents();
  /** Statements built for this mapper, by purpose and shape. @internal */
  readonly _statements = new Map<string, unknown>();
  /** The compiled statement of a plain `Session.get()`, read on every lookup (loading/load-by-identity.ts). @internal */
  _getStatement: unknown = null;
  /**
   * Participants in this mapper's flushes beyond its own rows (relationships add theirs: foreign
   * key syncing, cascades, ordering between mappers). @internal
   */
  readonly dependencyProcessors: DependencyProcessor[] = [];
  /** True once the class to instantiate is final (a declarative model's subclass was seen). @internal */
  _final = false;
  /** True once an added instance was checked for class fields hiding mapped attributes. @internal */
  _shadowChecked = false;
  /** An instance as loading makes them, kept so that their hidden class survives major GCs (orm/shapes.ts). @internal */
  _loadedSample: object | null = null;
  /** The same for instances made by the constructor of `_constructedFor` (mapping/declarative.ts). @internal */
  _constructedSample: object | null = null;
  _constructedFor: unknown = null;
  /** What flushes need to know of the columns (session/flush-info.ts), worked out on first use. @internal */
  _flushInfo: unknown = null;
  /** The instance prototype last checked by the constructor, and whether its column setters are the ORM's. @internal */
  _initProto: object | null = null;
  _initDirect = false;

  constructor(
    readonly registry: Registry,
    cls: abstract new (...args: any) => T,
    readonly table: Table<any, any>,
    options: MapperOptions = {},
  ) {
    this.class_ = cls;
    const cols = table.columns as readonly Column<any, any, any>[];
    cols.forEach((col, i) => {
      const prop = new ColumnProperty(this, col.key, col, i, col.primaryKey);
      this.columnProps.push(prop);
      this.propsByKey.set(col.key, prop);
    });
    this.pkProps = this.columnProps.filter((p) => p.isPrimaryKey);
    if (this.pkProps.length === 0) {
      throw new ArgumentError(
        `Mapper for table '${table.name}' could not assemble any primary key columns. ` +
          "Mark one with { primaryKey: true } (or give the table a PrimaryKeyConstraint): the ORM identifies rows by primary key.",
        "ATH-ORM-NO-PK",
      );
    }
    const auto = table.autoincrementColumn;
    this.autoincrementProp = this.columnProps.find((p) => p.column === auto) ?? null;
    this.versionProp = null;
    if (options.versionIdCol !== undefined) {
      const p = this.propsByKey.get(options.versionIdCol);
      if (!(p instanceof ColumnProperty)) {
        throw new ArgumentError(
          `versionIdCol '${options.versionIdCol}' is not a column of '${table.name}'. Columns: ${[...this.propsByKey.keys()].join(", ")}.`,
          "ATH-ORM-VERSION",
        );
      }
      this.versionProp = p;
    }
    this.versionIdGenerator =
      options.versionIdGenerator ?? ((n: unknown) => (typeof n === "number" ? n + 1 : 1));
    this.eagerDefaults = options.eagerDefaults ?? "auto";
  }

  /** The class's name, for messages. */
  get className(): string {
    return (this.class_ as { name?: string }).name || this.table.name;
  }

  /** A fresh value array with nothing loaded. */
  emptyValues(): unknown[] {
    const n = this.columnProps.length;
    const v = new Array<unknown>(n);
    for (let i = 0; i < n; i++) v[i] = undefined;
    return v;
  }

  /** The identity key of a row's values, or null when a primary key value is missing. */
  identityKey(values: readonly unknown[]): IdentityKey | null {
    const pk = this.pkProps;
    if (pk.length === 1) {
      const v = values[pk[0]!.index];
      return v === null || v === undefined ? null : keyPart(v);
    }
    let key = "";
    for (const p of pk) {
      const v = values[p.index];
      if (v === null || v === undefined) return null;
      key += String(keyPart(v)) + "\u0001";
    }
    return key;
  }

  /** Primary key values from what `session.get()` was given: a value, an array, or an object by key. */
  primaryKeyFrom(ident: unknown): unknown[] {
    const pk = this.pkProps;
    let values: unknown[];
    if (Array.isArray(ident)) values = ident;
    else if (
      ident !== null &&
      typeof ident === "object" &&
      !(ident instanceof Date) &&
      !(ident instanceof Uint8Array)
    ) {
      values = pk.map((p) => (ident as Record<string, unknown>)[p.key]);
    } else values = [ident];
    const names = pk.map((p) => p.key).join(", ");
    if (values.length !== pk.length || values.some((v) => v === undefined || v === null)) {
      throw new ArgumentError(
        `${this.className} has a primary key of ${pk.length} column(s) (${names}); got ${describeIdent(ident)}. ` +
          (pk.length > 1 ? `Pass [${names}] values in order, or an object { ${names} }.` : "Pass its value."),
        "ATH-ORM-IDENT",
      );
    }
    return values;
  }

  /** The identity key for primary key values (in primary key order). */
  identityKeyOfPk(pkValues: readonly unknown[]): IdentityKey {
    return valuesKey(pkValues);
  }

  /** A property by key, or an error naming the mapped attributes. */
  prop(key: string): MapperProperty {
    const p = this.propsByKey.get(key);
    if (!p) {
      throw new ArgumentError(
        `${this.className} has no mapped attribute '${key}'. Its attributes are: ${[...this.propsByKey.keys()].join(", ")}.`,
        "ATH-ORM-ATTRIBUTE",
      );
    }
    return p;
  }

  toString(): string {
    return `Mapper[${this.className}(${this.table.name})]`;
  }
}

/**
 * Key values (a primary key, a foreign key) as one Map key, normalised as identity keys are:
 * relationship loading and the flush match rows to objects with it.
 */
export function valuesKey(vals: readonly unknown[]): IdentityKey {
  if (vals.length === 1) return keyPart(vals[0]);
  let key = "";
  for (const v of vals) key += String(keyPart(v)) + "\u0001";
  return key;
}

/** One primary key value as a Map key: numbers and safe bigints alike, dates by time, bytes by hex. */
export function keyPart(v: unknown): IdentityKey {
  switch (typeof v) {
    case "number":
    case "string":
      return v;
    case "bigint":
      return v >= Number.MIN_SAFE_INTEGER && v <= Number.MAX_SAFE_INTEGER ? Number(v) : "n" + v.toString();
    case "boolean":
      return v ? 1 : 0;
  }
  if (v instanceof Date) return "d" + v.getTime();
  if (v instanceof Uint8Array) return "x" + Buffer.from(v).toString("hex");
  return "j" + JSON.stringify(v);
}

function describeIdent(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}
