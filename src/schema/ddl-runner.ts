/**
 * createAll / dropAll (SQLAlchemy: `SchemaGenerator` / `SchemaDropper` in `sql/ddl.py`).
 *
 * Create: enum types (PostgreSQL), then each table in dependency order with its comments and
 * indexes, then the foreign keys set apart by the sort (cycles, `useAlter`) with ALTER TABLE.
 * Drop: those foreign keys first, then the tables in reverse order, then the enum types.
 * With an Engine, everything runs in one transaction (atomic where DDL is transactional).
 */
import { CompileError } from "../util/errors.js";
import type { Column } from "./column.js";
import type { ForeignKeyConstraint } from "./constraints.js";
import {
  AddConstraintElement,
  CreateEnumTypeElement,
  CreateIndexElement,
  CreateTableElement,
  DropConstraintElement,
  DropEnumTypeElement,
  DropTableElement,
  SetColumnCommentElement,
  SetTableCommentElement,
} from "./ddl.js";
import { isConnection, type DdlBind, type DdlConnection } from "./bind.js";
import type { DdlCompiler, NamedEnumType } from "./ddl-compiler.js";
import { sortTablesAndConstraints } from "./sort.js";
import type { Table } from "./table.js";

async function withConnection(bind: DdlBind, fn: (conn: DdlConnection) => Promise<void>): Promise<void> {
  if (isConnection(bind)) await fn(bind);
  else await bind.begin(fn);
}

function ddlCompilerFor(conn: DdlConnection): DdlCompiler {
  return new conn.dialect.DdlCompiler(conn.dialect) as unknown as DdlCompiler;
}

export async function createAll(
  tables: Table<any, any>[],
  bind: DdlBind,
  checkFirst: boolean,
): Promise<void> {
  const sorted = sortTablesAndConstraints(tables);
  await withConnection(bind, async (conn) => {
    const ddl = ddlCompilerFor(conn);
    const deferred = ddl.supportsAlterConstraints ? sorted.deferred : [];
    const toCreate: Table<any, any>[] = [];
    for (const t of sorted.tables)
      if (!checkFirst || !(await conn.hasTable(t.name, t.schema))) toCreate.push(t);

    for (const e of distinctEnums(toCreate, ddl)) {
      if (checkFirst && (await typeExists(conn, ddl, e))) continue;
      await conn.execute(new CreateEnumTypeElement(e.type, { schema: e.schema }));
    }
    for (const t of toCreate) {
      const inline = t.foreignKeyConstraints.filter((f) => !deferred.includes(f));
      await conn.execute(new CreateTableElement(t, { includeForeignKeyConstraints: inline }));
      if (ddl.separateComments) {
        if (t.comment !== null) await conn.execute(new SetTableCommentElement(t));
        for (const col of t.columns as Column[])
          if (col.comment !== null) await conn.execute(new SetColumnCommentElement(col));
      }
      for (const ix of t.indexes) await conn.execute(new CreateIndexElement(ix));
    }
    for (const fk of deferred)
      if (toCreate.includes(fk.table!)) await conn.execute(new AddConstraintElement(fk));
  });
}

/** Drops `tables`; `others` are the MetaData's other tables, whose enum types are kept. */
export async function dropAll(
  tables: Table<any, any>[],
  others: readonly Table<any, any>[],
  bind: DdlBind,
  checkFirst: boolean,
): Promise<void> {
  const sorted = sortTablesAndConstraints(tables);
  await withConnection(bind, async (conn) => {
    const ddl = ddlCompilerFor(conn);
    const deferred = ddl.supportsAlterConstraints ? sorted.deferred : [];
    const toDrop: Table<any, any>[] = [];
    for (const t of [...sorted.tables].reverse())
      if (!checkFirst || (await conn.hasTable(t.name, t.schema))) toDrop.push(t);

    // A set-apart foreign key must go before the table it references can be dropped.
    for (const fk of deferred) {
      if (!toDrop.includes(fk.table!) || !toDrop.includes(fk.referredTable as Table<any, any>)) continue;
      if (fk.name === null) throw unnamedCycleError(fk);
      await conn.execute(new DropConstraintElement(fk));
    }
    for (const t of toDrop) await conn.execute(new DropTableElement(t));
    const stillUsed = new Set(distinctEnums(others, ddl).map(enumKey));
    for (const e of distinctEnums(toDrop, ddl)) {
      if (stillUsed.has(enumKey(e))) continue;
      if (checkFirst && !(await typeExists(conn, ddl, e))) continue;
      await conn.execute(new DropEnumTypeElement(e.type, { schema: e.schema }));
    }
  });
}

/** Enum types of the tables, once each by schema and name. */
function distinctEnums(tables: readonly Table<any, any>[], ddl: DdlCompiler): NamedEnumType[] {
  const seen = new Map<string, NamedEnumType>();
  for (const t of tables) {
    for (const e of ddl.namedEnumTypes(t)) {
      const key = enumKey(e);
      const prev = seen.get(key);
      if (prev && prev.type.values.join("\u0000") !== e.type.values.join("\u0000")) {
        throw new CompileError(
          `Two Enum types are named '${e.type.name}' with different values (${prev.type.values.join(", ")} / ${e.type.values.join(", ")}). ` +
            "Give them different names, or share one Enum object.",
          "ATH-ENUM",
        );
      }
      if (!prev) seen.set(key, e);
    }
  }
  return [...seen.values()];
}

function enumKey(e: NamedEnumType): string {
  return `${e.schema ?? ""}.${e.type.name}`;
}

async function typeExists(conn: DdlConnection, ddl: DdlCompiler, e: NamedEnumType): Promise<boolean> {
  const q = ddl.typeExistsQuery(e);
  if (!q) return false;
  const found = (await conn.execute(q)).scalar();
  return found !== null && found !== undefined;
}

function unnamedCycleError(fk: ForeignKeyConstraint): CompileError {
  return new CompileError(
    `Can't drop table '${fk.table!.name}': its foreign key to '${fk.referredTable.name}' is part of a dependency cycle ` +
      "(or has useAlter) and must be dropped first with DROP CONSTRAINT, which needs a name. " +
      "Name it (ForeignKey(…, { name })) or add an 'fk' naming convention to the MetaData.",
    "ATH-DDL-NONAME",
  );
}
