/**
 * The compiled-statement cache (SQLAlchemy: the engine's `_compiled_cache`, an LRU keyed by
 * the statement's structural cache key). A statement whose shape was compiled before is
 * not compiled again: the cached SQL and parameter layout take the new statement's values.
 * A hit costs the key's traversal, a Map lookup by its hash, one token comparison and the
 * copy of the values into the parameter slots (no string is built or hashed).
 */
import type { ClauseElement } from "./base.js";
import { CacheKeyBuilder, mixHash, objectId, sameTokens, tokenHash } from "./cache-key.js";
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
  readonly tokens: readonly unknown[];
  readonly dialect: CompilingDialect;
  readonly implicitReturning: boolean;
  readonly paramKeys: readonly string[] | null;
}

/** The last lookup of one statement object, for running the same object again. */
interface Memo {
  readonly dialect: CompilingDialect;
  readonly implicitReturning: boolean;
  readonly paramKeys: readonly string[] | null;
  readonly result: CacheLookup;
}

function sameKeys(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * An LRU of compiled statements, per dialect and parameter-key layout. Entries are found by
 * the key's hash and confirmed token by token (see cache-key.ts).
 * @example
 * const cache = new StatementCache(500);
 * const compiled = cache.compile(engine.dialect, select(users).where(users.c.id.eq(5)));
 * cache.stats(); // { hits: 0, misses: 1, … }
 */
export class StatementCache {
  /** Entries by hash (a list when hashes collide), least recently used first. */
  private entries = new Map<number, Entry | Entry[]>();
  private size = 0;
  /**
   * The last statement object looked up and its result: one slot, as a WeakMap entry per
   * statement costs more in garbage collection (ephemerons) than it saves.
   */
  private lastStmt: ClauseElement | null = null;
  private lastMemo: Memo | null = null;
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
    if (!keyable) return this.uncached(dialect, stmt, options);
    const keys = options.paramKeys && options.paramKeys.length ? options.paramKeys : null;
    const implicitReturning = options.implicitReturning === true;
    // The same statement object run again (ORM and prepared statements are): reuse its last lookup
    // instead of keying it again (large for a multi-row INSERT) and copying its values again.
    const memo = this.lastStmt === stmt ? this.lastMemo : null;
    if (
      memo !== null &&
      memo.dialect === dialect &&
      memo.implicitReturning === implicitReturning &&
      sameKeys(memo.paramKeys, keys)
    ) {
      this.counters.hits++;
      return memo.result.hit ? memo.result : { ...memo.result, hit: true };
    }
    const k = scratch;
    k.reset();
    stmt._ck(k);
    if (!k.cacheable) return this.uncached(dialect, stmt, options);
    const result = this.lookupByKey(dialect, stmt, options, k, implicitReturning, keys);
    this.lastStmt = stmt;
    this.lastMemo = { dialect, implicitReturning, paramKeys: keys, result };
    return result;
  }

  private uncached(dialect: CompilingDialect, stmt: ClauseElement, options: CompileOptions): CacheLookup {
    this.counters.uncached++;
    const compiled = dialect.compile(stmt, options);
    return { compiled, template: compiled, hit: false };
  }

  private lookupByKey(
    dialect: CompilingDialect,
    stmt: ClauseElement,
    options: CompileOptions,
    k: CacheKeyBuilder,
    implicitReturning: boolean,
    keys: readonly string[] | null,
  ): CacheLookup {
    let h = mixHash(k.hash, objectId(dialect));
    if (implicitReturning) h = mixHash(h, 0x27d4eb2f);
    if (keys !== null) for (let i = 0; i < keys.length; i++) h = mixHash(h, tokenHash(keys[i]));
    const bucket = this.entries.get(h);
    if (bucket !== undefined) {
      const hit = Array.isArray(bucket)
        ? bucket.find((e) => this.matches(e, dialect, implicitReturning, keys, k.tokens))
        : this.matches(bucket, dialect, implicitReturning, keys, k.tokens)
          ? bucket
          : undefined;
      if (hit !== undefined) {
        this.counters.hits++;
        // Most recently used last.
        this.entries.delete(h);
        this.entries.set(h, bucket);
        return {
          compiled: hit.usesValues ? withValues(hit.compiled, k.values) : hit.compiled,
          template: hit.compiled,
          hit: true,
        };
      }
    }
    this.counters.misses++;
    const ck = k.snapshot();
    const compiled = dialect.compile(stmt, { ...options, cacheKey: ck }) as CompiledWithLayout;
    // A compiler that doesn't record the parameter layout can't be reused with new values.
    if (!compiled.bindIndexes) return { compiled, template: compiled, hit: false };
    const entry: Entry = {
      compiled,
      usesValues: compiled.bindIndexes.some((i) => i >= 0),
      tokens: ck.tokens,
      dialect,
      implicitReturning,
      paramKeys: keys,
    };
    if (bucket === undefined) this.entries.set(h, entry);
    else this.entries.set(h, Array.isArray(bucket) ? [...bucket, entry] : [bucket, entry]);
    this.size++;
    while (this.size > this.maxSize) this.evictOldest();
    return { compiled, template: compiled, hit: false };
  }

  private matches(
    e: Entry,
    dialect: CompilingDialect,
    implicitReturning: boolean,
    keys: readonly string[] | null,
    tokens: readonly unknown[],
  ): boolean {
    return (
      e.dialect === dialect &&
      e.implicitReturning === implicitReturning &&
      sameKeys(e.paramKeys, keys) &&
      sameTokens(e.tokens, tokens)
    );
  }

  private evictOldest(): void {
    const [h, bucket] = this.entries.entries().next().value as [number, Entry | Entry[]];
    if (Array.isArray(bucket) && bucket.length > 1) this.entries.set(h, bucket.slice(1));
    else this.entries.delete(h);
    this.size--;
    this.counters.evictions++;
  }

  stats(): StatementCacheStats {
    return { ...this.counters, size: this.size, maxSize: this.maxSize };
  }

  /** Drops every entry (counters are kept). */
  clear(): void {
    this.entries.clear();
    this.size = 0;
    this.lastStmt = null;
    this.lastMemo = null;
  }
}

/** Keys are built in this one builder: a lookup leaves no key behind unless it compiles. */
const scratch = new CacheKeyBuilder();

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
    ...(c.implicitReturning ? { implicitReturning: true } : {}),
    ...(c.manyValues ? { manyValues: c.manyValues } : {}),
    ...(c.plainRead ? { plainRead: true } : {}),
    ...(c.opaque ? { opaque: true } : {}),
    dialect: c.dialect,
  };
}
