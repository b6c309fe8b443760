/**
 * Keeps one sample object of each hot, short-lived class alive for the life of the process.
 *
 * V8 holds an object's hidden class ("map") only through live objects of that shape and weak
 * transitions. When a full garbage collection finds no instance left of a short-lived class (a
 * statement node, a Connection, a Result, a cache-key builder), the map dies and every optimized
 * function that embedded it is thrown away ("deoptimized: weak objects"), to be optimized again
 * at its next uses. A process that goes quiet between bursts (or a benchmark that forces a GC
 * between runs) then pays the warm-up again after each major GC: measured at 2–3× the steady
 * cost of compiling and executing. One sample per class keeps the maps, and the code, alive.
 */
const samples: unknown[] = [];

/** Keeps `objects` (samples of hot classes) reachable for the life of the process. */
export function keepShapes(...objects: unknown[]): void {
  for (const o of objects) samples.push(o);
}
