-- The demo shop's Meta insights as its Marketing API would serve them (tools/demo-apis.ts): each day's latest
-- extraction of every ad in the window.
SELECT *
FROM raw.facebook_ads_insights
-- A bound on the partition column, as the raw tables' require_partition_filter demands; from HISTORY_START, it
-- reads every version, whenever it was extracted.
WHERE _airbyte_extracted_at >= TIMESTAMP('2000-01-01')
  AND date_start BETWEEN @window_start AND @window_end
QUALIFY ROW_NUMBER() OVER (PARTITION BY date_start, ad_id ORDER BY _airbyte_extracted_at DESC) = 1
