// Section 5, appendix: what the deck cannot show yet (sources not connected), and how every number is defined.
import { formatWeekdayDate, formatLongDate, formatShopTime } from "../lib/reporting/display-format.ts";
import { cell, type ContentSlide, type Context, full, left, type TableSpec } from "./deck-model.ts";
import { DECK_GLOSSARY, type GlossaryEntry, METRICS_GLOSSARY } from "./glossary.ts";

export interface MissingSource {
  source: string;
  wouldAdd: string;
}

/** Sources a DTC review usually draws on that DTC Pulse does not read: named, never estimated. */
export const NOT_CONNECTED: readonly MissingSource[] = [
  {
    source: "Amazon (Seller Central)",
    wouldAdd: "Marketplace orders and revenue next to the Shopify store, and the halo of ads on Amazon sales",
  },
  {
    source: "Google Analytics 4",
    wouldAdd: "Sessions, conversion rate and funnel drop-off (product view → cart → checkout) by channel",
  },
  {
    source: "Customer surveys (post-purchase, NPS)",
    wouldAdd: "How buyers heard of the brand (beyond last-click UTMs) and satisfaction trends",
  },
  {
    source: "Creative analytics",
    wouldAdd: "Which ads and hooks drive ROAS: thumb-stop rate, hold rate, fatigue per creative",
  },
  {
    source: "Search trends (Google Trends, Search Console)",
    wouldAdd: "Brand and category demand, to tell market swings from the shop's own performance",
  },
];

export function coverageSlide(ctx: Context): ContentSlide {
  // The sources whose freshness check-sources judged this run: those the shop uses (a source its settings mark
  // unused has no status). A deck that said all four were connected misinformed every shop that uses fewer.
  const connected = ctx.data.sources.map((source) => source.label);
  const table: TableSpec = {
    id: "coverage",
    columns: [left("Source", 2.2), left("Status", 1.1), left("What it would add", 5.5)],
    rows: NOT_CONNECTED.map((missing) => [
      cell(missing.source, undefined, true),
      cell("Not connected", "muted"),
      cell(missing.wouldAdd),
    ]),
    note: `${connected.length > 0 ? `Connected today: ${connected.join(", ")}. ` : ""}Nothing in this deck is estimated for the sources above.`,
  };
  return {
    kind: "coverage",
    section: "Appendix",
    title: "Coverage — what this deck cannot show yet",
    blocks: [full({ type: "table", table })],
  };
}

const GLOSSARY_ROWS_PER_SLIDE = 10;

function glossaryTable(id: string, entries: readonly GlossaryEntry[]): TableSpec {
  return {
    id,
    columns: [left("Metric", 1.6), left("Definition", 7)],
    rows: entries.map((entry) => [cell(entry.metric, undefined, true), cell(entry.definition)]),
  };
}

export function methodologySlides(ctx: Context): ContentSlide[] {
  const { data, locale } = ctx;
  const entries = [...METRICS_GLOSSARY, ...DECK_GLOSSARY];
  const slides: ContentSlide[] = [];
  for (let start = 0; start < entries.length; start += GLOSSARY_ROWS_PER_SLIDE) {
    slides.push({
      kind: "methodology",
      section: "Appendix",
      title: start === 0 ? "Methodology — KPI definitions" : "Methodology — KPI definitions (continued)",
      ...(start === 0
        ? {
            subtitle:
              "All money in the shop's currency; days are order days in the shop's time zone; cancelled orders are left out.",
          }
        : {}),
      blocks: [
        full({
          type: "table",
          table: glossaryTable(
            `glossary-${slides.length + 1}`,
            entries.slice(start, start + GLOSSARY_ROWS_PER_SLIDE),
          ),
        }),
      ],
    });
  }
  const sources: TableSpec = {
    id: "methodology-sources",
    columns: [left("Source", 1.5), left("Last day with data", 1.6), left("Last loaded", 2), left("Feeds", 4)],
    rows: data.sources.map((source) => [
      cell(source.label, undefined, true),
      cell(formatWeekdayDate(source.lastEventDate, locale)),
      // When the shop's clock said it landed, as "Last day with data" is the shop's day, not a UTC timestamp.
      cell(source.lastLoadedAt ? formatShopTime(source.lastLoadedAt, locale, data.shop.timezone) : "n/a"),
      cell(
        source.source === "shopify"
          ? "orders, revenue, customers, products, regions"
          : "spend, impressions, clicks, platform conversions",
      ),
    ]),
    emptyText: "No source freshness recorded for this run.",
  };
  const marts: TableSpec = {
    id: "methodology-marts",
    columns: [left("Slides", 2.5), left("Mart (grain)", 6)],
    rows: [
      ["Executive summary, periods, efficiency, customers", "daily_kpis (one row per day)"],
      [
        "Sitewide overview, trends",
        "executive_summary_monthly (one row per month, with the same days a year earlier)",
      ],
      [
        "Top products, premium products",
        "product_performance, premium_products (one row per month and product)",
      ],
      ["Top regions", "geographic_sales (one row per month, country and region)"],
      ["Campaigns and ad groups", "campaign_performance_daily (one row per day and campaign or ad group)"],
      ["Reconciliation", "ops.reconciliation (one row per run date, source, account and metric)"],
      ["Cohorts", "ltv_cohorts (one row per cohort and month since the first order)"],
      [
        "Channel mix, performance, PPC index",
        "channel_mix, marketing_monthly_performance (one row per month and channel)",
      ],
      [
        "Takeaways, channels, zero days",
        "marketing_daily_channel, product_daily_sales, marketing_unified_with_explanations (one row per day and channel or product)",
      ],
    ].map(([slides, mart]) => [cell(slides ?? "", undefined, true), cell(mart ?? "")]),
  };
  slides.push({
    kind: "methodology",
    section: "Appendix",
    title: "Methodology — sources and marts",
    subtitle: `Data through ${formatLongDate(data.runDate, locale)}; every figure is a mart value or a ratio of sums of mart values.`,
    blocks: [full({ type: "table", table: sources }), full({ type: "table", table: marts })],
  });
  return slides;
}
