-- Audit (blocking): no ad row reports negative spend, impressions or clicks.
-- Column: spend
SELECT date, platform, campaign_id, ad_group_id, ad_id, spend, impressions, clicks
FROM (
  SELECT * FROM unified.facebook_unified
  UNION ALL
  SELECT * FROM unified.tiktok_unified
  UNION ALL
  SELECT * FROM unified.google_ads_unified
) AS ad_rows
WHERE date BETWEEN @window_start AND @window_end
  AND (spend < 0 OR impressions < 0 OR clicks < 0)
