/**
 * Indexes, unique constraints, foreign keys and check constraints of a table present on both
 * sides (Alembic: `autogenerate/compare/constraints.py`).
 *
 * - Named items match by name, unnamed ones by their columns. A named match whose columns (or
 *   uniqueness) differ is dropped and created again.
 * - On MySQL a UNIQUE constraint is a unique index: a database unique index counts as the
 *   model's unique constraint when one matches it, else as an index.
 * - Expression indexes are compared by name only: their SQL comes back rewritten by the
 *   database, so it can't be compared reliably (Alembic skips them too).
 * - Foreign keys match by columns, referenced table and columns, ON DELETE and ON UPDATE.
 * - Check constraints are not compared (their SQL is rewritten by every database); a named one
 *   on one side only is reported in a comment.
 */
import type { ReflectedIndex } from "../../dialects/base/inspector.js";
import { normalizeAction } from "../../dialects/base/inspector.js";
import { CheckConstraint, UniqueConstraint } from "../../schema/constraints.js";
import type { Table } from "../../schema/table.js";
import { ColumnClause, type ColumnElement } from "../../sql/elements.js";
import { literalColumn } from "../../sql/text.js";
import { CommentOp, type MigrateOperation } from "../operations/base.js";
import {
  CreateForeignKeyOp,
  CreateIndexOp,
  CreateUniqueConstraintOp,
  DropConstraintOp,
  DropIndexOp,
} from "../operations/constraint-ops.js";
import type { AutogenContext } from "./context.js";

export interface ConstraintDiff {
  readonly drops: MigrateOperation[];
  readonly creates: MigrateOperation[];
  readonly notes: MigrateOperation[];
}

const same = (a: readonly (string | null)[], b: readonly (string | null)[]): boolean =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const eqName = (a: string | null, b: string | null): boolean =>
  a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

interface UniqueItem {
  name: string | null;
  columns: string[];
}

/** A reflected index as the operation that recreates it. */
export function createIndexFromReflected(
  table: string,
  schema: string | null,
  ix: ReflectedIndex,
): CreateIndexOp {
  return new CreateIndexOp(
    ix.name,
    table,
    ix.columns.map((c, i) => (c === null ? literalColumn(ix.expressions[i]!) : c)),
    {
      unique: ix.unique,
      schema,
      ...(ix.where ? { where: literalColumn(ix.where) } : {}),
      ...(ix.mysqlLength ? { mysqlLength: ix.mysqlLength } : {}),
    },
  );
}

/** The indexes of a table, as the operations that create them (rendered after its createTable). */
export function createIndexOps(t: Table): CreateIndexOp[] {
  return t.indexes
    .filter((ix) => ix.name !== null)
    .map(
      (ix) =>
        new CreateIndexOp(
          ix.name!,
          t.name,
          ix.expressions.map((e) => (e instanceof ColumnClause ? e.name : (e as ColumnElement<any>))),
          {
            unique: ix.unique,
            schema: t.schema,
            ...(ix.where ? { where: ix.where as ColumnElement<any> } : {}),
            ...(ix.mysqlLength !== null ? { mysqlLength: ix.mysqlLength } : {}),
          },
        ),
    );
}

export async function compareIndexesAndUniques(ctx: AutogenContext, model: Table): Promise<ConstraintDiff> {
  const diff: ConstraintDiff = { drops: [], creates: [], notes: [] };
  const { name: table, schema } = model;
  const modelUq: UniqueItem[] = model.constraints
    .filter((c): c is UniqueConstraint => c instanceof UniqueConstraint)
    .map((c) => ({ name: c.name, columns: c.columns.map((x) => x.name) }));
  const modelIx = model.indexes.map((ix) => ({
    index: ix,
    name: ix.name,
    columns: ix.expressions.map((e) => (e instanceof ColumnClause ? e.name : null)),
    hasExpressions: ix.expressions.some((e) => !(e instanceof ColumnClause)),
  }));
  let connIx = await ctx.inspector.getIndexes(table, schema);
  let connUq: UniqueItem[] = (await ctx.inspector.getUniqueConstraints(table, schema)).map((u) => ({
    name: u.name,
    columns: [...u.columns],
  }));
  if (ctx.traits.uniqueConstraintsAreIndexes) {
    // Which unique indexes play the model's unique constraints.
    connUq = [];
    const rest: ReflectedIndex[] = [];
    for (const ix of connIx) {
      const cols = ix.columns as string[];
      const playsUnique =
        ix.unique &&
        !ix.hasExpressions &&
        !modelIx.some((m) => eqName(m.name, ix.name)) &&
        modelUq.some((m) => eqName(m.name, ix.name) || (m.name === null && same(m.columns, cols)));
      if (playsUnique) connUq.push({ name: ix.name, columns: cols });
      else rest.push(ix);
    }
    connIx = rest;
  }

  // ---- unique constraints ----
  const matched = new Set<UniqueItem>();
  const pick = (pred: (c: UniqueItem) => boolean) => connUq.find((c) => !matched.has(c) && pred(c));
  for (const m of [...modelUq].sort((a, b) => (a.name === null ? 1 : 0) - (b.name === null ? 1 : 0))) {
    const c =
      (m.name !== null ? pick((x) => eqName(x.name, m.name)) : undefined) ??
      pick((x) => (m.name === null || x.name === null) && same(x.columns, m.columns));
    if (c) {
      matched.add(c);
      if (same(c.columns, m.columns)) continue;
      dropUnique(diff, table, schema, c);
    }
    diff.creates.push(new CreateUniqueConstraintOp(m.name, table, m.columns, { schema }));
  }
  for (const c of connUq) if (!matched.has(c)) dropUnique(diff, table, schema, c);

  // ---- indexes ----
  const seen = new Set<ReflectedIndex>();
  for (const m of modelIx) {
    const c = connIx.find((x) => !seen.has(x) && eqName(x.name, m.name));
    if (c) {
      seen.add(c);
      if (m.hasExpressions || c.hasExpressions) {
        if (m.index.unique === c.unique) continue;
      } else if (m.index.unique === c.unique && same(c.columns, m.columns)) continue;
      diff.drops.push(
        new DropIndexOp(c.name, {
          tableName: table,
          schema,
          recreate: createIndexFromReflected(table, schema, c),
        }),
      );
    }
    if (m.name === null) continue;
    diff.creates.push(
      new CreateIndexOp(
        m.name,
        table,
        m.index.expressions.map((e) => (e instanceof ColumnClause ? e.name : (e as ColumnElement<any>))),
        {
          unique: m.index.unique,
          schema,
          ...(m.index.where ? { where: m.index.where as ColumnElement<any> } : {}),
          ...(m.index.mysqlLength !== null ? { mysqlLength: m.index.mysqlLength } : {}),
        },
      ),
    );
  }
  for (const c of connIx) {
    if (seen.has(c)) continue;
    if (c.hasExpressions) {
      diff.notes.push(
        new CommentOp(
          `Index ${c.name} on ${table} (an expression index) is not in the models; it was left alone: drop it by hand if it should go.`,
        ),
      );
      continue;
    }
    diff.drops.push(
      new DropIndexOp(c.name, {
        tableName: table,
        schema,
        recreate: createIndexFromReflected(table, schema, c),
      }),
    );
  }
  return diff;
}

function dropUnique(diff: ConstraintDiff, table: string, schema: string | null, c: UniqueItem): void {
  if (c.name === null) {
    diff.notes.push(
      new CommentOp(
        `The database has an unnamed unique constraint on ${table}(${c.columns.join(", ")}) that the models don't; ` +
          "an unnamed constraint can't be dropped by name: drop it by hand (on SQLite, recreate the table with batchAlterTable).",
      ),
    );
    return;
  }
  const recreate = new CreateUniqueConstraintOp(c.name, table, c.columns, { schema });
  diff.drops.push(new DropConstraintOp(c.name, table, { type: "unique", schema, recreate }));
}

interface FkItem {
  name: string | null;
  columns: string[];
  referredSchema: string | null;
  referredTable: string;
  referredColumns: string[];
  ondelete: string | null;
  onupdate: string | null;
}

const fkSig = (f: FkItem): string =>
  JSON.stringify([f.columns, f.referredSchema, f.referredTable, f.referredColumns, f.ondelete, f.onupdate]);

export async function compareForeignKeys(ctx: AutogenContext, model: Table): Promise<ConstraintDiff> {
  const diff: ConstraintDiff = { drops: [], creates: [], notes: [] };
  const { name: table, schema } = model;
  const defaults = ctx.traits.defaultReferentialActions;
  const modelFks: FkItem[] = model.foreignKeyConstraints.map((f) => ({
    name: f.name,
    columns: f.columns.map((c) => c.name),
    referredSchema: f.referredTable.schema === schema ? null : f.referredTable.schema,
    referredTable: f.referredTable.name,
    referredColumns: f.referredColumns().map((c) => c.name),
    ondelete: normalizeAction(f.ondelete, defaults),
    onupdate: normalizeAction(f.onupdate, defaults),
  }));
  const connFks: FkItem[] = (await ctx.inspector.getForeignKeys(table, schema)).map((f) => ({
    ...f,
    columns: [...f.columns],
    referredColumns: [...f.referredColumns],
    referredSchema: f.referredSchema === schema ? null : f.referredSchema,
  }));
  const matched = new Set<FkItem>();
  for (const m of modelFks) {
    const c = connFks.find(
      (x) =>
        !matched.has(x) &&
        fkSig(x) === fkSig(m) &&
        (m.name === null || x.name === null || eqName(m.name, x.name)),
    );
    if (c) {
      matched.add(c);
      continue;
    }
    diff.creates.push(createFk(table, schema, m));
  }
  for (const c of connFks) {
    if (matched.has(c)) continue;
    if (c.name === null) {
      diff.notes.push(
        new CommentOp(
          `The database has an unnamed foreign key ${table}(${c.columns.join(", ")}) → ${c.referredTable} that the models don't; ` +
            "it can't be dropped by name: drop it by hand (on SQLite, recreate the table with batchAlterTable).",
        ),
      );
      continue;
    }
    diff.drops.push(
      new DropConstraintOp(c.name, table, {
        type: "foreignkey",
        schema,
        recreate: createFk(table, schema, c),
      }),
    );
  }
  return diff;
}

function createFk(table: string, schema: string | null, f: FkItem): CreateForeignKeyOp {
  return new CreateForeignKeyOp(f.name, table, f.referredTable, f.columns, f.referredColumns, {
    ...(f.ondelete ? { ondelete: f.ondelete as any } : {}),
    ...(f.onupdate ? { onupdate: f.onupdate as any } : {}),
    sourceSchema: schema,
    referentSchema: f.referredSchema,
  });
}

/** Named CHECK constraints on one side only, reported (not compared: see the module comment). */
export async function noteCheckConstraints(ctx: AutogenContext, model: Table): Promise<MigrateOperation[]> {
  const mine = model.constraints
    .filter((c): c is CheckConstraint => c instanceof CheckConstraint && !c._enumColumn && c.name !== null)
    .map((c) => c.name!);
  const theirs = (await ctx.inspector.getCheckConstraints(model.name, model.schema)).flatMap((c) =>
    c.name ? [c.name] : [],
  );
  const notes: MigrateOperation[] = [];
  for (const n of mine.filter((n) => !theirs.some((t) => eqName(t, n)))) {
    notes.push(
      new CommentOp(
        `Check constraint ${n} of ${model.name} is in the models but not in the database (checks are not compared): add it with op.createCheckConstraint if needed.`,
      ),
    );
  }
  // The database names the model's unnamed checks itself: with any of those, its extra names can't be judged.
  const unnamed = model.constraints.some((c) => c instanceof CheckConstraint && c.name === null);
  for (const n of unnamed ? [] : theirs.filter((t) => !mine.some((m) => eqName(m, t)))) {
    if (model.constraints.some((c) => c instanceof CheckConstraint && c._enumColumn && eqName(c.name, n)))
      continue;
    notes.push(
      new CommentOp(
        `Check constraint ${n} of ${model.name} is in the database but not in the models (checks are not compared): drop it with op.dropConstraint if needed.`,
      ),
    );
  }
  return notes;
}
