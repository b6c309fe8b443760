/** Kysely: a query builder only (no entities, no unit of work); rows are plain objects. */
import Database from "better-sqlite3";
import pg from "pg";
import { createPool } from "mysql2";
import {
  Kysely,
  MysqlDialect,
  ParseJSONResultsPlugin,
  PostgresDialect,
  SqliteDialect,
  type KyselyPlugin,
} from "kysely";
import * as pgHelpers from "kysely/helpers/postgres";
import * as sqliteHelpers from "kysely/helpers/sqlite";
import { SQLITE_PRAGMAS, type Sizes, type Target } from "../config.js";
import {
  addCustomer,
  checksumOfGraph,
  emptyCustomerChecksum,
  type CustomerChecksum,
  type NewCustomer,
} from "../dataset.js";
import type { Adapter, CompileMode, InsertResult } from "../adapter.js";
import { w6Values } from "../adapter.js";
import { stitchGraph, unique } from "./stitch.js";

export class KyselyAdapter implements Adapter {
  readonly id = "kysely";
  readonly packages = ["kysely"];
  readonly how = {
    W1: "one transaction; insertInto(customer).values(1 000 objects).returning('id') per chunk (MariaDB: insertId of each chunk)",
    W2r: "selectFrom(customer).selectAll().execute()",
    W3: "selectFrom(customer).selectAll().where('id', '=', id).executeTakeFirstOrThrow() per lookup",
    W4: "one query with the jsonObjectFrom/jsonArrayFrom helpers (PostgreSQL, SQLite); MariaDB rejects their correlated derived tables: 4 select-in queries there",
    W5: "one transaction: select, then updateTable(customer).set({ score }).where('id', '=', id) per object",
    W6: "build selectFrom().innerJoin()×3.where(and([…])), then .compile()",
    W6b: "build the select only",
  };
  readonly missing = {
    W2e: "no entity layer (rows only: W2r)",
    W6c: "no compiled-statement cache",
  };
  private kind: Target["kind"] = "sqlite";
  private db!: Kysely<any>;

  async open(t: Target, _s: Sizes): Promise<void> {
    this.kind = t.kind;
    const plugins: KyselyPlugin[] = [];
    if (t.kind === "sqlite") {
      const database = new Database(t.file);
      for (const p of SQLITE_PRAGMAS) database.exec(p);
      this.db = new Kysely<any>({
        dialect: new SqliteDialect({ database }),
        plugins: [new ParseJSONResultsPlugin()],
      });
    } else if (t.kind === "postgresql") {
      const pool = new pg.Pool({
        host: t.host,
        port: t.port,
        user: t.user,
        password: t.password,
        database: t.database,
        max: 1,
      });
      this.db = new Kysely<any>({ dialect: new PostgresDialect({ pool }), plugins });
    } else {
      const pool = createPool({
        host: t.host,
        port: t.port,
        user: t.user,
        password: t.password,
        database: t.database,
        connectionLimit: 1,
      });
      this.db = new Kysely<any>({ dialect: new MysqlDialect({ pool }), plugins });
    }
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  async w1(objects: readonly NewCustomer[]): Promise<InsertResult> {
    let sumId = 0;
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < objects.length; i += 1000) {
        const chunk = objects.slice(i, i + 1000) as NewCustomer[];
        if (this.kind === "mariadb") {
          const r = await trx.insertInto("bench_customer").values(chunk).executeTakeFirstOrThrow();
          const first = Number(r.insertId);
          for (let k = 0; k < chunk.length; k++) sumId += first + k;
        } else {
          for (const row of await trx.insertInto("bench_customer").values(chunk).returning("id").execute())
            sumId += row.id;
        }
      }
    });
    return { count: objects.length, sumId };
  }

  async w2r(): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const r of await this.db.selectFrom("bench_customer").selectAll().execute())
      addCustomer(c, r as any);
    return c;
  }

  async w3(ids: readonly number[]): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    for (const id of ids)
      addCustomer(
        c,
        (await this.db
          .selectFrom("bench_customer")
          .selectAll()
          .where("id", "=", id)
          .executeTakeFirstOrThrow()) as any,
      );
    return c;
  }

  async w4() {
    const db = this.db;
    if (this.kind === "mariadb") {
      const orders = await db.selectFrom("bench_order").selectAll().execute();
      const customers = await db
        .selectFrom("bench_customer")
        .selectAll()
        .where("id", "in", unique(orders.map((o) => o.customer_id)))
        .execute();
      const items = await db
        .selectFrom("bench_order_item")
        .selectAll()
        .where(
          "order_id",
          "in",
          orders.map((o) => o.id),
        )
        .execute();
      const products = await db
        .selectFrom("bench_product")
        .selectAll()
        .where("id", "in", unique(items.map((i) => i.product_id)))
        .execute();
      return checksumOfGraph(
        stitchGraph(orders, customers, items, products, {
          customerId: "customer_id",
          orderId: "order_id",
          productId: "product_id",
        }),
      );
    }
    const h = this.kind === "postgresql" ? pgHelpers : sqliteHelpers;
    const orders = await db
      .selectFrom("bench_order as o")
      .select((eb) => [
        "o.id",
        "o.customer_id",
        "o.status",
        "o.total",
        h
          .jsonObjectFrom(
            eb
              .selectFrom("bench_customer as c")
              .select(["c.id", "c.name", "c.description", "c.score"])
              .whereRef("c.id", "=", "o.customer_id"),
          )
          .as("customer"),
        h
          .jsonArrayFrom(
            eb
              .selectFrom("bench_order_item as i")
              .select((eb2) => [
                "i.id",
                "i.order_id",
                "i.product_id",
                "i.quantity",
                "i.unit_price",
                h
                  .jsonObjectFrom(
                    eb2
                      .selectFrom("bench_product as p")
                      .select(["p.id", "p.name", "p.price"])
                      .whereRef("p.id", "=", "i.product_id"),
                  )
                  .as("product"),
              ])
              .whereRef("i.order_id", "=", "o.id"),
          )
          .as("items"),
      ])
      .execute();
    return checksumOfGraph(orders as any);
  }

  async w5(n: number, newScore: (id: number) => number): Promise<CustomerChecksum> {
    const c = emptyCustomerChecksum();
    await this.db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom("bench_customer").selectAll().where("id", "<=", n).execute();
      for (const r of rows) addCustomer(c, r as any);
      for (const r of rows)
        await trx
          .updateTable("bench_customer")
          .set({ score: newScore(r.id) })
          .where("id", "=", r.id)
          .execute();
    });
    return c;
  }

  w6(n: number, mode: CompileMode): number {
    let len = 0;
    for (let i = 0; i < n; i++) {
      const v = w6Values(i);
      const q = this.db
        .selectFrom("bench_order as o")
        .innerJoin("bench_customer as c", "c.id", "o.customer_id")
        .innerJoin("bench_order_item as i", "i.order_id", "o.id")
        .innerJoin("bench_product as p", "p.id", "i.product_id")
        .select([
          "c.id",
          "c.name",
          "o.id as order_id",
          "o.total",
          "i.quantity",
          "p.name as product_name",
          "p.price",
        ])
        .where((eb) =>
          eb.and([
            eb("c.score", ">", v.scoreMin),
            eb("c.score", "<", v.scoreMax),
            eb("o.status", "=", v.status),
            eb("o.total", ">=", v.totalMin),
            eb("o.total", "<=", v.totalMax),
            eb("i.quantity", ">=", v.qtyMin),
            eb("i.quantity", "<=", v.qtyMax),
            eb("p.price", ">", v.priceMin),
            eb("p.name", "<>", v.productName),
            eb("c.name", "like", v.namePattern),
          ]),
        )
        .orderBy("o.id");
      if (mode !== "build") len += q.compile().sql.length;
    }
    return len;
  }
}
