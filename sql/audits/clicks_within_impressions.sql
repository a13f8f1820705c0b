-- Audit (warning): clicks never exceed impressions on an ad row.
-- Column: clicks
SELECT date, platform, campaign_id, ad_group_id, ad_id, impressions, clicks
FROM (
  SELECT * FROM unified.facebook_unified
  UNION ALL
  SELECT * FROM unified.tiktok_unified
  UNION ALL
  SELECT * FROM unified.google_ads_unified
) AS ad_rows
WHERE date BETWEEN @window_start AND @window_end
  AND clicks > impressions
