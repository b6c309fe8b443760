/**
 * Structural cache keys (SQLAlchemy: `sql/cache_key.py`, `_generate_cache_key`).
 *
 * One traversal of a statement writes its shape into a string and collects the values of
 * its bound parameters, in order. Two statements with the same key compile to the same SQL
 * with the same parameter layout, so a compiled statement is reused with the new values:
 * the compiler records, for each parameter slot, the position of its value in this list.
 *
 * Each node class writes its own part (`_ck`), without reflection. Every part is
 * self-delimiting (a tag, then fixed or counted children, and length-prefixed strings), so
 * different shapes never produce the same key.
 */
import type { BindParameter, ClauseElement, FromClause } from "./base.js";
import type { TypeEngine } from "./types/type-engine.js";

let nextId = 1;
const ids = new WeakMap<object, number>();

/** A process-wide number for an object, stable for its lifetime (tables, dialects, functions). */
export function objectId(obj: object): number {
  let id = ids.get(obj);
  if (id === undefined) {
    id = nextId++;
    ids.set(obj, id);
  }
  return id;
}

const typeKeys = new WeakMap<TypeEngine<any>, string>();

/**
 * The structural key of a type: its class and its settings. `String(50)` built twice gives
 * the same key; a different class (a custom type) never does; functions count by identity.
 */
export function typeKey(t: TypeEngine<any>): string {
  let key = typeKeys.get(t);
  if (key === undefined) {
    const ctor = Object.getPrototypeOf(t)?.constructor ?? Object;
    let props: string;
    try {
      props = JSON.stringify(t, (name, v) => {
        if (typeof v === "function") return "fn#" + objectId(v);
        if (
          name !== "" &&
          v !== null &&
          typeof v === "object" &&
          Object.getPrototypeOf(v)?.constructor !== Object &&
          !Array.isArray(v)
        ) {
          const nested = v as TypeEngine<any>;
          return typeof nested.kind === "string" ? "type#" + typeKey(nested) : "obj#" + objectId(v);
        }
        return v;
      });
    } catch {
      props = "id#" + objectId(t);
    }
    key = objectId(ctor) + ":" + t.kind + ":" + props;
    typeKeys.set(t, key);
  }
  return key;
}

/** Builds one statement's key; see the module comment. */
export class CacheKeyBuilder {
  /** The structural key written so far. */
  key = "";
  /** Values of the bound parameters, in traversal order. */
  readonly values: unknown[] = [];
  /** Position in `values` of each bound parameter object. */
  readonly bindIndex = new Map<BindParameter<any>, number>();
  /** False once a node that cannot be cached was met. */
  cacheable = true;
  private fromIndex = new Map<FromClause, number>();

  /** Appends a fixed tag (never user text). */
  s(tag: string): void {
    this.key += tag;
  }
  /** Appends user text, length-prefixed. */
  str(text: string): void {
    this.key += text.length + ":" + text;
  }
  /** Appends a number or a flag. */
  n(value: number | boolean | null): void {
    this.key += value === null ? "~" : value === true ? "T" : value === false ? "F" : value + ";";
  }
  type(t: TypeEngine<any>): void {
    this.str(typeKey(t));
  }
  node(n: ClauseElement | null | undefined): void {
    if (n == null) this.key += "~";
    else n._ck(this);
  }
  list(ns: readonly ClauseElement[]): void {
    this.key += "[" + ns.length + ";";
    for (const n of ns) n._ck(this);
  }
  /** A FROM written in full the first time, then referred to by its position (self-joins, repeated columns). */
  from(f: FromClause): void {
    const seen = this.fromIndex.get(f);
    if (seen !== undefined) {
      this.key += "#" + seen + ";";
      return;
    }
    this.fromIndex.set(f, this.fromIndex.size);
    f._fromKey(this);
  }
  /** An object that matters by identity (a table: its columns' types and defaults are part of it). */
  id(obj: object): void {
    this.key += "@" + objectId(obj) + ";";
  }
  /** A bound parameter: its type and name shape the SQL, its value is extracted. */
  bind(b: BindParameter<any>): void {
    const seen = this.bindIndex.get(b);
    if (seen !== undefined) {
      // The same parameter object used twice stays one value.
      this.key += "&" + seen + ";";
      return;
    }
    this.bindIndex.set(b, this.values.length);
    this.values.push(b.value);
    this.key += b.value === undefined ? "B" : "b";
    if (b.name === null) this.key += "_";
    else this.str(b.name);
    this.type(b.type);
  }
  uncacheable(_node: ClauseElement): void {
    this.cacheable = false;
  }
}

/** A statement's key, the values of its bound parameters and where each parameter's value sits. */
export interface CacheKey {
  readonly key: string;
  readonly values: readonly unknown[];
  readonly bindIndex: ReadonlyMap<BindParameter<any>, number>;
}

/** The last statement keyed: executing one statement object repeatedly (executemany, loops) keys it once. */
let lastStmt: ClauseElement | null = null;
let lastKey: CacheKey | null = null;

/**
 * The cache key of a statement, or null when it holds a construct that cannot be cached.
 * Statements are immutable, so the key of the statement keyed last is reused. (A WeakMap memo
 * per statement costs more in garbage collection than keying again.)
 */
export function generateCacheKey(stmt: ClauseElement): CacheKey | null {
  if (stmt === lastStmt) return lastKey;
  const k = new CacheKeyBuilder();
  stmt._ck(k);
  const ck = k.cacheable ? { key: k.key, values: k.values, bindIndex: k.bindIndex } : null;
  lastStmt = stmt;
  lastKey = ck;
  return ck;
}
