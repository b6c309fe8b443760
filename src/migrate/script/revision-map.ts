/**
 * The graph of revisions (Alembic: `script/revision.py` RevisionMap): each revision names its
 * down revision(s); a revision with no children is a head, one with several children a branch
 * point, one with several down revisions a merge point. Targets (`head`, `heads`, `base`, `+N`,
 * `-N`, ids and unique id prefixes, branch labels) resolve here to the steps that reach them;
 * `label@…` targets are worked out in branch-targets.ts.
 */
import {
  MultipleHeadsError,
  RevisionGraphError,
  UnknownBranchError,
  UnknownRevisionError,
  MigrateError,
} from "../errors.js";
import { BranchLabels } from "./branch-labels.js";
import {
  branchDowngradeSteps,
  branchRevision,
  branchStampHeads,
  branchUpgradeSteps,
  parseBranchTarget,
} from "./branch-targets.js";

export interface Revision {
  readonly revision: string;
  readonly downRevisions: readonly string[];
  readonly message: string;
  readonly createDate: string | null;
  /** The script's file, for messages. */
  readonly path: string | null;
  /** Names for the branch starting at this revision (Alembic: `branch_labels`). */
  readonly branchLabels?: readonly string[];
}

export interface Step {
  readonly revision: Revision;
  readonly direction: "up" | "down";
  /** The database's heads before and after this step. */
  readonly fromHeads: readonly string[];
  readonly toHeads: readonly string[];
}

export class RevisionMap {
  private readonly byId = new Map<string, Revision>();
  private readonly childrenOf = new Map<string, string[]>();
  private readonly labels: BranchLabels;
  private labelsById: Map<string, string[]> | null = null;
  /** Every revision, ancestors first (a stable topological order). */
  readonly ordered: readonly Revision[];

  constructor(revisions: readonly Revision[]) {
    for (const r of revisions) {
      const dup = this.byId.get(r.revision);
      if (dup) {
        throw new RevisionGraphError(
          `Revision '${r.revision}' is defined twice: in ${dup.path ?? "?"} and ${r.path ?? "?"}. Give one of them a new id.`,
        );
      }
      this.byId.set(r.revision, r);
      this.childrenOf.set(r.revision, []);
    }
    for (const r of revisions) {
      for (const d of r.downRevisions) {
        if (!this.byId.has(d)) {
          throw new RevisionGraphError(
            `Revision '${r.revision}' (${r.path ?? "?"}) names down revision '${d}', which no script in the versions folder ` +
              "defines. Restore that script, or point downRevision at an existing revision.",
          );
        }
        this.childrenOf.get(d)!.push(r.revision);
      }
    }
    this.ordered = this.topological([...this.byId.keys()]);
    this.labels = new BranchLabels(this.ordered, (id) => this.byId.get(id));
  }

  get size(): number {
    return this.byId.size;
  }
  get(id: string): Revision {
    const r = this.byId.get(id);
    if (!r) throw new UnknownRevisionError(`Can't find revision '${id}' in the versions folder.`);
    return r;
  }
  has(id: string): boolean {
    return this.byId.has(id);
  }
  children(id: string): readonly string[] {
    return this.childrenOf.get(id) ?? [];
  }
  /** Revisions no other revision builds on, in topological order. */
  get heads(): string[] {
    return this.ordered.filter((r) => this.children(r.revision).length === 0).map((r) => r.revision);
  }
  get bases(): string[] {
    return this.ordered.filter((r) => r.downRevisions.length === 0).map((r) => r.revision);
  }
  isBranchPoint(id: string): boolean {
    return this.children(id).length > 1;
  }
  isMergePoint(id: string): boolean {
    return this.get(id).downRevisions.length > 1;
  }

  /** Every branch label, sorted. */
  get branchLabels(): string[] {
    return this.labels.names;
  }
  /** The revision declaring branch label `label` (`argument`: the target, for the message). */
  labeled(label: string, argument = label): Revision {
    const id = this.labels.owner(label);
    if (id === undefined) throw new UnknownBranchError(label, argument, this.labels.names);
    return this.get(id);
  }
  /** The branches `id` is on: labels of it and of the revisions it builds on, sorted. */
  labelsOf(id: string): readonly string[] {
    if (!this.labelsById) {
      this.labelsById = new Map();
      for (const label of this.labels.names) {
        for (const d of this.descendants([this.labels.owner(label)!])) {
          const list = this.labelsById.get(d) ?? [];
          list.push(label);
          this.labelsById.set(d, list);
        }
      }
    }
    return this.labelsById.get(id) ?? [];
  }

  /** A revision by id, branch label or unique id prefix. */
  resolve(idOrPrefix: string): Revision {
    const exact = this.byId.get(idOrPrefix);
    if (exact) return exact;
    const labeled = this.labels.owner(idOrPrefix);
    if (labeled !== undefined) return this.get(labeled);
    const matches = [...this.byId.keys()].filter((k) => k.startsWith(idOrPrefix));
    if (matches.length === 1) return this.byId.get(matches[0]!)!;
    if (matches.length > 1) {
      throw new UnknownRevisionError(
        `'${idOrPrefix}' is the start of several revisions (${matches.sort().join(", ")}); give more characters.`,
      );
    }
    const labels = this.labels.names;
    throw new UnknownRevisionError(
      `Can't find revision '${idOrPrefix}' in the versions folder. Known heads: ${this.heads.join(", ") || "(none)"}; ` +
        (labels.length ? `branch labels: ${labels.join(", ")}; ` : "") +
        "`athanor migrate history` lists every revision.",
    );
  }

  /**
   * The one revision a target names: `head`, an id, prefix or label, `label@head` or
   * `label@<revision>` (for `revision --head` and `merge`).
   */
  revisionFor(target: string): string {
    const branch = parseBranchTarget(this, target);
    if (branch) return branchRevision(this, branch, target);
    return target === "head" ? this.oneHead(target) : this.resolve(target).revision;
  }

  /** The ids and everything they build on. */
  ancestors(ids: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const stack = [...ids];
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...this.get(id).downRevisions);
    }
    return out;
  }
  /** The ids and everything built on them. */
  descendants(ids: Iterable<string>): Set<string> {
    const out = new Set<string>();
    const stack = [...ids];
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...this.children(id));
    }
    return out;
  }

  /** Ids in dependency order (ancestors first); ties broken by creation date, then id. */
  topological(ids: Iterable<string>): Revision[] {
    const set = new Set(ids);
    const pending = new Map<string, number>();
    for (const id of set) pending.set(id, this.get(id).downRevisions.filter((d) => set.has(d)).length);
    const key = (r: Revision) => `${r.createDate ?? ""}\u0000${r.revision}`;
    const ready = [...set].filter((id) => pending.get(id) === 0).map((id) => this.get(id));
    const out: Revision[] = [];
    while (ready.length) {
      ready.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      const r = ready.shift()!;
      out.push(r);
      for (const c of this.children(r.revision)) {
        if (!set.has(c)) continue;
        const n = pending.get(c)! - 1;
        pending.set(c, n);
        if (n === 0) ready.push(this.get(c));
      }
    }
    if (out.length !== set.size)
      throw new RevisionGraphError("The revisions form a cycle: check the downRevision values.");
    return out;
  }

  /** Heads after applying `r` upward. */
  private headsAfterUp(heads: readonly string[], r: Revision): string[] {
    return [...heads.filter((h) => !r.downRevisions.includes(h)), r.revision];
  }
  /** Heads after undoing `r`: its down revisions come back unless another head still builds on them. */
  private headsAfterDown(heads: readonly string[], r: Revision): string[] {
    const rest = heads.filter((h) => h !== r.revision);
    const kept = this.ancestors(rest);
    return [...rest, ...r.downRevisions.filter((d) => !kept.has(d))];
  }

  /** The steps applying (or undoing) `revs` in order, from the heads `start`. */
  steps(start: readonly string[], revs: readonly Revision[], direction: "up" | "down"): Step[] {
    let heads = [...start];
    return revs.map((r) => {
      const next = direction === "up" ? this.headsAfterUp(heads, r) : this.headsAfterDown(heads, r);
      const step: Step = { revision: r, direction, fromHeads: heads, toHeads: next };
      heads = next;
      return step;
    });
  }

  /** The single revision a target like `head` must name; several heads are an error. */
  private oneHead(argument: string): string {
    const heads = this.heads;
    if (heads.length > 1) throw new MultipleHeadsError(heads, argument);
    if (heads.length === 0)
      throw new MigrateError("The versions folder has no revisions yet.", "ATH-MIGRATE-EMPTY");
    return heads[0]!;
  }

  /** What `upgrade target` applies, from the database's current heads. */
  upgradeSteps(current: readonly string[], target: string): Step[] {
    const branch = parseBranchTarget(this, target);
    if (branch) return branchUpgradeSteps(this, current, branch, target);
    const applied = this.ancestors(current);
    const rel = /^\+(\d+)$/.exec(target);
    let goal: string[];
    if (target === "heads") goal = this.heads;
    else if (target === "head") goal = [this.oneHead(target)];
    else if (rel) {
      const n = Number(rel[1]);
      const pending = this.topological([...this.ancestors(this.heads)].filter((id) => !applied.has(id)));
      if (pending.length > n && this.heads.length > 1 && current.length !== 1)
        throw new MultipleHeadsError(this.heads, target);
      if (pending.length < n) {
        throw new MigrateError(
          `Can't upgrade ${target}: only ${pending.length} revision(s) are left to apply.`,
          "ATH-MIGRATE-RELATIVE",
        );
      }
      return this.steps(current, pending.slice(0, n), "up");
    } else if (target === "base") return [];
    else goal = [this.resolve(target).revision];
    return this.stepsToward(current, goal);
  }

  /** The steps applying `goal` and whatever it builds on that isn't applied yet. */
  stepsToward(current: readonly string[], goal: readonly string[]): Step[] {
    const applied = this.ancestors(current);
    const todo = [...this.ancestors(goal)].filter((id) => !applied.has(id));
    return this.steps(current, this.topological(todo), "up");
  }

  /** What `downgrade target` undoes, from the database's current heads. */
  downgradeSteps(current: readonly string[], target: string): Step[] {
    const branch = parseBranchTarget(this, target);
    if (branch) return branchDowngradeSteps(this, current, branch, target);
    const applied = this.ancestors(current);
    const undoOrder = this.topological(applied).reverse();
    const rel = /^-(\d+)$/.exec(target);
    if (rel) {
      const n = Number(rel[1]);
      if (current.length > 1) throw new MultipleHeadsError([...current], target);
      if (undoOrder.length < n) {
        throw new MigrateError(
          `Can't downgrade ${target}: only ${undoOrder.length} revision(s) are applied.`,
          "ATH-MIGRATE-RELATIVE",
        );
      }
      return this.steps(current, undoOrder.slice(0, n), "down");
    }
    if (target === "base") return this.steps(current, undoOrder, "down");
    const goal = this.resolve(target).revision;
    this.checkApplied(current, [goal]);
    const keep = this.ancestors([goal]);
    return this.steps(
      current,
      undoOrder.filter((r) => !keep.has(r.revision)),
      "down",
    );
  }

  /** Downgrading to `goal` needs the database at or past it. */
  checkApplied(current: readonly string[], goal: readonly string[]): void {
    const applied = this.ancestors(current);
    for (const g of goal) {
      if (applied.has(g)) continue;
      throw new MigrateError(
        `Can't downgrade to '${g}': the database is not at or past it (current: ${current.join(", ") || "base"}). ` +
          "Use upgrade to move forward.",
        "ATH-MIGRATE-NOT-APPLIED",
      );
    }
  }

  /**
   * Heads for `stamp target` (the revisions it names, without applying anything). A plain
   * target replaces every head; `label@…` changes only that branch's heads in `current`.
   */
  stampHeads(target: string, current: readonly string[] = []): string[] {
    const branch = parseBranchTarget(this, target);
    if (branch) {
      // Heads the scripts don't know (a database ahead of them) are no part of the branch: kept.
      const known = current.filter((h) => this.has(h));
      return [...current.filter((h) => !this.has(h)), ...branchStampHeads(this, known, branch, target)];
    }
    if (target === "base") return [];
    if (target === "heads") return this.heads;
    if (target === "head") return [this.oneHead(target)];
    return [this.resolve(target).revision];
  }
}
