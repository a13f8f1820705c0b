// Step 6: the executive deck for the run date, and the dashboard page built from its extracts, to the bucket.
import { dashboardPagePath, deckPath } from "../lib/bucket-layout.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { buildDashboardPage } from "./dashboard-page.ts";
import { buildDeckContent } from "./deck-content.ts";
import { renderDeck } from "./deck-render.ts";
import { loadReportData } from "../lib/reporting/load-report-data.ts";
import { saveReportSnapshot } from "../lib/reporting/report-snapshot.ts";

export async function runReport(context: StepContext): Promise<StepResult> {
  const data = await loadReportData(context, { dashboard: context.config.dashboardUrl });
  const content = buildDeckContent(data, { period: context.config.deckPeriod });
  const deck = await renderDeck(content);
  const path = deckPath(context.message.runDate);
  await context.ports.bucket.write(path, deck, {
    contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  });
  const dashboard = await buildDashboardPage(context);
  const dashboardPath = dashboardPagePath(context.message.runDate);
  await context.ports.bucket.write(dashboardPath, dashboard.html, {
    contentType: "text/html; charset=utf-8",
  });
  // Last, so that a snapshot of this run always comes with its deck: the summary email shows the same numbers.
  const kept = await saveReportSnapshot(
    context.ports.bucket,
    { runId: context.message.runId, codeVersion: context.config.cloud.codeVersion },
    data,
  );
  const dashboardBytes = Buffer.byteLength(dashboard.html);
  const missing = dashboard.missing.length ? `; extracts missing: ${dashboard.missing.join(", ")}` : "";
  return {
    outputs: [path, dashboardPath],
    metrics: {
      slides: content.slides.length,
      bytes: deck.length,
      dashboard_bytes: dashboardBytes,
      report_data_kept: kept ? 1 : 0,
    },
    summary: `deck with ${content.slides.length} slides (${(deck.length / 1024).toFixed(0)} KiB); dashboard page with ${dashboard.pages} pages (${(dashboardBytes / 1024).toFixed(0)} KiB${missing})`,
  };
}
