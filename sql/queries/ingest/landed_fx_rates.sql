-- The newest landed rate of each day and currency over a period (@period_start_date to @period_end_date), as
-- staging.stg_fx_rates takes it (the latest landing of a day's rate): the rates the ECB fetch asks for are
-- compared with these, and only a new or a different one lands (functions/ingest/ecb-rates.ts), so that the same
-- two weeks fetched every morning do not pile up in raw.fx_rates. A day's rate is published, and so landed, after
-- the day began (a dropped file's too): the bound on the partition column keeps the scan to the period's
-- partitions, as staging's does.
SELECT
  CAST(date AS STRING) AS date,
  UPPER(TRIM(currency)) AS currency,
  CAST(rate AS STRING) AS rate
FROM raw.fx_rates
WHERE date BETWEEN @period_start_date AND @period_end_date
  AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@period_start_date, INTERVAL 1 DAY))
QUALIFY ROW_NUMBER() OVER (PARTITION BY date, UPPER(TRIM(currency)) ORDER BY _airbyte_extracted_at DESC) = 1
