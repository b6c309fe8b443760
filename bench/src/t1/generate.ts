/**
 * T1's generated projects: one schema of 50 tables (500 columns, 80 foreign-key relationships)
 * and 100 typed queries (a join, two conditions, the row type read back), written for Athanor
 * Core (Tables), Athanor ORM (declarative models with both sides of each relationship, queried
 * through a Session), Drizzle (pg-core + relations) and Kysely (a Database interface). Deterministic.
 */
import { mkdirSync, writeFileSync, rmSync } from "node:fs";
import path from "node:path";

export const TABLES = 50;
export const COLUMNS_PER_TABLE = 10;
export const RELATIONSHIPS = 80;
export const QUERIES = 100;

interface Col {
  key: string; // camelCase (Athanor/Drizzle key)
  name: string; // SQL name
  kind: "int" | "string" | "bool" | "timestamp";
  fk?: number; // target table
}
interface Tbl {
  i: number;
  cols: Col[];
}

export function schema(): Tbl[] {
  const fks: number[][] = Array.from({ length: TABLES }, () => []);
  let count = 0;
  for (let i = 1; i < TABLES && count < RELATIONSHIPS; i++, count++) fks[i]!.push((i * 17) % i);
  for (let i = TABLES - 1; i >= 1 && count < RELATIONSHIPS; i--) {
    const t = (i * 3 + 1) % i;
    if (!fks[i]!.includes(t)) {
      fks[i]!.push(t);
      count++;
    }
  }
  const kinds: Col["kind"][] = ["int", "string", "bool", "timestamp"];
  return fks.map((targets, i) => {
    const cols: Col[] = [{ key: "id", name: "id", kind: "int" }];
    for (const t of targets) cols.push({ key: `t${t}Id`, name: `t${t}_id`, kind: "int", fk: t });
    for (let j = 1; cols.length < COLUMNS_PER_TABLE; j++)
      cols.push({ key: `c${j}`, name: `c${j}`, kind: j === 1 ? "int" : j === 2 ? "string" : kinds[j % 4]! });
    return { i, cols };
  });
}

/** The 100 queries: table a (with a foreign key) joined to its first target b. */
function queries(tables: Tbl[]) {
  const out: { q: number; a: Tbl; b: Tbl; fk: Col }[] = [];
  for (let q = 0; q < QUERIES; q++) {
    const a = tables[1 + (q % (TABLES - 1))]!;
    const fk = a.cols.find((c) => c.fk !== undefined)!;
    out.push({ q, a, b: tables[fk.fk!]!, fk });
  }
  return out;
}

function athanor(tables: Tbl[]): string {
  const type = (c: Col) =>
    c.kind === "int"
      ? "Integer"
      : c.kind === "string"
        ? "String(100)"
        : c.kind === "bool"
          ? "Boolean"
          : "DateTime";
  const lines = [
    `import { Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, select, type Connection } from "athanor";`,
    `export const metadata = new MetaData();`,
  ];
  for (const t of tables) {
    const cols = t.cols.map((c) => {
      const opts =
        c.key === "id"
          ? `{ primaryKey: true }`
          : c.fk !== undefined
            ? `{ name: "${c.name}", foreignKey: ForeignKey("t${c.fk}.id") }`
            : "";
      return `  ${c.key}: Column(${type(c)}${opts ? ", " + opts : ""}),`;
    });
    lines.push(`export const t${t.i} = new Table("t${t.i}", metadata, {`, ...cols, `});`);
  }
  lines.push(`declare const conn: Connection;`);
  for (const { q, a, b, fk } of queries(tables)) {
    lines.push(
      `export async function q${q}(): Promise<number> {`,
      `  const stmt = select(t${a.i}.c.id, t${a.i}.c.c1, t${b.i}.c.id.label("bId"), t${b.i}.c.c2.label("bC2"))`,
      `    .selectFrom(t${a.i})`,
      `    .join(t${b.i}, t${a.i}.c.${fk.key}.eq(t${b.i}.c.id))`,
      `    .where(t${a.i}.c.c1.gt(${q}), t${b.i}.c.c2.eq("x"));`,
      `  const rows = (await conn.execute(stmt)).all();`,
      `  const r = rows[0]!;`,
      `  const id: number = r.id;`,
      `  const c1: number | null = r.c1;`,
      `  const s: string | null = r.bC2;`,
      `  return id + (c1 ?? 0) + r.bId + (s?.length ?? 0);`,
      `}`,
    );
  }
  return lines.join("\n") + "\n";
}

/**
 * The ORM project: each table a declarative model; each foreign key a relationship with both
 * sides (`tNRef` many-to-one, `tMList` one-to-many, backPopulates). Queries select the model,
 * join the relationship, filter on both classes, load the related object with selectinload and
 * read attributes of both back.
 */
function athanorOrm(tables: Tbl[]): string {
  const type = (c: Col) =>
    c.kind === "int"
      ? "Integer"
      : c.kind === "string"
        ? "String(100)"
        : c.kind === "bool"
          ? "Boolean"
          : "DateTime";
  const lines = [
    `import { Boolean, DateTime, Integer, String, select } from "athanor";`,
    `import { declarativeBase, mappedColumn, relationship, selectinload, type Session } from "athanor/orm";`,
    `export const Base = declarativeBase();`,
  ];
  const back = new Map<number, { from: Tbl; fk: Col }[]>();
  for (const t of tables)
    for (const c of t.cols)
      if (c.fk !== undefined) back.set(c.fk, [...(back.get(c.fk) ?? []), { from: t, fk: c }]);
  for (const t of tables) {
    const cols = t.cols.map((c) => {
      const opts =
        c.key === "id"
          ? `{ primaryKey: true }`
          : c.fk !== undefined
            ? `{ name: "${c.name}", foreignKey: "t${c.fk}.id" }`
            : `{ nullable: true }`;
      return `  ${c.key}: mappedColumn(${type(c)}, ${opts}),`;
    });
    const rels: string[] = [];
    for (const c of t.cols.filter((c) => c.fk !== undefined))
      rels.push(
        `  static t${c.fk}Ref = relationship(() => T${c.fk}, { backPopulates: "t${t.i}List" });`,
        `  declare t${c.fk}Ref: T${c.fk};`,
      );
    for (const { from } of back.get(t.i) ?? [])
      rels.push(
        `  static t${from.i}List = relationship(() => T${from.i}, { backPopulates: "t${t.i}Ref" });`,
        `  declare t${from.i}List: T${from.i}[];`,
      );
    lines.push(`export class T${t.i} extends Base.model("t${t.i}", {`, ...cols, `}) {`, ...rels, `}`);
  }
  lines.push(`declare const session: Session;`);
  for (const { q, a, b } of queries(tables)) {
    lines.push(
      `export async function q${q}(): Promise<number> {`,
      `  const stmt = select(T${a.i})`,
      `    .join(T${a.i}.t${b.i}Ref)`,
      `    .where(T${a.i}.c1.gt(${q}), T${b.i}.c2.eq("x"))`,
      `    .options(selectinload(T${a.i}.t${b.i}Ref));`,
      `  const rows = (await session.scalars(stmt)).all();`,
      `  const r = rows[0]!;`,
      `  const id: number = r.id;`,
      `  const c1: number | null = r.c1;`,
      `  const s: string | null = r.t${b.i}Ref.c2;`,
      `  return id + (c1 ?? 0) + r.t${b.i}Ref.id + (s?.length ?? 0);`,
      `}`,
    );
  }
  return lines.join("\n") + "\n";
}

function drizzle(tables: Tbl[]): string {
  const type = (c: Col) =>
    c.kind === "int"
      ? `integer("${c.name}")`
      : c.kind === "string"
        ? `varchar("${c.name}", { length: 100 })`
        : c.kind === "bool"
          ? `boolean("${c.name}")`
          : `timestamp("${c.name}")`;
  const lines = [
    `import { and, eq, gt, relations } from "drizzle-orm";`,
    `import { boolean, integer, pgTable, serial, timestamp, varchar } from "drizzle-orm/pg-core";`,
    `import type { NodePgDatabase } from "drizzle-orm/node-postgres";`,
  ];
  for (const t of tables) {
    const cols = t.cols.map((c) =>
      c.key === "id"
        ? `  id: serial("id").primaryKey(),`
        : c.fk !== undefined
          ? `  ${c.key}: integer("${c.name}").references((): any => t${c.fk}.id),`
          : `  ${c.key}: ${type(c)},`,
    );
    lines.push(`export const t${t.i} = pgTable("t${t.i}", {`, ...cols, `});`);
  }
  for (const t of tables) {
    const fks = t.cols.filter((c) => c.fk !== undefined);
    if (!fks.length) continue;
    lines.push(
      `export const t${t.i}Relations = relations(t${t.i}, ({ one }) => ({`,
      ...fks.map(
        (c) => `  t${c.fk}Ref: one(t${c.fk}, { fields: [t${t.i}.${c.key}], references: [t${c.fk}.id] }),`,
      ),
      `}));`,
    );
  }
  lines.push(`import * as schema from "./schema.js";`, `declare const db: NodePgDatabase<typeof schema>;`);
  const q = queries(tables).map(({ q, a, b, fk }) =>
    [
      `export async function q${q}(): Promise<number> {`,
      `  const rows = await db`,
      `    .select({ id: t${a.i}.id, c1: t${a.i}.c1, bId: t${b.i}.id, bC2: t${b.i}.c2 })`,
      `    .from(t${a.i})`,
      `    .innerJoin(t${b.i}, eq(t${a.i}.${fk.key}, t${b.i}.id))`,
      `    .where(and(gt(t${a.i}.c1, ${q}), eq(t${b.i}.c2, "x")));`,
      `  const r = rows[0]!;`,
      `  const id: number = r.id;`,
      `  const c1: number | null = r.c1;`,
      `  const s: string | null = r.bC2;`,
      `  return id + (c1 ?? 0) + r.bId + (s?.length ?? 0);`,
      `}`,
    ].join("\n"),
  );
  // Schema and queries in two files, as an app would have them (the queries import the schema).
  return (
    lines.slice(0, lines.length - 2).join("\n") +
    "\n\u0000" +
    [
      `import { and, eq, gt } from "drizzle-orm";`,
      `import type { NodePgDatabase } from "drizzle-orm/node-postgres";`,
      `import * as schema from "./schema.js";`,
      `import { ${tables.map((t) => `t${t.i}`).join(", ")} } from "./schema.js";`,
      `declare const db: NodePgDatabase<typeof schema>;`,
      ...q,
    ].join("\n") +
    "\n"
  );
}

function kysely(tables: Tbl[]): string {
  const type = (c: Col) =>
    c.kind === "int"
      ? "number | null"
      : c.kind === "string"
        ? "string | null"
        : c.kind === "bool"
          ? "boolean | null"
          : "Date | null";
  const lines = [`import type { Generated, Kysely } from "kysely";`];
  for (const t of tables) {
    lines.push(
      `export interface T${t.i}Table {`,
      ...t.cols.map((c) => (c.key === "id" ? `  id: Generated<number>;` : `  ${c.name}: ${type(c)};`)),
      `}`,
    );
  }
  lines.push(
    `export interface DB {`,
    ...tables.map((t) => `  t${t.i}: T${t.i}Table;`),
    `}`,
    `declare const db: Kysely<DB>;`,
  );
  for (const { q, a, b, fk } of queries(tables)) {
    lines.push(
      `export async function q${q}(): Promise<number> {`,
      `  const rows = await db`,
      `    .selectFrom("t${a.i} as a")`,
      `    .innerJoin("t${b.i} as b", "b.id", "a.${fk.name}")`,
      `    .select(["a.id", "a.c1", "b.id as bId", "b.c2 as bC2"])`,
      `    .where("a.c1", ">", ${q})`,
      `    .where("b.c2", "=", "x")`,
      `    .execute();`,
      `  const r = rows[0]!;`,
      `  const id: number = r.id;`,
      `  const c1: number | null = r.c1;`,
      `  const s: string | null = r.bC2;`,
      `  return id + (c1 ?? 0) + r.bId + (s?.length ?? 0);`,
      `}`,
    );
  }
  return lines.join("\n") + "\n";
}

export interface T1Project {
  library: string;
  dir: string;
}

/** Writes the four projects under `root`; `athanorTypes` is the directory of Athanor's emitted .d.ts. */
export function writeProjects(root: string, athanorTypes: string): T1Project[] {
  const tables = schema();
  rmSync(root, { recursive: true, force: true });
  const projects: T1Project[] = [];
  const tsconfig = (paths: Record<string, string[]>) =>
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023", "ESNext.Disposable"],
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          noEmit: true,
          types: [],
          typeRoots: [],
          baseUrl: ".",
          paths,
        },
        include: ["*.ts"],
      },
      null,
      2,
    );
  const write = (library: string, files: Record<string, string>, paths: Record<string, string[]>) => {
    const dir = path.join(root, library);
    mkdirSync(dir, { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(path.join(dir, f), text);
    writeFileSync(path.join(dir, "tsconfig.json"), tsconfig(paths));
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    projects.push({ library, dir });
  };
  const athanorPaths = {
    athanor: [path.join(athanorTypes, "index.d.ts")],
    "athanor/orm": [path.join(athanorTypes, "orm", "index.d.ts")],
  };
  write("athanor-core", { "schema.ts": athanor(tables) }, athanorPaths);
  write("athanor-orm", { "models.ts": athanorOrm(tables) }, athanorPaths);
  const [dSchema, dQueries] = drizzle(tables).split("\u0000");
  // Drizzle and Kysely resolve from bench/node_modules (the projects live under bench/.data).
  write("drizzle", { "schema.ts": dSchema!, "queries.ts": dQueries! }, {});
  write("kysely", { "schema.ts": kysely(tables) }, {});
  return projects;
}
