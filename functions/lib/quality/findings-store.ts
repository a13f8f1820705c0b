// The findings history table ops.findings: one row per run date, check and subject (Looker Studio reads it
// through the findings extract). Each write replaces the run date's rows with everything found so far, which is
// also what gives the email's alerts their memory (alert-memory.ts): a re-run of a day rewrites that day, never
// adds one.
import type { Finding } from "../../shared/findings.ts";
import { DATASETS } from "../../shared/pipeline.ts";
import type { LoadColumn, Warehouse } from "../../shared/ports.ts";
import { addDays } from "../calendar.ts";
import { readQuery } from "../sql/queries.ts";
import type { AlertDay } from "./alert-memory.ts";

/** How far back the email looks for an alert's streak: an alert older than this reads "since" this far back. */
export const ALERT_MEMORY_DAYS = 90;
/** A generous ceiling on distinct alerts per run date (a run has a few dozen findings at most). */
const MAX_ALERTS_PER_DAY = 500;

const FINDINGS_COLUMNS: readonly LoadColumn[] = [
  { name: "run_date", type: "DATE" },
  { name: "step", type: "STRING" },
  { name: "check_name", type: "STRING" },
  { name: "subject", type: "STRING" },
  { name: "severity", type: "STRING" },
  { name: "blocking", type: "BOOL" },
  { name: "observed", type: "STRING" },
  { name: "expected", type: "STRING" },
  { name: "message", type: "STRING" },
];

export async function saveFindings(
  warehouse: Warehouse,
  runDate: string,
  findings: readonly Finding[],
): Promise<void> {
  await warehouse.load({
    dataset: DATASETS.ops,
    table: "findings",
    columns: FINDINGS_COLUMNS,
    replaceWhere: { column: "run_date", value: runDate },
    rows: findings.map((finding) => ({
      run_date: runDate,
      step: finding.step,
      check_name: finding.check,
      subject: finding.subject,
      severity: finding.severity,
      blocking: finding.blocking,
      observed: finding.observed === undefined || finding.observed === null ? null : String(finding.observed),
      expected: finding.expected ?? null,
      message: finding.message,
    })),
  });
}

/**
 * The alerts (warning and critical findings) recorded on the run dates before `runDate`, back `days` days. Empty
 * before the first run ever wrote ops.findings.
 */
export async function loadAlertHistory(
  warehouse: Warehouse,
  runDate: string,
  days: number = ALERT_MEMORY_DAYS,
): Promise<AlertDay[]> {
  const tables = await warehouse.listTables(DATASETS.ops);
  if (!tables.some((table) => table.name === "findings")) return [];
  const rows = await warehouse.query<AlertDay>(
    readQuery("reporting/alert_history"),
    { history_start_date: addDays(runDate, -days), run_date: runDate },
    { label: "report alert history", maxRows: days * MAX_ALERTS_PER_DAY },
  );
  return rows.map((row) => ({ ...row, run_date: String(row.run_date).slice(0, 10) }));
}
