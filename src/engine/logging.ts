/**
 * Engine logging (SQLAlchemy: `echo=True` and the `sqlalchemy.engine` logger). With `echo`,
 * each statement and its parameters are logged, plus BEGIN (implicit) / COMMIT / ROLLBACK.
 * Parameters are logged as sent; the URL password never is.
 */
import { formatParams } from "../dialects/base/errors.js";

/** Where engine messages go. `debug` receives result rows when `echo: "debug"`. */
export interface Logger {
  info(message: string): void;
  debug?(message: string): void;
}

/** Prints to the console with an `athanor.engine` prefix. */
export const consoleLogger: Logger = {
  info(message: string): void {
    console.log("athanor.engine " + message);
  },
  debug(message: string): void {
    console.log("athanor.engine " + message);
  },
};

export type EchoSetting = boolean | "debug";

/** The engine's log switch and sink; cheap to test on the hot path (`enabled`). @internal */
export class EngineLog {
  readonly enabled: boolean;
  readonly debugRows: boolean;
  constructor(
    echo: EchoSetting,
    readonly logger: Logger,
  ) {
    this.enabled = echo === true || echo === "debug";
    this.debugRows = echo === "debug";
  }
  info(message: string): void {
    if (this.enabled) this.logger.info(message);
  }
  /** Logs a statement and its parameters, as SQLAlchemy: the SQL, then `[cached] (params)`. */
  statement(
    sql: string,
    params: readonly unknown[] | readonly (readonly unknown[])[],
    cached: boolean,
    many: boolean,
    note?: string,
  ): void {
    if (!this.enabled) return;
    this.logger.info(sql);
    const tag = cached ? "[cached]" : "[generated]";
    this.logger.info(
      `${tag}${many ? " [executemany]" : ""}${note ? " " + note : ""} ${formatParams(params)}`,
    );
  }
  rows(keys: readonly string[], rows: readonly (readonly unknown[])[]): void {
    if (!this.debugRows) return;
    const sink = (m: string) => (this.logger.debug ? this.logger.debug(m) : this.logger.info(m));
    sink("Col " + formatParams(keys as unknown[]));
    for (const r of rows) sink("Row " + formatParams(r as unknown[]));
  }
}
