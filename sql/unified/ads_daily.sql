-- Grain: one row per day, platform and ad (ad group for Google Ads): every ad platform in one schema.
WITH

facebook AS (SELECT * FROM staging.stg_facebook_ads WHERE date BETWEEN @window_start AND @window_end),

tiktok AS (SELECT * FROM staging.stg_tiktok_ads WHERE date BETWEEN @window_start AND @window_end),

google AS (SELECT * FROM staging.stg_google_ads WHERE date BETWEEN @window_start AND @window_end),

all_platforms AS (
  SELECT * FROM facebook
  UNION ALL
  SELECT * FROM tiktok
  UNION ALL
  SELECT * FROM google
)

SELECT
  date,
  platform,
  channel,
  account_id,
  campaign_id,
  campaign_name,
  ad_group_id,
  ad_group_name,
  ad_id,
  ad_name,
  -- Money as NUMERIC so that sums are exact and extracts are byte-for-byte reproducible.
  ROUND(CAST(spend AS NUMERIC), 2) AS spend,
  impressions,
  clicks,
  conversions,
  ROUND(CAST(conversion_value AS NUMERIC), 2) AS conversion_value,
  currency
FROM all_platforms
