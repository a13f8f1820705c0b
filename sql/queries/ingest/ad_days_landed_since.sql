-- The days of ad spend in another currency than @shop_currency that the raw ad rows extracted at or after
-- @landed_since report (any day from @from_date, the history's first, older or newer than the run window), per
-- currency as ranges of consecutive days (first_day to last_day): ingest's check of the ad days without an exchange
-- rate (functions/ingest/days-without-rate.ts) reads the rows landed since its last check, not every ad row of
-- history. The ad days and their currencies are ad_currency_days.sql's (the ad_days slot), as in
-- ad_account_currencies.sql.
WITH

ad_days AS (
  SELECT currency, day
  FROM ({{ad_days}}) AS landed_ad_days
),

spend_days AS (
  SELECT DISTINCT currency, day
  FROM ad_days
  WHERE currency != @shop_currency
),

islands AS (
  -- Consecutive days share (day − its rank): one range per run of days.
  SELECT
    currency,
    day,
    DATE_DIFF(day, @from_date, DAY) - ROW_NUMBER() OVER (PARTITION BY currency ORDER BY day) AS island
  FROM spend_days
)

SELECT
  currency,
  CAST(MIN(day) AS STRING) AS first_day,
  CAST(MAX(day) AS STRING) AS last_day
FROM islands
GROUP BY currency, island
ORDER BY currency, first_day
