// The closing summary of a local run: headline numbers, alerts, and where everything was written.
import { readQuery } from "../lib/sql/queries.ts";
import {
  dashboardPagePath,
  deckPath,
  extractPath,
  INBOX_PREFIX,
  latestExtractPath,
  runPrefix,
} from "../lib/bucket-layout.ts";
import { latestExtractsRunDate } from "../lib/latest-extracts.ts";
import { HISTORY_START } from "../lib/run-window.ts";
import { adCurrencies } from "../lib/ad-currencies.ts";
import { join } from "node:path";
import { runFromCommand } from "../lib/run-command.ts";
import type { LocalRunReport } from "../runtime/local-run.ts";
import type { PulseConfig } from "../shared/config.ts";
import { sortFindings } from "../shared/findings.ts";
import { EXTRACT_NAMES } from "../shared/pipeline.ts";
import {
  formatFindingText,
  formatLongDate,
  formatMoney,
  formatNumber,
  formatRatio,
} from "../lib/reporting/display-format.ts";
import { sourceDisplayName, unconvertedReason, unconvertedSourcesOf } from "../lib/reporting/completeness.ts";

/**
 * The headline's mark when a source it needs is missing: "spend and ROAS exclude TikTok, not landed" for an ad
 * platform, "revenue, orders, AOV and ROAS exclude Shopify, not landed" for the shop's orders (its spend is whole).
 */
function incompleteNote(
  missing: string,
  unconverted: string | null | undefined,
  runDate: string,
  locale: string,
): string {
  const sources = missing
    .split(",")
    .map((source) => source.trim())
    .filter(Boolean);
  const figures = [
    ...(sources.includes("shopify") ? ["revenue", "orders", "AOV"] : []),
    ...(sources.some((source) => source !== "shopify") ? ["spend"] : []),
  ];
  const named = figures.length ? `${figures.join(", ")} and ROAS` : "ROAS";
  return `incomplete: ${named} exclude ${excludedSources(sources, unconverted, runDate, locale)}`;
}

/**
 * "Meta, TikTok, not landed", or for a platform whose rows landed without an exchange rate "Meta: spend not
 * converted — no USD exchange rate for Mon 16 Nov 2026": the rate is what to give, not a reconnection.
 */
function excludedSources(
  sources: readonly string[],
  unconverted: string | null | undefined,
  runDate: string,
  locale: string,
): string {
  const rates = unconvertedSourcesOf({ unconverted_sources: unconverted ?? null });
  const notLanded = sources.filter((source) => !rates.has(source));
  return [
    ...(notLanded.length ? [`${notLanded.map(sourceDisplayName).join(", ")}, not landed`] : []),
    ...sources.flatMap((source) => {
      const currencies = rates.get(source);
      return currencies
        ? [`${sourceDisplayName(source)}: ${unconvertedReason(runDate, runDate, currencies, locale)}`]
        : [];
    }),
  ].join("; ");
}

/**
 * A run whose transform rebuilt all history without ingest (`--from transform --full-refresh`, `--skip ingest`, or
 * `--from transform` after the PII key changed) fetched no exchange rate: the ad days spent in another currency that
 * have none count 0 in the rebuilt history. Said, with the command that fetches them (a --full-refresh's ingest asks
 * from the oldest ad day) and converts those days, rather than fetched here: --from and --skip leave ingest's work
 * undone by the user's choice (no network, a slow connector), and the cloud's rerun has no such side door either.
 * The transform's own count says whether it rebuilt everything, whatever the reason (fullBuilds of all its models).
 */
export async function unfetchedRatesNote(
  report: LocalRunReport,
  config: PulseConfig,
): Promise<string | null> {
  if (config.exchangeRates.source !== "ecb") return null;
  const { message } = report;
  const ofThisRun = (step: string) =>
    report.records.find(
      (record) => record.step === step && record.runId === message.runId && record.status === "succeeded",
    );
  const transform = ofThisRun("transform");
  if (!transform || ofThisRun("ingest")) return null;
  const { models, fullBuilds } = transform.metrics;
  if (models === undefined || fullBuilds !== models) return null;
  const lacking = (
    await adCurrencies({ message, config }, report.ports.warehouse, {
      start: HISTORY_START,
      end: message.runDate,
    })
  ).filter((row) => row.days_without_rate > 0 && row.first_day_without_rate !== null);
  if (!lacking.length) return null;
  const days = lacking
    .map(
      (row) =>
        `${row.days_without_rate} day${row.days_without_rate === 1 ? "" : "s"} of ${row.currency} ad spend from ${row.first_day_without_rate}`,
    )
    .join(", ");
  const one = lacking.length === 1 && lacking[0]?.days_without_rate === 1;
  return (
    `Not fetched: exchange rates. This run rebuilt all history without ingest, which fetches them: ${days} ` +
    `${one ? "has no rate and counts" : "have no rate and count"} 0. ` +
    `To fetch them and convert those days (a currency the ECB does not quote needs an fx_rates.csv in the inbox): ` +
    `npm start -- --date ${message.runDate} --full-refresh --force`
  );
}

export async function printSummary(
  report: LocalRunReport,
  config: PulseConfig,
  write: (line: string) => void,
): Promise<void> {
  const { bucket, warehouse } = report.ports;
  const { runDate } = report.message;
  // Every number in the shop's locale, as the email and the deck write it, and the day and the alerts' dates too;
  // a date the reader types back (a command's --date) or finds in a path (extracts/latest/) stays ISO.
  const fmt = { currency: config.shop.currency, locale: config.shop.locale };
  const money = (value: number | null) => formatMoney(value, fmt, true);
  write("");
  const built = report.records.some((record) => record.step === "transform" && record.status !== "failed");
  if (built) {
    const [kpis] = await warehouse
      .query<{
        orders: number;
        gross_revenue: number;
        ad_spend: number;
        blended_roas: number | null;
        aov: number | null;
        missing_sources: string | null;
        unconverted_sources?: string | null;
      }>(readQuery("cli/run_day_kpis"), { run_date: runDate }, { label: "summary kpis" })
      .catch(() => []);
    if (kpis) {
      write(
        `${report.message.demo ? "DEMO DATA · " : ""}${formatLongDate(runDate, fmt.locale)}: revenue ${money(kpis.gross_revenue)} · ${formatNumber(kpis.orders, fmt.locale)} order${kpis.orders === 1 ? "" : "s"} · AOV ${money(kpis.aov)} · ad spend ${money(kpis.ad_spend)} · blended ROAS ${formatRatio(kpis.blended_roas, fmt.locale, 2, "×")}${kpis.missing_sources ? ` (${incompleteNote(kpis.missing_sources, kpis.unconverted_sources, runDate, fmt.locale)})` : ""}`,
      );
    }
  }
  const alerts = sortFindings(report.records.flatMap((record) => record.findings)).filter(
    (item) => item.severity !== "info",
  );
  if (alerts.length) {
    write(`Alerts (${alerts.length}):`);
    for (const alert of alerts)
      write(`  ${alert.severity.toUpperCase().padEnd(8)} ${formatFindingText(alert.message, fmt.locale)}`);
  } else write("No alerts.");

  // A file dropped after the date's run (every step "already done"), or with ingest not selected, waits unread:
  // say so, rather than let its rows seem to be in the numbers above.
  const waiting = (await bucket.list(INBOX_PREFIX)).filter((path) => !path.endsWith("/"));
  if (waiting.length) {
    write(
      `Not read: ${waiting.length} file(s) in ${join(bucket.location, INBOX_PREFIX)} were not read by this run; ` +
        `a run without --date loads them first, or now: npm start -- --date ${runDate} --force`,
    );
  }

  const rates = await unfetchedRatesNote(report, config);
  if (rates) write(rates);

  write("");
  write("Made:");
  const show = async (label: string, path: string) => {
    if (await bucket.exists(path)) write(`  ${label.padEnd(10)} ${join(bucket.location, path)}`);
  };
  // latest/ (what Looker Studio reads) follows the newest run date: after a run of an older date it still holds a
  // newer date's extracts, so this run's own dated files are listed, with what it takes to show its changes.
  const latestDate = await latestExtractsRunDate(bucket);
  if (latestDate === null || latestDate === runDate) {
    for (const name of EXTRACT_NAMES) await show("extract", latestExtractPath(name));
  } else if (latestDate < runDate) {
    // A newer date whose export has not run (a run stopped before it, or not selected): latest/ still holds an
    // older run date's extracts, and it is this date's export, not the older date's, that brings it forward.
    write(
      `  ${"".padEnd(10)} extracts/latest/ (what Looker Studio reads) still shows ${latestDate}: this run did not export ${runDate}; ` +
        `it shows ${runDate} once a run of this date reaches export (the steps already done are not run again): npm start -- --date ${runDate}`,
    );
  } else {
    for (const name of EXTRACT_NAMES) await show("extract", extractPath(name, runDate));
    write(
      `  ${"".padEnd(10)} extracts/latest/ (what Looker Studio reads) still shows ${latestDate}, the newest run date; ` +
        `it shows this run's changes once ${latestDate} is exported again: npm start -- --date ${latestDate} --from export --force`,
    );
  }
  await show("deck", deckPath(runDate));
  await show("dashboard", dashboardPagePath(runDate));
  const emails = report.records.find((record) => record.step === "notify")?.outputs ?? [];
  for (const email of emails) write(`  ${"email".padEnd(10)} ${email}`);
  write(`  ${"ledger".padEnd(10)} ${join(bucket.location, runPrefix(runDate), "steps")}`);
  const expiredBy = new Map<string, number>();
  for (const item of report.expired) expiredBy.set(item.rule, (expiredBy.get(item.rule) ?? 0) + 1);
  for (const [rule, count] of expiredBy) {
    write(`Expired: ${count} file(s) of ${rule}, older than the bucket's lifecycle keeps them.`);
  }
  write("");
  const engine = report.warehouseStats.engineMs / 1000;
  if (report.message.demo)
    write(
      "These are the generated demo shop's numbers (demo data), not a real shop's. For your own shop: npm start -- init (README, Your shop's data).",
    );
  write(`Done in ${(report.wallMs / 1000).toFixed(1)}s (${engine.toFixed(1)}s in the warehouse engine).`);
  for (const failure of report.failures) {
    write(`FAILED at ${failure.step}: ${failure.error ?? failure.summary ?? "see the ledger"}`);
    // From where the failure says to start, when not the failed step (a transform that needs ingest first).
    const step = failure.rerun?.from ?? failure.step;
    const command = runFromCommand({ step, runDate, force: failure.rerun?.force ?? false });
    write(`  re-run ${failure.rerun ? `from ${step}` : "from there"}: ${command}`);
  }
  const failed = new Set(report.failures.map((failure) => failure.step));
  const notDone = report.notDone.filter((item) => !failed.has(item.step));
  for (const item of notDone) write(`NOT DONE: ${item.step}: ${item.reason}`);
  if (!report.failures.length && notDone[0]) {
    write(`  re-run from there: npm start -- --date ${runDate} --from ${notDone[0].step}`);
  }
  for (const reason of report.failureEmailsNotSent) write(`FAILURE EMAIL NOT SENT: ${reason}`);
}
