-- The warehouse's side of the Meta reconciliation: per day and ad account in the window, spend, impressions and
-- clicks of each day's latest extraction of every ad, of the newest landing of the account's day, a dropped export
-- or the API (the rule of sql/staging/stg_facebook_ads_insights.sql).
-- Only rows extracted from the day before the window on are read (the raw tables' partition column): a day's
-- rows, and every later version of them, are extracted after the day begins.
WITH

landed_rows AS (
  SELECT
    date_start, account_id, account_currency, ad_id, spend, impressions, clicks, _airbyte_extracted_at,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
  FROM raw.facebook_ads_insights
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND date_start BETWEEN @window_start AND @window_end
),

account_days AS (
  -- When each account's day last landed from a file and from the API.
  SELECT
    date_start, account_id,
    MAX(IF(from_file, _airbyte_extracted_at, NULL)) AS file_landed_at,
    MAX(IF(from_file, NULL, _airbyte_extracted_at)) AS api_landed_at
  FROM landed_rows
  GROUP BY date_start, account_id
),

day_landings AS (
  -- Per day, the newest landing of an export naming no account (its rows carry @unnamed_meta_account) and of the
  -- API's rows of any account.
  SELECT
    date_start,
    MAX(IF(CAST(account_id AS STRING) = @unnamed_meta_account, file_landed_at, NULL)) AS unnamed_file_landed_at,
    MAX(api_landed_at) AS api_landed_at
  FROM account_days
  GROUP BY date_start
),

account_landings AS (
  -- Whether an account's day counts its file rows (else its API rows): its own export's when that landed after its
  -- API rows (the API's on a tie); an export naming no account may be any account's, so it counts only when it
  -- landed after every account's API rows of the day, and then in place of them all.
  SELECT
    account_days.date_start, account_days.account_id,
    IF(
      CAST(account_days.account_id AS STRING) = @unnamed_meta_account,
      unnamed_wins,
      unnamed_wins
        OR COALESCE(account_days.file_landed_at > account_days.api_landed_at, account_days.api_landed_at IS NULL)
    ) AS files_win
  FROM account_days
  INNER JOIN (
    SELECT
      date_start,
      unnamed_file_landed_at IS NOT NULL AND COALESCE(unnamed_file_landed_at > api_landed_at, TRUE) AS unnamed_wins
    FROM day_landings
  ) AS days
    ON days.date_start = account_days.date_start
),

latest_insights AS (
  SELECT landed_rows.date_start, landed_rows.account_id, account_currency, spend, impressions, clicks
  FROM landed_rows
  INNER JOIN account_landings
    ON account_landings.date_start = landed_rows.date_start AND account_landings.account_id = landed_rows.account_id
  WHERE landed_rows.from_file = account_landings.files_win
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY landed_rows.date_start, landed_rows.ad_id ORDER BY landed_rows._airbyte_extracted_at DESC
  ) = 1
)

SELECT
  date_start AS day,
  account_id,
  CAST(COALESCE(SUM(spend), 0) AS FLOAT64) AS spend,
  COALESCE(SUM(impressions), 0) AS impressions,
  COALESCE(SUM(clicks), 0) AS clicks,
  -- The account's currency, in which Meta reports its amounts: the totals keep its decimals.
  MAX(UPPER(account_currency)) AS currency
FROM latest_insights
GROUP BY day, account_id
