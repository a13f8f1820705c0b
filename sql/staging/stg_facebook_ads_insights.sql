-- grain: one row per day and Meta ad
-- key: date, ad_id
-- partition: date (day)
-- cluster: campaign_id
-- materialization: partitions
--
-- One row per day and Meta ad (the latest extraction of that day's insights), in the run window.
WITH

raw_insights AS (
  SELECT *
  FROM raw.facebook_ads_insights
  WHERE date_start BETWEEN @window_start AND @window_end
    -- A day's rows are extracted after the day began: the raw tables' partition column prunes to the window.
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
  QUALIFY ROW_NUMBER() OVER (PARTITION BY date_start, ad_id ORDER BY _airbyte_extracted_at DESC) = 1
),

reported_actions AS (
  -- Meta reports conversions as arrays of {action_type, value}: counts in actions, money in action_values.
  SELECT raw_insights.date_start, raw_insights.ad_id, 'count' AS measure, action AS reported
  FROM raw_insights
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(raw_insights.actions)) AS action
  UNION ALL
  SELECT raw_insights.date_start, raw_insights.ad_id, 'value' AS measure, action_value AS reported
  FROM raw_insights
  CROSS JOIN UNNEST(JSON_QUERY_ARRAY(raw_insights.action_values)) AS action_value
),

purchases AS (
  -- The pixel purchase is the conversion that counts.
  SELECT
    date_start,
    ad_id,
    SUM(IF(measure = 'count', SAFE_CAST(JSON_VALUE(reported, '$.value') AS FLOAT64), 0)) AS purchases,
    SUM(IF(measure = 'value', SAFE_CAST(JSON_VALUE(reported, '$.value') AS FLOAT64), 0)) AS purchase_value
  FROM reported_actions
  WHERE JSON_VALUE(reported, '$.action_type') = 'offsite_conversion.fb_pixel_purchase'
  GROUP BY date_start, ad_id
)

SELECT
  raw_insights.date_start AS date,
  'facebook_ads' AS platform,
  -- The channel whose spend this platform reports, from the channel list.
  (SELECT channel FROM staging.channels WHERE source = 'facebook_ads') AS channel,
  raw_insights.account_id,
  raw_insights.campaign_id,
  raw_insights.campaign_name,
  raw_insights.adset_id AS ad_group_id,
  raw_insights.adset_name AS ad_group_name,
  raw_insights.ad_id,
  raw_insights.ad_name,
  -- Money as NUMERIC so that sums are exact and extracts are reproducible to the byte, kept to the micro (6
  -- places, below every currency's minor unit): the account's currency may have 3 decimals (KWD), so rounding
  -- to cents would part the sums from Meta's own. The FLOAT64's binary noise lies far below the sixth place.
  ROUND(CAST(COALESCE(raw_insights.spend, 0) AS NUMERIC), 6) AS spend,
  COALESCE(raw_insights.impressions, 0) AS impressions,
  COALESCE(raw_insights.clicks, 0) AS clicks,
  COALESCE(purchases.purchases, 0) AS conversions,
  ROUND(CAST(COALESCE(purchases.purchase_value, 0) AS NUMERIC), 6) AS conversion_value,
  UPPER(raw_insights.account_currency) AS currency,
  raw_insights._airbyte_extracted_at AS extracted_at
FROM raw_insights
LEFT JOIN purchases USING (date_start, ad_id)
