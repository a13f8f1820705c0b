-- The event days of the raw rows extracted since the last transform's watermark (each table's own mark,
-- @since_<table>), up to the run date: a refund or a cancellation of an old order (Airbyte lands the order
-- again), a late ad report, a backfilled file drop. A warm run rebuilds these days' partitions as well as its
-- window. For a table whose rows in the hours before its mark changed since that transform read them
-- (transform/landed_rows: a sync landed batches out of order), those hours are read again
-- (@reread_hours_<table>; 0 otherwise). Every read prunes on the raw tables' partition column
-- (_airbyte_extracted_at).
SELECT DISTINCT day
FROM (
  SELECT DATE(created_at, @shop_timezone) AS day
  FROM raw.shopify_orders
  WHERE _airbyte_extracted_at
    > TIMESTAMP_SUB(TIMESTAMP(@since_shopify_orders), INTERVAL @reread_hours_shopify_orders HOUR)
  UNION ALL
  SELECT date_start AS day
  FROM raw.facebook_ads_insights
  WHERE _airbyte_extracted_at
    > TIMESTAMP_SUB(TIMESTAMP(@since_facebook_ads_insights), INTERVAL @reread_hours_facebook_ads_insights HOUR)
  UNION ALL
  SELECT DATE(stat_time_day) AS day
  FROM raw.tiktok_ads_reports_daily
  WHERE _airbyte_extracted_at
    > TIMESTAMP_SUB(TIMESTAMP(@since_tiktok_ads_reports_daily), INTERVAL @reread_hours_tiktok_ads_reports_daily HOUR)
  UNION ALL
  SELECT segments_date AS day
  FROM raw.google_ads_campaign_stats
  WHERE _airbyte_extracted_at
    > TIMESTAMP_SUB(TIMESTAMP(@since_google_ads_campaign_stats), INTERVAL @reread_hours_google_ads_campaign_stats HOUR)
  UNION ALL
  SELECT segments_date AS day
  FROM raw.google_ads_asset_group_stats
  WHERE _airbyte_extracted_at
    > TIMESTAMP_SUB(TIMESTAMP(@since_google_ads_asset_group_stats), INTERVAL @reread_hours_google_ads_asset_group_stats HOUR)
  UNION ALL
  SELECT segments_date AS day
  FROM raw.google_ads_campaign_totals
  WHERE _airbyte_extracted_at
    > TIMESTAMP_SUB(TIMESTAMP(@since_google_ads_campaign_totals), INTERVAL @reread_hours_google_ads_campaign_totals HOUR)
  UNION ALL
  -- A euro reference rate landed since (a rates file dropped for past days) converts the spend of its own day and of
  -- the days after it that take it, up to 7 (staging.stg_fx_rates). Only a rate other than the one the last
  -- landing before the mark gave that day and currency counts: a rates file dropped again lands the same rates,
  -- which change no figure (the ECB fetch lands only new or corrected ones). Landings before the mark are read
  -- back 35 days only, so that this read does not grow with history: an older one is taken as different, which
  -- only rebuilds a few days.
  SELECT day
  FROM (
    SELECT date, UPPER(TRIM(currency)) AS currency, rate
    FROM raw.fx_rates
    WHERE _airbyte_extracted_at > TIMESTAMP_SUB(TIMESTAMP(@since_fx_rates), INTERVAL @reread_hours_fx_rates HOUR)
  ) AS landed
  LEFT JOIN (
    SELECT date, UPPER(TRIM(currency)) AS currency, rate
    FROM raw.fx_rates
    WHERE _airbyte_extracted_at <= TIMESTAMP_SUB(TIMESTAMP(@since_fx_rates), INTERVAL @reread_hours_fx_rates HOUR)
      AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@run_date, INTERVAL 35 DAY))
    QUALIFY ROW_NUMBER() OVER (PARTITION BY date, UPPER(TRIM(currency)) ORDER BY _airbyte_extracted_at DESC) = 1
  ) AS before_mark
    ON before_mark.date = landed.date AND before_mark.currency = landed.currency
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(landed.date, DATE_ADD(landed.date, INTERVAL 7 DAY))) AS day
  WHERE before_mark.rate IS NULL OR before_mark.rate != landed.rate
) AS changed
WHERE day <= @run_date
ORDER BY day
