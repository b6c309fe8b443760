/** Reflection: `inspect()`, `Inspector`, and the implementation of `MetaData.reflect()`. */
import { registerReflector } from "../../schema/reflect-hook.js";
import { reflectMetadata } from "./reflect-table.js";

registerReflector(reflectMetadata);

export { inspect, Inspector } from "./inspector.js";
export { reflectMetadata, reflectTable, type ReflectTableOptions } from "./reflect-table.js";
export type {
  ReflectedColumn,
  ReflectedPrimaryKey,
  ReflectedForeignKey,
  ReflectedIndex,
  ReflectedUniqueConstraint,
  ReflectedCheckConstraint,
  ReflectedTableOptions,
  InspectorTraits,
} from "../../dialects/base/inspector.js";
export { RawType, rawType } from "../../dialects/base/raw-type.js";
