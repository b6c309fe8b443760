/**
 * What the engine precomputes once per compiled statement (SQLAlchemy: the parts of
 * `DefaultExecutionContext` that do not change between executions): bind processors per
 * parameter slot, result keys and processors per column, and the driver hints.
 * Nothing here looks anything up per row.
 */
import type { Dialect } from "../dialects/base/dialect.js";
import type { DriverExecuteOptions } from "../dialects/base/driver.js";
import { CompiledWithValues } from "../sql/cache.js";
import type { BindSlot, CompiledStatement } from "../sql/compiled.js";
import type { Processor } from "../sql/types/type-engine.js";
import type { Compilable } from "../sql/visitor.js";
import { UnboundParameterError } from "../util/errors.js";

/** Something `execute` accepts: a statement, text() or a DDL element. */
export type Executable = Compilable;
/** The row type a statement declares through its phantom `__row`. */
export type RowOfStatement<S> = S extends { readonly __row?: infer R } ? R : Record<string, unknown>;
/** The scalar type a statement declares through its phantom `__scalar`. */
export type ScalarOfStatement<S> = S extends { readonly __scalar?: infer X } ? X : unknown;

/** Execution parameters: one set (an object) per execution. */
export type Params = Readonly<Record<string, unknown>>;

export interface ResultPlan {
  /** Row object keys, in column order. */
  readonly keys: readonly string[];
  /** Indexes of the columns that have a result processor, and the processors. */
  readonly processedIndexes: readonly number[];
  readonly processors: readonly Processor[];
}

export interface ExecutionPlan {
  readonly compiled: CompiledStatement;
  /** Bind processor per slot (null: value passes through). */
  readonly bindProcessors: readonly (Processor | null)[];
  /** The result shape when the compiled statement declares it; null: use the driver's column names. */
  readonly resultPlan: ResultPlan | null;
  readonly driverOptions: DriverExecuteOptions | undefined;
  /** The driver hints for a run whose SQL came from the compiled cache (see Dialect.driverOptionsFor). */
  readonly cachedDriverOptions: DriverExecuteOptions | undefined;
  /** Multi-row SQL by row count, for an executemany INSERT sent in pages (see insertmanyvalues.ts). */
  readonly manyValuesSql?: Map<number, string>;
}

export function buildPlan(dialect: Dialect, compiled: CompiledStatement): ExecutionPlan {
  const bindProcessors = compiled.binds.map((s) => (s.type ? dialect.bindProcessorFor(s.type) : null));
  let resultPlan: ResultPlan | null = null;
  if (compiled.resultColumns !== null) {
    const processedIndexes: number[] = [];
    const processors: Processor[] = [];
    compiled.resultColumns.forEach((c, i) => {
      const p = c.type ? dialect.resultProcessorFor(c.type) : null;
      if (p) {
        processedIndexes.push(i);
        processors.push(p);
      }
    });
    resultPlan = { keys: compiled.resultColumns.map((c) => c.key), processedIndexes, processors };
  }
  return {
    compiled,
    bindProcessors,
    resultPlan,
    driverOptions: dialect.driverOptionsFor(compiled, false),
    cachedDriverOptions: dialect.driverOptionsFor(compiled, true),
    ...(compiled.manyValues ? { manyValuesSql: new Map<number, string>() } : {}),
  };
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Statement kinds whose SQL depends on the execution parameters' keys (insert(t)/update(t) given values at execution). */
const KEY_DEPENDENT = new Set(["insert", "update"]);

/** The parameter keys a statement's compilation depends on, or null when it depends on none. */
export function paramKeysFor(
  stmt: { readonly kind: string },
  params: Params | undefined,
): readonly string[] | null {
  if (params === undefined || !KEY_DEPENDENT.has(stmt.kind) || carriesValues(stmt)) return null;
  return Object.keys(params);
}

/**
 * An INSERT with values() or a SELECT, or an UPDATE with values(), compiles the same whatever
 * the parameters' keys (they only fill its bound parameters): no keys to list and to hash.
 */
function carriesValues(stmt: { readonly kind: string }): boolean {
  const st = (
    stmt as { _state?: { rows?: readonly unknown[]; fromSelect?: unknown; values?: { size: number } | null } }
  )._state;
  if (st === undefined) return false;
  if (stmt.kind === "insert") return (st.rows?.length ?? 0) > 0 || (st.fromSelect ?? null) !== null;
  return st.values !== undefined && st.values !== null && st.values.size > 0;
}

/**
 * The positional driver values for one parameter set, following the BindSlot contract:
 * execution param by key, else the statement's own value, else the slot's compute(), else error.
 * `raw`, when given, receives the values before bind processing (for insertedPrimaryKey).
 */
export function assembleParams(plan: ExecutionPlan, params: Params | undefined, raw?: unknown[]): unknown[] {
  // A cache hit keeps its parameters apart from the shared slots (sql/cache.ts).
  const hit = plan.compiled instanceof CompiledWithValues ? plan.compiled : null;
  const slots: readonly BindSlot[] = hit === null ? plan.compiled.binds : hit.slots;
  const procs = plan.bindProcessors;
  const n = slots.length;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) {
    const slot = slots[i]!;
    let v: unknown;
    if (params !== undefined && hasOwn.call(params, slot.key)) v = params[slot.key];
    else if (slot.hasValue) v = hit === null ? slot.value : hit.valueAt(i, slot);
    else if (slot.compute) v = slot.compute();
    else throw new UnboundParameterError(slot.key);
    if (raw) raw[i] = v;
    if (v === null || v === undefined) out[i] = null;
    else {
      const p = procs[i];
      out[i] = p ? p(v) : v;
    }
  }
  return out;
}

/** Applies result processors in place (the driver's row arrays are ours). */
export function processRows(rows: unknown[][], plan: ResultPlan | null): void {
  if (plan === null) return;
  const idx = plan.processedIndexes;
  const procs = plan.processors;
  const m = idx.length;
  if (m === 0) return;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let j = 0; j < m; j++) {
      const i = idx[j]!;
      const v = row[i];
      if (v !== null && v !== undefined) row[i] = procs[j]!(v);
    }
  }
}

/** Keys for driver column names: a repeated name gets `_1`, `_2`… (as compiled result keys do). */
export function keysFromDriverColumns(columns: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return columns.map((name) => {
    const n = seen.get(name);
    if (n === undefined) {
      seen.set(name, 0);
      return name;
    }
    seen.set(name, n + 1);
    return `${name}_${n + 1}`;
  });
}

// ---- row objects ----

export type RowFactory = (values: readonly unknown[]) => any;
/** Builds the row objects of `rows[from…]` into a new array. */
export type RowsFactory = (rows: readonly (readonly unknown[])[], from: number) => any[];

/** The generated constructors of one row shape: one row, and every row from a position. */
export interface RowShape {
  readonly one: RowFactory;
  readonly all: RowsFactory;
}

const factories = new Map<string, RowShape>();
const FACTORY_CACHE_SIZE = 1000;

/**
 * A function building `{ key0: values[idx0], key1: values[idx1], … }`. Generated once per shape
 * as an object literal (every row gets the same hidden class); falls back to a loop where code
 * generation is not allowed.
 */
export function rowFactory(keys: readonly string[], indexes?: readonly number[]): RowFactory {
  return rowShape(keys, indexes).one;
}

/**
 * The row constructors for `keys` (taken from positions `indexes`, by default 0, 1, …). The
 * bulk one has its own loop per shape, so the object literal is built inline rather than through
 * a call site shared by every shape in the program.
 */
export function rowShape(keys: readonly string[], indexes?: readonly number[]): RowShape {
  if (indexes === undefined) {
    // The common case, once per execution: keyed on the (cached, shared) keys array itself.
    let f = byKeys.get(keys);
    if (f === undefined) {
      f = buildShape(keys, identityIndexes(keys.length));
      byKeys.set(keys, f);
    }
    return f;
  }
  return buildShape(keys, indexes);
}

const byKeys = new WeakMap<readonly string[], RowShape>();

/** [0, 1, …, n - 1], shared per length (small lengths) so that per-execution callers allocate nothing. */
export function identityIndexes(n: number): readonly number[] {
  let idx = identityByLength[n];
  if (idx === undefined) {
    idx = Array.from({ length: n }, (_, i) => i);
    if (n < 256) identityByLength[n] = idx;
  }
  return idx;
}
const identityByLength: (readonly number[])[] = [];

function buildShape(keys: readonly string[], idx: readonly number[]): RowShape {
  const sig = keys.join("\u0000") + "\u0001" + idx.join(",");
  let f = factories.get(sig);
  if (f) return f;
  try {
    const literal =
      "{ " +
      keys
        .map(
          (k, i) =>
            (k === "__proto__" ? `[${JSON.stringify(k)}]` : JSON.stringify(k)) + ": v[" + idx[i] + "]",
        )
        .join(", ") +
      " }";
    f = {
      one: new Function("v", `return ${literal};`) as RowFactory,
      all: new Function(
        "rows",
        "from",
        "const n = rows.length;\n" +
          "const out = new Array(n > from ? n - from : 0);\n" +
          `for (let i = from; i < n; i++) { const v = rows[i]; out[i - from] = ${literal}; }\n` +
          "return out;",
      ) as RowsFactory,
    };
  } catch {
    const one: RowFactory = (v) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) o[keys[i]!] = v[idx[i]!];
      return o;
    };
    f = {
      one,
      all: (rows, from) => {
        const out: unknown[] = [];
        for (let i = from; i < rows.length; i++) out.push(one(rows[i]!));
        return out;
      },
    };
  }
  if (factories.size >= FACTORY_CACHE_SIZE) factories.delete(factories.keys().next().value as string);
  factories.set(sig, f);
  return f;
}
