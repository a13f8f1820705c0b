-- Grain: one row per day and TikTok ad, in the ad schema every platform shares:
-- date, platform, channel, account, campaign, ad group, ad, spend, impressions, clicks, conversions,
-- conversion value, currency.
SELECT * EXCEPT (extracted_at)
FROM staging.stg_tiktok_ads_reports_daily
WHERE date BETWEEN @window_start AND @window_end
