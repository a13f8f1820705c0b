// The reconciliation scoreboard in the data-quality section: each platform API's own totals against the
// warehouse's, per source, account and metric (ops.reconciliation, written by check-sources), MATCH or
// MISMATCH with both numbers and the difference. No slide when reconciliation did not run.
import { sourceDisplayName } from "../lib/reporting/completeness.ts";
import {
  formatDateRange,
  formatMoney,
  formatNumber,
  formatPercent,
  NOT_AVAILABLE,
} from "../lib/reporting/display-format.ts";
import type { ReconciliationRow } from "../lib/reporting/report-data.ts";
import { cell, type ContentSlide, type Context, full, left, right, type TableSpec } from "./deck-model.ts";

export const MAX_RECONCILIATION_ROWS = 14;

const MONEY_METRICS = new Set(["spend", "revenue"]);

const METRIC_NAMES: Record<string, string> = {
  orders: "Orders",
  revenue: "Revenue",
  spend: "Spend",
  impressions: "Impressions",
  clicks: "Clicks",
};

/** Mismatches first, then by source, account and metric. */
export function scoreboardOrder(rows: readonly ReconciliationRow[]): ReconciliationRow[] {
  return [...rows].sort(
    (a, b) =>
      Number(b.status === "MISMATCH") - Number(a.status === "MISMATCH") ||
      a.source.localeCompare(b.source) ||
      a.account_id.localeCompare(b.account_id) ||
      a.metric.localeCompare(b.metric),
  );
}

export function reconciliationSlide(ctx: Context): ContentSlide | null {
  const rows = ctx.data.marts.reconciliation;
  if (!rows?.length) return null;
  const { fmt, locale } = ctx;
  // An ad account bills in its own currency, which may not be the shop's (a USD Meta account of a EUR shop): its
  // totals are written in it, as the platform reports them.
  const value = (row: ReconciliationRow, amount: number) =>
    MONEY_METRICS.has(row.metric)
      ? formatMoney(amount, { ...fmt, currency: row.currency ?? fmt.currency }, true)
      : formatNumber(amount, locale);
  const signed = (row: ReconciliationRow, amount: number) =>
    `${amount > 0 ? "+" : amount < 0 ? "-" : ""}${value(row, Math.abs(amount))}`;
  const ordered = scoreboardOrder(rows);
  const shown = ordered.slice(0, MAX_RECONCILIATION_ROWS);
  const mismatches = rows.filter((row) => row.status === "MISMATCH").length;
  const first = rows[0] as ReconciliationRow;
  const table: TableSpec = {
    id: "reconciliation",
    columns: [
      left("Source", 1.2),
      left("Account", 1.3),
      left("Metric", 1),
      right("API", 1.3),
      right("Warehouse", 1.3),
      right("Difference", 1.3),
      right("%", 0.7),
      left("Status", 1),
    ],
    rows: shown.map((row) => [
      cell(sourceDisplayName(row.source), undefined, true),
      cell(row.account_id || "—"),
      cell(METRIC_NAMES[row.metric] ?? row.metric),
      cell(value(row, row.api_value)),
      cell(value(row, row.warehouse_value)),
      cell(signed(row, row.difference), row.status === "MISMATCH" ? "bad" : undefined),
      cell(
        row.relative_difference === null ? NOT_AVAILABLE : formatPercent(row.relative_difference, locale, 1),
      ),
      cell(row.status, row.status === "MISMATCH" ? "bad" : "good", true),
    ]),
    note: [
      `Each platform's own API total against the warehouse's raw rows over ${formatDateRange(first.window_start, first.window_end, locale)}; difference = warehouse − API.`,
      rows.length > shown.length ? `${rows.length - shown.length} more matching rows not shown.` : "",
    ]
      .filter(Boolean)
      .join(" "),
  };
  return {
    kind: "reconciliation",
    section: "Data quality",
    title: "Reconciliation — platform APIs vs warehouse",
    subtitle: mismatches
      ? `${mismatches} of ${rows.length} totals differ beyond the tolerance: those figures may be off until re-pulled.`
      : `All ${rows.length} totals match the platforms' own numbers.`,
    blocks: [full({ type: "table", table })],
    notes: mismatches
      ? `Reconciliation found ${mismatches} mismatch${mismatches === 1 ? "" : "es"}: ${scoreboardOrder(rows)
          .filter((row) => row.status === "MISMATCH")
          .map(
            (row) =>
              `${sourceDisplayName(row.source)} ${row.metric} ${value(row, row.warehouse_value)} in the warehouse against ${value(row, row.api_value)} from the API`,
          )
          .join("; ")}.`
      : "Every reconciled total matches the platforms' APIs: the numbers in this deck are what the platforms report.",
  };
}
