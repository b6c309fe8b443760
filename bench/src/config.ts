/**
 * Where the benchmark runs and how big each workload is. Databases: `test_bench` on the local
 * PostgreSQL and MariaDB, and a SQLite file under bench/.data/ (override the URLs with
 * BENCH_PG_URL, BENCH_MYSQL_URL, BENCH_SQLITE_FILE).
 */
import { fileURLToPath } from "node:url";
import path from "node:path";

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ROOT_DIR = path.resolve(BENCH_DIR, "..");
export const DATA_DIR = path.join(BENCH_DIR, ".data");
export const RESULTS_DIR = path.join(BENCH_DIR, "results");

export type DbKind = "sqlite" | "postgresql" | "mariadb";
export const DB_KINDS: readonly DbKind[] = ["sqlite", "postgresql", "mariadb"];

export interface Target {
  readonly kind: DbKind;
  /** Athanor-style URL (also what the peers are configured from). */
  readonly url: string;
  /** SQLite: the database file. */
  readonly file: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export function targetFor(kind: DbKind): Target {
  if (kind === "sqlite") {
    const file = process.env.BENCH_SQLITE_FILE ?? path.join(DATA_DIR, "bench.db");
    return { kind, url: `sqlite:///${file}`, file, host: "", port: 0, user: "", password: "", database: "" };
  }
  const raw =
    kind === "postgresql"
      ? (process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/test_bench")
      : (process.env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306/test_bench");
  const u = new URL(raw);
  return {
    kind,
    url: raw,
    file: "",
    host: u.hostname,
    port: Number(u.port || (kind === "postgresql" ? 5432 : 3306)),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ""),
  };
}

/** Workload sizes (the defaults); `--scale` multiplies the row counts, `--smoke` makes them tiny. */
export interface Sizes {
  /** W1: objects inserted. */
  readonly insert: number;
  /** Rows in the customer table for W2 (all loaded), W3 and W5. */
  readonly customers: number;
  /** W3: primary-key lookups, each in a fresh session. */
  readonly lookups: number;
  /** W4 graph. */
  readonly orders: number;
  readonly itemsPerOrder: number;
  readonly products: number;
  /** Customers the W4 orders belong to (ids 1..n). */
  readonly orderCustomers: number;
  /** W5: objects loaded, changed and flushed. */
  readonly updates: number;
  /** W6: statements built and compiled. */
  readonly compiles: number;
}

export const DEFAULT_SIZES: Sizes = {
  insert: 20_000,
  customers: 20_000,
  lookups: 2_000,
  orders: 500,
  itemsPerOrder: 4,
  products: 100,
  orderCustomers: 50,
  updates: 5_000,
  compiles: 10_000,
};

export const SMOKE_SIZES: Sizes = {
  insert: 50,
  customers: 60,
  lookups: 10,
  orders: 8,
  itemsPerOrder: 4,
  products: 5,
  orderCustomers: 3,
  updates: 20,
  compiles: 20,
};

export function scaled(s: Sizes, f: number): Sizes {
  if (f === 1) return s;
  const n = (x: number) => Math.max(1, Math.round(x * f));
  return {
    ...s,
    insert: n(s.insert),
    customers: n(s.customers),
    lookups: n(s.lookups),
    orders: n(s.orders),
    updates: Math.min(n(s.updates), n(s.customers)),
    compiles: n(s.compiles),
  };
}

/** The same SQLite settings for every library (journal_mode is a property of the file; set once). */
export const SQLITE_PRAGMAS = ["PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = ON"] as const;
