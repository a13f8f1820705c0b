-- Extract for Looker Studio. Grain: one row per day, ad platform, campaign and ad group (platform numbers), and
-- one per day and campaign with ad_group_id empty (its UTM-attributed orders and revenue): see the mart. Column
-- list is the extract's contract: add columns at the end (before is_demo), never rename or reorder. No ratio
-- column: ROAS, CTR, CPC and CPA are Looker calculated fields over these sums (docs/extracts.md).
SELECT
  date,
  platform,
  channel,
  campaign_id,
  campaign_name,
  ad_group_id,
  ad_group_name,
  spend,
  impressions,
  clicks,
  platform_conversions,
  platform_conversion_value,
  attributed_orders,
  attributed_revenue,
  is_complete,
  missing_sources,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM marts.campaign_performance_daily
-- The export step queries a range of whole months at a time (from_date to through_date, the last at most the run
-- date) and keeps each month's rows as a chunk: the filter is on the mart's partition column, so a month costs
-- the bytes of its own partitions only. Rows stay in date order first, so chunks concatenate in month order.
WHERE date BETWEEN @from_date AND @through_date
ORDER BY date, platform, campaign_name NULLS LAST, campaign_id NULLS LAST, ad_group_id NULLS LAST
