-- Extract for Looker Studio. Grain: one row per month and channel up to the run date's month. Column list is the
-- extract's contract: add columns at the end (before is_demo), never rename or reorder. The shares divide by the
-- month's totals over all channels (NULL, never 0, when the total is 0); is_complete is FALSE for a month with a
-- day on which any channel's sources had not landed (every share of such a month is provisional).
-- The export step queries a range of whole months at a time (from_date to through_date, the last at most the run
-- date) and keeps each month's rows as a chunk: every filter is on a partition column, so a month costs the
-- bytes of its own partitions only. Rows stay in month order first, so chunks concatenate in month order.
SELECT
  month,
  channel,
  spend,
  attributed_orders,
  attributed_revenue,
  spend_share,
  orders_share,
  revenue_share,
  incomplete_days,
  is_complete,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM marts.channel_mix
WHERE month BETWEEN @from_date AND @through_date
ORDER BY month, channel
