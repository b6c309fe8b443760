/**
 * The one interface every library implements. Each method does one workload the library's
 * best idiomatic way and returns a checksum of what it did (built from the objects it loaded,
 * or from the ids it got back), which the harness compares with the expected value: no adapter
 * can win by doing less. Data is set up by the harness, outside the timing.
 */
import type { Sizes, Target } from "./config.js";
import type { CustomerChecksum, GraphChecksum, NewCustomer } from "./dataset.js";

export type WorkloadId = "W1" | "W2e" | "W2r" | "W3" | "W4" | "W5" | "W6" | "W6c" | "W6b";

/** W6 modes: full build+compile; build + compiled-statement cache lookup; build only (the baseline). */
export type CompileMode = "compile" | "cached" | "build";

export interface InsertResult {
  /** Objects inserted. */
  count: number;
  /** Sum of the primary keys the library assigned to the objects (0 when it doesn't fetch them). */
  sumId: number;
}

export interface Adapter {
  /** Column name in the report. */
  readonly id: string;
  /** npm packages whose installed versions the report lists. */
  readonly packages: readonly string[];
  /** Why a workload is not implemented, shown in the report instead of a number. */
  readonly missing?: Partial<Record<WorkloadId, string>>;
  /** One line on how the library is used (best path), per workload; shown in the report. */
  readonly how?: Partial<Record<WorkloadId, string>>;

  open(target: Target, sizes: Sizes): Promise<void>;
  close(): Promise<void>;

  /** W1: insert these new objects and commit (ids assigned by the database). */
  w1?(objects: readonly NewCustomer[]): Promise<InsertResult>;
  /** W2 as entities (ORM objects) — every customer. */
  w2e?(): Promise<CustomerChecksum>;
  /** W2 as plain rows (Core / query builder) — every customer. */
  w2r?(): Promise<CustomerChecksum>;
  /** W3: one lookup by primary key per id, each in a fresh session / connection checkout. */
  w3?(ids: readonly number[]): Promise<CustomerChecksum>;
  /** W4: every order with its customer, its items and each item's product. */
  w4?(): Promise<GraphChecksum>;
  /** W5: load customers with id ≤ n, set `score = newScore(id)` on each, flush and commit. Returns the loaded checksum. */
  w5?(n: number, newScore: (id: number) => number): Promise<CustomerChecksum>;
  /**
   * W6: build (and, by mode, compile) the 3-join / 10-condition select `n` times, with values
   * varying per iteration. Returns the summed SQL length (0 in "build" mode) as a check.
   */
  w6?(n: number, mode: CompileMode): number | Promise<number>;
}

/** The W6 statement, described once so every adapter builds the same thing:
 *
 *   SELECT c.id, c.name, o.id, o.total, i.quantity, p.name, p.price
 *   FROM bench_order o
 *     JOIN bench_customer c ON c.id = o.customer_id
 *     JOIN bench_order_item i ON i.order_id = o.id
 *     JOIN bench_product p ON p.id = i.product_id
 *   WHERE c.score > :v1 AND c.score < :v2 AND o.status = :v3 AND o.total >= :v4 AND o.total <= :v5
 *     AND i.quantity >= :v6 AND i.quantity <= :v7 AND p.price > :v8 AND p.name <> :v9 AND c.name LIKE :v10
 *   ORDER BY o.id
 */
export function w6Values(i: number) {
  return {
    scoreMin: i % 100,
    scoreMax: 900 + (i % 50),
    status: i % 2 === 0 ? "open" : "shipped",
    totalMin: i % 10,
    totalMax: 990 - (i % 10),
    qtyMin: 1,
    qtyMax: 4 + (i % 2),
    priceMin: 100 + (i % 7),
    productName: `product ${i % 100}`,
    namePattern: `customer ${i % 10}%`,
  };
}

export function assertNever(x: never): never {
  throw new Error(`unexpected ${String(x)}`);
}
