-- grain: one row per day and ad of every platform (Google Ads: per day and ad group, it reports no ad level)
-- key: date, platform, account_id, campaign_id, ad_group_id, ad_id?
-- not null: channel, spend
-- partition: date (day)
-- cluster: platform, campaign_id
-- materialization: partitions
--
-- The three platforms' staging models in the one ad schema they share: date, platform, channel, account,
-- campaign, ad group, ad, spend, impressions, clicks, conversions, conversion value, currency.
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
