// The three ad platforms' campaign trees (campaigns, ad groups, ads, with their UTMs, budgets and active
// periods), and which campaign an order came from on a day.
import { cumulative } from "./prng.ts";
import type { DayContext } from "./seasonality.ts";

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

export interface CampaignTree extends Campaign {
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
