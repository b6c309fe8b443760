export { PostgresDialect } from "./dialect.js";
