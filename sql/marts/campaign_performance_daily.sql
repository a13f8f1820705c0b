-- grain: one row per day, ad platform, campaign and ad group; and per day and campaign, its UTM-attributed orders
-- key: date, platform, campaign_id?, campaign_name?, ad_group_id?
-- not null: channel
-- partition: date (day)
-- cluster: platform, campaign_id
-- materialization: partitions
--
-- Campaign-level marketing across the three ad platforms. Two kinds of row share the table:
-- - an ad group's day (Meta: ad set; TikTok and Google Ads: ad group), ad_group_id set: what the platform
--   reports (spend, impressions, clicks, its own conversions and their value), the ads of the ad group summed;
--   attributed_orders and attributed_revenue are NULL, since a UTM names a campaign, never an ad group;
-- - a campaign's attribution day, ad_group_id NULL: the orders (and their gross revenue) the shop attributed to
--   the platform's channel (the channel list's UTM sources) whose utm_campaign names the campaign, by its id or by
--   its name, ignoring case and separators (campaign_name_keys); platform numbers are NULL. An utm_campaign that names no campaign the
--   platform ever reported keeps its own text as campaign_name, with campaign_id NULL; an order of the channel
--   with no utm_campaign has both NULL.
-- - a gap day, campaign and ad group NULL, every number NULL: a paid channel's day that
--   marts.marketing_daily_channel marks incomplete and that has no other row here (its ad platform had not landed
--   and no order named it), so a chart over the table shows the day as incomplete rather than a silent dip.
-- Sums over any set of rows are therefore right: a campaign's ROAS is SUM(attributed_revenue) / SUM(spend).
-- is_complete / missing_sources are the channel's day's (marts.marketing_daily_channel): FALSE / the ad platform
-- or Shopify when either had not landed through the day.
WITH

paid_channels AS (
  SELECT channel, source AS platform
  FROM staging.channels
  WHERE is_paid_channel AND source IS NOT NULL
),

ads AS (
  SELECT date, platform, channel, campaign_id, campaign_name, ad_group_id, ad_group_name, spend, impressions,
    clicks, conversions, conversion_value
  FROM unified.ad_performance
  WHERE date BETWEEN @window_start AND @window_end
),

campaign_history AS (
  -- Every campaign the platforms ever reported up to the window's end, under each name it had and the last day it
  -- had it: a UTM may name a campaign that spent before the window. One row per campaign and name, not per ad
  -- group and day, so that the two choices below rank a few hundred rows, not every ad row of the shop's history.
  SELECT platform, campaign_id, campaign_name, MAX(date) AS last_date
  FROM unified.ad_performance
  WHERE date <= @window_end
  GROUP BY platform, campaign_id, campaign_name
),

campaign_names AS (
  -- Its name on its last day (the first of them, if it had two that day).
  SELECT platform, campaign_id, campaign_name
  FROM campaign_history
  WHERE campaign_id IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY platform, campaign_id ORDER BY last_date DESC, campaign_name) = 1
),

campaign_name_keys AS (
  -- A name as UTMs write it by hand: letters and digits in lower case, every run of anything else (spaces,
  -- underscores, hyphens, punctuation, emoji) one space. "BF Prospecting" is then bf_prospecting, bf-prospecting
  -- and BF+Prospecting alike, as a marketer slugs it into a link (matched on the case alone, a shop's orders sat
  -- under an unknown campaign "bf_prospecting" beside its $180 of "BF Prospecting" spend with no order).
  SELECT platform, campaign_id, last_date,
    NULLIF(TRIM(REGEXP_REPLACE(LOWER(campaign_name), r'[^\p{L}\p{N}]+', ' ')), '') AS name_key
  FROM campaign_history
  WHERE campaign_name IS NOT NULL
),

campaigns_by_name AS (
  -- Two campaigns once given the same name, or names that differ only in case and separators: the one that ran
  -- last under it takes the UTM.
  SELECT platform, name_key, campaign_id
  FROM campaign_name_keys
  WHERE name_key IS NOT NULL
  QUALIFY ROW_NUMBER() OVER (PARTITION BY platform, name_key ORDER BY last_date DESC, campaign_id DESC) = 1
),

orders AS (
  SELECT order_date AS date, channel, utm_campaign, order_revenue
  FROM unified.shopify_unified
  WHERE order_date BETWEEN @window_start AND @window_end
    AND NOT is_cancelled
),

paid_orders AS (
  -- The paid channels' orders, summed per day, channel and utm_campaign as the landing URL writes it: the
  -- campaigns below are decoded and matched on these few rows, not on every order.
  SELECT
    orders.date,
    paid_channels.platform,
    orders.channel,
    orders.utm_campaign AS written_campaign,
    COUNT(*) AS order_count,
    SUM(orders.order_revenue) AS order_revenue
  FROM orders
  JOIN paid_channels ON paid_channels.channel = orders.channel
  GROUP BY orders.date, paid_channels.platform, orders.channel, orders.utm_campaign
),

decoded_orders AS (
  -- The campaign as a browser shows it, which is the name the platform reports: a URL writes "BF Prospecting" as
  -- BF%20Prospecting or BF+Prospecting, and "Été" as %C3%89t%C3%A9. '+' is a space; each escaped character (an
  -- ASCII byte, or a UTF-8 lead byte and its continuations) is decoded, and escapes that are not a valid UTF-8
  -- character (a lone %80, %C3 before a space, an overlong form) stay as written, as does a '%' not followed by two
  -- hex digits. (Staging decodes only the source and medium, and only the common escapes: they pick the channel.)
  SELECT
    date,
    platform,
    channel,
    IF(
      REGEXP_CONTAINS(written_campaign, r'%[0-9A-Fa-f]{2}'),
      (
        SELECT STRING_AGG(
          IF(
            STARTS_WITH(piece, '%') AND LENGTH(piece) > 1
            AND CAST(SAFE_CONVERT_BYTES_TO_STRING(FROM_HEX(REPLACE(piece, '%', ''))) AS BYTES)
              = FROM_HEX(REPLACE(piece, '%', '')),
            SAFE_CONVERT_BYTES_TO_STRING(FROM_HEX(REPLACE(piece, '%', ''))),
            piece
          ),
          '' ORDER BY position
        )
        FROM UNNEST(
          REGEXP_EXTRACT_ALL(
            REPLACE(written_campaign, '+', ' '),
            r'%[0-7][0-9A-Fa-f]|%[C-Dc-d][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee][0-9A-Fa-f](?:%[89ABab][0-9A-Fa-f]){2}|%[Ff][0-7](?:%[89ABab][0-9A-Fa-f]){3}|[^%]+|%'
          )
        ) AS piece WITH OFFSET AS position
      ),
      REPLACE(written_campaign, '+', ' ')
    ) AS utm_campaign,
    order_count,
    order_revenue
  FROM paid_orders
),

matched_orders AS (
  SELECT
    decoded_orders.date,
    decoded_orders.platform,
    decoded_orders.channel,
    COALESCE(by_id.campaign_id, by_name.campaign_id) AS campaign_id,
    decoded_orders.utm_campaign,
    decoded_orders.order_count,
    decoded_orders.order_revenue
  FROM decoded_orders
  LEFT JOIN campaign_names AS by_id
    ON by_id.platform = decoded_orders.platform AND by_id.campaign_id = decoded_orders.utm_campaign
  LEFT JOIN campaigns_by_name AS by_name
    ON by_name.platform = decoded_orders.platform
    -- The name key of campaign_name_keys, of the UTM.
    AND by_name.name_key = NULLIF(TRIM(REGEXP_REPLACE(LOWER(decoded_orders.utm_campaign), r'[^\p{L}\p{N}]+', ' ')), '')
),

named_orders AS (
  SELECT
    matched_orders.date,
    matched_orders.platform,
    matched_orders.channel,
    matched_orders.campaign_id,
    -- A matched campaign goes by its platform name; an unmatched UTM keeps its own text.
    IF(matched_orders.campaign_id IS NULL, matched_orders.utm_campaign, campaign_names.campaign_name)
      AS campaign_name,
    matched_orders.order_count,
    matched_orders.order_revenue
  FROM matched_orders
  LEFT JOIN campaign_names
    ON campaign_names.platform = matched_orders.platform
    AND campaign_names.campaign_id = matched_orders.campaign_id
),

attribution_days AS (
  SELECT
    date,
    platform,
    channel,
    campaign_id,
    campaign_name,
    SUM(order_count) AS attributed_orders,
    COALESCE(SUM(order_revenue), 0) AS attributed_revenue
  FROM named_orders
  GROUP BY date, platform, channel, campaign_id, campaign_name
),

ad_group_days AS (
  SELECT
    date,
    platform,
    channel,
    campaign_id,
    MAX(campaign_name) AS campaign_name,
    ad_group_id,
    MAX(ad_group_name) AS ad_group_name,
    SUM(spend) AS spend,
    SUM(impressions) AS impressions,
    SUM(clicks) AS clicks,
    CAST(ROUND(CAST(SUM(conversions) AS NUMERIC), 2) AS FLOAT64) AS platform_conversions,
    SUM(conversion_value) AS platform_conversion_value
  FROM ads
  GROUP BY date, platform, channel, campaign_id, ad_group_id
),

campaign_rows AS (
  SELECT
    date,
    platform,
    channel,
    campaign_id,
    campaign_name,
    ad_group_id,
    ad_group_name,
    spend,
    impressions,
    clicks,
    platform_conversions,
    platform_conversion_value,
    CAST(NULL AS INT64) AS attributed_orders,
    CAST(NULL AS NUMERIC) AS attributed_revenue
  FROM ad_group_days
  UNION ALL
  SELECT
    date,
    platform,
    channel,
    campaign_id,
    campaign_name,
    CAST(NULL AS STRING) AS ad_group_id,
    CAST(NULL AS STRING) AS ad_group_name,
    CAST(NULL AS NUMERIC) AS spend,
    CAST(NULL AS INT64) AS impressions,
    CAST(NULL AS INT64) AS clicks,
    CAST(NULL AS FLOAT64) AS platform_conversions,
    CAST(NULL AS NUMERIC) AS platform_conversion_value,
    attributed_orders,
    attributed_revenue
  FROM attribution_days
),

channel_completeness AS (
  SELECT date, channel, is_complete, missing_sources
  FROM marts.marketing_daily_channel
  WHERE date BETWEEN @window_start AND @window_end
),

channel_days_with_rows AS (
  SELECT DISTINCT date, channel FROM campaign_rows
),

gap_days AS (
  -- The incomplete paid-channel days with no row above: marketing_daily_channel's own verdict, not a second one.
  SELECT channel_completeness.date, paid_channels.platform, channel_completeness.channel
  FROM channel_completeness
  JOIN paid_channels ON paid_channels.channel = channel_completeness.channel
  LEFT JOIN channel_days_with_rows
    ON channel_days_with_rows.date = channel_completeness.date
    AND channel_days_with_rows.channel = channel_completeness.channel
  WHERE NOT channel_completeness.is_complete
    AND channel_days_with_rows.channel IS NULL
),

all_rows AS (
  SELECT * FROM campaign_rows
  UNION ALL
  SELECT
    date,
    platform,
    channel,
    CAST(NULL AS STRING) AS campaign_id,
    CAST(NULL AS STRING) AS campaign_name,
    CAST(NULL AS STRING) AS ad_group_id,
    CAST(NULL AS STRING) AS ad_group_name,
    CAST(NULL AS NUMERIC) AS spend,
    CAST(NULL AS INT64) AS impressions,
    CAST(NULL AS INT64) AS clicks,
    CAST(NULL AS FLOAT64) AS platform_conversions,
    CAST(NULL AS NUMERIC) AS platform_conversion_value,
    CAST(NULL AS INT64) AS attributed_orders,
    CAST(NULL AS NUMERIC) AS attributed_revenue
  FROM gap_days
)

SELECT
  all_rows.date,
  all_rows.platform,
  all_rows.channel,
  all_rows.campaign_id,
  all_rows.campaign_name,
  all_rows.ad_group_id,
  all_rows.ad_group_name,
  all_rows.spend,
  all_rows.impressions,
  all_rows.clicks,
  all_rows.platform_conversions,
  all_rows.platform_conversion_value,
  all_rows.attributed_orders,
  all_rows.attributed_revenue,
  COALESCE(channel_completeness.is_complete, TRUE) AS is_complete,
  channel_completeness.missing_sources
FROM all_rows
LEFT JOIN channel_completeness
  ON channel_completeness.date = all_rows.date AND channel_completeness.channel = all_rows.channel
