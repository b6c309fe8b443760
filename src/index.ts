/**
 * Athanor: a typed database toolkit and ORM for TypeScript.
 *
 * @example
 * import { createEngine, MetaData, Table, Column, Integer, String, select } from "athanor";
 */
export * from "./util/errors.js";
export * from "./sql/index.js";
// engine: createEngine, Engine, Connection, Result, URL … (added by the engine work)
// schema: MetaData, Table, Column, constraints, DDL … (added by the schema work)
