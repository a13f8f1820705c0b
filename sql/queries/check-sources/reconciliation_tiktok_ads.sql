-- The warehouse's side of the TikTok reconciliation: per day and advertiser in the window, spend, impressions and
-- clicks of each day's latest extraction of every ad, of the newest landing of the advertiser's day, a dropped
-- export or the API (the rule of sql/staging/stg_tiktok_ads_reports_daily.sql).
-- Only rows extracted from the day before the window on are read (the raw tables' partition column): a day's
-- rows, and every later version of them, are extracted after the day begins.
WITH

landed_rows AS (
  SELECT
    DATE(stat_time_day) AS report_date, advertiser_id, ad_id, metrics, _airbyte_extracted_at,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
  FROM raw.tiktok_ads_reports_daily
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND DATE(stat_time_day) BETWEEN @window_start AND @window_end
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

latest_reports AS (
  SELECT landed_rows.report_date AS day, landed_rows.advertiser_id, metrics
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
  day,
  CAST(advertiser_id AS STRING) AS account_id,
  COALESCE(SUM(SAFE_CAST(JSON_VALUE(metrics, '$.spend') AS FLOAT64)), 0) AS spend,
  COALESCE(SUM(SAFE_CAST(JSON_VALUE(metrics, '$.impressions') AS INT64)), 0) AS impressions,
  COALESCE(SUM(SAFE_CAST(JSON_VALUE(metrics, '$.clicks') AS INT64)), 0) AS clicks,
  -- The advertiser's currency, in which TikTok reports its amounts: the totals keep its decimals.
  MAX(UPPER(JSON_VALUE(metrics, '$.currency'))) AS currency
FROM latest_reports
GROUP BY day, account_id
