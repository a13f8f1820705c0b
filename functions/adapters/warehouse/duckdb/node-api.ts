// DuckDB's Node API, required rather than imported. The package is CommonJS whose index re-exports some sixty
// files: imported as ES modules, Node lexes each of them for its export names, ~100 ms of every process start
// (each local run, each function's cold start) where require() takes ~50 ms.
import { createRequire } from "node:module";
import type * as NodeApi from "@duckdb/node-api";

const duckdb = createRequire(import.meta.url)("@duckdb/node-api") as typeof NodeApi;

export const { DuckDBInstance, DuckDBTypeId, blobValue, dateValue } = duckdb;
export type DuckDBInstance = NodeApi.DuckDBInstance;
export type DuckDBTypeId = NodeApi.DuckDBTypeId;
export type { DuckDBConnection, DuckDBType, DuckDBValue } from "@duckdb/node-api";
