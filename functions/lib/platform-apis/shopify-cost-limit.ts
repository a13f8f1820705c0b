// Shopify's single query limit: it prices a GraphQL query before running it (2 points plus the page size times a
// node's cost for each connection, nested ones multiplied) and refuses one whose requested cost is over the limit
// (1000 points) with MAX_COST_EXCEEDED, saying the cost and the limit. A page size set for the orders' sake can be
// too many customers or products, and a shop's settings may ask for up to 250: the paged queries ask again for as
// many nodes as fit.
import { PlatformApiError } from "./http.ts";

/** Shopify refused a query whose requested cost is over its single query limit (MAX_COST_EXCEEDED). */
export class QueryCostExceeded extends PlatformApiError {
  constructor(
    message: string,
    readonly cost: number | undefined,
    readonly maxCost: number | undefined,
  ) {
    super("shopify", `Shopify GraphQL query failed: ${message}`);
  }
}

/**
 * The largest page of a connection whose query Shopify refused at `first` for costing `cost` of `maxCost` points:
 * the query costs about 2 points plus `first` nodes, so a node costs (cost − 2) / first. Half the page when
 * Shopify did not say the costs.
 */
export function affordablePageSize(
  first: number,
  cost: number | undefined,
  maxCost: number | undefined,
): number {
  if (cost === undefined || maxCost === undefined || cost <= 2) return Math.floor(first / 2);
  return Math.min(first - 1, Math.floor((maxCost - 2) / ((cost - 2) / first)));
}
