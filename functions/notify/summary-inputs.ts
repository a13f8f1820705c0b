// What the summary email reads besides the report's mart rows: the alerts of earlier run dates (ops.findings,
// through the findings store) for the alerts' memory, check-sources' reconciliation scoreboard when the
// reconciliation ran, and which sources the pipeline's own connectors pull (whose fix is not in Airbyte).
import { reconciliationPath } from "../lib/bucket-layout.ts";
import { loadAlertHistory } from "../lib/quality/findings-store.ts";
import { SOURCES } from "../shared/sources.ts";
import type { StepContext } from "../shared/step.ts";
import { type ReconciliationScoreboard, scoreboardProblem } from "./reconciliation-line.ts";
import type { SummaryExtras } from "./summary-model.ts";

/** The run date's reconciliation scoreboard, or null when there is none (the reconciliation did not run). */
export async function readScoreboard(
  context: Pick<StepContext, "ports" | "log">,
  runDate: string,
): Promise<ReconciliationScoreboard | null> {
  const path = reconciliationPath(runDate);
  const body = await context.ports.bucket.read(path);
  if (body === undefined) return null;
  let problem: string | undefined;
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    problem = scoreboardProblem(value);
    if (!problem) return value as ReconciliationScoreboard;
  } catch (error) {
    problem = `not valid JSON (${(error as Error).message})`;
  }
  // check-sources owns the file: leave it where it is, say so, and send the email without the line.
  context.log.warn(`${path} is unreadable (${problem}): the email leaves out the reconciliation line`, {
    event: "notify.reconciliation_unreadable",
  });
  return null;
}

export async function loadSummaryExtras(
  context: Pick<StepContext, "ports" | "config" | "message" | "log">,
): Promise<SummaryExtras> {
  const { runDate } = context.message;
  const connectors = context.config.connectors;
  return {
    alertHistory: await loadAlertHistory(context.ports.warehouse, runDate),
    reconciliation: await readScoreboard(context, runDate),
    connectorSources: new Set(
      SOURCES.filter((source) => connectors[source.name].enabled).map((source) => source.name),
    ),
  };
}
