/**
 * `?` placeholders of MySQL SQL text, replaced by escaped values client-side (the text
 * protocol, see driver.ts): quoted strings, identifiers and comments are skipped, so a literal
 * `'?'` is never taken for a parameter.
 */

interface Escaper {
  escape(value: unknown): string;
}

const chunkCache = new Map<string, string[]>();
const CHUNK_CACHE_SIZE = 512;

/** Splits SQL at each `?` that is outside quotes, backticks and comments. */
export function splitPlaceholders(sql: string): string[] {
  let chunks = chunkCache.get(sql);
  if (chunks) return chunks;
  chunks = [];
  let start = 0;
  const n = sql.length;
  for (let i = 0; i < n; i++) {
    const ch = sql[i];
    if (ch === "?") {
      chunks.push(sql.slice(start, i));
      start = i + 1;
    } else if (ch === "'" || ch === '"' || ch === "`") {
      i = skipQuoted(sql, i, ch);
    } else if (ch === "#" || (ch === "-" && sql[i + 1] === "-" && (i + 2 >= n || /\s/.test(sql[i + 2]!)))) {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? n : end;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? n : end + 1;
    }
  }
  chunks.push(sql.slice(start));
  if (chunkCache.size >= CHUNK_CACHE_SIZE) chunkCache.delete(chunkCache.keys().next().value as string);
  chunkCache.set(sql, chunks);
  return chunks;
}

/** Index of the closing quote; backslash escapes apply inside strings, doubling everywhere. */
function skipQuoted(sql: string, open: number, q: string): number {
  for (let i = open + 1; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "\\" && q !== "`") i++;
    else if (ch === q) {
      if (sql[i + 1] === q) i++;
      else return i;
    }
  }
  return sql.length;
}

/** The SQL with each placeholder replaced by the escaped value. */
export function interpolate(sql: string, params: readonly unknown[], core: Escaper): string {
  if (params.length === 0) return sql;
  const chunks = splitPlaceholders(sql);
  if (chunks.length - 1 !== params.length) {
    const err = new Error(
      `The statement has ${chunks.length - 1} placeholders but ${params.length} parameters were given.`,
    );
    (err as { code?: string }).code = "ATH_PARAM_COUNT";
    throw err;
  }
  let out = chunks[0]!;
  for (let i = 0; i < params.length; i++) out += core.escape(params[i]) + chunks[i + 1]!;
  return out;
}
