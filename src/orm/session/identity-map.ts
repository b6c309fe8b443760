/**
 * The identity map (SQLAlchemy: `orm/identity.py`): one object per primary key per Session.
 * One Map per mapper, keyed by the normalised primary key (`Mapper.identityKey`), so a lookup is
 * a single Map read. References are strong: a Session is meant to be short-lived (one request,
 * one unit of work); `expunge`/`close` release objects.
 */
import type { IdentityKey, Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";

export class IdentityMap {
  private readonly byMapper = new Map<Mapper, Map<IdentityKey, InstanceState>>();

  /** The state stored for a mapper and key. */
  get(mapper: Mapper, key: IdentityKey): InstanceState | undefined {
    return this.byMapper.get(mapper)?.get(key);
  }

  /** The map of one mapper, created on demand (loading uses it directly). */
  forMapper(mapper: Mapper): Map<IdentityKey, InstanceState> {
    let m = this.byMapper.get(mapper);
    if (m === undefined) {
      m = new Map();
      this.byMapper.set(mapper, m);
    }
    return m;
  }

  /** Stores a state under its key (replacing whatever was there). */
  add(state: InstanceState): void {
    this.forMapper(state.mapper).set(state.key!, state);
  }

  /** Removes a state if it is the one stored under its key. */
  remove(state: InstanceState, key: IdentityKey | null = state.key): void {
    if (key === null) return;
    const m = this.byMapper.get(state.mapper);
    if (m !== undefined && m.get(key) === state) m.delete(key);
  }

  /** The mappers that have (or had) objects here. */
  mappers(): IterableIterator<Mapper> {
    return this.byMapper.keys();
  }

  /** Every stored state (a copy: the map may change while the caller works through it). */
  states(): InstanceState[] {
    const out: InstanceState[] = [];
    for (const m of this.byMapper.values()) for (const s of m.values()) out.push(s);
    return out;
  }

  /** Calls `fn` with every stored state; `fn` must not add or remove states. */
  forEachState(fn: (s: InstanceState) => void): void {
    for (const m of this.byMapper.values()) for (const s of m.values()) fn(s);
  }

  /** Number of objects held. */
  get size(): number {
    let n = 0;
    for (const m of this.byMapper.values()) n += m.size;
    return n;
  }

  clear(): void {
    if (this.byMapper.size > 0) this.byMapper.clear();
  }
}
