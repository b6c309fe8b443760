/**
 * A type usable both bare (`DateTime`) and called with options (`DateTime({ timezone: true })`),
 * as in SQLAlchemy. The function inherits from the bare instance, so it *is* that type.
 * Used by the generic types and the dialects' own types. @internal
 */
export function callableType<I extends object, F extends (...args: any[]) => any>(
  instance: I,
  factory: F,
): I & F {
  const fn = (...args: any[]) => factory(...args);
  // Function's own `length`/`name` would hide the instance's fields of the same name.
  delete (fn as any).length;
  delete (fn as any).name;
  Object.setPrototypeOf(fn, instance);
  return fn as unknown as I & F;
}
