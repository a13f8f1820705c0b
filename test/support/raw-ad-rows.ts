// Raw rows in the platforms' shapes for the SQL tests that hand-make a shop's money (amounts in integer micros):
// a paid Shopify order landing from a UTM, and one day of a Meta ad, a Google Ads ad group or a TikTok ad, with
// spend and conversion value in the account's currency. Each lands the evening of its day.
import { amount, decimalText } from "./micros.ts";

/** A paid order without lines worth `total` micros, placed at `hour` UTC on `day` by `customer`. */
export function paidUtmOrder(order: {
  id: number;
  day: string;
  hour: string;
  total: bigint;
  customer: number;
  currency: string;
  landing: string;
}) {
  const email = `buyer${order.customer}@example.com`;
  return {
    id: order.id,
    name: `#${order.id}`,
    email,
    created_at: `${order.day}T${order.hour}:00:00Z`,
    updated_at: `${order.day}T${order.hour}:00:00Z`,
    currency: order.currency,
    financial_status: "paid",
    subtotal_price: decimalText(order.total),
    total_discounts: "0",
    total_tax: "0",
    total_price: decimalText(order.total),
    landing_site: order.landing,
    customer: { id: 900 + order.customer, email },
    line_items: [],
    refunds: [],
    _airbyte_raw_id: `order-${order.id}`,
    _airbyte_extracted_at: `${order.day}T23:00:00Z`,
  };
}

export interface AdMoney {
  day: string;
  currency: string;
  campaign: string;
  /** Micros of the account's currency. */
  spend: bigint;
  value: bigint;
}

/** One day of a Meta ad with one pixel purchase worth `value`. */
export function metaAdDay(row: AdMoney & { account: string; ad: string }) {
  return {
    date_start: row.day,
    date_stop: row.day,
    account_id: row.account,
    account_currency: row.currency,
    campaign_id: "m1",
    campaign_name: row.campaign,
    adset_id: "s1",
    adset_name: "Broad",
    ad_id: row.ad,
    ad_name: `Ad ${row.ad}`,
    spend: amount(row.spend),
    impressions: 500,
    clicks: 5,
    actions: [{ action_type: "offsite_conversion.fb_pixel_purchase", value: "1" }],
    action_values: [{ action_type: "offsite_conversion.fb_pixel_purchase", value: decimalText(row.value) }],
    _airbyte_extracted_at: `${row.day}T23:00:00Z`,
  };
}

/** One day of a Google Ads ad group of campaign 500, its cost in micros as Google reports it. */
export function googleAdGroupDay(row: AdMoney & { customer: number; group: number }) {
  return {
    segments_date: row.day,
    customer_id: row.customer,
    customer_currency_code: row.currency,
    campaign_id: 500,
    campaign_name: row.campaign,
    ad_group_id: row.group,
    ad_group_name: `Group ${row.group}`,
    metrics_cost_micros: Number(row.spend),
    metrics_impressions: 1000,
    metrics_clicks: 10,
    metrics_conversions: 1,
    metrics_conversions_value: amount(row.value),
    _airbyte_extracted_at: `${row.day}T23:00:00Z`,
  };
}

/** One day of a TikTok ad, every metric a string as TikTok's reporting API writes them. */
export function tiktokAdDay(row: AdMoney & { advertiser: number; ad: number }) {
  return {
    ad_id: row.ad,
    advertiser_id: row.advertiser,
    stat_time_day: `${row.day}T00:00:00Z`,
    dimensions: { ad_id: row.ad, stat_time_day: `${row.day} 00:00:00` },
    metrics: {
      campaign_id: "t1",
      campaign_name: row.campaign,
      adgroup_id: "tg1",
      adgroup_name: "Broad",
      ad_name: `Ad ${row.ad}`,
      spend: decimalText(row.spend),
      impressions: "800",
      clicks: "20",
      complete_payment: "1",
      total_complete_payment_rate: decimalText(row.value),
      currency: row.currency,
    },
    _airbyte_extracted_at: `${row.day}T23:00:00Z`,
  };
}
