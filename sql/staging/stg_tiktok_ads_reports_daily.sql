-- grain: one row per day and TikTok ad
-- key: date, ad_id
-- partition: date (day)
-- cluster: campaign_id
-- materialization: partitions
--
-- One row per day and TikTok ad (the latest extraction of that day's report), in the run window. An advertiser's
-- day may land twice, from the API and from an Ads Manager export whose ids are derived from the names: the newest
-- landing's rows of the advertiser and day win, whichever way it landed (stg_facebook_ads_insights says how).
WITH

landed_rows AS (
  SELECT
    *,
    -- TikTok stamps the reporting day as midnight of the advertiser's day: the date part is the day.
    DATE(stat_time_day) AS report_date,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
  FROM raw.tiktok_ads_reports_daily
  WHERE DATE(stat_time_day) BETWEEN @window_start AND @window_end
    -- A day's rows are extracted after the day began: the raw tables' partition column prunes to the window.
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
),

account_days AS (
  -- When each advertiser's day last landed from a file and from the API.
  SELECT
    report_date, advertiser_id,
    MAX(IF(from_file, _airbyte_extracted_at, NULL)) AS file_landed_at,
    MAX(IF(from_file, NULL, _airbyte_extracted_at)) AS api_landed_at
  FROM landed_rows
  GROUP BY report_date, advertiser_id
),

day_landings AS (
  -- Per day, the newest landing of an export naming no advertiser (its rows carry @unnamed_tiktok_advertiser) and
  -- of the API's rows of any advertiser.
  SELECT
    report_date,
    MAX(IF(CAST(advertiser_id AS STRING) = @unnamed_tiktok_advertiser, file_landed_at, NULL)) AS unnamed_file_landed_at,
    MAX(api_landed_at) AS api_landed_at
  FROM account_days
  GROUP BY report_date
),

account_landings AS (
  -- Whether an advertiser's day counts its file rows (else its API rows): its own export's when that landed after its
  -- API rows (the API's on a tie); an export naming no advertiser may be any advertiser's, so it counts only when it
  -- landed after every advertiser's API rows of the day, and then in place of them all.
  SELECT
    account_days.report_date, account_days.advertiser_id,
    IF(
      CAST(account_days.advertiser_id AS STRING) = @unnamed_tiktok_advertiser,
      unnamed_wins,
      unnamed_wins
        OR COALESCE(account_days.file_landed_at > account_days.api_landed_at, account_days.api_landed_at IS NULL)
    ) AS files_win
  FROM account_days
  INNER JOIN (
    SELECT
      report_date,
      unnamed_file_landed_at IS NOT NULL AND COALESCE(unnamed_file_landed_at > api_landed_at, TRUE) AS unnamed_wins
    FROM day_landings
  ) AS days
    ON days.report_date = account_days.report_date
),

raw_reports AS (
  -- The newest landing's rows (the API's on a tie), then each ad's latest extraction among them.
  SELECT landed_rows.* EXCEPT (from_file)
  FROM landed_rows
  INNER JOIN account_landings
    ON account_landings.report_date = landed_rows.report_date
    AND account_landings.advertiser_id = landed_rows.advertiser_id
  WHERE landed_rows.from_file = account_landings.files_win
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY landed_rows.ad_id, landed_rows.report_date ORDER BY landed_rows._airbyte_extracted_at DESC
  ) = 1
)

SELECT
  report_date AS date,
  'tiktok_ads' AS platform,
  -- The channel whose spend this platform reports, from the channel list: the @channels parameter, as
  -- staging.channels reads it, for check-sources runs this model (its reconciliation) before any table is built.
  (
    SELECT JSON_VALUE(listed, '$.channel')
    FROM UNNEST(JSON_QUERY_ARRAY(@channels)) AS listed
    WHERE JSON_VALUE(listed, '$.source') = 'tiktok_ads'
  ) AS channel,
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
