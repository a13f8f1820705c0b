-- Audit (blocking): no ad row reports negative spend, impressions or clicks.
-- Table: unified.ad_performance
-- Column: spend
SELECT date, platform, campaign_id, ad_group_id, ad_id, spend, impressions, clicks
FROM unified.ad_performance
WHERE date BETWEEN @window_start AND @window_end
  AND (spend < 0 OR impressions < 0 OR clicks < 0)
