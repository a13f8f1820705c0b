// The one naming convention both warehouse adapters bind by: parameters named like these are DATEs. Kept apart
// from either adapter so the BigQuery one can use it without loading DuckDB's native module in the cloud.

/** Whether a parameter is a DATE ("YYYY-MM-DD"): `*_date`, `window_start` and `window_end`. */
export function isDateParamName(name: string): boolean {
  return name.endsWith("_date") || name === "window_start" || name === "window_end";
}
