// Shopify connector: orders (with line items, refunds and the customer), customers and products, each
// incremental on updated_at, so a refund or a cancellation of an old order lands as that order's new version,
// into raw.shopify_orders, shopify_customers and shopify_products in the shapes Airbyte's source-shopify lands
// (REST field names, nested objects as JSON).
import { addDays } from "../../lib/calendar.ts";
import { legacyId, ShopifyApi } from "../../lib/platform-apis/shopify.ts";
import type {
  ShopifyCustomerNode,
  ShopifyOrderNode,
  ShopifyProductNode,
} from "../../lib/platform-apis/shopify-nodes.ts";
import type { Row } from "../../shared/ports.ts";
import {
  airbyteColumns,
  type Connector,
  type ConnectorContext,
  type RowContext,
  fullRow,
  replaceApiRows,
  readState,
  writeState,
} from "./landing.ts";
import { requireSecret, retryPolicy } from "../../lib/platform-apis/credentials.ts";
import { shopDomainOf } from "../../shared/connector-settings.ts";

export interface ShopifyState {
  /** The newest order updated_at pulled so far (ISO instant). */
  updatedAtCursor: string;
  /** The same for customers and products (each stream has its own cursor). */
  customersCursor?: string;
  productsCursor?: string;
  pulledAt: string;
}

const amount = (money: { shopMoney: { amount: string } } | null | undefined) =>
  money?.shopMoney.amount ?? null;
const lower = (value: string | null | undefined) => (value ? value.toLowerCase() : null);

/** A GraphQL order as the raw row Airbyte's REST-based stream would have landed. */
export function shopifyRawRow(context: RowContext, order: ShopifyOrderNode, apiVersion: string): Row {
  const id = legacyId(order.id);
  // The order's tip lines (its TipSales). Airbyte's REST lines say so with tip_payment_gateway and
  // tip_payment_method, which GraphQL does not give: the connector's own mark, is_tip, says it on the line and on a
  // refund's line that gives the tip back, and staging reads all three. Unasked (no tip), nothing is marked.
  const tipLines = new Set((order.tipLineItemIds ?? []).map((lineId) => legacyId(lineId)));
  return fullRow("shopify_orders", {
    id,
    name: order.name,
    email: order.email,
    phone: order.phone,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    processed_at: order.processedAt,
    cancelled_at: order.cancelledAt,
    // Absent from a capture made before the connector asked for it: unknown, which staging reads as no test.
    test: order.test ?? null,
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
    // Airbyte's name for it (the REST order's total_tip_received). Absent from a capture made before the connector
    // asked for it: unknown, which staging reads as no tip.
    total_tip_received: amount(order.totalTipReceivedSet),
    source_name: order.sourceName,
    landing_site: order.customerJourneySummary?.firstVisit?.landingPage ?? null,
    referring_site: order.customerJourneySummary?.firstVisit?.referrerUrl ?? null,
    customer: order.customer
      ? JSON.stringify({
          id: Number(legacyId(order.customer.id)),
          email: order.customer.defaultEmailAddress?.emailAddress ?? null,
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
        // Airbyte's name for it (the REST line item's gift_card): staging reads the one name.
        gift_card: line.isGiftCard === true,
        ...(tipLines.has(legacyId(line.id)) ? { is_tip: true } : {}),
      })),
    ),
    refunds: JSON.stringify(
      order.refunds.map((refund) => ({
        id: Number(legacyId(refund.id)),
        created_at: refund.createdAt,
        transactions: refund.transactions.nodes.map((transaction) => ({
          amount: amount(transaction.amountSet),
          kind: transaction.kind.toLowerCase(),
          // In lower case as the kind: staging counts only a successful refund transaction.
          ...(transaction.status ? { status: transaction.status.toLowerCase() } : {}),
        })),
        // The lines it gave back, as the REST refund's refund_line_items: staging finds a gift card returned by its
        // line_item_id and takes the money returned for it from subtotal_set. Absent from a capture made before
        // the connector asked for them: none, which staging reads as every line a sale.
        ...(refund.refundLineItems
          ? {
              refund_line_items: refund.refundLineItems.nodes.map((line) => {
                const lineItemId = legacyId(line.lineItem?.id);
                return {
                  line_item_id: lineItemId ? Number(lineItemId) : null,
                  // As REST nests the line given back (refund_line_items[].line_item), where staging reads a tip.
                  ...(lineItemId && tipLines.has(lineItemId)
                    ? { line_item: { id: Number(lineItemId), is_tip: true } }
                    : {}),
                  quantity: line.quantity,
                  subtotal: amount(line.subtotalSet),
                  subtotal_set: {
                    shop_money: {
                      amount: amount(line.subtotalSet),
                      currency_code: line.subtotalSet?.shopMoney.currencyCode ?? order.currencyCode,
                    },
                  },
                };
              }),
            }
          : {}),
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
  state: { updatedAtCursor: string } | undefined,
): string {
  if (!state) return `${addDays(runDate, -settings.initialDays)}T00:00:00Z`;
  return new Date(Date.parse(state.updatedAtCursor) - settings.overlapMinutes * 60_000).toISOString();
}

/** A GraphQL customer as the raw row Airbyte's customers stream would have landed. */
export function shopifyCustomerRow(
  context: RowContext,
  customer: ShopifyCustomerNode,
  apiVersion: string,
): Row {
  const id = legacyId(customer.id);
  const address = customer.defaultAddress;
  return fullRow("shopify_customers", {
    id,
    email: customer.defaultEmailAddress?.emailAddress ?? null,
    phone: customer.defaultPhoneNumber?.phoneNumber ?? null,
    first_name: customer.firstName,
    last_name: customer.lastName,
    created_at: customer.createdAt,
    updated_at: customer.updatedAt,
    orders_count: String(customer.numberOfOrders ?? 0),
    total_spent: customer.amountSpent?.amount ?? null,
    currency: customer.amountSpent?.currencyCode ?? null,
    accepts_marketing: customer.defaultEmailAddress?.marketingState === "SUBSCRIBED",
    default_address: address
      ? JSON.stringify({
          country_code: address.countryCodeV2,
          province_code: address.provinceCode,
          city: address.city,
          zip: address.zip,
        })
      : null,
    ...airbyteColumns(context, `api:shopify:customer:${id}:${customer.updatedAt}`, {
      connector: "shopify",
      api_version: apiVersion,
    }),
  });
}

/** A GraphQL product as the raw row Airbyte's products stream would have landed. */
export function shopifyProductRow(context: RowContext, product: ShopifyProductNode, apiVersion: string): Row {
  const id = legacyId(product.id);
  return fullRow("shopify_products", {
    id,
    title: product.title,
    product_type: product.productType,
    vendor: product.vendor,
    status: lower(product.status),
    created_at: product.createdAt,
    updated_at: product.updatedAt,
    variants: JSON.stringify(
      product.variants.nodes.map((variant) => ({
        id: Number(legacyId(variant.id)),
        sku: variant.sku,
        price: variant.price,
        title: variant.title,
        // The product's flag on each variant, as a products export lands it: an orders export's lines find it
        // there. Absent from a capture made before the connector asked for it: unknown.
        ...(product.isGiftCard == null ? {} : { gift_card: product.isGiftCard }),
      })),
    ),
    ...airbyteColumns(context, `api:shopify:product:${id}:${product.updatedAt}`, {
      connector: "shopify",
      api_version: apiVersion,
    }),
  });
}

const FIRST_SNAPSHOT = "1970-01-01T00:00:00.000Z";

interface Stream<Node> {
  table: "shopify_orders" | "shopify_customers" | "shopify_products";
  cursorKey: keyof Omit<ShopifyState, "pulledAt">;
  /** `firstRun`: no cursor yet, the pull starts initialDays back. */
  pages(since: string, firstRun: boolean): AsyncGenerator<Node[]>;
  row(node: Node): Row;
  updatedAt(node: Node): string;
}

/**
 * One stream (orders, customers or products) since its cursor. Every page is read before anything is written:
 * a page that fails leaves the warehouse and the cursor as they were, and the next run asks again. The pull
 * returns every record updated since `since` in its latest version; those versions replace the ones earlier
 * pulls landed from that instant on, so a re-pull adds no copies.
 */
async function pullStream<Node>(
  context: ConnectorContext,
  stream: Stream<Node>,
  state: ShopifyState | undefined,
): Promise<{ landed: number; replaced: number; cursor: string; since: string }> {
  const settings = context.settings.shopify;
  const previous = state?.[stream.cursorKey];
  // Customers and products are snapshots: the first pull takes them all; orders start initialDays back.
  const since =
    previous === undefined && stream.table !== "shopify_orders"
      ? FIRST_SNAPSHOT
      : shopifySince(context.runDate, settings, previous ? { updatedAtCursor: previous } : undefined);
  const rows: Row[] = [];
  let cursor = previous ?? since;
  for await (const nodes of stream.pages(since, previous === undefined)) {
    for (const node of nodes) {
      rows.push(stream.row(node));
      const updated = stream.updatedAt(node);
      if (Date.parse(updated) > Date.parse(cursor)) cursor = new Date(updated).toISOString();
    }
  }
  const replaced = await replaceApiRows(context.warehouse, stream.table, { updated_since: since }, rows, {
    pullId: context.pullId,
    label: `${stream.table} updated since ${since}`,
  });
  return { landed: rows.length, replaced, cursor, since };
}

export const shopifyConnector: Connector = {
  source: "shopify",
  label: "Shopify",
  async run(context) {
    const settings = context.settings.shopify;
    // An Admin API token, or a Dev Dashboard app's client id and secret (exchanged once, before the first query).
    const credentials = await requireSecret(context, "shopify", "shopifyAccessToken");
    const api = new ShopifyApi(
      { ...settings, shopDomain: shopDomainOf(settings), credentials },
      context.io,
      retryPolicy(context.settings, context.deadline),
      context.log,
    );
    const state = await readState<ShopifyState>(context.bucket, "shopify");
    const version = settings.apiVersion;
    const next: ShopifyState = {
      ...state,
      updatedAtCursor: state?.updatedAtCursor ?? "",
      pulledAt: context.extractedAt,
    };
    let landed = 0;
    let replaced = 0;
    // A first run over more days than bulkThresholdDays is a backfill: each stream's first pull is one bulk
    // operation (orders, then customers, then products: Shopify runs one at a time), not thousands of pages.
    const backfill = settings.initialDays > settings.bulkThresholdDays;
    const bulkPolling = [settings.bulkPollSeconds * 1000, settings.bulkMaxPolls] as const;
    const streams: Stream<never>[] = [
      {
        table: "shopify_orders",
        cursorKey: "updatedAtCursor",
        pages: (since, firstRun) =>
          firstRun && backfill
            ? api.ordersUpdatedSinceBulk(since, ...bulkPolling)
            : api.ordersUpdatedSince(since),
        row: (node: ShopifyOrderNode) => shopifyRawRow(context, node, version),
        updatedAt: (node: ShopifyOrderNode) => node.updatedAt,
      } as Stream<ShopifyOrderNode> as Stream<never>,
      {
        table: "shopify_customers",
        cursorKey: "customersCursor",
        pages: (since, firstRun) =>
          firstRun && backfill
            ? api.customersUpdatedSinceBulk(since, ...bulkPolling)
            : api.customersUpdatedSince(since),
        row: (node: ShopifyCustomerNode) => shopifyCustomerRow(context, node, version),
        updatedAt: (node: ShopifyCustomerNode) => node.updatedAt,
      } as Stream<ShopifyCustomerNode> as Stream<never>,
      {
        table: "shopify_products",
        cursorKey: "productsCursor",
        pages: (since, firstRun) =>
          firstRun && backfill
            ? api.productsUpdatedSinceBulk(since, ...bulkPolling)
            : api.productsUpdatedSince(since),
        row: (node: ShopifyProductNode) => shopifyProductRow(context, node, version),
        updatedAt: (node: ShopifyProductNode) => node.updatedAt,
      } as Stream<ShopifyProductNode> as Stream<never>,
    ];
    let since = "";
    for (const stream of streams) {
      const pulled = await pullStream(context, stream, state);
      landed += pulled.landed;
      replaced += pulled.replaced;
      next[stream.cursorKey] = pulled.cursor;
      if (stream.table === "shopify_orders") since = pulled.since;
      // Each stream's cursor moves as soon as that stream has landed.
      await writeState(context.bucket, "shopify", next);
    }
    // A bulk operation an earlier run left running was resumed or cancelled: worth a line in the log.
    for (const event of api.bulkEvents)
      context.log.info(`Shopify bulk operation ${event}`, { event: "shopify.bulk" });
    return {
      source: "shopify",
      rowsLanded: landed,
      rowsReplaced: replaced,
      pulled: `orders, customers and products updated since ${since}`,
    };
  },
};
