-- The top @top_campaigns campaigns by spend over the report's period to date, with their spend, UTM-attributed
-- orders and revenue then and over the same days of the period before (marts.campaign_performance_daily: the
-- ad groups' platform rows and the campaigns' attribution rows summed per campaign), and the period's days on
-- which the campaign's channel had a source missing.
WITH

campaign_days AS (
  SELECT
    date, platform, channel, campaign_id, campaign_name, COALESCE(spend, 0) AS spend,
    COALESCE(attributed_orders, 0) AS attributed_orders,
    COALESCE(attributed_revenue, 0) AS attributed_revenue, is_complete
  FROM marts.campaign_performance_daily
  WHERE (date BETWEEN @current_from_date AND @current_to_date OR date BETWEEN @previous_from_date AND @previous_to_date)
    AND (campaign_id IS NOT NULL OR campaign_name IS NOT NULL)
),

per_campaign AS (
  SELECT
    platform,
    MAX(channel) AS channel,
    COALESCE(campaign_id, CONCAT('name:', LOWER(campaign_name))) AS campaign_key,
    MAX(campaign_name) AS campaign_name,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, spend, 0)) AS current_spend,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, spend, 0)) AS previous_spend,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, attributed_orders, 0)) AS current_orders,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, attributed_orders, 0)) AS previous_orders,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, attributed_revenue, 0)) AS current_revenue,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, attributed_revenue, 0)) AS previous_revenue,
    COUNT(DISTINCT IF(date BETWEEN @current_from_date AND @current_to_date AND NOT is_complete, date, NULL))
      AS incomplete_days
  FROM campaign_days
  GROUP BY platform, campaign_key
),

ranked AS (
  SELECT
    *,
    ROW_NUMBER() OVER (ORDER BY current_spend DESC, current_revenue DESC, campaign_name, campaign_key) AS position
  FROM per_campaign
  WHERE current_spend > 0 OR current_revenue > 0
)

SELECT
  platform, channel, campaign_key, campaign_name, current_spend, previous_spend, current_orders, previous_orders,
  current_revenue, previous_revenue, incomplete_days
FROM ranked
WHERE position <= @top_campaigns
ORDER BY position
