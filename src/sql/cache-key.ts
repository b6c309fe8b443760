/**
 * Structural cache keys (SQLAlchemy: `sql/cache_key.py`, `_generate_cache_key`).
 *
 * One traversal of a statement records its shape as a list of tokens (tags, names, numbers,
 * and objects that count by identity, such as tables) with a running 32-bit hash of them, and
 * collects the values of its bound parameters, in order. Two statements with the same tokens
 * compile to the same SQL with the same parameter layout, so a compiled statement is reused
 * with the new values: the compiler records, for each parameter slot, the position of its value.
 *
 * The cache finds an entry by the hash and confirms it by comparing the tokens one by one, so
 * a hash collision costs a compile, never a wrong statement. No string is built or hashed per
 * lookup: a cache hit costs the traversal and one array comparison. (Each token is a separate
 * array item, so the parts need no delimiters; every node writes a tag first and then fixed or
 * counted children, so different shapes never give the same tokens.)
 *
 * Each node class writes its own part (`_ck`), without reflection.
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

const FNV_PRIME = 0x01000193;

/**
 * A cheap hash of a string: its length and a few of its characters. The cache confirms every
 * hit by comparing tokens, so a weak hash only costs a longer bucket, and hashing stays O(1)
 * (a full string hash, or a Map of them, cost as much as the rest of a lookup).
 */
function hashString(s: string): number {
  const n = s.length;
  if (n === 0) return 0x3c6ef372;
  return (
    Math.imul(n, 0x9e3779b1) ^
    (s.charCodeAt(0) << 7) ^
    (s.charCodeAt(n >> 1) << 14) ^
    (s.charCodeAt(n - 1) << 21)
  );
}

/** Mixes one 32-bit value into a running hash. @internal */
export function mixHash(h: number, x: number): number {
  return Math.imul(h ^ x, FNV_PRIME);
}

/** A hash for a token of any kind (strings by content, objects by identity). @internal */
export function tokenHash(t: unknown): number {
  switch (typeof t) {
    case "string":
      return hashString(t);
    case "number":
      return Number.isInteger(t) ? t | 0 : hashString(String(t));
    case "boolean":
      return t ? 0x7f4a7c15 : 0x2545f491;
    case "object":
    case "function":
      return t === null ? 0x1b873593 : objectId(t);
    default:
      return hashString(typeof t + String(t));
  }
}

const typeKeys = new WeakMap<TypeEngine<any>, string>();
/** Type keys' full hashes (type keys are long and alike: the cheap string hash would bunch them). */
const typeHashes = new WeakMap<TypeEngine<any>, number>();

function typeHash(t: TypeEngine<any>): number {
  let h = typeHashes.get(t);
  if (h === undefined) {
    const key = typeKey(t);
    h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), FNV_PRIME);
    typeHashes.set(t, h);
  }
  return h;
}

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

let lastType: TypeEngine<any> | null = null;
let lastTypeKey = "";
let lastTypeHash = 0;

/** Tokens that mark structure (never user text, which is a string token of its own). */
const LIST = "\u0001[";
const FROM_SEEN = "\u0001#";
const BIND = "\u0001b";
const BIND_SEEN = "\u0001&";

/** Above this many parameters, repeats are found through a Map instead of a scan. */
const BIND_SCAN_LIMIT = 16;

/** Builds one statement's key; see the module comment. */
export class CacheKeyBuilder {
  /** The shape, token by token. */
  readonly tokens: unknown[] = [];
  /** Running hash of `tokens`. */
  hash = 0x811c9dc5;
  /** Values of the bound parameters, in traversal order. */
  readonly values: unknown[] = [];
  /** The bound parameter objects, in the order of `values`. */
  readonly binds: BindParameter<any>[] = [];
  /** False once a node that cannot be cached was met. */
  cacheable = true;
  private froms: FromClause[] = [];
  private bindPositions: Map<BindParameter<any>, number> | null = null;

  /** Empties the builder for another statement (the statement cache reuses one: no garbage per lookup). */
  reset(): void {
    this.tokens.length = 0;
    this.values.length = 0;
    this.binds.length = 0;
    this.froms.length = 0;
    this.hash = 0x811c9dc5;
    this.cacheable = true;
    this.bindPositions = null;
  }

  /** The key built so far, as an object of its own (copies the arrays). */
  snapshot(): CacheKey {
    return new StatementKey(this.tokens.slice(), this.hash | 0, this.values.slice(), this.binds.slice());
  }

  private push(token: unknown, h: number): void {
    this.tokens.push(token);
    this.hash = Math.imul(this.hash ^ h, FNV_PRIME);
  }
  /** Appends a fixed tag (never user text). */
  s(tag: string): void {
    this.push(tag, hashString(tag));
  }
  /** Appends user text. */
  str(text: string): void {
    this.push(text, hashString(text));
  }
  /** Appends a number or a flag. */
  n(value: number | boolean | null): void {
    this.push(value, tokenHash(value));
  }
  type(t: TypeEngine<any>): void {
    // Most types repeat (Integer, a column's type): the last one is remembered before the WeakMaps.
    if (t !== lastType) {
      lastType = t;
      lastTypeKey = typeKey(t);
      lastTypeHash = typeHash(t);
    }
    this.push(lastTypeKey, lastTypeHash);
  }
  node(n: ClauseElement | null | undefined): void {
    if (n == null) this.push(null, 0x1b873593);
    else n._ck(this);
  }
  list(ns: readonly ClauseElement[]): void {
    this.push(LIST, ns.length + 0x9e3779b9);
    this.tokens.push(ns.length);
    for (let i = 0; i < ns.length; i++) ns[i]!._ck(this);
  }
  /** A FROM written in full the first time, then referred to by its position (self-joins, repeated columns). */
  from(f: FromClause): void {
    const seen = this.froms.indexOf(f);
    if (seen !== -1) {
      this.push(FROM_SEEN, seen + 0x85ebca6b);
      this.tokens.push(seen);
      return;
    }
    this.froms.push(f);
    f._fromKey(this);
  }
  /** An object that matters by identity (a table: its columns' types and defaults are part of it). */
  id(obj: object): void {
    this.push(obj, objectId(obj));
  }
  /** A bound parameter: its type and name shape the SQL, its value is extracted. */
  bind(b: BindParameter<any>): void {
    const seen = this.positionOf(b);
    if (seen !== -1) {
      // The same parameter object used twice stays one value.
      this.push(BIND_SEEN, seen + 0xc2b2ae35);
      this.tokens.push(seen);
      return;
    }
    const position = this.values.length;
    this.binds.push(b);
    this.values.push(b.value);
    this.bindPositions?.set(b, position);
    this.push(BIND, b.value === undefined ? 1 : 2);
    this.tokens.push(b.value === undefined);
    if (b.name === null) this.push(null, 0x1b873593);
    else this.str(b.name);
    this.type(b.type);
  }
  uncacheable(_node: ClauseElement): void {
    this.cacheable = false;
  }

  private positionOf(b: BindParameter<any>): number {
    const binds = this.binds;
    if (this.bindPositions !== null) return this.bindPositions.get(b) ?? -1;
    if (binds.length <= BIND_SCAN_LIMIT) return binds.indexOf(b);
    this.bindPositions = new Map(binds.map((x, i) => [x, i]));
    return this.bindPositions.get(b) ?? -1;
  }
}

/** A statement's key, the values of its bound parameters and where each parameter's value sits. */
export interface CacheKey {
  /** The shape as tokens (compared one by one on a cache hit). */
  readonly tokens: readonly unknown[];
  /** A hash of `tokens`. */
  readonly hash: number;
  readonly values: readonly unknown[];
  /** Position in `values` of each bound parameter object (built when first asked: compiles only). */
  readonly bindIndex: ReadonlyMap<BindParameter<any>, number>;
  /** The tokens as one string, for tests and debugging (two keys are equal when these are). */
  readonly key: string;
}

class StatementKey implements CacheKey {
  private index: Map<BindParameter<any>, number> | null = null;
  private text: string | null = null;
  constructor(
    readonly tokens: readonly unknown[],
    readonly hash: number,
    readonly values: readonly unknown[],
    private readonly binds: readonly BindParameter<any>[],
  ) {}
  get bindIndex(): ReadonlyMap<BindParameter<any>, number> {
    return (this.index ??= new Map(this.binds.map((b, i) => [b, i])));
  }
  get key(): string {
    return (this.text ??= this.tokens.map(tokenText).join(""));
  }
}

function tokenText(t: unknown): string {
  if (typeof t === "string") return "s" + t.length + ":" + t;
  if (t === null) return "~";
  if (typeof t === "object" || typeof t === "function") return "@" + objectId(t) + ";";
  return typeof t + ":" + String(t) + ";";
}

/** Whether two token lists are the same shape. @internal */
export function sameTokens(a: readonly unknown[], b: readonly unknown[]): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
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
  const ck = k.cacheable ? k.snapshot() : null;
  lastStmt = stmt;
  lastKey = ck;
  return ck;
}
