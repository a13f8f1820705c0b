// Ad-platform UI exports (Meta Ads Manager, Google Ads reports, TikTok Ads Manager) to the raw tables in the shape
// the platforms' API connectors land. UI exports often lack ids: stable ids derived from the names stand in, so
// a re-export of the same campaign lands on the same key and staging's "latest extraction wins" still holds.
import type { Row } from "../shared/ports.ts";
import { mergeGoogleRows, mergeMetaRows, mergeTiktokRows, summingByKey } from "./ad-day-sums.ts";
import { FileError } from "./records.ts";
import {
  columnReason,
  type DataRecord,
  type FormatSpec,
  type MapOutput,
  type RecordMapper,
} from "./format-spec.ts";
import { stableId, stableKey } from "../lib/stable-ids.ts";
import { UNNAMED_ACCOUNT } from "../lib/ad-export-accounts.ts";
import {
  cleanCell,
  type DateFormat,
  isPlaceholder,
  type Parsed,
  parseDate,
  parseDateRange,
  parseInteger,
  parseNumber,
  parseReportDate,
} from "./parse-values.ts";

const reject = (record: DataRecord, reason: string): MapOutput[] => [
  { type: "reject", records: [record], reason },
];

class RowErrors {
  reason: string | undefined;
  take<T>(column: string | undefined, parsed: Parsed<T>, fallback: T): T {
    if (parsed.ok) return parsed.value;
    this.reason ??= columnReason(column ?? "?", parsed);
    return fallback;
  }
  check(condition: boolean, reason: string): void {
    if (!condition) this.reason ??= reason;
  }
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** "Amount spent (USD)" → USD: Meta puts the account currency in the column name. */
export function currencyFromColumn(name: string | undefined): string | undefined {
  return name ? /\(([A-Z]{3})\)\s*$/.exec(name.trim())?.[1] : undefined;
}

/**
 * Ads Manager names its export's columns in the language of the user who exports: English, French or Spanish (the
 * column names as Ads Manager writes them: "Début des rapports", "Montant dépensé (EUR)", "Nom de l’ensemble de
 * publicités" …; "Inicio del informe", "Importe gastado (MXN)", "Nombre del conjunto de anuncios" …). The ids'
 * columns are read in English only: an export without them gets ids derived from the names, as any export without
 * ids does.
 */
const META_SPEND = /^(?:Amount spent|Montant dépensé|Importe gastado) \([A-Z]{3}\)$/i;
const META_REPORTING_STARTS = ["Reporting starts", "Début des rapports", "Inicio del informe"];
const META_REPORTING_ENDS = ["Reporting ends", "Fin des rapports", "Fin del informe"];
const META_PURCHASE_VALUES = [
  "Purchases conversion value",
  "Purchase conversion value",
  "Website purchases conversion value",
  "Valeur de conversion des achats",
  "Valor de conversión de compras",
];
const META_PURCHASE_ROAS = [
  "Purchase ROAS (return on ad spend)",
  "Website purchase ROAS (return on advertising spend)",
  "ROAS (retour sur les dépenses publicitaires) des achats",
  "ROAS (retorno del gasto publicitario) de compras",
];

export const META_ADS: FormatSpec = {
  kind: "meta_ads_export",
  label: "Meta Ads Manager export",
  table: "facebook_ads_insights",
  replacement: "period",
  matches: (header) =>
    header.pick(...META_REPORTING_STARTS) !== undefined && header.pick(...META_REPORTING_ENDS) !== undefined,
  required: (header) => [
    ...(header.pick(...META_REPORTING_STARTS) ? [] : ["Reporting starts"]),
    ...(header.pick(...META_REPORTING_ENDS) ? [] : ["Reporting ends"]),
    ...(header.matching(META_SPEND) ? [] : ["Amount spent (<currency>)"]),
  ],
  // A French export writes its amounts with a decimal comma ("12,50"): decided per file from these, as for a
  // Shopify export that Excel re-saved.
  amountColumns: [META_SPEND, ...META_PURCHASE_VALUES, ...META_PURCHASE_ROAS],
  createMapper(header, context): RecordMapper {
    const spendColumn = header.matching(META_SPEND) as string;
    const currency = currencyFromColumn(spendColumn) ?? null;
    const decimal = context.decimal ?? ".";
    const columns = {
      starts: header.pick(...META_REPORTING_STARTS) as string,
      ends: header.pick(...META_REPORTING_ENDS) as string,
      day: header.pick("Day", "Jour", "Día"),
      campaign: header.pick("Campaign name", "Nom de la campagne", "Nombre de la campaña"),
      campaignId: header.pick("Campaign ID"),
      adset: header.pick(
        "Ad set name",
        "Nom de l’ensemble de publicités",
        "Nom de l'ensemble de publicités",
        "Nombre del conjunto de anuncios",
      ),
      adsetId: header.pick("Ad set ID"),
      ad: header.pick("Ad name", "Nom de la publicité", "Nombre del anuncio"),
      adId: header.pick("Ad ID"),
      accountId: header.pick("Account ID"),
      impressions: header.pick("Impressions", "Impresiones"),
      reach: header.pick("Reach", "Couverture", "Alcance"),
      clicks: header.pick(
        "Link clicks",
        "Clicks (all)",
        "Clicks",
        "Clics sur un lien",
        "Clics (tous)",
        "Clics en el enlace",
        "Clics (todos)",
      ),
      purchases: header.pick("Purchases", "Website purchases", "Achats", "Compras"),
      value: header.pick(...META_PURCHASE_VALUES),
      roas: header.pick(...META_PURCHASE_ROAS),
    };
    const mapper: RecordMapper = {
      push(record) {
        const get = (name: string | undefined) => header.cell(record, name);
        const errors = new RowErrors();
        const starts = errors.take(columns.starts, parseReportDate(get(columns.starts)), null);
        const ends = errors.take(columns.ends, parseReportDate(get(columns.ends)), null);
        const day = columns.day ? errors.take(columns.day, parseReportDate(get(columns.day)), null) : null;
        const date = day ?? starts;
        errors.check(date !== null, `column "${columns.starts}" is empty`);
        errors.check(
          day !== null || starts === ends,
          `the row covers ${starts} to ${ends}; DTC Pulse reports by day, so export with a daily breakdown (Breakdown → By time → Day)`,
        );
        const spend = errors.take(spendColumn, parseNumber(get(spendColumn), decimal), null);
        errors.check(spend === null || spend >= 0, `column "${spendColumn}" is negative`);
        const impressions = errors.take(
          columns.impressions,
          parseInteger(get(columns.impressions), decimal),
          null,
        );
        const reach = errors.take(columns.reach, parseInteger(get(columns.reach), decimal), null);
        const clicks = errors.take(columns.clicks, parseInteger(get(columns.clicks), decimal), null);
        const purchases = errors.take(columns.purchases, parseNumber(get(columns.purchases), decimal), null);
        const value = errors.take(columns.value, parseNumber(get(columns.value), decimal), null);
        const roas = errors.take(columns.roas, parseNumber(get(columns.roas), decimal), null);
        for (const [column, number] of [
          [columns.impressions, impressions],
          [columns.clicks, clicks],
          [columns.purchases, purchases],
        ] as const) {
          errors.check(number === null || number >= 0, `column "${column}" is negative`);
        }
        if (errors.reason) return reject(record, errors.reason);
        const campaign = get(columns.campaign).trim();
        const adset = get(columns.adset).trim();
        const ad = get(columns.ad).trim();
        const purchaseValue = value ?? (roas !== null && spend !== null ? round2(roas * spend) : null);
        const actions: Row[] = [];
        if (clicks !== null) actions.push({ action_type: "link_click", value: String(clicks) });
        if (purchases)
          actions.push({ action_type: "offsite_conversion.fb_pixel_purchase", value: String(purchases) });
        const actionValues: Row[] = purchaseValue
          ? [{ action_type: "offsite_conversion.fb_pixel_purchase", value: String(purchaseValue) }]
          : [];
        // An export naming its account keys the names it derives ids from by it: two accounts' campaigns of the
        // same name are two campaigns (one id for both left one account's ad-day in staging, the other dropped).
        const account = cleanCell(get(columns.accountId));
        const scope = account ? [account] : [];
        const row: Row = {
          date_start: date,
          date_stop: date,
          // An export without an account column is one account's: a stable key stands for it (the key audits
          // of unified.ad_performance need one).
          account_id: account || UNNAMED_ACCOUNT.meta,
          account_currency: currency,
          campaign_id: cleanCell(get(columns.campaignId)) || stableKey("meta-campaign", ...scope, campaign),
          campaign_name: campaign || null,
          adset_id:
            cleanCell(get(columns.adsetId)) ||
            (adset ? stableKey("meta-adset", ...scope, campaign, adset) : null),
          adset_name: adset || null,
          ad_id: cleanCell(get(columns.adId)) || stableKey("meta-ad", ...scope, campaign, adset, ad),
          ad_name: ad || null,
          spend: spend ?? 0,
          impressions,
          clicks,
          reach,
          actions,
          action_values: actionValues,
        };
        return [{ type: "load", row, eventDate: date, records: [record] }];
      },
      finish: () => [],
    };
    // A breakdown (age, gender, placement, region …) writes several rows per ad and day: they are summed.
    return summingByKey(
      mapper,
      (row) => `${String(row.date_start)}|${String(row.ad_id)}`,
      mergeMetaRows,
      context.latestEventDate,
    );
  },
};

/** A date-range line above a report's header (Google Ads), as the period it states. */
function preambleRange(preamble: readonly string[]): { start: string; end: string } | null {
  for (const line of preamble) {
    const range = parseDateRange(line.trim());
    if (range) return range;
  }
  return null;
}

/**
 * Google Ads names a report's columns in the language of the user's interface: English, French or German, as the
 * UI writes them ("Jour, Campagne, Coût, Impr., Clics, Conversions, Valeur de conv."; "Tag, Kampagne, Kosten,
 * Impr., Klicks, Conversions, Conv.-Wert"), a French or German report with its amounts in a decimal comma
 * ("1 234,56", "1.234,56") and its summary rows "Total : toutes les campagnes" or "Gesamt: Konto". The ids'
 * columns are read in English only, as Meta's are.
 */
const GOOGLE_COST = /^(?:Cost|Coût|Kosten)(?: \([A-Z]{3}\))?$/i;
const GOOGLE_COLUMNS = {
  day: ["Day", "Date", "Jour", "Tag"],
  campaign: ["Campaign", "Campagne", "Kampagne"],
  adGroup: ["Ad group", "Groupe d’annonces", "Groupe d'annonces", "Anzeigengruppe"],
  type: ["Campaign type", "Advertising channel type", "Type de campagne", "Kampagnentyp"],
  impressions: ["Impr.", "Impressions", "Impressionen"],
  // Reports of mixed campaign types show "Interactions" where search-only ones show "Clicks".
  clicks: ["Clicks", "Interactions", "Clics", "Klicks", "Interaktionen"],
  conversions: ["Conversions"],
  value: ["Conv. value", "Conversion value", "Valeur de conv.", "Conv.-Wert"],
  currency: ["Currency code", "Currency"],
} as const;
/** The day formats a French or German report may write besides ISO: day first, as its language does. */
const GOOGLE_LOCAL_DAY: Record<string, DateFormat> = { jour: "dd/mm/yyyy", tag: "dd.mm.yyyy" };

/** A report's day: ISO or English month names, or the day-first form of the report's language. */
function reportDay(text: string, localFormat: DateFormat | undefined): Parsed<string | null> {
  const parsed = parseReportDate(text);
  if (parsed.ok || !localFormat) return parsed;
  const local = parseDate(text, localFormat);
  if (local.ok) return local;
  return { ok: false, reason: `"${cleanCell(text)}" is not a date (expected YYYY-MM-DD or ${localFormat})` };
}

export const GOOGLE_ADS: FormatSpec = {
  kind: "google_ads_report",
  label: "Google Ads report export",
  table: "google_ads_campaign_stats",
  replacement: "period",
  matches: (header) =>
    header.pick(...GOOGLE_COLUMNS.campaign) !== undefined &&
    header.matching(GOOGLE_COST) !== undefined &&
    header.pick(...GOOGLE_COLUMNS.impressions, ...GOOGLE_COLUMNS.value, ...GOOGLE_COLUMNS.currency) !==
      undefined,
  required: (header) => [
    ...(header.pick(...GOOGLE_COLUMNS.campaign) ? [] : ["Campaign"]),
    ...(header.matching(GOOGLE_COST) ? [] : ["Cost"]),
  ],
  // "Total: Account", "Total: Campaigns", "Total : toutes les campagnes", "Gesamt: Konto" … summarise the rows
  // above them.
  isSummary: (cells) => /^\s*(?:Total|Gesamt)\s*:/i.test(cells.find((cell) => cell.trim() !== "") ?? ""),
  amountColumns: [GOOGLE_COST, ...GOOGLE_COLUMNS.value],
  createMapper(header, context): RecordMapper {
    const costColumn = header.matching(GOOGLE_COST) as string;
    const campaignColumn = header.pick(...GOOGLE_COLUMNS.campaign) as string;
    const decimal = context.decimal ?? ".";
    const columns = {
      day: header.pick(...GOOGLE_COLUMNS.day),
      campaignId: header.pick("Campaign ID"),
      adGroup: header.pick(...GOOGLE_COLUMNS.adGroup),
      adGroupId: header.pick("Ad group ID"),
      customerId: header.pick("Customer ID"),
      type: header.pick(...GOOGLE_COLUMNS.type),
      impressions: header.pick(...GOOGLE_COLUMNS.impressions),
      clicks: header.pick(...GOOGLE_COLUMNS.clicks),
      conversions: header.pick(...GOOGLE_COLUMNS.conversions),
      value: header.pick(...GOOGLE_COLUMNS.value),
      currency: header.pick(...GOOGLE_COLUMNS.currency),
    };
    const localDay = columns.day ? GOOGLE_LOCAL_DAY[columns.day.toLowerCase()] : undefined;
    const headerCurrency = currencyFromColumn(costColumn);
    const range = preambleRange(context.preamble);
    if (!columns.day && !(range && range.start === range.end)) {
      // An "All time" or multi-day report without a Day segment cannot be put on days: refuse the whole file.
      throw new FileError(
        range
          ? `the report covers ${range.start} to ${range.end} without a "Day" column; export it again with the Day segment (Segment → Time → Day) so spend lands on its days`
          : `the report has no "Day" column and no single-day date range (an "All time" report?); export it again with the Day segment (Segment → Time → Day)`,
      );
    }
    const mapper: RecordMapper = {
      push(record) {
        const get = (name: string | undefined) => header.cell(record, name);
        const errors = new RowErrors();
        const campaign = get(campaignColumn).trim();
        errors.check(campaign !== "", `column "${campaignColumn}" is empty`);
        let date: string | null = null;
        if (columns.day) {
          date = errors.take(columns.day, reportDay(get(columns.day), localDay), null);
          errors.check(date !== null, `column "${columns.day}" is empty`);
        } else if (range && range.start === range.end) {
          date = range.start;
        } else {
          errors.check(
            false,
            range
              ? `the report covers ${range.start} to ${range.end} without a "Day" column; add the Day segment so spend lands on its days`
              : `the report has no "Day" column and no single-day date range`,
          );
        }
        const cost = errors.take(costColumn, parseNumber(get(costColumn), decimal), null);
        errors.check(cost === null || cost >= 0, `column "${costColumn}" is negative`);
        const impressions = errors.take(
          columns.impressions,
          parseInteger(get(columns.impressions), decimal),
          null,
        );
        const clicks = errors.take(columns.clicks, parseInteger(get(columns.clicks), decimal), null);
        const conversions = errors.take(
          columns.conversions,
          parseNumber(get(columns.conversions), decimal),
          null,
        );
        const value = errors.take(columns.value, parseNumber(get(columns.value), decimal), null);
        errors.check((impressions ?? 0) >= 0 && (clicks ?? 0) >= 0, "impressions or clicks are negative");
        const customer = get(columns.customerId).replace(/-/g, "").trim();
        const customerId =
          customer && !isPlaceholder(customer)
            ? errors.take(columns.customerId, parseInteger(customer), null)
            : UNNAMED_ACCOUNT.google;
        // Derived ids are the account's own when the report names it (see Meta's).
        const scope = customer && !isPlaceholder(customer) ? [customer] : [];
        const campaignIdText = cleanCell(get(columns.campaignId));
        const campaignId = campaignIdText
          ? errors.take(columns.campaignId, parseInteger(campaignIdText), null)
          : stableId("google-campaign", ...scope, campaign);
        const adGroup = get(columns.adGroup).trim();
        const adGroupIdText = cleanCell(get(columns.adGroupId));
        // A campaign report has no ad group column: a stable key derived from the campaign stands for its ad groups
        // together, as Meta's ad key does (the key audits of staging and unified.ad_performance need one).
        const adGroupId = adGroupIdText
          ? errors.take(columns.adGroupId, parseInteger(adGroupIdText), null)
          : stableId("google-ad-group", ...scope, campaign, adGroup);
        if (errors.reason) return reject(record, errors.reason);
        const currency = cleanCell(get(columns.currency)).toUpperCase();
        const row: Row = {
          segments_date: date,
          customer_id: customerId,
          customer_currency_code: /^[A-Z]{3}$/.test(currency)
            ? currency
            : (headerCurrency ?? context.shopCurrency),
          campaign_id: campaignId,
          campaign_name: campaign,
          campaign_advertising_channel_type:
            cleanCell(get(columns.type)).toUpperCase().replace(/\s+/g, "_") || null,
          ad_group_id: adGroupId,
          ad_group_name: adGroup || null,
          // Google bills whole micros; the UI shows currency units.
          metrics_cost_micros: Math.round((cost ?? 0) * 1_000_000),
          metrics_impressions: impressions,
          metrics_clicks: clicks,
          metrics_conversions: conversions,
          metrics_conversions_value: value,
        };
        return [{ type: "load", row, eventDate: date, records: [record] }];
      },
      finish: () => [],
    };
    // Ad-group, ad or keyword level reports write several rows per campaign (and ad group) and day: summed.
    return summingByKey(
      mapper,
      (row) =>
        `${String(row.segments_date)}|${String(row.customer_id)}|${String(row.campaign_id)}|${String(row.ad_group_id)}`,
      mergeGoogleRows,
      context.latestEventDate,
    );
  },
};

export const TIKTOK_ADS: FormatSpec = {
  kind: "tiktok_ads_export",
  label: "TikTok Ads export",
  table: "tiktok_ads_reports_daily",
  replacement: "period",
  matches: (header) =>
    header.has("Campaign name") &&
    (header.has("Cost") || header.matching(/^Cost \([A-Z]{3}\)$/) !== undefined) &&
    header.has("Impressions") &&
    !header.has("Reporting starts"),
  required: (header) => (header.pick("By Day", "Date", "Day", "Stat time day") ? [] : ["By Day"]),
  isSummary: (cells) => /^\s*Total(?: of \d+ results?)?:?\s*$/i.test(cells[0] ?? ""),
  createMapper(header, context): RecordMapper {
    const costColumn = header.pick("Cost") ?? (header.matching(/^Cost \([A-Z]{3}\)$/) as string);
    const columns = {
      day: header.pick("By Day", "Date", "Day", "Stat time day") as string,
      campaignId: header.pick("Campaign ID"),
      adGroup: header.pick("Ad group name", "Ad Group Name"),
      adGroupId: header.pick("Ad group ID"),
      ad: header.pick("Ad name", "Ad Name"),
      adId: header.pick("Ad ID"),
      advertiserId: header.pick("Advertiser ID"),
      clicks: header.pick("Clicks (destination)", "Clicks (all)", "Clicks"),
      conversions: header.pick("Conversions"),
      purchases: header.pick("Complete payment", "Purchases", "Conversions"),
      value: header.pick(
        "Total purchase value",
        "Total complete payment value",
        "Purchase value",
        "Total Complete Payment Value",
      ),
      currency: header.pick("Currency"),
    };
    const headerCurrency = currencyFromColumn(costColumn);
    const mapper: RecordMapper = {
      push(record) {
        const get = (name: string | undefined) => header.cell(record, name);
        const errors = new RowErrors();
        const date = errors.take(columns.day, parseReportDate(get(columns.day)), null);
        errors.check(date !== null, `column "${columns.day}" is empty`);
        const cost = errors.take(costColumn, parseNumber(get(costColumn)), null);
        errors.check(cost === null || cost >= 0, `column "${costColumn}" is negative`);
        const impressions = errors.take("Impressions", parseInteger(get("Impressions")), null);
        const clicks = errors.take(columns.clicks, parseInteger(get(columns.clicks)), null);
        const conversions = errors.take(columns.conversions, parseNumber(get(columns.conversions)), null);
        const purchases = errors.take(columns.purchases, parseNumber(get(columns.purchases)), null);
        const value = errors.take(columns.value, parseNumber(get(columns.value)), null);
        const adIdText = cleanCell(get(columns.adId));
        const campaign = get("Campaign name").trim();
        const adGroup = get(columns.adGroup).trim();
        const ad = get(columns.ad).trim();
        const advertiserText = cleanCell(get(columns.advertiserId));
        // Derived ids are the advertiser's own when the export names it (see Meta's).
        const scope = advertiserText ? [advertiserText] : [];
        const adId = adIdText
          ? errors.take(columns.adId, parseInteger(adIdText), null)
          : stableId("tiktok-ad", ...scope, campaign, adGroup, ad);
        const advertiserId = advertiserText
          ? errors.take(columns.advertiserId, parseInteger(advertiserText), null)
          : UNNAMED_ACCOUNT.tiktok;
        if (errors.reason) return reject(record, errors.reason);
        const currency =
          cleanCell(get(columns.currency)).toUpperCase() || headerCurrency || context.shopCurrency;
        // The API's shape: `total_complete_payment_rate` is the total purchase value (not a rate, not per purchase),
        // `complete_payment_roas` that value over spend.
        const roas = cost && value !== null ? value / cost : 0;
        const row: Row = {
          ad_id: adId,
          advertiser_id: advertiserId,
          stat_time_day: `${date}T00:00:00Z`,
          dimensions: { ad_id: adId, stat_time_day: `${date} 00:00:00` },
          metrics: {
            campaign_id:
              cleanCell(get(columns.campaignId)) || String(stableId("tiktok-campaign", ...scope, campaign)),
            campaign_name: campaign || null,
            adgroup_id:
              cleanCell(get(columns.adGroupId)) ||
              (adGroup ? String(stableId("tiktok-adgroup", ...scope, campaign, adGroup)) : null),
            adgroup_name: adGroup || null,
            ad_name: ad || null,
            spend: String(cost ?? 0),
            impressions: String(impressions ?? 0),
            clicks: String(clicks ?? 0),
            conversion: String(conversions ?? purchases ?? 0),
            complete_payment: String(purchases ?? 0),
            total_complete_payment_rate: String(value ?? 0),
            complete_payment_roas: String(roas),
            currency,
          },
        };
        return [{ type: "load", row, eventDate: date, records: [record] }];
      },
      finish: () => [],
    };
    // Exports with a breakdown (placement, age, region …) write several rows per ad and day: summed.
    return summingByKey(
      mapper,
      (row) => `${String(row.stat_time_day)}|${String(row.ad_id)}`,
      mergeTiktokRows,
      context.latestEventDate,
    );
  },
};
