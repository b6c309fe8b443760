/** Sqlite DDL compiler. (Stub: owned by the schema work.) */
import { SqlCompiler } from "../../sql/compiler.js";

export class SqliteDdlCompiler extends SqlCompiler {}
