-- The currencies the ad accounts' raw rows report in, over a window of days, each with the first day spent in it
-- and the days whose spend in it no landed rate converts: those staging reads as each platform's account currency
-- (the ad days of ad_currency_days.sql, which fills the ad_days slot: the window's, from @from_date, its start,
-- landed from @landed_since, the day before it), so that ingest fetches the exchange rates
-- unified.ad_performance will need for them. Over the
-- run window: the currencies to ask for; over all history (the window starts in 2000, and this reads every ad row
-- once): from the first day that needs one when the transform rebuilds all history (a first build,
-- --full-refresh; functions/ingest/ecb-rates.ts), and for the command line's summary, the days a run that rebuilt
-- all history without ingest left without one. A daily run's check of the older days left without a rate reads
-- only what landed since its last check instead (ad_days_landed_since.sql, ad_days_without_rate.sql).
-- A day of spend in a currency other than @shop_currency needs a rate of that currency and one of the shop's (the
-- euro needs none); it has one when raw.fx_rates holds a rate landed for it or for one of the 7 days before it, the
-- rates staging.stg_fx_rates lets it take. first_day_without_rate and days_without_rate: the first such day lacking
-- either, and how many; NULL and 0 for the shop's own currency.
-- A day's rows are extracted after the day began (a rate's too): the bound on each raw table's partition column
-- keeps the scan to the window's partitions, as staging's does.
WITH

ad_days AS (
  -- The window's raw ad rows: of its days, landed from the day before it on (@landed_since; a day's rows are
  -- extracted after the day began).
  SELECT currency, day
  FROM ({{ad_days}}) AS landed_ad_days
  WHERE day <= @window_end
),

spend_days AS (
  SELECT DISTINCT currency, day
  FROM ad_days
),

landed_rates AS (
  -- Any landing counts: staging takes the newest of a day's, and every rate that lands is positive.
  SELECT DISTINCT date, UPPER(TRIM(currency)) AS currency
  FROM raw.fx_rates
  WHERE date BETWEEN DATE_SUB(@window_start, INTERVAL 7 DAY) AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 8 DAY))
    AND rate > 0
),

needed_rates AS (
  -- Each rate a day of spend in another currency than the shop's needs: its currency's and the shop's, per euro.
  SELECT currency, day, currency AS needed_currency
  FROM spend_days
  WHERE currency != @shop_currency AND currency != 'EUR'
  UNION ALL
  SELECT currency, day, @shop_currency AS needed_currency
  FROM spend_days
  WHERE currency != @shop_currency AND @shop_currency != 'EUR'
),

days_without_rate AS (
  SELECT DISTINCT currency, day
  FROM (
    SELECT needed_rates.currency, needed_rates.day, needed_rates.needed_currency
    FROM needed_rates
    LEFT JOIN landed_rates
      ON landed_rates.currency = needed_rates.needed_currency
      AND landed_rates.date BETWEEN DATE_SUB(needed_rates.day, INTERVAL 7 DAY) AND needed_rates.day
    GROUP BY needed_rates.currency, needed_rates.day, needed_rates.needed_currency
    HAVING COUNT(landed_rates.date) = 0
  ) AS lacking
)

SELECT
  spend_days.currency,
  CAST(MIN(spend_days.day) AS STRING) AS first_day,
  CAST(MIN(days_without_rate.day) AS STRING) AS first_day_without_rate,
  COUNT(days_without_rate.day) AS days_without_rate
FROM spend_days
LEFT JOIN days_without_rate
  ON days_without_rate.currency = spend_days.currency AND days_without_rate.day = spend_days.day
GROUP BY spend_days.currency
ORDER BY spend_days.currency
