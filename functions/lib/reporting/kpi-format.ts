// How a KPI and its change read on every surface (the deck and the email), so both show the same figure.
import { formatMoney, formatNumber, formatRatio, type NumberLocale } from "./display-format.ts";
import type { ChangeDirection, KpiMetric } from "./kpi-comparisons.ts";

// ▲ and ▼ (U+25B2, U+25BC) are in Arial and in every mail client's fallback fonts; fancier arrows render as boxes.
export function arrowFor(direction: ChangeDirection | null): string {
  if (direction === "up") return "▲";
  if (direction === "down") return "▼";
  return "";
}

/** Formats a KPI value the way every surface shows it. */
export function formatKpi(metric: KpiMetric, value: number | null, fmt: NumberLocale): string {
  switch (metric) {
    case "gross_revenue":
    case "net_revenue":
    case "ad_spend":
      return formatMoney(value, fmt);
    case "aov":
    case "cac":
      return formatMoney(value, fmt, true);
    case "blended_roas":
    case "mer":
      return formatRatio(value, fmt.locale, 2, "×");
    case "orders":
    case "new_customers":
      return formatNumber(value, fmt.locale);
  }
}
