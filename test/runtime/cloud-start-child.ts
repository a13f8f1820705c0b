// Run by function-runtime.test.ts in a fresh process: a function's start, the entry module imported and the
// runtime built as the first event builds it, before any step runs. Prints which of a few packages got loaded.
import { createRequire } from "node:module";
import { createFunctionRuntime } from "../../functions/runtime/function-runtime.ts";

await import("../../functions/index.ts");
const runtime = await createFunctionRuntime({
  PULSE_RUNTIME: process.argv[2] ?? "cloud",
  PULSE_STEP: "report",
  PULSE_PROJECT_ID: "my-shop-analytics",
  PULSE_BUCKET: "my-shop-pulse",
  PULSE_WORK_DIR: process.argv[3] ?? "",
});
const loaded = Object.keys(createRequire(import.meta.url).cache);
// CommonJS packages (those appear in require's cache): DuckDB's, two cloud clients, and the deck's library.
const packages = ["@duckdb/node-api", "@google-cloud/bigquery", "@google-cloud/storage", "pptxgenjs"].filter(
  (name) => loaded.some((path) => path.includes(`/node_modules/${name}/`)),
);
await runtime.close();
process.stdout.write(`${JSON.stringify({ warehouse: runtime.ports.warehouse.kind, packages })}\n`);
