// The nodes the Shopify connector's GraphQL queries answer (shopify-queries.ts), as the client (shopify.ts) and the
// bulk regroupers (shopify-bulk.ts) hand them to the connector, and as the local platform server serves them.

export interface Money {
  shopMoney: { amount: string; currencyCode?: string };
}

/** A line a refund gave back (RefundLineItem): the order's line and the money returned for it. */
export interface ShopifyRefundLineNode {
  lineItem: { id: string } | null;
  quantity: number;
  subtotalSet: Money | null;
}

/** An order node as ORDERS_QUERY (shopify-queries.ts) asks for it. */
export interface ShopifyOrderNode {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string | null;
  cancelledAt: string | null;
  /** Shopify's test order flag (a checkout with the Bogus gateway or in test mode); absent in older captures. */
  test?: boolean;
  currencyCode: string;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
  subtotalPriceSet: Money | null;
  totalDiscountsSet: Money | null;
  totalTaxSet: Money | null;
  totalShippingPriceSet: Money | null;
  totalPriceSet: Money | null;
  /** The tips paid with the order, inside totalPriceSet (Order.totalTipReceivedSet); absent in older captures. */
  totalTipReceivedSet?: Money | null;
  sourceName: string | null;
  customerJourneySummary: {
    firstVisit: { landingPage: string | null; referrerUrl: string | null } | null;
  } | null;
  customer: {
    id: string;
    defaultEmailAddress: { emailAddress: string | null } | null;
    firstName: string | null;
    lastName: string | null;
    createdAt: string | null;
    numberOfOrders: string | number | null;
  } | null;
  lineItems: {
    nodes: {
      id: string;
      sku: string | null;
      title: string;
      quantity: number;
      /** Whether the line sold a gift card (LineItem.isGiftCard, API 2024-04 on). */
      isGiftCard?: boolean | null;
      product: { id: string } | null;
      variant: { id: string } | null;
      originalUnitPriceSet: Money | null;
      totalDiscountSet: Money | null;
    }[];
    /** Set by the paged query, which asks for the first ORDER_LINE_ITEMS_PAGE; the rest are paged after it. */
    pageInfo?: PageInfo;
  };
  refunds: {
    id: string;
    createdAt: string;
    transactions: {
      /** status: SUCCESS, FAILURE, PENDING, ERROR, AWAITING_RESPONSE or UNKNOWN (OrderTransactionStatus). */
      nodes: { kind: string; status?: string; amountSet: Money | null }[];
      /** Set by the paged query, which asks for the first ten; the rest are paged after it. */
      pageInfo?: PageInfo;
    };
    /** The lines the refund gave back (Refund.refundLineItems); absent in captures made before it was asked for. */
    refundLineItems?: {
      nodes: ShopifyRefundLineNode[];
      /** Set by the paged query, which asks for the first REFUND_LINE_ITEMS_PAGE; the rest are paged after it. */
      pageInfo?: PageInfo;
    };
  }[];
  shippingAddress: {
    countryCodeV2: string | null;
    provinceCode: string | null;
    city: string | null;
    zip: string | null;
  } | null;
  discountCodes: string[];
  customAttributes: { key: string; value: string | null }[];
  /**
   * The ids of the order's tip lines (TipSale.lineItem, from ORDER_TIP_SALES_QUERY), gathered by the client for an
   * order with a tip; no GraphQL field of the order. Absent: the order has no tip, or was captured before the
   * connector asked.
   */
  tipLineItemIds?: string[];
}

/** A sale of a sales agreement as ORDER_TIP_SALES_QUERY asks for it: its line type, and a tip's line. */
export interface ShopifySaleNode {
  lineType: string;
  lineItem?: { id: string };
}

/** A customer node as CUSTOMERS_QUERY asks for it. */
export interface ShopifyCustomerNode {
  id: string;
  /** Customer.email, phone and emailMarketingConsent are deprecated since 2025-04 for these two. */
  defaultEmailAddress: { emailAddress: string | null; marketingState: string | null } | null;
  defaultPhoneNumber: { phoneNumber: string } | null;
  firstName: string | null;
  lastName: string | null;
  createdAt: string;
  updatedAt: string;
  numberOfOrders: string | number | null;
  amountSpent: { amount: string; currencyCode: string } | null;
  defaultAddress: {
    countryCodeV2: string | null;
    provinceCode: string | null;
    city: string | null;
    zip: string | null;
  } | null;
}

/** A product node as PRODUCTS_QUERY asks for it. */
export interface ShopifyProductNode {
  id: string;
  title: string;
  productType: string | null;
  vendor: string | null;
  status: string | null;
  /** Whether the product is a gift card (Product.isGiftCard); absent in older captures. */
  isGiftCard?: boolean | null;
  createdAt: string;
  updatedAt: string;
  variants: {
    nodes: { id: string; sku: string | null; price: string | null; title: string | null }[];
    /** Set by the paged query, which asks for the first PRODUCT_VARIANTS_PAGE; the rest are paged after it. */
    pageInfo?: PageInfo;
  };
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export type Connection<Node> = { nodes: Node[]; pageInfo: PageInfo };
