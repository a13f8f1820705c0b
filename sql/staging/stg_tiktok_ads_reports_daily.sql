-- grain: one row per day and TikTok ad
-- key: date, ad_id
-- partition: date (day)
-- cluster: campaign_id
-- materialization: partitions
--
-- One row per day and TikTok ad (the latest extraction of that day's report), in the run window.
WITH

raw_reports AS (
  SELECT
    *,
    -- TikTok stamps the reporting day as midnight of the advertiser's day: the date part is the day.
    DATE(stat_time_day) AS report_date
  FROM raw.tiktok_ads_reports_daily
  WHERE DATE(stat_time_day) BETWEEN @window_start AND @window_end
    -- A day's rows are extracted after the day began: the raw tables' partition column prunes to the window.
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
  QUALIFY ROW_NUMBER() OVER (PARTITION BY ad_id, DATE(stat_time_day) ORDER BY _airbyte_extracted_at DESC) = 1
)

SELECT
  report_date AS date,
  'tiktok_ads' AS platform,
  -- The channel whose spend this platform reports, from the channel list.
  (SELECT channel FROM staging.channels WHERE source = 'tiktok_ads') AS channel,
  CAST(advertiser_id AS STRING) AS account_id,
  JSON_VALUE(metrics, '$.campaign_id') AS campaign_id,
  JSON_VALUE(metrics, '$.campaign_name') AS campaign_name,
  JSON_VALUE(metrics, '$.adgroup_id') AS ad_group_id,
  JSON_VALUE(metrics, '$.adgroup_name') AS ad_group_name,
  CAST(ad_id AS STRING) AS ad_id,
  JSON_VALUE(metrics, '$.ad_name') AS ad_name,
  -- Money to the micro (stg_facebook_ads_insights says why): TikTok writes the account currency's amounts as text.
  COALESCE(ROUND(SAFE_CAST(JSON_VALUE(metrics, '$.spend') AS NUMERIC), 6), 0) AS spend,
  COALESCE(SAFE_CAST(JSON_VALUE(metrics, '$.impressions') AS INT64), 0) AS impressions,
  COALESCE(SAFE_CAST(JSON_VALUE(metrics, '$.clicks') AS INT64), 0) AS clicks,
  COALESCE(SAFE_CAST(JSON_VALUE(metrics, '$.complete_payment') AS FLOAT64), 0) AS conversions,
  -- TikTok's reporting API: `complete_payment` counts purchases; `total_complete_payment_rate` is, despite its name,
  -- the TOTAL purchase value ("Total purchase value" in Ads Manager), and `complete_payment_roas` = value / spend.
  -- A report without the value column but with the ROAS gives the value back as ROAS × spend.
  COALESCE(
    ROUND(SAFE_CAST(JSON_VALUE(metrics, '$.total_complete_payment_rate') AS NUMERIC), 6),
    ROUND(
      CAST(
        SAFE_CAST(JSON_VALUE(metrics, '$.complete_payment_roas') AS FLOAT64)
        * SAFE_CAST(JSON_VALUE(metrics, '$.spend') AS FLOAT64) AS NUMERIC
      ),
      6
    ),
    0
  ) AS conversion_value,
  UPPER(JSON_VALUE(metrics, '$.currency')) AS currency,
  _airbyte_extracted_at AS extracted_at
FROM raw_reports
