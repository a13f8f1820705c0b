// Shopify's bulk operations (https://shopify.dev/docs/api/usage/bulk-operations/queries), for a backfill too large
// for pages: a query run by Shopify in the background (bulkOperationRunQuery), polled (currentBulkOperation) until
// COMPLETED, its result a JSONL file in which every node of a nested connection is a line of its own carrying
// `__parentId` (anywhere in the file since API version 2026-01, not just below its parent). The regroupers turn
// those lines back into the nodes the paged queries answer (orders with their line items, refund transactions and
// refund lines, products with their variants, customers as they are), so the connector lands the same raw rows
// either way. Shopify runs one bulk query per app and shop at a time: an operation an earlier run left running is
// resumed when it is the same query, else cancelled before a fresh one starts. Polling stops at the run's
// bulkMaxPolls or at the retry policy's deadline, whichever comes first: the operation runs on at Shopify, and the
// next run polls it again.
import {
  type ApiIo,
  PlatformApiError,
  type RetryPolicy,
  sendWithRetry,
  sleepBeforeDeadline,
} from "./http.ts";
import {
  CUSTOMER_FIELDS,
  LINE_ITEM_FIELDS,
  ORDER_FIELDS,
  PRODUCT_FIELDS,
  REFUND_LINE_ITEM_FIELDS,
  TRANSACTION_FIELDS,
  VARIANT_FIELDS,
} from "./shopify-queries.ts";
import type { ShopifyCustomerNode, ShopifyOrderNode, ShopifyProductNode } from "./shopify-nodes.ts";

/**
 * The orders query of a bulk operation: the same fields as ORDERS_QUERY, connections as edges (bulk queries
 * take no `first`), the search inline. Shopify writes every order as one JSONL line and every line item, refund
 * transaction and refund line as a line of its own carrying `__parentId` (the order's or the refund's id). Four
 * connections, two levels deep: within a bulk query's limits (five connections, two levels).
 */
export function bulkOrdersQuery(search: string): string {
  return `{
  orders(query: ${JSON.stringify(search)}, sortKey: UPDATED_AT) {
    edges { node {
      ${ORDER_FIELDS}
      lineItems { edges { node {
        ${LINE_ITEM_FIELDS}
      } } }
      refunds {
        id createdAt
        transactions { edges { node { ${TRANSACTION_FIELDS} } } }
        refundLineItems { edges { node { ${REFUND_LINE_ITEM_FIELDS} } } }
      }
      shippingAddress { countryCodeV2 provinceCode city zip }
      discountCodes
      customAttributes { key value }
    } }
  }
}`;
}

/**
 * The tip sales of the same orders, a bulk operation of its own after the orders' (ORDER_TIP_SALES_QUERY's fields):
 * every order a line, each of its sales agreements a line under it, each agreement's sales a line under that. Two
 * connections more than the orders query's four would pass the five a bulk query allows; two levels deep, as there.
 */
export function bulkTipSalesQuery(search: string): string {
  return `{
  orders(query: ${JSON.stringify(search)}, sortKey: UPDATED_AT) {
    edges { node {
      id
      agreements { edges { node {
        id
        sales { edges { node { id lineType ... on TipSale { lineItem { id } } } } }
      } } }
    } }
  }
}`;
}

/** The customers query of a bulk operation: CUSTOMERS_QUERY's fields, one line per customer (no child lines). */
export function bulkCustomersQuery(search: string): string {
  return `{
  customers(query: ${JSON.stringify(search)}, sortKey: UPDATED_AT) {
    edges { node {
      ${CUSTOMER_FIELDS}
    } }
  }
}`;
}

/** The products query of a bulk operation: PRODUCTS_QUERY's fields, every variant a line under its product. */
export function bulkProductsQuery(search: string): string {
  return `{
  products(query: ${JSON.stringify(search)}, sortKey: UPDATED_AT) {
    edges { node {
      ${PRODUCT_FIELDS}
      variants { edges { node { ${VARIANT_FIELDS} } } }
    } }
  }
}`;
}

export const BULK_RUN_MUTATION = `mutation BulkRun($query: String!) {
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

/** " after 3 polls", " after 1 poll", nothing before the first, for messages. */
const afterPolls = (polls: number) => (polls === 0 ? "" : ` after ${polls} poll${polls === 1 ? "" : "s"}`);

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

/** The file's lines as objects with their 1-based line numbers, blank lines skipped. */
async function* parsedLines(lines: AsyncIterable<string>): AsyncGenerator<[BulkLine, number]> {
  let lineNumber = 0;
  for await (const text of lines) {
    lineNumber += 1;
    if (!text.trim()) continue;
    try {
      yield [JSON.parse(text) as BulkLine, lineNumber];
    } catch {
      throw new PlatformApiError(
        "shopify",
        `Shopify bulk file line ${lineNumber} is not JSON: ${text.slice(0, 80)}`,
      );
    }
  }
}

const orphan = (lineNumber: number, parent: string) =>
  new PlatformApiError(
    "shopify",
    `Shopify bulk file line ${lineNumber}: parent ${parent} is not in the file`,
  );

/**
 * The lines of a bulk file split into parents (no `__parentId`) and children by parent id. Since API version
 * 2026-01 Shopify no longer writes a child just below its parent unless asked to (groupObjects defaults to false,
 * which Shopify recommends: grouping slows operations and makes them time out more), so a child may come before
 * its parent: children wait here until the whole file is read. The result is held in memory either way.
 */
async function splitBulkLines(
  lines: AsyncIterable<string>,
): Promise<{ parents: BulkLine[]; children: Map<string, { fields: BulkLine; lineNumber: number }[]> }> {
  const parents: BulkLine[] = [];
  const children = new Map<string, { fields: BulkLine; lineNumber: number }[]>();
  for await (const [line, lineNumber] of parsedLines(lines)) {
    const { __parentId: parent, ...fields } = line;
    if (parent === undefined) {
      parents.push(line);
      continue;
    }
    const siblings = children.get(parent);
    if (siblings) siblings.push({ fields, lineNumber });
    else children.set(parent, [{ fields, lineNumber }]);
  }
  return { parents, children };
}

/** Throws for the first child whose parent the file did not have. */
function checkNoOrphans(
  children: Map<string, { lineNumber: number }[]>,
  parentIds: ReadonlySet<string>,
): void {
  const orphans = [...children.entries()].filter(([parent]) => !parentIds.has(parent));
  const first = orphans
    .map(([parent, lines]) => ({ parent, lineNumber: Math.min(...lines.map((line) => line.lineNumber)) }))
    .sort((a, b) => a.lineNumber - b.lineNumber)[0];
  if (first) throw orphan(first.lineNumber, first.parent);
}

/**
 * Regroups a bulk operation's JSONL lines into the order nodes the paged query answers: an order line starts
 * an order, a line whose parent is an order is one of its line items, a line whose parent is a refund is one of
 * that refund's transactions (it has a kind) or lines (it has none), whatever order the lines come in.
 */
export async function regroupBulkOrders(lines: AsyncIterable<string>): Promise<ShopifyOrderNode[]> {
  const { parents, children } = await splitBulkLines(lines);
  const ids = new Set<string>();
  const orders = parents.map((fields) => {
    const order = {
      ...fields,
      lineItems: {
        nodes: (children.get(String(fields.id)) ?? []).map((child) => child.fields),
      },
      refunds: ((fields.refunds as ShopifyOrderNode["refunds"] | undefined) ?? []).map((refund) => {
        ids.add(refund.id);
        const refundChildren = (children.get(refund.id) ?? []).map((child) => child.fields);
        return {
          ...refund,
          transactions: { nodes: refundChildren.filter((child) => "kind" in child) },
          refundLineItems: { nodes: refundChildren.filter((child) => !("kind" in child)) },
        };
      }),
    } as unknown as ShopifyOrderNode;
    ids.add(order.id);
    return order;
  });
  checkNoOrphans(children, ids);
  return orders;
}

/**
 * The tip lines of each order of a bulkTipSalesQuery file, by order id: an order line starts an order, a line whose
 * parent is an order is one of its agreements, a line whose parent is an agreement one of its sales, whatever order
 * the lines come in; a TipSale names its line.
 */
export async function readBulkTipLines(lines: AsyncIterable<string>): Promise<Map<string, string[]>> {
  const { parents, children } = await splitBulkLines(lines);
  const ids = new Set<string>();
  const tipLines = new Map<string, string[]>();
  for (const order of parents) {
    const orderId = String(order.id);
    ids.add(orderId);
    const found: string[] = [];
    for (const agreement of children.get(orderId) ?? []) {
      const agreementId = String(agreement.fields.id);
      ids.add(agreementId);
      for (const { fields: sale } of children.get(agreementId) ?? []) {
        const lineItem = sale.lineItem as { id?: string } | undefined;
        if (sale.lineType === "TIP" && lineItem?.id) found.push(lineItem.id);
      }
    }
    tipLines.set(orderId, found);
  }
  checkNoOrphans(children, ids);
  return tipLines;
}

/** Products with their variants: a product line starts a product, a line whose parent is a product is a variant. */
export async function regroupBulkProducts(lines: AsyncIterable<string>): Promise<ShopifyProductNode[]> {
  const { parents, children } = await splitBulkLines(lines);
  checkNoOrphans(children, new Set(parents.map((fields) => String(fields.id))));
  return parents.map(
    (fields) =>
      ({
        ...fields,
        variants: { nodes: (children.get(String(fields.id)) ?? []).map((child) => child.fields) },
      }) as unknown as ShopifyProductNode,
  );
}

/** Customers have no nested connection: every line is a customer. */
export async function readBulkCustomers(lines: AsyncIterable<string>): Promise<ShopifyCustomerNode[]> {
  const customers: ShopifyCustomerNode[] = [];
  for await (const [line, lineNumber] of parsedLines(lines)) {
    if (line.__parentId !== undefined) throw orphan(lineNumber, line.__parentId);
    customers.push(line as unknown as ShopifyCustomerNode);
  }
  return customers;
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

/** A GraphQL request of the Admin API client (its throttling, retries and errors). */
export type GraphQlRequest = <Data>(query: string, variables: Record<string, unknown>) => Promise<Data>;

type UserErrors = { field: string[] | null; message: string }[];

export class ShopifyBulkOperations {
  /** What happened to bulk operations left by an earlier run ("resumed …", "cancelled …"), for the logs and tests. */
  readonly events: string[] = [];
  /**
   * Polls left to the run: `maxPolls` is shared by its operations (orders, customers, products), and the retry
   * policy's deadline stops them sooner; an operation given up on is resumed by the next run.
   */
  private pollsLeft: number | undefined;

  constructor(
    private readonly request: GraphQlRequest,
    private readonly io: ApiIo,
    private readonly retry: RetryPolicy,
  ) {}

  /**
   * The result file's lines of `query` run as a bulk operation: started (or, when an earlier run left the same
   * query running, resumed; any other running operation is cancelled first), polled every `pollMs` (the injected
   * sleep) until COMPLETED, then streamed. A FAILED (or canceled, expired) operation, or one still running after
   * `maxPolls`, or when the next poll's wait would end after the retry policy's deadline, is an error naming the
   * operation and Shopify's errorCode. No lines when it matched nothing.
   */
  async *lines(query: string, pollMs: number, maxPolls: number): AsyncGenerator<string> {
    this.pollsLeft ??= maxPolls;
    const current = await this.current(BULK_CURRENT_QUERY);
    let operationId: string;
    /** The operation's status as last answered, for the message of a poll not waited for. */
    let lastStatus: string;
    if (
      current &&
      (current.status === "CREATED" || current.status === "RUNNING") &&
      current.query === query
    ) {
      operationId = current.id;
      lastStatus = current.status;
      this.events.push(`resumed ${current.id}`);
    } else {
      if (current && BULK_BUSY.has(current.status)) await this.cancel(current, pollMs, maxPolls);
      ({ id: operationId, status: lastStatus } = await this.start(query));
    }
    let status: BulkOperationStatus | null;
    for (let poll = 1; ; poll += 1) {
      await sleepBeforeDeadline(
        "shopify",
        this.io,
        this.retry,
        pollMs,
        (wait) =>
          `Shopify bulk operation ${operationId} was still ${lastStatus}${afterPolls(poll - 1)}; before the next poll, ${wait}: nothing was landed, the next run polls it again`,
      );
      this.pollsLeft -= 1;
      status = await this.current(BULK_STATUS_QUERY);
      if (!status || status.id !== operationId)
        throw new PlatformApiError(
          "shopify",
          `Shopify bulk operation ${operationId} is no longer the shop's current one (another app started one?)`,
        );
      if (status.status === "COMPLETED") break;
      lastStatus = status.status;
      if (status.status !== "CREATED" && status.status !== "RUNNING")
        throw new PlatformApiError(
          "shopify",
          `Shopify bulk operation ${status.id} ended ${status.status}${status.errorCode ? ` (errorCode ${status.errorCode})` : ""} after ${status.objectCount ?? 0} objects: nothing was landed, the next run asks again`,
        );
      if (this.pollsLeft <= 0)
        throw new PlatformApiError(
          "shopify",
          `Shopify bulk operation ${status.id} was still ${status.status} after ${poll} polls (the run's bulkMaxPolls, ${maxPolls}, are spent): nothing was landed, the next run polls it again`,
        );
    }
    // An operation that matched nothing completes without a file.
    if (!status.url) return;
    // The file of a big shop's history can take longer to read than a request may: only its answer is timed.
    const sent = await sendWithRetry(
      "shopify",
      this.io,
      this.retry,
      status.url,
      {},
      "Shopify bulk file",
      undefined,
      { streamedBody: true },
    );
    if (!sent.response.ok) {
      await sent.response.body?.cancel();
      throw new PlatformApiError(
        "shopify",
        `Shopify bulk operation ${status.id}'s file could not be downloaded (HTTP ${sent.response.status}): nothing was landed, the next run asks again`,
        sent.response.status,
      );
    }
    if (sent.response.body) yield* bodyLines(sent.response.body);
  }

  private async current(query: string): Promise<BulkOperationStatus | null> {
    return (await this.request<{ currentBulkOperation: BulkOperationStatus | null }>(query, {}))
      .currentBulkOperation;
  }

  private async start(query: string): Promise<{ id: string; status: string }> {
    const started = await this.request<{
      bulkOperationRunQuery: { bulkOperation: { id: string; status: string } | null; userErrors: UserErrors };
    }>(BULK_RUN_MUTATION, { query });
    const { bulkOperation, userErrors } = started.bulkOperationRunQuery;
    if (!bulkOperation || userErrors.length > 0)
      throw new PlatformApiError(
        "shopify",
        `Shopify refused the bulk operation: ${userErrors.map((error) => error.message).join("; ") || "no operation returned"}`,
      );
    return bulkOperation;
  }

  /** Cancels another run's operation and waits until it has let go of the shop's bulk slot. */
  private async cancel(operation: BulkOperationStatus, pollMs: number, maxPolls: number): Promise<void> {
    if (operation.status !== "CANCELING") {
      const answer = await this.request<{
        bulkOperationCancel: { bulkOperation: { id: string; status: string } | null; userErrors: UserErrors };
      }>(BULK_CANCEL_MUTATION, { id: operation.id });
      const { userErrors } = answer.bulkOperationCancel;
      if (userErrors.length > 0)
        throw new PlatformApiError(
          "shopify",
          `Shopify refused to cancel the bulk operation ${operation.id} an earlier run left ${operation.status}: ${userErrors.map((error) => error.message).join("; ")}`,
        );
    }
    this.events.push(`cancelled ${operation.id}`);
    for (let poll = 1; (this.pollsLeft ?? 0) > 0; poll += 1) {
      await sleepBeforeDeadline(
        "shopify",
        this.io,
        this.retry,
        pollMs,
        (wait) =>
          `Shopify bulk operation ${operation.id}, left running by an earlier run, was cancelled but had not let go of the shop's bulk query${afterPolls(poll - 1)}; before the next poll, ${wait}: nothing was landed, the next run tries again`,
      );
      this.pollsLeft = (this.pollsLeft ?? 0) - 1;
      const status = await this.current(BULK_STATUS_QUERY);
      if (!status || status.id !== operation.id || !BULK_BUSY.has(status.status)) return;
    }
    throw new PlatformApiError(
      "shopify",
      `Shopify bulk operation ${operation.id}, left running by an earlier run, was still not cancelled when the run's bulkMaxPolls (${maxPolls}) were spent: nothing was landed, the next run tries again`,
    );
  }
}
