/** Every adapter, loaded lazily so a library that fails to load only fails its own column. */
import type { Adapter } from "../adapter.js";

export const LIBRARIES = [
  "raw",
  "athanor-core",
  "athanor-orm",
  "drizzle",
  "kysely",
  "typeorm",
  "mikroorm",
  "sequelize",
  "prisma",
] as const;
export type LibraryId = (typeof LIBRARIES)[number];

export async function loadAdapter(id: LibraryId): Promise<Adapter> {
  switch (id) {
    case "raw":
      return new (await import("./raw.js")).RawAdapter();
    case "athanor-core":
      return new (await import("./athanor-core.js")).AthanorCoreAdapter();
    case "athanor-orm":
      return new (await import("./athanor-orm.js")).AthanorOrmAdapter();
    case "drizzle":
      return new (await import("./drizzle.js")).DrizzleAdapter();
    case "kysely":
      return new (await import("./kysely.js")).KyselyAdapter();
    case "typeorm":
      return new (await import("./typeorm.js")).TypeOrmAdapter();
    case "mikroorm":
      return new (await import("./mikroorm.js")).MikroOrmAdapter();
    case "sequelize":
      return new (await import("./sequelize.js")).SequelizeAdapter();
    case "prisma":
      return new (await import("./prisma.js")).PrismaAdapter();
  }
}
