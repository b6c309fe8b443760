/**
 * Targets on a labeled branch (Alembic: `label@head`, `label@base`, `label@+N`, `label@-N`,
 * `label@<revision>`). The branch of a label is the revision declaring it and every revision
 * built on it; moves along it leave the database's other branches alone.
 */
import { MigrateError, MultipleHeadsError, NotOnBranchError } from "../errors.js";
import type { Revision, RevisionMap, Step } from "./revision-map.js";

export interface BranchTarget {
  readonly label: string;
  /** The revision declaring the label. */
  readonly root: Revision;
  /** The root and every revision built on it. */
  readonly members: ReadonlySet<string>;
  /** What follows the @: head, heads, base, +N, -N or a revision. */
  readonly spec: string;
}

const FORMS = "label@head, label@heads, label@base, label@+N, label@-N or label@<revision>";

/** `label@spec` parsed (the label must exist), or null for a target without @. */
export function parseBranchTarget(map: RevisionMap, target: string): BranchTarget | null {
  const at = target.indexOf("@");
  if (at < 0) return null;
  const label = target.slice(0, at);
  const spec = target.slice(at + 1);
  if (label === "" || spec === "" || spec.includes("@")) {
    throw new MigrateError(`'${target}' is not a target: a branch target is ${FORMS}.`, "ATH-MIGRATE-TARGET");
  }
  const root = map.labeled(label, target);
  return { label, root, members: map.descendants([root.revision]), spec };
}

const relative = (spec: string): number | null => (/^[+-]\d+$/.test(spec) ? Number(spec) : null);

function branchHeads(map: RevisionMap, t: BranchTarget): string[] {
  return map.heads.filter((h) => t.members.has(h));
}

/** The revisions `label@head`, `label@heads` or `label@<revision>` name. */
function goalOf(map: RevisionMap, t: BranchTarget, target: string): string[] {
  if (t.spec === "heads") return branchHeads(map, t);
  if (t.spec === "head") {
    // A branch always has a head: the graph is finite and the root is on it.
    const heads = branchHeads(map, t);
    if (heads.length > 1) throw new MultipleHeadsError(heads, target, t.label);
    return heads;
  }
  if (t.spec === "base" || relative(t.spec) !== null) {
    throw new MigrateError(
      `'${target}' names no single revision here: use ${t.label}@head or ${t.label}@<revision>.`,
      "ATH-MIGRATE-TARGET",
    );
  }
  const r = map.resolve(t.spec).revision;
  if (!t.members.has(r)) throw new NotOnBranchError(r, t.label, t.root.revision);
  return [r];
}

/** The one revision of `label@head` or `label@<revision>` (for `revision --head` and `merge`). */
export function branchRevision(map: RevisionMap, t: BranchTarget, target: string): string {
  if (t.spec === "base") {
    throw new MigrateError(
      `'${target}' names no revision to build on. For a new independent branch use --head base ` +
        "(with --branch-label NAME to label it); to add to this branch use " +
        `--head ${t.label}@head.`,
      "ATH-MIGRATE-TARGET",
    );
  }
  const goal = goalOf(map, t, target);
  if (goal.length > 1) throw new MultipleHeadsError(goal, target, t.label);
  return goal[0]!;
}

function wrongWay(target: string, command: "upgrade" | "downgrade", t: BranchTarget): MigrateError {
  const other = command === "upgrade" ? "downgrade" : "upgrade";
  const sign = command === "upgrade" ? "+" : "-";
  return new MigrateError(
    `'${target}' goes the other way for ${command}: use \`athanor migrate ${other} ${target}\`, or ` +
      `${t.label}@${sign}N.`,
    "ATH-MIGRATE-RELATIVE",
  );
}

/** `upgrade label@…`: applies the branch's revisions (and what they build on), nothing else. */
export function branchUpgradeSteps(
  map: RevisionMap,
  current: readonly string[],
  t: BranchTarget,
  target: string,
): Step[] {
  if (t.spec === "base") return [];
  const n = relative(t.spec);
  if (n !== null && t.spec.startsWith("-")) throw wrongWay(target, "upgrade", t);
  if (n === null) return map.stepsToward(current, goalOf(map, t, target));
  const applied = map.ancestors(current);
  const pending = map.topological([...t.members].filter((id) => !applied.has(id)));
  const open = branchHeads(map, t).filter((h) => !applied.has(h));
  if (pending.length > n && open.length > 1) throw new MultipleHeadsError(open, target, t.label);
  if (pending.length < n) {
    throw new MigrateError(
      `Can't upgrade ${target}: only ${pending.length} revision(s) of branch '${t.label}' are left to apply.`,
      "ATH-MIGRATE-RELATIVE",
    );
  }
  return map.stepsToward(
    current,
    pending.slice(0, n).map((r) => r.revision),
  );
}

/** `downgrade label@…`: undoes applied revisions of the branch only (`label@base`: all of them). */
export function branchDowngradeSteps(
  map: RevisionMap,
  current: readonly string[],
  t: BranchTarget,
  target: string,
): Step[] {
  const applied = map.ancestors(current);
  // Whatever builds on a revision of the branch is on the branch too: undoing these in reverse
  // order never leaves an applied revision without what it builds on.
  const undoOrder = map.topological([...applied].filter((id) => t.members.has(id))).reverse();
  if (t.spec === "base") return map.steps(current, undoOrder, "down");
  const n = relative(t.spec);
  if (n !== null && t.spec.startsWith("+")) throw wrongWay(target, "downgrade", t);
  if (n !== null) {
    const count = -n;
    const onBranch = current.filter((h) => t.members.has(h));
    if (onBranch.length > 1 && undoOrder.length > count)
      throw new MultipleHeadsError(onBranch, target, t.label);
    if (undoOrder.length < count) {
      throw new MigrateError(
        `Can't downgrade ${target}: only ${undoOrder.length} revision(s) of branch '${t.label}' are applied.`,
        "ATH-MIGRATE-RELATIVE",
      );
    }
    return map.steps(current, undoOrder.slice(0, count), "down");
  }
  const goal = goalOf(map, t, target);
  map.checkApplied(current, goal);
  const keep = map.ancestors(goal);
  return map.steps(
    current,
    undoOrder.filter((r) => !keep.has(r.revision)),
    "down",
  );
}

/**
 * `stamp label@…`: the database's heads with this branch's moved to the target; heads of other
 * branches stay unless the target builds on them. Relative and base targets stamp where the
 * matching upgrade or downgrade would end.
 */
export function branchStampHeads(
  map: RevisionMap,
  current: readonly string[],
  t: BranchTarget,
  target: string,
): string[] {
  if (t.spec === "base" || relative(t.spec) !== null) {
    const steps = t.spec.startsWith("+")
      ? branchUpgradeSteps(map, current, t, target)
      : branchDowngradeSteps(map, current, t, target);
    return steps.length ? [...steps[steps.length - 1]!.toHeads] : [...current];
  }
  const goal = goalOf(map, t, target);
  const implied = map.ancestors(goal);
  return [...current.filter((h) => !t.members.has(h) && !implied.has(h)), ...goal];
}
