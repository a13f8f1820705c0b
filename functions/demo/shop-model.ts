// The demo shop's commercial model: the acquisition channels orders come from (which decide their UTMs and
// referrers), the discount codes they use and what shipping costs.
import type { Region } from "./geography.ts";
import { cumulative } from "./prng.ts";
import type { DayContext } from "./seasonality.ts";

// ---------------------------------------------------------------------------------------------------------------
// Acquisition channels. The order's channel decides its landing_site UTMs and referring_site.

export const Channel = {
  Facebook: 0,
  Instagram: 1,
  TikTok: 2,
  GoogleCpc: 3,
  Email: 4,
  OrganicSearch: 5,
  Direct: 6,
  OrganicSocial: 7,
  Referral: 8,
} as const;
export type Channel = (typeof Channel)[keyof typeof Channel];

/** Channel mix for new and for returning customers (returning ones come back through email and direct). */
const NEW_MIX = [25, 11, 13, 17, 4, 12, 10, 5, 3];
const RETURNING_MIX = [12, 6, 5, 14, 28, 10, 22, 2, 1];

export function channelTables(progress: number): { newCustomers: Float64Array; returning: Float64Array } {
  // TikTok grows its share over the period at the expense of Meta.
  const tiktokLift = 0.7 + 0.6 * progress;
  const metaDamp = 1.05 - 0.1 * progress;
  const adjust = (mix: number[]) =>
    cumulative(
      mix.map((weight, channel) => {
        if (channel === Channel.TikTok) return weight * tiktokLift;
        if (channel === Channel.Facebook || channel === Channel.Instagram) return weight * metaDamp;
        return weight;
      }),
    );
  return { newCustomers: adjust(NEW_MIX), returning: adjust(RETURNING_MIX) };
}

export const EMAIL_CAMPAIGNS = {
  always: ["welcome_series", "abandoned_cart", "winback_60d", "weekly_newsletter", "post_purchase_replenish"],
  bfcm: "bfcm_early_access",
  holiday: "holiday_gift_guide",
};

export const ORGANIC_SOCIAL_REFERRERS = [
  "https://www.instagram.com/",
  "https://www.tiktok.com/",
  "https://www.pinterest.com/",
];
export const REFERRAL_REFERRERS = [
  "https://www.allure.com/",
  "https://www.reddit.com/r/SkincareAddiction/",
  "https://www.byrdie.com/",
];

// ---------------------------------------------------------------------------------------------------------------
// Discounts and shipping.

export interface DiscountCode {
  code: string;
  percent: number;
}

export function discountCodeFor(
  context: DayContext,
  returning: boolean,
  fromTikTok: boolean,
  draw: number,
): DiscountCode {
  if (context.isBfcm && draw < 0.8) return { code: "BFCM25", percent: 25 };
  if (context.isHolidayGifting && draw < 0.5) return { code: "HOLIDAY20", percent: 20 };
  if (context.isSummer && draw < 0.3) return { code: "SUMMER15", percent: 15 };
  if (fromTikTok && draw < 0.7)
    return draw < 0.35 ? { code: "GLOWWITHMAYA", percent: 15 } : { code: "JESS20", percent: 20 };
  if (returning) return draw < 0.6 ? { code: "VIP15", percent: 15 } : { code: "THANKYOU10", percent: 10 };
  return { code: "WELCOME10", percent: 10 };
}

/** Share of orders using a discount code on this day (~20% on a normal day, most orders during BFCM). */
export function discountShare(context: DayContext): number {
  if (context.fromBlackFriday >= 0 && context.fromBlackFriday <= 4) return 0.6;
  if (context.isBfcm) return 0.35;
  if (context.isHolidayGifting) return 0.28;
  return 0.17;
}

export function shippingCents(region: Region, subtotalCents: number, expedited: boolean): number {
  if (expedited) return region.country === "US" ? 1495 : 2995;
  if (region.country === "US") return subtotalCents >= 6000 ? 0 : 595;
  if (region.country === "CA") return subtotalCents >= 9000 ? 0 : 995;
  return subtotalCents >= 15000 ? 0 : 1495;
}
