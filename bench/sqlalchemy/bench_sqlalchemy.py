"""SQLAlchemy's ORM (and Core for W2 rows / W6) on the benchmark's workloads, for comparison.

Run by bench/src/sqlalchemy.ts with Debian's python3-sqlalchemy (1.4) and its drivers
(sqlite3, psycopg2, pymysql): ``python3 bench_sqlalchemy.py '<json args>'``; prints one JSON line.
Same data set, same verification and the same run policy as the TypeScript harness.
"""
import gc
import json
import statistics
import sys
import time

import sqlalchemy
from sqlalchemy import (Column, ForeignKey, Integer, String, and_, bindparam, create_engine, event, func,
                        insert, select, text)
from sqlalchemy.orm import Session, declarative_base, joinedload, relationship, selectinload

Base = declarative_base()


class Customer(Base):
    __tablename__ = "bench_customer"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    description = Column(String(255), nullable=False)
    score = Column(Integer, nullable=False)


class Product(Base):
    __tablename__ = "bench_product"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    price = Column(Integer, nullable=False)


class Order(Base):
    __tablename__ = "bench_order"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("bench_customer.id"), nullable=False)
    status = Column(String(20), nullable=False)
    total = Column(Integer, nullable=False)
    customer = relationship(Customer)
    items = relationship("OrderItem", back_populates="order")


class OrderItem(Base):
    __tablename__ = "bench_order_item"
    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("bench_order.id"), nullable=False)
    product_id = Column(Integer, ForeignKey("bench_product.id"), nullable=False)
    quantity = Column(Integer, nullable=False)
    unit_price = Column(Integer, nullable=False)
    order = relationship(Order, back_populates="items")
    product = relationship(Product)


C, P, O, I = (m.__table__ for m in (Customer, Product, Order, OrderItem))

# ---- the data set (same formulas as bench/src/dataset.ts) ----
name_of = lambda i: "customer %d" % i
desc_of = lambda i: "Customer number %d, a description of moderate length for a benchmark row" % i
score_of = lambda i: (i * 37) % 1000
price_of = lambda p: 100 + ((p * 13) % 900)
updated_score = lambda i, run: 1000 + ((i * 7 + run * 11) % 100000)


def checksum(rows):
    c = dict(count=0, sumId=0, sumScore=0, sumNameLength=0, sumDescriptionLength=0)
    for r in rows:
        c["count"] += 1
        c["sumId"] += r.id
        c["sumScore"] += r.score
        c["sumNameLength"] += len(r.name)
        c["sumDescriptionLength"] += len(r.description)
    return c


class Row:
    def __init__(self, i, score=None):
        self.id, self.name, self.description = i, name_of(i), desc_of(i)
        self.score = score_of(i) if score is None else score


def expected(ids):
    return checksum(Row(i) for i in ids)


def graph_checksum(orders):
    c = dict(orders=0, items=0, sumCustomerId=0, sumCustomerNameLength=0, sumItemValue=0, sumProductNameLength=0)
    for o in orders:
        c["orders"] += 1
        c["sumCustomerId"] += o.customer.id
        c["sumCustomerNameLength"] += len(o.customer.name)
        for it in o.items:
            c["items"] += 1
            c["sumItemValue"] += it.quantity * it.product.price
            c["sumProductNameLength"] += len(it.product.name)
    return c


def expected_graph(s):
    class N:
        pass
    orders = []
    for o in range(1, s["orders"] + 1):
        cid = ((o - 1) % s["orderCustomers"]) + 1
        od = N(); od.customer = N(); od.customer.id = cid; od.customer.name = name_of(cid); od.items = []
        for k in range(s["itemsPerOrder"]):
            p = ((o * 7 + k * 13) % s["products"]) + 1
            it = N(); it.quantity = 1 + ((o + k) % 5); it.product = N(); it.product.name = "product %d" % p
            it.product.price = price_of(p); od.items.append(it)
        orders.append(od)
    return graph_checksum(orders)


class Bench:
    def __init__(self, a):
        self.a, self.s, self.kind = a, a["sizes"], a["kind"]
        self.engine = create_engine(a["url"], future=True)
        if self.kind == "sqlite":
            @event.listens_for(self.engine, "connect")
            def pragmas(dbapi_conn, _record):
                for p in a["pragmas"]:
                    dbapi_conn.execute(p)

    # ---- setup (untimed) ----
    def truncate(self):
        with self.engine.begin() as conn:
            tables = ["bench_order_item", "bench_order", "bench_product", "bench_customer"]
            if self.kind == "postgresql":
                conn.execute(text("TRUNCATE %s RESTART IDENTITY" % ", ".join(tables)))
            elif self.kind == "mariadb":
                conn.execute(text("SET FOREIGN_KEY_CHECKS = 0"))
                for t in tables:
                    conn.execute(text("TRUNCATE TABLE %s" % t))
                conn.execute(text("SET FOREIGN_KEY_CHECKS = 1"))
            else:
                for t in tables:
                    conn.execute(text("DELETE FROM %s" % t))

    def load(self):
        s = self.s
        self.truncate()
        with self.engine.begin() as conn:
            conn.execute(insert(C), [dict(id=i, name=name_of(i), description=desc_of(i), score=score_of(i)) for i in range(1, s["customers"] + 1)])
            conn.execute(insert(P), [dict(id=p, name="product %d" % p, price=price_of(p)) for p in range(1, s["products"] + 1)])
            conn.execute(insert(O), [dict(id=o, customer_id=((o - 1) % s["orderCustomers"]) + 1, status="shipped" if o % 3 == 0 else "open",
                                          total=(o * 31) % 1000) for o in range(1, s["orders"] + 1)])
            items = []
            for o in range(1, s["orders"] + 1):
                for k in range(s["itemsPerOrder"]):
                    p = ((o * 7 + k * 13) % s["products"]) + 1
                    items.append(dict(id=(o - 1) * s["itemsPerOrder"] + k + 1, order_id=o, product_id=p, quantity=1 + ((o + k) % 5), unit_price=price_of(p)))
            conn.execute(insert(I), items)
            if self.kind == "postgresql":
                for t in ("bench_customer", "bench_product", "bench_order", "bench_order_item"):
                    conn.execute(text("SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))" % (t, t)))

    def table_checksum(self, max_id=None):
        with self.engine.connect() as conn:
            q = select(C)
            if max_id is not None:
                q = q.where(C.c.id <= max_id)
            return checksum(conn.execute(q).all())

    # ---- workloads ----
    def w1(self, run):
        n = self.s["insert"]
        with Session(self.engine) as session:
            objs = [Customer(name=name_of(i), description=desc_of(i), score=score_of(i)) for i in range(1, n + 1)]
            session.add_all(objs)
            session.flush()
            ids = sum(o.id for o in objs)
            session.commit()
        assert ids == n * (n + 1) // 2, ("W1 ids", ids)
        same("W1 (table)", self.table_checksum(), expected(range(1, n + 1)))

    def w2e(self, run):
        with Session(self.engine) as session:
            same("W2e", checksum(session.execute(select(Customer)).scalars().all()), expected(range(1, self.s["customers"] + 1)))

    def w2r(self, run):
        with self.engine.connect() as conn:
            same("W2r", checksum(conn.execute(select(C)).all()), expected(range(1, self.s["customers"] + 1)))

    def w3(self, run):
        ids = [((i * 7919) % self.s["customers"]) + 1 for i in range(self.s["lookups"])]
        got = []
        for i in ids:
            with Session(self.engine) as session:
                got.append(session.get(Customer, i))
        same("W3", checksum(got), expected(ids))

    def w4(self, run):
        with Session(self.engine) as session:
            orders = session.execute(select(Order).options(
                joinedload(Order.customer), selectinload(Order.items).joinedload(OrderItem.product))).unique().scalars().all()
            same("W4", graph_checksum(orders), expected_graph(self.s))

    def w5(self, run):
        n = self.s["updates"]
        with Session(self.engine) as session:
            rows = session.execute(select(Customer).where(Customer.id <= n)).scalars().all()
            loaded = checksum(rows)
            for r in rows:
                r.score = updated_score(r.id, run)
            session.commit()
        want = expected(range(1, n + 1))
        for k in ("count", "sumId", "sumNameLength"):
            assert loaded[k] == want[k], ("W5 loaded", k)
        want["sumScore"] = sum(updated_score(i, run) for i in range(1, n + 1))
        same("W5 (table)", self.table_checksum(n), want)

    def w6_statement(self, i):
        v = w6_values(i)
        return (select(C.c.id, C.c.name, O.c.id.label("order_id"), O.c.total, I.c.quantity, P.c.name.label("product_name"), P.c.price)
                .select_from(O).join(C, C.c.id == O.c.customer_id).join(I, I.c.order_id == O.c.id).join(P, P.c.id == I.c.product_id)
                .where(and_(C.c.score > v[0], C.c.score < v[1], O.c.status == v[2], O.c.total >= v[3], O.c.total <= v[4],
                            I.c.quantity >= v[5], I.c.quantity <= v[6], P.c.price > v[7], P.c.name != v[8], C.c.name.like(v[9])))
                .order_by(O.c.id))

    def w6(self, run):
        d = self.engine.dialect
        n = sum(len(str(self.w6_statement(i).compile(dialect=d))) for i in range(self.s["compiles"]))
        assert n > self.s["compiles"] * 100

    def w6b(self, run):
        for i in range(self.s["compiles"]):
            self.w6_statement(i)


def w6_values(i):
    return (i % 100, 900 + (i % 50), "open" if i % 2 == 0 else "shipped", i % 10, 990 - (i % 10), 1, 4 + (i % 2),
            100 + (i % 7), "product %d" % (i % 100), "customer %d%%" % (i % 10))


def same(what, got, want):
    for k, v in want.items():
        if got.get(k) != v:
            raise AssertionError("%s: %s is %s, expected %s" % (what, k, got.get(k), v))


def main():
    a = json.loads(sys.argv[1])
    b = Bench(a)
    b.load()
    state = {"loaded": True}
    results = {}
    for w in a["workloads"]:
        fn = getattr(b, w.lower())
        samples = []
        try:
            runs = a["runs"]
            r = 0
            warm_until = None  # the warm-up ends after a["warmup"] runs and a["warmupMs"] ms, as in bench/src/child.ts
            warmed = 0.0
            while warm_until is None or r < warm_until + runs:
                if w == "W1":
                    b.truncate()
                    state["loaded"] = False
                elif w != "W6" and w != "W6b" and not state["loaded"] and not (w == "W5" and r > 0):
                    b.load()
                    state["loaded"] = True
                gc.collect()
                t0 = time.perf_counter()
                fn(r)
                dt = (time.perf_counter() - t0) * 1000
                if warm_until is None:
                    warmed += dt
                    if r + 1 >= a["warmup"] and (warmed >= a.get("warmupMs", 0) or r + 1 >= 200):
                        warm_until = r + 1
                        runs = max(a["minRuns"], min(a["runs"], int(a["budgetMs"] / max(dt, 1e-3))))
                else:
                    samples.append(dt)
                r += 1
            if w == "W5":
                state["loaded"] = False
            results[w] = dict(status="ok", samples=samples, median=statistics.median(samples), min=min(samples))
        except Exception as e:  # noqa: BLE001 - reported, not hidden
            results[w] = dict(status="failed", note="%s: %s" % (type(e).__name__, e))
            state["loaded"] = False
        sys.stderr.write("  %s sqlalchemy %s: %s\n" % (a["kind"], w, ("%.1f ms" % results[w]["median"]) if results[w]["status"] == "ok" else results[w]["note"]))
    print(json.dumps(dict(version=sqlalchemy.__version__, workloads=results)))


if __name__ == "__main__":
    main()
