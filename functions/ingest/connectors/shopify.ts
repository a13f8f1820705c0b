// Shopify connector: orders (with line items, refunds and the customer) incremental on updated_at, so a refund
// or a cancellation of an old order lands as that order's new version, into raw.shopify_orders in the shape
// Airbyte's source-shopify lands (REST field names, nested objects as JSON).
import { addDays } from "../../lib/calendar.ts";
import { legacyId, ShopifyApi, type ShopifyOrderNode } from "../../lib/platform-apis/shopify.ts";
import type { Row } from "../../shared/ports.ts";
import {
  airbyteColumns,
  type Connector,
  type ConnectorContext,
  deleteApiRows,
  fullRow,
  landRows,
  readState,
  writeState,
} from "./landing.ts";
import { requireSecret, retryPolicy } from "../../lib/platform-apis/credentials.ts";

export interface ShopifyState {
  /** The newest updated_at pulled so far (ISO instant). */
  updatedAtCursor: string;
  pulledAt: string;
}

const amount = (money: { shopMoney: { amount: string } } | null | undefined) =>
  money?.shopMoney.amount ?? null;
const lower = (value: string | null | undefined) => (value ? value.toLowerCase() : null);

/** A GraphQL order as the raw row Airbyte's REST-based stream would have landed. */
export function shopifyRawRow(
  context: Pick<ConnectorContext, "extractedAt" | "runId">,
  order: ShopifyOrderNode,
  apiVersion: string,
): Row {
  const id = legacyId(order.id);
  return fullRow("shopify_orders", {
    id,
    name: order.name,
    email: order.email,
    phone: order.phone,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.processedAt,
    cancelled_at: order.cancelledAt,
    currency: order.currencyCode,
    financial_status: lower(order.displayFinancialStatus),
    fulfillment_status: lower(order.displayFulfillmentStatus),
    subtotal_price: amount(order.subtotalPriceSet),
    total_discounts: amount(order.totalDiscountsSet),
    total_tax: amount(order.totalTaxSet),
    total_shipping_price_set: JSON.stringify({
      shop_money: {
        amount: amount(order.totalShippingPriceSet) ?? "0.00",
        currency_code: order.totalShippingPriceSet?.shopMoney.currencyCode ?? order.currencyCode,
      },
    }),
    total_price: amount(order.totalPriceSet),
    source_name: order.sourceName,
    landing_site: order.customerJourneySummary?.firstVisit?.landingPage ?? null,
    referring_site: order.customerJourneySummary?.firstVisit?.referrerUrl ?? null,
    customer: order.customer
      ? JSON.stringify({
          id: Number(legacyId(order.customer.id)),
          email: order.customer.email,
          first_name: order.customer.firstName,
          last_name: order.customer.lastName,
          created_at: order.customer.createdAt,
          orders_count: Number(order.customer.numberOfOrders ?? 0),
        })
      : null,
    line_items: JSON.stringify(
      order.lineItems.nodes.map((line) => ({
        id: Number(legacyId(line.id)),
        product_id: line.product ? Number(legacyId(line.product.id)) : null,
        variant_id: line.variant ? Number(legacyId(line.variant.id)) : null,
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        price: amount(line.originalUnitPriceSet),
        total_discount: amount(line.totalDiscountSet) ?? "0.00",
      })),
    ),
    refunds: JSON.stringify(
      order.refunds.map((refund) => ({
        id: Number(legacyId(refund.id)),
        created_at: refund.createdAt,
        transactions: refund.transactions.nodes.map((transaction) => ({
          amount: amount(transaction.amountSet),
          kind: transaction.kind.toLowerCase(),
        })),
      })),
    ),
    shipping_address: order.shippingAddress
      ? JSON.stringify({
          country_code: order.shippingAddress.countryCodeV2,
          province_code: order.shippingAddress.provinceCode,
          city: order.shippingAddress.city,
          zip: order.shippingAddress.zip,
        })
      : null,
    discount_codes: JSON.stringify(order.discountCodes.map((code) => ({ code }))),
    note_attributes: JSON.stringify(order.customAttributes.map(({ key, value }) => ({ name: key, value }))),
    ...airbyteColumns(context, `api:shopify:${id}:${order.updatedAt}`, {
      connector: "shopify",
      api_version: apiVersion,
    }),
  });
}

/** Where this run's pull starts: the cursor less the overlap, or initialDays before the run date on a first run. */
export function shopifySince(
  runDate: string,
  settings: { initialDays: number; overlapMinutes: number },
  state: ShopifyState | undefined,
): string {
  if (!state) return `${addDays(runDate, -settings.initialDays)}T00:00:00Z`;
  return new Date(Date.parse(state.updatedAtCursor) - settings.overlapMinutes * 60_000).toISOString();
}

export const shopifyConnector: Connector = {
  source: "shopify",
  label: "Shopify",
  async run(context) {
    const settings = context.settings.shopify;
    const accessToken = await requireSecret(context, "shopify", "shopifyAccessToken");
    const api = new ShopifyApi(
      { ...settings, accessToken },
      context.io,
      retryPolicy(context.settings),
      context.log,
    );
    const state = await readState<ShopifyState>(context.bucket, "shopify");
    const since = shopifySince(context.runDate, settings, state);
    // Every page is read before anything is written: a page that fails leaves the warehouse and the cursor as
    // they were, and the next run asks for the same orders again.
    const rows: Row[] = [];
    let cursor = state?.updatedAtCursor ?? since;
    for await (const orders of api.ordersUpdatedSince(since)) {
      for (const order of orders) {
        rows.push(shopifyRawRow(context, order, settings.apiVersion));
        if (Date.parse(order.updatedAt) > Date.parse(cursor))
          cursor = new Date(order.updatedAt).toISOString();
      }
    }
    // The pull returned every order updated since `since`, each in its latest version: those versions replace
    // the ones earlier pulls landed from that instant on, so a re-pull adds no copies.
    const rowsReplaced = await deleteApiRows(
      context.warehouse,
      "shopify",
      { updated_since: since },
      `shopify orders updated since ${since}`,
    );
    await landRows(context.warehouse, "shopify_orders", rows);
    await writeState(context.bucket, "shopify", { updatedAtCursor: cursor, pulledAt: context.extractedAt });
    return {
      source: "shopify",
      rowsLanded: rows.length,
      rowsReplaced,
      pulled: `orders updated since ${since}`,
    };
  },
};
