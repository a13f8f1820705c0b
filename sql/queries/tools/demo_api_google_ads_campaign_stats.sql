-- The demo shop's Google Ads stats as its API would serve them (tools/demo-apis.ts): each day's latest
-- extraction of every ad group in the window.
SELECT *
FROM raw.google_ads_campaign_stats
WHERE segments_date BETWEEN @window_start AND @window_end
QUALIFY ROW_NUMBER() OVER (
  PARTITION BY segments_date, campaign_id, ad_group_id ORDER BY _airbyte_extracted_at DESC
) = 1
