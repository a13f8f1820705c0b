// The API-vs-warehouse reconciliation history table ops.reconciliation: check-sources writes one row per run
// date, source, account and metric (functions/check-sources/reconciliation.ts), the reconciliation extract reads
// it. Its columns live here so that the writer, the extract's declaration and the BigQuery check agree.
import type { LoadColumn } from "../../shared/ports.ts";

export const RECONCILIATION_TABLE = "reconciliation";

export const RECONCILIATION_COLUMNS: readonly LoadColumn[] = [
  { name: "run_date", type: "DATE" },
  { name: "window_start", type: "DATE" },
  { name: "window_end", type: "DATE" },
  { name: "source", type: "STRING" },
  { name: "account_id", type: "STRING" },
  { name: "metric", type: "STRING" },
  { name: "api_value", type: "FLOAT64" },
  { name: "warehouse_value", type: "FLOAT64" },
  { name: "difference", type: "FLOAT64" },
  { name: "relative_difference", type: "FLOAT64" },
  { name: "status", type: "STRING" },
  { name: "mismatched_days", type: "JSON" },
  // Last, so that a table made before it (and given it by ensureReconciliationColumns) has the same order.
  { name: "currency", type: "STRING" },
];
