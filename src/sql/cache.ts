/**
 * The compiled-statement cache (SQLAlchemy: the engine's `_compiled_cache`, an LRU keyed by
 * the statement's structural cache key). A statement whose shape was compiled before is
 * not compiled again: the cached SQL and parameter layout take the new statement's values.
 */
import type { ClauseElement } from "./base.js";
import { generateCacheKey, objectId, type CacheKey } from "./cache-key.js";
import type { BindSlot, CompiledStatement } from "./compiled.js";
import type { CompileOptions, CompiledWithLayout } from "./compiler-expressions.js";

/** What the cache needs of a dialect: `Dialect.compile`. */
export interface CompilingDialect {
  readonly name: string;
  compile(stmt: any, options?: CompileOptions): CompiledStatement;
}

export interface StatementCacheStats {
  /** Compilations avoided. */
  readonly hits: number;
  /** Statements compiled and stored. */
  readonly misses: number;
  /** Statements compiled without caching (DDL, literal binds, constructs that can't be keyed). */
  readonly uncached: number;
  /** Entries dropped to stay within `maxSize`. */
  readonly evictions: number;
  readonly size: number;
  readonly maxSize: number;
}

export interface CacheLookup {
  /** The statement's compiled form, carrying its own values. */
  readonly compiled: CompiledStatement;
  /** The cache entry's compiled statement, shared by every statement of this shape. */
  readonly template: CompiledStatement;
  /** True when no compilation happened. */
  readonly hit: boolean;
}

interface Entry {
  readonly compiled: CompiledWithLayout;
  /** True when some slot takes its value from the statement (else the compiled statement is reused as is). */
  readonly usesValues: boolean;
}

/**
 * An LRU of compiled statements, per dialect and parameter-key layout.
 * @example
 * const cache = new StatementCache(500);
 * const compiled = cache.compile(engine.dialect, select(users).where(users.c.id.eq(5)));
 * cache.stats(); // { hits: 0, misses: 1, … }
 */
export class StatementCache {
  private entries = new Map<string, Entry>();
  private lastLookup = new WeakMap<ClauseElement, { readonly key: string; readonly result: CacheLookup }>();
  private counters = { hits: 0, misses: 0, uncached: 0, evictions: 0 };

  /** @param maxSize how many compiled statements to keep (SQLAlchemy's `query_cache_size`, default 500); 0 disables caching. */
  constructor(readonly maxSize = 500) {}

  /** Compiles `stmt` for `dialect`, or reuses the compiled form of an earlier statement of the same shape. */
  compile(dialect: CompilingDialect, stmt: ClauseElement, options: CompileOptions = {}): CompiledStatement {
    return this.lookup(dialect, stmt, options).compiled;
  }

  /**
   * Like `compile`, also telling whether it was a hit and giving the cached entry's own
   * compiled statement (`template`: the same object for every statement of this shape), so
   * callers can keep per-shape work (bind and result processors) next to it.
   */
  lookup(dialect: CompilingDialect, stmt: ClauseElement, options: CompileOptions = {}): CacheLookup {
    const keyable =
      this.maxSize > 0 && !options.literalBinds && typeof (stmt as Partial<ClauseElement>)._ck === "function";
    const ck = keyable ? generateCacheKey(stmt) : null;
    if (ck === null) {
      this.counters.uncached++;
      const compiled = dialect.compile(stmt, options);
      return { compiled, template: compiled, hit: false };
    }
    const keys = options.paramKeys;
    // The same statement object run again (ORM and prepared statements are): reuse its last lookup
    // instead of hashing its key (large for a multi-row INSERT) and copying its values again.
    const memoKey =
      objectId(dialect) +
      (options.implicitReturning ? "|r|" : "|") +
      (keys && keys.length ? keys.join("\u0001") : "");
    const memo = this.lastLookup.get(stmt);
    if (memo !== undefined && memo.key === memoKey) {
      this.counters.hits++;
      return memo.result.hit ? memo.result : { ...memo.result, hit: true };
    }
    const result = this.lookupByKey(dialect, stmt, options, ck, memoKey);
    this.lastLookup.set(stmt, { key: memoKey, result });
    return result;
  }

  private lookupByKey(
    dialect: CompilingDialect,
    stmt: ClauseElement,
    options: CompileOptions,
    ck: CacheKey,
    memoKey: string,
  ): CacheLookup {
    const fullKey = memoKey + "|" + ck.key;
    const hit = this.entries.get(fullKey);
    if (hit) {
      this.counters.hits++;
      // Most recently used last.
      this.entries.delete(fullKey);
      this.entries.set(fullKey, hit);
      return {
        compiled: hit.usesValues ? withValues(hit.compiled, ck.values) : hit.compiled,
        template: hit.compiled,
        hit: true,
      };
    }
    this.counters.misses++;
    const compiled = dialect.compile(stmt, { ...options, cacheKey: ck }) as CompiledWithLayout;
    // A compiler that doesn't record the parameter layout can't be reused with new values.
    if (!compiled.bindIndexes) return { compiled, template: compiled, hit: false };
    this.entries.set(fullKey, { compiled, usesValues: compiled.bindIndexes.some((i) => i >= 0) });
    if (this.entries.size > this.maxSize) {
      this.entries.delete(this.entries.keys().next().value as string);
      this.counters.evictions++;
    }
    return { compiled, template: compiled, hit: false };
  }

  stats(): StatementCacheStats {
    return { ...this.counters, size: this.entries.size, maxSize: this.maxSize };
  }

  /** Drops every entry (counters are kept). */
  clear(): void {
    this.entries.clear();
    this.lastLookup = new WeakMap();
  }
}

/** The cached statement with each slot's value taken from the new statement. */
function withValues(c: CompiledWithLayout, values: readonly unknown[]): CompiledWithLayout {
  const idx = c.bindIndexes;
  const binds: BindSlot[] = new Array(c.binds.length);
  for (let i = 0; i < binds.length; i++) {
    const slot = c.binds[i]!;
    const j = idx[i]!;
    binds[i] =
      j < 0
        ? slot
        : {
            key: slot.key,
            value: values[j],
            hasValue: slot.hasValue,
            type: slot.type,
            compute: slot.compute,
          };
  }
  return {
    sql: c.sql,
    binds,
    bindIndexes: idx,
    resultColumns: c.resultColumns,
    kind: c.kind,
    returnsRows: c.returnsRows,
    dialect: c.dialect,
  };
}
