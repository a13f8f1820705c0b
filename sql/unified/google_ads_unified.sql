-- Grain: one row per day and Google Ads ad group (Google reports no ad level here), in the ad schema every platform shares:
-- date, platform, channel, account, campaign, ad group, ad, spend, impressions, clicks, conversions,
-- conversion value, currency.
SELECT * EXCEPT (extracted_at)
FROM staging.stg_google_ads_campaign_stats
WHERE date BETWEEN @window_start AND @window_end
