// Every BigQuery function the dialect layer translates, by name.
import type { Rewrite } from "./call.ts";
import { CORE_FUNCTIONS } from "./functions/core.ts";
import { DATE_FUNCTIONS } from "./functions/dates.ts";
import { JSON_FUNCTIONS, jsonRecords } from "./functions/json.ts";
import { JSON_RECORDS_CALL } from "./json-records.ts";
import { STRING_FUNCTIONS } from "./functions/strings.ts";

/** Rewrites by upper-case BigQuery name (SAFE.-prefixed where only that form is supported). */
export const REWRITES: Record<string, Rewrite> = {
  ...CORE_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...DATE_FUNCTIONS,
  ...JSON_FUNCTIONS,
  // Not BigQuery's: what json-records.ts turns a qualifying UNNEST(JSON_QUERY_ARRAY(...)) into.
  [JSON_RECORDS_CALL]: jsonRecords,
};

/** The BigQuery functions this layer translates (upper case; SAFE.-prefixed where only that form is supported). */
export const SUPPORTED_FUNCTIONS: readonly string[] = Object.keys(REWRITES)
  .filter((name) => name !== JSON_RECORDS_CALL)
  .sort();
