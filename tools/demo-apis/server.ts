// Four platform APIs on one 127.0.0.1 port, answering in each platform's documented shapes from the data they are
// given: Shopify Admin GraphQL (orders with cursor pages; nested connections, an order's line items, a refund's
// transactions and lines and a product's variants, cut to their page size with a cursor to the rest; each query priced by
// Shopify's rules and refused over its single query limit with MAX_COST_EXCEEDED, extensions.cost.throttleStatus,
// THROTTLED), Meta's Graph API insights (level=ad/account, time_increment=1, paging.next, async report runs, usage
// headers, error 190), TikTok's integrated report ({code, message, data.list, page_info}) and Google Ads REST
// (OAuth token, searchStream batches, cost in micros, Performance Max campaigns by asset group only; the
// developer-token header ignored, as Google's servers have done since the token's sunset on 9 September 2026, and a
// Test-access Cloud project refused on a real account). Faults are injected on request: 429 with Retry-After, 5xx,
// an expired token, a throttled query, a platform that "loses" rows on named days while its totals stay whole. Each
// ad account answers its time zone as its platform does (Meta's account node timezone_name, TikTok's
// advertiser/info, Google's customer.time_zone): the shop's, unless the data gives it another. Shopify's bulk
// operations serve orders, customers and products, one at a time per shop as Shopify does, and can be cancelled
// (bulkOperationCancel: CANCELING, then CANCELED). Shopify's /admin/oauth/access_token speaks the client
// credentials grant of a Dev Dashboard app (a form-encoded grant_type, client_id and client_secret → {access_token,
// scope, expires_in}; 400 with an OAuth error for a wrong id or secret, or an app not installed), and the GraphQL
// endpoint accepts the tokens it issued until they expire, as well as the fixed token of a custom app. The tests
// (test/ingest/connectors/) and the demo (tools/demo-apis.ts) run the real connector code against it.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { daysBetween, ShopClock } from "../../functions/lib/calendar.ts";
import type { GoogleAdsRow } from "../../functions/lib/platform-apis/google-ads.ts";
import type { MetaInsightRow } from "../../functions/lib/platform-apis/meta.ts";
import type {
  ShopifyCustomerNode,
  ShopifyOrderNode,
  ShopifyProductNode,
} from "../../functions/lib/platform-apis/shopify-nodes.ts";
import type { TikTokReportRow } from "../../functions/lib/platform-apis/tiktok.ts";
import { SHOPIFY_MAX_QUERY_COST, shopifyQueryCost } from "./shopify-cost.ts";

export type Platform = "shopify" | "facebook_ads" | "tiktok_ads" | "google_ads";

/**
 * An order as the server holds it: the node the orders query answers, and its sales agreements (the order placed,
 * each edit, return or refund), each the sales it recorded, a line's type and the line. Only ORDER_TIP_SALES_QUERY
 * asks for them; an order without them has one agreement of no sale.
 */
export type ServedShopifyOrder = ShopifyOrderNode & {
  agreements?: { sales: { lineType: string; lineItem: { id: string } }[] }[];
};

export interface PlatformData {
  shopifyOrders: ServedShopifyOrder[];
  shopifyCustomers?: ShopifyCustomerNode[];
  shopifyProducts?: ShopifyProductNode[];
  /** The shop's time zone: order days in the totals are days there. */
  shopTimezone: string;
  metaInsights: MetaInsightRow[];
  tiktokRows: (TikTokReportRow & { advertiserId: string })[];
  /**
   * A row per ad group (adGroup) or Performance Max asset group (assetGroup) and day; a row with neither is spend
   * only its campaign reports (a Smart campaign, or what a campaign's row counts beyond its groups).
   */
  googleRows: GoogleAdsRow[];
  /**
   * Ad accounts whose time zone is not the shop's, by platform and account id (Meta account id without act_,
   * TikTok advertiser id, Google Ads customer id). Every other account answers the shop's time zone.
   */
  adAccountTimeZones?: Partial<Record<"facebook_ads" | "tiktok_ads" | "google_ads", Record<string, string>>>;
  /**
   * The effective_status of Meta ads that are no longer live (ARCHIVED, DELETED), by ad id; every other ad is live.
   * An ad account's insights at level=ad leave such an ad out unless the request filters on ad.effective_status
   * naming its status, while the account's own totals still count it (Marketing API, "Manage your ad object's
   * status").
   */
  metaAdStatuses?: Record<string, string>;
}

/**
 * Google Ads' FROM campaign answer over fixture rows: one row per campaign and day, every row of it summed (its ad
 * groups', its asset groups', and those only the campaign reports).
 */
function campaignDays(rows: GoogleAdsRow[]): GoogleAdsRow[] {
  const days = new Map<string, GoogleAdsRow & { metrics: Required<NonNullable<GoogleAdsRow["metrics"]>> }>();
  for (const row of rows) {
    const key = `${row.segments?.date ?? ""}|${row.campaign?.id ?? ""}`;
    const day = days.get(key) ?? {
      customer: row.customer,
      campaign: row.campaign,
      segments: row.segments,
      metrics: { costMicros: "0", impressions: "0", clicks: "0", conversions: 0, conversionsValue: 0 },
    };
    const metrics = row.metrics ?? {};
    day.metrics.costMicros = String(Number(day.metrics.costMicros) + Number(metrics.costMicros ?? 0));
    day.metrics.impressions = String(Number(day.metrics.impressions) + Number(metrics.impressions ?? 0));
    day.metrics.clicks = String(Number(day.metrics.clicks) + Number(metrics.clicks ?? 0));
    day.metrics.conversions += metrics.conversions ?? 0;
    day.metrics.conversionsValue += metrics.conversionsValue ?? 0;
    days.set(key, day);
  }
  return [...days.values()];
}

export interface Fault {
  platform: Platform;
  /** The n-th request to that platform (1-based) gets the fault; with `through`, every one up to that. */
  request: number;
  through?: number;
  /**
   * `timeout`: Meta's answer to a synchronous insights request too big to finish (error 100, subcode 1504018, or
   * with `metaSubcode` 1504038 error 2: "Your request timed out. Try a smaller date range, fetch less data, or use
   * async jobs.").
   */
  kind: "429" | "500" | "503" | "expired" | "throttled" | "timeout" | "permission";
  /**
   * `permission`: the answer to a token that may not read the account: Meta's Graph API error `metaCode` (10 or
   * 200), TikTok's code 40001 ("No permission to perform the related operation").
   */
  metaCode?: 10 | 200;
  metaSubcode?: 1504018 | 1504038;
  retryAfterSeconds?: number;
  /** Only requests to this path get the fault (counted among all of the platform's requests all the same). */
  path?: string;
}

/** Rows a platform's row endpoints leave out (its totals still count them): the first `share` of that day's rows. */
export interface Loss {
  platform: "shopify" | "facebook_ads";
  day: string;
  share: number;
  account?: string;
}

export const TOKENS = {
  shopify: "shpat_local_test_token",
  meta: "EAAlocal-meta-token",
  tiktok: "local-tiktok-token",
  googleOauth: { client_id: "local-client", client_secret: "local-secret", refresh_token: "local-refresh" },
  googleAccess: "ya29.local-access-token",
  /** The demo's Dev Dashboard app (tests make their own, with generated secrets). */
  shopifyApp: { client_id: "local-shopify-app", client_secret: "shpss_local-shopify-app-secret" },
};

/** The scopes the server's Dev Dashboard app was released with, as the token answer lists them. */
export const SHOPIFY_APP_SCOPES = "read_orders,read_all_orders,read_customers,read_products";

export interface ServerOptions {
  faults?: Fault[];
  losses?: Loss[];
  /** Shopify's cost bucket as answered on every response (defaults: a full 2000-point bucket). */
  shopifyThrottle?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
  /** Every Meta answer reports this share of its budget in x-business-use-case-usage (default 10). */
  metaUsagePercent?: number;
  /** Polls of a Meta report run answered "Job Running" before "Job Completed" (default 1). */
  metaReportRunningPolls?: number;
  /** The port on 127.0.0.1 (default: any free one). */
  port?: number;
  /** Shopify bulk operations: polls answered RUNNING before COMPLETED (default 2), or an operation that FAILs. */
  shopifyBulk?: {
    runningPolls?: number;
    failWith?: "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";
    /** Ends the operation so instead of COMPLETED: cancelled by someone else, or expired. */
    endWith?: "CANCELED" | "EXPIRED";
  };
  /** Google's searchStream batch size (default 10000, the API's). */
  googleBatchSize?: number;
  /**
   * OAuth clients (client_id) whose Google Cloud project has only Test access to the Google Ads API: their
   * access tokens reach the customers of googleTestAccounts only, and any other customer answers
   * CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION (v25's code; earlier versions are not modelled).
   */
  googleTestAccessClients?: string[];
  /** Google Ads test accounts (customer ids, digits only), which a Test-access project may call. */
  googleTestAccounts?: string[];
  /**
   * The Dev Dashboard app whose client credentials /admin/oauth/access_token exchanges (default TOKENS.shopifyApp):
   * not installed on the shop when `installed` is false; its tokens last `tokenLifetimeSeconds` (default 86399).
   */
  shopifyApp?: {
    client_id: string;
    client_secret: string;
    installed?: boolean;
    tokenLifetimeSeconds?: number;
  };
}

/** One bulk operation of the server: its file, its bulk query, and how far it has got. */
interface BulkOperationRecord {
  jsonl: string;
  objects: number;
  /** Status answers so far: RUNNING while at most runningPolls. */
  polls: number;
  query: string;
  /** Set by bulkOperationCancel: answered CANCELING once, then CANCELED. */
  cancel?: { answers: number };
}

export interface RecordedRequest {
  platform: Platform;
  method: string;
  path: string;
  params: Record<string, string>;
  body?: unknown;
  /** The request's headers, names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  /** The Content-Type header, as sent. */
  contentType?: string;
}

export interface PlatformServer {
  url: string;
  requests: RecordedRequest[];
  data: PlatformData;
  options: ServerOptions;
  close(): Promise<void>;
}

function platformOf(path: string): Platform | undefined {
  if (path.startsWith("/admin/api/") || path.startsWith("/admin/oauth/") || path.startsWith("/shopify-bulk/"))
    return "shopify";
  if (path.startsWith("/open_api/")) return "tiktok_ads";
  if (path.startsWith("/oauth/") || path.includes("/customers/")) return "google_ads";
  if (/^\/v\d+\.\d+\//.test(path)) return "facebook_ads";
  return undefined;
}

const json = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
};

/** A time zone's offset from UTC now, in minutes (east positive), as the platforms answer it. */
function offsetMinutesNow(timeZone: string): number {
  return new ShopClock(timeZone).offsetMs(Date.now()) / 60_000;
}

/** The local calendar day of an instant in a time zone. */
export function dayIn(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(instant));
}

/** Rows left after the losses of that platform (and account) on their days. */
export function afterLosses<Row>(
  rows: readonly Row[],
  losses: readonly Loss[],
  platform: Loss["platform"],
  dayOf: (row: Row) => string,
  accountOf: (row: Row) => string = () => "",
): Row[] {
  const relevant = losses.filter((loss) => loss.platform === platform);
  if (relevant.length === 0) return [...rows];
  const seen = new Map<string, number>();
  const totals = new Map<string, number>();
  for (const row of rows)
    totals.set(`${dayOf(row)}|${accountOf(row)}`, (totals.get(`${dayOf(row)}|${accountOf(row)}`) ?? 0) + 1);
  return rows.filter((row) => {
    const key = `${dayOf(row)}|${accountOf(row)}`;
    const loss = relevant.find(
      (item) => item.day === dayOf(row) && (item.account === undefined || item.account === accountOf(row)),
    );
    const index = seen.get(key) ?? 0;
    seen.set(key, index + 1);
    return !loss || index >= Math.round((totals.get(key) ?? 0) * loss.share);
  });
}

const page = <Row>(rows: readonly Row[], offset: number, size: number) => rows.slice(offset, offset + size);

/** A page of a GraphQL connection: `first` nodes after the cursor `after` (an offset, as this server writes it). */
function connectionPage<Node>(
  all: readonly Node[],
  first: number,
  after: unknown,
): { nodes: Node[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } {
  const offset = after ? Number(Buffer.from(String(after), "base64url").toString()) : 0;
  const nodes = page(all, offset, first);
  const end = offset + nodes.length;
  return {
    nodes,
    pageInfo: {
      hasNextPage: end < all.length,
      endCursor: nodes.length ? Buffer.from(String(end)).toString("base64url") : null,
    },
  };
}

/**
 * Fields the connector came to ask for late (an order's tips, a line item's gift card flag, a refund's lines), each
 * of which changes revenue: GraphQL answers only the fields a query names, so this server leaves them out of an
 * answer to a query that does not name them, and a query missing one lands what Shopify would have given it.
 */
// agreements: no orders query asks for them (ORDER_TIP_SALES_QUERY does, a query of its own).
const ORDER_FIELDS_ASKED_LATE = ["totalTipReceivedSet", "agreements"] as const;
const LINE_ITEM_FIELDS_ASKED_LATE = ["isGiftCard"] as const;
const PRODUCT_FIELDS_ASKED_LATE = ["isGiftCard"] as const;

/** A query's ask for a tip sale's line (`... on TipSale { lineItem { id } }`), answered for a tip's sale only. */
const TIP_SALE_LINE = /\.\.\. on TipSale \{ lineItem \{ id \} \}/;

type ServedSale = NonNullable<ServedShopifyOrder["agreements"]>[number]["sales"][number];

/** The order's agreements as served: one of no sale when the order holds none. */
function servedAgreements(order: ServedShopifyOrder): NonNullable<ServedShopifyOrder["agreements"]> {
  return order.agreements ?? [{ sales: [] }];
}

/** A sale as `query` sees it: its line only when it is a tip's and the query's `... on TipSale` asks for it. */
function answeredSale(sale: ServedSale, query: string): { lineType: string; lineItem?: { id: string } } {
  return sale.lineType === "TIP" && TIP_SALE_LINE.test(query) ? sale : { lineType: sale.lineType };
}

/** Whether `query` names `field`. */
function asks(query: string, field: string): boolean {
  return new RegExp(`\\b${field}\\b`).test(query);
}

/** `node` without those of `fields` that `query` does not ask for. */
function answeredFields<T extends object>(node: T, query: string, fields: readonly string[]): T {
  const unasked = fields.filter((field) => !asks(query, field));
  if (unasked.length === 0) return node;
  const answer = { ...node } as Record<string, unknown>;
  for (const field of unasked) delete answer[field];
  return answer as T;
}

/**
 * A refund's lines (asked for late too) when `query` asks for them, none for a refund that gave back no line;
 * undefined when it does not ask.
 */
function askedRefundLines(refund: ShopifyOrderNode["refunds"][number], query: string) {
  return asks(query, "refundLineItems") ? (refund.refundLineItems?.nodes ?? []) : undefined;
}

/**
 * Google Ads' REST failure when a Cloud project with Test access only calls a real account: a google.rpc.Status
 * (403 PERMISSION_DENIED) whose details hold a GoogleAdsFailure, errors[].errorCode.authorizationError naming
 * CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION (authorization_error.proto, v25), with the proto's description.
 */
export function googleTestAccessOnly(path: string, request: number): object {
  const version = /^\/(v\d+)\//.exec(path)?.[1] ?? "v25";
  return {
    error: {
      code: 403,
      message: "The caller does not have permission",
      status: "PERMISSION_DENIED",
      details: [
        {
          "@type": `type.googleapis.com/google.ads.googleads.${version}.errors.GoogleAdsFailure`,
          errors: [
            {
              errorCode: { authorizationError: "CLOUD_PROJECT_NOT_APPROVED_FOR_PRODUCTION" },
              message:
                "The Google Cloud project is only approved for use with test accounts. To access non-test accounts, apply for Explorer, Basic or Standard access.",
            },
          ],
          requestId: `req-${request}-denied`,
        },
      ],
    },
  };
}

export async function startPlatformServer(
  data: PlatformData,
  options: ServerOptions = {},
): Promise<PlatformServer> {
  const requests: RecordedRequest[] = [];
  const counts: Record<Platform, number> = { shopify: 0, facebook_ads: 0, tiktok_ads: 0, google_ads: 0 };
  const reportRuns = new Map<string, { rows: MetaInsightRow[]; polls: number }>();
  const bulkOperations = new Map<string, BulkOperationRecord>();
  /** The OAuth client each issued Google access token belongs to. */
  const googleClients = new Map<string, string>();
  let currentBulk: string | undefined;
  /** Tokens issued by the client credentials grant, and when each expires (ms). */
  const issuedShopifyTokens = new Map<string, number>();
  let url = "";

  const faultFor = (platform: Platform, path: string) =>
    (options.faults ?? []).find(
      (fault) =>
        fault.platform === platform &&
        (fault.path === undefined || fault.path === path) &&
        counts[platform] >= fault.request &&
        counts[platform] <= (fault.through ?? fault.request),
    );

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const target = new URL(request.url ?? "/", url);
    const platform = platformOf(target.pathname);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const params = Object.fromEntries(target.searchParams);
    let body: unknown;
    if (text) {
      try {
        body = request.headers["content-type"]?.includes("json")
          ? JSON.parse(text)
          : Object.fromEntries(new URLSearchParams(text));
      } catch {
        body = text;
      }
    }
    if (!platform) return json(response, 404, { error: "unknown path" });
    counts[platform] += 1;
    requests.push({
      platform,
      method: request.method ?? "GET",
      path: target.pathname,
      params,
      body,
      headers: { ...request.headers },
      ...(request.headers["content-type"] ? { contentType: request.headers["content-type"] } : {}),
    });
    const fault = faultFor(platform, target.pathname);
    if (fault?.kind === "429")
      return json(
        response,
        429,
        { errors: "Too many requests" },
        { "retry-after": String(fault.retryAfterSeconds ?? 2) },
      );
    if (fault?.kind === "500" || fault?.kind === "503")
      return json(response, Number(fault.kind), { error: "server error" });
    switch (platform) {
      case "shopify":
        return shopify(
          request,
          response,
          body as { query: string; variables: Record<string, unknown> },
          fault,
        );
      case "facebook_ads":
        return meta(request, response, target, params, fault);
      case "tiktok_ads":
        return tiktok(request, response, target, params, fault);
      case "google_ads":
        return google(request, response, target, body, fault);
    }
  }

  function shopify(
    request: IncomingMessage,
    response: ServerResponse,
    body: { query: string; variables: Record<string, unknown> },
    fault?: Fault,
  ) {
    const bulkFile = /^\/shopify-bulk\/(\d+)\.jsonl$/.exec(new URL(request.url ?? "/", url).pathname)?.[1];
    // The file's URL is signed (a storage URL in Shopify's answer): it takes no access token.
    if (bulkFile !== undefined) {
      const operation = bulkOperations.get(bulkFile);
      if (!operation) return json(response, 404, { error: "no such bulk file" });
      response.writeHead(200, { "content-type": "application/jsonl" });
      // Written in small chunks, so a reader that buffers whole bodies and one that streams lines both get tested.
      const text = operation.jsonl;
      for (let start = 0; start < text.length; start += 1000) response.write(text.slice(start, start + 1000));
      response.end();
      return;
    }
    if (new URL(request.url ?? "/", url).pathname === "/admin/oauth/access_token")
      return shopifyAccessToken(request, response, body as unknown as Record<string, unknown> | undefined);
    const token = String(request.headers["x-shopify-access-token"] ?? "");
    const issuedUntil = issuedShopifyTokens.get(token);
    const accepted = token === TOKENS.shopify || (issuedUntil !== undefined && Date.now() < issuedUntil);
    if (fault?.kind === "expired" || !accepted)
      return json(response, 401, {
        errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
      });
    const throttle = options.shopifyThrottle ?? {
      maximumAvailable: 2000,
      currentlyAvailable: 2000,
      restoreRate: 100,
    };
    const first = Number(body.variables.first ?? 50);
    // Shopify prices a query before running it and refuses one over the single query limit.
    const cost = shopifyQueryCost(body.query, body.variables);
    if (cost > SHOPIFY_MAX_QUERY_COST)
      return json(response, 200, {
        errors: [
          {
            message: `Query cost is ${cost}, which exceeds the single query max cost limit (${SHOPIFY_MAX_QUERY_COST}).`,
            extensions: {
              code: "MAX_COST_EXCEEDED",
              cost,
              maxCost: SHOPIFY_MAX_QUERY_COST,
              documentation: "https://shopify.dev/api/usage/limits#rate-limits",
            },
          },
        ],
      });
    const extensions = {
      cost: {
        requestedQueryCost: cost,
        actualQueryCost: fault?.kind === "throttled" ? null : cost,
        throttleStatus: throttle,
      },
    };
    if (fault?.kind === "throttled")
      return json(response, 200, {
        errors: [
          {
            message: "Throttled",
            extensions: {
              code: "THROTTLED",
              documentation: "https://shopify.dev/api/usage/limits#rate-limits",
            },
          },
        ],
        extensions,
      });
    if (body.query.includes("bulkOperationRunQuery")) {
      // From API version 2026-01, groupObjects defaults to false: child lines are no longer written just below
      // their parent (Shopify's changelog, "Bulk operations group objects default changed to false").
      const version = /\/admin\/api\/([^/]+)\//.exec(request.url ?? "")?.[1] ?? "";
      const grouped = body.variables.groupObjects === true || (version < "2026-01" && version !== "unstable");
      return startBulk(response, body, extensions, grouped);
    }
    if (body.query.includes("bulkOperationCancel")) return cancelBulk(response, body, extensions);
    if (body.query.includes("currentBulkOperation")) return bulkStatus(response, extensions);
    const followUp = /query (OrderLineItems|ProductVariants|RefundTransactions|RefundLineItems)\b/.exec(
      body.query,
    )?.[1];
    if (followUp)
      return nestedConnectionPage(response, followUp, body.query, body.variables, first, extensions);
    if (/query OrderTipSales\b/.test(body.query))
      return orderSalesPage(response, body.query, body.variables, extensions);
    const search = String(body.variables.query ?? "");
    const snapshot = /query (Customers|Products)\b/.exec(body.query)?.[1];
    if (snapshot) {
      const since = /updated_at:>='([^']+)'/.exec(search)?.[1] ?? "1970-01-01T00:00:00Z";
      const all: { id: string; updatedAt: string }[] =
        snapshot === "Customers" ? (data.shopifyCustomers ?? []) : (data.shopifyProducts ?? []);
      const matching = all
        .filter((node) => Date.parse(node.updatedAt) >= Date.parse(since))
        .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id.localeCompare(b.id));
      const { nodes, pageInfo } = connectionPage(matching, first, body.variables.after);
      // A product's variants are a nested connection: the first `variants(first: n)` of them, and a cursor.
      const variants = nestedPageSize(body.query, "variants");
      const shown =
        snapshot === "Products" && variants !== undefined
          ? (nodes as ShopifyProductNode[]).map((product) => ({
              ...answeredFields(product, body.query, PRODUCT_FIELDS_ASKED_LATE),
              variants: connectionPage(product.variants.nodes, variants, null),
            }))
          : nodes;
      return json(response, 200, {
        data: { [snapshot.toLowerCase()]: { nodes: shown, pageInfo } },
        extensions,
      });
    }
    const updatedSince = /updated_at:>='([^']+)'/.exec(search)?.[1];
    const createdFrom = /created_at:>='([^']+)'/.exec(search)?.[1];
    const createdTo = /created_at:<'([^']+)'/.exec(search)?.[1];
    const totals = body.query.includes("OrderTotals");
    let orders = totals
      ? data.shopifyOrders
      : afterLosses(data.shopifyOrders, options.losses ?? [], "shopify", (order) =>
          dayIn(order.createdAt, data.shopTimezone),
        );
    if (updatedSince)
      orders = orders.filter((order) => Date.parse(order.updatedAt) >= Date.parse(updatedSince));
    if (createdFrom)
      orders = orders.filter((order) => Date.parse(order.createdAt) >= Date.parse(createdFrom));
    if (createdTo) orders = orders.filter((order) => Date.parse(order.createdAt) < Date.parse(createdTo));
    const key = totals ? "createdAt" : "updatedAt";
    orders = [...orders].sort((a, b) => Date.parse(a[key]) - Date.parse(b[key]) || a.id.localeCompare(b.id));
    const { nodes: ordersPage, pageInfo } = connectionPage(orders, first, body.variables.after);
    const nodes = ordersPage.map((order) =>
      totals
        ? {
            id: order.id,
            createdAt: order.createdAt,
            cancelledAt: order.cancelledAt,
            test: order.test ?? false,
            totalPriceSet: order.totalPriceSet,
          }
        : withNestedPages(order, body.query),
    );
    return json(response, 200, { data: { orders: { nodes, pageInfo } }, extensions });
  }

  /** The page size a query asks of a nested connection (`lineItems(first: 10)`), when it names one. */
  function nestedPageSize(query: string, connection: string): number | undefined {
    const size = new RegExp(`\\b${connection}\\(first: (\\d+)`).exec(query)?.[1];
    return size === undefined ? undefined : Number(size);
  }

  /**
   * An order as a query with nested page sizes sees it: its first line items and the first transactions and lines
   * of each refund, each with a cursor to the rest.
   */
  function withNestedPages(order: ShopifyOrderNode, query: string): ShopifyOrderNode {
    const lineItems = nestedPageSize(query, "lineItems") ?? order.lineItems.nodes.length;
    return {
      ...answeredFields(order, query, ORDER_FIELDS_ASKED_LATE),
      lineItems: connectionPage(
        order.lineItems.nodes.map((line) => answeredFields(line, query, LINE_ITEM_FIELDS_ASKED_LATE)),
        lineItems,
        null,
      ),
      refunds: order.refunds.map((refund) => {
        const { refundLineItems: _lines, ...answered } = refund;
        const lines = askedRefundLines(refund, query);
        return {
          ...answered,
          transactions: connectionPage(
            refund.transactions.nodes,
            nestedPageSize(query, "transactions") ?? refund.transactions.nodes.length,
            null,
          ),
          ...(lines
            ? {
                refundLineItems: connectionPage(
                  lines,
                  nestedPageSize(query, "refundLineItems") ?? lines.length,
                  null,
                ),
              }
            : {}),
        };
      }),
    };
  }

  /**
   * The next page of one node's nested connection, after the cursor its first page gave: an order's line items
   * (`order(id:) { lineItems(first:, after:) }`), a product's variants, a refund's transactions or lines; the node is null
   * when the shop has no such node (any more).
   */
  function nestedConnectionPage(
    response: ServerResponse,
    query: string,
    queryText: string,
    variables: Record<string, unknown>,
    first: number,
    extensions: object,
  ) {
    const id = variables.id;
    const [parent, field, children]: [string, string, readonly unknown[] | undefined] =
      query === "OrderLineItems"
        ? [
            "order",
            "lineItems",
            data.shopifyOrders
              .find((order) => order.id === id)
              ?.lineItems.nodes.map((line) => answeredFields(line, queryText, LINE_ITEM_FIELDS_ASKED_LATE)),
          ]
        : query === "ProductVariants"
          ? [
              "product",
              "variants",
              data.shopifyProducts?.find((product) => product.id === id)?.variants.nodes,
            ]
          : query === "RefundTransactions"
            ? [
                "refund",
                "transactions",
                data.shopifyOrders.flatMap((order) => order.refunds).find((refund) => refund.id === id)
                  ?.transactions.nodes,
              ]
            : [
                "refund",
                "refundLineItems",
                data.shopifyOrders.flatMap((order) => order.refunds).find((refund) => refund.id === id)
                  ?.refundLineItems?.nodes,
              ];
    return json(response, 200, {
      data: { [parent]: children ? { [field]: connectionPage(children, first, variables.after) } : null },
      extensions,
    });
  }

  /**
   * `order(id:) { agreements(first:, after:) { nodes { sales(first:, after:) { … } } } }`: a page of the order's
   * agreements, each with a page of its sales from the `salesAfter` cursor, a sale's line only where the query's
   * `... on TipSale` asks for it (a tip's); the order is null when the shop has no such order.
   */
  function orderSalesPage(
    response: ServerResponse,
    query: string,
    variables: Record<string, unknown>,
    extensions: object,
  ) {
    const order = data.shopifyOrders.find((candidate) => candidate.id === variables.id);
    const agreements = order ? servedAgreements(order) : [];
    const page = connectionPage(agreements, nestedPageSize(query, "agreements") ?? 1, variables.after);
    const nodes = page.nodes.map((agreement) => ({
      sales: connectionPage(
        agreement.sales.map((sale) => answeredSale(sale, query)),
        nestedPageSize(query, "sales") ?? agreement.sales.length,
        variables.salesAfter,
      ),
    }));
    return json(response, 200, {
      data: { order: order ? { agreements: { nodes, pageInfo: page.pageInfo } } : null },
      extensions,
    });
  }

  /** The client credentials grant (shopify.dev, "Using the client credentials grant"). */
  function shopifyAccessToken(
    request: IncomingMessage,
    response: ServerResponse,
    form: Record<string, unknown> | undefined,
  ) {
    if (request.method !== "POST") return json(response, 405, { error: "method not allowed" });
    const app = options.shopifyApp ?? TOKENS.shopifyApp;
    if (form?.grant_type !== "client_credentials")
      return json(response, 400, {
        error: "unsupported_grant_type",
        error_description: "grant_type must be client_credentials",
      });
    if (form.client_id !== app.client_id)
      return json(response, 400, {
        error: "invalid_request",
        error_description: "No Shopify app has this client_id",
      });
    if (form.client_secret !== app.client_secret)
      return json(response, 400, {
        error: "invalid_client",
        error_description: "Client authentication failed",
      });
    if (options.shopifyApp?.installed === false)
      return json(response, 400, {
        error: "app_not_installed",
        error_description: "The app is not installed on this shop",
      });
    const lifetime = options.shopifyApp?.tokenLifetimeSeconds ?? 86399;
    const token = `shpat_cc_${randomUUID().replaceAll("-", "")}`;
    issuedShopifyTokens.set(token, Date.now() + lifetime * 1000);
    return json(response, 200, { access_token: token, scope: SHOPIFY_APP_SCOPES, expires_in: lifetime });
  }

  /** bulkOperationRunQuery: the orders of the inline search, written as Shopify's JSONL (children on their own lines). */
  function startBulk(
    response: ServerResponse,
    body: { query: string; variables: Record<string, unknown> },
    extensions: object,
    grouped: boolean,
  ) {
    const inner = String(body.variables.query ?? "");
    const connection = /^\{\s*(orders|customers|products)\(/.exec(inner.trim())?.[1] as
      "orders" | "customers" | "products" | undefined;
    if (!connection)
      return json(response, 200, {
        data: {
          bulkOperationRunQuery: {
            bulkOperation: null,
            userErrors: [
              {
                field: ["query"],
                message: "Invalid bulk query: this server serves orders, customers and products only",
              },
            ],
          },
        },
        extensions,
      });
    // One bulk query per app and shop at a time, as Shopify: a running (or canceling) one must end first.
    const busy = currentBulk ? bulkOperations.get(currentBulk) : undefined;
    if (busy && isBusy(busy))
      return json(response, 200, {
        data: {
          bulkOperationRunQuery: {
            bulkOperation: null,
            userErrors: [
              {
                field: null,
                message: `A bulk query operation for this app and shop is already in progress: gid://shopify/BulkOperation/${currentBulk}.`,
              },
            ],
          },
        },
        extensions,
      });
    const updatedSince = /updated_at:>='([^']+)'/.exec(inner)?.[1] ?? "1970-01-01T00:00:00Z";
    const parentFirst =
      connection !== "orders"
        ? bulkSnapshotLines(connection, updatedSince, inner)
        : asks(inner, "agreements")
          ? bulkAgreementLines(updatedSince, inner)
          : bulkOrderLines(updatedSince, inner);
    // Ungrouped, the lines come in no promised order: this server writes every child line before the parents.
    const isChild = (line: string) => line.includes('"__parentId"');
    const lines = grouped
      ? parentFirst
      : [...parentFirst.filter(isChild), ...parentFirst.filter((line) => !isChild(line))];
    const id = String(bulkOperations.size + 1);
    bulkOperations.set(id, {
      jsonl: lines.length ? `${lines.join("\n")}\n` : "",
      objects: lines.length,
      polls: 0,
      query: inner,
    });
    currentBulk = id;
    return json(response, 200, {
      data: {
        bulkOperationRunQuery: {
          bulkOperation: { id: `gid://shopify/BulkOperation/${id}`, status: "CREATED" },
          userErrors: [],
        },
      },
      extensions,
    });
  }

  /** Customers as one line each; products as a line each, then a line per variant carrying `__parentId`. */
  function bulkSnapshotLines(
    connection: "customers" | "products",
    updatedSince: string,
    query: string,
  ): string[] {
    const all: { id: string; updatedAt: string }[] =
      connection === "customers" ? (data.shopifyCustomers ?? []) : (data.shopifyProducts ?? []);
    const lines: string[] = [];
    for (const node of all
      .filter((candidate) => Date.parse(candidate.updatedAt) >= Date.parse(updatedSince))
      .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id.localeCompare(b.id))) {
      if (connection === "customers") {
        lines.push(JSON.stringify(node));
        continue;
      }
      const { variants, ...product } = answeredFields(
        node as ShopifyProductNode,
        query,
        PRODUCT_FIELDS_ASKED_LATE,
      );
      lines.push(JSON.stringify(product));
      for (const variant of variants.nodes)
        lines.push(JSON.stringify({ ...variant, __parentId: product.id }));
    }
    return lines;
  }

  /**
   * Orders as one line each, then a line per line item, refund transaction and refund line carrying `__parentId`
   * (the lines only when the query asks for them).
   */
  function bulkOrderLines(updatedSince: string, query: string): string[] {
    const lines: string[] = [];
    for (const order of bulkOrders(updatedSince)) {
      const { lineItems, refunds, ...fields } = answeredFields(order, query, ORDER_FIELDS_ASKED_LATE);
      lines.push(
        JSON.stringify({
          ...fields,
          refunds: refunds.map(
            ({ transactions: _transactions, refundLineItems: _lines, ...refund }) => refund,
          ),
        }),
      );
      for (const line of lineItems.nodes)
        lines.push(
          JSON.stringify({
            ...answeredFields(line, query, LINE_ITEM_FIELDS_ASKED_LATE),
            __parentId: order.id,
          }),
        );
      for (const refund of refunds) {
        for (const transaction of refund.transactions.nodes)
          lines.push(JSON.stringify({ ...transaction, __parentId: refund.id }));
        for (const line of askedRefundLines(refund, query) ?? [])
          lines.push(JSON.stringify({ ...line, __parentId: refund.id }));
      }
    }
    return lines;
  }

  /** The orders a bulk query of `updated_at:>='…'` reads, oldest update first. */
  function bulkOrders(updatedSince: string): ServedShopifyOrder[] {
    return afterLosses(data.shopifyOrders, options.losses ?? [], "shopify", (order) =>
      dayIn(order.createdAt, data.shopTimezone),
    )
      .filter((order) => Date.parse(order.updatedAt) >= Date.parse(updatedSince))
      .sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id.localeCompare(b.id));
  }

  /**
   * The orders' sales agreements (bulkTipSalesQuery): an order as a line of its id, then a line per agreement
   * carrying the order's id as `__parentId`, and a line per sale carrying its agreement's, a tip's with its line
   * where the query's `... on TipSale` asks for it. Ids are made up, stable: the order's number, the agreement's
   * and the sale's positions.
   */
  function bulkAgreementLines(updatedSince: string, query: string): string[] {
    const lines: string[] = [];
    for (const order of bulkOrders(updatedSince)) {
      lines.push(JSON.stringify({ id: order.id }));
      const number = order.id.split("/").pop();
      servedAgreements(order).forEach((agreement, position) => {
        const agreementId = `gid://shopify/SalesAgreement/${number}${String(position).padStart(3, "0")}`;
        lines.push(JSON.stringify({ id: agreementId, __parentId: order.id }));
        agreement.sales.forEach((sale, index) => {
          const id = `gid://shopify/Sale/${agreementId.split("/").pop()}${String(index).padStart(4, "0")}`;
          lines.push(JSON.stringify({ id, ...answeredSale(sale, query), __parentId: agreementId }));
        });
      });
    }
    return lines;
  }

  /**
   * Whether an operation still holds the shop's bulk slot: until a status answer has said it ended (COMPLETED,
   * FAILED or, after a cancel, CANCELED), so a client must poll a cancelled operation to its end before starting.
   */
  function isBusy(operation: BulkOperationRecord): boolean {
    if (operation.cancel) return operation.cancel.answers < 2;
    return operation.polls <= (options.shopifyBulk?.runningPolls ?? 2);
  }

  /** bulkOperationCancel: a running operation becomes CANCELING (one answer), then CANCELED. */
  function cancelBulk(
    response: ServerResponse,
    body: { query: string; variables: Record<string, unknown> },
    extensions: object,
  ) {
    const id = /\/BulkOperation\/(\d+)$/.exec(String(body.variables.id ?? ""))?.[1];
    const operation = id ? bulkOperations.get(id) : undefined;
    const answer = (bulkOperation: object | null, userErrors: object[]) =>
      json(response, 200, { data: { bulkOperationCancel: { bulkOperation, userErrors } }, extensions });
    if (!operation || !id) return answer(null, [{ field: ["id"], message: "Bulk operation does not exist" }]);
    if (operation.cancel || !isBusy(operation))
      return answer(null, [
        { field: null, message: "A bulk operation cannot be canceled when it is completed" },
      ]);
    operation.cancel = { answers: 0 };
    return answer({ id: `gid://shopify/BulkOperation/${id}`, status: "CANCELING" }, []);
  }

  /** currentBulkOperation: RUNNING for `runningPolls` polls, then COMPLETED with the file's URL (or FAILED). */
  function bulkStatus(response: ServerResponse, extensions: object) {
    const operation = currentBulk ? bulkOperations.get(currentBulk) : undefined;
    if (!currentBulk || !operation)
      return json(response, 200, { data: { currentBulkOperation: null }, extensions });
    const canceling = operation.cancel ? operation.cancel.answers++ < 1 : false;
    if (!operation.cancel) operation.polls += 1;
    const running = !operation.cancel && operation.polls <= (options.shopifyBulk?.runningPolls ?? 2);
    const failed = !running && !operation.cancel && options.shopifyBulk?.failWith;
    const ended = !running && !failed && !operation.cancel ? options.shopifyBulk?.endWith : undefined;
    const done = !running && !failed && !ended && !operation.cancel;
    const status = operation.cancel
      ? canceling
        ? "CANCELING"
        : "CANCELED"
      : running
        ? "RUNNING"
        : failed
          ? "FAILED"
          : (ended ?? "COMPLETED");
    return json(response, 200, {
      data: {
        currentBulkOperation: {
          id: `gid://shopify/BulkOperation/${currentBulk}`,
          status,
          query: operation.query,
          errorCode: failed ? options.shopifyBulk?.failWith : null,
          objectCount: String(running ? Math.floor(operation.objects / 2) : operation.objects),
          url: done && operation.objects > 0 ? `${url}/shopify-bulk/${currentBulk}.jsonl` : null,
          partialDataUrl: null,
        },
      },
      extensions,
    });
  }

  function metaRows(account: string, since: string, until: string, filtering?: string): MetaInsightRow[] {
    // Without a filter on ad.effective_status, archived and deleted ads are not among the account's ads.
    const filters = JSON.parse(filtering ?? "[]") as { field?: string; operator?: string; value?: unknown }[];
    const statusFilter = filters.find(
      (filter) => filter.field === "ad.effective_status" && filter.operator === "IN",
    );
    const statuses = Array.isArray(statusFilter?.value) ? statusFilter.value : undefined;
    const listed = (row: MetaInsightRow) => {
      const status = data.metaAdStatuses?.[row.ad_id ?? ""] ?? "ACTIVE";
      return statuses ? statuses.includes(status) : status !== "ARCHIVED" && status !== "DELETED";
    };
    const rows = data.metaInsights.filter(
      (row) =>
        row.account_id === account && row.date_start >= since && row.date_start <= until && listed(row),
    );
    return afterLosses(
      rows,
      options.losses ?? [],
      "facebook_ads",
      (row) => row.date_start,
      (row) => row.account_id,
    );
  }

  /** An ad account's time zone: as the data sets it, else the shop's. */
  function zoneOf(platform: "facebook_ads" | "tiktok_ads" | "google_ads", account: string): string {
    return data.adAccountTimeZones?.[platform]?.[account] ?? data.shopTimezone;
  }

  function metaPage(
    response: ServerResponse,
    rows: readonly object[],
    path: string,
    params: Record<string, string>,
  ) {
    const limit = Number(params.limit ?? 25);
    const offset = params.after ? Number(Buffer.from(params.after, "base64url").toString()) : 0;
    const slice = page(rows, offset, limit);
    const end = offset + slice.length;
    const after = Buffer.from(String(end)).toString("base64url");
    const next = new URL(path, url);
    for (const [name, value] of Object.entries({ ...params, after })) next.searchParams.set(name, value);
    const usage = options.metaUsagePercent ?? 10;
    return json(
      response,
      200,
      {
        data: slice,
        paging: { cursors: { before: "MA", after }, ...(end < rows.length ? { next: next.toString() } : {}) },
      },
      {
        "x-app-usage": JSON.stringify({ call_count: Math.min(usage, 10), total_cputime: 1, total_time: 1 }),
        "x-business-use-case-usage": JSON.stringify({
          local: [
            {
              type: "ads_insights",
              call_count: usage,
              total_cputime: 1,
              total_time: 1,
              estimated_time_to_regain_access: 0,
            },
          ],
        }),
      },
    );
  }

  function meta(
    request: IncomingMessage,
    response: ServerResponse,
    target: URL,
    params: Record<string, string>,
    fault?: Fault,
  ) {
    if (fault?.kind === "expired" || params.access_token !== TOKENS.meta)
      return json(response, 400, {
        error: {
          message:
            "Error validating access token: Session has expired on Tuesday, 24-Nov-26 10:00:00 PST. The current time is Monday, 30-Nov-26 04:00:00 PST.",
          type: "OAuthException",
          code: 190,
          error_subcode: 463,
          fbtrace_id: "AbCdEfGh",
        },
      });
    if (fault?.kind === "permission")
      return json(response, 400, {
        error: {
          message:
            fault.metaCode === 10
              ? "(#10) Application does not have permission for this action"
              : "(#200) Ad account owner has NOT grant ads_management or ads_read permission",
          type: "OAuthException",
          code: fault.metaCode ?? 200,
          fbtrace_id: "AbCdEfGh",
        },
      });
    if (fault?.kind === "throttled")
      return json(
        response,
        400,
        {
          error: {
            message: "(#80004) There have been too many calls to this ad-account.",
            type: "OAuthException",
            code: 80004,
            error_subcode: 2446079,
          },
        },
        {
          "x-business-use-case-usage": JSON.stringify({
            local: [
              {
                type: "ads_insights",
                call_count: 100,
                total_cputime: 40,
                total_time: 40,
                estimated_time_to_regain_access: 1,
              },
            ],
          }),
        },
      );
    const parts = target.pathname.split("/").filter(Boolean);
    const [, first, second] = parts;
    const run = first ? reportRuns.get(first) : undefined;
    if (run && second === "insights") return metaPage(response, run.rows, target.pathname, params);
    if (run) {
      run.polls += 1;
      return json(
        response,
        200,
        run.polls > (options.metaReportRunningPolls ?? 1)
          ? { id: first, async_status: "Job Completed", async_percent_completion: 100 }
          : { id: first, async_status: "Job Running", async_percent_completion: 40 },
      );
    }
    if (first?.startsWith("act_") && second === undefined && request.method === "GET") {
      // The ad account node: the fields asked for, of which this server knows the time zone's.
      const zone = zoneOf("facebook_ads", first.slice(4));
      return json(response, 200, {
        id: first,
        timezone_name: zone,
        timezone_offset_hours_utc: offsetMinutesNow(zone) / 60,
      });
    }
    if (!first?.startsWith("act_") || second !== "insights")
      return json(response, 400, { error: { message: "Unsupported get request", code: 100 } });
    const account = first.slice(4);
    const range = JSON.parse(params.time_range ?? "{}") as { since?: string; until?: string };
    if (!range.since || !range.until)
      return json(response, 400, { error: { message: "time_range required", code: 100 } });
    if (params.level === "account") {
      // The platform's own totals: every row, whatever the row endpoints lose, one per day.
      const byDay = new Map<string, { spend: number; impressions: number; clicks: number }>();
      for (const row of data.metaInsights) {
        if (
          row.account_id !== account ||
          row.date_start < (range.since ?? "") ||
          row.date_start > (range.until ?? "")
        )
          continue;
        const day = byDay.get(row.date_start) ?? { spend: 0, impressions: 0, clicks: 0 };
        day.spend += Number(row.spend ?? 0);
        day.impressions += Number(row.impressions ?? 0);
        day.clicks += Number(row.clicks ?? 0);
        byDay.set(row.date_start, day);
      }
      const totals = [...byDay.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, sums]) => ({
          account_id: account,
          spend: sums.spend.toFixed(2),
          impressions: String(sums.impressions),
          clicks: String(sums.clicks),
          date_start: day,
          date_stop: day,
        }));
      return metaPage(response, totals, target.pathname, params);
    }
    if (fault?.kind === "timeout" && request.method === "GET")
      return json(response, 400, {
        error: {
          message: "Please reduce the amount of data you're asking for, then retry your request",
          type: "OAuthException",
          code: fault.metaSubcode === 1504038 ? 2 : 100,
          error_subcode: fault.metaSubcode ?? 1504018,
          error_user_title: "Request Timed Out",
          error_user_msg:
            "Your request timed out. Try a smaller date range, fetch less data, or use async jobs.",
        },
      });
    const rows = metaRows(account, range.since, range.until, params.filtering);
    if (request.method === "POST") {
      const id = `${6_000_000 + reportRuns.size}`;
      reportRuns.set(id, { rows, polls: 0 });
      return json(response, 200, { report_run_id: id });
    }
    return metaPage(response, rows, target.pathname, params);
  }

  function tiktok(
    request: IncomingMessage,
    response: ServerResponse,
    target: URL,
    params: Record<string, string>,
    fault?: Fault,
  ) {
    const requestId = `2026${String(counts.tiktok_ads).padStart(8, "0")}`;
    if (fault?.kind === "expired" || request.headers["access-token"] !== TOKENS.tiktok)
      return json(response, 200, {
        code: 40105,
        message: "Access token is incorrect or has been revoked.",
        request_id: requestId,
        data: {},
      });
    if (fault?.kind === "permission")
      return json(response, 200, {
        code: 40001,
        message: `No permission to operate advertiser ${params.advertiser_id ?? ""}.`,
        request_id: requestId,
        data: {},
      });
    if (fault?.kind === "throttled")
      return json(response, 200, {
        code: 40100,
        message: "Requests made too frequently.",
        request_id: requestId,
        data: {},
      });
    if (target.pathname === "/open_api/v1.3/advertiser/info/") {
      // advertiser/info: display_timezone is the IANA name, timezone the fixed offset TikTok writes as Etc/GMT∓h.
      const ids = JSON.parse(params.advertiser_ids ?? "[]") as string[];
      return json(response, 200, {
        code: 0,
        message: "OK",
        request_id: requestId,
        data: {
          list: ids.map((id) => {
            const zone = zoneOf("tiktok_ads", id);
            const hours = offsetMinutesNow(zone) / 60;
            return {
              advertiser_id: id,
              display_timezone: zone,
              timezone: hours === 0 ? "Etc/GMT" : `Etc/GMT${hours > 0 ? "-" : "+"}${Math.abs(hours)}`,
            };
          }),
        },
      });
    }
    const advertiser = params.advertiser_id ?? "";
    const start = params.start_date ?? "";
    const end = params.end_date ?? "";
    // A report by day covers at most 30 days (DAILY_REPORT_MAX_DAYS); TikTok refuses a longer one as a bad parameter.
    if (String(params.dimensions ?? "").includes("stat_time_day") && daysBetween(start, end) + 1 > 30)
      return json(response, 200, {
        code: 40002,
        message: "The time range between start_date and end_date cannot exceed 30 days for stat_time_day.",
        request_id: requestId,
        data: {},
      });
    const rows = data.tiktokRows.filter((row) => {
      const day = row.dimensions.stat_time_day.slice(0, 10);
      return row.advertiserId === advertiser && day >= start && day <= end;
    });
    let list: object[] = rows.map(({ dimensions, metrics }) => ({ dimensions, metrics }));
    if (params.data_level === "AUCTION_ADVERTISER") {
      const byDay = new Map<string, { spend: number; impressions: number; clicks: number }>();
      for (const row of rows) {
        const day = byDay.get(row.dimensions.stat_time_day) ?? { spend: 0, impressions: 0, clicks: 0 };
        day.spend += Number(row.metrics.spend ?? 0);
        day.impressions += Number(row.metrics.impressions ?? 0);
        day.clicks += Number(row.metrics.clicks ?? 0);
        byDay.set(row.dimensions.stat_time_day, day);
      }
      list = [...byDay.entries()].map(([day, sums]) => ({
        dimensions: { advertiser_id: advertiser, stat_time_day: day },
        metrics: {
          spend: sums.spend.toFixed(2),
          impressions: String(sums.impressions),
          clicks: String(sums.clicks),
        },
      }));
    }
    const size = Number(params.page_size ?? 10);
    const number = Number(params.page ?? 1);
    const totalPage = Math.max(1, Math.ceil(list.length / size));
    return json(response, 200, {
      code: 0,
      message: "OK",
      request_id: requestId,
      data: {
        list: page(list, (number - 1) * size, size),
        page_info: { page: number, page_size: size, total_number: list.length, total_page: totalPage },
      },
    });
  }

  function google(
    request: IncomingMessage,
    response: ServerResponse,
    target: URL,
    body: unknown,
    fault?: Fault,
  ) {
    if (target.pathname === "/oauth/token") {
      const form = body as Record<string, string>;
      if (fault?.kind === "expired" || form.refresh_token !== TOKENS.googleOauth.refresh_token)
        return json(response, 400, {
          error: "invalid_grant",
          error_description: "Token has been expired or revoked.",
        });
      // One access token per OAuth client: the API knows the Cloud project (and its access level) from it.
      const client = form.client_id ?? "";
      const accessToken =
        client === TOKENS.googleOauth.client_id ? TOKENS.googleAccess : `${TOKENS.googleAccess}.${client}`;
      googleClients.set(accessToken, client);
      return json(response, 200, {
        access_token: accessToken,
        expires_in: 3599,
        token_type: "Bearer",
        scope: "https://www.googleapis.com/auth/adwords",
      });
    }
    // The developer-token header is not looked at: Google's API servers ignore it since the sunset.
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "")?.[1] ?? "";
    const client = bearer === TOKENS.googleAccess ? TOKENS.googleOauth.client_id : googleClients.get(bearer);
    if (client === undefined)
      return json(response, 401, [
        {
          error: {
            code: 401,
            message: "Request is missing required authentication credential.",
            status: "UNAUTHENTICATED",
          },
        },
      ]);
    const customer = /\/customers\/(\d+)\//.exec(target.pathname)?.[1] ?? "";
    if (
      (options.googleTestAccessClients ?? []).includes(client) &&
      !(options.googleTestAccounts ?? []).includes(customer)
    )
      return json(response, 403, [googleTestAccessOnly(target.pathname, counts.google_ads)]);
    const query = String((body as { query?: string }).query ?? "");
    if (/customer\.time_zone/.test(query))
      return json(response, 200, [
        {
          results: [
            {
              customer: {
                resourceName: `customers/${customer}`,
                id: customer,
                timeZone: zoneOf("google_ads", customer),
              },
            },
          ],
          fieldMask: "customer.id,customer.timeZone",
          requestId: `req-${counts.google_ads}-0`,
        },
      ]);
    const [, start = "", end = ""] = /segments\.date BETWEEN '([\d-]+)' AND '([\d-]+)'/.exec(query) ?? [];
    const rows = data.googleRows.filter(
      (row) =>
        row.customer?.id === customer &&
        (row.segments?.date ?? "") >= start &&
        (row.segments?.date ?? "") <= end,
    );
    // A Performance Max campaign has asset groups, no ad groups: FROM ad_group returns none of its rows, and
    // FROM asset_group only its rows (Google's Performance Max reporting guide). A row with neither is spend only
    // its campaign reports (a Smart campaign's day, or what a campaign counts beyond its groups): FROM campaign
    // sums every row of a campaign's day, and the customer's totals hold all.
    let results: object[] = rows;
    if (/FROM ad_group\b/.test(query)) results = rows.filter((row) => row.adGroup !== undefined);
    if (/FROM asset_group\b/.test(query)) results = rows.filter((row) => row.assetGroup !== undefined);
    if (/FROM campaign\b/.test(query)) results = campaignDays(rows);
    if (/FROM customer\b/.test(query)) {
      const byDay = new Map<string, { cost: number; impressions: number; clicks: number }>();
      for (const row of rows) {
        const date = row.segments?.date ?? "";
        const day = byDay.get(date) ?? { cost: 0, impressions: 0, clicks: 0 };
        day.cost += Number(row.metrics?.costMicros ?? 0);
        day.impressions += Number(row.metrics?.impressions ?? 0);
        day.clicks += Number(row.metrics?.clicks ?? 0);
        byDay.set(date, day);
      }
      results = [...byDay.entries()].map(([date, sums]) => ({
        customer: { resourceName: `customers/${customer}`, id: customer },
        segments: { date },
        metrics: {
          costMicros: String(sums.cost),
          impressions: String(sums.impressions),
          clicks: String(sums.clicks),
        },
      }));
    }
    const size = options.googleBatchSize ?? 10_000;
    const batches = [];
    for (let offset = 0; offset < results.length || offset === 0; offset += size)
      batches.push({
        results: page(results, offset, size),
        fieldMask: "segments.date,metrics.costMicros",
        requestId: `req-${counts.google_ads}-${offset}`,
      });
    return json(response, 200, batches);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => json(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    data,
    options,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
