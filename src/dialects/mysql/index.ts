export { MysqlDialect } from "./dialect.js";
