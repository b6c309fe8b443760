#!/usr/bin/env node
// The `athanor` command. It runs the CLI through tsx, so athanor.config.ts, the models module and
// TypeScript migration scripts load without a build step (tsx reads the project's tsconfig.json).
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const built = path.join(here, "..", "dist", "cli", "main.js");
const entry = existsSync(built) ? built : path.join(here, "..", "src", "cli", "main.ts");
const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
