-- grain: one row per day and Google Ads ad group
-- key: date, campaign_id, ad_group_id
-- partition: date (day)
-- cluster: campaign_id
-- materialization: partitions
--
-- One row per day and Google Ads ad group (the latest extraction), in the run window. Performance Max campaigns
-- have asset groups instead of ad groups: their days come from raw.google_ads_asset_group_stats (Airbyte's second
-- custom query, docs/airbyte.md), or from google_ads_campaign_stats when the ingest step's connector landed them
-- there, an asset group in the ad group's place either way. Some spend is in neither: a Smart campaign's metrics
-- exist only at campaign level (https://developers.google.com/google-ads/api/docs/smart-campaigns/reporting), and
-- a campaign's own row may count more than its groups. raw.google_ads_campaign_totals holds each campaign's own day
-- (Airbyte's third custom query, FROM campaign, or the connector's same query); what it counts beyond the
-- campaign's group rows of that day (each metric at least 0, only where something is left) is one more row of the
-- campaign, its ad group the campaign itself, keyed 'campaign:<campaign id>' and named '(campaign level)', apart
-- from the campaign's attribution rows (marts.campaign_performance_daily, ad_group_id NULL): the campaign's rows
-- then sum to its total, whichever path landed them, and a shop without the third stream keeps its group rows.
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
    -- A campaign's part beyond its groups is counted below, from its own row.
    AND ad_group_id IS NOT NULL
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
),

campaign_totals AS (
  -- Each campaign's own day, its latest extraction (Airbyte re-syncs a day; the connector and Airbyte may both land it).
  SELECT
    segments_date, customer_id, customer_currency_code, campaign_id, campaign_name,
    metrics_cost_micros, metrics_impressions, metrics_clicks, metrics_conversions, metrics_conversions_value,
    _airbyte_extracted_at
  FROM raw.google_ads_campaign_totals
  WHERE segments_date BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
  QUALIFY ROW_NUMBER() OVER (PARTITION BY segments_date, campaign_id ORDER BY _airbyte_extracted_at DESC) = 1
),

group_sums AS (
  SELECT
    segments_date, campaign_id,
    SUM(COALESCE(metrics_cost_micros, 0)) AS cost_micros,
    SUM(COALESCE(metrics_impressions, 0)) AS impressions,
    SUM(COALESCE(metrics_clicks, 0)) AS clicks,
    SUM(COALESCE(metrics_conversions, 0)) AS conversions,
    SUM(COALESCE(metrics_conversions_value, 0)) AS conversions_value
  FROM raw_stats
  GROUP BY segments_date, campaign_id
),

campaign_differences AS (
  -- Conversions are doubles: their difference is taken in NUMERIC and kept to the millionth, so 3.3 − 3.1 is 0.2
  -- and 0.3 − (0.1 + 0.2) is 0, not a float residue that would make a row of nothing.
  SELECT
    totals.segments_date, totals.customer_id, totals.customer_currency_code, totals.campaign_id,
    totals.campaign_name,
    COALESCE(totals.metrics_cost_micros, 0) - COALESCE(sums.cost_micros, 0) AS cost_micros,
    COALESCE(totals.metrics_impressions, 0) - COALESCE(sums.impressions, 0) AS impressions,
    COALESCE(totals.metrics_clicks, 0) - COALESCE(sums.clicks, 0) AS clicks,
    CAST(ROUND(
      CAST(COALESCE(totals.metrics_conversions, 0) AS NUMERIC) - CAST(COALESCE(sums.conversions, 0) AS NUMERIC), 6
    ) AS FLOAT64) AS conversions,
    CAST(ROUND(
      CAST(COALESCE(totals.metrics_conversions_value, 0) AS NUMERIC)
        - CAST(COALESCE(sums.conversions_value, 0) AS NUMERIC),
      6
    ) AS FLOAT64) AS conversions_value,
    totals._airbyte_extracted_at
  FROM campaign_totals AS totals
  LEFT JOIN group_sums AS sums
    ON sums.segments_date = totals.segments_date AND sums.campaign_id = totals.campaign_id
),

campaign_remainders AS (
  -- Each metric at least 0: a campaign's groups never count more than the campaign, and should they, a negative
  -- row would be refused as negative spend (sql/audits/non_negative_spend.sql) while the reconciliation shows the
  -- excess. Nothing left, no row: a campaign whose groups add up has only its group rows.
  SELECT
    segments_date, customer_id, customer_currency_code, campaign_id, campaign_name,
    CAST(NULL AS INT64) AS ad_group_id, CAST(NULL AS STRING) AS ad_group_name,
    GREATEST(cost_micros, 0) AS metrics_cost_micros,
    GREATEST(impressions, 0) AS metrics_impressions,
    GREATEST(clicks, 0) AS metrics_clicks,
    GREATEST(conversions, 0) AS metrics_conversions,
    GREATEST(conversions_value, 0) AS metrics_conversions_value,
    _airbyte_extracted_at
  FROM campaign_differences
  WHERE cost_micros > 0 OR impressions > 0 OR clicks > 0 OR conversions > 0 OR conversions_value > 0
),

all_stats AS (
  SELECT * FROM raw_stats
  UNION ALL
  SELECT * FROM campaign_remainders
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
FROM all_stats
