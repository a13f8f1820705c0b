-- Audit (warning): clicks never exceed impressions on an ad row.
-- Table: unified.ad_performance
-- Column: clicks
SELECT date, platform, campaign_id, ad_group_id, ad_id, impressions, clicks
FROM unified.ad_performance
WHERE date BETWEEN @window_start AND @window_end
  AND clicks > impressions
