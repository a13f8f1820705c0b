-- grain: one row per day and channel, with ratios
-- key: date, channel
-- partition: date (day)
-- cluster: channel
-- materialization: partitions
--
-- One row per day and channel: marketing_unified with its efficiency ratios. is_complete is FALSE when a source
-- the channel's numbers need had not landed through the day (unified.source_coverage): a paid channel needs its
-- ad platform and Shopify (attributed orders), any other channel Shopify; missing_sources names them, and
-- unconverted_sources those whose rows landed without an exchange rate to the shop's currency, as daily_kpis does.
-- Every expected paid channel has a row on every such day, even with nothing attributed, and while its ad
-- platform had not landed its platform numbers (spend, impressions, clicks, conversions) are NULL — missing,
-- not 0 — so a sum of spend counts only what the platform reported. new_customer_cpa / new_customer_roas are the
-- same ratios over the UTM-attributed first orders (attributed_new_customers, attributed_new_customer_revenue).
WITH

channel_sources AS (
  -- The sources each channel's numbers come from.
  SELECT channel, 'shopify' AS source FROM staging.channels
  UNION ALL
  SELECT channel, source FROM staging.channels WHERE source IS NOT NULL
),

missing_coverage AS (
  SELECT date, source, lacks_exchange_rate, unconverted_currencies
  FROM unified.source_coverage
  WHERE date BETWEEN @window_start AND @window_end
    AND is_expected
    AND NOT has_landed
),

missing AS (
  SELECT
    missing_coverage.date,
    channel_sources.channel,
    STRING_AGG(missing_coverage.source, ',' ORDER BY missing_coverage.source) AS missing_sources,
    STRING_AGG(
      IF(
        missing_coverage.lacks_exchange_rate,
        IF(
          missing_coverage.unconverted_currencies IS NULL,
          missing_coverage.source,
          CONCAT(missing_coverage.source, ':', missing_coverage.unconverted_currencies)
        ),
        NULL
      ),
      ',' ORDER BY missing_coverage.source
    ) AS unconverted_sources
  FROM missing_coverage
  JOIN channel_sources ON channel_sources.source = missing_coverage.source
  GROUP BY missing_coverage.date, channel_sources.channel
),

platform_missing AS (
  -- Days a paid channel's ad platform had not landed.
  SELECT missing_coverage.date, paid_channels.channel
  FROM missing_coverage
  JOIN staging.channels AS paid_channels ON paid_channels.source = missing_coverage.source
  WHERE paid_channels.is_paid_channel
    -- A shop with no order yet (a new shop) has no day to report yet, like daily_kpis. Any order up to the window's
    -- end, not one in the window: a shop whose last orders are older than a daily run's window got these rows
    -- from a full rebuild (whose window holds them) and none from the daily run. One row a day of history.
    AND EXISTS (SELECT 1 FROM unified.shop_order_days WHERE date <= @window_end)
),

unified_days AS (
  SELECT date, channel, spend, impressions, clicks, platform_conversions, platform_conversion_value,
    attributed_orders, attributed_revenue, attributed_new_customers, attributed_new_customer_revenue
  FROM unified.marketing_unified
  WHERE date BETWEEN @window_start AND @window_end
),

channel_days AS (
  SELECT * FROM unified_days
  UNION ALL
  -- A paid channel's day with no row at all: its platform had not landed and nothing was attributed to it.
  SELECT
    platform_missing.date,
    platform_missing.channel,
    CAST(NULL AS FLOAT64) AS spend,
    CAST(NULL AS INT64) AS impressions,
    CAST(NULL AS INT64) AS clicks,
    CAST(NULL AS FLOAT64) AS platform_conversions,
    CAST(NULL AS FLOAT64) AS platform_conversion_value,
    0 AS attributed_orders,
    0 AS attributed_revenue,
    0 AS attributed_new_customers,
    0 AS attributed_new_customer_revenue
  FROM platform_missing
  LEFT JOIN unified_days
    ON unified_days.date = platform_missing.date AND unified_days.channel = platform_missing.channel
  WHERE unified_days.channel IS NULL
),

platform_known AS (
  SELECT
    channel_days.*,
    -- Platform numbers are unknown, not zero, on a day the channel's ad platform had not landed.
    platform_missing.channel IS NULL AS has_platform
  FROM channel_days
  LEFT JOIN platform_missing
    ON platform_missing.date = channel_days.date AND platform_missing.channel = channel_days.channel
),

measured AS (
  SELECT
    date,
    channel,
    IF(has_platform, spend, NULL) AS spend,
    IF(has_platform, impressions, NULL) AS impressions,
    IF(has_platform, clicks, NULL) AS clicks,
    IF(has_platform, platform_conversions, NULL) AS platform_conversions,
    IF(has_platform, platform_conversion_value, NULL) AS platform_conversion_value,
    attributed_orders,
    attributed_revenue,
    attributed_new_customers,
    attributed_new_customer_revenue
  FROM platform_known
)

SELECT
  measured.date,
  measured.channel,
  spend,
  impressions,
  clicks,
  platform_conversions,
  platform_conversion_value,
  attributed_orders,
  attributed_revenue,
  CAST(ROUND(SAFE_DIVIDE(CAST(attributed_revenue AS NUMERIC), CAST(spend AS NUMERIC)), 4) AS FLOAT64) AS roas,
  CAST(ROUND(SAFE_DIVIDE(CAST(clicks AS NUMERIC), CAST(impressions AS NUMERIC)), 6) AS FLOAT64) AS ctr,
  -- Money ÷ count as NUMERIC, so a half-cent tie rounds away from zero on DuckDB as on BigQuery; FLOAT64 as before.
  CAST(ROUND(SAFE_DIVIDE(CAST(spend AS NUMERIC), CAST(clicks AS NUMERIC)), 4) AS FLOAT64) AS cpc,
  -- NULL without spend, as new_customer_cpa: orders that cost nothing have no cost per order.
  CAST(
    ROUND(SAFE_DIVIDE(CAST(IF(spend > 0, spend, NULL) AS NUMERIC), CAST(attributed_orders AS NUMERIC)), @currency_places)
    AS FLOAT64
  ) AS cpa,
  missing.missing_sources IS NULL AS is_complete,
  missing.missing_sources,
  attributed_new_customers,
  attributed_new_customer_revenue,
  -- What one new customer cost; NULL without spend (a channel that buys no ads has no cost per customer).
  CAST(
    ROUND(SAFE_DIVIDE(CAST(IF(spend > 0, spend, NULL) AS NUMERIC), CAST(attributed_new_customers AS NUMERIC)), @currency_places)
    AS FLOAT64
  ) AS new_customer_cpa,
  CAST(
    ROUND(
      SAFE_DIVIDE(CAST(attributed_new_customer_revenue AS NUMERIC), CAST(spend AS NUMERIC)),
      4
    ) AS FLOAT64
  ) AS new_customer_roas,
  missing.unconverted_sources
FROM measured
LEFT JOIN missing ON missing.date = measured.date AND missing.channel = measured.channel
