/**
 * What is known about each kind of missed target: the cause the profiles and side-by-side
 * measurements found, written once here and printed under the report's target lines for the
 * misses of a run (the issue asks that a miss say by how much and what the profile shows).
 * A miss no note covers is listed under the fallback note. Keep these to measured facts.
 */

/** A target line as report.ts makes it (see `TargetLine.key` there for the key format). */
interface MissedLine {
  readonly text: string;
  readonly key: string;
}

const NOTES: readonly { readonly match: RegExp; readonly note: string }[] = [
  {
    match: /^(ratio:mariadb:athanor-(core|orm):W3|peer:mariadb:W3|sqlalchemy:mariadb:W3(:floor)?)$/,
    note:
      "MariaDB W3: at the server's default REPEATABLE READ the lookup's SELECT begins a transaction on the server and " +
      "the ROLLBACK at close ends it (as in SQLAlchemy): two round trips where the raw driver and the peers, reading in " +
      "autocommit, make one, and with one connection per library the next lookup waits for that ROLLBACK. Measured side " +
      "by side on this machine (2026-11-22, 2 000 lookups): raw 333 ms, Athanor Core 508 ms (1.52×), Athanor Core with " +
      '`isolationLevel: "READ COMMITTED"` 327 ms (0.98×), where a lone plain read runs before BEGIN and needs no ' +
      "ROLLBACK. Reading outside the transaction at REPEATABLE READ would give its statements different snapshots.",
  },
  {
    match: /^ratio:sqlite:athanor-(core|orm):W3$|^peer:sqlite:W3$/,
    note:
      "SQLite W3: a Connection's reads run in a transaction (BEGIN … ROLLBACK: about 0.9 µs of native calls per " +
      "lookup, where the raw driver's whole lookup is ~4.5 µs); the JavaScript around it is ~0.6 µs (Core). Repeated " +
      "runs of the same build give Core 1.14–1.25×, ORM 1.08–1.30×, Drizzle 1.09–1.18×.",
  },
  {
    match: /^w6:/,
    note:
      "W6: a hit walks the freshly built statement (~70 key tokens: 7 columns, 3 joins, 10 conditions) down the " +
      "cached keys' tree and keeps the statement's parameters: about 8 800 instructions (valgrind, from 12 800 at the " +
      "start of session 5), ~1 µs, against a compile of ~14 µs. Under 5 % needs a hit of ~0.65 µs.",
  },
  {
    match: /^sqlalchemy:[a-z]+:W[0-9][a-z]?:floor$/,
    note:
      "SQLAlchemy 5×: out of reach where the raw driver itself is under 5× faster than SQLAlchemy (the workload is " +
      "bound by the database's round trips, which no client library removes).",
  },
  {
    match: /^t1:/,
    note:
      "T1: Athanor ORM's check is within run-to-run noise of Kysely's (they swap places between runs: 2.16 s vs " +
      "2.08 s and 2.00 vs 2.15 s in two runs on 2026-11-22); `tsc --generateTrace` shows the first `Base.model(…)` call (~220 ms, resolving the ORM's " +
      "declaration types once) and the first typed query (~65 ms) as the largest single costs.",
  },
];

const FALLBACK =
  "No cause found beyond noise: on this shared 2-core machine the same workload moves by 15–50 % between runs " +
  "(see the runs' samples in results.json); profile with `npm run bench -- --cpu-prof`.";

/** The notes that explain `missed`, each with the lines it covers, in the notes' order. */
export function explainMisses(missed: readonly MissedLine[]): { note: string; lines: MissedLine[] }[] {
  const out = new Map<string, MissedLine[]>();
  for (const line of missed) {
    const note = NOTES.find((n) => n.match.test(line.key))?.note ?? FALLBACK;
    const list = out.get(note);
    if (list) list.push(line);
    else out.set(note, [line]);
  }
  const order = [...NOTES.map((n) => n.note), FALLBACK];
  return [...out]
    .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]))
    .map(([note, lines]) => ({ note, lines }));
}
