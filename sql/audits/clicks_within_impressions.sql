-- Audit (warning): clicks never exceed impressions on an ad row.
SELECT date, platform, campaign_id, ad_group_id, ad_id, impressions, clicks
FROM unified.ads_daily
WHERE date BETWEEN @window_start AND @window_end
  AND clicks > impressions
