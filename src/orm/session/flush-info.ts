/**
 * What a flush needs to know about a mapper's columns, worked out once per mapper instead of
 * per object: which NOT NULL columns must have a value (and whether a default, the
 * autoincrement counter or the version counter may supply it), and which columns get a value
 * on the client before an INSERT. The per-object work is then a loop over the few columns that
 * matter (SQLAlchemy keeps the same per-mapper lists: `_insert_cols_evaluating_none`,
 * `_server_default_cols`, …).
 *
 * Recomputed when the registry gains mappers: a new mapper's relationships may fill foreign
 * keys of this one at flush (`syncedColumns`), which are checked only after they are copied.
 */
import { FlushError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { ColumnProperty } from "../mapping/properties.js";
import { relationshipsFilling, syncedColumns } from "../relationships/dependency.js";

/** A NOT NULL column and what it may hold when its row is written. */
export class RequiredColumn {
  constructor(
    readonly prop: ColumnProperty,
    readonly index: number,
    /** On INSERT it may be unset: a default, the autoincrement or version counter fills it. */
    readonly unsetOk: boolean,
    /** On INSERT it may be null: the autoincrement key (null asks the database for one). */
    readonly nullOk: boolean,
  ) {}
}

/** What `applyInsertDefaults` does with an unset column. */
type UnsetAction = 0 | 1 | 2 | 3 | 4;
const NONE = 0;
/** The version counter's first value. */
const VERSION = 1;
/** The client-side default value. */
const VALUE = 2;
/** The client-side default function's result. */
const CALL = 3;
/** NULL, so that rows share one column set (a nullable column without server default). */
const NULL = 4;

export class DefaultedColumn {
  constructor(
    readonly prop: ColumnProperty,
    readonly index: number,
    readonly action: UnsetAction,
    /** The autoincrement key: null means "not given". */
    readonly nullIsUnset: boolean,
  ) {}
}

export class FlushInfo {
  constructor(
    /** `registry.mappers.size` when computed. */
    readonly stamp: number,
    /** Every NOT NULL column. */
    readonly required: readonly RequiredColumn[],
    /** NOT NULL columns no relationship fills at flush: checked before any SQL. */
    readonly requiredEarly: readonly RequiredColumn[],
    /** The others: checked once their values are copied. */
    readonly requiredLate: readonly RequiredColumn[],
    /** Columns `applyInsertDefaults` may set. */
    readonly defaulted: readonly DefaultedColumn[],
    /** Columns with a client-side `onupdate` (a value or a function), set by each UPDATE. */
    readonly updateDefaulted: readonly ColumnProperty[],
  ) {}
}

/** The flush facts of a mapper (cached on it). */
export function flushInfo(mapper: Mapper): FlushInfo {
  const cached = mapper._flushInfo as FlushInfo | null;
  const registry = mapper.registry;
  if (cached !== null && cached.stamp === registry.mappers.size && !registry._needsConfigure) return cached;
  const later = syncedColumns(mapper);
  const info = build(mapper, later, registry.mappers.size);
  mapper._flushInfo = info;
  return info;
}

function build(mapper: Mapper, later: ReadonlySet<number>, stamp: number): FlushInfo {
  const required: RequiredColumn[] = [];
  const defaulted: DefaultedColumn[] = [];
  const auto = mapper.autoincrementProp;
  const versioned = (p: ColumnProperty) => p === mapper.versionProp && mapper.versionIdGenerator !== false;
  for (const p of mapper.columnProps) {
    const col = p.column;
    if (!col.nullable) {
      const unsetOk = col.insertDefault !== null || col.serverDefault !== null || p === auto || versioned(p);
      required.push(new RequiredColumn(p, p.index, unsetOk, p === auto));
    }
    const d = col.insertDefault;
    const action = versioned(p)
      ? VERSION
      : d !== null
        ? d.kind === "value"
          ? VALUE
          : d.kind === "fn"
            ? CALL
            : NONE // an expression default is rendered in the statement
        : col.nullable && col.serverDefault === null && p !== auto
          ? NULL
          : NONE;
    if (action !== NONE || p === auto) defaulted.push(new DefaultedColumn(p, p.index, action, p === auto));
  }
  const requiredEarly = required.filter((r) => !later.has(r.index));
  const requiredLate = required.filter((r) => later.has(r.index));
  const updateDefaulted = mapper.columnProps.filter((p) => {
    const d = p.column.updateDefault;
    return d !== null && d.kind !== "expr";
  });
  return new FlushInfo(stamp, required, requiredEarly, requiredLate, defaulted, updateDefaulted);
}

/**
 * A NOT NULL column must get a value: given, or from a default, autoincrement or version
 * counter. Which columns: "early", before foreign keys are copied from related objects (those
 * are checked later); "late", only those foreign keys (the others checked early, and no
 * listener could have changed them since); "all".
 */
export function checkRequired(
  mapper: Mapper,
  states: readonly { readonly values: readonly unknown[] }[],
  inserting: boolean,
  which: "early" | "late" | "all" = "all",
): void {
  const info = flushInfo(mapper);
  const list = which === "all" ? info.required : which === "early" ? info.requiredEarly : info.requiredLate;
  if (list.length === 0) return;
  for (let k = 0; k < states.length; k++) checkColumns(mapper, list, states[k]!.values, inserting);
}

function checkColumns(
  mapper: Mapper,
  list: readonly RequiredColumn[],
  values: readonly unknown[],
  inserting: boolean,
): void {
  for (let k = 0; k < list.length; k++) {
    const r = list[k]!;
    const v = values[r.index];
    if (v === undefined) {
      if (!inserting || r.unsetOk) continue;
    } else if (v !== null || (inserting && r.nullOk)) continue;
    throw requiredError(mapper, r.prop, v, inserting);
  }
}

function requiredError(mapper: Mapper, p: ColumnProperty, v: unknown, inserting: boolean): FlushError {
  const state = v === null ? "null" : "not set";
  const rels = relationshipsFilling(mapper, p.index);
  const fix =
    rels.length > 0
      ? ` It is the foreign key of ${rels.map((r) => r.where).join(" / ")}: relate the ${mapper.className} to ` +
        `a ${rels[0]!.direction === "manyToOne" ? rels[0]!.target.className : rels[0]!.mapper.className}, or delete it ` +
        `(cascade "all, delete-orphan" on the one-to-many side deletes the objects removed from it).`
      : ` Set it before flushing${inserting ? ", or give the column a default." : "."}`;
  return new FlushError(
    `Can't flush ${mapper.className}: ${mapper.className}.${p.key} is required (column '${mapper.table.name}.${p.column.name}' is NOT NULL` +
      `${inserting ? " with no default" : ""}) but is ${state}.${fix}`,
    "ATH-ORM-REQUIRED",
  );
}

/** Client-side defaults and version counters, filled in before the INSERT (their values are then known). */
export function applyInsertDefaults(mapper: Mapper, states: readonly { readonly values: unknown[] }[]): void {
  const list = flushInfo(mapper).defaulted;
  if (list.length === 0) return;
  for (let k = 0; k < states.length; k++) applyDefaults(mapper, list, states[k]!.values);
}

function applyDefaults(mapper: Mapper, list: readonly DefaultedColumn[], values: unknown[]): void {
  for (let k = 0; k < list.length; k++) {
    const d = list[k]!;
    const i = d.index;
    const v = values[i];
    if (v !== undefined) {
      if (v === null && d.nullIsUnset) values[i] = undefined;
      continue;
    }
    switch (d.action) {
      case VERSION:
        values[i] = (mapper.versionIdGenerator as (current: unknown) => unknown)(undefined);
        break;
      case VALUE:
        values[i] = (d.prop.column.insertDefault as { value: unknown }).value;
        break;
      case CALL:
        values[i] = (d.prop.column.insertDefault as { fn: () => unknown }).fn();
        break;
      case NULL:
        values[i] = null;
        break;
    }
  }
}
