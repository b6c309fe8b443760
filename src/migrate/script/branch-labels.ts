/**
 * Branch labels (Alembic: `branch_labels`): names a script gives its revision so targets can
 * say `label@head`. A label belongs to the revision that declares it and covers that revision
 * and every revision built on it (the branch). Labels and revision ids share one namespace in
 * targets, so a label is unique across the scripts and is never also a revision id.
 */
import { RevisionGraphError } from "../errors.js";

/** What a revision needs here (the map's `Revision`, without importing it back). */
interface LabeledRevision {
  readonly revision: string;
  readonly branchLabels?: readonly string[];
  readonly path: string | null;
}

const LABEL = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** Words targets already use on their own or after `label@`. */
const RESERVED = new Set(["head", "heads", "base", "current"]);

/** Why `label` can't be a branch label, or null when it can. */
export function labelProblem(label: string): string | null {
  if (!LABEL.test(label)) {
    return "must be letters, digits, _, . and - (starting with a letter, digit or _), without @, : or spaces";
  }
  if (RESERVED.has(label)) return `is a word targets use (${[...RESERVED].join(", ")})`;
  return null;
}

const where = (r: LabeledRevision): string => `revision ${r.revision} (${r.path ?? "?"})`;

/** The labels of a set of revisions, checked: well-formed, used once, never a revision id. */
export class BranchLabels {
  private readonly owners = new Map<string, LabeledRevision>();

  constructor(
    revisions: Iterable<LabeledRevision>,
    revisionById: (id: string) => LabeledRevision | undefined,
  ) {
    for (const r of revisions) {
      for (const label of r.branchLabels ?? []) {
        const problem = labelProblem(label);
        if (problem) {
          throw new RevisionGraphError(
            `Branch label '${label}' of ${where(r)} ${problem}. Rename it in that script's branchLabels.`,
          );
        }
        const other = this.owners.get(label);
        if (other && other !== r) {
          throw new RevisionGraphError(
            `Branch label '${label}' is declared twice: by ${where(other)} and by ${where(r)}. ` +
              "A label names one branch: rename or remove one of them.",
          );
        }
        const sameId = revisionById(label);
        if (sameId) {
          throw new RevisionGraphError(
            `Branch label '${label}' of ${where(r)} is also the id of ${where(sameId)}. ` +
              "Targets could mean either: rename the label.",
          );
        }
        this.owners.set(label, r);
      }
    }
  }

  /** Every label, sorted. */
  get names(): string[] {
    return [...this.owners.keys()].sort();
  }
  /** The id of the revision declaring `label`, or undefined. */
  owner(label: string): string | undefined {
    return this.owners.get(label)?.revision;
  }
}
