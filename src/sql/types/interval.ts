/**
 * IntervalValue, and its emulation as a count of microseconds where the database has no
 * INTERVAL type (SQLite, MySQL). @internal
 */
import { describeValue } from "./describe.js";

/**
 * A span of time. PostgreSQL keeps years, months and days apart from the clock part (a month
 * has no fixed length), so all parts are kept. Values read back hold only the non-zero parts,
 * normalised the way the database normalises them (90 minutes read back as 1 hour 30 minutes).
 * @example { days: 3, hours: 4, minutes: 5, seconds: 6, milliseconds: 789 }
 */
export interface IntervalValue {
  years?: number;
  months?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  /** May be fractional down to microseconds (0.001). */
  milliseconds?: number;
}

const KEYS = new Set(["years", "months", "days", "hours", "minutes", "seconds", "milliseconds"]);

const US_PER_MS = 1000;
const US_PER_SECOND = 1_000_000;
const US_PER_MINUTE = 60 * US_PER_SECOND;
const US_PER_HOUR = 60 * US_PER_MINUTE;
const US_PER_DAY = 24 * US_PER_HOUR;

/** What is wrong with a value given for an Interval, or null. */
export function intervalProblem(value: unknown): string | null {
  if (value === null) return null;
  if (
    typeof value !== "object" ||
    Array.isArray(value) ||
    value instanceof Date ||
    value instanceof Uint8Array
  ) {
    return `expected an IntervalValue object such as { days: 1, hours: 2 }, got ${describeValue(value)}`;
  }
  for (const [k, v] of Object.entries(value as object)) {
    if (!KEYS.has(k)) return `an Interval has no part '${k}' (its parts: ${[...KEYS].join(", ")})`;
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) {
      return `the Interval part '${k}' must be a finite number, got ${describeValue(v)}`;
    }
  }
  return null;
}

/** True when the interval has years or months, which no count of microseconds can hold. */
export function hasCalendarParts(v: IntervalValue): boolean {
  return !!v.years || !!v.months;
}

/** Days, hours, minutes, seconds and milliseconds as one whole count of microseconds. */
export function intervalToMicroseconds(v: IntervalValue): number {
  return Math.round(
    (v.days ?? 0) * US_PER_DAY +
      (v.hours ?? 0) * US_PER_HOUR +
      (v.minutes ?? 0) * US_PER_MINUTE +
      (v.seconds ?? 0) * US_PER_SECOND +
      (v.milliseconds ?? 0) * US_PER_MS,
  );
}

/** The inverse: every part carries the sign of the total; zero parts are left out. */
export function intervalFromMicroseconds(total: number): IntervalValue {
  const neg = total < 0;
  let rest = neg ? -total : total;
  const days = Math.floor(rest / US_PER_DAY);
  rest -= days * US_PER_DAY;
  const hours = Math.floor(rest / US_PER_HOUR);
  rest -= hours * US_PER_HOUR;
  const minutes = Math.floor(rest / US_PER_MINUTE);
  rest -= minutes * US_PER_MINUTE;
  const seconds = Math.floor(rest / US_PER_SECOND);
  rest -= seconds * US_PER_SECOND;
  const out: IntervalValue = {};
  const s = neg ? -1 : 1;
  if (days) out.days = s * days;
  if (hours) out.hours = s * hours;
  if (minutes) out.minutes = s * minutes;
  if (seconds) out.seconds = s * seconds;
  if (rest) out.milliseconds = (s * rest) / US_PER_MS;
  return out;
}
