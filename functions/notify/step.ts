// Step 7: the daily summary email (once per run date, ever), and the failure email when a step failed for good.

import { deckPath, failureEmailMarkerPath, summaryEmailMarkerPath } from "../lib/bucket-layout.ts";
import { loadReportData } from "../lib/reporting/load-report-data.ts";
import type { HandlerRuntime } from "../shared/handler.ts";
import type { RunMessage } from "../shared/run-message.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { buildFailureEmail } from "./failure-email.ts";
import { buildSummaryEmail } from "./summary-email.ts";

export async function runNotify(context: StepContext): Promise<StepResult> {
  const { bucket, mailer, clock } = context.ports;
  const { runDate } = context.message;
  const marker = summaryEmailMarkerPath(runDate);
  const claimed = await bucket.createIfAbsent(
    marker,
    JSON.stringify({ status: "sending", runId: context.message.runId }),
  );
  if (!claimed) {
    const existing = JSON.parse((await bucket.read(marker))?.toString("utf8") ?? "{}") as { status?: string };
    if (existing.status === "sent") {
      return {
        summary: "summary email already sent for this run date; not sending it twice",
        metrics: { emails: 0 },
      };
    }
    // A send that crashed midway: better one duplicate than a silent morning.
  }
  const deck = deckPath(runDate);
  const data = await loadReportData(context, {
    dashboard: context.config.dashboardUrl,
    deck: (await bucket.exists(deck)) ? await bucket.linkFor(deck) : undefined,
  });
  const email = buildSummaryEmail(data);
  const sent = await mailer.send({
    from: context.config.email.from,
    to: context.config.email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: `<summary-${runDate}@dtc-pulse>`,
  });
  await bucket.write(
    marker,
    JSON.stringify({
      status: "sent",
      runId: context.message.runId,
      sentAt: clock.now().toISOString(),
      location: sent.location,
    }),
  );
  return { outputs: [sent.location], metrics: { emails: 1 }, summary: `summary email: ${email.subject}` };
}

export function rerunCommand(message: RunMessage): string {
  return `npm start -- --date ${message.runDate} --from ${message.failure?.step ?? "ingest"}`;
}

/** The failure email, once per (run date, failed step, run id). */
export async function notifyFailure(message: RunMessage, runtime: HandlerRuntime): Promise<void> {
  const failure = message.failure;
  if (!failure) return;
  const { bucket, mailer } = runtime.ports;
  const marker = failureEmailMarkerPath(message.runDate, failure.step, message.runId);
  if (!(await bucket.createIfAbsent(marker, JSON.stringify({ status: "sending", failure })))) return;
  const email = buildFailureEmail({
    shop: runtime.config.shop,
    runDate: message.runDate,
    runId: message.runId,
    step: failure.step,
    error: failure.error,
    rerunCommand: rerunCommand(message),
  });
  const sent = await mailer.send({
    from: runtime.config.email.from,
    to: runtime.config.email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: `<failure-${message.runDate}-${failure.step}-${message.runId}@dtc-pulse>`,
  });
  await bucket.write(marker, JSON.stringify({ status: "sent", failure, location: sent.location }));
  runtime.log.warn("failure email sent", {
    runDate: message.runDate,
    step: failure.step,
    location: sent.location,
  });
}
