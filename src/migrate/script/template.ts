/**
 * The text of a migration script (Alembic: `script.py.mako`): a doc comment, the imports the
 * body needs, the revision identifiers (with the branch labels, if any) and the
 * `upgrade`/`downgrade` functions.
 */

export interface ScriptTemplateInput {
  revision: string;
  downRevision: string | readonly string[] | null;
  /** Written only when there are some. */
  branchLabels?: readonly string[];
  message: string;
  createDate: string;
  /** Module → names imported from it (e.g. "athanor" → ["Column", "Integer"]). */
  imports: ReadonlyMap<string, ReadonlySet<string>>;
  /** Body lines of `upgrade` and `downgrade`, without indentation. */
  upgrade: readonly string[];
  downgrade: readonly string[];
}

const q = (s: string): string => JSON.stringify(s);

function downRevisionLiteral(d: string | readonly string[] | null): string {
  if (d === null) return "null";
  if (typeof d === "string") return q(d);
  return d.length === 1 ? q(d[0]!) : `[${d.map(q).join(", ")}]`;
}

function importLines(imports: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const lines = ['import type { Operations } from "athanor/migrate";'];
  const modules = [...imports.keys()].sort((a, b) =>
    a === "athanor" ? -1 : b === "athanor" ? 1 : a < b ? -1 : 1,
  );
  for (const mod of modules) {
    const names = [...imports.get(mod)!].sort();
    if (names.length === 0) continue;
    const one = `import { ${names.join(", ")} } from ${q(mod)};`;
    lines.push(
      one.length <= 100 ? one : `import {\n${names.map((n) => `  ${n},`).join("\n")}\n} from ${q(mod)};`,
    );
  }
  return lines;
}

function body(lines: readonly string[]): string {
  if (lines.length === 0) return "  // Nothing to do.\n";
  return lines.map((l) => (l === "" ? "" : "  " + l.replace(/\n/g, "\n  "))).join("\n") + "\n";
}

/** `op`, or `_op` for a body that doesn't use it (linters flag unused parameters). */
const param = (lines: readonly string[]): string => (lines.some((l) => /\bop\./.test(l)) ? "op" : "_op");

/** Escapes text for a block comment. */
const commentText = (s: string): string => s.replace(/\*\//g, "* /");

export function renderScript(input: ScriptTemplateInput): string {
  const down = input.downRevision;
  const revises = down === null ? "<base>" : typeof down === "string" ? down : down.join(", ");
  return [
    "/**",
    ` * ${commentText(input.message || "(no message)")}`,
    " *",
    ` * Revision ID: ${input.revision}`,
    ` * Revises: ${revises}`,
    ` * Create Date: ${input.createDate}`,
    " */",
    ...importLines(input.imports),
    "",
    `export const revision = ${q(input.revision)};`,
    `export const downRevision: string | string[] | null = ${downRevisionLiteral(down)};`,
    ...(input.branchLabels?.length
      ? [`export const branchLabels: string[] = [${input.branchLabels.map(q).join(", ")}];`]
      : []),
    `export const message = ${q(input.message)};`,
    `export const createDate = ${q(input.createDate)};`,
    "",
    `export async function upgrade(${param(input.upgrade)}: Operations): Promise<void> {`,
    body(input.upgrade) + "}",
    "",
    `export async function downgrade(${param(input.downgrade)}: Operations): Promise<void> {`,
    body(input.downgrade) + "}",
    "",
  ].join("\n");
}
