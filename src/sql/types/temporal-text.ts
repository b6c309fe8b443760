/**
 * Text forms of dates and times, shared by the dialects' processors. Parsing is a char scan
 * (no regex, one Date allocated per value). Naive timestamps are UTC wall time. @internal
 */

/** JavaScript's largest Date, used for PostgreSQL's 'infinity' (and its negative for '-infinity'). */
const MAX_DATE_MS = 8.64e15;

const DATE_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME_RE = /^([01]\d|2[0-4]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$/;
const TIMETZ_RE = /^([01]\d|2[0-4]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** "YYYY-MM-DD" with a real month and day (31 days allowed in any month; the database checks the rest). */
export function isDateText(s: string): boolean {
  return DATE_RE.test(s);
}

/** "HH:MM[:SS[.ffffff]]", with an optional UTC offset when `withOffset`. */
export function isTimeText(s: string, withOffset: boolean): boolean {
  return (withOffset ? TIMETZ_RE : TIME_RE).test(s);
}

/** "YYYY-MM-DD HH:MM:SS.mmm", the UTC wall time of a Date (years 1–9999). */
export function formatUtcDateTime(d: Date): string {
  const s = d.toISOString();
  return s.slice(0, 10) + " " + s.slice(11, 23);
}

/** "YYYY-MM-DD HH:MM:SS.mmm000": six fraction digits, fixed width, so text sorts as time does. */
export function formatUtcDateTimeMicros(d: Date): string {
  const s = d.toISOString();
  return s.slice(0, 10) + " " + s.slice(11, 23) + "000";
}

function twoDigits(s: string, i: number): number {
  return (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
}

/**
 * Parses SQL timestamp text: "YYYY-MM-DD[ |T]HH:MM[:SS[.fffffffff]][Z|±HH[:MM[:SS]]][ BC]",
 * or a bare date. Without an offset the text is UTC wall time. Digits beyond milliseconds are
 * dropped (a JS Date holds milliseconds). 'infinity' gives the largest Date. Falls back to
 * `new Date(text)` for other shapes.
 */
export function parseDateTimeText(s: string): Date {
  const n = s.length;
  const c0 = s.charCodeAt(0);
  if (c0 === 105 /* i */) return new Date(MAX_DATE_MS);
  if (c0 === 45 /* - */ && s.charCodeAt(1) === 105) return new Date(-MAX_DATE_MS);
  let i = 0;
  let year = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 45) break;
    year = year * 10 + (c - 48);
  }
  const month = twoDigits(s, i + 1);
  const day = twoDigits(s, i + 4);
  i += 6;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let ms = 0;
  let c = s.charCodeAt(i);
  if (c === 32 /* space */ || c === 84 /* T */) {
    hour = twoDigits(s, i + 1);
    minute = twoDigits(s, i + 4);
    i += 6;
    if (s.charCodeAt(i) === 58 /* : */) {
      second = twoDigits(s, i + 1);
      i += 3;
    }
    if (s.charCodeAt(i) === 46 /* . */) {
      i++;
      let scale = 100;
      for (; i < n; i++) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        ms += d * scale;
        scale /= 10;
      }
      ms = Math.floor(ms);
    }
    c = s.charCodeAt(i);
  }
  if (c === 32) c = s.charCodeAt(++i);
  let offsetMinutes = 0;
  if (c === 90 /* Z */ || c === 122 /* z */) i++;
  else if (c === 43 /* + */ || c === 45 /* - */) {
    const sign = c === 45 ? -1 : 1;
    let off = twoDigits(s, i + 1) * 60;
    i += 3;
    if (s.charCodeAt(i) === 58) i++;
    const d = s.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) {
      off += twoDigits(s, i);
      i += 2;
    }
    offsetMinutes = sign * off;
  }
  if (s.charCodeAt(n - 1) === 67 /* C */ && s.charCodeAt(n - 2) === 66 /* B */) year = 1 - year;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60)
    return new Date(s);
  let t: number;
  if (year >= 100) t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  else {
    // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear takes the year as given.
    const d = new Date(0);
    d.setUTCFullYear(year, month - 1, day);
    d.setUTCHours(hour, minute, second, ms);
    t = d.getTime();
  }
  return new Date(t - offsetMinutes * 60_000);
}

/**
 * The canonical time text: "HH:MM:SS" when there is no fraction, else "HH:MM:SS.ffffff"
 * (exactly six digits); an offset after the time is kept as is. "12:30" → "12:30:00".
 */
export function normalizeTime(s: string): string {
  const dot = s.indexOf(".");
  if (dot === -1) {
    if (s.length === 5) return s + ":00";
    return s;
  }
  let end = dot + 1;
  let nonZero = false;
  for (; end < s.length; end++) {
    const c = s.charCodeAt(end);
    if (c < 48 || c > 57) break;
    if (c !== 48 && end - dot <= 6) nonZero = true;
  }
  const digits = end - dot - 1;
  if (!nonZero) return s.slice(0, dot) + s.slice(end);
  if (digits === 6) return s;
  const frac = digits > 6 ? s.slice(dot + 1, dot + 7) : s.slice(dot + 1, end) + "000000".slice(digits);
  return s.slice(0, dot + 1) + frac + s.slice(end);
}

/** Whether a Date can be written as "YYYY-MM-DD…" text: valid, and a year from 1 to 9999. */
export function dateProblem(d: Date): string | null {
  const t = d.getTime();
  if (t !== t) return "an invalid Date (its time is NaN)";
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) return `a Date in year ${y}, outside the years 1–9999 that every database stores`;
  return null;
}
