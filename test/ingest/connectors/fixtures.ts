// A small shop as the platforms' APIs would describe it: Shopify order nodes (GraphQL shape) with line items,
// refunds and cancellations; Meta ad insights for two accounts; TikTok and Google Ads rows. Deterministic from
// a seed, so the expected numbers are computed here, from these objects, independently of the connectors.
import type { GoogleAdsRow } from "../../../functions/lib/platform-apis/google-ads.ts";
import type { MetaInsightRow } from "../../../functions/lib/platform-apis/meta.ts";
import type { ShopifyOrderNode } from "../../../functions/lib/platform-apis/shopify-nodes.ts";
import { addDays } from "../../../functions/lib/calendar.ts";
import { dayIn, type PlatformData } from "../../../tools/demo-apis/server.ts";

export const TIMEZONE = "America/New_York";
export const RUN_DATE = "2026-11-21";
export const META_ACCOUNTS = ["1029384756", "5647382910"];
export const TIKTOK_ADVERTISER = "7012345678901234";
export const GOOGLE_CUSTOMER = "4815162342";

/** Connector settings that pull every source over the fixtures' whole history (the reconciliation tests). */
export const PULL_ALL = {
  shopify: { initialDays: 60 },
  facebook_ads: { lookbackDays: 30 },
  tiktok_ads: { lookbackDays: 30 },
  google_ads: { lookbackDays: 30 },
};
/** Connector settings that pull Shopify alone. */
export const ONLY_SHOPIFY = {
  facebook_ads: { enabled: false },
  tiktok_ads: { enabled: false },
  google_ads: { enabled: false },
};
/** Shopify's two ways of pulling 30 days: page by page, and as a bulk backfill (past bulkThresholdDays). */
export const SHOPIFY_PULLS = [
  ["paged", { ...ONLY_SHOPIFY, shopify: { initialDays: 30 } }],
  [
    "bulk backfill",
    { ...ONLY_SHOPIFY, shopify: { initialDays: 30, bulkThresholdDays: 14, bulkPollSeconds: 5 } },
  ],
] as const;
/** The reconciliation's default window: the 14 days ending two days before the run date. */
export const RECONCILIATION_WINDOW = { startDate: addDays(RUN_DATE, -15), endDate: addDays(RUN_DATE, -2) };
export const inReconciliationWindow = (day: string): boolean =>
  day >= RECONCILIATION_WINDOW.startDate && day <= RECONCILIATION_WINDOW.endDate;

/** A tiny deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const money = (value: number) => ({ shopMoney: { amount: value.toFixed(2), currencyCode: "USD" } });

export function buildOrder(
  index: number,
  createdAt: string,
  options: {
    cancelled?: boolean;
    refund?: { at: string; amount: number };
    lines: { price: number; quantity: number }[];
  },
): ShopifyOrderNode {
  const subtotal = options.lines.reduce((sum, line) => sum + line.price * line.quantity, 0);
  const shipping = subtotal > 50 ? 0 : 5;
  const tax = Math.round(subtotal * 8) / 100;
  const total = subtotal + shipping + tax;
  const updatedAt =
    options.refund?.at ??
    (options.cancelled ? new Date(Date.parse(createdAt) + 3_600_000).toISOString() : createdAt);
  const id = 5_612_345_000_000 + index;
  return {
    id: `gid://shopify/Order/${id}`,
    name: `#${1000 + index}`,
    email: `buyer${index % 40}@example.com`,
    phone: null,
    createdAt,
    updatedAt,
    processedAt: createdAt,
    cancelledAt: options.cancelled ? updatedAt : null,
    currencyCode: "USD",
    displayFinancialStatus: options.refund ? "PARTIALLY_REFUNDED" : "PAID",
    displayFulfillmentStatus: "FULFILLED",
    subtotalPriceSet: money(subtotal),
    totalDiscountsSet: money(0),
    totalTaxSet: money(tax),
    totalShippingPriceSet: money(shipping),
    totalPriceSet: money(total),
    sourceName: "web",
    customerJourneySummary: {
      firstVisit: {
        landingPage: `https://shop.example.com/?utm_source=${index % 3 === 0 ? "facebook" : "google"}&utm_medium=cpc`,
        referrerUrl: null,
      },
    },
    customer: {
      id: `gid://shopify/Customer/${700_000 + (index % 40)}`,
      defaultEmailAddress: { emailAddress: `buyer${index % 40}@example.com` },
      firstName: "Ada",
      lastName: "Buyer",
      createdAt,
      numberOfOrders: "1",
    },
    lineItems: {
      nodes: options.lines.map((line, position) => ({
        id: `gid://shopify/LineItem/${id * 10 + position}`,
        sku: `SKU-${position}`,
        title: `Product ${position}`,
        quantity: line.quantity,
        product: { id: `gid://shopify/Product/${900 + position}` },
        variant: { id: `gid://shopify/ProductVariant/${9_900 + position}` },
        originalUnitPriceSet: money(line.price),
        totalDiscountSet: money(0),
      })),
    },
    refunds: options.refund
      ? [
          {
            id: `gid://shopify/Refund/${800_000 + index}`,
            createdAt: options.refund.at,
            transactions: { nodes: [{ kind: "REFUND", amountSet: money(options.refund.amount) }] },
          },
        ]
      : [],
    shippingAddress: { countryCodeV2: "US", provinceCode: "NY", city: "New York", zip: "10001" },
    discountCodes: [],
    customAttributes: [],
  };
}

/** `days` days of a shop ending on `endDate`: orders, refunds a day later, cancellations, and three ad platforms. */
export function buildPlatformData(seed: number, endDate = RUN_DATE, days = 20): PlatformData {
  const next = random(seed);
  const orders: ShopifyOrderNode[] = [];
  const metaInsights: MetaInsightRow[] = [];
  const tiktokRows: PlatformData["tiktokRows"] = [];
  const googleRows: GoogleAdsRow[] = [];
  let index = 0;
  for (let offset = days - 1; offset >= 0; offset -= 1) {
    const day = addDays(endDate, -offset);
    const count = 6 + Math.floor(next() * 6);
    for (let n = 0; n < count; n += 1) {
      // 14:00–23:59 UTC is the same day in New York.
      const createdAt = new Date(
        Date.parse(`${day}T14:00:00Z`) + Math.floor(next() * 35_000) * 1000,
      ).toISOString();
      const lines = Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({
        price: Math.round((8 + next() * 60) * 100) / 100,
        quantity: 1 + Math.floor(next() * 2),
      }));
      const roll = next();
      const refundAt = new Date(Date.parse(createdAt) + 86_400_000).toISOString();
      const refund = roll < 0.12 && offset > 0 ? { at: refundAt, amount: lines[0]?.price ?? 0 } : undefined;
      orders.push(
        buildOrder(index, createdAt, { cancelled: roll > 0.93, lines, ...(refund ? { refund } : {}) }),
      );
      index += 1;
    }
    for (const account of META_ACCOUNTS) {
      for (let ad = 0; ad < 3; ad += 1) {
        const impressions = 800 + Math.floor(next() * 4000);
        const clicks = Math.floor(impressions * (0.005 + next() * 0.02));
        const purchases = Math.floor(next() * 4);
        metaInsights.push({
          date_start: day,
          date_stop: day,
          account_id: account,
          account_currency: "USD",
          campaign_id: `${account}01`,
          campaign_name: "Prospecting",
          adset_id: `${account}02${ad}`,
          adset_name: `Ad set ${ad}`,
          ad_id: `${account}03${ad}`,
          ad_name: `Ad ${ad}`,
          spend: (20 + next() * 90).toFixed(2),
          impressions: String(impressions),
          clicks: String(clicks),
          reach: String(Math.floor(impressions * 0.8)),
          actions: [
            { action_type: "link_click", value: String(clicks) },
            { action_type: "offsite_conversion.fb_pixel_purchase", value: String(purchases) },
          ],
          action_values: [
            { action_type: "offsite_conversion.fb_pixel_purchase", value: (purchases * 42.5).toFixed(2) },
          ],
        });
      }
    }
    for (let ad = 0; ad < 2; ad += 1) {
      const impressions = 1000 + Math.floor(next() * 3000);
      tiktokRows.push({
        advertiserId: TIKTOK_ADVERTISER,
        dimensions: { ad_id: `178000000000000${ad}`, stat_time_day: `${day} 00:00:00` },
        metrics: {
          campaign_id: "1780000000000100",
          campaign_name: "Spark",
          adgroup_id: `178000000000020${ad}`,
          adgroup_name: `Group ${ad}`,
          ad_name: `Video ${ad}`,
          spend: (10 + next() * 50).toFixed(2),
          impressions: String(impressions),
          clicks: String(Math.floor(impressions * 0.01)),
          conversion: "1",
          complete_payment: String(Math.floor(next() * 3)),
          total_complete_payment_rate: "38.00",
          currency: "USD",
        },
      });
    }
    for (let group = 0; group < 2; group += 1) {
      const impressions = 500 + Math.floor(next() * 2000);
      googleRows.push({
        customer: { id: GOOGLE_CUSTOMER, currencyCode: "USD" },
        campaign: { id: "2100000001", name: "Search brand", advertisingChannelType: "SEARCH" },
        adGroup: { id: `310000000${group}`, name: `Group ${group}` },
        segments: { date: day },
        metrics: {
          costMicros: String(Math.round((15 + next() * 40) * 100) * 10_000),
          impressions: String(impressions),
          clicks: String(Math.floor(impressions * 0.04)),
          conversions: Math.floor(next() * 3),
          conversionsValue: Math.round(next() * 12_000) / 100,
        },
      });
    }
  }
  return { shopifyOrders: orders, shopTimezone: TIMEZONE, metaInsights, tiktokRows, googleRows };
}

/** Orders, gross revenue, refunds and net revenue per order day, straight from the order nodes. */
export function expectedShopDays(
  data: PlatformData,
): Map<string, { orders: number; gross: number; refunds: number }> {
  const days = new Map<string, { orders: number; gross: number; refunds: number }>();
  for (const order of data.shopifyOrders) {
    if (order.cancelledAt) continue;
    const day = dayIn(order.createdAt, data.shopTimezone);
    const entry = days.get(day) ?? { orders: 0, gross: 0, refunds: 0 };
    entry.orders += 1;
    entry.gross += Number(order.totalPriceSet?.shopMoney.amount ?? 0);
    for (const refund of order.refunds)
      for (const transaction of refund.transactions.nodes)
        // Money back: a successful refund transaction (no status in a fixture means one made).
        if (transaction.kind === "REFUND" && (transaction.status ?? "SUCCESS") === "SUCCESS")
          entry.refunds += Number(transaction.amountSet?.shopMoney.amount ?? 0);
    days.set(day, entry);
  }
  return days;
}

/** Spend per day and platform, from the platforms' rows. */
export function expectedSpend(data: PlatformData): Map<string, number> {
  const spend = new Map<string, number>();
  const add = (key: string, value: number) => spend.set(key, (spend.get(key) ?? 0) + value);
  for (const row of data.metaInsights) add(`${row.date_start}|facebook_ads`, Number(row.spend));
  for (const row of data.tiktokRows)
    add(`${row.dimensions.stat_time_day.slice(0, 10)}|tiktok_ads`, Number(row.metrics.spend));
  for (const row of data.googleRows)
    add(`${row.segments?.date}|google_ads`, Number(row.metrics?.costMicros) / 1e6);
  return spend;
}

/** The platforms' data of `seed` with one Shopify customer and one product (with a variant) besides the orders. */
export function withShopifySnapshots(seed: number): PlatformData {
  return {
    ...buildPlatformData(seed),
    shopifyCustomers: [
      {
        id: "gid://shopify/Customer/5001",
        defaultEmailAddress: { emailAddress: "a@example.test", marketingState: "SUBSCRIBED" },
        defaultPhoneNumber: { phoneNumber: "+16135550100" },
        firstName: "A",
        lastName: "B",
        createdAt: "2026-11-01T10:00:00Z",
        updatedAt: "2026-11-20T10:00:00Z",
        numberOfOrders: "2",
        amountSpent: { amount: "40.00", currencyCode: "USD" },
        defaultAddress: null,
      },
    ],
    shopifyProducts: [
      {
        id: "gid://shopify/Product/6001",
        title: "Candle",
        productType: "Candle",
        vendor: "Maison Test",
        status: "ACTIVE",
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-11-19T00:00:00Z",
        variants: {
          nodes: [{ id: "gid://shopify/ProductVariant/7001", sku: "C-1", price: "20.00", title: "Small" }],
        },
      },
    ],
  };
}
