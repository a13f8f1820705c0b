// Ratios, shares and changes over several extract rows, computed the one right way from the columns that
// extract-schemas.json declares for them: SUM(numerator) / SUM(denominator), never a sum or an average of the
// rows' own ratios, and blank (null) where undefined. The Looker Studio calculated fields use the same
// declarations (docs/dashboard.md), so the page and Looker agree on every ratio.
import { type ExtractColumn, extractSchema, resolvedPlaces } from "../shared/extract-schemas.ts";
import { type ExtractRow, groupRows, num } from "./dashboard-rows.ts";

function declared<A extends ExtractColumn["aggregation"]>(
  extract: string,
  column: string,
  aggregation: A,
): Extract<ExtractColumn, { aggregation: A }> {
  const found = extractSchema(extract).columns.find((item) => item.name === column);
  if (!found || found.aggregation !== aggregation)
    throw new Error(`${extract}.${column} is not declared as a ${aggregation} in extract-schemas.json`);
  return found as Extract<ExtractColumn, { aggregation: A }>;
}

function total(rows: readonly ExtractRow[], column: string): number {
  let value = 0;
  for (const row of rows) value += num(row, column) ?? 0;
  return value;
}

function rounded(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/**
 * A declared ratio column over rows: SUM(numerator) / SUM(denominator) at the column's declared decimals, where
 * "currency" (an amount of money per order or customer: AOV, CAC) takes `moneyPlaces`, the shop currency's, as
 * the marts round it; null where the denominator sums to 0 or where the declared `requires_positive` column does
 * not sum above 0 (a CAC without spend is not $0).
 */
export function declaredRatio(
  extract: string,
  column: string,
  rows: readonly ExtractRow[],
  moneyPlaces?: number,
): number | null {
  const spec = declared(extract, column, "ratio");
  if (spec.decimals === "currency" && moneyPlaces === undefined)
    throw new Error(`${extract}.${column} is rounded to the shop currency's decimals: pass them`);
  const denominator = total(rows, spec.denominator);
  if (!rows.length || denominator === 0) return null;
  if (spec.requires_positive && !(total(rows, spec.requires_positive) > 0)) return null;
  return rounded(total(rows, spec.numerator) / denominator, resolvedPlaces(spec.decimals, moneyPlaces ?? 0));
}

/**
 * A declared change column over rows: (SUM(current) − SUM(previous)) / SUM(previous); null where any row has no
 * previous value (a year-earlier period not in the data: a partial base would be a false change) or it sums to 0.
 */
export function declaredChange(extract: string, column: string, rows: readonly ExtractRow[]): number | null {
  const spec = declared(extract, column, "change");
  if (!rows.length || rows.some((row) => num(row, spec.previous) === null)) return null;
  const previous = total(rows, spec.previous);
  if (previous === 0) return null;
  return rounded((total(rows, spec.current) - previous) / previous, spec.decimals);
}

/**
 * A declared share column: each group's SUM(numerator) over the SUM(numerator) of all the rows given (the caller
 * passes the rows of one `within` partition, e.g. one month); null for every group when the total is 0.
 */
export function declaredShares(
  extract: string,
  column: string,
  rows: readonly ExtractRow[],
  groupOf: (row: ExtractRow) => string,
): Map<string, number | null> {
  const spec = declared(extract, column, "share");
  const all = total(rows, spec.numerator);
  const groups = groupRows(rows, groupOf);
  const shares = new Map<string, number | null>();
  for (const [group, own] of groups)
    shares.set(group, all === 0 ? null : rounded(total(own, spec.numerator) / all, spec.decimals));
  return shares;
}
