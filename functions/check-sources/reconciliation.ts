// Reconciliation: for the days ending a couple of days before the run date (late conversions and refunds have
// settled by then), each enabled platform API's own totals against the warehouse's raw rows, whoever loaded
// them (connector, Airbyte or file drop). Shopify: orders and revenue; Meta, TikTok and Google Ads: spend,
// impressions and clicks per account. A metric off by more than the tolerance is a critical finding naming
// the source, account, metric, both numbers, the difference and the days that differ. The scoreboard goes to the
// ledger's metrics, to runs/dt=<date>/reconciliation.json and to ops.reconciliation. Each ad account's time zone
// is asked for too: an account that counts its days in another zone than the shop's is said
// (./account-time-zones.ts) and recorded in reconciliation.json.
import { unnamedAdAccountParams } from "../lib/ad-export-accounts.ts";
import { reconciliationPath } from "../lib/bucket-layout.ts";
import { addDays } from "../lib/calendar.ts";
import { currencyMinorUnits } from "../lib/currency.ts";
import { optionalSecret, requireSecret, retryPolicy } from "../lib/platform-apis/credentials.ts";
import { customerDigits, GoogleAdsApi, parseOauth } from "../lib/platform-apis/google-ads.ts";
import { type ApiIo, DEFAULT_IO, PlatformAuthError } from "../lib/platform-apis/http.ts";
import { MetaApi } from "../lib/platform-apis/meta.ts";
import { ShopifyApi } from "../lib/platform-apis/shopify.ts";
import { TikTokApi } from "../lib/platform-apis/tiktok.ts";
import { stepDeadline } from "../lib/platform-apis/step-deadline.ts";
import { addTotals, type DailyTotals } from "../lib/platform-apis/totals.ts";
import { type AccountTimeZone, accountTimeZoneFindings } from "./account-time-zones.ts";
import { RECONCILIATION_COLUMNS, RECONCILIATION_TABLE } from "../lib/quality/reconciliation-table.ts";
import { ensureLoadColumns } from "../lib/load-columns.ts";
import { channelsParam } from "../lib/sql/channels.ts";
import { queryTemplate, readQuery } from "../lib/sql/queries.ts";
import { readSql } from "../lib/sql/sql-files.ts";
import { type ConnectorSettings, shopDomainOf } from "../shared/connector-settings.ts";
import type { Finding } from "../shared/findings.ts";
import { DATASETS } from "../shared/pipeline.ts";
import type { SourceName } from "../shared/raw-schemas.ts";
import { SOURCES } from "../shared/sources.ts";
import type { StepContext } from "../shared/step.ts";

export interface ReconciliationWindow {
  startDate: string;
  endDate: string;
}

export interface MismatchedDay {
  day: string;
  api: number;
  warehouse: number;
}

export interface ReconciliationEntry {
  source: SourceName;
  /** The ad account, advertiser or customer; "" for Shopify (one shop). */
  account: string;
  metric: string;
  /** The currency of the amounts: the ad account's own (what its platform reports in), the shop's for Shopify. */
  currency: string;
  api: number;
  warehouse: number;
  /** warehouse − api. */
  difference: number;
  /** difference ÷ api; null when the API reports 0. */
  relative: number | null;
  status: "MATCH" | "MISMATCH";
  /** Days whose own difference is over the tolerance, largest first (at most 5). */
  days: MismatchedDay[];
}

const METRICS: Record<SourceName, readonly string[]> = {
  shopify: ["orders", "revenue"],
  facebook_ads: ["spend", "impressions", "clicks"],
  tiktok_ads: ["spend", "impressions", "clicks"],
  google_ads: ["spend", "impressions", "clicks"],
};

/** The 14 days (by default) ending two days before the run date. */
export function reconciliationWindow(
  runDate: string,
  settings: Pick<ConnectorSettings["reconciliation"], "windowDays" | "endOffsetDays">,
): ReconciliationWindow {
  const endDate = addDays(runDate, -settings.endOffsetDays);
  return { startDate: addDays(endDate, -(settings.windowDays - 1)), endDate };
}

/** The metrics that are amounts of money (the others are counts: orders, impressions, clicks). */
const MONEY_METRICS = new Set(["spend", "revenue"]);

/**
 * The places a metric's totals are kept to: a count's none, an amount's the shop currency's decimals (ISO 4217:
 * 2 for USD, 3 for KWD, 0 for JPY), so that a dinar's fils and a difference of less than a cent still show and
 * a yen total has no decimals the yen does not have.
 */
export function metricPlaces(metric: string, currency: string): number {
  return MONEY_METRICS.has(metric) ? currencyMinorUnits(currency) : 0;
}

const round = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;

/** Off by more than the tolerance; against an API's 0, anything over half of the last place kept (half a cent). */
function isOff(api: number, warehouse: number, tolerance: number, places: number): boolean {
  if (api === 0) return Math.abs(warehouse) > 0.5 * 10 ** -places;
  return Math.abs(warehouse - api) / Math.abs(api) > tolerance;
}

/**
 * Pure: one entry per metric, comparing the window's totals and naming the days that differ. Amounts are in
 * `currency`: an ad account's own, in which both its platform's API and the raw rows report (the marts convert it
 * to the shop's afterwards), so its totals are kept to that currency's places; Shopify's, the shop's.
 */
export function compareTotals(
  source: SourceName,
  account: string,
  api: DailyTotals,
  warehouse: DailyTotals,
  tolerance: number,
  currency: string,
): ReconciliationEntry[] {
  const days = [...new Set([...api.keys(), ...warehouse.keys()])].sort();
  return METRICS[source].map((metric) => {
    const places = metricPlaces(metric, currency);
    const value = (totals: DailyTotals, day: string) => totals.get(day)?.[metric] ?? 0;
    const apiTotal = round(
      days.reduce((sum, day) => sum + value(api, day), 0),
      places,
    );
    const warehouseTotal = round(
      days.reduce((sum, day) => sum + value(warehouse, day), 0),
      places,
    );
    const difference = round(warehouseTotal - apiTotal, places);
    const off = isOff(apiTotal, warehouseTotal, tolerance, places);
    return {
      source,
      account,
      metric,
      currency,
      api: apiTotal,
      warehouse: warehouseTotal,
      difference,
      relative: apiTotal === 0 ? null : round(difference / apiTotal, 4),
      status: off ? "MISMATCH" : "MATCH",
      days: off
        ? days
            .filter((day) => isOff(value(api, day), value(warehouse, day), tolerance, places))
            .map((day) => ({
              day,
              api: round(value(api, day), places),
              warehouse: round(value(warehouse, day), places),
            }))
            .sort((a, b) => Math.abs(b.warehouse - b.api) - Math.abs(a.warehouse - a.api))
            .slice(0, 5)
        : [],
    };
  });
}

const LABELS = new Map(SOURCES.map((source) => [source.name, source.label]));
/** A total as the findings write it: `1,234`, or to all of the currency's places once it has a fraction (`1,234.50`). */
const numberAt = (value: number, places: number) =>
  value.toLocaleString("en-US", {
    maximumFractionDigits: places,
    minimumFractionDigits: Number.isInteger(value) ? 0 : places,
  });

/** Pure: a critical finding per mismatch, naming source, account, metric, both numbers (in the entry's currency) and the days. */
export function reconciliationFindings(
  entries: readonly ReconciliationEntry[],
  window: ReconciliationWindow,
  tolerance: number,
): Finding[] {
  return entries
    .filter((entry) => entry.status === "MISMATCH")
    .map((entry) => {
      const places = metricPlaces(entry.metric, entry.currency);
      const number = (value: number) => numberAt(value, places);
      const label = LABELS.get(entry.source) ?? entry.source;
      const who = entry.account ? `${label} account ${entry.account}` : label;
      const share =
        entry.relative === null
          ? ""
          : ` (${entry.relative > 0 ? "+" : ""}${(entry.relative * 100).toFixed(1)}%)`;
      const days = entry.days.length
        ? ` Days off: ${entry.days.map((day) => `${day.day} (${number(day.warehouse)} vs ${number(day.api)})`).join(", ")}.`
        : "";
      return {
        step: "check-sources" as const,
        check: "reconciliation_mismatch",
        severity: "critical" as const,
        blocking: false,
        subject: [entry.source, entry.account, entry.metric].filter(Boolean).join(":"),
        source: entry.source,
        metric: entry.metric,
        observed: entry.warehouse,
        expected: `${entry.api} (the API's total, ±${tolerance * 100}%)`,
        message: `MISMATCH: ${who} ${entry.metric} for ${window.startDate}..${window.endDate} is ${number(entry.warehouse)} in the warehouse against ${number(entry.api)} from the API, a difference of ${number(entry.difference)}${share}, over the ${tolerance * 100}% tolerance.${days} Data may have been dropped or loaded twice: re-pull those days.`,
      };
    });
}

/** Rows of a reconciliation query as totals per account, and each account's currency where the rows name one. */
function byAccount(
  rows: readonly Record<string, unknown>[],
  metrics: readonly string[],
): { totals: Map<string, DailyTotals>; currencies: Map<string, string> } {
  const accounts = new Map<string, DailyTotals>();
  const currencies = new Map<string, string>();
  for (const row of rows) {
    const account = String(row.account_id ?? "");
    const totals = accounts.get(account) ?? new Map();
    addTotals(
      totals,
      String(row.day),
      Object.fromEntries(metrics.map((metric) => [metric, Number(row[metric] ?? 0)])),
    );
    accounts.set(account, totals);
    if (typeof row.currency === "string" && row.currency && !currencies.has(account))
      currencies.set(account, row.currency);
  }
  return { totals: accounts, currencies };
}

/** What check-sources keeps of its function's timeout once the APIs stop: the warehouse side, files and findings. */
export const RECONCILIATION_WRAP_UP_MS = 60_000;

export interface ReconciliationResult {
  entries: ReconciliationEntry[];
  findings: Finding[];
  metrics: Record<string, number>;
  outputs: string[];
}

/**
 * The enabled platforms' API totals, by source and account, and each ad account's time zone. An API that cannot
 * be asked for totals is a warning; a time zone it cannot give is logged, and the totals still count.
 */
async function apiTotals(
  context: StepContext,
  io: ApiIo,
  window: ReconciliationWindow,
): Promise<{
  totals: { source: SourceName; account: string; api: DailyTotals }[];
  zones: AccountTimeZone[];
  findings: Finding[];
}> {
  const settings = context.config.connectors;
  const { secrets } = context.ports;
  // The reconciliation is the one part of check-sources that waits on the platforms: it stops in time for the
  // rest of the step to write what it found, and an API that does not answer by then is a warning, not a step
  // killed at its timeout (which Pub/Sub would deliver again, holding up the whole run).
  const retry = retryPolicy(
    settings,
    stepDeadline("check-sources", context, io, RECONCILIATION_WRAP_UP_MS),
    "check-sources",
  );
  const totals: { source: SourceName; account: string; api: DailyTotals }[] = [];
  const zones: AccountTimeZone[] = [];
  const findings: Finding[] = [];
  // Asked after the account's totals, so that a platform that refuses this one call still reconciles.
  const askZone = async (source: SourceName, account: string, zoneOf: () => Promise<string>) => {
    try {
      zones.push({ source, account, timeZone: await zoneOf() });
    } catch (error) {
      context.log.warn(
        "an ad account's time zone could not be read; its days are not compared with the shop's",
        {
          source,
          account,
          error: (error as Error).message,
        },
      );
    }
  };
  const ask = async (source: SourceName, work: () => Promise<void>) => {
    if (!settings[source].enabled) return;
    try {
      await work();
    } catch (error) {
      const label = LABELS.get(source) ?? source;
      findings.push({
        step: "check-sources",
        check: "reconciliation_unavailable",
        severity: "warning",
        blocking: false,
        subject: source,
        source,
        observed: null,
        expected: "the platform API's totals",
        message: `${label} could not be reconciled: ${(error as Error).message}.${error instanceof PlatformAuthError ? "" : " It is tried again on the next run."}`,
      });
    }
  };
  const { startDate, endDate } = window;
  await ask("shopify", async () => {
    const credentials = await requireSecret({ secrets }, "shopify", "shopifyAccessToken");
    const api = new ShopifyApi(
      { ...settings.shopify, shopDomain: shopDomainOf(settings.shopify), pageSize: 250, credentials },
      io,
      retry,
      context.log,
    );
    totals.push({
      source: "shopify",
      account: "",
      api: await api.orderDailyTotals(startDate, endDate, context.config.shop.timezone),
    });
  });
  await ask("facebook_ads", async () => {
    const accessToken = await requireSecret({ secrets }, "facebook_ads", "metaAccessToken");
    const api = new MetaApi({ ...settings.facebook_ads, accessToken }, io, retry);
    for (const configured of settings.facebook_ads.accountIds) {
      const account = configured.replace(/^act_/, "");
      totals.push({
        source: "facebook_ads",
        account,
        api: await api.accountDailyTotals(account, startDate, endDate),
      });
      await askZone("facebook_ads", account, () => api.accountTimeZone(account));
    }
  });
  await ask("tiktok_ads", async () => {
    const accessToken = await requireSecret({ secrets }, "tiktok_ads", "tiktokAccessToken");
    const api = new TikTokApi({ ...settings.tiktok_ads, accessToken }, io, retry);
    for (const advertiser of settings.tiktok_ads.advertiserIds) {
      totals.push({
        source: "tiktok_ads",
        account: advertiser,
        api: await api.advertiserDailyTotals(advertiser, startDate, endDate),
      });
      await askZone("tiktok_ads", advertiser, () => api.advertiserTimeZone(advertiser));
    }
  });
  await ask("google_ads", async () => {
    const developerToken = await optionalSecret({ secrets }, "googleAdsDeveloperToken");
    const oauth = parseOauth(await requireSecret({ secrets }, "google_ads", "googleAdsOauth"));
    const api = new GoogleAdsApi({ ...settings.google_ads, developerToken, oauth }, io, retry);
    for (const configured of settings.google_ads.customerIds) {
      const customer = customerDigits(configured);
      totals.push({
        source: "google_ads",
        account: customer,
        api: await api.customerDailyTotals(customer, startDate, endDate),
      });
      await askZone("google_ads", customer, () => api.customerTimeZone(customer));
    }
  });
  return { totals, zones, findings };
}

/**
 * The staging model of each ad platform: the reconciliation's warehouse side sums what it stages for the window
 * (sql/queries/check-sources/reconciliation_ad_platform.sql), so that which landing of a day counts is written once.
 */
export const AD_STAGING_MODELS: Record<Exclude<SourceName, "shopify">, string> = {
  facebook_ads: "staging/stg_facebook_ads_insights.sql",
  tiktok_ads: "staging/stg_tiktok_ads_reports_daily.sql",
  google_ads: "staging/stg_google_ads_campaign_stats.sql",
};

/** The query of a source's warehouse side: per day and account, the metrics the API's totals are compared with. */
export function warehouseSideQuery(source: SourceName): string {
  return source === "shopify"
    ? readQuery("check-sources/reconciliation_shopify")
    : queryTemplate("check-sources/reconciliation_ad_platform", {
        model: readSql(AD_STAGING_MODELS[source]),
      });
}

export async function runReconciliation(
  context: StepContext,
  io: ApiIo = DEFAULT_IO,
): Promise<ReconciliationResult> {
  const settings = context.config.connectors;
  const empty: ReconciliationResult = { entries: [], findings: [], metrics: {}, outputs: [] };
  const enabled = (["shopify", "facebook_ads", "tiktok_ads", "google_ads"] as const).filter(
    (source) => settings[source].enabled,
  );
  if (!settings.reconciliation.enabled || enabled.length === 0) return empty;
  const { warehouse, bucket } = context.ports;
  const { runDate } = context.message;
  const tolerance = settings.reconciliation.tolerance;
  const { currency } = context.config.shop;
  const window = reconciliationWindow(runDate, settings.reconciliation);
  const asked = await apiTotals(context, io, window);
  const present = new Set((await warehouse.listTables(DATASETS.raw)).map((table) => table.name));
  const rawTable = new Map(SOURCES.map((source) => [source.name, source.freshnessTable]));
  const warehouseTotals = new Map<SourceName, ReturnType<typeof byAccount>>();
  for (const source of enabled) {
    if (!present.has(rawTable.get(source) ?? "")) {
      warehouseTotals.set(source, { totals: new Map(), currencies: new Map() });
      continue;
    }
    const rows = await warehouse.query(
      warehouseSideQuery(source),
      {
        window_start: window.startDate,
        window_end: window.endDate,
        shop_timezone: context.config.shop.timezone,
        // The ad platforms' staging models: an ad export naming no account may be any account's, and each names
        // the channel its platform's spend is (the channel list).
        ...unnamedAdAccountParams(),
        channels: channelsParam(),
      },
      { label: `reconciliation ${source}` },
    );
    warehouseTotals.set(source, byAccount(rows, METRICS[source]));
  }
  const entries = asked.totals.flatMap(({ source, account, api }) =>
    compareTotals(
      source,
      account,
      api,
      warehouseTotals.get(source)?.totals.get(account) ?? new Map(),
      tolerance,
      // An ad account's amounts are in its own currency (a USD Meta account of a EUR shop): its decimals, not the
      // shop's; an account with no row in the warehouse names none, and the shop's stand in.
      (source === "shopify" ? undefined : warehouseTotals.get(source)?.currencies.get(account)) ?? currency,
    ),
  );

  const metrics: Record<string, number> = {
    "reconciliation.checks": entries.length,
    "reconciliation.mismatches": entries.filter((entry) => entry.status === "MISMATCH").length,
  };
  for (const entry of entries) {
    const key = `reconciliation.${[entry.source, entry.account, entry.metric].filter(Boolean).join(".")}`;
    metrics[`${key}.api`] = entry.api;
    metrics[`${key}.warehouse`] = entry.warehouse;
    metrics[`${key}.match`] = entry.status === "MATCH" ? 1 : 0;
  }
  const path = reconciliationPath(runDate);
  const accountTimeZones = asked.zones;
  await bucket.write(
    path,
    `${JSON.stringify({ runDate, window, tolerance, entries, accountTimeZones }, null, 2)}\n`,
    {
      contentType: "application/json",
    },
  );
  await ensureLoadColumns(warehouse, DATASETS.ops, RECONCILIATION_TABLE, RECONCILIATION_COLUMNS);
  await warehouse.load({
    dataset: DATASETS.ops,
    table: RECONCILIATION_TABLE,
    columns: RECONCILIATION_COLUMNS,
    replaceWhere: { column: "run_date", value: runDate },
    rows: entries.map((entry) => ({
      run_date: runDate,
      window_start: window.startDate,
      window_end: window.endDate,
      source: entry.source,
      account_id: entry.account,
      metric: entry.metric,
      api_value: entry.api,
      warehouse_value: entry.warehouse,
      difference: entry.difference,
      relative_difference: entry.relative,
      status: entry.status,
      mismatched_days: JSON.stringify(entry.days),
      // The amounts' currency (an ad account's own may not be the shop's): none for a count.
      currency: MONEY_METRICS.has(entry.metric) ? entry.currency : null,
    })),
  });
  const matches = entries.length - (metrics["reconciliation.mismatches"] ?? 0);
  const scoreboard: Finding = {
    step: "check-sources",
    check: "reconciliation",
    severity: "info",
    blocking: false,
    subject: "reconciliation",
    observed: `${matches}/${entries.length} MATCH`,
    expected: `every metric within ${tolerance * 100}% of the API`,
    message: `Reconciliation ${window.startDate}..${window.endDate}: ${entries
      .map(
        (entry) =>
          `${entry.status} ${[LABELS.get(entry.source), entry.account, entry.metric].filter(Boolean).join(" ")}`,
      )
      .join("; ")}.`,
  };
  return {
    entries,
    findings: [
      ...reconciliationFindings(entries, window, tolerance),
      ...asked.findings,
      ...accountTimeZoneFindings(asked.zones, context.config.shop.timezone, runDate),
      scoreboard,
    ],
    metrics,
    outputs: [path],
  };
}
