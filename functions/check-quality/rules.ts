// Business rules over aggregated mart rows: pure functions from rows to findings.
import type { Finding } from "../shared/findings.ts";
import { channelLabel } from "../shared/sources.ts";

type RuleFinding = Omit<Finding, "step">;

export const PAID_CHANNELS = ["meta", "tiktok", "google_ads"] as const;

export interface ChannelWindowRow {
  channel: string;
  days_with_spend: number;
  days_spend_without_revenue: number;
  spend_without_revenue: number;
  first_day: string | null;
  last_day: string | null;
}

/** Spend > 0 with attributed revenue = 0: the tracking is broken, not the channel. */
export function attributionFindings(
  rows: readonly ChannelWindowRow[],
  windowDays: number,
  formatMoney: (value: number) => string,
): RuleFinding[] {
  return rows
    .filter((row) => row.days_spend_without_revenue > 0)
    .map((row) => ({
      check: "attribution_broken",
      severity: row.days_spend_without_revenue >= 2 ? "critical" : "warning",
      blocking: false,
      subject: row.channel,
      metric: "attributed_revenue",
      observed: 0,
      expected: "> 0 when spend > 0",
      message: `${channelLabel(row.channel)} spent ${formatMoney(row.spend_without_revenue)} with $0 attributed revenue on ${row.days_spend_without_revenue} of the last ${windowDays} days (${row.first_day} to ${row.last_day}): UTM attribution looks broken.`,
    }));
}

export interface DayLevel {
  metric: "orders" | "gross_revenue";
  observed: number;
  /** Same weekday over the previous weeks (oldest first). */
  history: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** A day far under the usual level of the same weekday (median of at least 4 earlier weeks). */
export function dropFinding(level: DayLevel, runDate: string, minShare = 0.6): RuleFinding | undefined {
  if (level.history.length < 4) return undefined;
  const usual = median(level.history);
  if (usual <= 0 || level.observed >= usual * minShare) return undefined;
  const label = level.metric === "orders" ? "Orders" : "Revenue";
  const share = Math.round((1 - level.observed / usual) * 100);
  return {
    check: "metric_drop",
    severity: "warning",
    blocking: false,
    subject: level.metric,
    metric: level.metric,
    observed: level.observed,
    expected: `≥ ${Math.round(usual * minShare)} (usual ${Math.round(usual)})`,
    message: `${label} on ${runDate} are ${share}% under the usual level for that weekday (${Math.round(level.observed)} vs ${Math.round(usual)}).`,
  };
}
