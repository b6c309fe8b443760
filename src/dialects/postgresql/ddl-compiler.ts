/** Postgres DDL compiler. (Stub: owned by the schema work.) */
import { SqlCompiler } from "../../sql/compiler.js";

export class PostgresDdlCompiler extends SqlCompiler {}
