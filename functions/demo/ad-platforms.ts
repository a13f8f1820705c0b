// The three ad platforms: their campaign trees, and each day's report rows in the shapes Airbyte lands.
// Spend follows the shop's revenue (so it carries the same seasonality); platform-reported conversions start from
// the orders each campaign really drove (by UTM, before any tracking breakage) and over-report them, as pixels and
// view-through attribution do.

import { AIRBYTE_COLUMNS, jsonString, money, type RowWriter, writeAirbyteColumns } from "./appender.ts";
import { cumulative, type Rng } from "./prng.ts";
import type { DayContext } from "./shop-model.ts";

export type Platform = "meta" | "tiktok" | "google";

export interface Ad {
  id: string;
  name: string;
  weight: number;
}

export interface AdGroup {
  id: string;
  name: string;
  weight: number;
  ads: Ad[];
}

export interface Campaign {
  /** Position in CAMPAIGNS, for per-day tallies. */
  index: number;
  platform: Platform;
  id: string;
  /** Also the utm_campaign value on the orders it drives. */
  name: string;
  spendWeight: number;
  /** Share of the platform's attributed orders; retargeting and brand search convert better than they spend. */
  orderWeight: number;
  active: "always" | "bfcm" | "holiday";
  /** Google Ads advertising_channel_type. */
  channelType: string;
  /** Cost per thousand impressions and click-through rate, in dollars and as a fraction. */
  cpm: number;
  ctr: number;
}

interface CampaignSpec {
  name: string;
  spendWeight: number;
  orderWeight: number;
  active?: Campaign["active"];
  channelType?: string;
  cpm: number;
  ctr: number;
  groups: [string, number, [string, number][]][];
}

const META: CampaignSpec[] = [
  {
    name: "meta_prospecting_broad",
    spendWeight: 0.38,
    orderWeight: 0.28,
    cpm: 11,
    ctr: 0.012,
    groups: [
      [
        "broad_us_25-54",
        0.6,
        [
          ["ugc_vitc_serum_v3", 0.45],
          ["founder_story_video", 0.3],
          ["before_after_carousel", 0.25],
        ],
      ],
      [
        "broad_intl_25-54",
        0.4,
        [
          ["ugc_vitc_serum_v3_intl", 0.6],
          ["routine_carousel_intl", 0.4],
        ],
      ],
    ],
  },
  {
    name: "meta_prospecting_lookalike",
    spendWeight: 0.24,
    orderWeight: 0.22,
    cpm: 13,
    ctr: 0.013,
    groups: [
      [
        "lal_1pct_purchasers",
        0.6,
        [
          ["ugc_hyaluronic_reel", 0.55],
          ["routine_carousel", 0.45],
        ],
      ],
      [
        "lal_3pct_engaged",
        0.4,
        [
          ["ugc_hyaluronic_reel_b", 0.5],
          ["texture_closeup_static", 0.5],
        ],
      ],
    ],
  },
  {
    name: "meta_retargeting_dpa",
    spendWeight: 0.2,
    orderWeight: 0.32,
    cpm: 16,
    ctr: 0.018,
    groups: [
      [
        "atc_7d",
        0.55,
        [
          ["dpa_catalog", 0.6],
          ["reviews_static", 0.4],
        ],
      ],
      [
        "viewers_30d",
        0.45,
        [
          ["dpa_catalog_viewers", 0.7],
          ["free_shipping_static", 0.3],
        ],
      ],
    ],
  },
  {
    name: "meta_retention_customers",
    spendWeight: 0.1,
    orderWeight: 0.12,
    cpm: 14,
    ctr: 0.015,
    groups: [
      [
        "past_buyers_90d",
        1,
        [
          ["replenish_reminder", 0.55],
          ["new_launch_static", 0.45],
        ],
      ],
    ],
  },
  {
    name: "meta_bfcm_sale",
    spendWeight: 0.45,
    orderWeight: 0.5,
    active: "bfcm",
    cpm: 19,
    ctr: 0.016,
    groups: [
      [
        "bfcm_broad",
        0.6,
        [
          ["bfcm_25off_video", 0.6],
          ["bfcm_countdown_static", 0.4],
        ],
      ],
      ["bfcm_retargeting", 0.4, [["bfcm_dpa_catalog", 1]]],
    ],
  },
  {
    name: "meta_holiday_gifting",
    spendWeight: 0.25,
    orderWeight: 0.25,
    active: "holiday",
    cpm: 15,
    ctr: 0.014,
    groups: [
      [
        "gifting_broad",
        1,
        [
          ["gift_sets_carousel", 0.55],
          ["stocking_stuffers_reel", 0.45],
        ],
      ],
    ],
  },
];

const TIKTOK: CampaignSpec[] = [
  {
    name: "tiktok_prospecting_spark",
    spendWeight: 0.5,
    orderWeight: 0.38,
    cpm: 7,
    ctr: 0.009,
    groups: [
      [
        "spark_creators_us",
        0.65,
        [
          ["spark_maya_vitc", 0.4],
          ["spark_jess_routine", 0.35],
          ["spark_grwm_hair", 0.25],
        ],
      ],
      ["spark_creators_broad", 0.35, [["spark_maya_vitc_b", 1]]],
    ],
  },
  {
    name: "tiktok_ugc_conversions",
    spendWeight: 0.35,
    orderWeight: 0.42,
    cpm: 8,
    ctr: 0.01,
    groups: [
      [
        "ugc_18-34",
        0.55,
        [
          ["ugc_unboxing_v2", 0.5],
          ["ugc_texture_asmr", 0.5],
        ],
      ],
      ["ugc_25-44", 0.45, [["ugc_dermatologist_duet", 1]]],
    ],
  },
  {
    name: "tiktok_retargeting",
    spendWeight: 0.15,
    orderWeight: 0.2,
    cpm: 10,
    ctr: 0.012,
    groups: [
      [
        "engagers_14d",
        1,
        [
          ["retarget_reviews", 0.5],
          ["retarget_offer", 0.5],
        ],
      ],
    ],
  },
  {
    name: "tiktok_bfcm_sale",
    spendWeight: 0.4,
    orderWeight: 0.45,
    active: "bfcm",
    cpm: 12,
    ctr: 0.011,
    groups: [["bfcm_all", 1, [["bfcm_tiktok_25off", 1]]]],
  },
];

const GOOGLE: CampaignSpec[] = [
  {
    name: "google_search_brand",
    spendWeight: 0.14,
    orderWeight: 0.36,
    channelType: "SEARCH",
    cpm: 60,
    ctr: 0.12,
    groups: [
      ["brand_exact", 0.7, []],
      ["brand_phrase", 0.3, []],
    ],
  },
  {
    name: "google_search_nonbrand",
    spendWeight: 0.26,
    orderWeight: 0.14,
    channelType: "SEARCH",
    cpm: 38,
    ctr: 0.045,
    groups: [
      ["vitamin_c_serum", 0.4, []],
      ["hyaluronic_acid_serum", 0.35, []],
      ["sulfate_free_shampoo", 0.25, []],
    ],
  },
  {
    name: "google_pmax_all_products",
    spendWeight: 0.4,
    orderWeight: 0.35,
    channelType: "PERFORMANCE_MAX",
    cpm: 8,
    ctr: 0.011,
    groups: [["all_products", 1, []]],
  },
  {
    name: "google_shopping_bestsellers",
    spendWeight: 0.2,
    orderWeight: 0.15,
    channelType: "SHOPPING",
    cpm: 10,
    ctr: 0.014,
    groups: [
      ["bestsellers", 0.7, []],
      ["bundles", 0.3, []],
    ],
  },
];

interface CampaignTree extends Campaign {
  groups: AdGroup[];
}

function buildCampaigns(): CampaignTree[] {
  const campaigns: CampaignTree[] = [];
  const add = (platform: Platform, specs: CampaignSpec[], idBase: number, idStep: number) => {
    specs.forEach((spec, campaignIndex) => {
      const campaignId = idBase + campaignIndex * idStep;
      campaigns.push({
        index: campaigns.length,
        platform,
        id: String(campaignId),
        name: spec.name,
        spendWeight: spec.spendWeight,
        orderWeight: spec.orderWeight,
        active: spec.active ?? "always",
        channelType: spec.channelType ?? "",
        cpm: spec.cpm,
        ctr: spec.ctr,
        groups: spec.groups.map(([name, weight, ads], groupIndex) => {
          const groupId = campaignId + 1_000 + groupIndex * 17;
          return {
            id: String(groupId),
            name,
            weight,
            ads: ads.map(([adName, adWeight], adIndex) => ({
              id: String(groupId + 100 + adIndex * 3),
              name: adName,
              weight: adWeight,
            })),
          };
        }),
      });
    });
  };
  // Meta ids are 18-digit strings; TikTok ids are INT64 and Google's too, kept below 2^53 for JS readers.
  add("meta", META, 1_202_103_456_789_000, 100_000);
  add("tiktok", TIKTOK, 1_780_234_567_000_000, 100_000);
  add("google", GOOGLE, 20_123_450_000, 10_000);
  return campaigns;
}

export const CAMPAIGNS: readonly CampaignTree[] = buildCampaigns();

export const META_ACCOUNT_ID = "1029384756102938";
export const TIKTOK_ADVERTISER_ID = 7_012_345_678_901_234;
export const GOOGLE_CUSTOMER_ID = 4_815_162_342;

export function isActive(campaign: Campaign, context: DayContext): boolean {
  if (campaign.active === "bfcm") return context.isBfcm;
  if (campaign.active === "holiday") return context.isHolidayGifting;
  return true;
}

export interface CampaignPicker {
  campaigns: Campaign[];
  cdf: Float64Array;
}

/** The active campaigns of a platform on a day, weighted by the orders they drive. */
export function campaignPicker(platform: Platform, context: DayContext): CampaignPicker {
  const campaigns = CAMPAIGNS.filter(
    (campaign) => campaign.platform === platform && isActive(campaign, context),
  );
  return { campaigns, cdf: cumulative(campaigns.map((campaign) => campaign.orderWeight)) };
}

/** Orders and revenue each campaign truly drove on a day, indexed like CAMPAIGNS. */
export class CampaignTally {
  readonly orders = new Float64Array(CAMPAIGNS.length);
  readonly revenueCents = new Float64Array(CAMPAIGNS.length);

  reset(): void {
    this.orders.fill(0);
    this.revenueCents.fill(0);
  }
}

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
  rawIds: Record<Platform, Rng>;
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
          writeGoogle(writers.google, campaign, leaf, impressions, clicks, currency, date, rng);
          writeAirbyteColumns(
            writers.google,
            writers.rawIds.google.uuid(),
            extractedMs,
            syncId,
            input.generationId,
          );
          writers.google.end();
        }
      }
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
  // TikTok's reporting API returns every metric as a string.
  writer.json(
    `{"campaign_id":"${campaign.id}","campaign_name":${jsonString(campaign.name)},"adgroup_id":"${leaf.group.id}","adgroup_name":${jsonString(leaf.group.name)},"ad_name":${jsonString(ad.name)},"spend":"${money(leaf.spendCents)}","impressions":"${impressions}","clicks":"${clicks}","conversion":"${conversion}","complete_payment":"${leaf.conversions}","total_complete_payment_rate":"${money(leaf.valueCents)}","currency":"${currency}"}`,
  );
}

function writeGoogle(
  writer: RowWriter,
  campaign: Campaign,
  leaf: Leaf,
  impressions: number,
  clicks: number,
  currency: string,
  date: string,
  rng: Rng,
): void {
  writer.date(date);
  writer.int(GOOGLE_CUSTOMER_ID);
  writer.str(currency);
  writer.int(Number(campaign.id));
  writer.str(campaign.name);
  writer.str(campaign.channelType);
  writer.int(Number(leaf.group.id));
  writer.str(leaf.group.name);
  // Cost in micros, whole cents as Google bills them.
  writer.int(leaf.spendCents * 10_000);
  writer.int(impressions);
  writer.int(clicks);
  // Data-driven attribution hands out fractional conversions.
  const conversions = leaf.conversions > 0 ? Math.max(0.1, leaf.conversions + rng.range(-0.45, 0.45)) : 0;
  writer.num(Math.round(conversions * 100) / 100);
  writer.num(leaf.valueCents / 100);
}
