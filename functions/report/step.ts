// Step 6: the executive deck for the run date, to the bucket.
import { deckPath } from "../lib/bucket-layout.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { buildDeckContent } from "./deck-content.ts";
import { renderDeck } from "./deck-render.ts";
import { loadReportData } from "../lib/reporting/load-report-data.ts";

export async function runReport(context: StepContext): Promise<StepResult> {
  const data = await loadReportData(context, { dashboard: context.config.dashboardUrl });
  const content = buildDeckContent(data, { period: context.config.deckPeriod });
  const deck = await renderDeck(content);
  const path = deckPath(context.message.runDate);
  await context.ports.bucket.write(path, deck, {
    contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  });
  return {
    outputs: [path],
    metrics: { slides: content.slides.length, bytes: deck.length },
    summary: `deck with ${content.slides.length} slides (${(deck.length / 1024).toFixed(0)} KiB)`,
  };
}
