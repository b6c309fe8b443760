/** Maps mysql2 errors to Athanor's DBAPIError hierarchy. (Stub: owned by the engine work.) */
import { DBAPIError } from "../../util/errors.js";

export function translateError(err: unknown, statement: string | null, params: unknown): DBAPIError {
  return new DBAPIError(String((err as Error)?.message ?? err), { orig: err, statement, params });
}
export function isDisconnect(_err: unknown): boolean {
  return false;
}
