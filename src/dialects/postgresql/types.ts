/** Postgres type spellings and value conversions. (Stub: owned by the types work.) */
import { TypeCompiler } from "../../sql/type-compiler.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";

export class PostgresTypeCompiler extends TypeCompiler {}

/** The postgresql implementation of a generic type (SQLAlchemy: colspecs). */
export function implFor(type: TypeEngine<any>): TypeEngine<any> {
  return type;
}
