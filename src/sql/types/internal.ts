/** Shared instances used by the expression layer when a value has no column to take its type from. */
import { BooleanType, IntegerType, StringType } from "./generic.js";

export const BOOLEAN_TYPE = new BooleanType();
export const INTEGER_TYPE = new IntegerType();
export const STRING_TYPE = new StringType();
