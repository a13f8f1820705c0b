// The email sent when a step has failed for good: what failed, where, for which run, and the exact command that
// re-runs it, so whoever reads it at 7am can act without opening the logs first. The run date is written as the
// shop's locale writes its dates, as in the summary email, and a file's times as the shop's clock showed them; the
// re-run command and the run id keep the ISO date they are typed with.
import { formatLongDate, formatShopTime } from "../lib/reporting/display-format.ts";
import {
  EMAIL_COLORS,
  emailDocument,
  escapeHtml,
  htmlText,
  type RenderedEmail,
  sanitizeHeader,
} from "../lib/reporting/html.ts";
import type { ShopProfile } from "../lib/reporting/report-data.ts";
import type { FileDropFailure } from "../shared/run-message.ts";

export type { RenderedEmail } from "../lib/reporting/html.ts";

export interface FailureEmailInput {
  shop: ShopProfile;
  runDate: string;
  runId: string;
  step: string;
  error: string;
  rerunCommand: string;
  /** The step the re-run starts at, when not the failed one (a transform that needs ingest to run first). */
  rerunFrom?: string;
  /** A dead-lettered file drop: the email says what became of the file (functions/notify/dead-file-drop.ts). */
  fileDrop?: FileDropFailure;
}

interface FailureWording {
  subject: string;
  heading: string;
  details: [string, string][];
  errorTitle: string;
  nextSteps: string;
  /** Whether a re-run helps, so the command is shown. */
  rerun: boolean;
}

function wording(input: FailureEmailInput): FailureWording {
  const drop = input.fileDrop;
  const { locale, timezone } = input.shop;
  const runDay = formatLongDate(input.runDate, locale);
  const run: [string, string][] = [
    ["Run date", runDay],
    ["Run id", input.runId],
  ];
  if (!drop) {
    return {
      subject: `${input.shop.name} · run FAILED at ${input.step} · ${runDay}`,
      heading: `Run failed at step ${input.step}`,
      details: [["Shop", input.shop.name], ...run, ["Step", input.step]],
      errorTitle: "Error",
      nextSteps: `The steps after this one did not run, so today's extracts, deck and summary email were not produced. ${
        input.rerunFrom && input.rerunFrom !== input.step
          ? `Re-run the day from ${input.rerunFrom}, which this step needs to run first (see the error above):`
          : "Fix the cause, then re-run from the failed step:"
      }`,
      rerun: true,
    };
  }
  const details: [string, string][] = [
    ["Shop", input.shop.name],
    ["File", drop.file],
    ...(drop.droppedAt
      ? ([["Dropped at", formatShopTime(drop.droppedAt, locale, timezone)]] as [string, string][])
      : []),
    ...run,
  ];
  if (drop.outcome === "failed") {
    return {
      subject: `${input.shop.name} · file drop FAILED · ${drop.file} · ${runDay}`,
      heading: `File drop could not be loaded: ${drop.file}`,
      details,
      errorTitle: "Why",
      nextSteps:
        "Ingest read the file and could not load it, so nothing from it is in the numbers. Correct the file and drop it again in raw/inbox/: the new drop starts a run by itself.",
      rerun: false,
    };
  }
  const same = drop.sameLoadedAt
    ? ` A file of the same name and size was loaded at ${formatShopTime(drop.sameLoadedAt, locale, timezone)}: if this drop is the same export again, ingest skips it as already loaded.`
    : "";
  return {
    subject: `${input.shop.name} · file drop not read yet · ${drop.file} · ${runDay}`,
    heading: `File drop not read yet: ${drop.file}`,
    details,
    errorTitle: "Why the run it started did not go through",
    nextSteps: `No run has read this file since it was dropped, so nothing from it is in the numbers yet; nothing says the file itself is faulty. It waits in raw/inbox/ and the next run's ingest reads it.${same} To read it now, start a run from ingest:`,
    rerun: true,
  };
}

const c = EMAIL_COLORS;
const h = escapeHtml;
const labelStyle = `padding:6px 12px 6px 0;font-size:13px;line-height:18px;color:${c.muted};font-weight:bold;white-space:nowrap;vertical-align:top;`;
const valueStyle = `padding:6px 0;font-size:14px;line-height:20px;color:${c.ink};vertical-align:top;`;
const preStyle = `margin:0;padding:10px 12px;background-color:#f9fafb;border:1px solid ${c.rule};font-family:Consolas,Menlo,monospace;font-size:13px;line-height:18px;color:${c.ink};white-space:pre-wrap;word-break:break-word;`;

export function buildFailureEmail(input: FailureEmailInput): RenderedEmail {
  const { heading, details, errorTitle, nextSteps, rerun, ...words } = wording(input);
  const subject = sanitizeHeader(words.subject);

  const body = [
    `<tr><td style="padding:20px 24px;background-color:${c.bad};color:#ffffff;">`,
    `<div style="font-size:13px;line-height:18px;color:#fee2e2;">${h(input.shop.name)}</div>`,
    `<h1 style="margin:4px 0 0 0;font-size:22px;line-height:28px;color:#ffffff;">${h(heading)}</h1>`,
    "</td></tr>",
    '<tr><td style="padding:16px 24px 0 24px;">',
    '<table role="presentation" cellpadding="0" cellspacing="0" border="0">',
    ...details.map(
      ([label, value]) =>
        `<tr><td style="${labelStyle}">${h(label)}</td><td style="${valueStyle}">${htmlText(value)}</td></tr>`,
    ),
    "</table>",
    "</td></tr>",
    '<tr><td style="padding:16px 24px 0 24px;">',
    `<h2 style="margin:0 0 8px 0;font-size:16px;line-height:22px;color:${c.ink};">${h(errorTitle)}</h2>`,
    `<pre style="${preStyle}">${h(input.error)}</pre>`,
    "</td></tr>",
    '<tr><td style="padding:16px 24px 0 24px;">',
    `<h2 style="margin:0 0 8px 0;font-size:16px;line-height:22px;color:${c.ink};">${rerun ? "Re-run" : "What to do"}</h2>`,
    `<p style="margin:0 0 8px 0;font-size:14px;line-height:20px;">${h(nextSteps)}</p>`,
    ...(rerun ? [`<pre style="${preStyle}"><code>${h(input.rerunCommand)}</code></pre>`] : []),
    "</td></tr>",
    `<tr><td style="padding:20px 24px;font-size:12px;line-height:16px;color:${c.muted};">${h(`Sent by DTC Pulse for run ${input.runId}.`)}</td></tr>`,
  ].join("\n");

  const text = [
    input.shop.name,
    heading,
    "",
    ...details.map(([label, value]) => `${label}: ${value}`),
    "",
    errorTitle.toUpperCase(),
    input.error,
    "",
    rerun ? "RE-RUN" : "WHAT TO DO",
    nextSteps,
    "",
    ...(rerun ? [`    ${input.rerunCommand}`, ""] : []),
    `Sent by DTC Pulse for run ${input.runId}.`,
    "",
  ].join("\n");

  return {
    subject,
    html: emailDocument({
      title: subject,
      preheader: `${heading}: ${(input.error.split("\n")[0] ?? "").slice(0, 140)}`,
      body,
    }),
    text,
  };
}
