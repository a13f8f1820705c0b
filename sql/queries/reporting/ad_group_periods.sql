-- The top @top_campaigns ad groups (Meta: ad sets) by spend over the report's period to date, with what their
-- platform reports then and over the same days of the period before (marts.campaign_performance_daily's ad
-- group rows). A UTM names a campaign, never an ad group: an ad group's ROAS and CPA are the platform's own.
WITH

ad_group_days AS (
  SELECT
    date, platform, campaign_name, ad_group_id, ad_group_name, COALESCE(spend, 0) AS spend,
    COALESCE(platform_conversions, 0) AS platform_conversions,
    COALESCE(platform_conversion_value, 0) AS platform_conversion_value
  FROM marts.campaign_performance_daily
  WHERE (date BETWEEN @current_from_date AND @current_to_date OR date BETWEEN @previous_from_date AND @previous_to_date)
    AND ad_group_id IS NOT NULL
),

per_ad_group AS (
  SELECT
    platform,
    ad_group_id,
    MAX(ad_group_name) AS ad_group_name,
    MAX(campaign_name) AS campaign_name,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, spend, 0)) AS current_spend,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, spend, 0)) AS previous_spend,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, platform_conversions, 0)) AS current_conversions,
    SUM(IF(date BETWEEN @current_from_date AND @current_to_date, platform_conversion_value, 0))
      AS current_conversion_value,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, platform_conversions, 0))
      AS previous_conversions,
    SUM(IF(date BETWEEN @previous_from_date AND @previous_to_date, platform_conversion_value, 0))
      AS previous_conversion_value
  FROM ad_group_days
  GROUP BY platform, ad_group_id
),

ranked AS (
  SELECT *, ROW_NUMBER() OVER (ORDER BY current_spend DESC, ad_group_name, ad_group_id) AS position
  FROM per_ad_group
  WHERE current_spend > 0
)

SELECT
  platform, ad_group_id, ad_group_name, campaign_name, current_spend, previous_spend, current_conversions,
  current_conversion_value, previous_conversions, previous_conversion_value
FROM ranked
WHERE position <= @top_campaigns
ORDER BY position
