// New customers by paid channel for the report month (the seed deck's PPC table): what each channel spent, how
// many first orders its UTMs brought, what one cost (new-customer CPA) and what they returned (new-customer ROAS),
// against last month and the same month last year. Pure; the deck's table is drawn from it (deck-campaigns.ts).

import { addMonths, monthStart } from "../lib/calendar.ts";
import type { ChannelMonthRow } from "../lib/reporting/report-data.ts";
import { hasPlatformData } from "../lib/reporting/paid-spend.ts";

/** One channel's new-customer figures for one month; ratios are null where undefined, never 0. */
export interface NewCustomerMonth {
  spend: number;
  newCustomers: number;
  /** Revenue of the attributed first orders; null for rows from before the marts carried it. */
  newCustomerRevenue: number | null;
  /** spend ÷ new customers; null without spend or without a new customer. */
  cpa: number | null;
  /** new customers' revenue ÷ spend; null without spend. */
  roas: number | null;
  /** Days of the month whose inputs had not all landed: its spend, CPA and ROAS count only what landed. */
  incompleteDays: number;
}

export interface NewCustomerChannel {
  /** The channel key (meta, google_ads …), or null for the all-paid-channels total. */
  channel: string | null;
  /**
   * The total's: the run month's paid channels it leaves out, having no spend to count (their ad platform reported
   * nothing: not connected, or no ads bought). Empty on a channel's line.
   */
  leftOut: string[];
  current: NewCustomerMonth;
  previousMonth: NewCustomerMonth | null;
  lastYear: NewCustomerMonth | null;
}

/** A month's figures from summed spend, customers and revenue: ratios of sums, never averages of ratios. */
function figures(
  spend: number,
  newCustomers: number,
  revenue: number | null,
  incompleteDays: number,
): NewCustomerMonth {
  return {
    spend,
    newCustomers,
    newCustomerRevenue: revenue,
    cpa: spend > 0 && newCustomers > 0 ? spend / newCustomers : null,
    roas: spend > 0 && revenue !== null ? revenue / spend : null,
    incompleteDays,
  };
}

function sumMonth(rows: readonly ChannelMonthRow[]): NewCustomerMonth | null {
  if (rows.length === 0) return null;
  const sum = (pick: (row: ChannelMonthRow) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const revenueKnown = rows.every((row) => row.attributed_new_customer_revenue != null);
  return figures(
    sum((row) => Number(row.spend ?? 0)),
    sum((row) => Number(row.attributed_new_customers)),
    revenueKnown ? sum((row) => Number(row.attributed_new_customer_revenue)) : null,
    Math.max(0, ...rows.map((row) => Number(row.incomplete_days ?? 0))),
  );
}

/**
 * The run month's paid channels (marts.marketing_monthly_performance rows with is_paid_channel), by spend,
 * each with the same channel's last month and same month last year; then, with more than one channel, the
 * total over the paid channels with spend to count (each month's own). The run month is month to date; the
 * others are whole months: CPA and ROAS are ratios, fair across months of different lengths.
 */
export function newCustomerChannels(rows: readonly ChannelMonthRow[], runDate: string): NewCustomerChannel[] {
  const months = {
    current: monthStart(runDate),
    previousMonth: addMonths(runDate, -1),
    lastYear: addMonths(runDate, -12),
  };
  const paid = rows.filter((row) => row.is_paid_channel);
  // The total of a month is over the channels whose platform reported for it: a channel's orders without spend (a
  // source the shop has not connected) over the others' spend would flatter its new-customer ROAS and CPA.
  const of = (month: string, channel: string | null) =>
    paid.filter(
      (row) => row.month === month && (channel === null ? hasPlatformData([row]) : row.channel === channel),
    );
  const line = (channel: string | null): NewCustomerChannel | null => {
    const current = sumMonth(of(months.current, channel));
    if (!current) return null;
    return {
      channel,
      leftOut:
        channel === null
          ? paid
              .filter((row) => row.month === months.current && !hasPlatformData([row]))
              .map((row) => row.channel)
          : [],
      current,
      previousMonth: sumMonth(of(months.previousMonth, channel)),
      lastYear: sumMonth(of(months.lastYear, channel)),
    };
  };
  const channels = [...new Set(paid.filter((row) => row.month === months.current).map((row) => row.channel))];
  const lines = channels
    .map(line)
    .filter((one) => one !== null)
    .sort((a, b) => b.current.spend - a.current.spend || String(a.channel).localeCompare(String(b.channel)));
  const total = channels.length > 1 ? line(null) : null;
  return total ? [...lines, total] : lines;
}
