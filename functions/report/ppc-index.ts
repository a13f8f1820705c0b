// The monthly PPC index: this month's paid-channel ROAS and CPA against the trailing six months. Pure; the
// definition is repeated in the deck's methodology slide (glossary.ts).
import type { ChannelMonthRow } from "../lib/reporting/report-data.ts";
import { costPer } from "./deck-model.ts";
import { hasPlatformData } from "../lib/reporting/paid-spend.ts";

export const PPC_TRAILING_MONTHS = 6;

export interface PaidMonth {
  month: string;
  spend: number;
  attributedRevenue: number;
  attributedOrders: number;
  /** attributed revenue ÷ spend over the paid channels. */
  roas: number | null;
  /** spend ÷ attributed orders over the paid channels. */
  cpa: number | null;
}

export interface PpcIndexMonth extends PaidMonth {
  /** 100 × ROAS ÷ the trailing months' ROAS (a ratio of their sums); null without six full months before. */
  roasIndex: number | null;
  /** 100 × CPA ÷ the trailing months' CPA; below 100 is cheaper than usual. */
  cpaIndex: number | null;
}

const ratio = (numerator: number, denominator: number) =>
  denominator === 0 ? null : numerator / denominator;

/**
 * The paid channels (is_paid_channel) summed per month, ascending: each month over the channels whose ad platform
 * reported for it (paid-spend.ts), so that the orders of a channel with no spend to count (not connected) do not
 * swell the revenue over the others' spend.
 */
export function paidMonths(rows: readonly ChannelMonthRow[]): PaidMonth[] {
  const byMonth = new Map<string, PaidMonth>();
  for (const row of rows) {
    if (!row.is_paid_channel || !hasPlatformData([row])) continue;
    const month = byMonth.get(row.month) ?? {
      month: row.month,
      spend: 0,
      attributedRevenue: 0,
      attributedOrders: 0,
      roas: null,
      cpa: null,
    };
    month.spend += row.spend;
    month.attributedRevenue += row.attributed_revenue;
    month.attributedOrders += row.attributed_orders;
    byMonth.set(row.month, month);
  }
  return [...byMonth.values()]
    .sort((a, b) => a.month.localeCompare(b.month))
    .map((month) => ({
      ...month,
      roas: ratio(month.attributedRevenue, month.spend),
      cpa: costPer(month.spend, month.attributedOrders),
    }));
}

function previousMonth(month: string): string {
  const [year, value] = month.split("-").map(Number) as [number, number];
  const date = new Date(Date.UTC(year, value - 2, 1));
  return date.toISOString().slice(0, 10);
}

/**
 * Each month's index against the six calendar months before it. The base is a ratio of the six months' sums
 * (never an average of monthly ratios), and a month without all six before it gets no index rather than one
 * built on less history.
 */
export function ppcIndex(rows: readonly ChannelMonthRow[]): PpcIndexMonth[] {
  const months = paidMonths(rows);
  const byMonth = new Map(months.map((month) => [month.month, month] as const));
  return months.map((month) => {
    const trailing: PaidMonth[] = [];
    let cursor = month.month;
    for (let index = 0; index < PPC_TRAILING_MONTHS; index += 1) {
      cursor = previousMonth(cursor);
      const found = byMonth.get(cursor);
      if (found) trailing.push(found);
    }
    if (trailing.length < PPC_TRAILING_MONTHS) return { ...month, roasIndex: null, cpaIndex: null };
    const spend = trailing.reduce((sum, m) => sum + m.spend, 0);
    const revenue = trailing.reduce((sum, m) => sum + m.attributedRevenue, 0);
    const orders = trailing.reduce((sum, m) => sum + m.attributedOrders, 0);
    const baseRoas = ratio(revenue, spend);
    const baseCpa = ratio(spend, orders);
    return {
      ...month,
      roasIndex: month.roas === null || !baseRoas ? null : (100 * month.roas) / baseRoas,
      cpaIndex: month.cpa === null || !baseCpa ? null : (100 * month.cpa) / baseCpa,
    };
  });
}
