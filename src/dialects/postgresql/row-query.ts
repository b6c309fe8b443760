/**
 * The queries Athanor sends through pg: `pg.Query` objects (pg's own class, so pg drives them
 * exactly like the queries it makes itself), rows as arrays, answered through a callback.
 *
 * ROWS PARSED IN PLACE. pg's protocol parser hands each DataRow over as a fresh array of the
 * row's text values; pg's array row mode then copies it into a second array while parsing.
 * Here the values are parsed into the protocol's array itself, which becomes the row: one
 * array less per row, which is most of what reading a large result costs beyond the raw
 * driver (allocations that survive until the result is read). The parsers and their results
 * are pg's (the client's type parsers, so per-client `types` overrides apply), `null` stays
 * `null`, and a parser's error fails the query as pg's own handling does.
 *
 * The callback also skips the promise pg wraps around each query (the driver makes one).
 * Should a pg release change the internals this relies on (`_result._parsers`,
 * `_canceledDueToError`), each query falls back to pg's own row handling.
 */
import type { PgSubmittable } from "./prepared.js";

/** One query's result, as pg reports it. */
export interface PgQueryResult {
  rows: unknown[][];
  fields: { name: string }[];
  rowCount: number | null;
  command: string;
}

/** What a query is built from. */
export interface PgQueryConfig {
  text: string;
  name?: string;
  values?: readonly unknown[];
}

type Callback = (err: Error | null, res: PgQueryResult | PgQueryResult[]) => void;

/** Sends one query (text, or a named prepared statement) with rows as arrays. */
export type PgSend = (config: PgQueryConfig) => Promise<PgQueryResult | PgQueryResult[]>;

/** The client methods a sender needs. */
interface PgQueryable {
  query(config: PgQueryConfig & { rowMode: "array" }): Promise<PgQueryResult | PgQueryResult[]>;
  query(submittable: PgSubmittable): PgSubmittable;
}

/** The sender for `client`: RowQuery objects when `pg` has a usable Query class, else pg's own query(). */
export function querySender(client: PgQueryable, pg: { Query?: unknown } | null | undefined): PgSend {
  const make = rowQueryFactory(pg);
  if (make === null) return (config) => client.query({ ...config, rowMode: "array" });
  return (config) =>
    new Promise((resolve, reject) => {
      client.query(make(config, (err, res) => (err ? reject(err) : resolve(res))));
    });
}

/** The parts of `pg.Query` used here. */
interface PgQueryInternals {
  _result?: { _parsers?: ((v: string) => unknown)[]; rows: unknown[][] };
  _canceledDueToError?: unknown;
  handleDataRow(msg: { fields: unknown[] }): void;
}
type PgQueryCtor = new (config: {
  text: string;
  name: string | undefined;
  values: unknown[] | undefined;
  rowMode: "array";
  callback: Callback;
}) => PgQueryInternals & PgSubmittable;

/** Builds the query objects for one pg module; null when it has no usable `Query` class. */
function rowQueryFactory(
  pg: { Query?: unknown } | null | undefined,
): ((config: PgQueryConfig, callback: Callback) => PgSubmittable) | null {
  const Base = pg?.Query as PgQueryCtor | undefined;
  if (typeof Base !== "function" || typeof Base.prototype.handleDataRow !== "function") return null;

  class RowQuery extends Base {
    override handleDataRow(msg: { fields: unknown[] }): void {
      const result = this._result;
      const parsers = result?._parsers;
      const row = msg.fields;
      if (
        parsers === undefined ||
        this._canceledDueToError !== false ||
        !Array.isArray(row) ||
        row.length !== parsers.length
      ) {
        super.handleDataRow(msg);
        return;
      }
      try {
        for (let i = 0; i < row.length; i++) {
          const v = row[i];
          if (v !== null) row[i] = parsers[i]!(v as string);
        }
      } catch (err) {
        // As pg does: the error is reported when the server has finished the query.
        this._canceledDueToError = err;
        return;
      }
      result!.rows.push(row);
    }
  }

  return (config, callback) =>
    new RowQuery({
      text: config.text,
      name: config.name,
      values: config.values as unknown[] | undefined,
      rowMode: "array",
      callback,
    });
}
