export { SqliteDialect } from "./dialect.js";
export * from "./dml.js";
