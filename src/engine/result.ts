/**
 * Buffered results (SQLAlchemy: `engine/result.py` Result, ScalarResult, MappingResult,
 * TupleResult). Rows are consumed as from a cursor: `all()` returns the remaining rows,
 * `first()`/`one()`/`scalar()` close the result. `scalars()`, `mappings()`, `tuples()` and
 * `columns()` are views over the same cursor.
 *
 * Rows are kept as processed arrays and turned into plain objects only when handed out,
 * by a per-shape generated constructor (no per-row lookups).
 */
import {
  InvalidRequestError,
  MultipleResultsFound,
  NoResultFound,
  ResourceClosedError,
} from "../util/errors.js";
import { identityIndexes, rowShape, type RowsFactory } from "./execution.js";

/** The rows of one execution and the position of the cursor, shared by all views. @internal */
export class RowBuffer {
  pos = 0;
  /** Closed by first()/one()/scalar(): further fetches raise. */
  closed = false;
  constructor(
    readonly rows: unknown[][],
    /** False for statements that return no rows (INSERT without RETURNING, DDL, …). */
    readonly returnsRows: boolean,
  ) {}
}

/** Per-execution facts a Result reports beside its rows. @internal */
export interface ResultMeta {
  readonly rowcount: number;
  readonly lastInsertId: number | bigint | null;
  /** Computes `insertedPrimaryKey`, or throws why there is none. */
  readonly insertedPrimaryKey: () => unknown[] | null;
}

type UniqueStrategy<T> = (item: T) => unknown;

/** A stable identity for a value, for unique(): type-tagged so "1" and 1 differ. */
function valueKey(v: unknown): unknown {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
      return "s" + v;
    case "number":
      return "n" + v;
    case "bigint":
      return "b" + v;
    case "boolean":
      return v ? "T" : "F";
  }
  if (v instanceof Date) return "d" + v.getTime();
  if (Buffer.isBuffer(v)) return "x" + v.toString("hex");
  try {
    return "j" + JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() + "n" : x));
  } catch {
    return v;
  }
}
function rowKey(values: readonly unknown[]): unknown {
  if (values.length === 1) return valueKey(values[0]);
  let s = "";
  for (const v of values) s += String(valueKey(v)) + "\u0000";
  return s;
}

/** The fetch methods every result view shares. */
abstract class ResultView<T> implements Iterable<T>, AsyncIterable<T> {
  private seen: Set<unknown> | null = null;
  private uniqueOf: UniqueStrategy<T> | null = null;
  constructor(
    /** @internal */ protected readonly buffer: RowBuffer,
    /** @internal */ protected readonly make: (raw: unknown[]) => T,
    /** The values unique() compares by default. @internal */
    protected readonly identity: (raw: unknown[]) => unknown,
    /** `make` over every row from a position, in one generated loop (row objects). @internal */
    protected readonly makeAll: RowsFactory | null = null,
  ) {}

  private check(): void {
    if (!this.buffer.returnsRows) {
      throw new ResourceClosedError(
        "This result object does not return rows. It has been closed automatically.",
      );
    }
    if (this.buffer.closed) throw new ResourceClosedError("This result object is closed.");
  }

  /** Next raw row passing the unique filter, or undefined. */
  private nextRaw(): unknown[] | undefined {
    const b = this.buffer;
    while (b.pos < b.rows.length) {
      const raw = b.rows[b.pos++]!;
      if (this.seen === null) return raw;
      const key = this.uniqueOf ? this.uniqueOf(this.make(raw)) : this.identity(raw);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      return raw;
    }
    return undefined;
  }

  /**
   * Drops rows equal to one already returned (SQLAlchemy: `unique()`); by default rows are
   * compared by all their values, or by what `strategy` returns.
   */
  unique(strategy?: UniqueStrategy<T>): this {
    this.seen = new Set();
    this.uniqueOf = strategy ?? null;
    return this;
  }

  /** All remaining rows. */
  all(): T[] {
    this.check();
    const b = this.buffer;
    if (this.seen === null) {
      const rows = b.rows;
      const from = b.pos;
      b.pos = rows.length;
      if (this.makeAll !== null) return this.makeAll(rows, from) as T[];
      const out: T[] = [];
      for (let i = from; i < rows.length; i++) out.push(this.make(rows[i]!));
      return out;
    }
    const out: T[] = [];
    for (let raw = this.nextRaw(); raw !== undefined; raw = this.nextRaw()) out.push(this.make(raw));
    return out;
  }
  /** The next row, or null when there are no more (SQLAlchemy: `fetchone`). */
  fetchone(): T | null {
    this.check();
    const raw = this.nextRaw();
    return raw === undefined ? null : this.make(raw);
  }
  /** Up to `size` next rows (SQLAlchemy: `fetchmany`). */
  fetchmany(size: number): T[] {
    this.check();
    const out: T[] = [];
    while (out.length < size) {
      const raw = this.nextRaw();
      if (raw === undefined) break;
      out.push(this.make(raw));
    }
    return out;
  }
  /** Same as all() (SQLAlchemy: `fetchall`). */
  fetchall(): T[] {
    return this.all();
  }
  /** The remaining rows in lists of up to `size` (SQLAlchemy: `partitions`). */
  *partitions(size: number): Generator<T[], void, undefined> {
    for (;;) {
      const part = this.fetchmany(size);
      if (part.length === 0) return;
      yield part;
    }
  }
  /** The first row or null, then closes the result. */
  first(): T | null {
    this.check();
    const raw = this.nextRaw();
    this.close();
    return raw === undefined ? null : this.make(raw);
  }
  /** Exactly one row: NoResultFound if none, MultipleResultsFound if more. Closes the result. */
  one(): T {
    const r = this.onlyOne(true);
    return r as T;
  }
  /** One row or null; MultipleResultsFound if more. Closes the result (SQLAlchemy: `one_or_none`). */
  oneOrNone(): T | null {
    return this.onlyOne(false);
  }
  private onlyOne(required: boolean): T | null {
    this.check();
    const raw = this.nextRaw();
    if (raw === undefined) {
      this.close();
      if (required) throw new NoResultFound();
      return null;
    }
    const more = this.nextRaw() !== undefined;
    this.close();
    if (more) throw new MultipleResultsFound();
    return this.make(raw);
  }
  /** Discards the remaining rows; further fetches raise ResourceClosedError. */
  close(): void {
    this.buffer.closed = true;
    this.buffer.pos = this.buffer.rows.length;
  }
  *[Symbol.iterator](): Iterator<T> {
    this.check();
    for (let raw = this.nextRaw(); raw !== undefined; raw = this.nextRaw()) yield this.make(raw);
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    // Not `yield* this`: in an async generator that would pick this very method again.
    const it = this[Symbol.iterator]();
    for (let r = it.next(); !r.done; r = it.next()) yield r.value;
  }
}

/**
 * The result of `conn.execute()`: plain row objects keyed by column, typed from the statement.
 * @example
 * const result = await conn.execute(select(users.c.id, users.c.name));
 * result.all();               // { id: number; name: string }[]
 * (await conn.execute(select(users.c.name))).scalars().all(); // string[]
 * (await conn.execute(stmt)).one();   // exactly one row, or NoResultFound / MultipleResultsFound
 */
export class Result<Row = Record<string, unknown>, Scalar = unknown> extends ResultView<Row> {
  /** @internal */ readonly _keys: readonly string[];
  /** @internal */ readonly _indexes: readonly number[];
  private readonly meta: ResultMeta;

  /** @internal */
  constructor(buffer: RowBuffer, keys: readonly string[], meta: ResultMeta, indexes?: readonly number[]) {
    const idx = indexes ?? identityIndexes(keys.length);
    const shape = rowShape(keys, indexes);
    super(buffer, shape.one, indexes ? (raw) => rowKey(idx.map((i) => raw[i])) : rowKey, shape.all);
    this._keys = keys;
    this._indexes = idx;
    this.meta = meta;
  }

  /** Column keys of the rows. */
  keys(): string[] {
    return [...this._keys];
  }
  /** Whether the statement returned rows (SQLAlchemy: `returns_rows`). */
  get returnsRows(): boolean {
    return this.buffer.returnsRows;
  }
  /**
   * Rows matched by an UPDATE or DELETE (matched, not changed, on MySQL too), rows inserted by
   * an INSERT; the total for executemany; -1 when the driver does not say.
   */
  get rowcount(): number {
    return this.meta.rowcount;
  }
  /** The auto-increment id of the inserted row on SQLite and MySQL; null elsewhere (SQLAlchemy: `lastrowid`). */
  get lastInsertId(): number | bigint | null {
    return this.meta.lastInsertId;
  }
  /**
   * Primary key values of the row a single-row INSERT created, in primary key column order,
   * from RETURNING, the given values, or lastInsertId (SQLAlchemy: `inserted_primary_key`).
   */
  get insertedPrimaryKey(): unknown[] | null {
    return this.meta.insertedPrimaryKey();
  }

  private firstIndex(index: number): number {
    const i = this._indexes[index];
    if (i === undefined)
      throw new InvalidRequestError(
        `The result has ${this._indexes.length} columns; there is no column ${index}.`,
        "ATH-NOCOLUMN",
      );
    return i;
  }
  /** The first column of the first row, or null; closes the result. */
  scalar(): Scalar | null {
    const row = this.tuplesView().first();
    return row === null ? null : (row[0] as Scalar);
  }
  /** The first column of exactly one row (NoResultFound / MultipleResultsFound). */
  scalarOne(): Scalar {
    return this.scalars().one();
  }
  /** The first column of one row or null (MultipleResultsFound if more). */
  scalarOneOrNone(): Scalar | null {
    return this.scalars().oneOrNone();
  }
  /** The values of one column (the first by default) of the remaining rows. */
  scalars<T = Scalar>(index = 0): ScalarResult<T> {
    const i = this.firstIndex(index);
    return new ScalarResult<T>(
      this.buffer,
      (raw) => raw[i] as T,
      (raw) => valueKey(raw[i]),
    );
  }
  /** Rows as key → value mappings (rows are already plain objects; SQLAlchemy: `mappings()`). */
  mappings(): MappingResult<Row> {
    return new MappingResult<Row>(this.buffer, this.make, this.identity, this.makeAll);
  }
  /** Rows as arrays of values in column order (SQLAlchemy: `tuples()`). */
  tuples(): TupleResult<unknown[]> {
    return this.tuplesView();
  }
  private tuplesView(): TupleResult<unknown[]> {
    const idx = this._indexes;
    const identityOrder = idx.every((v, i) => v === i);
    const make = identityOrder
      ? (raw: unknown[]) => (raw.length === idx.length ? raw : raw.slice(0, idx.length))
      : (raw: unknown[]) => idx.map((i) => raw[i]);
    return new TupleResult<unknown[]>(this.buffer, make, this.identity);
  }
  /** A view with only these columns, in this order (SQLAlchemy: `columns()`). */
  columns<K extends keyof Row & string>(...keys: K[]): Result<Pick<Row, K>, Row[K]> {
    const indexes = keys.map((k) => {
      const pos = this._keys.indexOf(k);
      if (pos === -1)
        throw new InvalidRequestError(
          `Could not locate column '${k}' in the result; its columns are: ${this._keys.join(", ")}.`,
          "ATH-NOCOLUMN",
        );
      return this._indexes[pos]!;
    });
    return new Result<Pick<Row, K>, Row[K]>(this.buffer, keys, this.meta, indexes);
  }
}

/** Single values of one column (SQLAlchemy: `ScalarResult`). */
export class ScalarResult<T> extends ResultView<T> {}
/** Rows as mappings (SQLAlchemy: `MappingResult`). */
export class MappingResult<Row> extends ResultView<Row> {}
/** Rows as arrays (SQLAlchemy: `TupleResult`). */
export class TupleResult<T extends unknown[]> extends ResultView<T> {}
