/**
 * Samples of the ORM's short-lived classes (Session and its transaction, identity map and
 * events, InstanceState, ORM results, a load run, a unit of work), kept alive so that their
 * hidden classes, and the optimized code built on them, survive major GCs (see util/shapes.ts).
 * Made once, the first time a Session is created; instances of mapped classes are kept per
 * mapper (`Mapper._keepLoadedShape`).
 */
import type { Engine } from "../engine/engine.js";
import { RowBuffer } from "../engine/result.js";
import { keepShapes } from "../util/shapes.js";
import { LoadRun } from "./loading/loading.js";
import { ormResult } from "./loading/result.js";
import { makeCollection } from "./relationships/collections.js";
import { Session } from "./session/session.js";
import { UnitOfWork } from "./session/unit-of-work.js";

let kept = false;

/** Keeps one sample of each hot ORM class (once per process). */
export function keepOrmShapes(): void {
  if (kept) return;
  kept = true;
  // A bind that is never used: the sample Session never connects.
  const bind = { connect: () => Promise.reject(new Error("sample")) } as unknown as Engine;
  const session = new Session({ bind });
  const result = ormResult([[1]], ["x"], false);
  keepShapes(
    session,
    result,
    result.scalars(),
    new RowBuffer([], true),
    new LoadRun(session, null as never, null as never, false),
    new UnitOfWork({ session, conn: null as never, dialect: null as never, pageSize: 1 }),
    // A relationship collection as loading makes them (with its owner record).
    makeCollection({ state: null as never, prop: null as never }, []),
  );
}
