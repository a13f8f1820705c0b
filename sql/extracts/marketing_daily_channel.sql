-- Extract for Looker Studio. Grain: one row per day and channel up to the run date. Column list is the extract's
-- contract: add columns at the end (before is_demo), never rename or reorder. is_complete / missing_sources: see the mart;
-- a paid channel's day whose ad platform had not landed is a row with NULL platform numbers (missing, not 0).
-- Ratios are NULL where undefined, never 0: a ratio whose denominator is 0 or NULL, and CPA on a day without spend
-- (a channel that buys no ads, like direct & organic, has no cost per order: the mart's cpa is NULL then).
SELECT
  date,
  channel,
  spend,
  impressions,
  clicks,
  platform_conversions,
  platform_conversion_value,
  attributed_orders,
  attributed_revenue,
  roas,
  ctr,
  cpc,
  cpa,
  is_complete,
  missing_sources,
  attributed_new_customers,
  attributed_new_customer_revenue,
  new_customer_cpa,
  new_customer_roas,
  -- The sources of missing_sources whose rows landed but had no exchange rate (see the mart).
  unconverted_sources,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM marts.marketing_daily_channel
-- The export step queries a range of whole months at a time (from_date to through_date, the last at most the run
-- date) and keeps each month's rows as a chunk: the filter is on the mart's partition column, so a month costs
-- the bytes of its own partitions only. Rows stay in date order first, so chunks concatenate in month order.
WHERE date BETWEEN @from_date AND @through_date
ORDER BY date, channel
