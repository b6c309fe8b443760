/**
 * Dates, times, timestamps and intervals (SQLAlchemy: `Date`, `Time`, `DateTime`, `Interval`).
 *
 * - Date is "YYYY-MM-DD" text: a calendar date has no time zone that could shift it.
 * - Time is "HH:MM:SS" or "HH:MM:SS.ffffff" text (six digits whenever there is a fraction).
 * - DateTime is a JS Date. A naive DateTime (`timezone: false`) is stored and read as UTC wall
 *   time, so the same Date comes back whatever the process or server time zone. With
 *   `timezone: true` PostgreSQL stores TIMESTAMPTZ; MySQL and SQLite have no zone-aware type
 *   and store UTC. A JS Date holds milliseconds: finer digits in the database are dropped on read.
 * - Interval is an IntervalValue: native on PostgreSQL; elsewhere (SQLite, MySQL) a BIGINT count
 *   of microseconds, which keeps intervals comparable and summable in SQL. SQLAlchemy emulates
 *   with a DATETIME at epoch + interval instead; both cannot hold months or years (no fixed
 *   length), so such values are refused at bind time there.
 */
import { ArgumentError, UnsupportedFeatureError } from "../../util/errors.js";
import { describeValue } from "./describe.js";
import {
  hasCalendarParts,
  intervalFromMicroseconds,
  intervalProblem,
  intervalToMicroseconds,
  type IntervalValue,
} from "./interval.js";
import {
  dateProblem,
  formatUtcDateTime,
  isDateText,
  isTimeText,
  normalizeTime,
  parseDateTimeText,
} from "./temporal-text.js";
import { TypeEngine, type Processor, type TypeDialect } from "./type-engine.js";

/** Milliseconds of 0001-01-01T00:00:00Z and of 9999-12-31T23:59:59.999Z: the years every database stores. */
const MIN_TIME = -62135596800000;
const MAX_TIME = 253402300799999;

/** Throws unless a Date is valid and within the years 1–9999 (the cheap check done per value at bind time). */
export function checkBindableDate(d: Date): void {
  const t = d.getTime();
  if (!(t >= MIN_TIME && t <= MAX_TIME)) {
    throw new ArgumentError(`Can't send ${dateProblem(d) ?? describeValue(d)} to the database.`, "ATH-VALUE");
  }
}

/** Date → "YYYY-MM-DD HH:MM:SS.mmm" (UTC wall time); text is passed through as given. */
export const bindUtcDateTime: Processor = (v) => {
  if (!(v instanceof Date)) return v;
  checkBindableDate(v);
  return formatUtcDateTime(v);
};

/** SQL timestamp text → Date; a Date (from a driver that parsed it) is kept. */
export const resultDateTime: Processor = (v) => (typeof v === "string" ? parseDateTimeText(v) : v);

const timeText: Processor = (v) => (typeof v === "string" ? normalizeTime(v) : v);

/** Calendar date as "YYYY-MM-DD" text. */
export class DateType extends TypeEngine<string> {
  readonly kind: string = "date";
  override validate(value: unknown): string | null {
    if (value === null || (typeof value === "string" && isDateText(value))) return null;
    const hint =
      value instanceof Date ? " (for the UTC date of a Date, pass d.toISOString().slice(0, 10))" : "";
    return `expected a 'YYYY-MM-DD' date string, got ${describeValue(value)}${hint}`;
  }
  override toString(): string {
    return "Date";
  }
}

/** Time of day as "HH:MM:SS[.ffffff]" text (with a UTC offset when `timezone`, on PostgreSQL). */
export class TimeType extends TypeEngine<string> {
  readonly kind: string = "time";
  constructor(readonly timezone = false) {
    super();
  }
  override bindProcessor(_dialect: TypeDialect): Processor | null {
    return timeText;
  }
  override resultProcessor(_dialect: TypeDialect): Processor | null {
    return timeText;
  }
  override validate(value: unknown): string | null {
    if (value === null || (typeof value === "string" && isTimeText(value, this.timezone))) return null;
    return `expected an 'HH:MM:SS[.ffffff]' time string${this.timezone ? " (with an optional offset such as +02:00)" : ""}, got ${describeValue(value)}`;
  }
  override toString(): string {
    return this.timezone ? "Time({ timezone: true })" : "Time";
  }
}

/** Timestamp as a JS Date (see the module comment for time zones). */
export class DateTimeType extends TypeEngine<Date> {
  readonly kind: string = "datetime";
  constructor(
    readonly timezone = false,
    /** Fractional-second digits (0–6) where the database takes them (MySQL DATETIME(fsp), PostgreSQL TIMESTAMP(p)). */
    readonly fsp: number | null = null,
  ) {
    super();
  }
  override bindProcessor(_dialect: TypeDialect): Processor | null {
    return bindUtcDateTime;
  }
  override resultProcessor(_dialect: TypeDialect): Processor | null {
    return resultDateTime;
  }
  override validate(value: unknown): string | null {
    if (value === null) return null;
    if (!(value instanceof Date)) return `expected a Date, got ${describeValue(value)}`;
    const problem = dateProblem(value);
    return problem ? `expected a valid Date, got ${problem}` : null;
  }
  override toString(): string {
    const opts = [this.timezone ? "timezone: true" : "", this.fsp != null ? `fsp: ${this.fsp}` : ""].filter(
      Boolean,
    );
    return opts.length ? `DateTime({ ${opts.join(", ")} })` : "DateTime";
  }
}

/** A span of time (see IntervalValue); native on PostgreSQL, microseconds elsewhere. */
export class IntervalType extends TypeEngine<IntervalValue> {
  readonly kind: string = "interval";
  override bindProcessor(dialect: TypeDialect): Processor | null {
    if (dialect.capabilities.supportsNativeInterval) return null;
    const name = dialect.name;
    return (v: IntervalValue) => {
      if (hasCalendarParts(v)) {
        throw new UnsupportedFeatureError(
          `An Interval with years or months (${JSON.stringify(v)})`,
          name,
          "Without a native INTERVAL type an Interval is stored as a count of microseconds, and a month has no fixed length; give the span in days.",
        );
      }
      return intervalToMicroseconds(v);
    };
  }
  override resultProcessor(dialect: TypeDialect): Processor | null {
    if (dialect.capabilities.supportsNativeInterval) return null;
    return (v) => intervalFromMicroseconds(typeof v === "number" ? v : Number(v));
  }
  override validate(value: unknown): string | null {
    return intervalProblem(value);
  }
  override toString(): string {
    return "Interval";
  }
}
