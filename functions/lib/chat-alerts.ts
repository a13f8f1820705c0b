// Critical findings go out at once to the chat webhook (when one is configured), not only in the next morning's
// email: one message per run date and step, listing the criticals with what to do. Best effort by design: a
// missing, slow or failing webhook is a warning in the log and never fails the step that found the problems.
// People read the message: its dates are in the shop's locale, as the email writes them, while the marker and the
// findings it names keep their ISO dates (the pointer to the anomalies file is a path, left as it is).
import { anomaliesPaths, chatAlertMarkerPath } from "./bucket-layout.ts";
import { formatFindingText, formatLongDate } from "./reporting/display-format.ts";
import type { Finding } from "../shared/findings.ts";
import type { StepContext } from "../shared/step.ts";

/** A chat message stays readable (and under the services' size limits); the rest is in the anomalies file. */
export const MAX_CHAT_LINES = 15;

export type ChatAlertOutcome = "posted" | "no-criticals" | "not-configured" | "already-posted" | "failed";

interface ChatAlertMarker {
  runDate: string;
  step: string;
  /** check|subject of every critical finding posted so far for this run date and step. */
  posted: string[];
}

function key(finding: Finding): string {
  return `${finding.check}|${finding.subject}`;
}

async function readMarker(context: StepContext, path: string): Promise<ChatAlertMarker | undefined> {
  const data = await context.ports.bucket.read(path);
  return data ? (JSON.parse(data.toString("utf8")) as ChatAlertMarker) : undefined;
}

/**
 * Posts the step's critical findings that this run date has not posted yet. A re-run of the step for the same
 * date finds them in the marker (runs/dt=<date>/chat/<step>.json) and posts nothing, or only the new ones. The
 * marker is written after the webhook accepted the message, so a failed post is tried again by the next run.
 */
export async function postCriticalFindings(
  context: StepContext,
  findings: readonly Finding[],
): Promise<ChatAlertOutcome> {
  const { runDate } = context.message;
  const criticals = findings.filter((item) => item.severity === "critical" && item.step === context.step);
  if (criticals.length === 0) return "no-criticals";
  const chat = context.ports.chat;
  if (!chat) return "not-configured";
  const path = chatAlertMarkerPath(runDate, context.step);
  try {
    const marker = await readMarker(context, path);
    const already = new Set(marker?.posted ?? []);
    const fresh = criticals.filter((item) => !already.has(key(item)));
    if (fresh.length === 0) return "already-posted";
    const count = `${fresh.length} critical finding${fresh.length === 1 ? "" : "s"}`;
    const { name, locale } = context.config.shop;
    const posted = await chat.post({
      title: `${name}: ${count} from ${context.step} for ${formatLongDate(runDate, locale)}`,
      lines: [
        ...fresh.slice(0, MAX_CHAT_LINES).map((item) => formatFindingText(item.message, locale)),
        ...(fresh.length > MAX_CHAT_LINES
          ? [`…and ${fresh.length - MAX_CHAT_LINES} more: see ${anomaliesPaths(runDate).markdown}.`]
          : []),
      ],
    });
    if (!posted) {
      context.log.warn(
        "chat alerts: chat.kind is set but there is no chatWebhookUrl secret; nothing posted",
        {
          kind: chat.kind,
        },
      );
      return "not-configured";
    }
    const next: ChatAlertMarker = { runDate, step: context.step, posted: [...already, ...fresh.map(key)] };
    await context.ports.bucket.write(path, `${JSON.stringify(next, null, 2)}\n`, {
      contentType: "application/json",
    });
    context.log.info("chat alerts: critical findings posted", { kind: chat.kind, criticals: fresh.length });
    return "posted";
  } catch (error) {
    // The adapter's errors never carry the URL; anything else is reduced to its message too.
    context.log.warn("chat alerts: posting the critical findings failed; the step goes on", {
      kind: chat.kind,
      error: error instanceof Error ? error.message : String(error),
    });
    return "failed";
  }
}
