// @ts-check
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".tmp/**", "bench/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-unsafe-declaration-merging": "off",
      "@typescript-eslint/no-empty-object-type": "off",
      "no-restricted-imports": "off",
    },
  },
  {
    // Layering: lower layers never import upper ones (see ARCHITECTURE.md).
    files: ["src/util/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["../sql/*", "../schema/*", "../engine/*", "../dialects/*", "../orm/*"] },
      ],
    },
  },
  {
    files: ["src/sql/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["**/schema/*", "**/engine/*", "**/dialects/*", "**/orm/*", "**/migrate/*"] },
      ],
    },
  },
  {
    files: ["src/schema/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["**/engine/*", "**/dialects/*", "**/orm/*", "**/migrate/*"] },
      ],
    },
  },
  {
    files: ["src/engine/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            "**/dialects/sqlite/*",
            "**/dialects/postgresql/*",
            "**/dialects/mysql/*",
            "**/orm/*",
            "**/migrate/*",
          ],
        },
      ],
    },
  },
  {
    files: ["src/orm/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            "**/migrate/*",
            "**/cli/*",
            "**/integrations/*",
            "**/dialects/sqlite/*",
            "**/dialects/postgresql/*",
            "**/dialects/mysql/*",
          ],
        },
      ],
    },
  },
  {
    files: ["src/migrate/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["**/orm/*", "**/cli/*", "**/integrations/*"] }],
    },
  },
  {
    files: ["src/cli/**"],
    rules: { "no-restricted-imports": ["error", { patterns: ["**/orm/*", "**/integrations/*"] }] },
  },
  {
    files: ["src/dialects/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["**/orm/*", "**/migrate/*", "**/engine/engine*", "**/engine/connection*"] },
      ],
    },
  },
);
