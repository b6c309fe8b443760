/**
 * Exact decimal text helpers for Numeric: values travel as strings of digits and are never
 * passed through a float. Rounding is half away from zero, as PostgreSQL and MySQL round
 * NUMERIC/DECIMAL values to a column's scale. @internal
 */

const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** True for decimal text such as "12", "-0.5", ".5", "1e-7" (no NaN, no Infinity). */
export function isDecimalText(s: string): boolean {
  return DECIMAL_TEXT.test(s);
}

/** True for "-123.45"-shaped text only: an optional minus, digits, at most one dot. Cheap char scan. */
export function isPlainDecimal(s: string): boolean {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  let digits = 0;
  let dot = false;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 && !dot) dot = true;
    else return false;
  }
  return digits > 0;
}

/** "1.5e-7" → "0.00000015"; "2E+3" → "2000". */
export function expandExponent(s: string): string {
  const e = s.search(/[eE]/);
  let mantissa = s.slice(0, e);
  const exp = Number(s.slice(e + 1));
  let sign = "";
  if (mantissa[0] === "-" || mantissa[0] === "+") {
    if (mantissa[0] === "-") sign = "-";
    mantissa = mantissa.slice(1);
  }
  const dot = mantissa.indexOf(".");
  const digits = dot === -1 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot === -1 ? mantissa.length : dot) + exp;
  let out: string;
  if (point <= 0) out = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) out = digits + "0".repeat(point - digits.length);
  else out = digits.slice(0, point) + "." + digits.slice(point);
  return sign + out;
}

/** Splits plain decimal text into sign, integer digits (no leading zeros) and fraction digits. */
function split(s: string): { neg: boolean; int: string; frac: string } {
  let neg = false;
  let start = 0;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    start = 1;
  }
  const dot = s.indexOf(".", start);
  let int = dot === -1 ? s.slice(start) : s.slice(start, dot);
  const frac = dot === -1 ? "" : s.slice(dot + 1);
  let z = 0;
  while (z < int.length - 1 && int.charCodeAt(z) === 48) z++;
  int = z > 0 ? int.slice(z) : int;
  if (int === "") int = "0";
  return { neg, int, frac };
}

/** Adds one unit in the last place to a string of digits ("199" → "200", "99" → "100"). */
function increment(digits: string): string {
  const out = digits.split("");
  let i = out.length - 1;
  for (; i >= 0; i--) {
    if (out[i] === "9") out[i] = "0";
    else {
      out[i] = String.fromCharCode(out[i]!.charCodeAt(0) + 1);
      break;
    }
  }
  return i < 0 ? "1" + out.join("") : out.join("");
}

/**
 * Plain decimal text rounded (half away from zero) to exactly `scale` fraction digits,
 * without leading zeros and without a negative zero: ("1.005", 2) → "1.01", ("-0.001", 2) → "0.00".
 */
export function roundDecimal(s: string, scale: number): string {
  const { neg, int, frac } = split(s);
  let digits = int + (frac.length >= scale ? frac.slice(0, scale) : frac + "0".repeat(scale - frac.length));
  if (frac.length > scale && frac.charCodeAt(scale) >= 53 /* 5 */) digits = increment(digits);
  const intLen = digits.length - scale;
  let intPart = intLen > 0 ? digits.slice(0, intLen) : "0";
  let z = 0;
  while (z < intPart.length - 1 && intPart.charCodeAt(z) === 48) z++;
  if (z > 0) intPart = intPart.slice(z);
  const fracPart = scale > 0 ? digits.slice(intLen) : "";
  const out = scale > 0 ? intPart + "." + fracPart : intPart;
  return neg && !isZero(out) ? "-" + out : out;
}

function isZero(digits: string): boolean {
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c > 48 && c <= 57) return false;
  }
  return true;
}

/** Number of digits before the decimal point, leading zeros excepted ("-0012.5" → 2, "0.5" → 0). */
export function integerDigits(s: string): number {
  const { int } = split(s);
  return int === "0" ? 0 : int.length;
}

/**
 * Plain decimal text (no exponent, no plus sign) of a decimal string, finite number or bigint;
 * null for anything else. Plain text is checked with a char scan; only exponent forms use the regex.
 */
export function toPlainDecimal(v: unknown): string | null {
  if (typeof v === "string") {
    const s = v.charCodeAt(0) === 43 /* + */ ? v.slice(1) : v;
    if (isPlainDecimal(s)) return s;
    return isDecimalText(s) ? expandExponent(s) : null;
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return null;
    const s = String(v);
    return s.indexOf("e") === -1 ? s : expandExponent(s);
  }
  if (typeof v === "bigint") return String(v);
  return null;
}
