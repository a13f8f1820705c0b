-- Grain: one row per day and Meta ad (the latest extraction of that day's insights), in the run window.
WITH

raw_insights AS (
  SELECT *
  FROM raw.facebook_ads_insights
  WHERE date_start BETWEEN @window_start AND @window_end
  QUALIFY ROW_NUMBER() OVER (PARTITION BY date_start, ad_id ORDER BY _airbyte_extracted_at DESC) = 1
),

purchases AS (
  -- Meta reports conversions as arrays of {action_type, value}; the pixel purchase is the one that counts.
  SELECT
    raw_insights.date_start,
    raw_insights.ad_id,
    SUM(IF(JSON_VALUE(action, '$.action_type') = 'offsite_conversion.fb_pixel_purchase',
      SAFE_CAST(JSON_VALUE(action, '$.value') AS FLOAT64), 0)) AS purchases
  FROM raw_insights
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(raw_insights.actions)) AS action
  GROUP BY raw_insights.date_start, raw_insights.ad_id
),

purchase_values AS (
  SELECT
    raw_insights.date_start,
    raw_insights.ad_id,
    SUM(IF(JSON_VALUE(action_value, '$.action_type') = 'offsite_conversion.fb_pixel_purchase',
      SAFE_CAST(JSON_VALUE(action_value, '$.value') AS FLOAT64), 0)) AS purchase_value
  FROM raw_insights
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(raw_insights.action_values)) AS action_value
  GROUP BY raw_insights.date_start, raw_insights.ad_id
)

SELECT
  raw_insights.date_start AS date,
  'facebook_ads' AS platform,
  'meta' AS channel,
  raw_insights.account_id,
  raw_insights.campaign_id,
  raw_insights.campaign_name,
  raw_insights.adset_id AS ad_group_id,
  raw_insights.adset_name AS ad_group_name,
  raw_insights.ad_id,
  raw_insights.ad_name,
  -- Money as NUMERIC so that sums are exact and extracts are reproducible to the byte.
  ROUND(CAST(COALESCE(raw_insights.spend, 0) AS NUMERIC), 2) AS spend,
  COALESCE(raw_insights.impressions, 0) AS impressions,
  COALESCE(raw_insights.clicks, 0) AS clicks,
  COALESCE(purchases.purchases, 0) AS conversions,
  ROUND(CAST(COALESCE(purchase_values.purchase_value, 0) AS NUMERIC), 2) AS conversion_value,
  UPPER(raw_insights.account_currency) AS currency,
  raw_insights._airbyte_extracted_at AS extracted_at
FROM raw_insights
LEFT JOIN purchases USING (date_start, ad_id)
LEFT JOIN purchase_values USING (date_start, ad_id)
