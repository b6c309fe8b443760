/**
 * Pool logging (SQLAlchemy: `echo_pool` and the `sqlalchemy.pool` logger). `echoPool: true`
 * logs what changes the pool (invalidations, recycling, disposal); `"debug"` adds every
 * connect, checkout, checkin, reset and close. Messages go to the engine's logger, prefixed `[pool]`.
 */
import type { EchoSetting, Logger } from "../logging.js";

export class PoolLog {
  readonly infoEnabled: boolean;
  readonly debugEnabled: boolean;
  constructor(
    echo: EchoSetting,
    private readonly logger: Logger | null,
  ) {
    this.infoEnabled = logger !== null && (echo === true || echo === "debug");
    this.debugEnabled = logger !== null && echo === "debug";
  }
  info(message: string): void {
    if (this.infoEnabled) this.logger!.info("[pool] " + message);
  }
  debug(message: string): void {
    if (!this.debugEnabled) return;
    const l = this.logger!;
    if (l.debug) l.debug("[pool] " + message);
    else l.info("[pool] " + message);
  }
}

/** The reason part of an invalidation message: `OperationalError: server closed the connection`. */
export function describeReason(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message.split("\n")[0]}`;
  return String(err);
}
