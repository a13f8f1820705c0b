-- grain: one row per day and channel (every paid channel every day), with why a value is 0
-- key: date, channel
-- partition: none
-- cluster: channel
-- materialization: full
--
-- One row per day and channel (every paid channel every day, even with no data), with a sentence saying
-- why a value is 0 or NULL: no spend that day, the source is stale, no UTM-attributed orders, its spend not
-- converted for want of an exchange rate (its rows landed: a rate is what is missing, not spend), and so on.
-- Rebuilt whole on every run (a few rows a day): a day explained as "source stale" while its platform had not
-- caught up says what is known now once it has, and last_data_date is each platform's newest day as of the run
-- on every row, as a full rebuild gives. Built by partitions, a row kept the reasons of the run that last built it.
WITH

paid_channels AS (
  SELECT channel, source_label
  FROM staging.channels
  WHERE is_paid_channel
),

days AS (
  SELECT day AS date
  FROM UNNEST(GENERATE_DATE_ARRAY(
    -- From the shop's first order day (unified.shop_order_days: one row a day, not every order's date).
    GREATEST(@window_start, (SELECT MIN(date) FROM unified.shop_order_days)),
    @window_end
  )) AS day
),

last_platform_days AS (
  -- The newest day each channel's platform has any row for, over all history (only the partition column and
  -- the channel are read).
  SELECT channel, MAX(date) AS last_data_date
  FROM unified.ad_performance
  GROUP BY channel
),

channel_days AS (
  -- Every day to the run date: the table is rebuilt whole (see above).
  SELECT date, channel, has_platform_data, spend, impressions, clicks, attributed_orders, attributed_revenue, roas,
    lacks_exchange_rate, unconverted_currencies
  FROM unified.marketing_unified
  WHERE date <= @window_end
),

paid_spine AS (
  SELECT days.date, paid_channels.channel, paid_channels.source_label
  FROM days
  CROSS JOIN paid_channels
),

all_rows AS (
  SELECT
    COALESCE(paid_spine.date, channel_days.date) AS date,
    COALESCE(paid_spine.channel, channel_days.channel) AS channel,
    paid_spine.source_label,
    paid_spine.channel IS NOT NULL AS is_paid_channel,
    COALESCE(channel_days.has_platform_data, FALSE) AS has_platform_data,
    COALESCE(channel_days.spend, 0) AS spend,
    COALESCE(channel_days.impressions, 0) AS impressions,
    COALESCE(channel_days.clicks, 0) AS clicks,
    COALESCE(channel_days.attributed_orders, 0) AS attributed_orders,
    COALESCE(channel_days.attributed_revenue, 0) AS attributed_revenue,
    -- NULL on a day the channel has no row: no spend.
    channel_days.roas,
    COALESCE(channel_days.lacks_exchange_rate, FALSE) AS lacks_exchange_rate,
    channel_days.unconverted_currencies
  FROM paid_spine
  FULL OUTER JOIN channel_days
    ON channel_days.date = paid_spine.date AND channel_days.channel = paid_spine.channel
)

SELECT
  all_rows.date,
  all_rows.channel,
  all_rows.is_paid_channel,
  all_rows.spend,
  all_rows.impressions,
  all_rows.clicks,
  all_rows.attributed_orders,
  all_rows.attributed_revenue,
  all_rows.roas,
  last_platform_days.last_data_date,
  CASE
    WHEN NOT all_rows.is_paid_channel THEN 'not a paid channel: no spend by definition, ROAS not applicable'
    WHEN NOT all_rows.has_platform_data AND (last_platform_days.last_data_date IS NULL OR all_rows.date > last_platform_days.last_data_date)
      THEN CONCAT(all_rows.source_label, ' source stale: no data after ', COALESCE(CAST(last_platform_days.last_data_date AS STRING), 'ever'))
    WHEN NOT all_rows.has_platform_data THEN CONCAT('no ', all_rows.source_label, ' rows for this day')
    -- Its rows landed, but (some of) their spend had no exchange rate: not a day without spend.
    WHEN all_rows.lacks_exchange_rate THEN CONCAT(
      all_rows.source_label,
      ' spend not converted: ',
      COALESCE(
        CONCAT('no ', REPLACE(all_rows.unconverted_currencies, '/', ' or '), ' exchange rate'),
        'its rows name no currency'
      )
    )
    WHEN all_rows.spend = 0 THEN 'no spend that day'
    WHEN all_rows.attributed_orders = 0 THEN 'spend but no UTM-attributed orders: attribution broken or no conversions'
    ELSE NULL
  END AS explanation
FROM all_rows
LEFT JOIN last_platform_days ON last_platform_days.channel = all_rows.channel
