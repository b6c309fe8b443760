/**
 * A column type known only by the database's spelling of it, e.g. `CHAR(10)` or `tsvector`:
 * what reflection returns for a type Athanor has no class for. Migrations render it as written
 * (`rawType("CHAR(10)")`); the regular DDL compilers don't know it, so a Table reflected with
 * such a column can't be created with `createAll` elsewhere until its type is replaced.
 * Values pass through the driver unchanged.
 * @example op.addColumn("docs", "search", Column(rawType("tsvector")))
 */
import { TypeEngine } from "../../sql/types/type-engine.js";

export class RawType extends TypeEngine<unknown> {
  readonly kind: string = "raw";
  constructor(
    /** The type exactly as it goes into DDL. */
    readonly spelling: string,
  ) {
    super();
  }
  override toString(): string {
    return `rawType(${JSON.stringify(this.spelling)})`;
  }
}

/** A type given by its DDL spelling (see RawType). */
export function rawType(spelling: string): RawType {
  return new RawType(spelling);
}
