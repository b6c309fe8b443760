/**
 * MySQL/MariaDB's own types (SQLAlchemy: `sqlalchemy.dialects.mysql`): TINYINT, MEDIUMINT,
 * LONGTEXT, DOUBLE, TIMESTAMP. Compiling them for another dialect raises a CompileError.
 * @example
 * import { LONGTEXT, TIMESTAMP, TINYINT } from "athanor/dialects/mysql";
 * new Table("posts", metadata, {
 *   rank: Column(TINYINT({ unsigned: true })),
 *   body: Column(LONGTEXT),
 *   touchedAt: Column(TIMESTAMP({ fsp: 3 })),
 * })
 */
import { callableType } from "../../sql/types/callable.js";
import { DateTimeType, DoubleType, IntegerType, TextType } from "../../sql/types/generic.js";

/** 1-byte integer: -128…127, or 0…255 unsigned. */
export class TinyIntType extends IntegerType {
  override readonly kind: string = "mysql_tinyint";
  readonly portableAlternative = "SmallInteger";
  constructor(readonly unsigned = false) {
    super();
  }
  override get dialectName(): string {
    return "mysql";
  }
  override toString(): string {
    return this.unsigned ? "TINYINT UNSIGNED" : "TINYINT";
  }
}
/** `TINYINT`, or `TINYINT({ unsigned: true })`; read as number. */
export const TINYINT = callableType(
  new TinyIntType(),
  (options?: { unsigned?: boolean }) => new TinyIntType(options?.unsigned ?? false),
);

/** 3-byte integer: -8388608…8388607, or 0…16777215 unsigned. */
export class MediumIntType extends IntegerType {
  override readonly kind: string = "mysql_mediumint";
  readonly portableAlternative = "Integer";
  constructor(readonly unsigned = false) {
    super();
  }
  override get dialectName(): string {
    return "mysql";
  }
  override toString(): string {
    return this.unsigned ? "MEDIUMINT UNSIGNED" : "MEDIUMINT";
  }
}
/** `MEDIUMINT`, or `MEDIUMINT({ unsigned: true })`; read as number. */
export const MEDIUMINT = callableType(
  new MediumIntType(),
  (options?: { unsigned?: boolean }) => new MediumIntType(options?.unsigned ?? false),
);

/** Text up to 4 GiB (TEXT holds 64 KiB). */
export class LongTextType extends TextType {
  override readonly kind: string = "mysql_longtext";
  readonly portableAlternative = "Text";
  override get dialectName(): string {
    return "mysql";
  }
  override toString(): string {
    return "LONGTEXT";
  }
}
/** `LONGTEXT`, or `LONGTEXT({ collation: "utf8mb4_bin" })`; read as string. */
export const LONGTEXT = callableType(
  new LongTextType(),
  (options?: { collation?: string }) => new LongTextType(null, options?.collation ?? null),
);

/** 8-byte floating point (the generic `Double` is spelled DOUBLE on MySQL too). */
export class MysqlDoubleType extends DoubleType {
  override readonly kind: string = "mysql_double";
  readonly portableAlternative = "Double";
  override get dialectName(): string {
    return "mysql";
  }
  override toString(): string {
    return "DOUBLE";
  }
}
export const DOUBLE = new MysqlDoubleType();

/**
 * TIMESTAMP: an instant stored as UTC seconds since 1970 (1970-01-01 00:00:01 … 2038-01-19 03:14:07 UTC),
 * read as a JS Date. `fsp` is the fractional-second digits (default 6; 0 for whole seconds).
 */
export class MysqlTimestampType extends DateTimeType {
  override readonly kind: string = "mysql_timestamp";
  readonly portableAlternative = "DateTime";
  constructor(fsp: number | null = null) {
    super(false, fsp);
  }
  override get dialectName(): string {
    return "mysql";
  }
  override toString(): string {
    return this.fsp == null ? "TIMESTAMP" : `TIMESTAMP({ fsp: ${this.fsp} })`;
  }
}
/** `TIMESTAMP`, or `TIMESTAMP({ fsp: 3 })`. */
export const TIMESTAMP = callableType(
  new MysqlTimestampType(),
  (options?: { fsp?: number }) => new MysqlTimestampType(options?.fsp ?? null),
);
