// The KPI definitions the deck's methodology slides print. The first block is the README's "Metrics
// glossary" word for word (a test keeps the two in step); the second defines what only the deck computes.

export interface GlossaryEntry {
  metric: string;
  definition: string;
}

/** README.md, "Metrics glossary", in its order (code spans without their backticks). */
export const METRICS_GLOSSARY: readonly GlossaryEntry[] = [
  { metric: "orders", definition: "count of orders placed that day" },
  {
    metric: "gross revenue",
    definition:
      "Σ order total_price (items after discounts + shipping + tax); orders whose total is missing are counted in orders_missing_value and left out",
  },
  {
    metric: "refunds",
    definition: "Σ refund transactions of the orders placed that day (attributed to the order's day)",
  },
  { metric: "net revenue", definition: "gross revenue − refunds" },
  { metric: "AOV", definition: "gross revenue ÷ orders with a value" },
  {
    metric: "new customers",
    definition: "orders that are the customer's first (customer = hashed email, else Shopify customer id)",
  },
  { metric: "returning customers", definition: "distinct customers whose order that day is not their first" },
  { metric: "ad spend", definition: "Σ spend of Meta, TikTok and Google Ads" },
  { metric: "blended ROAS", definition: "gross revenue ÷ ad spend" },
  { metric: "MER", definition: "net revenue ÷ ad spend" },
  { metric: "CAC", definition: "ad spend ÷ new customers" },
  {
    metric: "attributed orders / revenue",
    definition: "orders (and their gross revenue) whose UTM source maps to the channel",
  },
  { metric: "channel ROAS", definition: "attributed revenue ÷ channel spend" },
  {
    metric: "CTR, CPC, CPA",
    definition: "clicks ÷ impressions; spend ÷ clicks; spend ÷ attributed orders",
  },
];

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
