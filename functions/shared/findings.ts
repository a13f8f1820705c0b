import type { StepName } from "./pipeline.ts";

export type Severity = "info" | "warning" | "critical";

export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** One thing a check found, carried to the ledger, the findings history, the deck and the email. */
export interface Finding {
  /** Stable check id, e.g. "source_freshness", "attribution_broken". */
  check: string;
  step: StepName;
  severity: Severity;
  /** A blocking finding stops the chain before export. */
  blocking: boolean;
  /** What the finding is about: a source, table, column, channel or metric. */
  subject: string;
  source?: string;
  table?: string;
  column?: string;
  metric?: string;
  observed?: number | string | null;
  expected?: string | null;
  /** One plain-English sentence a founder can act on. */
  message: string;
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.check.localeCompare(b.check) ||
      a.subject.localeCompare(b.subject),
  );
}
