-- The warehouse's side of the Google Ads reconciliation: per day and customer in the window, cost (from micros),
-- impressions and clicks of each day's latest extraction of every ad group and asset group, and of each campaign's
-- row without a group (ad_group_id NULL: what the campaign counts beyond its groups, such as a Smart campaign's day),
-- a key of its own (the rule of sql/staging/stg_google_ads_campaign_stats.sql).
-- Only rows extracted from the day before the window on are read (the raw tables' partition column): a day's
-- rows, and every later version of them, are extracted after the day begins.
WITH

group_stats AS (
  -- Ad groups, and the asset groups of Performance Max campaigns (which have no ad groups), as staging reads them.
  SELECT segments_date, customer_id, customer_currency_code, campaign_id, ad_group_id, metrics_cost_micros, metrics_impressions, metrics_clicks,
    _airbyte_extracted_at
  FROM raw.google_ads_campaign_stats
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND segments_date BETWEEN @window_start AND @window_end
  UNION ALL
  SELECT segments_date, customer_id, customer_currency_code, campaign_id, asset_group_id AS ad_group_id, metrics_cost_micros,
    metrics_impressions, metrics_clicks, _airbyte_extracted_at
  FROM raw.google_ads_asset_group_stats
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND segments_date BETWEEN @window_start AND @window_end
),

latest_stats AS (
  SELECT segments_date, customer_id, customer_currency_code, metrics_cost_micros, metrics_impressions, metrics_clicks
  FROM group_stats
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY segments_date, campaign_id, ad_group_id ORDER BY _airbyte_extracted_at DESC
  ) = 1
)

SELECT
  segments_date AS day,
  CAST(customer_id AS STRING) AS account_id,
  COALESCE(SUM(metrics_cost_micros), 0) / 1000000 AS spend,
  COALESCE(SUM(metrics_impressions), 0) AS impressions,
  COALESCE(SUM(metrics_clicks), 0) AS clicks,
  -- The customer's currency, in which Google Ads reports its costs: the totals keep its decimals.
  MAX(UPPER(customer_currency_code)) AS currency
FROM latest_stats
GROUP BY day, account_id
