// Business rules over aggregated rows: pure functions from rows (and detector verdicts) to findings, each with
// a severity, what it is about, the observed value, the expected range and one plain-English sentence.
import { INGEST_METRICS } from "../shared/ingest-metrics.ts";
import { SOURCES } from "../shared/sources.ts";
import { currencyMinorUnits } from "../lib/currency.ts";
import { addDays, daysBetween, weekdayName } from "../lib/calendar.ts";
import type { Finding, Severity } from "../shared/findings.ts";
import { CHANNEL_WITHOUT_UTM_SOURCE, channelLabel } from "../lib/sql/channels.ts";
import { type AnomalyVerdict, mad, median } from "../lib/quality/anomaly.ts";
import { type LastYearComparison, signedPercent } from "../lib/quality/last-year.ts";
import type { QualitySettings } from "../shared/quality-settings.ts";

type RuleFinding = Omit<Finding, "step">;

function percent(share: number, digits = 0): string {
  return `${(share * 100).toFixed(digits)}%`;
}

export interface ChannelWindowRow {
  channel: string;
  days_with_spend: number;
  days_spend_without_revenue: number;
  spend_without_revenue: number;
  first_day: string | null;
  last_day: string | null;
}

/** Spend > 0 with attributed revenue = 0: the tracking is broken, not the channel. */
export function attributionFindings(
  rows: readonly ChannelWindowRow[],
  windowDays: number,
  formatMoney: (value: number) => string,
): RuleFinding[] {
  return rows
    .filter((row) => row.days_spend_without_revenue > 0)
    .map((row) => ({
      check: "attribution_broken",
      // One such day happens to small channels; two or more in a week is a broken link or pixel.
      severity: row.days_spend_without_revenue >= 2 ? "critical" : "warning",
      blocking: false,
      subject: row.channel,
      table: "marts.marketing_daily_channel",
      metric: "attributed_revenue",
      observed: 0,
      expected: "> 0 when spend > 0",
      message: `${channelLabel(row.channel)} spent ${formatMoney(row.spend_without_revenue)} with ${formatMoney(0)} attributed revenue on ${row.days_spend_without_revenue} of the last ${windowDays} days (${row.first_day} to ${row.last_day}): UTM attribution looks broken.`,
    }));
}

export interface CoverageDay {
  date: string;
  channel: string;
  orders: number;
  orders_with_utm: number;
}

/**
 * A shop whose orders carry no UTM at all (over the whole history read) has no attribution to break: one
 * information with the advice, instead of a daily "attribution looks broken" for every channel that spends.
 */
export function noUtmFinding(days: readonly CoverageDay[], minOrders: number): RuleFinding | undefined {
  const orders = days.reduce((sum, day) => sum + Number(day.orders), 0);
  const withUtm = days.reduce((sum, day) => sum + Number(day.orders_with_utm), 0);
  if (withUtm > 0 || orders < Math.max(1, minOrders)) return undefined;
  return {
    check: "attribution_no_utms",
    severity: "info",
    blocking: false,
    subject: "attribution",
    table: "unified.shopify_unified",
    metric: "attribution_coverage",
    observed: 0,
    expected: "orders with a UTM source",
    message: `None of the ${orders.toLocaleString("en-US")} orders read carries a UTM source, so no sale can be credited to an ad channel and channel ROAS is not measured (blended ROAS and MER are). To measure it, add UTM parameters to every ad's URL (e.g. Meta: utm_source=facebook&utm_medium=paid_social&utm_campaign={{campaign.name}}; Google Ads: auto-tagging plus a tracking template with utm_source=google&utm_medium=cpc), or keep them in the order's note attributes (utm_source, utm_medium, utm_campaign).`,
  };
}

export interface CoverageInput {
  runDate: string;
  /** Orders per day and channel over the window and the history before it. */
  days: readonly CoverageDay[];
  settings: QualitySettings;
}

export interface CoverageMeasure {
  windowStart: string;
  windowOrders: number;
  windowCoverage: number | null;
  /** Median coverage of the earlier blocks of the same length (null without enough history). */
  usualCoverage: number | null;
  /** The lowest coverage that is still normal. */
  floor: number | null;
  /** Channels whose share of orders fell by half or more: the likely place of the break. */
  fallenChannels: { channel: string; share: number; usualShare: number }[];
}

/**
 * UTM coverage: the share of orders with a UTM source over the attribution window, with the usual coverage of
 * the earlier blocks of the same length (median, so one bad week in the history does not move it) and the
 * channels whose share of orders collapsed.
 */
export function measureCoverage(input: CoverageInput): CoverageMeasure {
  const { windowDays, maxCoverageDrop } = input.settings.attribution;
  const { trainingWeeks, sensitivity } = input.settings.anomaly;
  const windowStart = addDays(input.runDate, -(windowDays - 1));
  const maxBlock = Math.ceil((trainingWeeks * 7) / windowDays);
  const blocks = new Map<number, { orders: number; withUtm: number; channels: Map<string, number> }>();
  for (const day of input.days) {
    if (day.date > input.runDate) continue;
    // Block 0 is the window; 1, 2, … the equally long blocks before it.
    const block = day.date >= windowStart ? 0 : Math.ceil(daysBetween(day.date, windowStart) / windowDays);
    if (block > maxBlock) continue;
    const entry = blocks.get(block) ?? { orders: 0, withUtm: 0, channels: new Map<string, number>() };
    entry.orders += Number(day.orders);
    entry.withUtm += Number(day.orders_with_utm);
    entry.channels.set(day.channel, (entry.channels.get(day.channel) ?? 0) + Number(day.orders));
    blocks.set(block, entry);
  }
  const window = blocks.get(0);
  const history = [...blocks.entries()].filter(([block, entry]) => block > 0 && entry.orders > 0);
  const coverages = history.map(([, entry]) => entry.withUtm / entry.orders);
  const enough = coverages.length >= input.settings.anomaly.minTrainingPoints;
  const usualCoverage = enough ? median(coverages) : null;
  const floor =
    usualCoverage === null
      ? null
      : usualCoverage - Math.max(maxCoverageDrop, sensitivity * 1.4826 * mad(coverages));
  const fallenChannels: CoverageMeasure["fallenChannels"] = [];
  if (window && window.orders > 0 && enough) {
    const historyOrders = history.reduce((sum, [, entry]) => sum + entry.orders, 0);
    const channels = new Set(history.flatMap(([, entry]) => [...entry.channels.keys()]));
    for (const channel of [...channels].sort()) {
      if (channel === CHANNEL_WITHOUT_UTM_SOURCE) continue;
      const usualShare =
        history.reduce((sum, [, entry]) => sum + (entry.channels.get(channel) ?? 0), 0) / historyOrders;
      const share = (window.channels.get(channel) ?? 0) / window.orders;
      if (usualShare >= 0.01 && share <= usualShare / 2) fallenChannels.push({ channel, share, usualShare });
    }
  }
  return {
    windowStart,
    windowOrders: window?.orders ?? 0,
    windowCoverage: window && window.orders > 0 ? window.withUtm / window.orders : null,
    usualCoverage,
    floor,
    fallenChannels,
  };
}

/** A finding when UTM coverage fell (history mode) or is under the fixed bar (threshold mode). */
export function coverageFinding(measure: CoverageMeasure, input: CoverageInput): RuleFinding | undefined {
  const { attribution } = input.settings;
  const coverage = measure.windowCoverage;
  if (coverage === null || measure.windowOrders < attribution.minOrders) return undefined;
  const period = `${measure.windowStart} to ${input.runDate}`;
  const where =
    measure.fallenChannels.length > 0
      ? ` Orders attributed to ${measure.fallenChannels
          .map(
            (item) =>
              `${channelLabel(item.channel)} (${percent(item.share, 1)} of orders, usually ${percent(item.usualShare, 1)})`,
          )
          .join(" and ")} fell the most: check the UTM parameters of their ads.`
      : " Check that ad links still carry their UTM parameters.";
  const base = {
    check: "attribution_coverage",
    severity: "warning" as const,
    blocking: false,
    subject: "utm_source",
    table: "unified.shopify_unified",
    column: "utm_source",
    metric: "attribution_coverage",
    observed: Number(coverage.toFixed(4)),
  };
  if (attribution.coverageMode === "threshold") {
    if (coverage >= attribution.coverageThreshold) return undefined;
    return {
      ...base,
      expected: `≥ ${percent(attribution.coverageThreshold)}`,
      message: `Only ${percent(coverage)} of orders from ${period} carry a UTM source (the bar is ${percent(attribution.coverageThreshold)}): the rest cannot be credited to a channel.${where}`,
    };
  }
  if (measure.usualCoverage === null || measure.floor === null || coverage >= measure.floor) return undefined;
  return {
    ...base,
    expected: `≥ ${percent(Math.max(0, measure.floor), 1)} (usually ${percent(measure.usualCoverage, 1)})`,
    message: `Only ${percent(coverage)} of orders from ${period} carry a UTM source, against ${percent(measure.usualCoverage)} usually: channel ROAS is understated.${where}`,
  };
}

/** The reject rate of the run's file drops, from the ingest step's metrics (absent when nothing was ingested). */
export function rejectRateFinding(
  metrics: Readonly<Record<string, number>> | undefined,
  maxRejectRate: number,
): RuleFinding | undefined {
  const read = metrics?.[INGEST_METRICS.fileRowsRead];
  const quarantined = metrics?.[INGEST_METRICS.fileRowsQuarantined];
  if (typeof read !== "number" || typeof quarantined !== "number" || !(read > 0)) return undefined;
  const rate = quarantined / read;
  if (rate <= maxRejectRate) return undefined;
  return {
    check: "file_drop_reject_rate",
    // Half a file rejected is a wrong export format or mapping, not a few bad rows.
    severity: rate > 0.5 ? "critical" : "warning",
    blocking: false,
    subject: "file drops",
    metric: "reject_rate",
    observed: Number(rate.toFixed(4)),
    expected: `≤ ${percent(maxRejectRate)}`,
    message: `${percent(rate, 1)} of the rows in today's file drops were rejected (${quarantined.toLocaleString("en-US")} of ${read.toLocaleString("en-US")}); they are in quarantine/ with the reason for each, and are missing from the numbers.`,
  };
}

export type BusinessMetric = "gross_revenue" | "orders" | "aov" | "spend";

export interface MetricAnomalyInput {
  metric: BusinessMetric;
  verdict: AnomalyVerdict;
  /** For spend: the channel. */
  channel?: string;
  settings: QualitySettings;
  formatMoney: (value: number) => string;
  /** For spend: the day's revenue change against its usual level ((observed − expected) / expected). */
  revenueChange?: number | null;
  /** The day against its comparable day last year (lib/quality/last-year.ts), when it was compared. */
  lastYear?: LastYearComparison;
}

const METRIC_LABELS: Record<BusinessMetric, string> = {
  gross_revenue: "Revenue",
  orders: "Orders",
  aov: "AOV",
  spend: "Ad spend",
};

/** A finding for an anomalous day of revenue, orders, AOV or a channel's spend. */
export function metricAnomalyFinding(input: MetricAnomalyInput): RuleFinding | undefined {
  const { verdict, metric, settings } = input;
  if (verdict.status !== "anomaly" || verdict.observed === null || verdict.expected === null)
    return undefined;
  const money = metric !== "orders";
  const show = (value: number) =>
    money ? input.formatMoney(value) : Math.round(value).toLocaleString("en-US");
  const label =
    metric === "spend" && input.channel ? `${channelLabel(input.channel)} spend` : METRIC_LABELS[metric];
  const drop = verdict.direction === "drop";
  const change = verdict.expected !== 0 ? Math.abs(verdict.observed / verdict.expected - 1) : 1;
  const shopMetric = metric === "gross_revenue" || metric === "orders";
  // Spend that rises with revenue is a push (a sale, the run-up to Black Friday); spend that rises alone is
  // money going out without sales behind it. During a sale spend grows faster than discounted revenue, so
  // "with revenue" means revenue up by at least 10% and by at least a quarter of the spend increase.
  const revenueFollowed =
    metric === "spend" && !drop && input.revenueChange !== undefined && input.revenueChange !== null
      ? input.revenueChange >= Math.max(0.1, change / 4)
      : false;
  let severity: Severity;
  if (drop) severity = shopMetric && change >= settings.anomaly.criticalDropShare ? "critical" : "warning";
  // More sales than usual is good news unless the data doubled; spending more than planned costs money.
  else severity = metric === "spend" && !revenueFollowed ? "warning" : "info";
  const direction = drop ? `${Math.round(change * 100)}% under` : `${Math.round(change * 100)}% over`;
  const subject = metric === "spend" && input.channel ? `spend ${input.channel}` : metric;
  const table = metric === "spend" ? "marts.marketing_daily_channel" : "marts.daily_kpis";
  const expected = `${show(verdict.lower ?? 0)}–${show(verdict.upper ?? 0)}`;
  const what = `${label} on ${weekdayName(verdict.date)} ${verdict.date} was ${show(verdict.observed)}, ${direction} the usual ${show(verdict.expected)} for that weekday`;
  const lastYear = input.lastYear;
  const event = lastYear?.event;
  // The comparable day last year moved as much: the calendar explains it, so it is a note, not an anomaly.
  if (lastYear?.verdict === "in_line" && lastYear.thisYear && lastYear.lastYear) {
    const period = event ? event.name : `the same ${weekdayName(lastYear.lastYear.date)}`;
    return {
      check: "metric_in_line_with_last_year",
      severity: "info",
      blocking: false,
      subject,
      table,
      metric,
      observed: Number(verdict.observed.toFixed(2)),
      expected,
      message: `${what}: in line with ${period} last year (${signedPercent(lastYear.thisYear.lift)} vs ${signedPercent(lastYear.lastYear.lift)} on ${lastYear.lastYear.date}, each against its own 28-day median).`,
    };
  }
  // A calendar day with nothing to compare it with: say what the day is, without suspecting the data.
  if (event && lastYear?.verdict === "no_history") {
    const lift = lastYear.thisYear?.lift ?? verdict.relativeChange ?? 0;
    return {
      check: "metric_anomaly",
      severity: severity === "critical" ? "warning" : severity,
      blocking: false,
      subject,
      table,
      metric,
      observed: Number(verdict.observed.toFixed(2)),
      expected,
      message: `${event.name}: a ${drop ? "drop" : "spike"} of ${signedPercent(lift)} in ${metric === "spend" ? label : label.toLowerCase()} (${show(verdict.observed)} on ${weekdayName(verdict.date)} ${verdict.date}, usually ${show(verdict.expected)} for that weekday); no last-year data to compare.`,
    };
  }
  const comparedText =
    lastYear?.verdict === "unexplained" && lastYear.thisYear && lastYear.lastYear
      ? ` ${event ? `It is ${event.name}, but ` : ""}${event ? "the" : "The"} comparable day last year (${lastYear.lastYear.date}) moved ${signedPercent(lastYear.lastYear.lift)} against ${signedPercent(lastYear.thisYear.lift)} now, each against its own 28-day median.`
      : "";
  const hint = drop
    ? shopMetric
      ? " Check the store, checkout and payments before reading the day's numbers."
      : metric === "spend"
        ? " Campaigns may be paused or the ad account may have a billing problem."
        : ""
    : metric === "spend"
      ? revenueFollowed
        ? ` Revenue is up ${Math.round((input.revenueChange ?? 0) * 100)}% too, so this looks like a planned push.`
        : " Revenue did not rise with it: check budgets and bids."
      : shopMetric
        ? " If no promotion explains it, check for orders counted twice."
        : "";
  return {
    check: "metric_anomaly",
    severity,
    blocking: false,
    subject,
    table,
    metric,
    observed: Number(verdict.observed.toFixed(2)),
    expected,
    message: `${what} (normal range ${expected}).${comparedText}${hint}`,
  };
}

/** A finding for a column whose NULL rate jumped against its own history. */
export function nullRateFinding(
  table: string,
  column: string,
  verdict: AnomalyVerdict,
): RuleFinding | undefined {
  if (verdict.status !== "anomaly" || verdict.direction !== "spike" || verdict.observed === null)
    return undefined;
  return {
    check: "null_rate",
    severity: "warning",
    blocking: false,
    subject: `${table}.${column}`,
    table,
    column,
    metric: "null_rate",
    observed: Number(verdict.observed.toFixed(4)),
    expected: `≤ ${percent(verdict.upper ?? 0, 1)}`,
    message: `${percent(verdict.observed, 1)} of ${table} rows for ${verdict.date} have no ${column}, against ${percent(verdict.expected ?? 0, 1)} usually: a source field may have stopped arriving.`,
  };
}

export interface NullOrderValues {
  orders_missing_value: number;
  first_day: string | null;
  last_day: string | null;
}

export function nullOrderValuesFinding(row: NullOrderValues | undefined): RuleFinding | undefined {
  const count = Number(row?.orders_missing_value ?? 0);
  if (!(count > 0)) return undefined;
  return {
    check: "null_order_values",
    severity: "warning",
    blocking: false,
    subject: "shopify_unified.total_price",
    table: "unified.shopify_unified",
    column: "total_price",
    observed: count,
    expected: "0",
    message: `${count} Shopify order${count === 1 ? "" : "s"} placed between ${row?.first_day} and ${row?.last_day} ha${count === 1 ? "s" : "ve"} no order value (total_price is NULL); revenue and AOV leave them out.`,
  };
}

export function duplicatedBatchFinding(batch: { order_date: string; orders: number }): RuleFinding {
  return {
    check: "duplicated_raw_batch",
    // Staging keeps one copy, so the numbers are right; the loader still needs a look.
    severity: "warning",
    blocking: false,
    subject: `shopify_orders ${batch.order_date}`,
    source: "shopify",
    table: "raw.shopify_orders",
    observed: Number(batch.orders),
    expected: "0 duplicated orders",
    message: `A batch of ${batch.orders} Shopify orders from ${batch.order_date} landed twice in the raw data; the copies were removed in staging and counted once.`,
  };
}

export function currencyFinding(
  table: string,
  currencies: readonly { currency: string | null; row_count: number }[],
  shopCurrency: string,
): RuleFinding | undefined {
  const foreign = currencies.filter((row) => row.currency !== shopCurrency);
  if (foreign.length === 0) return undefined;
  const rows = foreign.reduce((sum, row) => sum + Number(row.row_count), 0);
  const names = foreign.map((row) => row.currency ?? "none").join(", ");
  return {
    check: "currency_mismatch",
    severity: "warning",
    blocking: false,
    subject: `${table}.currency`,
    table,
    column: "currency",
    observed: names,
    expected: shopCurrency,
    message: `${rows.toLocaleString("en-US")} rows of ${table} in the run window are in ${names}, not the shop's ${shopCurrency}: they are added up as if they were ${shopCurrency}.`,
  };
}

/** One day of an ad account whose spend is in another currency than the shop's and has no exchange rate. */
export interface DayWithoutRate {
  platform: string;
  account_id: string;
  account_currency: string | null;
  /** YYYY-MM-DD */
  date: string;
  /** The account's spend that day, in its own currency. */
  account_spend: number | string;
}

/** Where the exchange rates come from (exchangeRates.source): fetched from the ECB each run, or dropped files only. */
export type RatesSource = "ecb" | "files";

/**
 * What to do about days without a rate, as the rates reach the warehouse: the ECB fetch asks each run for its
 * window's rates (all history's on a --full-refresh), so a day in the window without one means the fetch failed
 * or the ECB publishes no rate of the currency; without the fetch, only a rates file gives them.
 */
function missingRateRemedy(ratesSource: RatesSource, currencies: readonly string[]): string {
  const file = "drop an fx_rates.csv (date, currency, rate per euro) covering those days in the inbox";
  if (ratesSource === "files")
    return `exchangeRates.source is "files", so no rate is fetched: ${file}, or set exchangeRates.source to "ecb" to have each run fetch the ECB's euro reference rates.`;
  return (
    `Each run fetches the ECB's euro reference rates of ${currencies.join(" and ")} for its window ` +
    `(exchangeRates.source "ecb"): if that fetch failed (exchange_rates_fetch_failed), the next run asks again; ` +
    `if the ECB publishes no rate of ${currencies.join(" or ")}, ${file}; for days before the run window, a run ` +
    `with --full-refresh --force fetches the rates back to the oldest ad day.`
  );
}

/**
 * Ad spend the warehouse could not convert to the shop's currency: an account in another currency (Meta bills many
 * accounts in USD whatever the shop sells in) on days without an exchange rate (a rates file that ends too early,
 * a currency the ECB does not quote, a failed fetch, an account without a currency). That spend is left out of the
 * shop's figures, never added up as if it were the shop's money, and those days are marked incomplete: one warning
 * per account and currency, naming the days, the rates missing (staging.stg_fx_rates lets a day take a rate up to 7
 * days older, so none landed in that week), the spend left out, and how to give the rates with `ratesSource`.
 */
export function missingRateFindings(
  days: readonly DayWithoutRate[],
  shopCurrency: string,
  ratesSource: RatesSource,
): RuleFinding[] {
  const accounts = new Map<string, DayWithoutRate[]>();
  for (const day of days) {
    const key = JSON.stringify([day.platform, day.account_id, day.account_currency]);
    accounts.set(key, [...(accounts.get(key) ?? []), day]);
  }
  return [...accounts.values()].map((accountDays) => {
    const first = accountDays[0] as DayWithoutRate;
    const currency = first.account_currency ?? "no currency";
    const places = first.account_currency ? currencyMinorUnits(first.account_currency) : 2;
    const spend = accountDays.reduce((sum, day) => sum + Number(day.account_spend), 0);
    const dates = [...new Set(accountDays.map((day) => day.date))].sort();
    const platform = SOURCES.find((source) => source.name === first.platform)?.label ?? first.platform;
    const amount = spend.toLocaleString("en-US", {
      minimumFractionDigits: places,
      maximumFractionDigits: places,
    });
    const days = `${dates.length === 1 ? "" : `${dates.length} days: `}${dates.join(", ")}`;
    const leftOut = "is left out of spend, ROAS, MER and CAC, which are marked incomplete";
    // The rates per euro a conversion needs: the account's currency's and the shop's (the euro's is 1).
    const perEuro = [first.account_currency, shopCurrency].filter(
      (code): code is string => code !== null && code !== "EUR",
    );
    const message = first.account_currency
      ? `${platform} account ${first.account_id} spends in ${currency}, and there is no exchange rate to the ` +
        `shop's ${shopCurrency} for ${days}: raw.fx_rates holds no euro reference rate of ` +
        `${[...new Set(perEuro)].join(" or ")} for those days or the 7 days before each. Its ${amount} ${currency} ` +
        `of spend those days ${leftOut} (not a sync problem: the rows landed). ` +
        missingRateRemedy(ratesSource, [...new Set(perEuro)])
      : `${platform} account ${first.account_id}'s rows name no currency, so its spend cannot be converted to the ` +
        `shop's ${shopCurrency} for ${days}. Its ${amount} of spend those days ${leftOut}: check the currency ` +
        `column of its export or of its connector's rows.`;
    return {
      check: "exchange_rate_missing",
      severity: "warning",
      blocking: false,
      subject: `${first.platform}.${first.account_id}`,
      table: "unified.ad_performance",
      column: "fx_rate",
      source: first.platform,
      observed: `${currency}: ${dates.join(", ")}`,
      expected: `a ${currency}→${shopCurrency} rate every day`,
      message,
    };
  });
}

/** What one day's transform billed on BigQuery (its ledger record's warehouse.bytesBilled). */
export interface TransformCost {
  runDate: string;
  bytesBilled: number;
  /** Every model rebuilt from all history (a first run, --full-refresh, changed settings): a cost of its own. */
  fullBuild: boolean;
}

export interface TransformCostLimits {
  /** Daily runs before the run date a median needs, at least. */
  minRuns: number;
  /** Billed more than this many times the median… */
  factor: number;
  /** …and by more than this many bytes: a jump of a few 10 MiB minimum bills is noise, not a leak. */
  minExcessBytes: number;
}

/**
 * A daily transform that billed far more than its recent days did: the sign of a model that stopped pruning and
 * now reads all history every morning, which the monthly budget would only catch weeks later. Compared with the
 * median of the earlier daily runs (full builds aside, on either side), so one odd day moves nothing.
 */
export function transformCostFinding(
  today: TransformCost | undefined,
  earlier: readonly TransformCost[],
  limits: TransformCostLimits,
  formatBytes: (bytes: number) => string,
): RuleFinding | undefined {
  if (!today || today.fullBuild || !(today.bytesBilled > 0)) return undefined;
  const daily = earlier.filter((run) => !run.fullBuild && run.bytesBilled > 0);
  if (daily.length < limits.minRuns) return undefined;
  const typical = median(daily.map((run) => run.bytesBilled));
  if (today.bytesBilled <= typical * limits.factor || today.bytesBilled - typical <= limits.minExcessBytes)
    return undefined;
  const times = today.bytesBilled / typical;
  return {
    check: "transform_cost_jump",
    severity: "warning",
    blocking: false,
    subject: "transform",
    metric: "bigquery_bytes_billed",
    observed: today.bytesBilled,
    expected: `≤ ${limits.factor}× ${formatBytes(typical)}`,
    message: `The transform billed ${formatBytes(today.bytesBilled)} on BigQuery, ${times.toFixed(1)}× the median of its last ${daily.length} daily runs (${formatBytes(typical)}): a model may have stopped pruning and reads all history every morning ("npm start -- plan --cloud" gives each model's bytes from a dry run).`,
  };
}
