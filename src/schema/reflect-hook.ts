/**
 * `MetaData.reflect()` needs the engine (connections, the dialect's catalog queries), which
 * sits above the schema layer. The engine registers the implementation here when it is loaded
 * (importing `athanor` does), as SQLAlchemy's schema calls into `engine.reflection`.
 */
import { InvalidRequestError } from "../util/errors.js";
import type { MetaData } from "./metadata.js";

export interface ReflectOptions {
  /** Schema to read (default: the MetaData's schema, else the connection's default schema). */
  schema?: string | null;
  /** Only these tables (names), or the tables for which this returns true. */
  only?: readonly string[] | ((tableName: string) => boolean);
}

export type Reflector = (metadata: MetaData, bind: unknown, options: ReflectOptions) => Promise<void>;

let reflector: Reflector | null = null;

/** @internal Called by the engine layer. */
export function registerReflector(fn: Reflector): void {
  reflector = fn;
}

/** @internal */
export function runReflector(metadata: MetaData, bind: unknown, options: ReflectOptions): Promise<void> {
  if (!reflector) {
    throw new InvalidRequestError(
      "metadata.reflect() needs the engine layer, which is not loaded. Import from 'athanor' (the package root), " +
        "which loads it.",
      "ATH-REFLECT",
    );
  }
  return reflector(metadata, bind, options);
}
