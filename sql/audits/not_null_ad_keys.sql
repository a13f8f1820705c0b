-- Audit (blocking): every ad row has a day, a channel, a campaign and a spend.
-- Column: campaign_id
SELECT date, platform, channel, campaign_id, ad_group_id, ad_id, spend
FROM (
  SELECT * FROM unified.facebook_unified
  UNION ALL
  SELECT * FROM unified.tiktok_unified
  UNION ALL
  SELECT * FROM unified.google_ads_unified
) AS ad_rows
WHERE date BETWEEN @window_start AND @window_end
  AND (channel IS NULL OR campaign_id IS NULL OR spend IS NULL)
