// The findings history table ops.findings: one row per run date, check and subject (Looker Studio reads it
// through the findings extract). Each write replaces the run date's rows with everything found so far.
import type { Finding } from "../../shared/findings.ts";
import { DATASETS } from "../../shared/pipeline.ts";
import type { LoadColumn, Warehouse } from "../../shared/ports.ts";

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
