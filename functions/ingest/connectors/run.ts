// The ingest step's pull from the platform APIs: each enabled connector in turn, each on its own. A connector
// whose token expired or whose API keeps failing becomes a critical finding naming the source and what to do;
// the other sources still load and the step goes on to the file drops' stock-taking.
import { randomUUID } from "node:crypto";
import { DEFAULT_IO, type ApiIo, PlatformAuthError } from "../../lib/platform-apis/http.ts";
import type { Finding } from "../../shared/findings.ts";
import { stepDeadline } from "../../lib/platform-apis/step-deadline.ts";
import type { StepContext } from "../../shared/step.ts";
import { googleAdsConnector } from "./google-ads.ts";
import { metaConnector } from "./facebook-ads.ts";
import { daysIn, MAX_PULL_DAYS } from "./ad-range.ts";
import type { Connector, ConnectorOutcome } from "./landing.ts";
import { shopifyConnector } from "./shopify.ts";
import { tiktokConnector } from "./tiktok-ads.ts";

export const CONNECTORS: readonly Connector[] = [
  shopifyConnector,
  metaConnector,
  tiktokConnector,
  googleAdsConnector,
];

/**
 * What ingest keeps of its function's timeout once the connectors stop waiting: the requests of the connectors still
 * to run, the landing of what they pulled, the stock-taking of the raw tables, the ledger record and the publish of
 * the next step. Past the timeout the function is killed mid-run, with no finding and no record of why.
 */
export const INGEST_WRAP_UP_MS = 90_000;

/**
 * The instant, on io's clock, by which the connectors must stop waiting: ingest's timeout counted from the step's
 * start (time already spent, on the ports' clock, is taken off), less INGEST_WRAP_UP_MS.
 */
export function connectorDeadline(context: StepContext, io: ApiIo): Date {
  return stepDeadline("ingest", context, io, INGEST_WRAP_UP_MS);
}

export interface ConnectorsResult {
  findings: Finding[];
  metrics: Record<string, number>;
  outcomes: ConnectorOutcome[];
  /** One clause for the step's summary, empty when no connector is on. */
  summary: string;
}

export async function runConnectors(context: StepContext, io: ApiIo = DEFAULT_IO): Promise<ConnectorsResult> {
  const settings = context.config.connectors;
  const enabled = CONNECTORS.filter((connector) => settings[connector.source].enabled);
  const result: ConnectorsResult = { findings: [], metrics: {}, outcomes: [], summary: "" };
  if (enabled.length === 0) return result;
  const extractedAt = context.ports.clock.now().toISOString();
  const deadline = connectorDeadline(context, io);
  const parts: string[] = [];
  for (const connector of enabled) {
    const log = context.log.child({ connector: connector.source });
    try {
      const outcome = await connector.run({
        warehouse: context.ports.warehouse,
        bucket: context.ports.bucket,
        secrets: context.ports.secrets,
        log,
        io,
        runDate: context.message.runDate,
        runId: context.message.runId,
        shopTimezone: context.config.shop.timezone,
        settings,
        extractedAt,
        pullId: randomUUID(),
        deadline,
      });
      result.outcomes.push(outcome);
      result.metrics[`connector.${connector.source}.rowsLanded`] = outcome.rowsLanded;
      result.metrics[`connector.${connector.source}.rowsReplaced`] = outcome.rowsReplaced;
      parts.push(`${connector.label} ${outcome.rowsLanded} rows`);
      log.info("connector pulled", {
        rows: outcome.rowsLanded,
        replaced: outcome.rowsReplaced,
        pulled: outcome.pulled,
      });
      if (outcome.owed) {
        // Only the ads connectors owe history, each with its ranges per run.
        const own = settings[connector.source];
        const rangesPerRun = "historyRangesPerRun" in own ? own.historyRangesPerRun : 1;
        result.findings.push(historyOwedFinding(connector, outcome.owed, rangesPerRun));
      }
    } catch (error) {
      const auth = error instanceof PlatformAuthError;
      result.metrics[`connector.${connector.source}.failed`] = 1;
      parts.push(`${connector.label} failed`);
      log.error("connector failed", { error: (error as Error).message, auth });
      result.findings.push({
        step: "ingest",
        check: auth ? "connector_auth" : "connector_failed",
        severity: "critical",
        blocking: false,
        subject: connector.source,
        source: connector.source,
        observed: null,
        expected: auth ? "valid API credentials" : "the platform API answering",
        message: auth
          ? `${connector.label}: ${(error as Error).message}. Nothing new from ${connector.label} was loaded; the next run pulls the missed days once it is fixed.`
          : `${connector.label}: the API pull failed (${(error as Error).message}). Nothing half-written was kept; the next run pulls the same days again.`,
      });
    }
  }
  result.summary = `connectors: ${parts.join(", ")}`;
  return result;
}

/**
 * The days of an ads connector's history still to pull (a first run's initialDays beyond one run's ranges, or a gap
 * of a connector switched off for months): until they land, those days' spend leaves the platform out, so the
 * figures of those days say less than the shop spent. A warning, named with its days, until the last of them lands.
 */
function historyOwedFinding(
  connector: Pick<Connector, "source" | "label">,
  owed: NonNullable<ConnectorOutcome["owed"]>,
  rangesPerRun: number,
): Finding {
  const days = owed.reduce((sum, account) => sum + daysIn(account.spans), 0);
  // A range holds at most MAX_PULL_DAYS of one span of an account; a run pulls rangesPerRun of them (time allowing).
  const runs = Math.max(
    ...owed.map((account) =>
      Math.ceil(
        account.spans.reduce((sum, span) => sum + Math.ceil(daysIn([span]) / MAX_PULL_DAYS), 0) /
          rangesPerRun,
      ),
    ),
  );
  const accounts = owed
    .map(({ account, spans }) => {
      const first = spans[0]?.startDate ?? "";
      const last = spans.at(-1)?.endDate ?? "";
      return `account ${account}: ${daysIn(spans)} days between ${first} and ${last}`;
    })
    .join("; ");
  const failures = owed
    .flatMap(({ account, failure }) => (failure ? [`account ${account} (${failure})`] : []))
    .join("; ");
  const leftForTime = owed.filter((account) => account.leftForTime).map(({ account }) => account);
  return {
    step: "ingest",
    check: "connector_history_owed",
    severity: "warning",
    blocking: false,
    subject: connector.source,
    source: connector.source,
    observed: days,
    expected: "every day of the history asked for pulled",
    message:
      `${connector.label}: ${days} days of history are not pulled yet (${accounts}); ` +
      `the next ${runs === 1 ? "run pulls them" : `${runs} runs pull them, ${MAX_PULL_DAYS * rangesPerRun} days a run`}. ` +
      (failures ? `This run could not pull older days of ${failures}; the next run asks again. ` : "") +
      (leftForTime.length
        ? `This run left them for later to keep ingest within its time (${leftForTime.length === 1 ? "account" : "accounts"} ${leftForTime.join(", ")}). `
        : "") +
      `Until then those days' spend, ROAS, MER and CAC leave ${connector.label} out.`,
  };
}
