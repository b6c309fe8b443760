/**
 * The compiled-statement cache (SQLAlchemy: the engine's `_compiled_cache`, an LRU keyed by
 * the statement's structural cache key). A statement whose shape was compiled before is
 * not compiled again: the cached SQL and parameter layout take the new statement's values.
 * A hit costs the key's traversal, which follows the cached keys' tree as it goes (see
 * cache-key.ts), and one object that pairs the cached statement with the new statement's
 * parameters (CompiledWithValues): no string is built or hashed, no key is stored, no value
 * is copied.
 */
import type { BindParameter, ClauseElement } from "./base.js";
import { CacheKeyBuilder } from "./cache-key.js";
import { KeyTrie, type TrieNode } from "./key-trie.js";
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

/** A cached statement, in the key tree and in the LRU list (least recently used first). */
class Entry {
  prev: Entry | null = null;
  next: Entry | null = null;
  constructor(
    readonly compiled: CompiledWithLayout,
    /** True when some slot takes its value from the statement (else the compiled statement is reused as is). */
    readonly usesValues: boolean,
    /** Where the entry sits in the key tree. */
    public node: TrieNode<Entry>,
  ) {}
}

function sameKeys(a: readonly string[] | null, b: readonly string[] | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * What besides the statement decides its compiled form, written ahead of the statement's tokens:
 * the dialect (by identity), implicit RETURNING, and the execution parameters' keys.
 */
function writeContext(
  k: CacheKeyBuilder,
  dialect: CompilingDialect,
  implicitReturning: boolean,
  keys: readonly string[] | null,
): void {
  k.id(dialect);
  k.n(implicitReturning);
  if (keys === null) k.n(-1);
  else {
    k.n(keys.length);
    for (let i = 0; i < keys.length; i++) k.str(keys[i]!);
  }
}

/**
 * An LRU of compiled statements, per dialect and parameter-key layout, found by following
 * their keys' tokens down a tree (see key-trie.ts).
 * @example
 * const cache = new StatementCache(500);
 * const compiled = cache.compile(engine.dialect, select(users).where(users.c.id.eq(5)));
 * cache.stats(); // { hits: 0, misses: 1, … }
 */
export class StatementCache {
  private readonly trie = new KeyTrie<Entry>((e, node) => (e.node = node));
  /** The LRU list: least recently used first. */
  private oldest: Entry | null = null;
  private newest: Entry | null = null;
  private size = 0;
  /**
   * The last statement object looked up and its result: one slot, as a WeakMap entry per
   * statement costs more in garbage collection (ephemerons) than it saves.
   */
  private lastStmt: ClauseElement | null = null;
  private lastDialect: CompilingDialect | null = null;
  private lastImplicitReturning = false;
  private lastParamKeys: readonly string[] | null = null;
  private lastCompiled: CompiledStatement | null = null;
  private lastTemplate: CompiledStatement | null = null;
  /** What the last `find` found besides the compiled statement (fields, not an object per lookup). */
  private foundTemplate: CompiledStatement | null = null;
  private foundHit = false;
  private counters = { hits: 0, misses: 0, uncached: 0, evictions: 0 };

  /** @param maxSize how many compiled statements to keep (SQLAlchemy's `query_cache_size`, default 500); 0 disables caching. */
  constructor(readonly maxSize = 500) {}

  /** Compiles `stmt` for `dialect`, or reuses the compiled form of an earlier statement of the same shape. */
  compile(dialect: CompilingDialect, stmt: ClauseElement, options?: CompileOptions): CompiledStatement {
    return this.find(dialect, stmt, options ?? NO_OPTIONS);
  }

  /**
   * Like `compile`, also telling whether it was a hit and giving the cached entry's own
   * compiled statement (`template`: the same object for every statement of this shape), so
   * callers can keep per-shape work (bind and result processors) next to it.
   */
  lookup(dialect: CompilingDialect, stmt: ClauseElement, options?: CompileOptions): CacheLookup {
    const compiled = this.find(dialect, stmt, options ?? NO_OPTIONS);
    return { compiled, template: this.foundTemplate!, hit: this.foundHit };
  }

  private find(dialect: CompilingDialect, stmt: ClauseElement, options: CompileOptions): CompiledStatement {
    const keyable =
      this.maxSize > 0 && !options.literalBinds && typeof (stmt as Partial<ClauseElement>)._ck === "function";
    if (!keyable) return this.uncached(dialect, stmt, options);
    const keys = options.paramKeys && options.paramKeys.length ? options.paramKeys : null;
    const implicitReturning = options.implicitReturning === true;
    // The same statement object run again (ORM and prepared statements are): reuse its last lookup
    // instead of keying it again (large for a multi-row INSERT).
    if (
      this.lastStmt === stmt &&
      this.lastDialect === dialect &&
      this.lastImplicitReturning === implicitReturning &&
      sameKeys(this.lastParamKeys, keys)
    ) {
      this.counters.hits++;
      this.foundTemplate = this.lastTemplate;
      this.foundHit = true;
      return this.lastCompiled!;
    }
    const k = scratch;
    k.probe(this.trie.root);
    writeContext(k, dialect, implicitReturning, keys);
    stmt._ck(k);
    if (!k.cacheable) return this.uncached(dialect, stmt, options);
    const node = k.probed();
    const compiled =
      node !== null && node.value !== null
        ? this.hit(node.value, k.binds)
        : this.miss(dialect, stmt, options, implicitReturning, keys);
    this.lastStmt = stmt;
    this.lastDialect = dialect;
    this.lastImplicitReturning = implicitReturning;
    this.lastParamKeys = keys;
    this.lastCompiled = compiled;
    this.lastTemplate = this.foundTemplate;
    return compiled;
  }

  private uncached(
    dialect: CompilingDialect,
    stmt: ClauseElement,
    options: CompileOptions,
  ): CompiledStatement {
    this.counters.uncached++;
    const compiled = dialect.compile(stmt, options);
    this.foundTemplate = compiled;
    this.foundHit = false;
    return compiled;
  }

  private hit(e: Entry, binds: readonly BindParameter<any>[]): CompiledStatement {
    this.counters.hits++;
    if (e !== this.newest) {
      this.unlink(e);
      this.append(e);
    }
    this.foundTemplate = e.compiled;
    this.foundHit = true;
    return e.usesValues ? new CompiledWithValues(e.compiled, binds) : e.compiled;
  }

  private miss(
    dialect: CompilingDialect,
    stmt: ClauseElement,
    options: CompileOptions,
    implicitReturning: boolean,
    keys: readonly string[] | null,
  ): CompiledStatement {
    this.counters.misses++;
    // Keyed again, recording the tokens this time (a miss compiles: the second walk is small beside it).
    const k = new CacheKeyBuilder();
    writeContext(k, dialect, implicitReturning, keys);
    stmt._ck(k);
    const ck = k.snapshot();
    const compiled = dialect.compile(stmt, { ...options, cacheKey: ck }) as CompiledWithLayout;
    this.foundTemplate = compiled;
    this.foundHit = false;
    // A compiler that doesn't record the parameter layout can't be reused with new values.
    if (!compiled.bindIndexes) return compiled;
    const node = this.trie.insert(ck.tokens);
    const old = node.value;
    if (old !== null) {
      // Only if the probe and this walk disagreed (a node keying itself differently twice): replace it.
      this.unlink(old);
      this.size--;
    }
    const entry = new Entry(
      compiled,
      compiled.bindIndexes.some((i) => i >= 0),
      node,
    );
    node.value = entry;
    this.append(entry);
    this.size++;
    while (this.size > this.maxSize) {
      this.drop(this.oldest!);
      this.counters.evictions++;
    }
    return compiled;
  }

  private append(e: Entry): void {
    e.prev = this.newest;
    e.next = null;
    if (this.newest !== null) this.newest.next = e;
    else this.oldest = e;
    this.newest = e;
  }

  private unlink(e: Entry): void {
    if (e.prev !== null) e.prev.next = e.next;
    else this.oldest = e.next;
    if (e.next !== null) e.next.prev = e.prev;
    else this.newest = e.prev;
    e.prev = e.next = null;
  }

  private drop(e: Entry): void {
    this.unlink(e);
    this.trie.remove(e.node);
    this.size--;
  }

  stats(): StatementCacheStats {
    return { ...this.counters, size: this.size, maxSize: this.maxSize };
  }

  /** Drops every entry (counters are kept). */
  clear(): void {
    this.trie.clear();
    this.oldest = this.newest = null;
    this.size = 0;
    this.lastStmt = null;
    this.lastCompiled = null;
  }
}

const NO_OPTIONS: CompileOptions = {};

/** Keys are built in this one builder: a lookup leaves no key behind unless it compiles. */
const scratch = new CacheKeyBuilder();

/**
 * A cache hit: the cached statement with this statement's parameters. Slot `i` takes the value
 * of `_params[bindIndexes[i]]` (the cached slot's own where the index is -1). The slots are
 * made only if `binds` is read; the engine reads `slots` and `valueAt` instead
 * (`assembleParams`), which saves an object per parameter on every hit.
 * @internal
 */
export class CompiledWithValues implements CompiledWithLayout {
  readonly sql: string;
  readonly bindIndexes: readonly number[];
  readonly resultColumns: CompiledWithLayout["resultColumns"];
  readonly kind: CompiledWithLayout["kind"];
  readonly returnsRows: boolean;
  readonly dialect: string;
  readonly implicitReturning: boolean | undefined;
  readonly manyValues: CompiledWithLayout["manyValues"];
  readonly plainRead: boolean | undefined;
  readonly opaque: boolean | undefined;
  /** The cached statement's slots (their values are the cached statement's). */
  readonly slots: readonly BindSlot[];
  private own: BindSlot[] | null = null;
  constructor(
    c: CompiledWithLayout,
    /** This statement's bound parameters, in key order (`CacheKeyBuilder.binds`). */
    private readonly params: readonly BindParameter<any>[],
  ) {
    this.sql = c.sql;
    this.bindIndexes = c.bindIndexes;
    this.resultColumns = c.resultColumns;
    this.kind = c.kind;
    this.returnsRows = c.returnsRows;
    this.dialect = c.dialect;
    this.implicitReturning = c.implicitReturning;
    this.manyValues = c.manyValues;
    this.plainRead = c.plainRead;
    this.opaque = c.opaque;
    this.slots = c.binds;
  }
  /** This statement's value for slot `i` (`slot` is `slots[i]`). */
  valueAt(i: number, slot: BindSlot): unknown {
    const j = this.bindIndexes[i]!;
    return j < 0 ? slot.value : this.params[j]!.value;
  }
  get binds(): readonly BindSlot[] {
    if (this.own === null) {
      this.own = this.slots.map((slot, i) => {
        const value = this.valueAt(i, slot);
        return value === slot.value
          ? slot
          : { key: slot.key, value, hasValue: slot.hasValue, type: slot.type, compute: slot.compute };
      });
    }
    return this.own;
  }
}
