/**
 * `sessionmaker` (SQLAlchemy: `orm/session.py` sessionmaker): a configured Session factory.
 *
 * @example
 * const SessionLocal = sessionmaker({ bind: engine, autoflush: false, expireOnCommit: false });
 * // session per request, closed at scope end:
 * await using db = SessionLocal();
 * // or a transaction: committed when the callback returns, rolled back when it throws, then closed
 * const order = await SessionLocal.begin(async (db) => new OrderRepository(db).createOrderWithItems(userId, items));
 */
import { SessionEvents } from "../events.js";
import { Session, type SessionOptions } from "./session.js";

export interface SessionMaker {
  /** A new Session; `overrides` replace some of the factory's options. */
  (overrides?: Partial<SessionOptions>): Session;
  /** Runs `fn` with a new Session in a transaction: commit on return, rollback on throw, then close. */
  begin<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /** Changes the options of Sessions made from now on (SQLAlchemy: `configure`). */
  configure(options: Partial<SessionOptions>): void;
  /** The options new Sessions get. */
  readonly options: Readonly<SessionOptions>;
  /** Listeners given to every Session this factory makes. */
  readonly events: SessionEvents;
}

/** A Session factory with fixed options (SQLAlchemy: `sessionmaker(bind=engine, …)`). */
export function sessionmaker(options: SessionOptions): SessionMaker {
  let current: SessionOptions = { ...options };
  const events = new SessionEvents();
  const make = ((overrides?: Partial<SessionOptions>) => {
    const s = new Session({ ...current, ...overrides });
    s._makerEvents = events;
    return s;
  }) as SessionMaker;
  Object.defineProperties(make, {
    options: { get: () => current },
    events: { value: events },
    configure: {
      value: (o: Partial<SessionOptions>) => {
        current = { ...current, ...o };
      },
    },
    begin: {
      value: async <T>(fn: (session: Session) => Promise<T>): Promise<T> => {
        const session = make();
        try {
          return await session.begin(fn);
        } finally {
          await session.close();
        }
      },
    },
  });
  return make;
}
