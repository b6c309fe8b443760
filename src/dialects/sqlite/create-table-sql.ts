/**
 * Reads what SQLite's PRAGMAs don't report from a table's stored `CREATE TABLE` text:
 * constraint names, CHECK conditions and AUTOINCREMENT (SQLAlchemy parses the same text with
 * regular expressions in `dialects/sqlite/base.py`). This is a small tokenizer that respects
 * quoting and parentheses, so a comma or keyword inside a string or a CHECK is not misread.
 */

type TokenKind = "word" | "ident" | "string" | "group" | "punct";

interface Token {
  readonly kind: TokenKind;
  /** For words: upper-cased; identifiers: unquoted; strings: the raw literal; groups: inner text. */
  readonly text: string;
}

export interface ParsedConstraint {
  readonly kind: "primary" | "unique" | "check" | "foreign";
  readonly name: string | null;
  readonly columns: readonly string[];
  /** CHECK condition text (without the outer parentheses). */
  readonly sqltext?: string;
  readonly referredTable?: string;
  readonly referredColumns?: readonly string[];
}

export interface ParsedColumn {
  readonly name: string;
  readonly constraints: readonly ParsedConstraint[];
  readonly autoincrement: boolean;
}

export interface ParsedTable {
  readonly columns: readonly ParsedColumn[];
  /** Table-level constraints, in order. */
  readonly constraints: readonly ParsedConstraint[];
  readonly autoincrement: boolean;
}

/** Splits a definition into tokens; a parenthesised part is one `group` token. */
function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && src[i + 1] === "-") {
      while (i < n && src[i] !== "\n") i++;
    } else if (c === "/" && src[i + 1] === "*") {
      const end = src.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1;
      let text = "";
      while (j < n) {
        if (src[j] === close) {
          if (close !== "]" && src[j + 1] === close) {
            text += close;
            j += 2;
            continue;
          }
          break;
        }
        text += src[j];
        j++;
      }
      out.push(c === "'" ? { kind: "string", text: src.slice(i, j + 1) } : { kind: "ident", text });
      i = j + 1;
    } else if (c === "(") {
      const end = matchParen(src, i);
      out.push({ kind: "group", text: src.slice(i + 1, end) });
      i = end + 1;
    } else if (/[A-Za-z0-9_$]/.test(c)) {
      let j = i;
      while (j < n && /[A-Za-z0-9_$.]/.test(src[j]!)) j++;
      out.push({ kind: "word", text: src.slice(i, j) });
      i = j;
    } else {
      out.push({ kind: "punct", text: c });
      i++;
    }
  }
  return out;
}

/** Index of the parenthesis closing the one at `open`, skipping quoted text. */
function matchParen(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i]!;
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      i++;
      while (i < src.length && src[i] !== close) i++;
    } else if (c === "(") depth++;
    else if (c === ")") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return src.length;
}

/** Splits at commas outside parentheses and quotes. */
function splitTopLevel(src: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      i++;
      while (i < src.length && src[i] !== close) i++;
    } else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      parts.push(src.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(src.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

const isWord = (t: Token | undefined, w: string): boolean => t?.kind === "word" && t.text.toUpperCase() === w;
const nameOf = (t: Token | undefined): string | null =>
  t && (t.kind === "ident" || t.kind === "word") ? t.text : t?.kind === "string" ? t.text.slice(1, -1) : null;
const identList = (group: string): string[] =>
  splitTopLevel(group).map((p) => {
    const first = tokenize(p)[0];
    return nameOf(first) ?? p;
  });

const TABLE_CONSTRAINT_START = new Set(["PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT"]);

/** Reads the constraint starting at `tokens[at]` (after any CONSTRAINT name). */
function readConstraint(
  tokens: Token[],
  at: number,
  name: string | null,
  column: string | null,
): { c: ParsedConstraint | null; next: number; autoincrement: boolean } {
  const t = tokens[at];
  let autoincrement = false;
  if (isWord(t, "PRIMARY")) {
    let j = at + 2; // PRIMARY KEY
    let cols = column ? [column] : [];
    if (tokens[j]?.kind === "group") cols = identList(tokens[j++]!.text);
    while (isWord(tokens[j], "ASC") || isWord(tokens[j], "DESC")) j++;
    if (isWord(tokens[j], "AUTOINCREMENT")) {
      autoincrement = true;
      j++;
    }
    return { c: { kind: "primary", name, columns: cols }, next: j, autoincrement };
  }
  if (isWord(t, "UNIQUE")) {
    let j = at + 1;
    let cols = column ? [column] : [];
    if (tokens[j]?.kind === "group") cols = identList(tokens[j++]!.text);
    return { c: { kind: "unique", name, columns: cols }, next: j, autoincrement };
  }
  if (isWord(t, "CHECK")) {
    const g = tokens[at + 1];
    return {
      c: {
        kind: "check",
        name,
        columns: column ? [column] : [],
        sqltext: g?.kind === "group" ? g.text.trim() : "",
      },
      next: at + 2,
      autoincrement,
    };
  }
  if (isWord(t, "FOREIGN") || isWord(t, "REFERENCES")) {
    let j = at;
    let cols = column ? [column] : [];
    if (isWord(t, "FOREIGN")) {
      j += 2; // FOREIGN KEY
      if (tokens[j]?.kind === "group") cols = identList(tokens[j++]!.text);
      j++; // REFERENCES
    } else j++;
    const referredTable = nameOf(tokens[j++]) ?? "";
    const referredColumns = tokens[j]?.kind === "group" ? identList(tokens[j++]!.text) : [];
    return {
      c: { kind: "foreign", name, columns: cols, referredTable, referredColumns },
      next: j,
      autoincrement,
    };
  }
  return { c: null, next: at + 1, autoincrement };
}

/** Parses `CREATE TABLE name (...)` text; returns null if it isn't one. */
export function parseCreateTable(sql: string): ParsedTable | null {
  const open = sql.indexOf("(");
  if (open < 0 || !/^\s*CREATE\s/i.test(sql)) return null;
  const close = matchParen(sql, open);
  const defs = splitTopLevel(sql.slice(open + 1, close));
  const columns: ParsedColumn[] = [];
  const constraints: ParsedConstraint[] = [];
  let tableAutoincrement = false;
  for (const def of defs) {
    const tokens = tokenize(def);
    const first = tokens[0];
    if (first?.kind === "word" && TABLE_CONSTRAINT_START.has(first.text.toUpperCase())) {
      let at = 0;
      let name: string | null = null;
      if (isWord(first, "CONSTRAINT")) {
        name = nameOf(tokens[1]);
        at = 2;
      }
      const { c } = readConstraint(tokens, at, name, null);
      if (c) constraints.push(c);
      continue;
    }
    const colName = nameOf(first);
    if (colName === null) continue;
    const colConstraints: ParsedConstraint[] = [];
    let autoincrement = false;
    let pendingName: string | null = null;
    for (let j = 1; j < tokens.length;) {
      const t = tokens[j]!;
      if (isWord(t, "CONSTRAINT")) {
        pendingName = nameOf(tokens[j + 1]);
        j += 2;
        continue;
      }
      if (["PRIMARY", "UNIQUE", "CHECK", "REFERENCES"].some((w) => isWord(t, w))) {
        const r = readConstraint(tokens, j, pendingName, colName);
        pendingName = null;
        if (r.c) colConstraints.push(r.c);
        autoincrement ||= r.autoincrement;
        j = r.next;
        continue;
      }
      j++;
    }
    tableAutoincrement ||= autoincrement;
    columns.push({ name: colName, constraints: colConstraints, autoincrement });
  }
  return { columns, constraints, autoincrement: tableAutoincrement };
}

/** Every constraint of the table, column-level ones included, in order of appearance. */
export function allConstraints(t: ParsedTable): ParsedConstraint[] {
  return [...t.columns.flatMap((c) => c.constraints), ...t.constraints];
}

/** The WHERE condition of a stored `CREATE INDEX … WHERE …`, or null. */
export function partialIndexWhere(sql: string | null): string | null {
  if (!sql) return null;
  const open = sql.indexOf("(");
  if (open < 0) return null;
  const rest = sql.slice(matchParen(sql, open) + 1);
  const m = /^\s*WHERE\s+([\s\S]+?)\s*;?\s*$/i.exec(rest);
  return m ? m[1]! : null;
}

/** The key parts of a stored `CREATE INDEX … (parts)`, as SQL text. */
export function indexKeyParts(sql: string | null): string[] {
  if (!sql) return [];
  const open = sql.indexOf("(");
  if (open < 0) return [];
  return splitTopLevel(sql.slice(open + 1, matchParen(sql, open)));
}
