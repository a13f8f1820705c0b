-- grain: one row per day and ad of every platform (Google Ads: per day and ad group, it reports no ad level)
-- key: date, platform, account_id, campaign_id, ad_group_id, ad_id?
-- not null: channel, spend, account_spend
-- partition: date (day)
-- cluster: platform, campaign_id
-- materialization: partitions
--
-- The three platforms' staging models in the one ad schema they share: date, platform, channel, account,
-- campaign, ad group, ad, spend, impressions, clicks, conversions, conversion value, in the shop's currency
-- (@shop_currency). Each platform reports in its ad account's currency (Meta's account_currency, Google Ads'
-- customer currency_code, TikTok's currency metric), which need not be the shop's: an account in another
-- currency is converted at the spend day's euro reference rates (staging.stg_fx_rates, crossed through the
-- euro when neither currency is the euro). The account's own amounts and currency stay beside them
-- (account_spend, account_conversion_value, account_currency) with the rate used (fx_rate: shop currency per
-- unit of the account's), so that a reader can audit the conversion. A day without a rate for the account's
-- currency (or the shop's) is never taken as the shop's money: its spend and conversion value count 0 and
-- fx_rate is NULL; unified.source_coverage marks the platform's day incomplete and check-quality names it.
WITH

ads AS (
  SELECT * EXCEPT (extracted_at)
  FROM staging.stg_facebook_ads_insights
  WHERE date BETWEEN @window_start AND @window_end
  UNION ALL
  SELECT * EXCEPT (extracted_at)
  FROM staging.stg_tiktok_ads_reports_daily
  WHERE date BETWEEN @window_start AND @window_end
  UNION ALL
  SELECT * EXCEPT (extracted_at)
  FROM staging.stg_google_ads_campaign_stats
  WHERE date BETWEEN @window_start AND @window_end
),

rates AS (
  -- Units of each currency per euro; the euro's own is 1 and is never listed.
  SELECT date, currency, rate
  FROM staging.stg_fx_rates
  WHERE date BETWEEN @window_start AND @window_end
  UNION ALL
  SELECT day AS date, 'EUR' AS currency, CAST(1 AS NUMERIC) AS rate
  FROM UNNEST(GENERATE_DATE_ARRAY(@window_start, @window_end)) AS day
),

converted AS (
  SELECT
    ads.*,
    -- The same currency needs no rate. Otherwise shop units per account unit = (shop per euro) ÷ (account per
    -- euro); NULL when either rate is missing.
    CASE
      WHEN ads.currency = @shop_currency THEN CAST(1 AS NUMERIC)
      ELSE CAST(SAFE_DIVIDE(CAST(shop_rates.rate AS NUMERIC), CAST(account_rates.rate AS NUMERIC)) AS NUMERIC)
    END AS fx_rate,
    shop_rates.rate AS shop_rate,
    account_rates.rate AS account_rate
  FROM ads
  LEFT JOIN rates AS account_rates ON account_rates.date = ads.date AND account_rates.currency = ads.currency
  LEFT JOIN rates AS shop_rates ON shop_rates.date = ads.date AND shop_rates.currency = @shop_currency
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
  -- amount × (shop per euro) ÷ (account per euro) in one exact NUMERIC quotient, to the micro as staging keeps
  -- the account's amounts: the rounded rate alone would drift by a unit of the shop currency on a large day.
  CASE
    WHEN currency = @shop_currency THEN spend
    WHEN fx_rate IS NULL THEN CAST(0 AS NUMERIC)
    ELSE ROUND(CAST(SAFE_DIVIDE(CAST(spend * shop_rate AS NUMERIC), CAST(account_rate AS NUMERIC)) AS NUMERIC), 6)
  END AS spend,
  impressions,
  clicks,
  conversions,
  CASE
    WHEN currency = @shop_currency THEN conversion_value
    WHEN fx_rate IS NULL THEN CAST(0 AS NUMERIC)
    ELSE ROUND(
      CAST(SAFE_DIVIDE(CAST(conversion_value * shop_rate AS NUMERIC), CAST(account_rate AS NUMERIC)) AS NUMERIC),
      6
    )
  END AS conversion_value,
  @shop_currency AS currency,
  currency AS account_currency,
  spend AS account_spend,
  conversion_value AS account_conversion_value,
  fx_rate
FROM converted
