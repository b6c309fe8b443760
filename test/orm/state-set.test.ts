/** StateSet: the insertion-ordered set of object states a Session and a flush keep (no database). */
import { describe, expect, test } from "vitest";
import { StateSet } from "../../src/orm/session/state-set.js";
import type { InstanceState } from "../../src/orm/state/instance-state.js";

const states = (n: number) => Array.from({ length: n }, (_, i) => ({ i }) as unknown as InstanceState);

describe("StateSet", () => {
  test("keeps insertion order; add ignores a state already there, push trusts the caller", () => {
    const [a, b, c] = states(3);
    const set = new StateSet();
    set.push(a!);
    set.push(b!);
    set.add(a!);
    set.add(c!);
    expect([...set]).toEqual([a, b, c]);
    expect(set.size).toBe(3);
    expect(set.has(b!)).toBe(true);
  });

  test("delete, then add again: listed once, at the end", () => {
    const [a, b, c] = states(3);
    const set = new StateSet([a!, b!, c!]);
    expect(set.delete(b!)).toBe(true);
    expect(set.delete(b!)).toBe(false);
    expect(set.size).toBe(2);
    expect(set.has(b!)).toBe(false);
    set.push(b!);
    expect(set.toArray()).toEqual([a, c, b]);
    expect(set.values()).toEqual([a, c, b]);
  });

  test("deleteAll: the whole set in order clears it; a part or another order deletes each", () => {
    const list = states(5);
    const whole = new StateSet(list);
    whole.deleteAll(list);
    expect(whole.size).toBe(0);
    expect([...whole]).toEqual([]);

    const part = new StateSet(list);
    part.deleteAll([list[3]!, list[1]!]);
    expect([...part]).toEqual([list[0], list[2], list[4]]);

    const reordered = new StateSet(list);
    reordered.deleteAll([...list].reverse());
    expect(reordered.size).toBe(0);
  });

  test("clear empties it for reuse", () => {
    const [a, b] = states(2);
    const set = new StateSet([a!]);
    set.delete(a!);
    set.clear();
    set.add(b!);
    expect([...set]).toEqual([b]);
    expect(set.has(a!)).toBe(false);
  });
});
