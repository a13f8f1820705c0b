// The KPI definitions the deck's methodology slides print: the models' glossary (sql/README.md) and what only
// the deck computes.
import { readFileSync } from "node:fs";
import { sqlPath } from "../lib/sql/sql-files.ts";

export interface GlossaryEntry {
  metric: string;
  definition: string;
}

/**
 * The "Metrics glossary" table of sql/README.md (metric | formula | where), read once: the deck prints the very
 * definitions the models are documented with, so the two cannot drift apart.
 */
export function parseMetricsGlossary(markdown: string): GlossaryEntry[] {
  const section = markdown.split("## Metrics glossary")[1]?.split("\n## ")[0] ?? "";
  return [...section.matchAll(/^\|\s*(.+?)\s*\|\s*(.+?)\s*\|.*\|$/gm)]
    .map((match) => ({ metric: match[1] ?? "", definition: (match[2] ?? "").replace(/`/g, "") }))
    .filter((row) => row.metric !== "metric" && !row.metric.startsWith("---"));
}

export const METRICS_GLOSSARY: readonly GlossaryEntry[] = parseMetricsGlossary(
  readFileSync(sqlPath("README.md"), "utf8"),
);

/** What the deck adds on top of the marts' metrics. */
export const DECK_GLOSSARY: readonly GlossaryEntry[] = [
  {
    metric: "period ratios",
    definition: "ratios over several days are ratios of the period's sums, never averages of daily ratios",
  },
  {
    metric: "month to date",
    definition:
      "day 1 of the month to the run date, against the same days of the previous month (cut at its last day) and the same calendar days a year earlier",
  },
  {
    metric: "week to date",
    definition:
      "Monday to the run date, against the same days a week earlier and 52 weeks (364 days) earlier, so weekdays line up",
  },
  {
    metric: "contribution after ad spend",
    definition:
      "net revenue − ad spend (before product, fulfilment and payment costs, which the marts do not hold)",
  },
  {
    metric: "platform ROAS",
    definition: "conversion value the ad platform reports ÷ spend (platforms credit themselves generously)",
  },
  {
    metric: "PPC index",
    definition:
      "100 × the month's paid-channel ROAS (or CPA) ÷ the same ratio over the sums of the 6 months before; n/a without 6 months of history",
  },
  {
    metric: "cumulative revenue per customer",
    definition: "a cohort's gross revenue from its first month up to month N ÷ the cohort's customers",
  },
  {
    metric: "retention",
    definition: "customers of a cohort who ordered in month N ÷ the cohort's customers (M0 = 100%)",
  },
];
