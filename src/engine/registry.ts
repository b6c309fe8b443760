/**
 * The dialects the engine knows, by URL backend name (SQLAlchemy: the `dialects` plugin
 * registry). The engine never imports a concrete dialect: the package root registers them.
 */
import type { Dialect } from "../dialects/base/dialect.js";
import { ArgumentError } from "../util/errors.js";
import type { URL } from "./url.js";

/** Creates a dialect instance for a URL (one per engine: dialects hold per-server state). */
export type DialectFactory = (url: URL) => Dialect;

interface Registration {
  readonly factory: DialectFactory;
  /** Driver names accepted after `+` in the URL; the first is the default. */
  readonly drivers: readonly string[];
}

const registry = new Map<string, Registration>();

/**
 * Registers a dialect under a URL backend name.
 * @example registerDialect("postgresql", () => new PostgresDialect(), { drivers: ["pg"] });
 */
export function registerDialect(
  name: string,
  factory: DialectFactory,
  options: { drivers?: readonly string[] } = {},
): void {
  registry.set(name.toLowerCase(), { factory, drivers: options.drivers ?? [] });
}

/** The names of the registered dialects. */
export function registeredDialects(): string[] {
  return [...registry.keys()];
}

/** Creates the dialect a URL names, or explains which names exist. */
export function dialectForUrl(url: URL): Dialect {
  const reg = registry.get(url.backend);
  if (!reg) {
    const known = registeredDialects();
    throw new ArgumentError(
      `Can't load the '${url.backend}' dialect for URL '${url}'. ` +
        (known.length
          ? `Known dialects: ${known.join(", ")}.`
          : "No dialects are registered; import createEngine from the 'athanor' package root, which registers them."),
      "ATH-DIALECT",
    );
  }
  const driver = url.driver;
  if (driver !== null && reg.drivers.length > 0 && !reg.drivers.includes(driver)) {
    throw new ArgumentError(
      `Unknown driver '${driver}' for the ${url.backend} dialect in URL '${url}'. Athanor's ${url.backend} dialect uses ` +
        `${reg.drivers.map((d) => `'${d}'`).join(" or ")}: write ${url.backend}://… or ${url.backend}+${reg.drivers[0]}://….`,
      "ATH-DIALECT",
    );
  }
  return reg.factory(url);
}
