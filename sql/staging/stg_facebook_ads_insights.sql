-- grain: one row per day and Meta ad
-- key: date, ad_id
-- partition: date (day)
-- cluster: campaign_id
-- materialization: partitions
--
-- One row per day and Meta ad (the latest extraction of that day's insights), in the run window. An account's day
-- may land twice, from the API (the connector or Airbyte) and from an Ads Manager export dropped in the inbox,
-- whose ids are derived from the names (functions/ingest/ads.ts), not Meta's: the newest landing's rows of the
-- account and day win, whichever way it landed, and the other's are left out whole.
WITH

landed_rows AS (
  SELECT
    *,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
  FROM raw.facebook_ads_insights
  WHERE date_start BETWEEN @window_start AND @window_end
    -- A day's rows are extracted after the day began: the raw tables' partition column prunes to the window.
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
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

raw_insights AS (
  -- The newest landing's rows (the API's on a tie), then each ad's latest extraction among them.
  SELECT landed_rows.* EXCEPT (from_file)
  FROM landed_rows
  INNER JOIN account_landings
    ON account_landings.date_start = landed_rows.date_start AND account_landings.account_id = landed_rows.account_id
  WHERE landed_rows.from_file = account_landings.files_win
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY landed_rows.date_start, landed_rows.ad_id ORDER BY landed_rows._airbyte_extracted_at DESC
  ) = 1
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
  -- The channel whose spend this platform reports, from the channel list: the @channels parameter, as
  -- staging.channels reads it, for check-sources runs this model (its reconciliation) before any table is built.
  (
    SELECT JSON_VALUE(listed, '$.channel')
    FROM UNNEST(JSON_QUERY_ARRAY(@channels)) AS listed
    WHERE JSON_VALUE(listed, '$.source') = 'facebook_ads'
  ) AS channel,
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
