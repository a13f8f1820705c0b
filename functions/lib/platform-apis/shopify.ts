// Shopify Admin GraphQL API, through Shopify's own client (@shopify/admin-api-client): the orders updated since a
// cursor (with line items, refunds and the customer), page by page in updated_at order, and the order totals of a
// date range for the reconciliation. Shopify meters GraphQL by query cost: every answer carries
// extensions.cost.throttleStatus, and the client waits for the bucket to refill before asking a page it cannot
// afford, and again after a THROTTLED answer; a page refused for Shopify's single query cost limit is asked again
// with as many nodes as fit (shopify-cost-limit.ts), and an order's line items past the first eight, a refund's
// transactions past the first ten and its lines past the first three and a product's variants past the first
// hundred are paged after it. Requests reach `baseUrl` instead of the shop when it is set (the local servers of the tests and the demo)
// through the client's customFetchApi. A backfill's bulk operations (orders, customers, products) are run and
// regrouped by shopify-bulk.ts. The shopifyAccessToken secret is an Admin API token (a custom app made in the admin
// before 2026), or a Dev Dashboard app's {"client_id","client_secret"} as JSON, exchanged once per client (so once
// per run) through the client credentials grant (POST /admin/oauth/access_token, form-encoded) before the first
// query. The token lives for the answer's expires_in (logged; Shopify's own example renews it a minute before
// that), far longer than a run holds it.
import { createAdminApiClient } from "@shopify/admin-api-client";
import type { Logger } from "../../shared/ports.ts";
import { addDays, localDate, ShopClock } from "../calendar.ts";
import { addTotals, type DailyTotals } from "./totals.ts";
import {
  type ApiIo,
  PlatformApiError,
  PlatformAuthError,
  type RetryPolicy,
  sendWithRetry,
  sleepBeforeDeadline,
} from "./http.ts";
import { type ClientCredentials, parseClientCredentials, requestToken } from "./oauth.ts";
import { affordablePageSize, QueryCostExceeded } from "./shopify-cost-limit.ts";
import {
  CUSTOMERS_QUERY,
  type NestedPaging,
  ORDER_LINE_ITEMS,
  ORDER_TIP_SALES_QUERY,
  ORDER_TOTALS_QUERY,
  ORDERS_QUERY,
  PRODUCT_VARIANTS,
  PRODUCTS_QUERY,
  REFUND_LINE_ITEMS,
  REFUND_TRANSACTIONS,
} from "./shopify-queries.ts";
import type {
  Connection,
  Money,
  PageInfo,
  ShopifyCustomerNode,
  ShopifyOrderNode,
  ShopifyProductNode,
  ShopifySaleNode,
} from "./shopify-nodes.ts";
import {
  bulkCustomersQuery,
  bulkOrdersQuery,
  bulkProductsQuery,
  bulkTipSalesQuery,
  readBulkCustomers,
  readBulkTipLines,
  regroupBulkOrders,
  regroupBulkProducts,
  ShopifyBulkOperations,
} from "./shopify-bulk.ts";

export interface ShopifyApiSettings {
  shopDomain: string;
  apiVersion: string;
  /** The shopifyAccessToken secret's text: an Admin API access token, or {"client_id","client_secret"} as JSON. */
  credentials: string;
  pageSize: number;
  baseUrl?: string;
}

/** The scopes the connector's queries need; read_all_orders only for orders created more than 60 days ago. */
export const SHOPIFY_SCOPES =
  "read_orders, read_all_orders (orders older than 60 days), read_customers and read_products";

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GraphQlAnswer<Data> {
  data?: Data;
  errors?: {
    networkStatusCode?: number;
    message?: string;
    graphQLErrors?: { message: string; extensions?: { code?: string; cost?: number; maxCost?: number } }[];
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

/**
 * Whether an order may have a tip, so that its tip sales are asked: a tip amount, or a line of no product (a tip has
 * none; so has a custom item), whatever the tip amount says after the tip went back.
 */
function mayHaveTip(order: ShopifyOrderNode): boolean {
  const tipped = Number(order.totalTipReceivedSet?.shopMoney.amount ?? 0) > 0;
  return tipped || order.lineItems.nodes.some((line) => !line.product && !line.variant);
}

export class ShopifyApi {
  /** Shopify's client, once the token is known (one exchange, however many requests wait for it). */
  private client: Promise<ReturnType<typeof createAdminApiClient>> | undefined;
  private lastThrottle: ThrottleStatus | undefined;
  /** The cost of the last page, the estimate of the next one. */
  private lastCost = 0;
  /** Every wait for the cost bucket, for the run's metrics and the tests. */
  readonly throttleWaitsMs: number[] = [];
  private readonly bulk: ShopifyBulkOperations;
  /** Set when the secret is a Dev Dashboard app's client id and secret rather than a token. */
  private readonly app: ClientCredentials | undefined;

  constructor(
    private readonly settings: ShopifyApiSettings,
    private readonly io: ApiIo,
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
  ) {
    this.bulk = new ShopifyBulkOperations(
      <Data>(query: string, variables: Record<string, unknown>) => this.request<Data>(query, variables),
      io,
      retry,
    );
    this.app = parseClientCredentials(settings.credentials, "shopify", "shopifyAccessToken");
  }

  /** A URL on the shop (https://<shopDomain>/…), moved to `baseUrl` when that is set (its path prefixed). */
  private target(url: string): string {
    const target = new URL(url);
    if (this.settings.baseUrl) {
      const base = new URL(this.settings.baseUrl);
      target.protocol = base.protocol;
      target.host = base.host;
      target.pathname = `${base.pathname.replace(/\/$/, "")}${target.pathname}`;
    }
    return target.toString();
  }

  /** Shopify's client, made on the first request with the token (exchanged then when the secret is an app's). */
  private adminClient(): Promise<ReturnType<typeof createAdminApiClient>> {
    this.client ??= this.createClient();
    return this.client;
  }

  private async createClient(): Promise<ReturnType<typeof createAdminApiClient>> {
    const accessToken = this.app ? await this.exchange(this.app) : this.settings.credentials.trim();
    const { apiVersion } = this.settings;
    return createAdminApiClient({
      storeDomain: this.settings.shopDomain,
      apiVersion,
      accessToken,
      retries: 0,
      logger: (entry) => {
        if (entry.type === "Unsupported_Api_Version")
          this.log.warn("Shopify API version is not among the supported ones", { version: apiVersion });
      },
      customFetchApi: async (input, init) => {
        const sent = await sendWithRetry(
          "shopify",
          this.io,
          this.retry,
          this.target(String(input)),
          init as RequestInit,
          "Shopify GraphQL",
        );
        return sent.response;
      },
    });
  }

  /**
   * The client credentials grant: the app's id and secret for an access token of the shop the app is installed
   * on. A refusal (400, 401, 403: a wrong id or secret, an app not installed on the shop or not the shop
   * owner's) is a credential only a person can fix; 429 and 5xx are retried by the shared layer.
   */
  private async exchange(app: ClientCredentials): Promise<string> {
    const shop = this.settings.shopDomain;
    const answer = await requestToken(
      "shopify",
      this.io,
      this.retry,
      this.target(`https://${shop}/admin/oauth/access_token`),
      {
        fields: { grant_type: "client_credentials", ...app },
        encoding: "form",
        describe: "Shopify access token request",
      },
    );
    const said = answer.detail ? `: ${answer.detail}` : "";
    if (answer.status === 400 || answer.status === 401 || answer.status === 403)
      throw new PlatformAuthError(
        "shopify",
        `reconnect Shopify: Shopify refused the client credentials grant of the Dev Dashboard app in the shopifyAccessToken secret (HTTP ${answer.status}${said}); check that the secret holds the app's client id and secret as {"client_id","client_secret"} (Dev Dashboard → the app → Settings), that the app is installed on ${shop} and belongs to the same organization as the shop, and that its released version has the scopes ${SHOPIFY_SCOPES}`,
      );
    if (answer.status === 404)
      throw new PlatformApiError(
        "shopify",
        `Shopify has no shop at ${shop} (HTTP 404 from /admin/oauth/access_token); check connectors.shopify.shopDomain`,
        404,
      );
    if (answer.status < 200 || answer.status >= 300)
      throw new PlatformApiError(
        "shopify",
        `Shopify access token request: HTTP ${answer.status}${said}`,
        answer.status,
      );
    if (!answer.accessToken)
      throw new PlatformApiError(
        "shopify",
        "Shopify answered the access token request without an access_token",
      );
    this.log.info("Shopify access token obtained with the app's client credentials", {
      event: "shopify.token",
      scope: typeof answer.body.scope === "string" ? answer.body.scope : undefined,
      expiresInSeconds: typeof answer.body.expires_in === "number" ? answer.body.expires_in : undefined,
    });
    return answer.accessToken;
  }

  /** Every order updated at or after `since`, page by page, oldest update first, each with all its line items. */
  async *ordersUpdatedSince(since: string): AsyncGenerator<ShopifyOrderNode[]> {
    for await (const orders of this.pages<ShopifyOrderNode>(
      "orders",
      ORDERS_QUERY,
      `updated_at:>='${since}'`,
    )) {
      for (const order of orders) {
        await this.completeNested(order.lineItems, order.id, ORDER_LINE_ITEMS);
        for (const refund of order.refunds) {
          await this.completeNested(refund.transactions, refund.id, REFUND_TRANSACTIONS);
          if (refund.refundLineItems)
            await this.completeNested(refund.refundLineItems, refund.id, REFUND_LINE_ITEMS);
        }
        await this.addTipLines(order);
      }
      yield orders;
    }
  }

  /**
   * Sets `order.tipLineItemIds` for an order that may have a tip (mayHaveTip): every TipSale of every agreement, one
   * agreement a query and its sales TIP_SALES_PAGE at a time (ORDER_TIP_SALES_QUERY says why). Any other order asks
   * nothing.
   */
  private async addTipLines(order: ShopifyOrderNode): Promise<void> {
    if (!mayHaveTip(order)) return;
    const ids: string[] = [];
    // One agreement a query: the next page of its sales, else the next agreement, until neither is left.
    let cursors: { after: string | null; salesAfter: string | null } | undefined = {
      after: null,
      salesAfter: null,
    };
    while (cursors) {
      const data: { order: { agreements: Connection<{ sales: Connection<ShopifySaleNode> }> } | null } =
        await this.request(ORDER_TIP_SALES_QUERY, { id: order.id, ...cursors });
      if (!data.order) throw new PlatformApiError("shopify", `Shopify answered without order ${order.id}`);
      const { agreements } = data.order;
      const sales = agreements.nodes[0]?.sales;
      for (const sale of sales?.nodes ?? [])
        if (sale.lineType === "TIP" && sale.lineItem) ids.push(sale.lineItem.id);
      if (sales?.pageInfo.hasNextPage)
        cursors = { after: cursors.after, salesAfter: sales.pageInfo.endCursor };
      else if (agreements.pageInfo.hasNextPage)
        cursors = { after: agreements.pageInfo.endCursor, salesAfter: null };
      else cursors = undefined;
    }
    order.tipLineItemIds = ids;
  }

  /**
   * Appends the rest of a nested connection (an order's line items, a refund's transactions or lines, a product's
   * variants) after the first page its parent's query gave, one query of `paging.first` nodes per further page.
   */
  private async completeNested<Node>(
    connection: { nodes: Node[]; pageInfo?: PageInfo },
    id: string,
    paging: NestedPaging,
  ): Promise<void> {
    let pageInfo = connection.pageInfo;
    while (pageInfo?.hasNextPage) {
      const data = await this.request<Record<string, Record<string, Connection<Node>> | null>>(paging.query, {
        id,
        first: paging.first,
        after: pageInfo.endCursor,
      });
      const page = data[paging.parent]?.[paging.field];
      if (!page) throw new PlatformApiError("shopify", `Shopify answered without ${paging.parent} ${id}`);
      connection.nodes.push(...page.nodes);
      pageInfo = page.pageInfo;
    }
  }

  /** What happened to bulk operations left by an earlier run ("resumed …", "cancelled …"), for the logs and tests. */
  get bulkEvents(): readonly string[] {
    return this.bulk.events;
  }

  /**
   * Every order updated at or after `since` through one bulk operation (shopify-bulk.ts: resumed or cancelled when
   * an earlier run left one running, polled every `pollMs` at most `maxPolls` times), regrouped into the paged
   * query's order nodes. When one of them may have a tip, a second bulk operation asks the same orders' tip sales
   * (bulkTipSalesQuery): a backfill pays one operation, not a query for each agreement of each tipped order.
   */
  async *ordersUpdatedSinceBulk(
    since: string,
    pollMs: number,
    maxPolls: number,
  ): AsyncGenerator<ShopifyOrderNode[]> {
    const search = `updated_at:>='${since}'`;
    const orders = await regroupBulkOrders(this.bulk.lines(bulkOrdersQuery(search), pollMs, maxPolls));
    const mayTip = orders.filter(mayHaveTip);
    if (mayTip.length > 0) {
      const tipLines = await readBulkTipLines(this.bulk.lines(bulkTipSalesQuery(search), pollMs, maxPolls));
      for (const order of mayTip) order.tipLineItemIds = tipLines.get(order.id) ?? [];
    }
    yield orders;
  }

  /** Every customer updated at or after `since` through one bulk operation, as the paged query's nodes. */
  async *customersUpdatedSinceBulk(
    since: string,
    pollMs: number,
    maxPolls: number,
  ): AsyncGenerator<ShopifyCustomerNode[]> {
    yield await readBulkCustomers(
      this.bulk.lines(bulkCustomersQuery(`updated_at:>='${since}'`), pollMs, maxPolls),
    );
  }

  /** Every product updated at or after `since` through one bulk operation, variants regrouped under it. */
  async *productsUpdatedSinceBulk(
    since: string,
    pollMs: number,
    maxPolls: number,
  ): AsyncGenerator<ShopifyProductNode[]> {
    yield await regroupBulkProducts(
      this.bulk.lines(bulkProductsQuery(`updated_at:>='${since}'`), pollMs, maxPolls),
    );
  }

  /** Every customer updated at or after `since`, page by page. */
  async *customersUpdatedSince(since: string): AsyncGenerator<ShopifyCustomerNode[]> {
    yield* this.pages<ShopifyCustomerNode>("customers", CUSTOMERS_QUERY, `updated_at:>='${since}'`);
  }

  /** Every product updated at or after `since`, page by page, each with all its variants. */
  async *productsUpdatedSince(since: string): AsyncGenerator<ShopifyProductNode[]> {
    for await (const products of this.pages<ShopifyProductNode>(
      "products",
      PRODUCTS_QUERY,
      `updated_at:>='${since}'`,
    )) {
      for (const product of products)
        await this.completeNested(product.variants, product.id, PRODUCT_VARIANTS);
      yield products;
    }
  }

  /** Orders created in [from, to) (instants), with only what the totals need. */
  async *ordersCreatedBetween(
    from: string,
    to: string,
  ): AsyncGenerator<
    {
      id: string;
      createdAt: string;
      cancelledAt: string | null;
      test?: boolean;
      totalPriceSet: Money | null;
    }[]
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
        // As the warehouse counts them (sql/queries/check-sources/reconciliation_shopify.sql).
        if (order.cancelledAt || order.test) continue;
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
    let first = this.settings.pageSize;
    for (;;) {
      let data: Record<string, Connection<Node>>;
      try {
        data = await this.request<Record<string, Connection<Node>>>(query, { first, after, query: search });
      } catch (error) {
        if (!(error instanceof QueryCostExceeded)) throw error;
        // A page of `first` asks for more than one query may cost: ask again for as many as fit.
        const fits = affordablePageSize(first, error.cost, error.maxCost);
        if (fits < 1) throw error;
        const { cost, maxCost } = error;
        this.log.info("Shopify page size lowered to fit the single query cost limit", {
          connection,
          from: first,
          to: fits,
          cost,
          maxCost,
        });
        first = fits;
        continue;
      }
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
        const bucket = this.lastThrottle;
        await sleepBeforeDeadline(
          "shopify",
          this.io,
          this.retry,
          Math.min(wait, this.retry.maxDelayMs),
          `Shopify's query cost bucket held ${bucket?.currentlyAvailable ?? "?"} points, refilling ${bucket?.restoreRate ?? "?"} a second, and the next query costs about ${this.lastCost}`,
        );
        this.throttleWaitsMs.push(wait);
      }
      const client = await this.adminClient();
      const answer = (await client.request(query, { variables })) as GraphQlAnswer<Data>;
      const cost = answer.extensions?.cost;
      if (cost?.throttleStatus) this.lastThrottle = cost.throttleStatus;
      if (cost?.requestedQueryCost !== undefined) this.lastCost = cost.requestedQueryCost;
      const errors = answer.errors;
      if (!errors && answer.data) return answer.data;
      const status = errors?.networkStatusCode;
      if (status === 401 || status === 403) {
        throw new PlatformAuthError(
          "shopify",
          this.app
            ? `reconnect Shopify: the Admin API refused the access token obtained with the Dev Dashboard app's client credentials (HTTP ${status}) — the app was uninstalled from ${this.settings.shopDomain}, or its released version lacks the scopes ${SHOPIFY_SCOPES}; install the app on the shop again or release a version with those scopes`
            : `reconnect Shopify: the Admin API refused the access token (HTTP ${status}) — it was revoked or the app was uninstalled, or it lacks the read_orders scope; create a new token in the custom app and put it in the shopifyAccessToken secret`,
        );
      }
      const tooCostly = errors?.graphQLErrors?.find(
        (error) => error.extensions?.code === "MAX_COST_EXCEEDED",
      );
      if (tooCostly)
        throw new QueryCostExceeded(
          tooCostly.message,
          tooCostly.extensions?.cost,
          tooCostly.extensions?.maxCost,
        );
      const throttled = errors?.graphQLErrors?.some((error) => error.extensions?.code === "THROTTLED");
      if (throttled && attempt < this.retry.maxAttempts) {
        // The bucket was emptier than the last answer said (another app shares it): wait for this query's cost.
        this.lastThrottle = cost?.throttleStatus ?? this.lastThrottle;
        if (this.lastCost === 0) this.lastCost = cost?.requestedQueryCost ?? 100;
        if (throttleWaitMs(this.lastThrottle, this.lastCost) === 0)
          await sleepBeforeDeadline(
            "shopify",
            this.io,
            this.retry,
            1000,
            "Shopify answered THROTTLED though its cost bucket looked full enough",
          );
        continue;
      }
      const detail =
        errors?.graphQLErrors?.map((error) => error.message).join("; ") ?? errors?.message ?? "no data";
      throw new PlatformApiError("shopify", `Shopify GraphQL query failed: ${detail}`, status);
    }
  }
}
