-- The warehouse's side of the Google Ads reconciliation: per day and customer in the window, cost (from micros),
-- impressions and clicks of each day's latest extraction of every ad group and asset group, and of what each
-- campaign's own day (raw.google_ads_campaign_totals) counts beyond them, such as a Smart campaign's day (the rule
-- of sql/staging/stg_google_ads_campaign_stats.sql: per campaign and day, each metric is the larger of the
-- campaign's total and its groups' sum), of the newest landing of the customer's day, a dropped report or the API.
-- Only rows extracted from the day before the window on are read (the raw tables' partition column): a day's
-- rows, and every later version of them, are extracted after the day begins.
WITH

group_stats AS (
  -- Ad groups, and the asset groups of Performance Max campaigns (which have no ad groups), as staging reads them.
  SELECT segments_date, customer_id, customer_currency_code, campaign_id, ad_group_id, metrics_cost_micros, metrics_impressions, metrics_clicks,
    _airbyte_extracted_at, COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
  FROM raw.google_ads_campaign_stats
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND segments_date BETWEEN @window_start AND @window_end
    AND ad_group_id IS NOT NULL
  UNION ALL
  SELECT segments_date, customer_id, customer_currency_code, campaign_id, asset_group_id AS ad_group_id, metrics_cost_micros,
    metrics_impressions, metrics_clicks, _airbyte_extracted_at,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
  FROM raw.google_ads_asset_group_stats
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND segments_date BETWEEN @window_start AND @window_end
),

landed_totals AS (
  SELECT
    segments_date, customer_id, campaign_id, customer_currency_code, metrics_cost_micros, metrics_impressions,
    metrics_clicks, _airbyte_extracted_at,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file
  FROM raw.google_ads_campaign_totals
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@window_start), INTERVAL 1 DAY)
    AND segments_date BETWEEN @window_start AND @window_end
),

account_days AS (
  -- When each customer's day last landed from a file and from the API, over the three tables.
  SELECT
    segments_date, customer_id,
    MAX(IF(from_file, _airbyte_extracted_at, NULL)) AS file_landed_at,
    MAX(IF(from_file, NULL, _airbyte_extracted_at)) AS api_landed_at
  FROM (
    SELECT segments_date, customer_id, from_file, _airbyte_extracted_at FROM group_stats
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

group_sums AS (
  SELECT
    segments_date, customer_id, campaign_id,
    MAX(UPPER(customer_currency_code)) AS currency,
    COALESCE(SUM(metrics_cost_micros), 0) AS cost_micros,
    COALESCE(SUM(metrics_impressions), 0) AS impressions,
    COALESCE(SUM(metrics_clicks), 0) AS clicks
  FROM (
    SELECT group_stats.*
    FROM group_stats
    INNER JOIN account_landings
      ON account_landings.segments_date = group_stats.segments_date
      AND account_landings.customer_id = group_stats.customer_id
    WHERE group_stats.from_file = account_landings.files_win
    QUALIFY ROW_NUMBER() OVER (
      PARTITION BY group_stats.segments_date, group_stats.campaign_id, group_stats.ad_group_id
      ORDER BY group_stats._airbyte_extracted_at DESC
    ) = 1
  ) AS latest_groups
  GROUP BY segments_date, customer_id, campaign_id
),

campaign_totals AS (
  SELECT
    landed_totals.segments_date, landed_totals.customer_id, campaign_id, customer_currency_code,
    metrics_cost_micros, metrics_impressions, metrics_clicks
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

campaign_days AS (
  SELECT
    COALESCE(sums.segments_date, totals.segments_date) AS segments_date,
    COALESCE(sums.customer_id, totals.customer_id) AS customer_id,
    COALESCE(sums.currency, UPPER(totals.customer_currency_code)) AS currency,
    GREATEST(COALESCE(sums.cost_micros, 0), COALESCE(totals.metrics_cost_micros, 0)) AS cost_micros,
    GREATEST(COALESCE(sums.impressions, 0), COALESCE(totals.metrics_impressions, 0)) AS impressions,
    GREATEST(COALESCE(sums.clicks, 0), COALESCE(totals.metrics_clicks, 0)) AS clicks
  FROM group_sums AS sums
  FULL OUTER JOIN campaign_totals AS totals
    ON totals.segments_date = sums.segments_date AND totals.campaign_id = sums.campaign_id
)

SELECT
  segments_date AS day,
  CAST(customer_id AS STRING) AS account_id,
  COALESCE(SUM(cost_micros), 0) / 1000000 AS spend,
  COALESCE(SUM(impressions), 0) AS impressions,
  COALESCE(SUM(clicks), 0) AS clicks,
  -- The customer's currency, in which Google Ads reports its costs: the totals keep its decimals.
  MAX(currency) AS currency
FROM campaign_days
GROUP BY day, account_id
