/**
 * Enum, JSON, LargeBinary and Uuid (SQLAlchemy: `Enum`, `JSON`, `LargeBinary`, `Uuid`).
 */
import { describeValue } from "./describe.js";
import { TypeEngine, type Processor, type TypeDialect } from "./type-engine.js";

const stringifyJson: Processor = (v) => JSON.stringify(v);
/** JSON text → value. SQLite's JSON column has NUMERIC affinity, so a bare JSON number comes back as a number. */
const parseJson: Processor = (v) =>
  typeof v === "string" ? JSON.parse(v) : typeof v === "bigint" ? Number(v) : v;
const toBuffer: Processor = (v) =>
  Buffer.isBuffer(v) || !(v instanceof Uint8Array) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const lowerCase: Processor = (v) => (typeof v === "string" ? v.toLowerCase() : v);

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * One of a fixed set of strings. PostgreSQL: a named ENUM type (CREATE TYPE); MySQL: ENUM(...);
 * elsewhere, or with `nativeEnum: false`: VARCHAR sized to the longest value, guarded by a
 * CHECK constraint when `createConstraint` (the type compiler's `checkConstraintSql`).
 */
export class EnumType<T extends string = string> extends TypeEngine<T> {
  readonly kind: string = "enum";
  private valueSet: ReadonlySet<string> | undefined;
  constructor(
    readonly values: readonly T[],
    /** Name of the type where the database has named enum types (PostgreSQL CREATE TYPE). */
    readonly name: string | null = null,
    /** Whether a CHECK constraint guards the values on databases with no native enum. */
    readonly createConstraint = true,
    readonly nativeEnum = true,
  ) {
    super();
  }
  /** Length of the longest value: the VARCHAR length where there is no native enum. */
  get length(): number {
    let n = 1;
    for (const v of this.values) if (v.length > n) n = v.length;
    return n;
  }
  override validate(value: unknown): string | null {
    if (value === null) return null;
    this.valueSet ??= new Set(this.values);
    if (typeof value === "string" && this.valueSet.has(value)) return null;
    const list = this.values.map((v) => `'${v}'`).join(", ");
    return `expected one of ${list}, got ${describeValue(value)}`;
  }
  override toString(): string {
    return this.name ? `Enum(${this.name})` : `Enum(${this.values.map((v) => `'${v}'`).join(", ")})`;
  }
}

/**
 * A JSON document; `T` types the parsed value. The JS value null means SQL NULL (SQLAlchemy's
 * `none_as_null=True`); a JSON null inside a document is kept. Numbers beyond 2^53 lose
 * precision as they do in `JSON.parse`.
 */
export class JSONType<T = unknown> extends TypeEngine<T> {
  readonly kind: string = "json";
  override bindProcessor(_dialect: TypeDialect): Processor | null {
    return stringifyJson;
  }
  override resultProcessor(_dialect: TypeDialect): Processor | null {
    return parseJson;
  }
  override validate(value: unknown): string | null {
    const t = typeof value;
    if (t === "undefined" || t === "function" || t === "symbol" || t === "bigint") {
      return `expected a JSON-serialisable value, got ${describeValue(value)}`;
    }
    return null;
  }
  override toString(): string {
    return "JSON";
  }
}

/** Bytes as a Buffer (a Uint8Array is accepted on the way in). */
export class LargeBinaryType extends TypeEngine<Buffer> {
  readonly kind: string = "largebinary";
  constructor(readonly length: number | null = null) {
    super();
  }
  override bindProcessor(_dialect: TypeDialect): Processor | null {
    return toBuffer;
  }
  override validate(value: unknown): string | null {
    if (value === null || value instanceof Uint8Array) return null;
    return `expected a Buffer or Uint8Array, got ${describeValue(value)}`;
  }
  override toString(): string {
    return this.length == null ? "LargeBinary" : `LargeBinary(${this.length})`;
  }
}

/** A UUID as its canonical lowercase 36-character string; native UUID on PostgreSQL, CHAR(36) elsewhere. */
export class UuidType extends TypeEngine<string> {
  readonly kind: string = "uuid";
  constructor(readonly nativeUuid = true) {
    super();
  }
  /** Whether the database stores it in a UUID type of its own. */
  isNativeOn(dialect: TypeDialect): boolean {
    return this.nativeUuid && !!dialect.capabilities.supportsNativeUuid;
  }
  override bindProcessor(dialect: TypeDialect): Processor | null {
    return this.isNativeOn(dialect) ? null : lowerCase;
  }
  override resultProcessor(dialect: TypeDialect): Processor | null {
    return this.isNativeOn(dialect) ? null : lowerCase;
  }
  override validate(value: unknown): string | null {
    if (value === null || (typeof value === "string" && UUID_RE.test(value))) return null;
    return `expected a UUID string such as '123e4567-e89b-12d3-a456-426614174000', got ${describeValue(value)}`;
  }
  override toString(): string {
    return "Uuid";
  }
}
