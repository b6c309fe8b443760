/**
 * `athanor/orm`: typed mapped classes, the Session, the identity map and the unit of work
 * (SQLAlchemy 2.0 ORM). Built on `athanor`'s expression language, schema and engine; it never
 * writes SQL text, it builds statements.
 *
 * @example
 * import { createEngine, Integer, String, select } from "athanor";
 * import { declarativeBase, mappedColumn, sessionmaker } from "athanor/orm";
 *
 * const Base = declarativeBase();
 * class User extends Base.model("users", {
 *   id: mappedColumn(Integer, { primaryKey: true }),
 *   email: mappedColumn(String(255), { unique: true }),
 * }) {}
 * const engine = createEngine("sqlite:///app.db");
 * await Base.metadata.createAll(engine);
 * const SessionLocal = sessionmaker({ bind: engine });
 * await SessionLocal.begin(async (db) => db.add(new User({ email: "ann@x.io" })));
 *
 * Rules worth knowing (where Athanor differs from SQLAlchemy, and why):
 * - `mappedColumn()` is NOT NULL unless `nullable: true` (SQLAlchemy's `Mapped[str]` vs
 *   `Mapped[Optional[str]]`); the attribute's type and the constructor's required fields follow.
 * - Class attributes are the table's columns (`User.email.eq(x)`), except keys every function
 *   already has (`name`, `length`, …): `User.name` is the class's name, the column is `User.c.name`.
 * - Reading an attribute never does I/O. An expired or unfetched one raises UnloadedAttributeError
 *   naming the fix: `await session.refresh(obj)` or `await awaitableAttrs(obj).attr` (SQLAlchemy's
 *   lazy load on access would be hidden I/O; under asyncio it raises too). Primary keys stay readable.
 * - Validators are a static map, `static validators: Validators<User> = { email(v) { … } }`
 *   (SQLAlchemy: `@validates`); they run in the constructor and on every assignment, after the
 *   value's runtime type is checked against the column type.
 * - Loading an object does not run its constructor (as SQLAlchemy), so class fields are not
 *   initialised on loaded objects; declare mapped attributes with `declare`, never as fields.
 */
import "./loading/compile-state.js";
import "./relationships/strategies.js";

export {
  declarativeBase,
  DeclarativeRoot,
  type ModelClass,
  type ModelOptions,
  type ModelRow,
  type ModelInit,
  type ModelAttributes,
  type ModelStatics,
  type MappedClass,
} from "./mapping/declarative.js";
export {
  mappedColumn,
  type MappedColumn,
  type ForeignKeyed,
  type MappedColumnOptions,
  type MappedValueOf,
  type MappedOptionalOf,
} from "./mapping/columns.js";
export { Registry, type RegistryOptions, type MappedStatics } from "./mapping/registry.js";
export { Mapper, type MapperOptions, type IdentityKey } from "./mapping/mapper.js";
export {
  MapperProperty,
  ColumnProperty,
  registerLoaderStrategy,
  loaderStrategy,
  type LoaderStrategy,
  type Validator,
  type Validators,
} from "./mapping/properties.js";
export { Session, type SessionOptions, type SessionResult } from "./session/session.js";
export { relationship, Relationship } from "./relationships/relationship.js";
export { RelationshipProperty } from "./relationships/property.js";
export type { RelationshipOptions, LazyStrategy, CascadeName } from "./relationships/options.js";
export { WriteOnlyCollection, DynamicCollection } from "./relationships/write-only.js";
export { InstrumentedList } from "./relationships/collections.js";
export { sessionmaker, type SessionMaker } from "./session/sessionmaker.js";
export type { BulkOptions } from "./session/bulk.js";
export type { DependencyProcessor, FlushContext } from "./session/unit-of-work.js";
export { awaitableAttrs, type AwaitableAttrs } from "./session/awaitable-attrs.js";
export { OrmResult } from "./loading/result.js";
export {
  defer,
  undefer,
  loadOnly,
  selectinload,
  joinedload,
  subqueryload,
  lazyload,
  noload,
  raiseload,
  containsEager,
  defaultload,
  Load,
  LoaderOption,
  LoadElement,
} from "./loading/options.js";
export {
  LoadPath,
  PROPERTY_OF,
  resolvePathElement,
  type HasMapperProperty,
  type PathElement,
} from "./loading/path.js";
export {
  QueryCompileContext,
  EntityLoad,
  type JoinEntitySpec,
  type EagerJoin,
  type RowInfo,
  type RowProcessor,
  type LinkProcessor,
  type PostLoadWork,
  type LoadContext,
} from "./loading/query-context.js";
export { nestForEagerJoins, type EagerParts } from "./loading/eager-nesting.js";
export { replaceColumns, fromReplacer, type ColumnReplacer } from "./loading/clause-adapter.js";
export { ORM_PLUGIN, type CompiledOrmSelect, type LoadPlan } from "./loading/compile-state.js";
export type { LoadByIdentityOptions } from "./loading/load-by-identity.js";
export {
  inspect,
  flagModified,
  InstanceInspection,
  AttributeState,
  RelationshipAttributeState,
  type History,
} from "./state/inspection.js";
export { listen, removeListener, type MapperListener, type SessionListener } from "./listen.js";
export { MapperEvents, SessionEvents, type MapperEventName, type SessionEventName } from "./events.js";
export {
  UnmappedClassError,
  UnmappedInstanceError,
  FlushError,
  StaleDataError,
  PendingRollbackError,
  UnloadedAttributeError,
  UnloadedRelationshipError,
  DetachedInstanceError,
  ObjectDeletedError,
  AttributeValueError,
} from "./errors.js";
