// Shopify Admin GraphQL API, through Shopify's own client (@shopify/admin-api-client): the orders updated since
// a cursor (with line items, refunds and the customer), page by page in updated_at order, and the order totals
// of a date range for the reconciliation. Shopify meters GraphQL by query cost: every answer carries
// extensions.cost.throttleStatus, and the client waits for the bucket to refill before asking a page it cannot
// afford, and again after a THROTTLED answer. Requests reach `baseUrl` instead of the shop when it is set (the
// local servers of the tests and the demo) through the client's customFetchApi.
import { createAdminApiClient } from "@shopify/admin-api-client";
import type { Logger } from "../../shared/ports.ts";
import { addDays, localDate, ShopClock } from "../calendar.ts";
import { addTotals, type DailyTotals } from "./totals.ts";
import { type ApiIo, PlatformApiError, PlatformAuthError, type RetryPolicy, sendWithRetry } from "./http.ts";

export interface ShopifyApiSettings {
  shopDomain: string;
  apiVersion: string;
  accessToken: string;
  pageSize: number;
  baseUrl?: string;
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Money {
  shopMoney: { amount: string; currencyCode?: string };
}

/** An order node as the query below asks for it. */
export interface ShopifyOrderNode {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  createdAt: string;
  updatedAt: string;
  processedAt: string | null;
  cancelledAt: string | null;
  currencyCode: string;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
  subtotalPriceSet: Money | null;
  totalDiscountsSet: Money | null;
  totalTaxSet: Money | null;
  totalShippingPriceSet: Money | null;
  totalPriceSet: Money | null;
  sourceName: string | null;
  customerJourneySummary: {
    firstVisit: { landingPage: string | null; referrerUrl: string | null } | null;
  } | null;
  customer: {
    id: string;
    email: string | null;
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
      product: { id: string } | null;
      variant: { id: string } | null;
      originalUnitPriceSet: Money | null;
      totalDiscountSet: Money | null;
    }[];
  };
  refunds: {
    id: string;
    createdAt: string;
    transactions: { nodes: { kind: string; amountSet: Money | null }[] };
  }[];
  shippingAddress: {
    countryCodeV2: string | null;
    provinceCode: string | null;
    city: string | null;
    zip: string | null;
  } | null;
  discountCodes: string[];
  customAttributes: { key: string; value: string | null }[];
}

/** A customer node as CUSTOMERS_QUERY asks for it. */
export interface ShopifyCustomerNode {
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  createdAt: string;
  updatedAt: string;
  numberOfOrders: string | number | null;
  amountSpent: { amount: string; currencyCode: string } | null;
  emailMarketingConsent: { marketingState: string } | null;
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
  createdAt: string;
  updatedAt: string;
  variants: { nodes: { id: string; sku: string | null; price: string | null; title: string | null }[] };
}

const MONEY = "shopMoney { amount currencyCode }";

export const CUSTOMERS_QUERY = `query Customers($first: Int!, $after: String, $query: String) {
  customers(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id email phone firstName lastName createdAt updatedAt numberOfOrders
      amountSpent { amount currencyCode }
      emailMarketingConsent { marketingState }
      defaultAddress { countryCodeV2 provinceCode city zip }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const PRODUCTS_QUERY = `query Products($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id title productType vendor status createdAt updatedAt
      variants(first: 100) { nodes { id sku price title } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const ORDERS_QUERY = `query Orders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    nodes {
      id name email phone createdAt updatedAt processedAt cancelledAt currencyCode
      displayFinancialStatus displayFulfillmentStatus
      subtotalPriceSet { ${MONEY} } totalDiscountsSet { ${MONEY} } totalTaxSet { ${MONEY} }
      totalShippingPriceSet { ${MONEY} } totalPriceSet { ${MONEY} }
      sourceName
      customerJourneySummary { firstVisit { landingPage referrerUrl } }
      customer { id email firstName lastName createdAt numberOfOrders }
      lineItems(first: 250) {
        nodes {
          id sku title quantity product { id } variant { id }
          originalUnitPriceSet { ${MONEY} } totalDiscountSet { ${MONEY} }
        }
      }
      refunds { id createdAt transactions(first: 50) { nodes { kind amountSet { ${MONEY} } } } }
      shippingAddress { countryCodeV2 provinceCode city zip }
      discountCodes
      customAttributes { key value }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * The orders query of a bulk operation: the same fields as ORDERS_QUERY, connections as edges (bulk queries
 * take no `first`), the search inline. Shopify writes every order as one JSONL line and every line item and
 * refund transaction as a line of its own carrying `__parentId` (the order's or the refund's id).
 */
export function bulkOrdersQuery(search: string): string {
  return `{
  orders(query: ${JSON.stringify(search)}, sortKey: UPDATED_AT) {
    edges { node {
      id name email phone createdAt updatedAt processedAt cancelledAt currencyCode
      displayFinancialStatus displayFulfillmentStatus
      subtotalPriceSet { ${MONEY} } totalDiscountsSet { ${MONEY} } totalTaxSet { ${MONEY} }
      totalShippingPriceSet { ${MONEY} } totalPriceSet { ${MONEY} }
      sourceName
      customerJourneySummary { firstVisit { landingPage referrerUrl } }
      customer { id email firstName lastName createdAt numberOfOrders }
      lineItems { edges { node {
        id sku title quantity product { id } variant { id }
        originalUnitPriceSet { ${MONEY} } totalDiscountSet { ${MONEY} }
      } } }
      refunds { id createdAt transactions { edges { node { kind amountSet { ${MONEY} } } } } }
      shippingAddress { countryCodeV2 provinceCode city zip }
      discountCodes
      customAttributes { key value }
    } }
  }
}`;
}

export const BULK_RUN_MUTATION = `mutation BulkOrders($query: String!) {
  bulkOperationRunQuery(query: $query) {
    bulkOperation { id status }
    userErrors { field message }
  }
}`;

export const BULK_STATUS_QUERY = `query BulkStatus {
  currentBulkOperation { id status errorCode objectCount url partialDataUrl }
}`;

/** Before starting one: the app's current bulk operation with its query, to tell ours (same range) from another. */
export const BULK_CURRENT_QUERY = `query BulkCurrent {
  currentBulkOperation { id status errorCode objectCount url partialDataUrl query }
}`;

export const BULK_CANCEL_MUTATION = `mutation BulkCancel($id: ID!) {
  bulkOperationCancel(id: $id) {
    bulkOperation { id status }
    userErrors { field message }
  }
}`;

/** Statuses of an operation that still holds the shop's one bulk query slot. */
const BULK_BUSY = new Set(["CREATED", "RUNNING", "CANCELING"]);

export interface BulkOperationStatus {
  id: string;
  status: "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED" | "CANCELING" | "EXPIRED";
  errorCode: string | null;
  objectCount: string | null;
  url: string | null;
  /** The operation's bulk query (asked for by BULK_CURRENT_QUERY only). */
  query?: string | null;
}

type BulkLine = Record<string, unknown> & { id?: string; __parentId?: string };

/**
 * Regroups a bulk operation's JSONL lines into the order nodes the paged query answers: an order line starts
 * an order, a line whose parent is an order is one of its line items, a line whose parent is a refund is one of
 * that refund's transactions. Lines are read one at a time; children follow their parent in the file.
 */
export async function regroupBulkOrders(lines: AsyncIterable<string>): Promise<ShopifyOrderNode[]> {
  const orders = new Map<string, ShopifyOrderNode>();
  const refunds = new Map<string, ShopifyOrderNode["refunds"][number]>();
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber += 1;
    if (!text.trim()) continue;
    let line: BulkLine;
    try {
      line = JSON.parse(text) as BulkLine;
    } catch {
      throw new PlatformApiError(
        "shopify",
        `Shopify bulk file line ${lineNumber} is not JSON: ${text.slice(0, 80)}`,
      );
    }
    const { __parentId: parent, ...fields } = line;
    if (parent === undefined) {
      const order = {
        ...fields,
        lineItems: { nodes: [] },
        refunds: ((fields.refunds as ShopifyOrderNode["refunds"] | undefined) ?? []).map((refund) => ({
          ...refund,
          transactions: { nodes: [] },
        })),
      } as unknown as ShopifyOrderNode;
      orders.set(order.id, order);
      for (const refund of order.refunds) refunds.set(refund.id, refund);
      continue;
    }
    const order = orders.get(parent);
    const refund = refunds.get(parent);
    if (order)
      order.lineItems.nodes.push(fields as unknown as ShopifyOrderNode["lineItems"]["nodes"][number]);
    else if (refund)
      refund.transactions.nodes.push(
        fields as unknown as ShopifyOrderNode["refunds"][number]["transactions"]["nodes"][number],
      );
    else
      throw new PlatformApiError(
        "shopify",
        `Shopify bulk file line ${lineNumber}: parent ${parent} was not seen before it`,
      );
  }
  return [...orders.values()];
}

/** The lines of a streamed body, one at a time, without holding the whole file. */
async function* bodyLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    pending += decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      yield pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
  }
  pending += decoder.decode();
  if (pending) yield pending;
}

export const ORDER_TOTALS_QUERY = `query OrderTotals($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes { id createdAt cancelledAt totalPriceSet { ${MONEY} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Connection<Node> = { nodes: Node[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

interface GraphQlAnswer<Data> {
  data?: Data;
  errors?: {
    networkStatusCode?: number;
    message?: string;
    graphQLErrors?: { message: string; extensions?: { code?: string } }[];
  };
  extensions?: { cost?: { requestedQueryCost?: number; throttleStatus?: ThrottleStatus } };
}

/** Seconds to wait before a query of `cost` can run: what is missing, over the restore rate. */
export function throttleWaitMs(status: ThrottleStatus | undefined, cost: number): number {
  if (!status || status.currentlyAvailable >= cost) return 0;
  const missing = Math.min(cost, status.maximumAvailable) - status.currentlyAvailable;
  return Math.ceil((missing / Math.max(status.restoreRate, 1)) * 1000);
}

/** The numeric id of a GraphQL global id (gid://shopify/Order/123 → "123"). */
export function legacyId(gid: string | null | undefined): string | null {
  if (!gid) return null;
  const match = /\/(\d+)(\?.*)?$/.exec(gid);
  return match ? (match[1] ?? null) : null;
}

export class ShopifyApi {
  private readonly client: ReturnType<typeof createAdminApiClient>;
  private lastThrottle: ThrottleStatus | undefined;
  /** The cost of the last page, the estimate of the next one. */
  private lastCost = 0;
  /** Every wait for the cost bucket, for the run's metrics and the tests. */
  readonly throttleWaitsMs: number[] = [];

  constructor(
    private readonly settings: ShopifyApiSettings,
    private readonly io: ApiIo,
    private readonly retry: RetryPolicy,
    log: Logger,
  ) {
    const base = settings.baseUrl ? new URL(settings.baseUrl) : undefined;
    this.client = createAdminApiClient({
      storeDomain: settings.shopDomain,
      apiVersion: settings.apiVersion,
      accessToken: settings.accessToken,
      retries: 0,
      logger: (entry) => {
        if (entry.type === "Unsupported_Api_Version")
          log.warn("Shopify API version is not among the supported ones", { version: settings.apiVersion });
      },
      customFetchApi: async (input, init) => {
        const target = new URL(String(input));
        if (base) {
          target.protocol = base.protocol;
          target.host = base.host;
          target.pathname = `${base.pathname.replace(/\/$/, "")}${target.pathname}`;
        }
        const sent = await sendWithRetry(
          "shopify",
          io,
          retry,
          target.toString(),
          init as RequestInit,
          "Shopify GraphQL",
        );
        return sent.response;
      },
    });
  }

  /** Every order updated at or after `since`, page by page, oldest update first. */
  async *ordersUpdatedSince(since: string): AsyncGenerator<ShopifyOrderNode[]> {
    yield* this.pages<ShopifyOrderNode>("orders", ORDERS_QUERY, `updated_at:>='${since}'`);
  }

  /**
   * Every order updated at or after `since` through one bulk operation: started, polled every `pollMs` (the
   * injected sleep) until COMPLETED, and its JSONL streamed and regrouped into the paged query's order nodes.
   * Shopify runs one bulk query per app and shop at a time, so an operation a crashed or given-up run left running
   * is looked for first: the same query (ours, for the same range) is polled on instead of started again; any
   * other is cancelled (bulkOperationCancel, waited for until it is no longer CANCELING) before a fresh one starts.
   * A FAILED (or canceled, expired) operation, or one still running after `maxPolls`, is an error that names
   * the operation and Shopify's errorCode.
   */
  async *ordersUpdatedSinceBulk(
    since: string,
    pollMs: number,
    maxPolls: number,
  ): AsyncGenerator<ShopifyOrderNode[]> {
    const query = bulkOrdersQuery(`updated_at:>='${since}'`);
    const current = await this.currentBulkOperation(BULK_CURRENT_QUERY);
    let operationId: string;
    if (
      current &&
      BULK_BUSY.has(current.status) &&
      current.status !== "CANCELING" &&
      current.query === query
    ) {
      operationId = current.id;
      this.bulkEvents.push(`resumed ${current.id}`);
    } else {
      if (current && BULK_BUSY.has(current.status)) await this.cancelBulk(current, pollMs, maxPolls);
      operationId = await this.startBulk(query);
    }
    const bulkOperation = { id: operationId };
    let status: BulkOperationStatus | null;
    for (let poll = 1; ; poll += 1) {
      await this.io.sleep(pollMs);
      status = await this.currentBulkOperation(BULK_STATUS_QUERY);
      if (!status || status.id !== bulkOperation.id)
        throw new PlatformApiError(
          "shopify",
          `Shopify bulk operation ${bulkOperation.id} is no longer the shop's current one (another app started one?)`,
        );
      if (status.status === "COMPLETED") break;
      if (status.status !== "CREATED" && status.status !== "RUNNING")
        throw new PlatformApiError(
          "shopify",
          `Shopify bulk operation ${status.id} ended ${status.status}${status.errorCode ? ` (errorCode ${status.errorCode})` : ""} after ${status.objectCount ?? 0} objects: no orders were landed, the next run asks again`,
        );
      if (poll >= maxPolls)
        throw new PlatformApiError(
          "shopify",
          `Shopify bulk operation ${status.id} was still ${status.status} after ${poll} polls: no orders were landed, the next run polls it again`,
        );
    }
    // An operation that matched nothing completes without a file.
    if (!status.url) return;
    const sent = await sendWithRetry("shopify", this.io, this.retry, status.url, {}, "Shopify bulk file");
    if (!sent.response.ok) {
      await sent.response.body?.cancel();
      throw new PlatformApiError(
        "shopify",
        `Shopify bulk operation ${status.id}'s file could not be downloaded (HTTP ${sent.response.status}): no orders were landed, the next run asks again`,
        sent.response.status,
      );
    }
    if (!sent.response.body) return;
    yield await regroupBulkOrders(bodyLines(sent.response.body));
  }

  /** What happened to bulk operations left by an earlier run ("resumed …", "cancelled …"), for the logs and tests. */
  readonly bulkEvents: string[] = [];

  private async currentBulkOperation(query: string): Promise<BulkOperationStatus | null> {
    return (await this.request<{ currentBulkOperation: BulkOperationStatus | null }>(query, {}))
      .currentBulkOperation;
  }

  private async startBulk(query: string): Promise<string> {
    const started = await this.request<{
      bulkOperationRunQuery: {
        bulkOperation: { id: string; status: string } | null;
        userErrors: { field: string[] | null; message: string }[];
      };
    }>(BULK_RUN_MUTATION, { query });
    const { bulkOperation, userErrors } = started.bulkOperationRunQuery;
    if (!bulkOperation || userErrors.length > 0)
      throw new PlatformApiError(
        "shopify",
        `Shopify refused the bulk operation: ${userErrors.map((error) => error.message).join("; ") || "no operation returned"}`,
      );
    return bulkOperation.id;
  }

  /** Cancels another run's operation and waits until it has let go of the shop's bulk slot. */
  private async cancelBulk(operation: BulkOperationStatus, pollMs: number, maxPolls: number): Promise<void> {
    if (operation.status !== "CANCELING") {
      const answer = await this.request<{
        bulkOperationCancel: {
          bulkOperation: { id: string; status: string } | null;
          userErrors: { field: string[] | null; message: string }[];
        };
      }>(BULK_CANCEL_MUTATION, { id: operation.id });
      const { userErrors } = answer.bulkOperationCancel;
      if (userErrors.length > 0)
        throw new PlatformApiError(
          "shopify",
          `Shopify refused to cancel the bulk operation ${operation.id} an earlier run left ${operation.status}: ${userErrors.map((error) => error.message).join("; ")}`,
        );
    }
    this.bulkEvents.push(`cancelled ${operation.id}`);
    for (let poll = 1; poll <= maxPolls; poll += 1) {
      await this.io.sleep(pollMs);
      const status = await this.currentBulkOperation(BULK_STATUS_QUERY);
      if (!status || status.id !== operation.id || !BULK_BUSY.has(status.status)) return;
    }
    throw new PlatformApiError(
      "shopify",
      `Shopify bulk operation ${operation.id}, left running by an earlier run, was still not cancelled after ${maxPolls} polls: no orders were landed, the next run tries again`,
    );
  }

  /** Every customer updated at or after `since`, page by page. */
  async *customersUpdatedSince(since: string): AsyncGenerator<ShopifyCustomerNode[]> {
    yield* this.pages<ShopifyCustomerNode>("customers", CUSTOMERS_QUERY, `updated_at:>='${since}'`);
  }

  /** Every product updated at or after `since`, page by page. */
  async *productsUpdatedSince(since: string): AsyncGenerator<ShopifyProductNode[]> {
    yield* this.pages<ShopifyProductNode>("products", PRODUCTS_QUERY, `updated_at:>='${since}'`);
  }

  /** Orders created in [from, to) (instants), with only what the totals need. */
  async *ordersCreatedBetween(
    from: string,
    to: string,
  ): AsyncGenerator<
    { id: string; createdAt: string; cancelledAt: string | null; totalPriceSet: Money | null }[]
  > {
    yield* this.pages("orders", ORDER_TOTALS_QUERY, `created_at:>='${from}' AND created_at:<'${to}'`);
  }

  /** Orders (not cancelled) and their total_price per day, in the shop's zone, of orders created in [startDate, endDate]. */
  async orderDailyTotals(startDate: string, endDate: string, timeZone: string): Promise<DailyTotals> {
    const clock = new ShopClock(timeZone);
    const from = new Date(clock.day(startDate).startMs).toISOString();
    const to = new Date(clock.day(addDays(endDate, 1)).startMs).toISOString();
    const totals: DailyTotals = new Map();
    for await (const orders of this.ordersCreatedBetween(from, to)) {
      for (const order of orders) {
        if (order.cancelledAt) continue;
        addTotals(totals, localDate(new Date(order.createdAt), timeZone), {
          orders: 1,
          revenue: Number(order.totalPriceSet?.shopMoney.amount ?? 0),
        });
      }
    }
    return totals;
  }

  private async *pages<Node>(
    connection: "orders" | "customers" | "products",
    query: string,
    search: string,
  ): AsyncGenerator<Node[]> {
    let after: string | null = null;
    for (;;) {
      const data: Record<string, Connection<Node>> = await this.request<Record<string, Connection<Node>>>(
        query,
        {
          first: this.settings.pageSize,
          after,
          query: search,
        },
      );
      const page = data[connection];
      if (!page) throw new PlatformApiError("shopify", `Shopify answered without ${connection}`);
      yield page.nodes;
      if (!page.pageInfo.hasNextPage) return;
      after = page.pageInfo.endCursor;
    }
  }

  private async request<Data>(query: string, variables: Record<string, unknown>): Promise<Data> {
    for (let attempt = 1; ; attempt += 1) {
      const wait = throttleWaitMs(this.lastThrottle, this.lastCost);
      if (wait > 0) {
        this.throttleWaitsMs.push(wait);
        await this.io.sleep(Math.min(wait, this.retry.maxDelayMs));
      }
      const answer = (await this.client.request(query, { variables })) as GraphQlAnswer<Data>;
      const cost = answer.extensions?.cost;
      if (cost?.throttleStatus) this.lastThrottle = cost.throttleStatus;
      if (cost?.requestedQueryCost !== undefined) this.lastCost = cost.requestedQueryCost;
      const errors = answer.errors;
      if (!errors && answer.data) return answer.data;
      const status = errors?.networkStatusCode;
      if (status === 401 || status === 403) {
        throw new PlatformAuthError(
          "shopify",
          `reconnect Shopify: the Admin API refused the access token (HTTP ${status}) — it was revoked or the app was uninstalled, or it lacks the read_orders scope; create a new token in the custom app and put it in the shopifyAccessToken secret`,
        );
      }
      const throttled = errors?.graphQLErrors?.some((error) => error.extensions?.code === "THROTTLED");
      if (throttled && attempt < this.retry.maxAttempts) {
        // The bucket was emptier than the last answer said (another app shares it): wait for this query's cost.
        this.lastThrottle = cost?.throttleStatus ?? this.lastThrottle;
        if (this.lastCost === 0) this.lastCost = cost?.requestedQueryCost ?? 100;
        if (throttleWaitMs(this.lastThrottle, this.lastCost) === 0) await this.io.sleep(1000);
        continue;
      }
      const detail =
        errors?.graphQLErrors?.map((error) => error.message).join("; ") ?? errors?.message ?? "no data";
      throw new PlatformApiError("shopify", `Shopify GraphQL query failed: ${detail}`, status);
    }
  }
}
