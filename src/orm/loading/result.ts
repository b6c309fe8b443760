/**
 * Results of ORM SELECTs (SQLAlchemy: the ORM `Result` of `session.execute(select(User, …))`).
 * Rows are tuples, `[User, number]`, typed from the statement, as SQLAlchemy types them
 * (`Row[tuple[User, int]]`); `scalars()` gives the first item of each row (`User[]` for
 * `select(User)`). The fetch methods are the Core result's (`all`, `first`, `one`, `oneOrNone`,
 * `unique`, `partitions`, iteration); `unique()` compares instances by identity.
 *
 * A result with joined eager-loaded collections repeats each parent once per member; fetching
 * its rows without `unique()` raises, as SQLAlchemy 2.0 does.
 */
import { RowBuffer, ScalarResult, TupleResult } from "../../engine/result.js";
import { InvalidRequestError } from "../../util/errors.js";
import { objectId } from "../../sql/cache-key.js";

/** The unique() strategy of results that require unique(): refuses the first row fetched. */
function requireUnique(): never {
  throw new InvalidRequestError(
    "The unique() method must be invoked on this Result, as it contains results that include joined eager loads " +
      "against collections. Call result.unique().all() (or result.scalars().unique().all()).",
    "ATH-ORM-UNIQUE-REQUIRED",
  );
}

/** Rows of an ORM SELECT. */
export class OrmResult<Row extends unknown[], Scalar = Row[0]> extends TupleResult<Row> {
  private uniqued = false;
  /** @internal */
  constructor(
    buffer: RowBuffer,
    private readonly rowKeys: readonly string[],
    private readonly uniqueRequired = false,
    /**
     * The buffer holds the items of one-item rows, not tuples (`select(User)`: the instances),
     * so `scalars()`, the common case, hands them out as they are; rows are made on demand.
     */
    private readonly single = false,
  ) {
    super(
      buffer,
      (single ? wrapRow : asRow) as (raw: unknown[]) => Row,
      single ? valueIdentity : rowIdentity,
    );
    if (uniqueRequired) super.unique(requireUnique);
  }

  /** Drops repeated rows (instances compare by identity); required with joined eager collections. */
  override unique(strategy?: (row: Row) => unknown): this {
    this.uniqued = true;
    return super.unique(strategy);
  }
  /** The first row or null (allowed without unique(), as in SQLAlchemy: its collections are complete). */
  override first(): Row | null {
    if (this.uniqueRequired && !this.uniqued) this.unique();
    return super.first();
  }

  /** Names of the row items: an entity's class name, a column's key. */
  keys(): string[] {
    return [...this.rowKeys];
  }
  /** The first item of each remaining row (SQLAlchemy: `scalars()`): the instances, for `select(User)`. */
  scalars<T = Scalar>(index = 0): ScalarResult<T> {
    // As SQLAlchemy: the scalars view keeps the result's uniquing (or its requirement).
    const uniqueness = this.uniqued ? "uniqued" : this.uniqueRequired ? "required" : "no";
    if (this.single) {
      const make = (index === 0 ? asItem : noItem) as (raw: unknown[]) => T;
      return new OrmScalarResult<T>(this.buffer, make, valueIdentity, uniqueness);
    }
    return new OrmScalarResult<T>(
      this.buffer,
      (raw) => raw[index] as T,
      (raw) => valueIdentity(raw[index]),
      uniqueness,
    );
  }
  /** The first item of the first row, or null; closes the result. */
  scalar(): Scalar | null {
    const row = this.first();
    return row === null ? null : (row[0] as Scalar);
  }
  /** The first item of exactly one row (NoResultFound / MultipleResultsFound). */
  scalarOne(): Scalar {
    return this.scalars<Scalar>().one();
  }
  /** The first item of one row, or null (MultipleResultsFound if more). */
  scalarOneOrNone(): Scalar | null {
    return this.scalars<Scalar>().oneOrNone();
  }
  /** The rows as they are (they already are tuples). */
  tuples(): this {
    return this;
  }
}

/** The `scalars()` of an ORM result. */
class OrmScalarResult<T> extends ScalarResult<T> {
  private required: boolean;
  constructor(
    buffer: RowBuffer,
    make: (raw: unknown[]) => T,
    identity: (raw: unknown[]) => unknown,
    uniqueness: "uniqued" | "required" | "no",
  ) {
    super(buffer, make, identity);
    this.required = uniqueness === "required";
    if (uniqueness === "uniqued") super.unique();
    else if (this.required) super.unique(requireUnique);
  }
  override unique(strategy?: (item: T) => unknown): this {
    this.required = false;
    return super.unique(strategy);
  }
  override first(): T | null {
    if (this.required) this.unique();
    return super.first();
  }
}

function asRow(raw: unknown[]): unknown[] {
  return raw;
}
function wrapRow(item: unknown): unknown[] {
  return [item];
}
function asItem(item: unknown): unknown {
  return item;
}
function noItem(): undefined {
  return undefined;
}

/** A row's identity for unique(): instances by object identity, values by type and value. */
function rowIdentity(raw: unknown[]): unknown {
  if (raw.length === 1) return valueIdentity(raw[0]);
  let key = "";
  for (const v of raw) key += String(valueIdentity(v)) + "\u0000";
  return key;
}

function valueIdentity(v: unknown): unknown {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "object":
      if (v instanceof Date) return "d" + v.getTime();
      return "o" + objectId(v);
    case "string":
      return "s" + v;
    case "number":
      return "n" + v;
    case "bigint":
      return "b" + v;
    default:
      return String(v);
  }
}

/**
 * Builds an ORM result over tuples already made, or (`single`) over the items of one-item rows.
 * @internal
 */
export function ormResult<Row extends unknown[], Scalar>(
  rows: unknown[][] | unknown[],
  keys: readonly string[],
  requireUnique = false,
  single = false,
): OrmResult<Row, Scalar> {
  return new OrmResult<Row, Scalar>(new RowBuffer(rows as unknown[][], true), keys, requireUnique, single);
}
