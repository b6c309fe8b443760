/**
 * Identity numbers and the cache-key tokens of types (see cache-key.ts): a type is keyed by its
 * class and settings, so that `String(50)` built twice is one shape.
 */
import { BOOLEAN_TYPE } from "./types/internal.js";
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

/** Prefix of the one-token form of anonymous parameters with a value (followed by the type's key). */
const BIND_VALUE = "\u0001v";

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

/** What keys need of a type, computed once per type object. */
export interface TypeTokens {
  /** `typeKey(t)`: the type's token. */
  readonly key: string;
  /** The token of an anonymous bound parameter with a value, of this type (one token instead of four). */
  readonly bind: string;
}

const TYPE_TOKENS = Symbol("athanor.typeTokens");
const typeTokensFallback = new WeakMap<TypeEngine<any>, TypeTokens>();

/**
 * A type's tokens, kept on the type object itself under a non-enumerable symbol (invisible to
 * JSON, spreads and equality checks): a WeakMap lookup per type token was a good part of a hit.
 */
export function typeTokens(t: TypeEngine<any>): TypeTokens {
  // Comparisons' boolean result, and the last two other types asked, before the property read
  // (megamorphic: types are of many classes).
  if (t === BOOLEAN_TYPE) return (booleanTokens ??= typeTokensOf(t));
  if (t === recentType1) return recentTokens1!;
  if (t === recentType2) return recentTokens2!;
  const memo = typeTokensOf(t);
  recentType2 = recentType1;
  recentTokens2 = recentTokens1;
  recentType1 = t;
  recentTokens1 = memo;
  return memo;
}

let booleanTokens: TypeTokens | null = null;
let recentType1: TypeEngine<any> | null = null;
let recentTokens1: TypeTokens | null = null;
let recentType2: TypeEngine<any> | null = null;
let recentTokens2: TypeTokens | null = null;

function typeTokensOf(t: TypeEngine<any>): TypeTokens {
  return (t as unknown as { [TYPE_TOKENS]?: TypeTokens })[TYPE_TOKENS] ?? typeTokensSlow(t);
}

function typeTokensSlow(t: TypeEngine<any>): TypeTokens {
  let tokens = typeTokensFallback.get(t);
  if (tokens === undefined) {
    const key = typeKey(t);
    tokens = { key, bind: BIND_VALUE + key };
    try {
      Object.defineProperty(t, TYPE_TOKENS, { value: tokens, enumerable: false });
    } catch {
      typeTokensFallback.set(t, tokens); // a frozen type
    }
  }
  return tokens;
}
