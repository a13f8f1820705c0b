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
-- A customer's day may land twice, from the API (the connector or Airbyte) and from a Google Ads report dropped in
-- the inbox, whose rows carry ids derived from the names where the report has no id columns (a campaign report:
-- one ad-group key per campaign; functions/ingest/ads.ts): the newest landing's rows of the customer and day win,
-- whichever way it landed, and the other's are left out whole, the API's campaign totals with its group rows (a
-- report lands none).
WITH

ad_group_stats AS (
  SELECT
    segments_date, customer_id, customer_currency_code, campaign_id, campaign_name, ad_group_id, ad_group_name,
    metrics_cost_micros, metrics_impressions, metrics_clicks, metrics_conversions, metrics_conversions_value,
    _airbyte_extracted_at,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
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
    _airbyte_extracted_at,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
  FROM raw.google_ads_asset_group_stats
  WHERE segments_date BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
),

landed_totals AS (
  SELECT
    segments_date, customer_id, customer_currency_code, campaign_id, campaign_name,
    metrics_cost_micros, metrics_impressions, metrics_clicks, metrics_conversions, metrics_conversions_value,
    _airbyte_extracted_at,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
  FROM raw.google_ads_campaign_totals
  WHERE segments_date BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
),

account_days AS (
  -- When each customer's day last landed from a file and from the API, over the three tables.
  SELECT
    segments_date, customer_id,
    MAX(IF(from_file, _airbyte_extracted_at, NULL)) AS file_landed_at,
    MAX(IF(from_file, NULL, _airbyte_extracted_at)) AS api_landed_at
  FROM (
    SELECT segments_date, customer_id, from_file, _airbyte_extracted_at FROM ad_group_stats
    UNION ALL
    SELECT segments_date, customer_id, from_file, _airbyte_extracted_at FROM asset_group_stats
    UNION ALL
    SELECT segments_date, customer_id, from_file, _airbyte_extracted_at FROM landed_totals
  ) AS landings
  GROUP BY segments_date, customer_id
),

day_landings AS (
  -- Per day, the newest landing of an export naming no customer (its rows carry @unnamed_google_customer) and of the
  -- API's rows of any customer.
  SELECT
    segments_date,
    MAX(IF(CAST(customer_id AS STRING) = @unnamed_google_customer, file_landed_at, NULL)) AS unnamed_file_landed_at,
    MAX(api_landed_at) AS api_landed_at
  FROM account_days
  GROUP BY segments_date
),

account_landings AS (
  -- Whether a customer's day counts its file rows (else its API rows): its own export's when that landed after its
  -- API rows (the API's on a tie); an export naming no customer may be any customer's, so it counts only when it
  -- landed after every customer's API rows of the day, and then in place of them all.
  SELECT
    account_days.segments_date, account_days.customer_id,
    IF(
      CAST(account_days.customer_id AS STRING) = @unnamed_google_customer,
      unnamed_wins,
      unnamed_wins
        OR COALESCE(account_days.file_landed_at > account_days.api_landed_at, account_days.api_landed_at IS NULL)
    ) AS files_win
  FROM account_days
  INNER JOIN (
    SELECT
      segments_date,
      unnamed_file_landed_at IS NOT NULL AND COALESCE(unnamed_file_landed_at > api_landed_at, TRUE) AS unnamed_wins
    FROM day_landings
  ) AS days
    ON days.segments_date = account_days.segments_date
),

raw_stats AS (
  -- The newest landing's group rows (the API's on a tie). A campaign has ad groups or asset groups, never both:
  -- one key over the two tables, so that an asset group's day landed in both (by the connector, then by Airbyte)
  -- counts once, its latest extraction winning.
  SELECT group_stats.* EXCEPT (from_file)
  FROM (
    SELECT * FROM ad_group_stats
    UNION ALL
    SELECT * FROM asset_group_stats
  ) AS group_stats
  INNER JOIN account_landings
    ON account_landings.segments_date = group_stats.segments_date
    AND account_landings.customer_id = group_stats.customer_id
  WHERE group_stats.from_file = account_landings.files_win
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY group_stats.segments_date, group_stats.campaign_id, group_stats.ad_group_id
    ORDER BY group_stats._airbyte_extracted_at DESC
  ) = 1
),

campaign_totals AS (
  -- Each campaign's own day, its latest extraction (Airbyte re-syncs a day; the connector and Airbyte may both land
  -- it), when the API's landing of the customer's day is the newest.
  SELECT landed_totals.* EXCEPT (from_file)
  FROM landed_totals
  INNER JOIN account_landings
    ON account_landings.segments_date = landed_totals.segments_date
    AND account_landings.customer_id = landed_totals.customer_id
  WHERE landed_totals.from_file = account_landings.files_win
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY landed_totals.segments_date, landed_totals.campaign_id
    ORDER BY landed_totals._airbyte_extracted_at DESC
  ) = 1
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
  -- The channel whose spend this platform reports, from the channel list: the @channels parameter, as
  -- staging.channels reads it, for check-sources runs this model (its reconciliation) before any table is built.
  (
    SELECT JSON_VALUE(listed, '$.channel')
    FROM UNNEST(JSON_QUERY_ARRAY(@channels)) AS listed
    WHERE JSON_VALUE(listed, '$.source') = 'google_ads'
  ) AS channel,
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
