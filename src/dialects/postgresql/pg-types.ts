/**
 * PostgreSQL's own types (SQLAlchemy: `sqlalchemy.dialects.postgresql`): JSONB, ARRAY, UUID,
 * TIMESTAMPTZ. Compiling them for another dialect raises a CompileError naming both.
 * @example
 * import { ARRAY, JSONB, TIMESTAMPTZ, UUID } from "athanor/dialects/postgresql";
 * new Table("events", metadata, {
 *   id: Column(UUID, { primaryKey: true }),
 *   tags: Column(ARRAY(String(30))),
 *   payload: Column(JSONB<{ kind: string }>()),
 *   at: Column(TIMESTAMPTZ),
 * })
 */
import { ArgumentError } from "../../util/errors.js";
import { callableType } from "../../sql/types/callable.js";
import { describeValue } from "../../sql/types/describe.js";
import { DateTimeType, JSONType, NumericType, UuidType } from "../../sql/types/generic.js";
import { TypeEngine, type Processor, type TypeDialect, type TypeValue } from "../../sql/types/type-engine.js";
import { parseArrayLiteral } from "./pg-text.js";

/** Binary JSON (SQLAlchemy: `postgresql.JSONB`): indexable, keys reordered and de-duplicated by the server. */
export class JSONBType<T = unknown> extends JSONType<T> {
  override readonly kind: string = "pg_jsonb";
  override get dialectName(): string {
    return "postgresql";
  }
  readonly portableAlternative = "JSON()";
  override toString(): string {
    return "JSONB";
  }
}

/** `JSONB<T>()`: a JSONB document whose parsed value is typed `T`. */
export function JSONB<T = unknown>(): JSONBType<T> {
  return new JSONBType<T>();
}

/** PostgreSQL's UUID (SQLAlchemy: `postgresql.UUID`); the generic `Uuid` is the portable spelling. */
export class PgUuidType extends UuidType {
  override readonly kind: string = "pg_uuid";
  override get dialectName(): string {
    return "postgresql";
  }
  readonly portableAlternative = "Uuid";
  override toString(): string {
    return "UUID";
  }
}
export const UUID = new PgUuidType();

/** TIMESTAMP WITH TIME ZONE (SQLAlchemy: `postgresql.TIMESTAMP(timezone=True)`), read as a JS Date. */
export class TimestamptzType extends DateTimeType {
  override readonly kind: string = "pg_timestamptz";
  constructor(precision: number | null = null) {
    super(true, precision);
  }
  override get dialectName(): string {
    return "postgresql";
  }
  readonly portableAlternative = "DateTime({ timezone: true })";
  override toString(): string {
    return this.fsp == null ? "TIMESTAMPTZ" : `TIMESTAMPTZ({ precision: ${this.fsp} })`;
  }
}
/** `TIMESTAMPTZ`, or `TIMESTAMPTZ({ precision: 3 })` for TIMESTAMP(3) WITH TIME ZONE. */
export const TIMESTAMPTZ = callableType(
  new TimestamptzType(),
  (options?: { precision?: number }) => new TimestamptzType(options?.precision ?? null),
);

/** Item types whose arrays pg already parses cell by cell (their cells must not be parsed again). */
const PARSED_BY_DRIVER = new Set(["json", "pg_jsonb"]);

/**
 * An array of `itemType` values (SQLAlchemy: `postgresql.ARRAY`). Each item goes through the
 * item type's processors. `dimensions` (default 1) only changes the DDL (`INTEGER[][]`) and how
 * deep JSON items are looked into; PostgreSQL itself doesn't enforce it.
 */
export class ArrayType<T = unknown[]> extends TypeEngine<T> {
  readonly kind: string = "pg_array";
  readonly portableAlternative = "JSON() holding an array";
  constructor(
    readonly itemType: TypeEngine<any>,
    readonly dimensions: number | null = null,
  ) {
    super();
    if (itemType instanceof ArrayType) {
      throw new ArgumentError(
        "ARRAY(ARRAY(x)) is not a PostgreSQL type; use ARRAY(x, 2) for a two-dimensional array.",
        "ATH-TYPE-ARG",
      );
    }
  }
  override get dialectName(): string {
    return "postgresql";
  }
  /** How deep nested arrays are items' containers rather than item values (JSON items may be arrays). */
  private get depth(): number {
    return this.dimensions ?? (PARSED_BY_DRIVER.has(this.itemType.kind) ? 1 : Infinity);
  }
  override bindProcessor(dialect: TypeDialect): Processor | null {
    const item = dialect.bindProcessorFor(this.itemType);
    if (item === null) return null; // pg writes the array literal itself
    const depth = this.depth;
    return (v) => mapItems(v, item, depth);
  }
  override resultProcessor(dialect: TypeDialect): Processor | null {
    const item = dialect.resultProcessorFor(this.itemType);
    const onParsed = this.parsedCellProcessor(item);
    const depth = this.depth;
    return (v) => {
      // Arrays pg leaves as text (dates, timestamps, enums, …) arrive as the literal.
      if (typeof v === "string") {
        const cells = parseArrayLiteral(v);
        return item === null ? cells : mapItems(cells, item, Infinity);
      }
      return onParsed === null ? v : mapItems(v, onParsed, depth);
    };
  }
  /** The processor for cells pg has already parsed (ints, floats, bools, bytea, json, interval). */
  private parsedCellProcessor(item: Processor | null): Processor | null {
    const kind = this.itemType.kind;
    if (PARSED_BY_DRIVER.has(kind)) return null;
    // pg parses numeric[] cells as floats: give them back as decimal text, at the column's scale
    // (exact up to 15 significant digits; see the note atop postgresql/types.ts).
    const t = this.itemType;
    if (t instanceof NumericType && !t.asNumber) {
      const scale = t.scale ?? (t.precision != null ? 0 : null);
      return (x) => (typeof x !== "number" ? x : scale === null ? String(x) : x.toFixed(scale));
    }
    return item;
  }
  override validate(value: unknown): string | null {
    if (value === null) return null;
    if (!Array.isArray(value)) return `expected an array, got ${describeValue(value)}`;
    return this.validateItems(value, this.depth);
  }
  private validateItems(items: readonly unknown[], depth: number): string | null {
    for (let i = 0; i < items.length; i++) {
      const x = items[i];
      if (x === null || x === undefined) continue;
      const problem =
        Array.isArray(x) && depth > 1 ? this.validateItems(x, depth - 1) : this.itemType.validate(x);
      if (problem) return `item [${i}]: ${problem}`;
    }
    return null;
  }
  override toString(): string {
    return `ARRAY(${this.itemType.toString()}${this.dimensions ? ", " + this.dimensions : ""})`;
  }
}

/** Applies `fn` to every non-null item, looking `depth` levels into nested arrays. A loop, no closure per value. */
function mapItems(items: readonly unknown[], fn: Processor, depth: number): unknown[] {
  const out = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const x = items[i];
    out[i] =
      x === null || x === undefined
        ? null
        : Array.isArray(x) && depth > 1
          ? mapItems(x, fn, depth - 1)
          : fn(x);
  }
  return out;
}

/**
 * `ARRAY(itemType)`, or `ARRAY(itemType, dimensions)`; read as nested JS arrays.
 * @example ARRAY(Integer)          // INTEGER[]   → number[]
 * @example ARRAY(String(10), 2)    // VARCHAR(10)[][] → string[][]
 */
export function ARRAY<I extends TypeEngine<any>>(itemType: I, dimensions?: 1): ArrayType<TypeValue<I>[]>;
export function ARRAY<I extends TypeEngine<any>>(itemType: I, dimensions: 2): ArrayType<TypeValue<I>[][]>;
export function ARRAY<I extends TypeEngine<any>>(itemType: I, dimensions: 3): ArrayType<TypeValue<I>[][][]>;
export function ARRAY<I extends TypeEngine<any>>(itemType: I, dimensions?: number): ArrayType<unknown[]>;
export function ARRAY(itemType: TypeEngine<any>, dimensions?: number): ArrayType<any> {
  return new ArrayType(itemType, dimensions ?? null);
}
