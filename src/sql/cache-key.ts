/**
 * Structural cache keys (SQLAlchemy: `sql/cache_key.py`, `_generate_cache_key`).
 *
 * One traversal of a statement writes its shape as a sequence of tokens (tags, names, numbers,
 * and objects that count by identity, such as schema tables and their columns) and collects the
 * values of its bound parameters, in order. Two statements with the same tokens compile to the
 * same SQL with the same parameter layout, so a compiled statement is reused with the new
 * values: the compiler records, for each parameter slot, the position of its value.
 *
 * The statement cache looks a key up while it is written: the builder follows the tokens down
 * a tree of the cached keys (`key-trie.ts`), one comparison per token, and records nothing, so
 * a hit costs the traversal alone. `generateCacheKey` records the tokens instead.
 *
 * Each token is a separate item, so the parts need no delimiters. Every node writes first a
 * tag (a constant string, never user text), or the object it is when it counts by identity (a
 * schema table or column); a list writes its length first, a missing node null; then come
 * fixed or counted parts. Where these may stand for one another they never start alike, so
 * different shapes never give the same tokens.
 *
 * Each node class writes its own part (`_ck`), without reflection.
 */
import type { BindParameter, ClauseElement, FromClause } from "./base.js";
import { childOf, type TrieNode } from "./key-trie.js";
import { objectId, typeTokens } from "./type-key.js";
import type { TypeEngine } from "./types/type-engine.js";

export { objectId, typeKey } from "./type-key.js";

const FNV_PRIME = 0x01000193;

/** A cheap hash of a string: its length and a few of its characters (`CacheKey.hash`). */
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

/** A hash for a token of any kind (strings by content, objects by identity). */
function tokenHash(t: unknown): number {
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

/** Tokens that mark structure (never user text, which is a string token of its own). */
const FROM_SEEN = "\u0001#";
const BIND = "\u0001b";
const BIND_SEEN = "\u0001&";

/** The label while no edge is being followed. */
const NO_LABEL: readonly unknown[] = [];

/**
 * Numbers each builder pass (`reset`), so that a BindParameter or FROM stamped with the current
 * pass was met earlier in this key: finding a repeat costs one comparison, not a search.
 */
let passes = 0;

/**
 * Builds one statement's key; see the module comment. It either records the tokens (`tokens`,
 * for `snapshot()`), or, probing, follows them down the statement cache's tree without
 * recording them (`probe`).
 */
export class CacheKeyBuilder {
  /** The shape, token by token (empty while probing). */
  tokens: unknown[] = [];
  /** The bound parameters in traversal order, each once (a repeat is a `BIND_SEEN` token): the statement's values. */
  binds: BindParameter<any>[] = [];
  /** False once a node that cannot be cached was met. */
  cacheable = true;
  /** How many FROMs were written in full in this pass (a repeat refers to one by its number). */
  private fromCount = 0;
  /** This pass's number (see `passes`). */
  private pass = ++passes;
  private probing = false;
  /** Probing: the tree node reached, null once the tokens left the tree. */
  private at: TrieNode<unknown> | null = null;
  /** Probing: how many tokens of `at.label` were matched. */
  private pos = 0;
  /** Probing: `at.label`, or an empty array when not following the tree (so `push` always takes its slow path). */
  private label: readonly unknown[] = NO_LABEL;

  /**
   * Empties the builder for another statement. (New arrays: setting `length = 0` is a runtime
   * call each, dearer than allocating.)
   */
  reset(): void {
    if (this.tokens.length !== 0) this.tokens = [];
    this.binds = [];
    this.fromCount = 0;
    this.cacheable = true;
    this.pass = ++passes;
    this.probing = false;
    this.at = null;
    this.pos = 0;
    this.label = NO_LABEL;
  }

  /** @internal Empties the builder and makes it follow the tokens from `root` instead of recording them. */
  probe(root: TrieNode<any>): void {
    this.reset();
    this.probing = true;
    this.at = root;
    this.label = root.label;
  }

  /** @internal Probing: the node whose key is exactly the tokens written, or null. */
  probed(): TrieNode<any> | null {
    const node = this.at;
    return node !== null && this.pos === node.label.length ? node : null;
  }

  /** The key built so far, as an object of its own (copies the arrays). */
  snapshot(): CacheKey {
    let h = 0x811c9dc5;
    const tokens = this.tokens;
    for (let i = 0; i < tokens.length; i++) h = Math.imul(h ^ tokenHash(tokens[i]), FNV_PRIME);
    const binds = this.binds.slice();
    return new StatementKey(
      tokens.slice(),
      h | 0,
      binds.map((b) => b.value),
      binds,
    );
  }

  /**
   * Writes one token: follows it down the tree, or records it. The common case, the next token
   * of the current edge, is kept small enough to be inlined into every caller.
   */
  private push(token: unknown): void {
    const label = this.label;
    const pos = this.pos;
    if (pos < label.length && label[pos] === token) this.pos = pos + 1;
    else this.pushSlow(token);
  }
  /** At the end of an edge (a child to pick), off the tree, or recording. */
  private pushSlow(token: unknown): void {
    const node = this.at;
    if (node === null) {
      if (!this.probing) this.tokens.push(token);
      return;
    }
    if (this.pos === node.label.length) {
      const next = childOf(node, token);
      if (next !== undefined) {
        this.at = next;
        this.label = next.label;
        this.pos = 1;
        return;
      }
    }
    this.at = null;
    this.label = NO_LABEL;
  }
  /** Appends a fixed tag (never user text). */
  s(tag: string): void {
    this.push(tag);
  }
  /** Appends user text. */
  str(text: string): void {
    this.push(text);
  }
  /** Appends a number or a flag. */
  n(value: number | boolean | null): void {
    this.push(value);
  }
  type(t: TypeEngine<any>): void {
    this.push(typeTokens(t).key);
  }
  node(n: ClauseElement | null | undefined): void {
    if (n == null) this.push(null);
    else n._ck(this);
  }
  /**
   * A counted list (the count alone marks it: no other token written where a list may stand is
   * a number). The nodes most statements are made of write their hot lists themselves: a call
   * site that sees many node classes (as this one does, for every caller) makes a megamorphic
   * call per item, which cost more than keying the item.
   */
  list(ns: readonly ClauseElement[]): void {
    this.push(ns.length);
    for (let i = 0; i < ns.length; i++) ns[i]!._ck(this);
  }
  /** A FROM written in full the first time, then referred to by its position (self-joins, repeated columns). */
  from(f: FromClause): void {
    if (f._keyedById) {
      // A schema table: the object is the token, wherever it appears.
      this.push(f);
      return;
    }
    if (f._ckPass === this.pass) {
      this.push(FROM_SEEN);
      this.push(f._ckPos);
      return;
    }
    f._ckPass = this.pass;
    f._ckPos = this.fromCount++;
    f._fromKey(this);
  }
  /**
   * An object that matters by identity (a schema table: its columns' types and defaults are
   * part of it; a schema table's column). Objects never equal a tag or text, so an object may
   * also stand first for a node of its own.
   */
  id(obj: object): void {
    this.push(obj);
  }
  /** A bound parameter: its type and name shape the SQL, its value is extracted. */
  bind(b: BindParameter<any>): void {
    if (b._ckPass === this.pass) {
      // The same parameter object used twice stays one value.
      this.push(BIND_SEEN);
      this.push(b._ckPos);
      return;
    }
    const value = b.value;
    b._ckPass = this.pass;
    b._ckPos = this.binds.length;
    this.binds.push(b);
    if (b.name === null && value !== undefined) {
      // The common case, `col.eq(5)`: one token holding the type.
      this.push(typeTokens(b.type).bind);
      return;
    }
    this.push(BIND);
    this.push(value === undefined);
    this.push(b.name);
    this.push(typeTokens(b.type).key);
  }
  uncacheable(_node: ClauseElement): void {
    this.cacheable = false;
    this.at = null;
    this.label = NO_LABEL;
  }
}

/** A statement's key, the values of its bound parameters and where each parameter's value sits. */
export interface CacheKey {
  /** The shape as tokens. */
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
