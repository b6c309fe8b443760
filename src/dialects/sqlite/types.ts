/** Sqlite type spellings and value conversions. (Stub: owned by the types work.) */
import { TypeCompiler } from "../../sql/type-compiler.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";

export class SqliteTypeCompiler extends TypeCompiler {}

/** The sqlite implementation of a generic type (SQLAlchemy: colspecs). */
export function implFor(type: TypeEngine<any>): TypeEngine<any> {
  return type;
}
