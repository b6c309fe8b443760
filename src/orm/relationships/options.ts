/**
 * What `relationship()` takes (SQLAlchemy: the arguments of `relationship()`), and cascade
 * parsing (SQLAlchemy: `orm/util.py` CascadeOptions).
 */
import { ArgumentError } from "../../util/errors.js";
import type { ColumnElement } from "../../sql/base.js";
import type { OrderByElement } from "../../sql/operators.js";
import type { Table } from "../../schema/table.js";

/**
 * How a relationship loads when a query says nothing (SQLAlchemy's `lazy=`):
 * - `"select"` (default): not loaded with its parent; reading it before it is loaded throws,
 *   naming the fix (`selectinload(...)` in the query or `await session.load(obj, "attr")`).
 * - `"selectin"`, `"joined"`, `"subquery"`: loaded eagerly with every query of the parent.
 * - `"noload"`: never loaded; reads as empty.
 * - `"raise"`: like `"select"`, and `session.load` refuses it too unless a query option loads it.
 * - `"writeOnly"`: a WriteOnlyCollection (`.select()`, `.add()`, `.remove()`), never loaded whole
 *   (SQLAlchemy: `WriteOnlyMapped`).
 * - `"dynamic"`: a write-only collection that also runs its query (`await user.orders.all()`).
 */
export type LazyStrategy =
  "select" | "selectin" | "joined" | "subquery" | "noload" | "raise" | "writeOnly" | "dynamic";

/** A column given as itself or as a mapped class's attribute. */
export type ColumnRef = ColumnElement<any>;

export interface RelationshipOptions {
  /** The attribute of the target class that is this relationship's other side (kept in sync in memory). */
  backPopulates?: string;
  /** The association table of a many-to-many relationship. */
  secondary?: Table<any, any> | (() => Table<any, any>);
  /** The join between the parent and the target (or the secondary table), when foreign keys can't tell. */
  primaryjoin?: ColumnElement<boolean> | (() => ColumnElement<boolean>);
  /** The join between the secondary table and the target. */
  secondaryjoin?: ColumnElement<boolean> | (() => ColumnElement<boolean>);
  /** The columns to treat as the foreign key side, to pick one of several foreign key paths. */
  foreignKeys?: readonly ColumnRef[] | (() => readonly ColumnRef[]);
  /** For a self-referential relationship: the columns on the remote side (the parent's key makes it many-to-one). */
  remoteSide?: readonly ColumnRef[] | (() => readonly ColumnRef[]);
  /**
   * Cascades, comma-separated (SQLAlchemy's names): `save-update`, `merge`, `expunge`,
   * `refresh-expire`, `delete`, `delete-orphan`, `all` (all but delete-orphan). Default
   * `"save-update, merge"`.
   */
  cascade?: string;
  /** Rely on the database's ON DELETE CASCADE: deleting a parent doesn't load its children. */
  passiveDeletes?: boolean | "all";
  /** Default loading; see LazyStrategy. */
  lazy?: LazyStrategy;
  /** Order of a collection (as loaded). */
  orderBy?:
    | ColumnElement<any>
    | OrderByElement
    | readonly (ColumnElement<any> | OrderByElement)[]
    | (() => ColumnElement<any> | OrderByElement | readonly (ColumnElement<any> | OrderByElement)[]);
  /** A collection (true) or a single object (false); by default a collection unless many-to-one. */
  uselist?: boolean;
  /** Read-only: never written at flush (a filtered view of another relationship, say). */
  viewonly?: boolean;
  /** Allow delete-orphan on a many-to-one / many-to-many: each child has a single parent. */
  singleParent?: boolean;
  /** With the "joined" strategy: INNER JOIN instead of LEFT OUTER JOIN. */
  innerjoin?: boolean;
  /**
   * Write this relationship's foreign key with a separate UPDATE after the rows are inserted
   * (and clear it before they are deleted), to break a cycle of rows that reference each other:
   * `User.favoriteOrder` when `Order.user` references the user (SQLAlchemy: `post_update`).
   */
  postUpdate?: boolean;
}

/** The cascade names SQLAlchemy knows. */
export const CASCADE_NAMES = [
  "save-update",
  "merge",
  "expunge",
  "refresh-expire",
  "delete",
  "delete-orphan",
] as const;
export type CascadeName = (typeof CASCADE_NAMES)[number];

const ALL: readonly CascadeName[] = ["save-update", "merge", "expunge", "refresh-expire", "delete"];

/** Parses a cascade string: `"all, delete-orphan"` → its set of names. */
export function parseCascade(spec: string | undefined, where: string): ReadonlySet<CascadeName> {
  const out = new Set<CascadeName>();
  if (spec === undefined) return new Set(["save-update", "merge"]);
  for (const raw of spec.split(",")) {
    const name = raw.trim();
    if (name === "" || name === "none") continue;
    if (name === "all") ALL.forEach((n) => out.add(n));
    else if (name === "refresh-expunge") (["refresh-expire", "expunge"] as const).forEach((n) => out.add(n));
    else if ((CASCADE_NAMES as readonly string[]).includes(name)) out.add(name as CascadeName);
    else
      throw new ArgumentError(
        `${where}: unknown cascade '${name}'. Cascades are: all, ${CASCADE_NAMES.join(", ")} (comma-separated, e.g. "all, delete-orphan").`,
        "ATH-ORM-CASCADE",
      );
  }
  return out;
}

/** Resolves a value that may be a thunk. */
export function resolveThunk<T>(v: T | (() => T)): T {
  return typeof v === "function" && !isClassLike(v) ? (v as () => T)() : (v as T);
}

function isClassLike(v: unknown): boolean {
  return typeof v === "function" && /^class[\s{]/.test(Function.prototype.toString.call(v));
}
