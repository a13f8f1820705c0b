-- grain: one row per day and Google Ads ad group
-- key: date, campaign_id, ad_group_id
-- partition: date (day)
-- cluster: campaign_id
-- materialization: partitions
--
-- One row per day and Google Ads ad group (the latest extraction), in the run window. Performance Max campaigns
-- have asset groups instead of ad groups: their days come from raw.google_ads_asset_group_stats (Airbyte's second
-- custom query, docs/airbyte.md), or from google_ads_campaign_stats when the ingest step's connector landed them
-- there, an asset group in the ad group's place either way. What a campaign's own row counts beyond its ad groups
-- or asset groups (a Smart campaign's whole day: its metrics exist only at campaign level) is landed by the
-- connector as a row of the campaign with ad_group_id NULL; here its ad group is the campaign itself, keyed
-- 'campaign:<campaign id>' and named '(campaign level)', so that it has a key of its own, apart from the campaign's
-- attribution rows (marts.campaign_performance_daily, ad_group_id NULL), and the campaign's rows sum to its total.
WITH

ad_group_stats AS (
  SELECT
    segments_date, customer_id, customer_currency_code, campaign_id, campaign_name, ad_group_id, ad_group_name,
    metrics_cost_micros, metrics_impressions, metrics_clicks, metrics_conversions, metrics_conversions_value,
    _airbyte_extracted_at
  FROM raw.google_ads_campaign_stats
  WHERE segments_date BETWEEN @window_start AND @window_end
    -- A day's rows are extracted after the day began: the raw tables' partition column prunes to the window.
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
),

asset_group_stats AS (
  SELECT
    segments_date, customer_id, customer_currency_code, campaign_id, campaign_name,
    asset_group_id AS ad_group_id, asset_group_name AS ad_group_name,
    metrics_cost_micros, metrics_impressions, metrics_clicks, metrics_conversions, metrics_conversions_value,
    _airbyte_extracted_at
  FROM raw.google_ads_asset_group_stats
  WHERE segments_date BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
),

raw_stats AS (
  -- A campaign has ad groups or asset groups, never both: one key over the two tables, so that an asset group's
  -- day landed in both (by the connector, then by Airbyte) counts once, its latest extraction winning.
  SELECT *
  FROM (
    SELECT * FROM ad_group_stats
    UNION ALL
    SELECT * FROM asset_group_stats
  ) AS group_stats
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY segments_date, campaign_id, ad_group_id ORDER BY _airbyte_extracted_at DESC
  ) = 1
)

SELECT
  segments_date AS date,
  'google_ads' AS platform,
  -- The channel whose spend this platform reports, from the channel list.
  (SELECT channel FROM staging.channels WHERE source = 'google_ads') AS channel,
  CAST(customer_id AS STRING) AS account_id,
  CAST(campaign_id AS STRING) AS campaign_id,
  campaign_name,
  COALESCE(CAST(ad_group_id AS STRING), CONCAT('campaign:', CAST(campaign_id AS STRING))) AS ad_group_id,
  IF(ad_group_id IS NULL, '(campaign level)', ad_group_name) AS ad_group_name,
  CAST(NULL AS STRING) AS ad_id,
  CAST(NULL AS STRING) AS ad_name,
  -- Google reports cost in micros; the cast back keeps NUMERIC where a division would give FLOAT64.
  -- Micros to currency as an exact NUMERIC quotient on both engines (the form the DuckDB translation divides
  -- exactly), unrounded: an ad group's day may cost fractions of a cent or fils, and Google's totals are the sums
  -- of the micros.
  CAST(SAFE_DIVIDE(CAST(COALESCE(metrics_cost_micros, 0) AS NUMERIC), CAST(1000000 AS NUMERIC)) AS NUMERIC) AS spend,
  COALESCE(metrics_impressions, 0) AS impressions,
  COALESCE(metrics_clicks, 0) AS clicks,
  COALESCE(metrics_conversions, 0) AS conversions,
  -- To the micro, as spend (stg_facebook_ads_insights says why).
  ROUND(CAST(COALESCE(metrics_conversions_value, 0) AS NUMERIC), 6) AS conversion_value,
  UPPER(customer_currency_code) AS currency,
  _airbyte_extracted_at AS extracted_at
FROM raw_stats
