export { SqliteDialect } from "./dialect.js";
