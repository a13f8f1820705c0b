-- grain: one row per day and source: whether the source had landed through that day
-- key: date, source
-- not null: is_expected, has_landed
-- partition: date (day)
-- cluster: source
-- materialization: partitions
--
-- One row per day and source (Shopify, and the ad platform of every paid channel in the channel list): whether
-- the shop expects the source (its quality settings: `expected: false` for a source it does not use, bound as
-- @expected_sources) and whether the source had landed data through that day, i.e. its newest event day is that
-- day or later. A KPI of a day whose expected source has not landed is incomplete: daily_kpis and
-- marketing_daily_channel carry is_complete / missing_sources from here.
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
)

SELECT
  days.date,
  sources.source,
  sources.source_label,
  sources.channel,
  sources.source IN UNNEST(JSON_VALUE_ARRAY(@expected_sources)) AS is_expected,
  COALESCE(newest_event_days.last_event_date >= days.date, FALSE) AS has_landed
FROM days
CROSS JOIN sources
LEFT JOIN newest_event_days ON newest_event_days.source = sources.source
