-- grain: one row per day and channel: platform numbers, UTM-attributed orders and revenue, day totals
-- key: date, channel
-- partition: date (day)
-- cluster: channel
-- materialization: partitions
--
-- One row per day and channel — the master marketing table: what each ad platform reports (spend,
-- impressions, clicks, conversions) next to the orders and revenue the shop attributes to the channel by the
-- orders' UTM source, and the day's blended totals across all channels. attributed_new_customer_revenue is the
-- revenue of the attributed first orders (attributed_new_customers), for new-customer ROAS. roas is the channel's
-- attributed revenue ÷ its spend, NULL without spend. lacks_exchange_rate: some of the platform's rows that day had
-- no exchange rate to the shop's currency (their spend counts 0, unknown in the shop's money: see
-- unified.ad_performance), with the account currencies lacking one in unconverted_currencies ('/'-separated, NULL
-- where those rows name no currency), so that the day is explained as a missing rate, not as no spend.
WITH

ads AS (
  SELECT * FROM unified.ad_performance WHERE date BETWEEN @window_start AND @window_end
),

orders AS (
  SELECT order_date, channel, order_revenue, is_first_order
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @window_start AND @window_end
    AND NOT is_cancelled
),

platform_days AS (
  SELECT
    date,
    channel,
    SUM(spend) AS spend,
    SUM(impressions) AS impressions,
    SUM(clicks) AS clicks,
    CAST(ROUND(CAST(SUM(conversions) AS NUMERIC), 2) AS FLOAT64) AS platform_conversions,
    SUM(conversion_value) AS platform_conversion_value,
    LOGICAL_OR(fx_rate IS NULL) AS lacks_exchange_rate
  FROM ads
  GROUP BY date, channel
),

unconverted_days AS (
  SELECT
    date,
    channel,
    STRING_AGG(DISTINCT account_currency, '/' ORDER BY account_currency) AS unconverted_currencies
  FROM ads
  WHERE fx_rate IS NULL
  GROUP BY date, channel
),

attributed_days AS (
  SELECT
    order_date AS date,
    channel,
    COUNT(*) AS attributed_orders,
    COUNTIF(is_first_order) AS attributed_new_customers,
    COALESCE(SUM(order_revenue), 0) AS attributed_revenue,
    -- The attributed first orders' revenue, by the same definition as attributed_revenue: new-customer ROAS.
    COALESCE(SUM(IF(is_first_order, order_revenue, 0)), 0) AS attributed_new_customer_revenue
  FROM orders
  GROUP BY order_date, channel
),

channel_days AS (
  SELECT
    COALESCE(platform_days.date, attributed_days.date) AS date,
    COALESCE(platform_days.channel, attributed_days.channel) AS channel,
    platform_days.channel IS NOT NULL AS has_platform_data,
    COALESCE(platform_days.spend, 0) AS spend,
    COALESCE(platform_days.impressions, 0) AS impressions,
    COALESCE(platform_days.clicks, 0) AS clicks,
    COALESCE(platform_days.platform_conversions, 0) AS platform_conversions,
    COALESCE(platform_days.platform_conversion_value, 0) AS platform_conversion_value,
    COALESCE(attributed_days.attributed_orders, 0) AS attributed_orders,
    COALESCE(attributed_days.attributed_new_customers, 0) AS attributed_new_customers,
    COALESCE(attributed_days.attributed_revenue, 0) AS attributed_revenue,
    COALESCE(attributed_days.attributed_new_customer_revenue, 0) AS attributed_new_customer_revenue,
    COALESCE(platform_days.lacks_exchange_rate, FALSE) AS lacks_exchange_rate,
    unconverted_days.unconverted_currencies
  FROM platform_days
  FULL OUTER JOIN attributed_days
    ON attributed_days.date = platform_days.date AND attributed_days.channel = platform_days.channel
  LEFT JOIN unconverted_days
    ON unconverted_days.date = platform_days.date AND unconverted_days.channel = platform_days.channel
)

SELECT
  date,
  channel,
  channel IN (SELECT channel FROM staging.channels WHERE is_paid_channel) AS is_paid_channel,
  has_platform_data,
  spend,
  impressions,
  clicks,
  platform_conversions,
  platform_conversion_value,
  attributed_orders,
  attributed_new_customers,
  attributed_revenue,
  SUM(spend) OVER (PARTITION BY date) AS day_total_spend,
  SUM(attributed_revenue) OVER (PARTITION BY date) AS day_total_revenue,
  ROUND(
    SAFE_DIVIDE(
      CAST(SUM(attributed_revenue) OVER (PARTITION BY date) AS NUMERIC),
      CAST(SUM(spend) OVER (PARTITION BY date) AS NUMERIC)
    ),
    4
  ) AS day_blended_roas,
  attributed_new_customer_revenue,
  -- Computed once per day built (an exact NUMERIC quotient, costly on DuckDB), not by every rebuild of the
  -- explanations mart, which reads all history.
  ROUND(SAFE_DIVIDE(CAST(attributed_revenue AS NUMERIC), CAST(spend AS NUMERIC)), 4) AS roas,
  lacks_exchange_rate,
  unconverted_currencies
FROM channel_days
