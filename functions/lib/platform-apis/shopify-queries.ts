// The Admin GraphQL query texts of the paged pull (shopify.ts) and the field lists the bulk queries share with them
// (shopify-bulk.ts): each page asks for the first few nodes of a nested connection (an order's line items, a
// refund's transactions, a product's variants), and a follow-up query per parent pages the rest, so that no page
// costs more than Shopify's single query limit of 1000 points.

export const MONEY = "shopMoney { amount currencyCode }";

/**
 * The line items an order page asks for with each order. Shopify prices a query before running it (2 points
 * plus the page size times a node's cost for each connection, nested ones multiplied) and refuses one over 1000
 * points: with 250 line items a single order was already over it. An order with more line items has the rest
 * paged by ORDER_LINE_ITEMS. Each refund's transactions are asked for ten at a time: most refunds have one
 * or two, but one spread over many payments (gift cards, split tenders) has more, and REFUND_TRANSACTIONS
 * pages the rest.
 */
export const ORDER_LINE_ITEMS_PAGE = 8;
/**
 * A refund's lines asked for with each order: most refunds give back one or two lines; a refund with more has the
 * rest paged by REFUND_LINE_ITEMS. Three lines (14 points) and eight line items (58, where ten were 72) keep an
 * order at the 124 points it cost before refunds had lines, 8 orders a page: ten of each made it 166, 6 a page.
 */
export const REFUND_LINE_ITEMS_PAGE = 3;
// status: only a successful refund transaction returned money (stg_shopify_refunds).
export const TRANSACTION_FIELDS = `kind status amountSet { ${MONEY} }`;
/**
 * What a refund gave back line by line: the line (its id, which staging matches to the order's lines to know a
 * gift card given back) and the money returned for it (RefundLineItem.subtotalSet). A refund that returns a gift
 * card returns it with the rest in one amount; without its lines, that money read as a sale refunded
 * (sql/staging/stg_shopify_refunds.sql).
 */
export const REFUND_LINE_ITEM_FIELDS = `lineItem { id } quantity subtotalSet { ${MONEY} }`;
// isGiftCard: a gift card sold is no sale until it is spent (sql/unified/shopify_unified.sql). The paged pull and
// the bulk query both ask for these fields.
export const LINE_ITEM_FIELDS = `id sku title quantity isGiftCard product { id } variant { id }
          originalUnitPriceSet { ${MONEY} } totalDiscountSet { ${MONEY} }`;

/**
 * A customer's fields, in CUSTOMERS_QUERY and the bulk customers query. Its email and phone come from
 * defaultEmailAddress and defaultPhoneNumber (API 2025-04 on), not the deprecated Customer.email, phone and
 * emailMarketingConsent.
 */
export const CUSTOMER_FIELDS = `id defaultEmailAddress { emailAddress marketingState } defaultPhoneNumber { phoneNumber }
      firstName lastName createdAt updatedAt numberOfOrders
      amountSpent { amount currencyCode }
      defaultAddress { countryCodeV2 provinceCode city zip }`;

/** An order's customer, in ORDERS_QUERY and the bulk orders query. */
export const ORDER_CUSTOMER_FIELDS =
  "customer { id defaultEmailAddress { emailAddress } firstName lastName createdAt numberOfOrders }";

export const CUSTOMERS_QUERY = `query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      ${CUSTOMER_FIELDS}
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * The variants a products page asks for with each product: Shopify allows 2,048 variants a product (every shop
 * since October 2025, up from 100), so a product with more has the rest paged by PRODUCT_VARIANTS.
 */
export const PRODUCT_VARIANTS_PAGE = 100;
export const VARIANT_FIELDS = "id sku price title";
/**
 * A product's fields before its variants, in PRODUCTS_QUERY and the bulk products query. isGiftCard: an orders
 * export's lines learn from the catalogue whether they sold a gift card (sql/staging/stg_shopify_line_items.sql).
 */
export const PRODUCT_FIELDS = "id title productType vendor status isGiftCard createdAt updatedAt";

export const PRODUCTS_QUERY = `query Products($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      ${PRODUCT_FIELDS}
      variants(first: ${PRODUCT_VARIANTS_PAGE}) { nodes { ${VARIANT_FIELDS} } pageInfo { hasNextPage endCursor } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * An order's fields before its line items, in ORDERS_QUERY and the bulk orders query. totalTipReceivedSet: "the
 * sum of all tip amounts for the order", which totalPriceSet holds; a tip is no sale (sql/unified/shopify_unified.sql).
 */
export const ORDER_FIELDS = `id name email phone createdAt updatedAt processedAt cancelledAt test currencyCode
      displayFinancialStatus displayFulfillmentStatus
      subtotalPriceSet { ${MONEY} } totalDiscountsSet { ${MONEY} } totalTaxSet { ${MONEY} }
      totalShippingPriceSet { ${MONEY} } totalPriceSet { ${MONEY} } totalTipReceivedSet { ${MONEY} }
      sourceName
      customerJourneySummary { firstVisit { landingPage referrerUrl } }
      ${ORDER_CUSTOMER_FIELDS}`;

export const ORDERS_QUERY = `query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      ${ORDER_FIELDS}
      lineItems(first: ${ORDER_LINE_ITEMS_PAGE}) {
        nodes {
          ${LINE_ITEM_FIELDS}
        }
        pageInfo { hasNextPage endCursor }
      }
      refunds {
        id createdAt
        transactions(first: 10) { nodes { ${TRANSACTION_FIELDS} } pageInfo { hasNextPage endCursor } }
        refundLineItems(first: ${REFUND_LINE_ITEMS_PAGE}) { nodes { ${REFUND_LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
      }
      shippingAddress { countryCodeV2 provinceCode city zip }
      discountCodes
      customAttributes { key value }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A tip's sales a query: one agreement at a time, its sales 250 a page (the most a page may ask for): 506 points. */
export const TIP_SALES_PAGE = 250;

/**
 * Which of an order's lines are its tips. Shopify's GraphQL LineItem does not say (REST's tip_payment_gateway and
 * tip_payment_method, "present only on tips", have no GraphQL field); the order's sales agreements do: every
 * agreement (the order placed, each edit, return or refund) records a sale per line it sold or gave back, and a tip's
 * is a TipSale naming its line (TipSale.lineItem, Sale.lineType TIP). Asked only for an order that may have a tip
 * (ShopifyApi.addTipLines), after the paged pull's order, one agreement at a time so that its sales page by the same
 * agreement cursor. Agreements and their sales are two connections more, and a bulk query allows five (the orders'
 * has four): a bulk backfill asks them in a bulk operation of their own (bulkTipSalesQuery, shopify-bulk.ts).
 */
export const ORDER_TIP_SALES_QUERY = `query OrderTipSales($id: ID!, $after: String, $salesAfter: String) {
  order(id: $id) {
    agreements(first: 1, after: $after) {
      nodes {
        sales(first: ${TIP_SALES_PAGE}, after: $salesAfter) {
          nodes { lineType ... on TipSale { lineItem { id } } }
          pageInfo { hasNextPage endCursor }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const ORDER_TOTALS_QUERY = `query OrderTotals($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes { id createdAt cancelledAt test totalPriceSet { ${MONEY} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** A follow-up query for the rest of one parent's nested connection, and the page size it asks for. */
export interface NestedPaging {
  query: string;
  parent: "order" | "product" | "refund";
  field: string;
  first: number;
}

/** The paging of `parent`'s `field` after the first page its parent's query gave: `first` `fields` nodes a query. */
function nestedPaging(
  name: string,
  parent: NestedPaging["parent"],
  field: string,
  fields: string,
  first: number,
): NestedPaging {
  const query = `query ${name}($id: ID!, $first: Int!, $after: String) {
  ${parent}(id: $id) {
    ${field}(first: $first, after: $after) {
      nodes { ${fields} }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
  return { query, parent, field, first };
}

/** 100 line items a query: 703 points (a line item costs 7), within the single query limit of 1000. */
export const ORDER_LINE_ITEMS = nestedPaging("OrderLineItems", "order", "lineItems", LINE_ITEM_FIELDS, 100);

/** 250 variants a query, the most a connection's page may ask for: 253 points. */
export const PRODUCT_VARIANTS = nestedPaging("ProductVariants", "product", "variants", VARIANT_FIELDS, 250);

/** 250 refund transactions a query: 753 points (a transaction costs 3). */
export const REFUND_TRANSACTIONS = nestedPaging(
  "RefundTransactions",
  "refund",
  "transactions",
  TRANSACTION_FIELDS,
  250,
);

/** 250 refund lines a query: 1003 points at 4 a line, over the limit; 200 lines: 803. */
export const REFUND_LINE_ITEMS = nestedPaging(
  "RefundLineItems",
  "refund",
  "refundLineItems",
  REFUND_LINE_ITEM_FIELDS,
  200,
);
