// The three ad platforms' daily report rows, in the shapes Airbyte lands (campaigns are in ad-campaigns.ts).
// Spend follows the shop's revenue (so it carries the same seasonality); platform-reported conversions start from
// the orders each campaign really drove (by UTM, before any tracking breakage) and over-report them, as pixels and
// view-through attribution do.

import {
  type Ad,
  type AdGroup,
  CAMPAIGNS,
  type Campaign,
  type CampaignTally,
  type CampaignTree,
  GOOGLE_CUSTOMER_ID,
  isActive,
  META_ACCOUNT_ID,
  type Platform,
  TIKTOK_ADVERTISER_ID,
} from "./ad-campaigns.ts";
import { AIRBYTE_COLUMNS, jsonString, money, type RowWriter, writeAirbyteColumns } from "./appender.ts";
import { cumulative, type Rng } from "./prng.ts";
import type { DayContext } from "./seasonality.ts";

/** Platform share of the day's ad budget: TikTok grows over the period, Meta gives some up. */
function platformShares(progress: number): Record<Platform, number> {
  const meta = 0.56 - 0.08 * progress;
  const tiktok = 0.12 + 0.1 * progress;
  return { meta, tiktok, google: 1 - meta - tiktok };
}

/** Ad spend as a share of revenue: pushed in Q4, trimmed in January and summer. */
function spendRatio(context: DayContext): number {
  let ratio = 0.3;
  if (context.isBfcm) ratio *= 1.15;
  else if (context.month === 11) ratio *= 1.05;
  else if (context.month === 0) ratio *= 0.9;
  else if (context.isSummer) ratio *= 0.93;
  return ratio;
}

/** Over-reporting against UTM-attributed orders (pixel + view-through for Meta and TikTok, modelled for Google). */
const OVER_REPORT: Record<Platform, number> = { meta: 1.35, tiktok: 1.7, google: 1.15 };

export const FACEBOOK_COLUMNS = [
  "date_start",
  "date_stop",
  "account_id",
  "account_currency",
  "campaign_id",
  "campaign_name",
  "adset_id",
  "adset_name",
  "ad_id",
  "ad_name",
  "spend",
  "impressions",
  "clicks",
  "reach",
  "actions",
  "action_values",
  ...AIRBYTE_COLUMNS,
];

export const TIKTOK_COLUMNS = [
  "ad_id",
  "advertiser_id",
  "stat_time_day",
  "dimensions",
  "metrics",
  ...AIRBYTE_COLUMNS,
];

export const GOOGLE_COLUMNS = [
  "segments_date",
  "customer_id",
  "customer_currency_code",
  "campaign_id",
  "campaign_name",
  "campaign_advertising_channel_type",
  "ad_group_id",
  "ad_group_name",
  "metrics_cost_micros",
  "metrics_impressions",
  "metrics_clicks",
  "metrics_conversions",
  "metrics_conversions_value",
  ...AIRBYTE_COLUMNS,
];

/** Each campaign's own day as Airbyte's custom query FROM campaign lands it (docs/airbyte.md): no group columns. */
export const GOOGLE_CAMPAIGN_COLUMNS = GOOGLE_COLUMNS.filter(
  (column) => column !== "ad_group_id" && column !== "ad_group_name",
);

export interface AdDayInput {
  context: DayContext;
  /** One stream for the day's budget and one per platform, so dropping a stale platform's rows changes nothing else. */
  rng: Rng;
  platformRng: Record<Platform, Rng>;
  currency: string;
  /** The day's gross revenue, which the budget follows. */
  revenueCents: number;
  tally: CampaignTally;
  /** Which platforms have rows for this day (stale sources stop early). */
  include: Record<Platform, boolean>;
  generationId: number;
}

export interface AdWriters {
  facebook: RowWriter;
  tiktok: RowWriter;
  google: RowWriter;
  /** Each Google campaign's own day (the sum of its ad groups': the demo account has no Smart campaign). */
  googleCampaigns: RowWriter;
  rawIds: Record<Platform | "googleCampaigns", Rng>;
}

interface Leaf {
  group: AdGroup;
  ad: Ad | null;
  spendCents: number;
  conversions: number;
  valueCents: number;
}

/** Splits a campaign's spend over its ad groups/ads, and its reported conversions in proportion to spend. */
function splitCampaign(
  campaign: CampaignTree,
  spendCents: number,
  conversions: number,
  valueCents: number,
  rng: Rng,
) {
  const leaves: Leaf[] = [];
  for (const group of campaign.groups) {
    if (group.ads.length === 0) {
      leaves.push({
        group,
        ad: null,
        spendCents: group.weight * rng.noise(0.2),
        conversions: 0,
        valueCents: 0,
      });
    } else {
      for (const ad of group.ads) {
        leaves.push({
          group,
          ad,
          spendCents: group.weight * ad.weight * rng.noise(0.3),
          conversions: 0,
          valueCents: 0,
        });
      }
    }
  }
  const totalWeight = leaves.reduce((sum, leaf) => sum + leaf.spendCents, 0);
  for (const leaf of leaves)
    leaf.spendCents = Math.max(1, Math.round((spendCents * leaf.spendCents) / totalWeight));
  const cdf = cumulative(leaves.map((leaf) => leaf.spendCents));
  for (let i = 0; i < conversions; i++) {
    const leaf = leaves[rng.pick(cdf)];
    if (leaf) leaf.conversions++;
  }
  for (const leaf of leaves) {
    leaf.valueCents = conversions > 0 ? Math.round((valueCents * leaf.conversions) / conversions) : 0;
  }
  return leaves;
}

/** Delivery metrics for a spend: impressions from CPM, clicks from CTR (never above impressions). */
function delivery(campaign: Campaign, spendCents: number, context: DayContext, rng: Rng) {
  // Auctions are dearer in Q4.
  const cpm = campaign.cpm * (context.isBfcm ? 1.45 : context.month >= 10 ? 1.2 : 1) * rng.noise(0.12);
  const impressions = Math.max(1, Math.round((spendCents / 100 / cpm) * 1000));
  const clicks = Math.min(impressions, Math.round(impressions * campaign.ctr * rng.noise(0.15)));
  return { impressions, clicks };
}

/** Writes one day's rows of every platform that has data for the day. */
export function writeAdDay(input: AdDayInput, writers: AdWriters): void {
  const { context, tally, currency } = input;
  const shares = platformShares(context.progress);
  const budgetCents = input.revenueCents * spendRatio(context) * input.rng.noise(0.06);
  const date = context.day.date;
  const nextDayMs = context.day.civilMs + 86_400_000;

  for (const platform of ["meta", "tiktok", "google"] as const) {
    const rng = input.platformRng[platform];
    const campaigns = CAMPAIGNS.filter(
      (campaign) => campaign.platform === platform && isActive(campaign, context),
    );
    const platformBudget = budgetCents * shares[platform];
    const weights = campaigns.map((campaign) => campaign.spendWeight * rng.noise(0.1));
    const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
    // Each platform's report for a day is pulled the next morning, 03:00-05:00 UTC.
    const extractedMs = nextDayMs + 3 * 3_600_000 + Math.floor(rng.next() * 7200) * 1000;
    const syncId = syncIdFor(platform, context.index);
    campaigns.forEach((campaign, campaignIndex) => {
      const spendCents = (platformBudget * (weights[campaignIndex] ?? 0)) / totalWeight;
      const factor = OVER_REPORT[platform] * rng.noise(0.12);
      const trueOrders = tally.orders[campaign.index] ?? 0;
      const trueRevenue = tally.revenueCents[campaign.index] ?? 0;
      const conversions = rng.roundRandom(trueOrders * factor);
      const valueCents = Math.round(trueRevenue * factor * rng.noise(0.05));
      const leaves = splitCampaign(campaign, spendCents, conversions, valueCents, rng);
      if (!input.include[platform]) return;
      const campaignDay = { micros: 0, impressions: 0, clicks: 0, conversionHundredths: 0, valueCents: 0 };
      for (const leaf of leaves) {
        const { impressions, clicks } = delivery(campaign, leaf.spendCents, context, rng);
        if (platform === "meta") {
          writeMeta(writers.facebook, input, campaign, leaf, impressions, clicks, rng, date);
          writeAirbyteColumns(
            writers.facebook,
            writers.rawIds.meta.uuid(),
            extractedMs,
            syncId,
            input.generationId,
          );
          writers.facebook.end();
        } else if (platform === "tiktok") {
          writeTikTok(writers.tiktok, campaign, leaf, impressions, clicks, currency, date);
          writeAirbyteColumns(
            writers.tiktok,
            writers.rawIds.tiktok.uuid(),
            extractedMs,
            syncId,
            input.generationId,
          );
          writers.tiktok.end();
        } else {
          const written = writeGoogle(
            writers.google,
            campaign,
            leaf,
            impressions,
            clicks,
            currency,
            date,
            rng,
          );
          writeAirbyteColumns(
            writers.google,
            writers.rawIds.google.uuid(),
            extractedMs,
            syncId,
            input.generationId,
          );
          writers.google.end();
          campaignDay.micros += written.micros;
          campaignDay.impressions += impressions;
          campaignDay.clicks += clicks;
          campaignDay.conversionHundredths += written.conversionHundredths;
          campaignDay.valueCents += leaf.valueCents;
        }
      }
      if (platform !== "google") return;
      const totals = writers.googleCampaigns;
      writeGoogleCampaign(totals, campaign, currency, date);
      totals.int(campaignDay.micros);
      totals.int(campaignDay.impressions);
      totals.int(campaignDay.clicks);
      totals.num(campaignDay.conversionHundredths / 100);
      totals.num(campaignDay.valueCents / 100);
      writeAirbyteColumns(
        totals,
        writers.rawIds.googleCampaigns.uuid(),
        extractedMs,
        syncId,
        input.generationId,
      );
      totals.end();
    });
  }
}

export function syncIdFor(platform: Platform, dayIndex: number): number {
  const base = platform === "meta" ? 20_000 : platform === "tiktok" ? 30_000 : 40_000;
  return base + dayIndex;
}

function writeMeta(
  writer: RowWriter,
  input: AdDayInput,
  campaign: Campaign,
  leaf: Leaf,
  impressions: number,
  clicks: number,
  rng: Rng,
  date: string,
): void {
  const ad = leaf.ad as Ad;
  const reach = Math.max(1, Math.round(impressions / rng.range(1.15, 1.9)));
  const linkClicks = Math.round(clicks * rng.range(0.6, 0.8));
  const landingViews = Math.round(linkClicks * rng.range(0.7, 0.85));
  const addToCart = Math.max(leaf.conversions, Math.round(landingViews * rng.range(0.06, 0.1)));
  let actions = `[{"action_type":"link_click","value":"${linkClicks}"},{"action_type":"landing_page_view","value":"${landingViews}"},{"action_type":"offsite_conversion.fb_pixel_add_to_cart","value":"${addToCart}"}`;
  let values = "[";
  // Meta leaves an action out of the arrays when it did not happen that day.
  if (leaf.conversions > 0) {
    actions += `,{"action_type":"offsite_conversion.fb_pixel_purchase","value":"${leaf.conversions}"}`;
    values += `{"action_type":"offsite_conversion.fb_pixel_purchase","value":"${money(leaf.valueCents)}"}`;
  }
  writer.date(date);
  writer.date(date);
  writer.str(META_ACCOUNT_ID);
  writer.str(input.currency);
  writer.str(campaign.id);
  writer.str(campaign.name);
  writer.str(leaf.group.id);
  writer.str(leaf.group.name);
  writer.str(ad.id);
  writer.str(ad.name);
  writer.num(leaf.spendCents / 100);
  writer.int(impressions);
  writer.int(clicks);
  writer.int(reach);
  writer.json(`${actions}]`);
  writer.json(`${values}]`);
}

function writeTikTok(
  writer: RowWriter,
  campaign: Campaign,
  leaf: Leaf,
  impressions: number,
  clicks: number,
  currency: string,
  date: string,
): void {
  const ad = leaf.ad as Ad;
  const statTimeDay = `${date} 00:00:00`;
  // Optimisation-event conversions run a little above completed payments for the prospecting campaigns.
  const conversion = campaign.name.includes("prospecting")
    ? Math.round(leaf.conversions * 1.08)
    : leaf.conversions;
  writer.int(Number(ad.id));
  writer.int(TIKTOK_ADVERTISER_ID);
  writer.ts(Date.parse(`${date}T00:00:00Z`));
  writer.json(`{"ad_id":${ad.id},"stat_time_day":"${statTimeDay}"}`);
  // TikTok's reporting API returns every metric as a string. `total_complete_payment_rate` is the total purchase
  // value (its name misleads), `complete_payment_roas` that value over spend.
  const roas = leaf.spendCents > 0 ? (leaf.valueCents / leaf.spendCents).toFixed(4) : "0";
  writer.json(
    `{"campaign_id":"${campaign.id}","campaign_name":${jsonString(campaign.name)},"adgroup_id":"${leaf.group.id}","adgroup_name":${jsonString(leaf.group.name)},"ad_name":${jsonString(ad.name)},"spend":"${money(leaf.spendCents)}","impressions":"${impressions}","clicks":"${clicks}","conversion":"${conversion}","complete_payment":"${leaf.conversions}","total_complete_payment_rate":"${money(leaf.valueCents)}","complete_payment_roas":"${roas}","currency":"${currency}"}`,
  );
}

/** The campaign's columns of a Google Ads row, before its group's. */
function writeGoogleCampaign(writer: RowWriter, campaign: Campaign, currency: string, date: string): void {
  writer.date(date);
  writer.int(GOOGLE_CUSTOMER_ID);
  writer.str(currency);
  writer.int(Number(campaign.id));
  writer.str(campaign.name);
  writer.str(campaign.channelType);
}

/** One ad group's day; what it wrote of cost and conversions, for its campaign's own day. */
function writeGoogle(
  writer: RowWriter,
  campaign: Campaign,
  leaf: Leaf,
  impressions: number,
  clicks: number,
  currency: string,
  date: string,
  rng: Rng,
): { micros: number; conversionHundredths: number } {
  writeGoogleCampaign(writer, campaign, currency, date);
  writer.int(Number(leaf.group.id));
  writer.str(leaf.group.name);
  // Cost in micros, whole cents as Google bills them.
  const micros = leaf.spendCents * 10_000;
  writer.int(micros);
  writer.int(impressions);
  writer.int(clicks);
  // Data-driven attribution hands out fractional conversions.
  const conversions = leaf.conversions > 0 ? Math.max(0.1, leaf.conversions + rng.range(-0.45, 0.45)) : 0;
  const conversionHundredths = Math.round(conversions * 100);
  writer.num(conversionHundredths / 100);
  writer.num(leaf.valueCents / 100);
  return { micros, conversionHundredths };
}
