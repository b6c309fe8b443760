/**
 * The versions folder (Alembic: `script/base.py` ScriptDirectory): every `.ts`/`.js` file in it
 * is a migration script exporting `revision`, `downRevision`, `message`, `createDate`,
 * `upgrade(op)` and `downgrade(op)`, and optionally `branchLabels`. Scripts are imported as
 * modules (TypeScript through tsx, which the `athanor` command loads), and new ones are written
 * from the template.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { BranchLabelError, MigrateError, RevisionGraphError } from "../errors.js";
import type { Operations } from "../operations/operations.js";
import { labelProblem } from "./branch-labels.js";
import { RevisionMap, type Revision } from "./revision-map.js";
import { renderScript } from "./template.js";

/** What a migration module exports. */
export interface MigrationModule {
  revision: string;
  downRevision?: string | string[] | null;
  /** Names of the branch starting here, for targets such as `label@head`. */
  branchLabels?: string | string[] | null;
  message?: string;
  createDate?: string;
  upgrade(op: Operations): Promise<void> | void;
  downgrade(op: Operations): Promise<void> | void;
}

export interface Script extends Revision {
  readonly module: MigrationModule;
  readonly path: string;
}

const SCRIPT_FILE = /^(?!.*\.d\.[mc]?ts$)[^.].*\.(ts|mts|js|mjs)$/;

/** A new revision id: 12 hex digits, as Alembic's. */
export function newRevisionId(): string {
  return randomBytes(6).toString("hex");
}

/** "Add users table" → "add_users_table", for file names. */
export function slugify(message: string): string {
  return (
    message
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 40)
      .replace(/_+$/, "") || "revision"
  );
}

function toModule(file: string, mod: Partial<MigrationModule>): Script {
  const where = path.basename(file);
  if (typeof mod.revision !== "string" || mod.revision === "") {
    throw new RevisionGraphError(
      `${where} is in the versions folder but doesn't export a revision id (export const revision = "…").`,
    );
  }
  if (typeof mod.upgrade !== "function" || typeof mod.downgrade !== "function") {
    throw new RevisionGraphError(
      `${where} (revision ${mod.revision}) must export async functions upgrade(op) and downgrade(op).`,
    );
  }
  const d = mod.downRevision;
  if (
    d !== undefined &&
    d !== null &&
    typeof d !== "string" &&
    !(Array.isArray(d) && d.every((x) => typeof x === "string"))
  ) {
    throw new RevisionGraphError(
      `${where}: downRevision must be a revision id, a list of ids (a merge), or null.`,
    );
  }
  const labels = mod.branchLabels;
  if (
    labels !== undefined &&
    labels !== null &&
    typeof labels !== "string" &&
    !(Array.isArray(labels) && labels.every((x) => typeof x === "string"))
  ) {
    throw new RevisionGraphError(`${where}: branchLabels must be a label, a list of labels, or null.`);
  }
  return {
    revision: mod.revision,
    downRevisions: d === undefined || d === null ? [] : typeof d === "string" ? [d] : [...d],
    branchLabels:
      labels === undefined || labels === null
        ? []
        : [...new Set(typeof labels === "string" ? [labels] : labels)],
    message: mod.message ?? "",
    createDate: mod.createDate ?? null,
    path: file,
    module: mod as MigrationModule,
  };
}

export class ScriptDirectory {
  readonly map: RevisionMap;
  private readonly scripts = new Map<string, Script>();

  private constructor(
    readonly dir: string,
    scripts: readonly Script[],
  ) {
    for (const s of scripts) this.scripts.set(s.revision, s);
    this.map = new RevisionMap(scripts);
  }

  /** Imports every script of the folder (which is created if missing). */
  static async load(dir: string): Promise<ScriptDirectory> {
    const abs = path.resolve(dir);
    if (!existsSync(abs)) mkdirSync(abs, { recursive: true });
    const files = readdirSync(abs)
      .filter((f) => SCRIPT_FILE.test(f))
      .sort();
    const scripts: Script[] = [];
    for (const f of files) {
      const file = path.join(abs, f);
      // The modification time in the URL makes an edited script load afresh in a long-lived process.
      const url = pathToFileURL(file).href + `?t=${Math.floor(statSync(file).mtimeMs)}`;
      let mod: Partial<MigrationModule>;
      try {
        mod = (await import(url)) as Partial<MigrationModule>;
      } catch (err) {
        throw new MigrateError(
          `Can't load migration script ${f}: ${(err as Error).message}`,
          "ATH-MIGRATE-LOAD",
          {
            cause: err,
          },
        );
      }
      scripts.push(toModule(file, mod));
    }
    return new ScriptDirectory(abs, scripts);
  }

  get(revision: string): Script {
    const s = this.scripts.get(this.map.resolve(revision).revision);
    if (!s) throw new MigrateError(`No script for revision ${revision}.`, "ATH-MIGRATE");
    return s;
  }
  all(): Script[] {
    return this.map.ordered.map((r) => this.scripts.get(r.revision)!);
  }

  /** Checks labels for a new revision: well-formed, not yet a label or a revision id. */
  checkNewBranchLabels(labels: readonly string[]): void {
    for (const label of labels) {
      let reason = labelProblem(label);
      if (!reason && this.map.branchLabels.includes(label)) {
        const owner = this.map.labeled(label);
        reason =
          `is already the label of revision ${owner.revision} (${path.basename(owner.path ?? "?")}); ` +
          `to add to that branch, use --head ${label}@head without --branch-label`;
      } else if (!reason && this.map.has(label)) reason = "is the id of an existing revision";
      if (reason) throw new BranchLabelError(`Branch label '${label}' ${reason}. Choose another label.`);
    }
  }

  /** Writes a new script file and returns its path. */
  writeRevision(input: {
    revision?: string;
    message: string;
    downRevision: string | readonly string[] | null;
    branchLabels?: readonly string[];
    imports?: ReadonlyMap<string, ReadonlySet<string>>;
    upgrade?: readonly string[];
    downgrade?: readonly string[];
    createDate?: Date;
  }): { path: string; revision: string } {
    const revision = input.revision ?? newRevisionId();
    if (this.scripts.has(revision)) {
      throw new RevisionGraphError(
        `Revision id '${revision}' is already used by ${path.basename(this.scripts.get(revision)!.path)}.`,
      );
    }
    if (this.map.branchLabels.includes(revision)) {
      throw new RevisionGraphError(
        `Revision id '${revision}' is already a branch label (of revision ${this.map.resolve(revision).revision}).`,
      );
    }
    const labels = [...new Set(input.branchLabels ?? [])];
    if (labels.includes(revision)) {
      throw new BranchLabelError(
        `Branch label '${revision}' would be the new revision's own id. Choose another label.`,
      );
    }
    this.checkNewBranchLabels(labels);
    if (!/^[A-Za-z0-9_]+$/.test(revision)) {
      throw new MigrateError(
        `Revision id '${revision}' must be letters, digits and _ only.`,
        "ATH-MIGRATE-REV-ID",
      );
    }
    const file = path.join(this.dir, `${revision}_${slugify(input.message)}.ts`);
    const text = renderScript({
      revision,
      downRevision: input.downRevision,
      branchLabels: labels,
      message: input.message,
      createDate: (input.createDate ?? new Date()).toISOString(),
      imports: input.imports ?? new Map(),
      upgrade: input.upgrade ?? [],
      downgrade: input.downgrade ?? [],
    });
    writeFileSync(file, text);
    return { path: file, revision };
  }
}
