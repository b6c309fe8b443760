/**
 * Attribute instrumentation (SQLAlchemy: `orm/instrumentation.py`, `orm/attributes.py`): one
 * getter/setter pair per column attribute, installed once on the mapped class's prototype.
 * Instances carry only their state slot; reading an attribute is an array read.
 *
 * Setting an attribute validates the value's runtime type against the column type, runs the
 * class's validator, and records the original value the first time a persistent object's
 * attribute changes (so a flush writes only changed columns, and nothing when a value is set
 * back to what it was).
 */
import { describeValue, valueProblem } from "../../sql/coercions.js";
import { AttributeValueError, UnloadedAttributeError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { ColumnProperty } from "../mapping/properties.js";
import { InstanceState, installStateAccessor, STATE } from "./instance-state.js";

/** Installs the column accessors of `mapper` on `proto`. */
export function instrumentClass(mapper: Mapper, proto: object): void {
  installStateAccessor(proto);
  for (const prop of mapper.columnProps) {
    const i = prop.index;
    Object.defineProperty(proto, prop.key, {
      configurable: true,
      enumerable: true,
      get(this: { [STATE]?: InstanceState }) {
        const s = this[STATE];
        if (s !== undefined) {
          const v = s.values[i];
          return v !== undefined ? v : unloadedValue(s, prop);
        }
        return null;
      },
      set(this: object, value: unknown) {
        setColumnValue(this, prop, value);
      },
    });
  }
}

/** The state of an instance of `mapper`'s class, created on first use (imperatively mapped classes). */
export function ensureState(obj: object, mapper: Mapper): InstanceState {
  const existing = (obj as { [STATE]?: InstanceState })[STATE];
  if (existing !== undefined) return existing;
  if (!(obj instanceof (mapper.class_ as abstract new (...a: any) => object))) {
    throw new AttributeValueError(
      `Mapped attributes of ${mapper.className} can only be set on its instances.`,
    );
  }
  const s = new InstanceState(mapper, obj, mapper.emptyValues());
  s.newborn = true; // no state yet: made by its own constructor, never loaded
  Object.defineProperty(obj, STATE, { value: s, writable: true, configurable: true, enumerable: false });
  return s;
}

/** Assigns one column attribute: type check, validator, change tracking. */
export function setColumnValue(obj: object, prop: ColumnProperty, value: unknown): void {
  const s = ensureState(obj, prop.mapper);
  checkValue(prop, value);
  if (prop.validator !== null) {
    const validated = prop.validator.call(obj, value, prop.key);
    if (validated !== value) checkValue(prop, validated);
    value = validated;
  }
  const i = prop.index;
  if (s.key !== null) {
    let c = s.committed;
    if (c === null) c = s.committed = new Map();
    if (!c.has(i)) c.set(i, s.values[i]);
    s.values[i] = value;
    if (s.session !== null) s.session._markDirty(s);
  } else {
    s.values[i] = value;
  }
}

function checkValue(prop: ColumnProperty, value: unknown): void {
  if (value === null) return;
  if (value === undefined) {
    throw new AttributeValueError(
      `${prop.mapper.className}.${prop.key} can't be set to undefined. Use null for SQL NULL (or check for a misspelt attribute).`,
    );
  }
  const problem = valueProblem(prop.column.type, value);
  if (problem !== null) {
    throw new AttributeValueError(
      `Can't set ${prop.mapper.className}.${prop.key} to ${describeValue(value)}: ${problem}.`,
    );
  }
}

/** Reading an attribute with no value: null on new objects (as SQLAlchemy gives None); an error when not loaded. */
function unloadedValue(s: InstanceState, prop: ColumnProperty): null {
  if (s.key === null) return null;
  // Deferred: declared so, or left out by the query that loaded the object (nothing expired since).
  const deferred = prop.deferred || s.unloadedReason === null;
  throw new UnloadedAttributeError(
    prop.mapper.className,
    prop.key,
    deferred ? "it is deferred (the query that loaded the object did not select it)" : s.unloadedReason!,
    s.session === null,
    deferred,
  );
}
