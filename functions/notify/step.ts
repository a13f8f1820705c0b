// Step 7: the daily summary email (once per run date, ever), and the failure email when a step failed for good.

import {
  dashboardPagePath,
  deckPath,
  failureEmailMarkerPath,
  summaryEmailMarkerPath,
} from "../lib/bucket-layout.ts";
import { runFromCommand } from "../lib/run-command.ts";
import { loadReportData } from "../lib/reporting/load-report-data.ts";
import { readReportSnapshot } from "../lib/reporting/report-snapshot.ts";
import type { PulseConfig } from "../shared/config.ts";
import type { HandlerRuntime } from "../shared/handler.ts";
import type { RunMessage } from "../shared/run-message.ts";
import { describeCorrupt, objectWith, readStateFile } from "../shared/state-file.ts";
import type { StepContext, StepResult } from "../shared/step.ts";
import { buildFailureEmail } from "./failure-email.ts";
import { buildSummaryEmail } from "./summary-email.ts";
import { loadSummaryExtras } from "./summary-inputs.ts";

interface EmailMarker {
  status: "sending" | "sent";
  runId: string;
  sentAt?: string;
  location?: string;
}

const isMarker = (value: unknown): string | undefined =>
  objectWith("status")(value) ??
  (["sending", "sent"].includes((value as { status: unknown }).status as string)
    ? undefined
    : "status is neither sending nor sent");

/**
 * The summary email, at least once per run date and in practice exactly once: the marker says "sent" only
 * after the SMTP server accepted the message, so a failed send is retried, and the email is built in full
 * before the send so that the window in which a crash can cause a second copy is just the one marker write
 * after the server's answer. A second copy carries the same Message-ID, <summary-DATE@dtc-pulse>.
 */
export async function runNotify(context: StepContext): Promise<StepResult> {
  const { bucket, mailer, clock } = context.ports;
  const { runDate, runId } = context.message;
  const marker = summaryEmailMarkerPath(runDate);
  const previous = await readStateFile<EmailMarker>(bucket, marker, isMarker);
  if (previous.corrupt) {
    context.log.error(describeCorrupt(previous.corrupt), { event: "state.corrupt", ...previous.corrupt });
  }
  if (previous.value?.status === "sent") {
    return {
      summary: "summary email already sent for this run date; not sending it twice",
      metrics: { emails: 0 },
    };
  }
  const deck = deckPath(runDate);
  const links = {
    dashboard: context.config.dashboardUrl,
    deck: (await bucket.exists(deck)) ? await bucket.linkFor(deck) : undefined,
  };
  // What this run's deck was built from, when the report step kept it; else the same questions, asked again.
  const snapshot = await readReportSnapshot(bucket, runDate, {
    runId,
    codeVersion: context.config.cloud.codeVersion,
  });
  if (snapshot.corrupt) {
    context.log.error(describeCorrupt(snapshot.corrupt), { event: "state.corrupt", ...snapshot.corrupt });
  }
  if (!snapshot.data) context.log.info("report data queried again", { reason: snapshot.reason });
  const data = snapshot.data ? { ...snapshot.data, links } : await loadReportData(context, links);
  // The report step's self-contained dashboard page, linked like the deck (a signed link in the cloud).
  const page = dashboardPagePath(runDate);
  const dashboardPageUrl = (await bucket.exists(page)) ? await bucket.linkFor(page) : undefined;
  const email = buildSummaryEmail(data, { ...(await loadSummaryExtras(context)), dashboardPageUrl });
  const mail = {
    from: context.config.email.from,
    to: context.config.email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: `<summary-${runDate}@dtc-pulse>`,
  };
  // "sending" records that a send may have reached the server (a crash right after it shows here).
  await bucket.write(marker, JSON.stringify({ status: "sending", runId } satisfies EmailMarker), JSON_TYPE);
  const sent = await mailer.send(mail);
  await bucket.write(
    marker,
    JSON.stringify({
      status: "sent",
      runId,
      sentAt: clock.now().toISOString(),
      location: sent.location,
    } satisfies EmailMarker),
    JSON_TYPE,
  );
  return {
    outputs: [sent.location],
    metrics: { emails: 1, report_data_queried: snapshot.data ? 0 : 1 },
    summary: `summary email: ${email.subject}`,
  };
}

const JSON_TYPE = { contentType: "application/json" };

/**
 * The command that re-runs the day from the failed step, or from where the failure says to start (a transform that
 * needs ingest first): runFromCommand, the cloud's `rerun` or the local run.
 */
export function rerunCommand(message: RunMessage, config?: Pick<PulseConfig, "mode" | "cloud">): string {
  const failure = message.failure;
  // A file drop's run is forced (infra/file-drop-start.js): the day's ingest may have succeeded before the drop.
  const force = Boolean(failure?.fileDrop) || Boolean(failure?.rerun?.force);
  const step = failure?.rerun?.from ?? failure?.step ?? "ingest";
  return runFromCommand({ step, runDate: message.runDate, force }, config);
}

/**
 * The failure email, once per (run date, failed step, run id): the marker is written only after the SMTP
 * server accepted it, so a send that failed (a transient SMTP error) is retried by the bus rather than skipped.
 */
export async function notifyFailure(message: RunMessage, runtime: HandlerRuntime): Promise<void> {
  const failure = message.failure;
  if (!failure) return;
  const { bucket, mailer } = runtime.ports;
  const marker = failureEmailMarkerPath(message.runDate, failure.step, message.runId);
  const previous = await readStateFile<EmailMarker>(bucket, marker, isMarker);
  if (previous.corrupt) runtime.log.error(describeCorrupt(previous.corrupt), { event: "state.corrupt" });
  if (previous.value?.status === "sent") return;
  const email = buildFailureEmail({
    shop: runtime.config.shop,
    runDate: message.runDate,
    runId: message.runId,
    step: failure.step,
    error: failure.error,
    rerunCommand: rerunCommand(message, runtime.config),
    ...(failure.rerun ? { rerunFrom: failure.rerun.from } : {}),
    ...(failure.fileDrop ? { fileDrop: failure.fileDrop } : {}),
  });
  const sent = await mailer.send({
    from: runtime.config.email.from,
    to: runtime.config.email.to,
    subject: email.subject,
    html: email.html,
    text: email.text,
    messageId: `<failure-${message.runDate}-${failure.step}-${message.runId}@dtc-pulse>`,
  });
  await bucket.write(
    marker,
    JSON.stringify({ status: "sent", runId: message.runId, failure, location: sent.location }),
    JSON_TYPE,
  );
  // Its event ends the run for the "run not finished" alert (infra/monitoring.tf), as notify's success does.
  runtime.log.warn("failure email sent", {
    event: "failure_email.sent",
    runDate: message.runDate,
    step: failure.step,
    location: sent.location,
  });
}
