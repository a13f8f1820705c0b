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
-- and its last exported day that no export's period covers (@export_periods, from ops.file_drops) and no row of
-- it is dated (has_rows). Such a day is unknown, not a day of no spend. A platform with no export (synced by
-- Airbyte or a connector) has no period: its newest day alone decides. A KPI of a day whose expected source has
-- not landed is incomplete: daily_kpis and marketing_daily_channel carry is_complete / missing_sources from here.
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

export_periods AS (
  -- The days each ad platform's exports cover, as ranges ({source, start, end}; none for a platform with none).
  SELECT
    JSON_VALUE(period, '$.source') AS source,
    CAST(JSON_VALUE(period, '$.start') AS DATE) AS period_start,
    CAST(JSON_VALUE(period, '$.end') AS DATE) AS period_end
  FROM UNNEST(JSON_QUERY_ARRAY(@export_periods)) AS period
),

exported_spans AS (
  -- The first and the last day a platform's exports cover: a day between them that none covers is a gap.
  SELECT source, MIN(period_start) AS first_date, MAX(period_end) AS last_date
  FROM export_periods
  GROUP BY source
),

exported_days AS (
  -- The window's days an export covers, per platform.
  SELECT DISTINCT export_periods.source, day AS date
  FROM export_periods
  CROSS JOIN
    UNNEST(
      GENERATE_DATE_ARRAY(
        GREATEST(export_periods.period_start, @window_start),
        LEAST(export_periods.period_end, @window_end)
      )
    ) AS day
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
    COALESCE(days.date BETWEEN exported_spans.first_date AND exported_spans.last_date, FALSE)
    AND exported_days.date IS NULL AS between_exports_uncovered
  FROM days
  CROSS JOIN sources
  LEFT JOIN newest_event_days ON newest_event_days.source = sources.source
  LEFT JOIN days_with_rows ON days_with_rows.source = sources.source AND days_with_rows.date = days.date
  LEFT JOIN exported_spans ON exported_spans.source = sources.source
  LEFT JOIN exported_days ON exported_days.source = sources.source AND exported_days.date = days.date
)

SELECT
  date,
  source,
  source_label,
  channel,
  is_expected,
  has_rows,
  through_newest_day AND NOT (between_exports_uncovered AND NOT has_rows) AS has_landed
FROM day_sources
