-- grain: one row per day and channel, with ratios
-- key: date, channel
-- partition: date (day)
-- cluster: channel
-- materialization: partitions
--
-- One row per day and channel: marketing_unified with its efficiency ratios. is_complete is FALSE when a source
-- the channel's numbers need had not landed through the day (unified.source_coverage): a paid channel needs its
-- ad platform and Shopify (attributed orders), any other channel Shopify; missing_sources names them.
WITH

channel_sources AS (
  -- The sources each channel's numbers come from.
  SELECT channel, 'shopify' AS source FROM staging.channels
  UNION ALL
  SELECT channel, source FROM staging.channels WHERE source IS NOT NULL
),

missing_coverage AS (
  SELECT date, source
  FROM unified.source_coverage
  WHERE date BETWEEN @window_start AND @window_end
    AND is_expected
    AND NOT has_landed
),

missing AS (
  SELECT
    missing_coverage.date,
    channel_sources.channel,
    STRING_AGG(missing_coverage.source, ',' ORDER BY missing_coverage.source) AS missing_sources
  FROM missing_coverage
  JOIN channel_sources ON channel_sources.source = missing_coverage.source
  GROUP BY missing_coverage.date, channel_sources.channel
),

channel_days AS (
  SELECT *
  FROM unified.marketing_unified
  WHERE date BETWEEN @window_start AND @window_end
)

SELECT
  channel_days.date,
  channel_days.channel,
  spend,
  impressions,
  clicks,
  platform_conversions,
  platform_conversion_value,
  attributed_orders,
  attributed_revenue,
  ROUND(SAFE_DIVIDE(attributed_revenue, spend), 4) AS roas,
  ROUND(SAFE_DIVIDE(clicks, impressions), 6) AS ctr,
  ROUND(SAFE_DIVIDE(spend, clicks), 4) AS cpc,
  ROUND(SAFE_DIVIDE(spend, attributed_orders), 2) AS cpa,
  missing.missing_sources IS NULL AS is_complete,
  missing.missing_sources
FROM channel_days
LEFT JOIN missing ON missing.date = channel_days.date AND missing.channel = channel_days.channel
