/** better-sqlite3 behind the DriverConnection seam. (Stub: owned by the engine work.) */
import type { ConnectArgs, DriverConnection } from "../base/driver.js";
import type { IsolationLevel } from "../base/dialect.js";

export async function connect(_args: ConnectArgs): Promise<DriverConnection> {
  throw new Error("not implemented yet");
}
export async function setIsolationLevel(_conn: DriverConnection, _level: IsolationLevel): Promise<void> {
  throw new Error("not implemented yet");
}
export async function getIsolationLevel(_conn: DriverConnection): Promise<IsolationLevel> {
  throw new Error("not implemented yet");
}
export async function hasTable(_conn: DriverConnection, _name: string, _schema?: string | null): Promise<boolean> {
  throw new Error("not implemented yet");
}
