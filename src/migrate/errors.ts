/**
 * Errors of the migration tool, each with a stable code (Alembic: `util.CommandError`,
 * `script.revision.RevisionError` and its subclasses).
 */
import { AthanorError } from "../util/errors.js";

/** Base of migration errors; the CLI prints the message and exits with status 1. */
export class MigrateError extends AthanorError {
  constructor(message: string, code = "ATH-MIGRATE", options?: { cause?: unknown }) {
    super(message, code, options);
  }
}

/** A revision id (or prefix) that names no script, or more than one (Alembic: `ResolutionError`). */
export class UnknownRevisionError extends MigrateError {
  constructor(message: string) {
    super(message, "ATH-MIGRATE-UNKNOWN-REVISION");
  }
}

/**
 * One head was expected and there are several (Alembic: `MultipleHeads`); `branch` is the label
 * when the heads are those of one labeled branch (`label@head`).
 */
export class MultipleHeadsError extends MigrateError {
  constructor(
    readonly heads: readonly string[],
    readonly argument: string,
    readonly branch: string | null = null,
  ) {
    super(
      branch === null
        ? `There are ${heads.length} head revisions (${heads.join(", ")}) for '${argument}'. ` +
            "Name the revision to go to, use 'heads' to upgrade every branch, or join the branches with " +
            '`athanor migrate merge -m "merge heads"`.'
        : `Branch '${branch}' has ${heads.length} head revisions (${heads.join(", ")}) for '${argument}'. ` +
            `Name the revision to go to (${branch}@<revision>), use '${branch}@heads' to upgrade all of them, ` +
            `or join them with \`athanor migrate merge ${heads.join(" ")} -m "merge ${branch}"\`.`,
      "ATH-MIGRATE-MULTIPLE-HEADS",
    );
  }
}

/** `label@…` names a branch label no script declares. */
export class UnknownBranchError extends MigrateError {
  constructor(
    readonly label: string,
    readonly argument: string,
    known: readonly string[],
  ) {
    super(
      `No script has the branch label '${label}' (in '${argument}'). ` +
        (known.length ? `Branch labels: ${known.join(", ")}. ` : "No script declares a branch label yet. ") +
        `A script gets one with \`export const branchLabels = ["${label}"];\`, or ` +
        `\`athanor migrate revision --branch-label ${label}\` writes it on a new revision.`,
      "ATH-MIGRATE-UNKNOWN-BRANCH",
    );
  }
}

/** `label@<revision>` names a revision that is not on that branch. */
export class NotOnBranchError extends MigrateError {
  constructor(
    readonly revision: string,
    readonly label: string,
    labeledRevision: string,
  ) {
    super(
      `Revision ${revision} is not on branch '${label}' (revision ${labeledRevision} and the revisions built on it). ` +
        `Name it without the label to go to it, or pick a revision of '${label}' (\`athanor migrate history\` ` +
        `marks them with (${label})).`,
      "ATH-MIGRATE-NOT-ON-BRANCH",
    );
  }
}

/** A branch label for a new revision is not usable: malformed, or already a label or revision id. */
export class BranchLabelError extends MigrateError {
  constructor(message: string) {
    super(message, "ATH-MIGRATE-BRANCH-LABEL");
  }
}

/** The revision graph is broken: a missing down revision, a duplicate id, a cycle. */
export class RevisionGraphError extends MigrateError {
  constructor(message: string) {
    super(message, "ATH-MIGRATE-GRAPH");
  }
}

/** The database's version table names a revision the scripts don't have. */
export class DatabaseAheadError extends MigrateError {
  constructor(
    readonly revisions: readonly string[],
    versionsDir: string,
  ) {
    super(
      `The database is at revision ${revisions.map((r) => `'${r}'`).join(", ")}, which the versions folder ` +
        `(${versionsDir}) does not have: the database is ahead of these scripts, or was migrated from another ` +
        "branch or project. Check out the code that has that revision, or, if the database really matches these " +
        "scripts, record the right revision with `athanor migrate stamp <revision>`.",
      "ATH-MIGRATE-DB-AHEAD",
    );
  }
}

/** A migration failed part way; the message says what state the database is in and how to recover. */
export class MigrationFailedError extends MigrateError {
  constructor(
    message: string,
    readonly revision: string,
    readonly appliedOperations: readonly string[],
    cause: unknown,
  ) {
    super(message, "ATH-MIGRATE-FAILED", { cause });
  }
}

/** Another migration run holds the database's run lock (`runLockTimeout` passed while waiting). */
export class MigrationLockedError extends MigrateError {
  constructor(
    readonly versionTable: string,
    readonly waitedSeconds: number,
  ) {
    super(
      `Another migration run holds the lock on this database (version table ${versionTable}); waited ` +
        `${waitedSeconds} s. Let it finish and run the command again (it will find its revisions applied), or ` +
        "raise `runLockTimeout` in athanor.config. The lock belongs to a database session: if no run is going " +
        "on, a session that ran migrations is still open (end it to free the lock).",
      "ATH-MIGRATE-LOCKED",
    );
  }
}
