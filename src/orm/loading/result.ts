/**
 * Results of ORM SELECTs (SQLAlchemy: the ORM `Result` of `session.execute(select(User, …))`).
 * Rows are tuples, `[User, number]`, typed from the statement, as SQLAlchemy types them
 * (`Row[tuple[User, int]]`); `scalars()` gives the first item of each row (`User[]` for
 * `select(User)`). The fetch methods are the Core result's (`all`, `first`, `one`, `oneOrNone`,
 * `unique`, `partitions`, iteration); `unique()` compares instances by identity.
 */
import { RowBuffer, ScalarResult, TupleResult } from "../../engine/result.js";
import { objectId } from "../../sql/cache-key.js";

/** Rows of an ORM SELECT. */
export class OrmResult<Row extends unknown[], Scalar = Row[0]> extends TupleResult<Row> {
  /** @internal */
  constructor(
    buffer: RowBuffer,
    private readonly rowKeys: readonly string[],
  ) {
    super(buffer, (raw) => raw as Row, rowIdentity);
  }

  /** Names of the row items: an entity's class name, a column's key. */
  keys(): string[] {
    return [...this.rowKeys];
  }
  /** The first item of each remaining row (SQLAlchemy: `scalars()`): the instances, for `select(User)`. */
  scalars<T = Scalar>(index = 0): ScalarResult<T> {
    return new ScalarResult<T>(
      this.buffer,
      (raw) => raw[index] as T,
      (raw) => valueIdentity(raw[index]),
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

/** Builds an ORM result over tuples already made. @internal */
export function ormResult<Row extends unknown[], Scalar>(
  rows: unknown[][],
  keys: readonly string[],
): OrmResult<Row, Scalar> {
  return new OrmResult<Row, Scalar>(new RowBuffer(rows, true), keys);
}
