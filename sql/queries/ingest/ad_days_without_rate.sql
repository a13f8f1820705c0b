-- Of the days of ad spend in @ad_days (a JSON array of {currency, needs, first_day, last_day} ranges, from
-- functions/ingest/days-without-rate.ts), those that no landed rate converts, as ranges of consecutive days per
-- currency and rate lacking (needs), with how many days each holds. A day of spend in a currency other than
-- @shop_currency needs a rate of that currency and one of the shop's (the euro needs none); it has one when
-- raw.fx_rates holds a rate for it or for one of the 7 days before it, the rates staging.stg_fx_rates lets it take.
-- A range without `needs` is days the raw ad rows landed since the last check report: both rates are looked for.
-- One with `needs` is days that check found lacking that rate: only it is looked for (the other was there).
-- Only the rates landed at or after @rates_landed_since are read: the caller sets it before the week of the first
-- day without `needs` (a rate lands after its day began) and before the last check (the rate its days lacked had
-- not landed then), so the scan keeps to the partitions landed since, not every rate of history.
WITH

spans AS (
  SELECT
    JSON_VALUE(span, '$.currency') AS currency,
    JSON_VALUE(span, '$.needs') AS needs,
    CAST(JSON_VALUE(span, '$.first_day') AS DATE) AS first_day,
    CAST(JSON_VALUE(span, '$.last_day') AS DATE) AS last_day
  FROM UNNEST(JSON_QUERY_ARRAY(@ad_days)) AS span
),

spend_days AS (
  SELECT DISTINCT spans.currency, spans.needs, day
  FROM spans
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(spans.first_day, spans.last_day)) AS day
),

landed_rates AS (
  -- Any landing counts: staging takes the newest of a day's, and every rate that lands is positive.
  SELECT DISTINCT date, UPPER(TRIM(currency)) AS currency
  FROM raw.fx_rates
  WHERE _airbyte_extracted_at >= TIMESTAMP(@rates_landed_since)
    AND rate > 0
),

needed_rates AS (
  -- Each rate a day of spend in another currency than the shop's needs: its currency's and the shop's, per euro.
  SELECT currency, day, currency AS needed_currency
  FROM spend_days
  WHERE currency != @shop_currency AND currency != 'EUR' AND COALESCE(needs, currency) = currency
  UNION ALL
  SELECT currency, day, @shop_currency AS needed_currency
  FROM spend_days
  WHERE currency != @shop_currency AND @shop_currency != 'EUR' AND COALESCE(needs, @shop_currency) = @shop_currency
),

days_without_rate AS (
  SELECT DISTINCT currency, needed_currency, day
  FROM (
    SELECT needed_rates.currency, needed_rates.day, needed_rates.needed_currency
    FROM needed_rates
    LEFT JOIN landed_rates
      ON landed_rates.currency = needed_rates.needed_currency
      AND landed_rates.date BETWEEN DATE_SUB(needed_rates.day, INTERVAL 7 DAY) AND needed_rates.day
    GROUP BY needed_rates.currency, needed_rates.day, needed_rates.needed_currency
    HAVING COUNT(landed_rates.date) = 0
  ) AS lacking
),

islands AS (
  -- Consecutive days share (day − its rank): one range per run of days.
  SELECT
    currency,
    needed_currency,
    day,
    DATE_DIFF(day, DATE '2000-01-01', DAY)
    - ROW_NUMBER() OVER (PARTITION BY currency, needed_currency ORDER BY day) AS island
  FROM days_without_rate
)

SELECT
  currency,
  needed_currency AS needs,
  CAST(MIN(day) AS STRING) AS first_day,
  CAST(MAX(day) AS STRING) AS last_day
FROM islands
GROUP BY currency, needed_currency, island
ORDER BY currency, needs, first_day
