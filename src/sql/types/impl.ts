/**
 * Dialect implementations of generic types (SQLAlchemy: `colspecs` + `adapt_type`).
 *
 * A dialect lists, per generic type class, the processors that differ on its database. The
 * implementation of a type is a new object whose prototype is the type itself, so it keeps
 * every field (`kind`, `length`, `timezone`, …) and only its processors are replaced; it is
 * built once per type instance and cached. A processor that a subclass overrides itself (a
 * dialect-specific type or a user's subclass) is kept, not replaced. @internal
 */
import type { Processor, TypeDialect, TypeEngine } from "./type-engine.js";

/** The processors a dialect gives a type; `this` is the type being implemented. */
export interface ImplMethods {
  bindProcessor?(this: any, dialect: TypeDialect): Processor | null;
  resultProcessor?(this: any, dialect: TypeDialect): Processor | null;
}

/** Generic type class → the dialect's processors for it. */
export type Colspecs = ReadonlyMap<abstract new (...args: any[]) => TypeEngine<any>, ImplMethods>;

const METHODS = ["bindProcessor", "resultProcessor"] as const;

/** Builds a dialect's cached `implFor(type)` from its colspecs. */
export function makeImplFor(colspecs: Colspecs): (type: TypeEngine<any>) => TypeEngine<any> {
  const cache = new WeakMap<TypeEngine<any>, TypeEngine<any>>();
  return (type) => {
    let impl = cache.get(type);
    if (impl !== undefined) return impl;
    impl = adapt(type, colspecs);
    cache.set(type, impl);
    return impl;
  };
}

function adapt(type: TypeEngine<any>, colspecs: Colspecs): TypeEngine<any> {
  // Nearest class first: Double is found before Float, Text before String.
  for (let proto = Object.getPrototypeOf(type); proto !== null; proto = Object.getPrototypeOf(proto)) {
    if (!Object.prototype.hasOwnProperty.call(proto, "constructor")) continue;
    const methods = colspecs.get(proto.constructor);
    if (methods === undefined) continue;
    const impl = Object.create(type);
    for (const m of METHODS) {
      const fn = methods[m];
      // Replace only what the matched class itself provides; a subclass's own processor wins.
      if (fn !== undefined && (type as any)[m] === proto[m]) impl[m] = fn;
    }
    return impl;
  }
  return type;
}
