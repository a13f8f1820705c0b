// The closing "what to do" slide: actions derived from the run's findings (a mapping from the kind of finding
// to a sentence a founder can act on) and from the numbers (a paid channel whose CPA rose against last month).
// Pure: the same findings and rows always give the same actions, in the same order.
import { addMonths, monthStart } from "../lib/calendar.ts";
import { possessive, sourceDisplayName } from "../lib/reporting/completeness.ts";
import {
  formatChange,
  formatFindingText,
  formatMoney,
  formatWeekdayDate,
  type NumberLocale,
} from "../lib/reporting/display-format.ts";
import { changeRatio } from "../lib/reporting/kpi-comparisons.ts";
import type { ChannelMonthRow } from "../lib/reporting/report-data.ts";
import { channelLabel } from "../lib/sql/channels.ts";
import { type Finding, SEVERITY_RANK, sortFindings } from "../shared/findings.ts";
import { COLUMNS_CHANGED_CHECK } from "../shared/model-columns.ts";
import { type ContentSlide, type Context, full, type TextLine } from "./deck-model.ts";

export interface Action {
  /** What the action is about, so that two findings on one thing give one action. */
  key: string;
  severity: Finding["severity"];
  text: string;
}

/** The thing a finding is about, as people name it: "Meta", "TikTok", "Shopify". */
function subjectName(finding: Finding): string {
  if (finding.source) return sourceDisplayName(finding.source);
  // Source checks name the source in their subject (facebook_ads); the attribution checks a channel (tiktok).
  const asSource = sourceDisplayName(finding.subject);
  return asSource !== finding.subject ? asSource : channelLabel(finding.subject);
}

/** What an action may cite beyond the finding itself: the last day each source has data for. */
export interface ActionFacts {
  lastDay: (source: string) => string | null;
  /** A finding's message as the reader reads it (its dates in the shop's locale). */
  findingText?: (finding: Finding) => string;
}

const NO_FACTS: ActionFacts = { lastDay: () => null };

type ActionRule = (finding: Finding, facts: ActionFacts) => string | null;

/** " (no data since Tue 24 Nov)" when the source's last day is known. */
function since(finding: Finding, facts: ActionFacts): string {
  const day = facts.lastDay(finding.source ?? finding.subject);
  return day ? ` — no data since ${day}` : "";
}

/** Finding kind → the action it asks for. A kind missing here gets the generic "review" action. */
export const ACTION_RULES: Record<string, ActionRule> = {
  connector_auth: (finding) =>
    `Reconnect ${subjectName(finding)}: its API credentials were refused, so nothing new has loaded.`,
  connector_failed: (finding) =>
    `Check the ${subjectName(finding)} connection: the last pull failed; the next run retries the same days.`,
  connector_history_owed: (finding) =>
    `Read older days with care: ${String(finding.observed)} days of ${possessive(subjectName(finding))} history are still to pull, so their spend, ROAS and MER leave it out; the next runs pull them.`,
  source_freshness: (finding, facts) =>
    finding.source === "shopify"
      ? `Check the Shopify feed${since(finding, facts)}: every figure in this deck is incomplete until it catches up.`
      : `Reconnect ${subjectName(finding)}${since(finding, facts)}: until it syncs, spend, ROAS, MER and CAC leave it out.`,
  source_missing: (finding) =>
    `Connect ${subjectName(finding)}: it has never landed, so nothing of it is in the numbers.`,
  attribution_broken: (finding) =>
    `Fix ${possessive(subjectName(finding))} UTM tags: it spent with no attributed revenue, so its ROAS reads as 0.`,
  attribution_no_utms: () =>
    "Add UTM parameters to every ad's URL: without them no sale can be credited to a channel.",
  attribution_coverage: () =>
    "Check the UTM parameters of the ads: fewer orders than usual carry one, so channel ROAS is understated.",
  reconciliation_mismatch: (finding) =>
    `Re-pull ${possessive(subjectName(finding))} days that differ: the warehouse disagrees with its API on ${finding.metric ?? "a total"}.`,
  reconciliation_unavailable: (finding) =>
    `Check ${possessive(subjectName(finding))} API access: its totals could not be reconciled with the warehouse.`,
  ad_account_time_zone: (finding) =>
    `Read ${possessive(subjectName(finding))} daily ROAS and CAC with care: its account counts days in ${String(finding.observed)}, the shop in ${String(finding.expected)} (weekly and monthly figures are sound).`,
  metric_anomaly: (finding) =>
    `Explain the unusual ${(finding.metric ?? finding.subject).replace(/_/g, " ")} flagged in Data quality (a promotion, an event, or a double count).`,
  currency_mismatch: () => "Set the shop's currency in the settings: some amounts are in another currency.",
  duplicated_raw_batch: (finding) =>
    `Check why ${subjectName(finding)} delivered a batch twice (the copies were dropped: nothing is counted double).`,
  null_order_values: () => "Check the orders without a total: they are left out of revenue and AOV.",
  // The rows landed (no sync to fix): what is missing is a rate to count their spend in the shop's currency.
  exchange_rate_missing: (finding) => {
    const currency = String(finding.observed ?? "").split(":")[0] ?? "";
    return currency === "no currency" || currency === ""
      ? `Fix the currency of ${possessive(subjectName(finding))} rows: without one its spend cannot be converted, and is left out of spend, ROAS, MER and CAC.`
      : `Give ${possessive(subjectName(finding))} ${currency} spend its exchange rates: its rows landed, but its days without a rate are left out of spend, ROAS, MER and CAC (which days, and how: Data quality).`;
  },
  // Cloud only (BigQuery's partitions): the statements that do it are in the finding, on the Data quality slides.
  inventory_unpartitioned_table: (finding) =>
    `Have the pipeline's engineer recreate raw.${finding.table ?? finding.subject} partitioned by day on _airbyte_extracted_at (the statements: Data quality): until then every daily run reads its whole history.`,
  transform_cost_jump: () =>
    "Have the pipeline's engineer find the model that now reads all history: the daily BigQuery bill jumped (npm start -- plan --cloud).",
};

/** One action per finding kind and subject, most severe first. */
export function findingActions(findings: readonly Finding[], facts: ActionFacts = NO_FACTS): Action[] {
  const actions = new Map<string, Action>();
  for (const finding of sortFindings(findings)) {
    if (finding.severity === "info" && finding.check !== "attribution_no_utms") continue;
    // Tables the transform already rebuilt after an upgrade changed their columns: said in Data quality, asks nothing.
    if (finding.check === COLUMNS_CHANGED_CHECK) continue;
    const rule = ACTION_RULES[finding.check];
    const message = facts.findingText?.(finding) ?? finding.message;
    const text =
      rule?.(finding, facts) ?? `Review: ${message.length > 140 ? `${message.slice(0, 137)}…` : message}`;
    const key = `${finding.check}|${finding.source ?? finding.subject}`;
    if (!actions.has(key)) actions.set(key, { key, severity: finding.severity, text });
  }
  return [...actions.values()];
}

/** CPA up by more than this against last month is worth a review. */
export const CPA_RISE_THRESHOLD = 0.15;

/**
 * Paid channels whose CPA (spend ÷ attributed orders, the mart's ratio) rose by more than the threshold from
 * last month to this month. A month with a source missing is left out: its CPA counts only what landed.
 */
export function cpaRiseActions(
  rows: readonly ChannelMonthRow[],
  runDate: string,
  fmt: NumberLocale,
  threshold = CPA_RISE_THRESHOLD,
): Action[] {
  const runMonth = monthStart(runDate);
  const previousMonth = addMonths(runMonth, -1);
  const complete = (row: ChannelMonthRow | undefined) => row && row.is_complete !== false && row.cpa !== null;
  return rows
    .filter((row) => row.month === runMonth && row.is_paid_channel)
    .flatMap((row) => {
      const before = rows.find((other) => other.month === previousMonth && other.channel === row.channel);
      if (!complete(row) || !complete(before)) return [];
      const rise = changeRatio(row.cpa, before?.cpa ?? null);
      if (rise === null || rise <= threshold) return [];
      return [
        {
          key: `cpa_rise|${row.channel}`,
          severity: "warning" as const,
          text: `Review ${channelLabel(row.channel)}: its CPA rose ${formatChange(rise, fmt.locale)} to ${formatMoney(row.cpa, fmt, true)} (from ${formatMoney(before?.cpa ?? null, fmt, true)} last month).`,
        },
      ];
    });
}

export const MAX_ACTIONS = 8;

/** Critical alerts first, then the business's own reviews (a CPA that rose), then the other warnings. */
function actionRank(action: Action): number {
  if (action.key.startsWith("cpa_rise|")) return SEVERITY_RANK.critical + 0.5;
  return SEVERITY_RANK[action.severity];
}

export function actionsSlide(ctx: Context): ContentSlide {
  const { data, fmt } = ctx;
  const actions = [
    ...findingActions(data.findings, {
      lastDay: (source) => {
        const day = data.sources.find((status) => status.source === source)?.lastEventDate;
        return day ? formatWeekdayDate(day, ctx.locale) : null;
      },
      findingText: (finding) => formatFindingText(finding.message, ctx.locale),
    }),
    ...cpaRiseActions(data.marts.channelMonths, data.runDate, fmt),
  ]
    .sort((a, b) => actionRank(a) - actionRank(b))
    .slice(0, MAX_ACTIONS);
  const lines: TextLine[] = actions.length
    ? actions.map((action) => ({
        text: action.text,
        bullet: true,
        emphasis: action.severity === "critical" ? ("bad" as const) : ("none" as const),
      }))
    : [
        {
          text: "Nothing to fix: no alert in this run and no paid channel's CPA rose sharply.",
          emphasis: "good",
        },
      ];
  return {
    kind: "actions",
    section: "What to do",
    title: "What to do next",
    subtitle: "From this run's alerts (most severe first) and the paid channels' CPA against last month.",
    blocks: [full({ type: "text", lines })],
    notes: actions.length
      ? `Actions, most urgent first:\n${actions.map((action, index) => `${index + 1}. ${action.text}`).join("\n")}`
      : "No action needed this period.",
  };
}
