// The demo shop's raw rows (as the generator lands them) turned back into what each platform's API returns:
// Shopify GraphQL order nodes, Meta insights rows, TikTok report rows and Google Ads searchStream rows. The
// connectors map these back to the raw shapes, so demo → API → connector → raw is a round trip.
import type { GoogleAdsRow } from "../../functions/lib/platform-apis/google-ads.ts";
import type { MetaAction, MetaInsightRow } from "../../functions/lib/platform-apis/meta.ts";
import type {
  ShopifyCustomerNode,
  ShopifyProductNode,
} from "../../functions/lib/platform-apis/shopify-nodes.ts";
import { readQuery } from "../../functions/lib/sql/queries.ts";
import type { Warehouse } from "../../functions/shared/ports.ts";
import type { PlatformData, ServedShopifyOrder } from "./server.ts";

type Raw = Record<string, unknown>;

const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);
const money = (value: unknown, currencyCode: string) =>
  value === null || value === undefined
    ? null
    : { shopMoney: { amount: Number(value).toFixed(2), currencyCode } };
const instant = (value: unknown): string | null => (value ? new Date(String(value)).toISOString() : null);
const parsed = <T>(value: unknown, fallback: T): T =>
  value === null || value === undefined
    ? fallback
    : ((typeof value === "string" ? JSON.parse(value) : value) as T);

/** A REST line's type as Shopify's sales record it: a tip's (the fields REST gives tips only), a gift card's. */
function saleLineType(line: Raw): string {
  if (line.tip_payment_gateway != null || line.tip_payment_method != null || line.is_tip === true)
    return "TIP";
  return line.gift_card === true ? "GIFT_CARD" : "PRODUCT";
}

/** The order's line a REST refund line gives back: its line_item_id, or the id of the line it nests. */
const refundedLineId = (line: Raw): unknown => line.line_item_id ?? (line.line_item as Raw | undefined)?.id;

export function orderNode(row: Raw): ServedShopifyOrder {
  const currency = String(row.currency ?? "USD");
  const customer = parsed<Raw | null>(row.customer, null);
  const lines = parsed<Raw[]>(row.line_items, []);
  const refunds = parsed<Raw[]>(row.refunds, []);
  const lineGid = (id: unknown) => `gid://shopify/LineItem/${String(id)}`;
  const lineTypes = new Map(lines.map((line) => [String(line.id), saleLineType(line)]));
  const shipping = parsed<{ shop_money?: { amount?: string } } | null>(row.total_shipping_price_set, null);
  const address = parsed<Raw | null>(row.shipping_address, null);
  const upper = (value: unknown) => (value ? String(value).toUpperCase() : null);
  return {
    id: `gid://shopify/Order/${String(row.id)}`,
    name: String(row.name),
    email: text(row.email),
    phone: text(row.phone),
    createdAt: instant(row.created_at) ?? "",
    updatedAt: instant(row.updated_at) ?? "",
    processedAt: instant(row.processed_at),
    cancelledAt: instant(row.cancelled_at),
    test: row.test === true,
    currencyCode: currency,
    displayFinancialStatus: upper(row.financial_status),
    displayFulfillmentStatus: upper(row.fulfillment_status),
    subtotalPriceSet: money(row.subtotal_price, currency),
    totalDiscountsSet: money(row.total_discounts, currency),
    totalTaxSet: money(row.total_tax, currency),
    totalShippingPriceSet: money(shipping?.shop_money?.amount ?? 0, currency),
    totalPriceSet: money(row.total_price, currency),
    totalTipReceivedSet: money(row.total_tip_received ?? 0, currency),
    sourceName: text(row.source_name),
    customerJourneySummary: {
      firstVisit: { landingPage: text(row.landing_site), referrerUrl: text(row.referring_site) },
    },
    customer: customer
      ? {
          id: `gid://shopify/Customer/${String(customer.id)}`,
          defaultEmailAddress: customer.email ? { emailAddress: text(customer.email) } : null,
          firstName: text(customer.first_name),
          lastName: text(customer.last_name),
          createdAt: text(customer.created_at),
          numberOfOrders: String(customer.orders_count ?? 0),
        }
      : null,
    lineItems: {
      nodes: lines.map((line) => ({
        id: lineGid(line.id),
        sku: text(line.sku),
        title: String(line.title ?? ""),
        quantity: Number(line.quantity ?? 0),
        isGiftCard: line.gift_card === true,
        product: line.product_id ? { id: `gid://shopify/Product/${String(line.product_id)}` } : null,
        variant: line.variant_id ? { id: `gid://shopify/ProductVariant/${String(line.variant_id)}` } : null,
        originalUnitPriceSet: money(line.price, currency),
        totalDiscountSet: money(line.total_discount ?? 0, currency),
      })),
    },
    refunds: refunds.map((refund) => ({
      id: `gid://shopify/Refund/${String(refund.id)}`,
      createdAt: String(refund.created_at),
      transactions: {
        nodes: parsed<Raw[]>(refund.transactions, []).map((transaction) => ({
          kind: String(transaction.kind ?? "").toUpperCase(),
          // Shopify always answers a status; a raw row without one (a file drop, the demo) was a refund made.
          status: String(transaction.status ?? "success").toUpperCase(),
          amountSet: money(transaction.amount, currency),
        })),
      },
      // REST's refund_line_items as GraphQL's refundLineItems: each names the order's line it gave back.
      refundLineItems: {
        nodes: parsed<Raw[]>(refund.refund_line_items, []).map((line) => {
          const lineItemId = refundedLineId(line);
          const subtotal = (line.subtotal_set as { shop_money?: { amount?: unknown } } | undefined)
            ?.shop_money?.amount;
          return {
            lineItem: lineItemId == null ? null : { id: lineGid(lineItemId) },
            quantity: Number(line.quantity ?? 0),
            subtotalSet: money(subtotal ?? line.subtotal ?? 0, currency),
          };
        }),
      },
    })),
    shippingAddress: address
      ? {
          countryCodeV2: text(address.country_code),
          provinceCode: text(address.province_code),
          city: text(address.city),
          zip: text(address.zip),
        }
      : null,
    discountCodes: parsed<Raw[]>(row.discount_codes, []).map((code) => String(code.code ?? code)),
    customAttributes: parsed<Raw[]>(row.note_attributes, []).map((attribute) => ({
      key: String(attribute.name ?? ""),
      value: text(attribute.value),
    })),
    // The order placed (a sale per line), then each refund (a sale per line it gave back).
    agreements: [
      { sales: lines.map((line) => ({ lineType: saleLineType(line), lineItem: { id: lineGid(line.id) } })) },
      ...refunds.map((refund) => ({
        sales: parsed<Raw[]>(refund.refund_line_items, []).flatMap((line) => {
          const lineItemId = refundedLineId(line);
          if (lineItemId == null) return [];
          const lineType = lineTypes.get(String(lineItemId)) ?? saleLineType((line.line_item as Raw) ?? {});
          return [{ lineType, lineItem: { id: lineGid(lineItemId) } }];
        }),
      })),
    ],
  };
}

export function customerNode(row: Raw): ShopifyCustomerNode {
  const address = parsed<Raw | null>(row.default_address, null);
  return {
    id: `gid://shopify/Customer/${String(row.id)}`,
    // A customer without an email or phone has no default email address or phone number (null), as Shopify
    // answers; the marketing state lives on the email address.
    defaultEmailAddress: row.email
      ? {
          emailAddress: text(row.email),
          marketingState: row.accepts_marketing ? "SUBSCRIBED" : "NOT_SUBSCRIBED",
        }
      : null,
    defaultPhoneNumber: row.phone ? { phoneNumber: String(row.phone) } : null,
    firstName: text(row.first_name),
    lastName: text(row.last_name),
    createdAt: instant(row.created_at) ?? "",
    updatedAt: instant(row.updated_at) ?? "",
    numberOfOrders: String(row.orders_count ?? 0),
    amountSpent:
      row.total_spent === null || row.total_spent === undefined
        ? null
        : { amount: Number(row.total_spent).toFixed(2), currencyCode: String(row.currency ?? "USD") },
    defaultAddress: address
      ? {
          countryCodeV2: text(address.country_code),
          provinceCode: text(address.province_code),
          city: text(address.city),
          zip: text(address.zip),
        }
      : null,
  };
}

export function productNode(row: Raw): ShopifyProductNode {
  return {
    id: `gid://shopify/Product/${String(row.id)}`,
    title: String(row.title ?? ""),
    productType: text(row.product_type),
    vendor: text(row.vendor),
    status: row.status ? String(row.status).toUpperCase() : null,
    isGiftCard: parsed<Raw[]>(row.variants, []).some((variant) => variant.gift_card === true),
    createdAt: instant(row.created_at) ?? "",
    updatedAt: instant(row.updated_at) ?? "",
    variants: {
      nodes: parsed<Raw[]>(row.variants, []).map((variant) => ({
        id: `gid://shopify/ProductVariant/${String(variant.id)}`,
        sku: text(variant.sku),
        price:
          variant.price === null || variant.price === undefined ? null : Number(variant.price).toFixed(2),
        title: text(variant.title),
      })),
    },
  };
}

export function metaRow(row: Raw): MetaInsightRow {
  const day = String(row.date_start);
  return {
    date_start: day,
    date_stop: String(row.date_stop ?? day),
    account_id: String(row.account_id),
    account_currency: String(row.account_currency ?? "USD"),
    campaign_id: String(row.campaign_id),
    campaign_name: String(row.campaign_name),
    adset_id: String(row.adset_id),
    adset_name: String(row.adset_name),
    ad_id: String(row.ad_id),
    ad_name: String(row.ad_name),
    spend: Number(row.spend ?? 0).toFixed(2),
    impressions: String(row.impressions ?? 0),
    clicks: String(row.clicks ?? 0),
    reach: String(row.reach ?? 0),
    actions: parsed<MetaAction[]>(row.actions, []),
    action_values: parsed<MetaAction[]>(row.action_values, []),
  };
}

export function tiktokRow(row: Raw): PlatformData["tiktokRows"][number] {
  const day = String(row.stat_time_day).slice(0, 10);
  const metrics = parsed<Record<string, unknown>>(row.metrics, {});
  return {
    advertiserId: String(row.advertiser_id),
    dimensions: { ad_id: String(row.ad_id), stat_time_day: `${day} 00:00:00` },
    metrics: Object.fromEntries(Object.entries(metrics).map(([name, value]) => [name, String(value)])),
  };
}

export function googleRow(row: Raw): GoogleAdsRow {
  const channelType = String(row.campaign_advertising_channel_type ?? "SEARCH");
  const group = { id: String(row.ad_group_id), name: String(row.ad_group_name) };
  return {
    customer: { id: String(row.customer_id), currencyCode: String(row.customer_currency_code ?? "USD") },
    campaign: {
      id: String(row.campaign_id),
      name: String(row.campaign_name),
      advertisingChannelType: channelType,
    },
    // The demo's Performance Max group is, to Google's API, an asset group: the campaign type has no ad groups. A
    // row without a group is what only its campaign reports.
    ...(row.ad_group_id === null || row.ad_group_id === undefined
      ? {}
      : channelType === "PERFORMANCE_MAX"
        ? { assetGroup: group }
        : { adGroup: group }),
    segments: { date: String(row.segments_date) },
    metrics: {
      costMicros: String(row.metrics_cost_micros ?? 0),
      impressions: String(row.metrics_impressions ?? 0),
      clicks: String(row.metrics_clicks ?? 0),
      conversions: Number(row.metrics_conversions ?? 0),
      conversionsValue: Number(row.metrics_conversions_value ?? 0),
    },
  };
}

/** The platforms' view of the demo's raw data for [startDate, endDate]: the latest version of every record. */
export async function platformDataFromRaw(
  warehouse: Warehouse,
  window: { startDate: string; endDate: string },
  shopTimezone: string,
): Promise<PlatformData> {
  const read = (table: string) =>
    warehouse.query(
      readQuery(`tools/demo_api_${table}`),
      { window_start: window.startDate, window_end: window.endDate, shop_timezone: shopTimezone },
      { label: `demo API ${table}` },
    );
  return {
    shopTimezone,
    shopifyOrders: (await read("shopify_orders")).map(orderNode),
    shopifyCustomers: (await read("shopify_customers")).map(customerNode),
    shopifyProducts: (await read("shopify_products")).map(productNode),
    metaInsights: (await read("facebook_ads_insights")).map(metaRow),
    tiktokRows: (await read("tiktok_ads_reports_daily")).map(tiktokRow),
    googleRows: (await read("google_ads_campaign_stats")).map(googleRow),
  };
}
