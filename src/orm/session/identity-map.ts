/**
 * The identity map (SQLAlchemy: `orm/identity.py`): one object per primary key per Session.
 * One Map per mapper, keyed by the normalised primary key (`Mapper.identityKey`), so a lookup is
 * a single Map read. References are strong: a Session is meant to be short-lived (one request,
 * one unit of work); `expunge`/`close` release objects.
 *
 * The first mapper's Map sits in a field of its own, and the Map of the others is made when a
 * second mapper comes: a Session made for one lookup, or work on one class, allocates one Map.
 */
import type { IdentityKey, Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";

export class IdentityMap {
  private firstMapper: Mapper | null = null;
  private firstMap: Map<IdentityKey, InstanceState> | null = null;
  /** The maps of the mappers after the first. */
  private others: Map<Mapper, Map<IdentityKey, InstanceState>> | null = null;

  /** The state stored for a mapper and key. */
  get(mapper: Mapper, key: IdentityKey): InstanceState | undefined {
    if (mapper === this.firstMapper) return this.firstMap!.get(key);
    return this.others?.get(mapper)?.get(key);
  }

  /** The map of one mapper, created on demand (loading uses it directly). */
  forMapper(mapper: Mapper): Map<IdentityKey, InstanceState> {
    if (mapper === this.firstMapper) return this.firstMap!;
    if (this.firstMapper === null) {
      this.firstMapper = mapper;
      return (this.firstMap = new Map());
    }
    const others = (this.others ??= new Map());
    let m = others.get(mapper);
    if (m === undefined) {
      m = new Map();
      others.set(mapper, m);
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
    const m = this.mapOf(state.mapper);
    if (m !== undefined && m.get(key) === state) m.delete(key);
  }

  /** The mappers that have (or had) objects here. */
  mappers(): IterableIterator<Mapper> {
    if (this.firstMapper === null) return [][Symbol.iterator]();
    const out = [this.firstMapper];
    if (this.others !== null) for (const m of this.others.keys()) out.push(m);
    return out[Symbol.iterator]();
  }

  /** Every stored state (a copy: the map may change while the caller works through it). */
  states(): InstanceState[] {
    const out: InstanceState[] = [];
    this.forEachState((s) => out.push(s));
    return out;
  }

  /** Calls `fn` with every stored state; `fn` must not add or remove states. */
  forEachState(fn: (s: InstanceState) => void): void {
    if (this.firstMap === null) return;
    for (const s of this.firstMap.values()) fn(s);
    if (this.others !== null) for (const m of this.others.values()) for (const s of m.values()) fn(s);
  }

  /** Number of objects held. */
  get size(): number {
    if (this.firstMap === null) return 0;
    let n = this.firstMap.size;
    if (this.others !== null) for (const m of this.others.values()) n += m.size;
    return n;
  }

  clear(): void {
    this.firstMapper = null;
    this.firstMap = null;
    this.others = null;
  }

  private mapOf(mapper: Mapper): Map<IdentityKey, InstanceState> | undefined {
    return mapper === this.firstMapper ? this.firstMap! : this.others?.get(mapper);
  }
}
