-- Extract for Looker Studio. Grain: one row per day up to the run date. Column list is the extract's
-- contract: add columns at the end (before is_demo), never rename or reorder. Ratios are NULL where undefined,
-- never 0: a ratio whose denominator is 0, and CAC on a day without ad spend (no acquisition was paid for).
-- Their numerators and denominators are columns too (docs/extracts.md gives the Looker calculated fields).
SELECT
  date,
  orders,
  gross_revenue,
  discounts,
  refunds,
  net_revenue,
  units,
  aov,
  new_customers,
  returning_customers,
  new_customer_revenue,
  returning_customer_revenue,
  ad_spend,
  blended_roas,
  mer,
  cac,
  orders_missing_value,
  is_complete,
  missing_sources,
  -- AOV's denominator: orders that carry a value.
  orders - orders_missing_value AS orders_with_value,
  -- The sources of missing_sources whose rows landed but had no exchange rate (see the mart).
  unconverted_sources,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM marts.daily_kpis
-- The export step queries a range of whole months at a time (from_date to through_date, the last at most the run
-- date) and keeps each month's rows as a chunk: the filter is on the mart's partition column, so a month costs
-- the bytes of its own partitions only. Rows stay in date order first, so chunks concatenate in month order.
WHERE date BETWEEN @from_date AND @through_date
ORDER BY date
