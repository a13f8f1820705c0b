-- Grain: one row per day and Meta ad, in the ad schema every platform shares:
-- date, platform, channel, account, campaign, ad group, ad, spend, impressions, clicks, conversions,
-- conversion value, currency.
SELECT * EXCEPT (extracted_at)
FROM staging.stg_facebook_ads_insights
WHERE date BETWEEN @window_start AND @window_end
