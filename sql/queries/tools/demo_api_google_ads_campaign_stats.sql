-- The demo shop's Google Ads stats as its API would serve them (tools/demo-apis.ts): each day's latest
-- extraction of every ad group in the window.
SELECT *
FROM raw.google_ads_campaign_stats
-- A bound on the partition column, as the raw tables' require_partition_filter demands; from HISTORY_START, it
-- reads every version, whenever it was extracted.
WHERE _airbyte_extracted_at >= TIMESTAMP('2000-01-01')
  AND segments_date BETWEEN @window_start AND @window_end
QUALIFY ROW_NUMBER() OVER (
  PARTITION BY segments_date, campaign_id, ad_group_id ORDER BY _airbyte_extracted_at DESC
) = 1
