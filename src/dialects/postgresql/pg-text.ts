/**
 * PostgreSQL's text forms that the types read and write: array literals and intervals
 * (the session's default IntervalStyle, 'postgres'). Char scans, no regex per value.
 */
import { ArgumentError } from "../../util/errors.js";
import type { IntervalValue } from "../../sql/types/interval.js";

/**
 * Parses an array literal ("{1,2}", '{"a b",NULL}', "{{1,2},{3,4}}") into nested arrays of
 * element text (null for NULL). A lower-bound prefix such as "[0:1]=" is skipped.
 */
export function parseArrayLiteral(s: string): unknown[] {
  let i = 0;
  if (s.charCodeAt(0) === 91 /* [ */) i = s.indexOf("=") + 1;
  const pos = { i };
  return parseLevel(s, pos);
}

function parseLevel(s: string, pos: { i: number }): unknown[] {
  const out: unknown[] = [];
  let i = pos.i + 1; // past "{"
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 125 /* } */) {
      pos.i = i + 1;
      return out;
    }
    if (c === 44 /* , */ || c === 32) {
      i++;
      continue;
    }
    if (c === 123 /* { */) {
      pos.i = i;
      out.push(parseLevel(s, pos));
      i = pos.i;
      continue;
    }
    if (c === 34 /* " */) {
      let text = "";
      let start = ++i;
      for (; i < n; i++) {
        const q = s.charCodeAt(i);
        if (q === 92 /* \ */) {
          text += s.slice(start, i);
          start = ++i;
        } else if (q === 34) break;
      }
      out.push(text + s.slice(start, i));
      i++;
      continue;
    }
    let end = i;
    while (end < n) {
      const q = s.charCodeAt(end);
      if (q === 44 || q === 125) break;
      end++;
    }
    const text = s.slice(i, end);
    out.push(text === "NULL" ? null : text);
    i = end;
  }
  pos.i = n;
  return out;
}

/**
 * IntervalValue → interval input text. The clock part goes as one whole count of microseconds,
 * which PostgreSQL keeps as hours:minutes:seconds (it never moves hours into days).
 * @example { days: 3, hours: 4 } → "3 days 14400000000 microseconds"
 */
export function formatInterval(v: IntervalValue): string {
  let s = "";
  if (v.years) s += v.years + " years ";
  if (v.months) s += v.months + " months ";
  if (v.days) s += v.days + " days ";
  const micros = Math.round(
    ((v.hours ?? 0) * 3600 + (v.minutes ?? 0) * 60 + (v.seconds ?? 0)) * 1_000_000 +
      (v.milliseconds ?? 0) * 1000,
  );
  return s + micros + " microseconds";
}

/**
 * Interval output text in the 'postgres' IntervalStyle → IntervalValue with the non-zero parts:
 * "1 year 2 mons -3 days -04:05:06.789" → { years: 1, months: 2, days: -3, hours: -4, minutes: -5, seconds: -6, milliseconds: -789 }.
 */
export function parseInterval(s: string): IntervalValue {
  const out: IntervalValue = {};
  const n = s.length;
  let i = 0;
  while (i < n) {
    let end = s.indexOf(" ", i);
    if (end === -1) end = n;
    const colon = s.indexOf(":", i);
    if (colon !== -1 && colon < end) {
      parseClock(s, i, end, out);
      i = end + 1;
      continue;
    }
    const value = Number(s.slice(i, end));
    const unitEnd = s.indexOf(" ", end + 1);
    const u = s.charCodeAt(end + 1);
    if (value !== value || end === n) throw unexpectedInterval(s);
    if (value !== 0) {
      if (u === 121 /* y */) out.years = value;
      else if (u === 109 /* m */) out.months = value;
      else if (u === 100 /* d */) out.days = value;
      else throw unexpectedInterval(s);
    }
    i = unitEnd === -1 ? n : unitEnd + 1;
  }
  return out;
}

/** "[-+]H:MM:SS[.ffffff]" from `start` to `end` into hours … milliseconds. */
function parseClock(s: string, start: number, end: number, out: IntervalValue): void {
  let i = start;
  let sign = 1;
  const c = s.charCodeAt(i);
  if (c === 45 /* - */ || c === 43 /* + */) {
    if (c === 45) sign = -1;
    i++;
  }
  const c1 = s.indexOf(":", i);
  const c2 = s.indexOf(":", c1 + 1);
  const hours = Number(s.slice(i, c1));
  const minutes = Number(s.slice(c1 + 1, c2));
  const dot = s.indexOf(".", c2 + 1);
  const hasFraction = dot !== -1 && dot < end;
  const seconds = Number(s.slice(c2 + 1, hasFraction ? dot : end));
  let micros = 0;
  if (hasFraction) {
    const digits = s.slice(dot + 1, end);
    micros = Number((digits + "000000").slice(0, 6));
  }
  if (hours) out.hours = sign * hours;
  if (minutes) out.minutes = sign * minutes;
  if (seconds) out.seconds = sign * seconds;
  if (micros) out.milliseconds = (sign * micros) / 1000;
}

function unexpectedInterval(s: string): Error {
  return new ArgumentError(
    `Unexpected interval text '${s}' from PostgreSQL. Athanor reads the default IntervalStyle 'postgres'; don't change IntervalStyle on its connections.`,
    "ATH-VALUE",
  );
}

/** pg parses interval[] cells into its own objects; they carry the same part names. */
export function intervalFromObject(o: Record<string, unknown>): IntervalValue {
  const out: IntervalValue = {};
  for (const k of ["years", "months", "days", "hours", "minutes", "seconds", "milliseconds"] as const) {
    const v = o[k];
    if (typeof v === "number" && v !== 0) out[k] = v;
  }
  return out;
}
