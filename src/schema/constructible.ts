/**
 * SQLAlchemy's schema constructors are plain calls (`Column(Integer)`, `ForeignKey("users.id")`).
 * This wraps a class so it works both as `Column(...)` and `new Column(...)`, keeps
 * `instanceof` working and lets subclasses extend it.
 */
export function constructible<C extends new (...args: any[]) => any>(cls: C): unknown {
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    return Reflect.construct(cls, args, new.target ?? cls);
  };
  Object.defineProperty(wrapper, "name", { value: cls.name });
  wrapper.prototype = cls.prototype;
  // Static members of the class stay reachable through the wrapper.
  Object.setPrototypeOf(wrapper, cls);
  return wrapper;
}

/** The type of a class made callable: `X(...)` and `new X(...)` both build an instance. */
export type Constructible<C extends new (...args: any[]) => any> = C &
  ((...args: ConstructorParameters<C>) => InstanceType<C>);

/** Writes a field that is readonly to users but set in stages while a table is put together. @internal */
export function setField<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): void {
  (obj as { -readonly [P in keyof T]: T[P] })[key] = value;
}
