/**
 * Streamed results (SQLAlchemy: `AsyncResult` over a server-side cursor). Rows arrive from the
 * driver in batches and are processed batch by batch; only the current batch is held.
 * The connection cannot run other statements until the stream is consumed or closed.
 * @example
 * const result = await conn.stream(select(users.c.id, users.c.name), undefined, { batchSize: 500 });
 * for await (const part of result.partitions(100)) await sendOut(part);
 */
import type { DriverResult } from "../dialects/base/driver.js";
import {
  InvalidRequestError,
  MultipleResultsFound,
  NoResultFound,
  ResourceClosedError,
} from "../util/errors.js";
import { keysFromDriverColumns, processRows, rowFactory, type ResultPlan } from "./execution.js";

/** Where streamed batches come from: the driver's iterator plus processing. @internal */
export class BatchSource {
  private batch: unknown[][] = [];
  private pos = 0;
  done = false;
  closed = false;
  constructor(
    private readonly iterator: AsyncIterator<DriverResult>,
    /** Converts a driver batch in place (result processors) and translates errors. */
    private readonly process: (rows: unknown[][]) => void,
    private readonly onError: (err: unknown) => Error | Promise<Error>,
    private readonly onEnd: () => void,
  ) {}

  /** Next raw row, or undefined at the end. */
  async next(): Promise<unknown[] | undefined> {
    while (this.pos >= this.batch.length) {
      if (this.done) return undefined;
      let r: IteratorResult<DriverResult>;
      try {
        r = await this.iterator.next();
      } catch (err) {
        this.finish();
        throw await this.onError(err);
      }
      if (r.done) {
        this.finish();
        return undefined;
      }
      this.process(r.value.rows);
      this.batch = r.value.rows;
      this.pos = 0;
    }
    return this.batch[this.pos++];
  }
  private finish(): void {
    if (!this.done) {
      this.done = true;
      this.batch = [];
      this.onEnd();
    }
  }
  /** Closes the result: the driver's cursor stops and further fetches raise. */
  async close(): Promise<void> {
    this.closed = true;
    await this.release();
  }
  /** Stops the driver's cursor (the remaining rows are discarded); fetches then see the end. */
  async release(): Promise<void> {
    if (this.done) return;
    try {
      await this.iterator.return?.();
    } finally {
      this.finish();
    }
  }
}

abstract class AsyncResultView<T> implements AsyncIterable<T> {
  private seen: Set<unknown> | null = null;
  private uniqueOf: ((item: T) => unknown) | null = null;
  constructor(
    /** @internal */ protected readonly source: BatchSource,
    /** @internal */ protected readonly make: (raw: unknown[]) => T,
  ) {}

  private async nextItem(): Promise<T | undefined> {
    if (this.source.closed) throw new ResourceClosedError("This result object is closed.");
    for (;;) {
      const raw = await this.source.next();
      if (raw === undefined) return undefined;
      const item = this.make(raw);
      if (this.seen === null) return item;
      const key = this.uniqueOf ? this.uniqueOf(item) : uniqueKey(item);
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      return item;
    }
  }
  /** Drops rows equal to one already returned (by all values, or by `strategy`). */
  unique(strategy?: (item: T) => unknown): this {
    this.seen = new Set();
    this.uniqueOf = strategy ?? null;
    return this;
  }
  async all(): Promise<T[]> {
    const out: T[] = [];
    for (let x = await this.nextItem(); x !== undefined; x = await this.nextItem()) out.push(x);
    return out;
  }
  async fetchone(): Promise<T | null> {
    return (await this.nextItem()) ?? null;
  }
  async fetchmany(size: number): Promise<T[]> {
    const out: T[] = [];
    while (out.length < size) {
      const x = await this.nextItem();
      if (x === undefined) break;
      out.push(x);
    }
    return out;
  }
  /** The rows in lists of up to `size`. */
  async *partitions(size: number): AsyncGenerator<T[], void, undefined> {
    try {
      for (;;) {
        const part = await this.fetchmany(size);
        if (part.length === 0) return;
        yield part;
      }
    } finally {
      await this.source.release();
    }
  }
  async first(): Promise<T | null> {
    const x = await this.nextItem();
    await this.close();
    return x ?? null;
  }
  async one(): Promise<T> {
    return (await this.onlyOne(true)) as T;
  }
  async oneOrNone(): Promise<T | null> {
    return this.onlyOne(false);
  }
  private async onlyOne(required: boolean): Promise<T | null> {
    const x = await this.nextItem();
    if (x === undefined) {
      await this.close();
      if (required) throw new NoResultFound();
      return null;
    }
    const more = (await this.nextItem()) !== undefined;
    await this.close();
    if (more) throw new MultipleResultsFound();
    return x;
  }
  /** Stops reading: the server-side cursor is closed and the connection is free again. */
  close(): Promise<void> {
    return this.source.close();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    try {
      for (let x = await this.nextItem(); x !== undefined; x = await this.nextItem()) yield x;
    } finally {
      await this.source.release();
    }
  }
}

function uniqueKey(item: unknown): unknown {
  const values = Array.isArray(item)
    ? item
    : item !== null && typeof item === "object" && !(item instanceof Date)
      ? Object.values(item)
      : [item];
  let s = "";
  for (const v of values) {
    s +=
      (typeof v === "bigint"
        ? "b" + v
        : v instanceof Date
          ? "d" + v.getTime()
          : typeof v + ":" + (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v))) +
      "\u0000";
  }
  return s;
}

/** A streamed result of row objects (SQLAlchemy: `AsyncResult`). */
export class StreamResult<Row = Record<string, unknown>, Scalar = unknown> extends AsyncResultView<Row> {
  /** @internal */
  constructor(
    source: BatchSource,
    private readonly _keys: readonly string[],
    private readonly _indexes: readonly number[] = _keys.map((_, i) => i),
  ) {
    super(source, rowFactory(_keys, _indexes));
  }
  keys(): string[] {
    return [...this._keys];
  }
  async scalar(): Promise<Scalar | null> {
    const row = await this.tuples().first();
    return row === null ? null : (row[0] as Scalar);
  }
  scalarOne(): Promise<Scalar> {
    return this.scalars().one();
  }
  scalarOneOrNone(): Promise<Scalar | null> {
    return this.scalars().oneOrNone();
  }
  /** Values of one column (the first by default). */
  scalars<T = Scalar>(index = 0): StreamScalarResult<T> {
    const i = this._indexes[index];
    if (i === undefined)
      throw new InvalidRequestError(
        `The result has ${this._indexes.length} columns; there is no column ${index}.`,
        "ATH-NOCOLUMN",
      );
    return new StreamScalarResult<T>(this.source, (raw) => raw[i] as T);
  }
  mappings(): StreamResult<Row, Scalar> {
    return new StreamResult<Row, Scalar>(this.source, this._keys, this._indexes);
  }
  tuples(): StreamTupleResult<unknown[]> {
    const idx = this._indexes;
    return new StreamTupleResult<unknown[]>(this.source, (raw) => idx.map((i) => raw[i]));
  }
  columns<K extends keyof Row & string>(...keys: K[]): StreamResult<Pick<Row, K>, Row[K]> {
    const indexes = keys.map((k) => {
      const pos = this._keys.indexOf(k);
      if (pos === -1)
        throw new InvalidRequestError(
          `Could not locate column '${k}' in the result; its columns are: ${this._keys.join(", ")}.`,
          "ATH-NOCOLUMN",
        );
      return this._indexes[pos]!;
    });
    return new StreamResult<Pick<Row, K>, Row[K]>(this.source, keys, indexes);
  }
}
export class StreamScalarResult<T> extends AsyncResultView<T> {}
export class StreamTupleResult<T extends unknown[]> extends AsyncResultView<T> {}

/**
 * Starts reading a driver stream: fetches the first batch (which tells the column names) and
 * wraps the rest in a BatchSource that processes rows batch by batch. @internal
 */
export async function openStream(
  iterator: AsyncIterator<DriverResult>,
  resultPlan: ResultPlan | null,
  hooks: { wrapError: (err: unknown) => Error | Promise<Error>; onEnd: (source: BatchSource) => void },
): Promise<{ source: BatchSource; keys: readonly string[] }> {
  let first: IteratorResult<DriverResult>;
  try {
    first = await iterator.next();
  } catch (err) {
    throw await hooks.wrapError(err);
  }
  const driverColumns = first.done ? null : first.value.columns;
  const keys = resultPlan ? resultPlan.keys : driverColumns ? keysFromDriverColumns(driverColumns) : [];
  const source: BatchSource = new BatchSource(
    prepend(first, iterator),
    (rows) => processRows(rows, resultPlan),
    hooks.wrapError,
    () => hooks.onEnd(source),
  );
  return { source, keys };
}

/** The first (already fetched) batch, then the rest; closing closes the driver iterator. */
async function* prepend(
  first: IteratorResult<DriverResult>,
  rest: AsyncIterator<DriverResult>,
): AsyncGenerator<DriverResult> {
  try {
    if (first.done) return;
    yield first.value;
    for (;;) {
      const r = await rest.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    await rest.return?.();
  }
}
