/**
 * SQLite declared type text → Athanor type (SQLAlchemy: `SQLiteDialect._resolve_type_affinity`).
 * SQLite keeps a column's declared type verbatim, so the spellings SqliteTypeCompiler writes
 * come back as written; other spellings are read by name, and anything unknown is a RawType.
 */
import {
  BigIntegerType,
  BooleanType,
  DateTimeType,
  DateType,
  DoubleType,
  FloatType,
  IntegerType,
  JSONType,
  LargeBinaryType,
  NumericType,
  SmallIntegerType,
  StringType,
  TextType,
  TimeType,
} from "../../sql/types/generic.js";
import type { TypeEngine } from "../../sql/types/type-engine.js";
import { RawType } from "../base/raw-type.js";

/** `NAME(1, 2) REST` → name "NAME", args [1, 2], rest "REST" (e.g. a COLLATE clause). */
export function splitTypeSpelling(spelling: string): { name: string; args: number[]; rest: string } {
  const m =
    /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\s+(?!COLLATE\b)[A-Za-z_][A-Za-z0-9_]*)*)\s*(?:\(\s*([^)]*)\))?\s*(.*)$/i.exec(
      spelling,
    );
  if (!m) return { name: spelling.trim().toUpperCase(), args: [], rest: "" };
  const args = (m[2] ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter((a) => a !== "")
    .map(Number);
  return { name: m[1]!.toUpperCase().replace(/\s+/g, " "), args, rest: m[3]!.trim() };
}

export function sqliteTypeFromDeclared(declared: string): TypeEngine<any> {
  if (declared.trim() === "") return new RawType("");
  const { name, args, rest } = splitTypeSpelling(declared);
  const collate = /^COLLATE\s+"?([^"\s]+)"?/i.exec(rest)?.[1] ?? null;
  if (rest !== "" && collate === null) return new RawType(declared);
  const [a, b] = args;
  switch (name) {
    case "INTEGER":
    case "INT":
      return new IntegerType();
    case "SMALLINT":
      return new SmallIntegerType();
    case "BIGINT":
      return new BigIntegerType();
    case "BOOLEAN":
    case "BOOL":
      return new BooleanType();
    case "VARCHAR":
    case "NVARCHAR":
    case "CHARACTER VARYING":
      return new StringType(a ?? null, collate);
    case "TEXT":
    case "CLOB":
      return new TextType(null, collate);
    case "NUMERIC":
    case "DECIMAL":
    case "NUMERIC_TEXT":
      return new NumericType(a ?? null, b ?? null);
    case "FLOAT":
      return new FloatType(a ?? null);
    case "REAL":
    case "DOUBLE":
    case "DOUBLE PRECISION":
      return new DoubleType();
    case "DATE":
      return new DateType();
    case "TIME":
      return new TimeType();
    case "DATETIME":
    case "TIMESTAMP":
      return new DateTimeType();
    case "JSON":
      return new JSONType();
    case "BLOB":
      return new LargeBinaryType(a ?? null);
  }
  return new RawType(declared);
}
