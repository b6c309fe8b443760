/** Describes a JavaScript value for error messages: `the string '12'`, `the number NaN`, `a Date`. @internal */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case "string":
      return `the string '${value.length > 40 ? value.slice(0, 37) + "..." : value}'`;
    case "number":
      return `the number ${value}`;
    case "bigint":
      return `the bigint ${value}n`;
    case "boolean":
      return `the boolean ${value}`;
    case "undefined":
      return "undefined";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    default: {
      if (value === null) return "null";
      if (Array.isArray(value)) return "an array";
      if (value instanceof Date) return isNaN(value.getTime()) ? "an invalid Date" : "a Date";
      const name = (value as object).constructor?.name;
      return name && name !== "Object" ? `a ${name}` : "an object";
    }
  }
}
