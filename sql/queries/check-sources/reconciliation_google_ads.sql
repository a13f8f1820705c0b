-- The warehouse's side of the Google Ads reconciliation: per day and customer in the window, cost (from micros),
-- impressions and clicks of each day's latest extraction of every ad group and asset group, and of what each
-- campaign's own day (raw.google_ads_campaign_totals) counts beyond them, such as a Smart campaign's day (the rule
-- of sql/staging/stg_google_ads_campaign_stats.sql: per campaign and day, each metric is the larger of the
-- campaign's total and its groups' sum).
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
    AND ad_group_id IS NOT NULL
  UNION ALL
  SELECT segments_date, customer_id, customer_currency_code, campaign_id, asset_group_id AS ad_group_id, metrics_cost_micros,
    metrics_impressions, metrics_clicks, _airbyte_extracted_at
  FROM raw.google_ads_asset_group_stats
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND segments_date BETWEEN @window_start AND @window_end
),

group_sums AS (
  SELECT
    segments_date, customer_id, campaign_id,
    MAX(UPPER(customer_currency_code)) AS currency,
    COALESCE(SUM(metrics_cost_micros), 0) AS cost_micros,
    COALESCE(SUM(metrics_impressions), 0) AS impressions,
    COALESCE(SUM(metrics_clicks), 0) AS clicks
  FROM (
    SELECT *
    FROM group_stats
    QUALIFY ROW_NUMBER() OVER (
      PARTITION BY segments_date, campaign_id, ad_group_id ORDER BY _airbyte_extracted_at DESC
    ) = 1
  ) AS latest_groups
  GROUP BY segments_date, customer_id, campaign_id
),

campaign_totals AS (
  SELECT
    segments_date, customer_id, campaign_id, customer_currency_code, metrics_cost_micros, metrics_impressions,
    metrics_clicks
  FROM raw.google_ads_campaign_totals
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND segments_date BETWEEN @window_start AND @window_end
  QUALIFY ROW_NUMBER() OVER (PARTITION BY segments_date, campaign_id ORDER BY _airbyte_extracted_at DESC) = 1
),

campaign_days AS (
  SELECT
    COALESCE(sums.segments_date, totals.segments_date) AS segments_date,
    COALESCE(sums.customer_id, totals.customer_id) AS customer_id,
    COALESCE(sums.currency, UPPER(totals.customer_currency_code)) AS currency,
    GREATEST(COALESCE(sums.cost_micros, 0), COALESCE(totals.metrics_cost_micros, 0)) AS cost_micros,
    GREATEST(COALESCE(sums.impressions, 0), COALESCE(totals.metrics_impressions, 0)) AS impressions,
    GREATEST(COALESCE(sums.clicks, 0), COALESCE(totals.metrics_clicks, 0)) AS clicks
  FROM group_sums AS sums
  FULL OUTER JOIN campaign_totals AS totals
    ON totals.segments_date = sums.segments_date AND totals.campaign_id = sums.campaign_id
)

SELECT
  segments_date AS day,
  CAST(customer_id AS STRING) AS account_id,
  COALESCE(SUM(cost_micros), 0) / 1000000 AS spend,
  COALESCE(SUM(impressions), 0) AS impressions,
  COALESCE(SUM(clicks), 0) AS clicks,
  -- The customer's currency, in which Google Ads reports its costs: the totals keep its decimals.
  MAX(currency) AS currency
FROM campaign_days
GROUP BY day, account_id
