import { describe, expect, test } from "vitest";
import { RevisionMap, type Revision } from "../../src/migrate/script/revision-map.js";

const rev = (revision: string, down: string[] = [], createDate = revision): Revision => ({
  revision,
  downRevisions: down,
  message: `msg ${revision}`,
  createDate,
  path: `${revision}.ts`,
});

/**   a1 ── b2 ──┬── c3 ──┐
 *               └── d4 ──┴── m5 (merge) ── e6 */
const graph = () =>
  new RevisionMap([
    rev("a1"),
    rev("b2", ["a1"]),
    rev("c3", ["b2"]),
    rev("d4", ["b2"]),
    rev("m5", ["c3", "d4"]),
    rev("e6", ["m5"]),
  ]);
const ids = (steps: { revision: Revision }[]) => steps.map((s) => s.revision.revision);

describe("revision map", () => {
  test("heads, bases, branch and merge points, order", () => {
    const m = graph();
    expect(m.heads).toEqual(["e6"]);
    expect(m.bases).toEqual(["a1"]);
    expect(m.isBranchPoint("b2")).toBe(true);
    expect(m.isMergePoint("m5")).toBe(true);
    expect(m.ordered.map((r) => r.revision)).toEqual(["a1", "b2", "c3", "d4", "m5", "e6"]);
  });

  test("ids resolve by unique prefix; ambiguous and unknown ids are errors", () => {
    const m = new RevisionMap([rev("abc1"), rev("abd2", ["abc1"])]);
    expect(m.resolve("abc").revision).toBe("abc1");
    expect(() => m.resolve("ab")).toThrow(/start of several revisions \(abc1, abd2\)/);
    expect(() => m.resolve("zz")).toThrow(expect.objectContaining({ code: "ATH-MIGRATE-UNKNOWN-REVISION" }));
  });

  test("upgrade head from base walks the graph; heads move through branch and merge", () => {
    const steps = graph().upgradeSteps([], "head");
    expect(ids(steps)).toEqual(["a1", "b2", "c3", "d4", "m5", "e6"]);
    expect(steps.map((s) => s.toHeads)).toEqual([["a1"], ["b2"], ["c3"], ["c3", "d4"], ["m5"], ["e6"]]);
  });

  test("upgrade to a revision, +N, and nothing when already there", () => {
    const m = graph();
    expect(ids(m.upgradeSteps([], "b2"))).toEqual(["a1", "b2"]);
    expect(ids(m.upgradeSteps(["b2"], "+2"))).toEqual(["c3", "d4"]);
    expect(m.upgradeSteps(["e6"], "head")).toEqual([]);
    expect(() => m.upgradeSteps(["m5"], "+5")).toThrow(/only 1 revision/);
  });

  test("downgrade to base, to a revision, -N; heads split again at a merge", () => {
    const m = graph();
    expect(ids(m.downgradeSteps(["e6"], "base"))).toEqual(["e6", "m5", "d4", "c3", "b2", "a1"]);
    const toB = m.downgradeSteps(["e6"], "b2");
    expect(ids(toB)).toEqual(["e6", "m5", "d4", "c3"]);
    expect(toB.map((s) => s.toHeads)).toEqual([["m5"], ["c3", "d4"], ["c3"], ["b2"]]);
    expect(ids(m.downgradeSteps(["e6"], "-2"))).toEqual(["e6", "m5"]);
    expect(() => m.downgradeSteps(["b2"], "c3")).toThrow(/not at or past it/);
  });

  test("several heads: 'head' is an error naming them, 'heads' upgrades every branch", () => {
    const m = new RevisionMap([rev("a1"), rev("b2", ["a1"]), rev("c3", ["a1"])]);
    expect(m.heads).toEqual(["b2", "c3"]);
    expect(() => m.upgradeSteps([], "head")).toThrow(
      expect.objectContaining({ code: "ATH-MIGRATE-MULTIPLE-HEADS" }),
    );
    expect(() => m.upgradeSteps([], "head")).toThrow(/2 head revisions \(b2, c3\)/);
    const all = m.upgradeSteps([], "heads");
    expect(ids(all)).toEqual(["a1", "b2", "c3"]);
    expect(all[2]!.toHeads).toEqual(["b2", "c3"]);
    // One branch at a time: the other head is added beside it.
    expect(m.upgradeSteps(["b2"], "c3").map((s) => s.toHeads)).toEqual([["b2", "c3"]]);
    expect(m.stampHeads("heads")).toEqual(["b2", "c3"]);
  });

  test("a missing down revision, a duplicate id and a cycle are reported", () => {
    expect(() => new RevisionMap([rev("a1"), rev("b2", ["zz9"])])).toThrow(
      /names down revision 'zz9', which no script/,
    );
    expect(() => new RevisionMap([rev("a1"), rev("a1")])).toThrow(/defined twice/);
    expect(() => new RevisionMap([rev("a1", ["b2"]), rev("b2", ["a1"])])).toThrow(/cycle/);
  });
});
