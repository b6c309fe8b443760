/**
 * PostgreSQL type spellings and value conversions (SQLAlchemy: `dialects/postgresql/base.py`).
 *
 * The pg driver (postgresql/driver.ts) hands over date, time, timetz, timestamp, timestamptz,
 * interval, int8, numeric, json and jsonb as the server's text, and arrays of dates, timestamps,
 * numerics and intervals as array literals; the processors here convert that text exactly.
 * Sessions run with TimeZone=UTC and the default IntervalStyle 'postgres'.
 */
import { CompileError } from "../../util/errors.js";
import { ANSI_RESERVED } from "../base/reserved.js";
import { TypeCompiler } from "../../sql/type-compiler.js";
import {
  DateTimeType,
  FloatType,
  IntervalType,
  type EnumType,
  type TimeType,
  type UuidType,
} from "../../sql/types/generic.js";
import { makeImplFor, type ImplMethods } from "../../sql/types/impl.js";
import { bindUtcDateTime, checkBindableDate } from "../../sql/types/temporal.js";
import { NullType, type Processor } from "../../sql/types/type-engine.js";
import { formatInterval, intervalFromObject, parseInterval } from "./pg-text.js";
import type { ArrayType, TimestamptzType } from "./pg-types.js";

export {
  ARRAY,
  ArrayType,
  JSONB,
  JSONBType,
  PgUuidType,
  TIMESTAMPTZ,
  TimestamptzType,
  UUID,
} from "./pg-types.js";

const RESERVED = new Set([
  ...ANSI_RESERVED,
  "current_catalog",
  "fetch",
  "freeze",
  "grant",
  "ilike",
  "isnull",
  "notnull",
  "similar",
  "verbose",
]);

export class PostgresTypeCompiler extends TypeCompiler {
  override quoteName(name: string): string {
    return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)
      ? name
      : '"' + name.replace(/"/g, '""') + '"';
  }
  override visit_double(): string {
    return "DOUBLE PRECISION";
  }
  override visit_time(t: TimeType): string {
    return t.timezone ? "TIME WITH TIME ZONE" : "TIME WITHOUT TIME ZONE";
  }
  override visit_datetime(t: DateTimeType): string {
    const p = t.fsp == null ? "TIMESTAMP" : `TIMESTAMP(${t.fsp})`;
    return p + (t.timezone ? " WITH TIME ZONE" : " WITHOUT TIME ZONE");
  }
  override visit_interval(): string {
    return "INTERVAL";
  }
  override visit_largebinary(): string {
    return "BYTEA";
  }
  override visit_uuid(t: UuidType): string {
    return t.nativeUuid ? "UUID" : "CHAR(36)";
  }
  override visit_enum(t: EnumType<any>): string {
    if (!t.nativeEnum) return super.visit_enum(t);
    return this.quoteName(enumName(t));
  }
  visit_pg_jsonb(): string {
    return "JSONB";
  }
  visit_pg_uuid(): string {
    return "UUID";
  }
  visit_pg_timestamptz(t: TimestamptzType): string {
    return this.visit_datetime(t);
  }
  visit_pg_array(t: ArrayType<any>): string {
    return this.process(t.itemType) + "[]".repeat(t.dimensions ?? 1);
  }
}

function enumName(t: EnumType<any>): string {
  if (t.name) return t.name;
  throw new CompileError(
    `PostgreSQL ENUM type requires a name: ${t.toString()} has none. Give one, e.g. Enum([...], { name: "status" }), or use { nativeEnum: false } for VARCHAR with a CHECK constraint.`,
    "ATH-TYPE-ENUM-NAME",
  );
}

/** A timestamptz value: ISO 8601 with 'Z', the same instant whatever the session zone. */
const bindInstant: Processor = (v) => {
  if (!(v instanceof Date)) return v;
  checkBindableDate(v);
  return v.toISOString();
};

/** pg writes numbers with String(), which drops the sign of -0; PostgreSQL keeps it. */
const bindFloat: Processor = (v) => (v === 0 && 1 / v < 0 ? "-0" : v);

const bindInterval: Processor = (v) => formatInterval(v);
const resultInterval: Processor = (v) => (typeof v === "string" ? parseInterval(v) : intervalFromObject(v));

/**
 * Untyped values: pg writes a Date in the process's local time, which a TIMESTAMP column would
 * store as local wall time; send UTC ISO text instead (a TIMESTAMP ignores the 'Z'). pg already
 * writes booleans, bigints, Buffers, arrays (as array literals) and objects (as JSON).
 */
const untyped: Processor = (v) => (v instanceof Date ? bindInstant(v) : v);

const colspecs = new Map<abstract new (...args: any[]) => any, ImplMethods>([
  [
    DateTimeType,
    {
      bindProcessor(this: DateTimeType) {
        return this.timezone ? bindInstant : bindUtcDateTime;
      },
    },
  ],
  [FloatType, { bindProcessor: () => bindFloat }],
  [IntervalType, { bindProcessor: () => bindInterval, resultProcessor: () => resultInterval }],
  [NullType, { bindProcessor: () => untyped }],
]);

/** The PostgreSQL implementation of a type (SQLAlchemy: colspecs); cached per type instance. */
export const implFor = makeImplFor(colspecs);
