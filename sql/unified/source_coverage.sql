-- grain: one row per day and source: whether the source had landed through that day
-- key: date, source
-- not null: is_expected, has_rows, has_landed
-- partition: date (day)
-- cluster: source
-- materialization: partitions
--
-- One row per day and source (Shopify, and the ad platform of every paid channel in the channel list): whether
-- the shop expects the source (its quality settings: `expected: false` for a source it does not use, bound as
-- @expected_sources) and whether the source had landed data for that day: its newest event day is that day or
-- later, and, for an ad platform whose data arrives as exports (file drops), the day is not one between its first
-- and its last exported day that no export's period covers (@export_gaps, from ops.file_drops) and no row of
-- it is dated (has_rows). Such a day is unknown, not a day of no spend. A platform with no export (synced by
-- Airbyte or a connector) has no period: its newest day alone decides, except on the days of history its connector
-- still owes an account (ops.connector_history_owed: a first run's initialDays beyond one run, a long gap), which
-- are in @export_gaps too, with the account: unknown until a row of that account is dated that day (another
-- account's spend that day is not the owing one's). A KPI of a day whose expected source has
-- not landed is incomplete: daily_kpis and marketing_daily_channel carry is_complete / missing_sources from here.
-- An ad platform's day with spend in another currency than the shop's and no exchange rate to convert it
-- (unified.ad_performance's fx_rate is NULL, lacks_exchange_rate) has not landed either: its spend is unknown in
-- the shop's money, not 0. Its rows did land, though: unconverted_currencies names the account currencies those rows
-- are in ('/'-separated, e.g. GBP/USD; NULL where its rows name no currency), so that what the reader sees asks for
-- the rate, not for data ("Meta: spend not converted — no USD exchange rate for …", not "no data since …").
WITH

sources AS (
  SELECT 'shopify' AS source, 'Shopify' AS source_label, CAST(NULL AS STRING) AS channel
  UNION ALL
  SELECT source, source_label, channel
  FROM staging.channels
  WHERE source IS NOT NULL
),

newest_event_days AS (
  -- The newest day each source has data for, from the window's first day on (later days count: a backfill of
  -- an older window sees the source as landed). NULL: nothing since the window's start.
  SELECT 'shopify' AS source, MAX(order_date) AS last_event_date
  FROM unified.shopify_unified
  WHERE order_date >= @window_start
  UNION ALL
  SELECT platform AS source, MAX(date) AS last_event_date
  FROM unified.ad_performance
  WHERE date >= @window_start
  GROUP BY platform
),

days_with_rows AS (
  -- The window's days each source has a row dated: an order, or an ad's day.
  SELECT 'shopify' AS source, date
  FROM unified.shop_order_days
  WHERE date BETWEEN @window_start AND @window_end
  UNION DISTINCT
  SELECT DISTINCT platform AS source, date
  FROM unified.ad_performance
  WHERE date BETWEEN @window_start AND @window_end
),

days_without_rates AS (
  -- The window's days a platform has a row it could not convert to the shop's currency, and the currencies of
  -- those rows (a row that names none adds none).
  SELECT
    platform AS source,
    date,
    STRING_AGG(DISTINCT account_currency, '/' ORDER BY account_currency) AS unconverted_currencies
  FROM unified.ad_performance
  WHERE date BETWEEN @window_start AND @window_end
    AND fx_rate IS NULL
  GROUP BY platform, date
),

coverage_gaps AS (
  -- From functions/transform/export-periods.ts: the days between a platform's first and last exported day that no
  -- export covers ({source, start, end}), and the days a connector still owes an account ({source, account, start,
  -- end}); each kind in ranges that do not overlap (a platform's, an account's).
  SELECT
    JSON_VALUE(gap, '$.source') AS source,
    JSON_VALUE(gap, '$.account') AS account_id,
    CAST(JSON_VALUE(gap, '$.start') AS DATE) AS gap_start,
    CAST(JSON_VALUE(gap, '$.end') AS DATE) AS gap_end
  FROM UNNEST(JSON_QUERY_ARRAY(@export_gaps)) AS gap
),

export_gaps AS (
  SELECT source, gap_start, gap_end
  FROM coverage_gaps
  WHERE account_id IS NULL
),

account_days_with_rows AS (
  -- The window's days each ad account has a row dated.
  SELECT DISTINCT platform AS source, account_id, date
  FROM unified.ad_performance
  WHERE date BETWEEN @window_start AND @window_end
),

owed_days_without_rows AS (
  -- The window's days a connector still owes an account that has no row dated that day: one such account leaves
  -- its platform's day unknown, whatever the platform's other accounts landed.
  SELECT DISTINCT owed.source, day AS date
  FROM coverage_gaps AS owed
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(
    GREATEST(owed.gap_start, @window_start), LEAST(owed.gap_end, @window_end)
  )) AS day
  LEFT JOIN account_days_with_rows
    ON account_days_with_rows.source = owed.source
    AND account_days_with_rows.account_id = owed.account_id
    AND account_days_with_rows.date = day
  WHERE owed.account_id IS NOT NULL
    AND owed.gap_end >= @window_start
    AND owed.gap_start <= @window_end
    AND account_days_with_rows.date IS NULL
),

first_day AS (
  -- Days before the shop's first order have nothing to be complete about. Its first order day over all of history
  -- (one row a day), not the window's: a window that opens on days without orders covers them, as a full rebuild
  -- does. A shop without any order yet is covered on the window's last day.
  SELECT GREATEST(@window_start, COALESCE(MIN(date), @window_end)) AS first_date
  FROM unified.shop_order_days
),

days AS (
  SELECT day AS date
  FROM first_day
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(first_day.first_date, @window_end)) AS day
),

day_sources AS (
  SELECT
    days.date,
    sources.source,
    sources.source_label,
    sources.channel,
    sources.source IN UNNEST(JSON_VALUE_ARRAY(@expected_sources)) AS is_expected,
    days_with_rows.date IS NOT NULL AS has_rows,
    COALESCE(newest_event_days.last_event_date >= days.date, FALSE) AS through_newest_day,
    export_gaps.source IS NOT NULL AS between_exports_uncovered,
    owed_days_without_rows.source IS NOT NULL AS owed_by_connector,
    days_without_rates.date IS NOT NULL AS lacks_exchange_rate,
    days_without_rates.unconverted_currencies
  FROM days
  CROSS JOIN sources
  LEFT JOIN newest_event_days ON newest_event_days.source = sources.source
  LEFT JOIN days_with_rows ON days_with_rows.source = sources.source AND days_with_rows.date = days.date
  LEFT JOIN days_without_rates
    ON days_without_rates.source = sources.source AND days_without_rates.date = days.date
  -- A platform's gaps do not overlap: a day is in one at most.
  LEFT JOIN export_gaps
    ON export_gaps.source = sources.source
    AND days.date BETWEEN export_gaps.gap_start AND export_gaps.gap_end
  LEFT JOIN owed_days_without_rows
    ON owed_days_without_rows.source = sources.source AND owed_days_without_rows.date = days.date
)

SELECT
  date,
  source,
  source_label,
  channel,
  is_expected,
  has_rows,
  through_newest_day
  AND NOT (between_exports_uncovered AND NOT has_rows)
  AND NOT owed_by_connector
  AND NOT lacks_exchange_rate AS has_landed,
  lacks_exchange_rate,
  unconverted_currencies
FROM day_sources
