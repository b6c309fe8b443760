/**
 * The floor: the raw drivers, hand-written SQL, the same statements an ORM would send
 * (W1 uses the driver's best bulk path instead; W4 the same four queries as a select-in eager load).
 */
import Database from "better-sqlite3";
import pg from "pg";
import mysql from "mysql2/promise";
import { SQLITE_PRAGMAS, type Sizes, type Target } from "../config.js";
import {
  addCustomer,
  checksumOfGraph,
  emptyCustomerChecksum,
  type CustomerChecksum,
  type NewCustomer,
} from "../dataset.js";
import type { Adapter, InsertResult } from "../adapter.js";

type Row = Record<string, any>;

/** The three drivers behind one small async surface (placeholders written `?`, rewritten for pg). */
interface RawConn {
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
}

const pgSql = new Map<string, string>();
function toPg(sql: string): string {
  let out = pgSql.get(sql);
  if (out === undefined) {
    let n = 0;
    out = sql.replace(/\?/g, () => `$${++n}`);
    pgSql.set(sql, out);
  }
  return out;
}

function inList(n: number): string {
  return new Array(n).fill("?").join(", ");
}

export class RawAdapter implements Adapter {
  readonly id = "raw";
  readonly packages = ["better-sqlite3", "pg", "mysql2"];
  readonly how = {
    W1: "one transaction; SQLite: a prepared INSERT run per row; PostgreSQL/MariaDB: multi-row INSERT … VALUES, 1 000 rows a statement",
    W2e: "SELECT of every row, the driver's row objects (no entity layer: the same as W2r)",
    W3: "one parameterized SELECT … WHERE id = ? per lookup (SQLite: one prepared statement reused)",
    W4: "4 queries, select-in style: orders; customers, items, products by IN lists; stitched in JS",
    W5: "one transaction: SELECT, then one UPDATE … SET score = ? WHERE id = ? per object",
  };
  readonly missing = {
    W6: "the raw driver takes SQL text: nothing to build or compile",
    W6c: "the raw driver takes SQL text: nothing to build or compile",
  };
  private kind: Target["kind"] = "sqlite";
  private db: Database.Database | null = null;
  private pg: pg.Client | null = null;
  private my: mysql.Connection | null = null;
  private conn!: RawConn;

  async open(t: Target, _s: Sizes): Promise<void> {
    this.kind = t.kind;
    if (t.kind === "sqlite") {
      const db = (this.db = new Database(t.file));
      for (const p of SQLITE_PRAGMAS) db.exec(p);
      const stmts = new Map<string, Database.Statement>();
      const prep = (sql: string) => {
        let s = stmts.get(sql);
        if (!s) stmts.set(sql, (s = db.prepare(sql)));
        return s;
      };
      this.conn = {
        query: async (sql, params = []) => prep(sql).all(...params) as Row[],
        run: async (sql, params = []) => void prep(sql).run(...params),
        begin: async () => void db.exec("BEGIN"),
        commit: async () => void db.exec("COMMIT"),
      };
    } else if (t.kind === "postgresql") {
      const c = (this.pg = new pg.Client({
        host: t.host,
        port: t.port,
        user: t.user,
        password: t.password,
        database: t.database,
      }));
      await c.connect();
      this.conn = {
        query: async (sql, params = []) => (await c.query(toPg(sql), params)).rows,
        run: async (sql, params = []) => void (await c.query(toPg(sql), params)),
        begin: async () => void (await c.query("BEGIN")),
        commit: async () => void (await c.query("COMMIT")),
      };
    } else {
      const c = (this.my = await mysql.createConnection({
        host: t.host,
        port: t.port,
        user: t.user,
        password: t.password,
        database: t.database,
      }));
      this.conn = {
        // query(): values escaped into the text by mysql2 (its default path; Athanor and most peers use it too).
        query: async (sql, params = []) => (await c.query(sql, params))[0] as Row[],
        run: async (sql, params = []) => void (await c.query(sql, params)),
        begin: async () => void (await c.query("BEGIN")),
        commit: async () => void (await c.query("COMMIT")),
      };
    }
  }

  async close(): Promise<void> {
    this.db?.close();
    await this.pg?.end();
    await this.my?.end();
  }

  async w1(objects: readonly NewCustomer[]): Promise<InsertResult> {
    if (this.db) {
      const st = this.db.prepare("INSERT INTO bench_customer (name, description, score) VALUES (?, ?, ?)");
      let sumId = 0;
      this.db.transaction(() => {
        for (const o of objects) sumId += Number(st.run(o.name, o.description, o.score).lastInsertRowid);
      })();
      return { count: objects.length, sumId };
    }
    const batch = 1000;
    let sumId = 0;
    await this.conn.begin();
    for (let i = 0; i < objects.length; i += batch) {
      const chunk = objects.slice(i, i + batch);
      const params: unknown[] = new Array(chunk.length * 3);
      const tuples: string[] = new Array(chunk.length);
      for (let j = 0; j < chunk.length; j++) {
        const o = chunk[j]!;
        params[j * 3] = o.name;
        params[j * 3 + 1] = o.description;
        params[j * 3 + 2] = o.score;
        tuples[j] = this.pg ? `($${j * 3 + 1}, $${j * 3 + 2}, $${j * 3 + 3})` : "(?, ?, ?)";
      }
      const sql = `INSERT INTO bench_customer (name, description, score) VALUES ${tuples.join(", ")}`;
      if (this.pg) {
        const r = await this.pg.query(sql + " RETURNING id", params);
        for (const row of r.rows) sumId += row.id;
      } else {
        // MariaDB: consecutive ids from the first one (innodb_autoinc_lock_mode ≥ 1, one statement).
        const [res] = (await this.my!.query(sql, params)) as unknown as [
          { insertId: number; affectedRows: number },
        ];
        for (let k = 0; k < res.affectedRows; k++) sumId += res.insertId + k;
      }
    }
    await this.conn.commit();
    return { count: objects.length, sumId };
  }

  async w2e(): Promise<CustomerChecksum> {
    return this.w2r();
  }

  async w2r(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const r of await this.conn.query("SELECT id, name, description, score FROM bench_customer"))
      addCustomer(c, r as any);
    return c;
  }

  async w3(ids: readonly number[]): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const id of ids) {
      const rows = await this.conn.query(
        "SELECT id, name, description, score FROM bench_customer WHERE id = ?",
        [id],
      );
      addCustomer(c, rows[0] as any);
    }
    return c;
  }

  async w4() {
    const q = this.conn;
    const orders = await q.query("SELECT id, customer_id, status, total FROM bench_order");
    const customerIds = [...new Set(orders.map((o) => o.customer_id))];
    const customers = await q.query(
      `SELECT id, name, description, score FROM bench_customer WHERE id IN (${inList(customerIds.length)})`,
      customerIds,
    );
    const orderIds = orders.map((o) => o.id);
    const items = await q.query(
      `SELECT id, order_id, product_id, quantity, unit_price FROM bench_order_item WHERE order_id IN (${inList(orderIds.length)})`,
      orderIds,
    );
    const productIds = [...new Set(items.map((i) => i.product_id))];
    const products = await q.query(
      `SELECT id, name, price FROM bench_product WHERE id IN (${inList(productIds.length)})`,
      productIds,
    );
    const customerById = new Map(customers.map((c) => [c.id, c]));
    const productById = new Map(products.map((p) => [p.id, p]));
    const byOrder = new Map<number, Row>();
    for (const o of orders) {
      o.customer = customerById.get(o.customer_id);
      o.items = [];
      byOrder.set(o.id, o);
    }
    for (const it of items) {
      it.product = productById.get(it.product_id);
      byOrder.get(it.order_id)!.items.push(it);
    }
    return checksumOfGraph(orders as any);
  }

  async w5(n: number, newScore: (id: number) => number): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    await this.conn.begin();
    const rows = await this.conn.query(
      "SELECT id, name, description, score FROM bench_customer WHERE id <= ?",
      [n],
    );
    for (const r of rows) addCustomer(c, r as any);
    for (const r of rows)
      await this.conn.run("UPDATE bench_customer SET score = ? WHERE id = ?", [newScore(r.id), r.id]);
    await this.conn.commit();
    return c;
  }
}
