-- The demo shop's TikTok report rows as its Business API would serve them (tools/demo-apis.ts): each day's
-- latest extraction of every ad in the window.
SELECT *
FROM raw.tiktok_ads_reports_daily
-- A bound on the partition column, as the raw tables' require_partition_filter demands; from HISTORY_START, it
-- reads every version, whenever it was extracted.
WHERE _airbyte_extracted_at >= TIMESTAMP('2000-01-01')
  AND DATE(stat_time_day) BETWEEN @window_start AND @window_end
QUALIFY ROW_NUMBER() OVER (PARTITION BY ad_id, DATE(stat_time_day) ORDER BY _airbyte_extracted_at DESC) = 1
