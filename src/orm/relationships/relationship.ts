/**
 * `relationship()` and the class-level relationship attribute (SQLAlchemy: `relationship()` and
 * the `InstrumentedAttribute` / `Comparator` of a relationship: `User.orders.any(...)`).
 *
 * A relationship is declared as a static of the mapped class, with the instance side declared
 * by `declare` (a class field would hide the ORM's accessor):
 *
 * @example
 * class User extends Base.model("users", { id: mappedColumn(Integer, { primaryKey: true }) }) {
 *   static orders = relationship(() => Order, { backPopulates: "user", cascade: "all, delete-orphan" });
 *   declare orders: Order[];
 * }
 * class Order extends Base.model("orders", {
 *   id: mappedColumn(Integer, { primaryKey: true }),
 *   userId: mappedColumn(Integer, { foreignKey: "users.id" }),
 * }) {
 *   static user = relationship(() => User, { backPopulates: "orders" });
 *   declare user: User;
 * }
 * select(User).join(User.orders).where(Order.id.gt(10));
 * select(User).where(User.orders.any(Order.status.eq("shipped")));
 * select(User).options(selectinload(User.orders));
 *
 * The target is a function returning the class (it may be defined later in the module), as
 * SQLAlchemy takes `"Order"`; a class name string works too once that class has been used.
 */
import { ArgumentError } from "../../util/errors.js";
import type { ColumnElement, FromClause } from "../../sql/base.js";
import { and, not, type Criterion } from "../../sql/operators.js";
import { JOIN_TARGET, type HasJoinTarget, type JoinTargetStep } from "../../sql/roles.js";
import { exists } from "../../sql/select-base.js";
import { select } from "../../sql/select.js";
import { mapperOfInstance } from "../mapping/registry.js";
import { STATE, type InstanceState } from "../state/instance-state.js";
import { fromReplacer, replaceColumns } from "../loading/clause-adapter.js";
import { relationshipJoinSteps } from "./joins.js";
import type { RelationshipOptions } from "./options.js";
import type { RelationshipProperty, TargetRef } from "./property.js";

/** Marks the class-level relationship attributes a mapper picks up from its class's statics. */
export const RELATIONSHIP: unique symbol = Symbol("athanor.orm.relationship");

/**
 * The class-level side of a relationship (`User.orders`): a join target, the source of `any()`,
 * `has()` and `eq()` filters, and a loader option path element. `T` is the related class's
 * instance type.
 */
export class Relationship<T extends object = any> implements HasJoinTarget {
  declare readonly __target?: T;
  readonly [RELATIONSHIP] = true;
  /** @internal set when the owning class is mapped */
  _prop: RelationshipProperty | null = null;

  constructor(
    readonly targetRef: TargetRef,
    readonly options: RelationshipOptions,
  ) {}

  /** The mapped property, configured (SQLAlchemy: `User.orders.property`). */
  get property(): RelationshipProperty {
    const p = this._prop;
    if (p === null) {
      throw new ArgumentError(
        "This relationship belongs to a class that has not been used yet, so it is not mapped. " +
          "Use the class first (select(Cls), new Cls(), Cls.someColumn), or call Base.registry.configure() after defining every model.",
        "ATH-ORM-REL-UNBOUND",
      );
    }
    p.mapper.registry.configure();
    return p;
  }

  /** `EXISTS` a related row, optionally matching `criterion` (for collections; SQLAlchemy: `any()`). */
  any(criterion?: Criterion): ColumnElement<boolean> {
    const p = this.property;
    if (!p.uselist) {
      throw new ArgumentError(
        `${p.where} is a single object; use has() instead of any().`,
        "ATH-ORM-REL-ANY",
      );
    }
    return existsRelated(p, criterion);
  }

  /** `EXISTS` the related row, optionally matching `criterion` (for single objects; SQLAlchemy: `has()`). */
  has(criterion?: Criterion): ColumnElement<boolean> {
    const p = this.property;
    if (p.uselist) {
      throw new ArgumentError(`${p.where} is a collection; use any() instead of has().`, "ATH-ORM-REL-HAS");
    }
    return existsRelated(p, criterion);
  }

  /**
   * Many-to-one: the parent's foreign key equals the object's key (`Order.user.eq(ann)`), or
   * IS NULL for null. No join, no subquery, as SQLAlchemy compares a many-to-one.
   */
  eq(obj: T | null): ColumnElement<boolean> {
    const p = this.property;
    if (p.direction !== "manyToOne") {
      throw new ArgumentError(
        `${p.where}.eq() compares a many-to-one; ${p.where} is ${p.direction}. Use any(criterion) on collections.`,
        "ATH-ORM-REL-EQ",
      );
    }
    if (obj === null) return and(...p.syncPairs.map(([, fk]) => fk.isNull()));
    const state = targetState(p, obj);
    return and(
      ...p.syncPairs.map(([src, fk]) => {
        const cp = p.target.columnProps.find((c) => c.column === src)!;
        const v = state.values[cp.index];
        if (v === undefined || v === null) {
          throw new ArgumentError(
            `${p.where}.eq(obj): the ${p.target.className}'s ${cp.key} is not known yet (flush it first).`,
            "ATH-ORM-REL-EQ",
          );
        }
        return fk.eq(v);
      }),
    );
  }

  /** `ne()`: the negation of eq() (NULL foreign keys included, as SQLAlchemy does). */
  ne(obj: T | null): ColumnElement<boolean> {
    const p = this.property;
    if (obj === null) return and(...p.syncPairs.map(([, fk]) => fk.isNotNull()));
    return not(this.eq(obj));
  }

  /** This relationship joined onto an alias of its target (SQLAlchemy: `of_type`). */
  ofType(target: FromClause): HasJoinTarget {
    const p = this.property;
    return { [JOIN_TARGET]: () => relationshipJoinSteps(p, { target }) };
  }

  /**
   * `select(User).join(User.orders)`: the joins, ON clauses from the relationship. Public
   * on purpose: left out of the emitted .d.ts, join() would no longer accept a relationship.
   */
  [JOIN_TARGET](): readonly JoinTargetStep[] {
    return relationshipJoinSteps(this.property);
  }

  toString(): string {
    return this._prop ? `Relationship[${this._prop.where}]` : "Relationship[unmapped]";
  }
}

function targetState(p: RelationshipProperty, obj: unknown): InstanceState {
  const m = mapperOfInstance(obj);
  if (m !== p.target) {
    throw new ArgumentError(
      `${p.where} relates to ${p.target.className}; got ${m ? `a ${m.className}` : String(obj)}.`,
      "ATH-ORM-REL-EQ",
    );
  }
  return (obj as { [STATE]: InstanceState })[STATE];
}

/**
 * `EXISTS (SELECT … FROM target [, secondary] WHERE <join> [AND criterion])`, correlated to the
 * parent. A self-referential relationship reads the related rows from an alias, and the
 * criterion is adapted to it (as SQLAlchemy does).
 */
function existsRelated(p: RelationshipProperty, criterion: Criterion | undefined): ColumnElement<boolean> {
  const selfRef = p.mapper.table === p.target.table;
  const target = selfRef ? p.target.table.alias() : p.target.table;
  const steps = relationshipJoinSteps(p, { target });
  const conds: Criterion[] = steps.map((st) => st.onclause);
  const pk = (target.c as Record<string, ColumnElement<any>>)[p.target.pkProps[0]!.column.key]!;
  let stmt = select(pk);
  if (p.secondary !== null) stmt = stmt.selectFrom(p.secondary);
  if (criterion !== undefined)
    conds.push(
      selfRef
        ? replaceColumns(criterion as ColumnElement<any>, fromReplacer([[p.target.table, target]]))
        : criterion,
    );
  return exists(stmt.where(and(...conds)));
}

/**
 * Declares a relationship (SQLAlchemy: `relationship()`); put it on a static of the mapped class
 * and declare the instance side (`declare orders: Order[]`, `declare user: User`, `declare
 * parent: Node | null`, `declare runs: WriteOnlyCollection<Run>`).
 * @example static orders = relationship(() => Order, { backPopulates: "user", lazy: "selectin" });
 */
export function relationship<T extends object>(
  target: () => abstract new (...args: any) => T,
  options?: RelationshipOptions,
): Relationship<T>;
export function relationship<T extends object>(
  target: abstract new (...args: any) => T,
  options?: RelationshipOptions,
): Relationship<T>;
export function relationship<T extends object = any>(
  target: string,
  options?: RelationshipOptions,
): Relationship<T>;
export function relationship(target: TargetRef, options: RelationshipOptions = {}): Relationship<any> {
  if (typeof target !== "function" && typeof target !== "string") {
    throw new ArgumentError(
      "relationship() takes the related class through a function (relationship(() => Order, …)), the class, or its name.",
      "ATH-ORM-REL",
    );
  }
  if (options === null || typeof options !== "object") {
    throw new ArgumentError("relationship()'s second argument is an options object.", "ATH-ORM-REL");
  }
  return new Relationship(target, options);
}

/** True for a class-level relationship attribute. */
export function isRelationship(x: unknown): x is Relationship {
  return x !== null && typeof x === "object" && (x as { [RELATIONSHIP]?: boolean })[RELATIONSHIP] === true;
}
