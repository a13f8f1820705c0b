// The content model of the 7am summary email: every word and figure the email shows, built from mart rows, the
// run's findings and their history; the HTML and the plain-text renderers (summary-email.ts) only lay it out, so
// the two parts cannot disagree on a number. Pure.
//
// Order matters: a founder on a phone reads the first screen only, so it says the day (revenue, orders, ROAS
// with its completeness mark), the incidents per source with the action to take and how long each has been
// going on, and the reconciliation line. The comparisons, channels, products and the full alert messages follow.
import { arrowFor, formatKpi } from "../lib/reporting/kpi-format.ts";
import { addDays } from "../lib/calendar.ts";
import type { Severity } from "../shared/findings.ts";
import { sortFindings } from "../shared/findings.ts";
import {
  formatChange,
  formatDateRange,
  formatFindingText,
  formatLongDate,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatRatio,
  formatWeekday,
  formatWeekdayDate,
  NOT_AVAILABLE,
  type NumberLocale,
} from "../lib/reporting/display-format.ts";
import { sanitizeHeader } from "../lib/reporting/html.ts";
import {
  type ChangeTone,
  compareKpis,
  comparisonDates,
  type KpiMetric,
  type MetricChange,
  missingSourcesOf,
  monthToDate,
  monthToDateRanges,
} from "../lib/reporting/kpi-comparisons.ts";
import type { ReportData } from "../lib/reporting/report-data.ts";
import { hasPlatformData, notConnected } from "../lib/reporting/paid-spend.ts";
import { channelLabel, channelOfSource, PAID_CHANNELS } from "../lib/sql/channels.ts";
import type { SourceName } from "../shared/raw-schemas.ts";
import {
  baseGapReason,
  coveredRange,
  dataStartNote,
  missingSourceReason,
  missingSourcesCaveat,
  periodSpendCaveat,
  unconvertedSourcesOf,
  sourceDisplayName,
  staleShopBanner,
  trailingDaysPhrase,
} from "../lib/reporting/completeness.ts";
import { firstDataDay, trailingDays } from "../lib/reporting/data-coverage.ts";
import { type AlertDay, alertKey, alertMemories } from "../lib/quality/alert-memory.ts";
import {
  type AlertGroup,
  type ConnectorSources,
  groupAlerts,
  memoryText,
  OTHER_CHECKS,
  resolvedText,
  sourceOfFinding,
} from "./alert-groups.ts";
import { type ReconciliationScoreboard, reconciliationLine } from "./reconciliation-line.ts";
import { retailEventNote } from "./retail-event-note.ts";

export const EMAIL_TOP_PRODUCTS = 5;
/** How a demo run's email says its numbers are invented. */
export const DEMO_MARK = "DEMO DATA";
export const EMAIL_CHANNEL_DAYS = 28;

/** What the email adds to the report's mart rows: the alerts' history, the reconciliation, the links. */
export interface SummaryExtras {
  /** ops.findings' alerts of the run dates before this one (findings-store.ts loadAlertHistory). */
  alertHistory?: readonly AlertDay[];
  /** runs/dt=<date>/reconciliation.json, when the reconciliation ran. */
  reconciliation?: ReconciliationScoreboard | null;
  /** Sources pulled by the pipeline's own connectors: their fix is in DTC Pulse, not in Airbyte. */
  connectorSources?: ConnectorSources;
  /** The run day's dashboard page (reports/dt=<date>/dashboard.html), linked first when present. */
  dashboardPageUrl?: string;
}

const HEADLINE_METRICS: readonly KpiMetric[] = [
  "gross_revenue",
  "orders",
  "aov",
  "new_customers",
  "ad_spend",
  "blended_roas",
  "mer",
];

const HEADLINE_LABELS: Partial<Record<KpiMetric, string>> = {
  gross_revenue: "Revenue (gross)",
  orders: "Orders",
  aov: "AOV",
  new_customers: "New customers",
  ad_spend: "Ad spend",
  blended_roas: "Blended ROAS",
  mer: "MER",
};

/** The three figures of the first screen. */
const DAY_METRICS: readonly { metric: KpiMetric; label: string }[] = [
  { metric: "gross_revenue", label: "Revenue" },
  { metric: "orders", label: "Orders" },
  { metric: "blended_roas", label: "ROAS" },
];

const SEVERITY_LABELS: Record<Severity, string> = { critical: "CRITICAL", warning: "WARNING", info: "INFO" };

export interface ComparisonCell {
  base: string;
  change: string;
  arrow: string;
  tone: ChangeTone;
}

/** One of the first screen's figures: the value, its change against the same weekday last week, its mark. */
export interface DayFigure {
  label: string;
  value: string;
  /** "▲ +24% vs last Sat". */
  change: string;
  tone: ChangeTone;
  /** The completeness mark: "excludes Meta: no data since Mon 16 Nov" when an input had not landed. */
  caveat?: string;
}

export interface HeadlineRow {
  label: string;
  value: string;
  comparisons: ComparisonCell[];
  /** "excludes Meta, TikTok: no data since Tue 24 Nov" when a source the value needs had not landed. */
  caveat?: string;
}

export interface ChannelLine {
  name: string;
  /**
   * Null when the channel has no row for the run day (e.g. a stale source) or its platform is missing that day
   * (not landed, or its spend not converted); so is its ROAS.
   */
  spend: string | null;
  /** Null only when the channel has no row for the run day: the orders attributed to it need no ad platform. */
  attributedRevenue: string | null;
  roas: string | null;
  lastDay: string;
  /**
   * Why the run day's spend and ROAS are n/a when the daily KPIs name the channel's platform missing that day:
   * "spend not converted — no USD exchange rate for Sat 21 Nov 2026" for rows that landed without a rate, else
   * "no data since Fri 20 Nov". Without it, a null spend is a channel with no row for the run day.
   */
  missing?: string;
}

export interface ProductLine {
  rank: number;
  name: string;
  units: string;
  revenue: string;
}

export interface AlertLine {
  severity: string;
  tone: Severity;
  /** The source's name, or "Other checks". */
  source: string;
  /** "new today", "ongoing since 17 Nov (day 5)". */
  memory: string;
  message: string;
}

export interface SummaryModel {
  subject: string;
  /** The primary source (Shopify) is critically stale: said first, above everything else. */
  staleShop?: string;
  shopName: string;
  heading: string;
  /** Revenue, orders, ROAS of the run day. */
  day: DayFigure[];
  /** "Last Fri (27 Nov) was during Black Friday – Cyber Monday weekend: …" when the day figures compare across one. */
  retailEvent?: string;
  /** Today's alerts per source, the worst first. */
  incidents: AlertGroup[];
  /** "Meta: data late (5 days, from 16 Nov)" for each alert that stopped since yesterday. */
  resolved: string[];
  /** The API-vs-warehouse reconciliation in one line, when it ran. */
  reconciliation?: string;
  comparisonHeaders: string[];
  /** Said once when some comparison days are before the first day of data, which are then not shown. */
  comparisonsNote?: string;
  headline: HeadlineRow[];
  monthToDate: string;
  channels: ChannelLine[];
  channelsHeading: string;
  /**
   * What the channels section says without a channel: "No channel data in the last 28 days.", or a young shop's
   * "No channel data since the data began on Fri 20 Nov (10 days)."
   */
  channelsEmpty: string;
  products: ProductLine[];
  productsHeading: string;
  alerts: AlertLine[];
  infoCount: number;
  links: { label: string; url: string }[];
  footer: string;
}

function comparisonCell(metric: KpiMetric, change: MetricChange, fmt: NumberLocale): ComparisonCell {
  return {
    base: formatKpi(metric, change.base, fmt),
    change: formatChange(change.change, fmt.locale),
    arrow: arrowFor(change.direction),
    tone: change.tone,
  };
}

/**
 * The days the headline figures are compared with, less those before the first day of data: a shop's first weeks
 * read "vs Sat 14 Nov: n/a (n/a)" and "vs Sat 22 Nov 2025: n/a (n/a)" under every figure, seven times over, for
 * days it has no data for. They are left out, and said once ("No comparison with Sat 14 Nov or Sat 22 Nov 2025: the
 * data begins Fri 20 Nov."). A base day inside the data without a row (no order, no spend) stays: it is a day.
 */
function comparisonBases(
  dates: ReturnType<typeof comparisonDates>,
  dataFrom: string | null,
  locale: string,
): { shown: { key: ComparisonBaseKey; header: string }[]; note?: string } {
  const all = (
    [
      ["previousDay", formatWeekdayDate(dates.previousDay, locale)],
      ["lastWeek", formatWeekdayDate(dates.lastWeek, locale)],
      ["lastYear", formatLongDate(dates.lastYear, locale)],
    ] as const
  ).map(([key, named]) => ({ key, day: dates[key], named, header: `vs ${named}` }));
  const before = all.filter((base) => dataFrom !== null && base.day < dataFrom);
  if (dataFrom === null || !before.length) return { shown: all };
  const named = before.map((base) => base.named);
  const listed = named.length > 1 ? `${named.slice(0, -1).join(", ")} or ${named.at(-1)}` : named.join("");
  return {
    shown: all.filter((base) => base.day >= dataFrom),
    note: `No comparison with ${listed}: the data begins ${formatWeekdayDate(dataFrom, locale)}.`,
  };
}

type ComparisonBaseKey = "previousDay" | "lastWeek" | "lastYear";

/**
 * What the subject and the headline figures compare with: the same weekday a week before, or, in a shop's first
 * week of data, the day before ("vs Fri 20 Nov"), or nothing on its first day. "n/a vs last Sat" under every
 * headline figure said only that the shop had no data then, which the comparison section says once.
 */
function headlineBase(
  dates: ReturnType<typeof comparisonDates>,
  dataFrom: string | null,
  weekday: string,
  locale: string,
): { key: "lastWeek" | "previousDay"; label: string } | undefined {
  if (dataFrom === null || dates.lastWeek >= dataFrom)
    return { key: "lastWeek", label: `vs last ${weekday}` };
  if (dates.previousDay >= dataFrom)
    return { key: "previousDay", label: `vs ${formatWeekdayDate(dates.previousDay, locale)}` };
  return undefined;
}

export const plural = (count: number, one: string, many: string): string =>
  `${count} ${count === 1 ? one : many}`;

export function buildSummaryModel(data: ReportData, extras: SummaryExtras = {}): SummaryModel {
  const fmt: NumberLocale = { currency: data.shop.currency, locale: data.shop.locale };
  const { locale } = fmt;
  const dates = comparisonDates(data.runDate);
  const runDay = formatWeekdayDate(data.runDate, locale);
  const weekday = formatWeekday(data.runDate, locale);
  const comparisons = compareKpis(data.daily, data.runDate, HEADLINE_METRICS);
  const dataFrom = firstDataDay(data.daily);
  const bases = comparisonBases(dates, dataFrom, locale);
  const headline = headlineBase(dates, dataFrom, weekday, locale);
  const byMetric = new Map(comparisons.map((comparison) => [comparison.metric, comparison]));
  const caveatOf = (metric: KpiMetric) => {
    const missing = byMetric.get(metric)?.missingSources ?? [];
    return missing.length ? missingSourcesCaveat(data.daily, missing, data.runDate, locale) : undefined;
  };

  const findings = sortFindings(data.findings);
  const alerts = findings.filter((finding) => finding.severity !== "info");

  // Shopify critically stale: the day's sales are not in yet, so no number below is the day's business.
  const shopify = data.sources.find((source) => source.source === "shopify" && source.status === "critical");
  const staleShop = staleShopBanner(data, locale);
  const revenue = byMetric.get("gross_revenue");
  const roas = byMetric.get("blended_roas");
  // An incomplete ROAS is never the subject's headline: the subject says what it is waiting for instead, data or
  // an exchange rate ("no Meta data" would send the reader to reconnect a platform whose rows did land).
  const roasMissing = roas?.missingSources ?? [];
  const runDayRates = unconvertedSourcesOf(data.daily.find((row) => row.date === data.runDate));
  const namesOf = (sources: readonly string[]) => sources.map(sourceDisplayName).join(", ");
  const roasWaitsFor = [
    ...(roasMissing.some((source) => !runDayRates.has(source))
      ? [`no ${namesOf(roasMissing.filter((source) => !runDayRates.has(source)))} data`]
      : []),
    ...(roasMissing.some((source) => runDayRates.has(source))
      ? [`${namesOf(roasMissing.filter((source) => runDayRates.has(source)))} spend not converted`]
      : []),
  ].join("; ");
  const subject = sanitizeHeader(
    [
      ...(data.demo ? [DEMO_MARK] : []),
      data.shop.name,
      runDay,
      shopify
        ? shopify.lastEventDate
          ? `Shopify data stale (last order day ${formatWeekdayDate(shopify.lastEventDate, locale)})`
          : "No Shopify orders loaded yet"
        : `${formatMoneyCompact(revenue?.value, fmt)} revenue${headline ? ` (${formatChange(revenue?.[headline.key].change, locale)} ${headline.label})` : ""}`,
      roasMissing.length
        ? `ROAS incomplete (${roasWaitsFor})`
        : `ROAS ${formatRatio(roas?.value, locale, 1)}`,
      plural(alerts.length, "alert", "alerts"),
    ].join(" · "),
  );

  const day: DayFigure[] = DAY_METRICS.map(({ metric, label }) => {
    const comparison = byMetric.get(metric);
    const change = headline ? comparison?.[headline.key] : undefined;
    const arrow = arrowFor(change?.direction ?? null);
    const caveat = caveatOf(metric);
    return {
      label,
      value: formatKpi(metric, comparison?.value ?? null, fmt),
      change: headline
        ? `${arrow ? `${arrow} ` : ""}${formatChange(change?.change, locale)} ${headline.label}`
        : "first day of data",
      tone: change?.tone ?? "neutral",
      ...(caveat ? { caveat } : {}),
    };
  });

  const retailEvent = retailEventNote(
    data.shop.country ?? "US",
    data.runDate,
    dates.lastWeek,
    weekday,
    locale,
  );

  const memories = alertMemories(alerts, extras.alertHistory ?? [], data.runDate);
  const connectors = extras.connectorSources ?? new Set<string>();
  const incidents = groupAlerts(alerts, memories, data.sources, connectors, locale);
  const reconciliation = reconciliationLine(extras.reconciliation, locale);

  const mtd = monthToDate(data.daily, data.runDate);
  const ranges = monthToDateRanges(data.runDate);
  const mtdCaveat = periodSpendCaveat(data.daily, mtd.current, data.runDate, locale);
  // A shop's first month: the figures are over the days since its first day of data, and say so; a month before
  // the data is n/a with its reason, never a 0.
  const shown = coveredRange(ranges.current, mtd.coverage.current);
  const since = dataStartNote(mtd.coverage.current, locale);
  const gap = baseGapReason(mtd.coverage.previous, ranges.previous, locale);
  const against = gap
    ? `vs ${NOT_AVAILABLE} (${gap})`
    : `vs ${formatMoney(mtd.previous?.gross_revenue, fmt)} for ${formatDateRange(ranges.previous.from, ranges.previous.to, locale)} (${formatChange(mtd.changes.gross_revenue.change, locale)})`;
  const monthToDateLine = `Month to date (${formatDateRange(shown.from, shown.to, locale)}${since ? `, ${since}` : ""}): revenue ${formatMoney(mtd.current?.gross_revenue, fmt)} ${against}; ad spend ${formatMoney(mtd.current?.ad_spend, fmt)}; blended ROAS ${formatRatio(mtd.current?.blended_roas, locale, 2, "×")}${mtdCaveat ? ` (incomplete: ${mtdCaveat})` : ""}.`;

  const windowStart = addDays(data.runDate, -(EMAIL_CHANNEL_DAYS - 1));
  const window = data.channels.filter((row) => row.date >= windowStart && row.date <= data.runDate);
  const channelNames = [...new Set(window.map((row) => row.channel))];
  const spendOf = (channel: string) =>
    window.filter((row) => row.channel === channel).reduce((sum, row) => sum + row.spend, 0);
  channelNames.sort((a, b) => spendOf(b) - spendOf(a) || a.localeCompare(b));
  // A channel whose ad platform is missing on the run day (its rows had not landed, or landed without an exchange
  // rate): its spend there is unknown in the shop's money (the mart's 0 is not a day without spend), and so is its
  // ROAS, said with why ("spend not converted — no USD exchange rate for …" asks for the rate, not for data). Its
  // attributed revenue is the shop's own orders, in the shop's money: known, and shown.
  const runDayMissing = missingSourcesOf(data.daily.find((row) => row.date === data.runDate));
  const channels: ChannelLine[] = channelNames.map((channel) => {
    const rows = window.filter((row) => row.channel === channel);
    const platform = runDayMissing.find((source) => channelOfSource(source as SourceName) === channel);
    // A paid channel whose ad platform the shop has not connected, with orders by its UTMs (utm_source=tiktok
    // from organic posts): its spend is no figure at all, n/a and said so, never $0 (as on the deck).
    const unconnected =
      PAID_CHANNELS.includes(channel) && notConnected(data, channel) && !hasPlatformData(rows);
    // A channel that buys no ads (no ad platform: direct & organic, email) without a row on the run day had no
    // order that day: nothing happened, no spend and no revenue. It read "no data since Fri 20 Nov", a stale
    // source's words, on a day every order came by a UTM. A paid channel without a row keeps them: its platform's.
    const today =
      rows.find((row) => row.date === data.runDate) ??
      (PAID_CHANNELS.includes(channel) && !unconnected
        ? undefined
        : { spend: 0, attributed_revenue: 0, roas: null });
    const spendKnown = today !== undefined && platform === undefined && !unconnected;
    const lastDay =
      rows
        .map((row) => row.date)
        .sort()
        .at(-1) ?? null;
    return {
      name: channelLabel(channel),
      spend: spendKnown ? formatMoney(today.spend, fmt) : null,
      attributedRevenue: today ? formatMoney(today.attributed_revenue, fmt) : null,
      roas: spendKnown ? formatRatio(today.roas, locale, 2, "×") : null,
      lastDay: formatWeekdayDate(lastDay, locale),
      ...(platform
        ? { missing: missingSourceReason(data.daily, platform, data.runDate, locale) }
        : unconnected
          ? { missing: "not connected" }
          : {}),
    };
  });

  const links: SummaryModel["links"] = [];
  if (extras.dashboardPageUrl) links.push({ label: "Today's dashboard page", url: extras.dashboardPageUrl });
  if (data.links.dashboard) links.push({ label: "Open the dashboard", url: data.links.dashboard });
  if (data.links.deck) links.push({ label: "Download the deck", url: data.links.deck });

  return {
    subject,
    ...(staleShop ? { staleShop } : {}),
    shopName: data.demo ? `${data.shop.name} — ${DEMO_MARK}, not a real shop's numbers` : data.shop.name,
    heading: `Daily summary — ${formatLongDate(data.runDate, locale)}`,
    day,
    ...(retailEvent ? { retailEvent } : {}),
    incidents,
    resolved: resolvedText(memories, data.runDate, locale),
    ...(reconciliation ? { reconciliation } : {}),
    comparisonHeaders: bases.shown.map((base) => base.header),
    ...(bases.note ? { comparisonsNote: bases.note } : {}),
    headline: comparisons.map((comparison) => ({
      label: HEADLINE_LABELS[comparison.metric] ?? comparison.metric,
      value: formatKpi(comparison.metric, comparison.value, fmt),
      comparisons: bases.shown.map((base) => comparisonCell(comparison.metric, comparison[base.key], fmt)),
      ...(comparison.missingSources.length
        ? { caveat: missingSourcesCaveat(data.daily, comparison.missingSources, data.runDate, locale) }
        : {}),
    })),
    monthToDate: monthToDateLine,
    channels,
    channelsHeading: `Channels — ${runDay}`,
    channelsEmpty: `No channel data ${trailingDaysPhrase(trailingDays(data.daily, data.runDate, EMAIL_CHANNEL_DAYS), locale)}.`,
    products: data.topProducts.slice(0, EMAIL_TOP_PRODUCTS).map((product, index) => ({
      rank: index + 1,
      name: product.product_title,
      units: formatNumber(product.units, locale),
      revenue: formatMoney(product.revenue, fmt),
    })),
    productsHeading: `Top products — ${runDay}`,
    alerts: alerts.map((finding) => {
      const source = sourceOfFinding(finding);
      return {
        severity: SEVERITY_LABELS[finding.severity],
        tone: finding.severity,
        source: source ? sourceDisplayName(source) : OTHER_CHECKS,
        memory: memoryText(memories.today.get(alertKey(finding)), locale),
        message: formatFindingText(finding.message, locale),
      };
    }),
    infoCount: findings.length - alerts.length,
    links,
    footer: `Sent by DTC Pulse for ${data.shop.name}, run date ${formatLongDate(data.runDate, locale)}.`,
  };
}
