-- Audit (blocking): the unified ad tables have one row per day and ad (Google Ads: per day and ad group).
-- Column: ad_id
SELECT platform, date, campaign_id, ad_group_id, ad_id, COUNT(*) AS copies
FROM (
  SELECT * FROM unified.facebook_unified
  UNION ALL
  SELECT * FROM unified.tiktok_unified
  UNION ALL
  SELECT * FROM unified.google_ads_unified
) AS ad_rows
WHERE date BETWEEN @window_start AND @window_end
GROUP BY platform, date, campaign_id, ad_group_id, ad_id
HAVING COUNT(*) > 1
