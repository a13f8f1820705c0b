-- grain: one row per day and currency: the euro reference rate in effect that day
-- key: date, currency
-- not null: rate, rate_date
-- partition: date (day)
-- cluster: currency
-- materialization: partitions
--
-- One row per day of the window and currency quoted against the euro: how many units of the currency one euro
-- is worth that day (raw.fx_rates: the ECB's euro foreign exchange reference rates, or the shop's fx_rates.csv in
-- the same terms), and rate_date, the day the rate was published for. The ECB publishes on TARGET working days
-- only (no rate on Saturdays, Sundays, 1 January, Good Friday, Easter Monday, 1 May, 25 and 26 December;
-- https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/): a day without a
-- rate takes the latest earlier one, at most 7 days old (Easter's closing leaves four days without). Older than
-- that, the day has no rate: unified.ad_performance then leaves the spend out rather than guess. The euro itself
-- is not listed: its rate is 1.
WITH

published AS (
  -- The latest landing of each day's rate (a rates file dropped again), from a week before the window on, for the
  -- window's first days. A day's rate is published, and so landed, after the day began.
  SELECT date, UPPER(TRIM(currency)) AS currency, rate
  FROM raw.fx_rates
  WHERE date BETWEEN DATE_SUB(@window_start, INTERVAL 7 DAY) AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 8 DAY))
    AND rate > 0
    AND UPPER(TRIM(currency)) != 'EUR'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY date, UPPER(TRIM(currency)) ORDER BY _airbyte_extracted_at DESC) = 1
),

days AS (
  -- The window's days from the first published rate on (a full build's window starts in 2000).
  SELECT day AS date
  FROM (SELECT GREATEST(@window_start, MIN(date)) AS first_date FROM published) AS first_day
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(first_day.first_date, @window_end)) AS day
)

SELECT
  days.date,
  published.currency,
  published.rate,
  published.date AS rate_date
FROM days
INNER JOIN published
  ON published.date BETWEEN DATE_SUB(days.date, INTERVAL 7 DAY) AND days.date
QUALIFY ROW_NUMBER() OVER (PARTITION BY days.date, published.currency ORDER BY published.date DESC) = 1
